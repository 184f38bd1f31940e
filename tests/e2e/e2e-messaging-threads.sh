#!/usr/bin/env bash
# e2e-messaging-threads: POST/GET /api/v1/threads, GET /api/v1/threads/{id},
# POST/DELETE /api/v1/threads/{id}/participants. Who may start a thread
# about whom and with whom; only current participants see one; a provider
# taken off the patient's care team loses it at once (404) and gets it
# back when put on again; one who left cannot post. Every refusal writes
# nothing but its audit row.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
. "$T_LIB_DIR/messaging-lib.sh"

R=$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')
mk_patient PA
mk_patient PB
mk_provider DR
mk_provider DR2
mk_provider DX
mk_provider DU unverified
team_add "$PA" "$DR"
team_add "$PA" "$DR2"
on_exit "sql \"DELETE FROM care_team WHERE patient_id IN ('$PA', '$PB')\""
AUD_TOK=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
ADMIN_ID=$(sql "SELECT id FROM users WHERE email_norm='admin@demo.test'")
denied() { sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied'"; }

# --- a patient starts a thread with their provider and staff ---
before=$(msg_counts)
mk_thread "$PA_TOK" "$PA" "Rash on my arm $R" "$DR" "$STAFF_ID"
is "$STATUS" 201 "patient starts a thread with a provider of their team and staff"
T1=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.patient_id, .subject, .created_by, .message_count, .unread_count, (.last_message_at|tostring)] | join("|")' <<<"$BODY")" \
	"$PA|Rash on my arm $R|$PA|0|0|null" "reply: patient, subject, creator, no messages yet"
is "$(jq -r '[.participants[].user_id] | sort | join(" ")' <<<"$BODY")" \
	"$(printf '%s\n' "$PA" "$DR" "$STAFF_ID" | sort | tr '\n' ' ' | sed 's/ $//')" "participants: the patient, the provider, staff"
is "$(jq -r '[.participants[] | select(.user_id=="'"$DR"'") | .role, .full_name] | join("|")' <<<"$BODY")" \
	"provider|Dr. Msg DR" "participants carry role and name"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1 events=+2 threads=+1 participants=+3" \
	"thread, three participants, audit row, an event to each other participant"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, entity_id, patient_id, outcome) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"create thread $T1 $PA success" "audited as a thread of the patient"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(type, ' ', entity_type, ' ', entity_id) ORDER BY id SEPARATOR ';') FROM events WHERE entity_id='$T1'")" \
	"thread.created thread $T1;thread.created thread $T1" "events carry ids only"
is "$(sql "SELECT COUNT(*) FROM threads WHERE id='$T1' AND INSTR(subject, '$R') = 0 AND subject_key_id = 1")" 1 \
	"the subject is sealed, under key 1"

# --- who a thread may include ---
# refused NAME STATUS FIELD TOKEN PATIENT SUBJECT ID...
refused() {
	local name=$1 want=$2 field=$3 before
	shift 3
	before=$(msg_counts)
	mk_thread "$@"
	is "$STATUS" "$want" "$name: $want"
	[[ $field == - ]] || is "$(jq -r '.errors[0].field' <<<"$BODY")" "$field" "$name: names $field"
	if [[ $want == 404 || $want == 403 ]]; then
		is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1" "$name: only the denial's audit row"
	else
		is "$(msg_delta "$before" "$(msg_counts)")" none "$name: nothing written"
	fi
}
refused "a provider off the team" 422 "participant_ids[0]" "$PA_TOK" "$PA" "s" "$DX"
refused "an unverified provider" 422 "participant_ids[0]" "$PA_TOK" "$PA" "s" "$DU"
refused "another patient" 422 "participant_ids[1]" "$PA_TOK" "$PA" "s" "$DR" "$PB"
refused "an admin" 422 "participant_ids[0]" "$PA_TOK" "$PA" "s" "$ADMIN_ID"
refused "an unknown user" 422 "participant_ids[0]" "$PA_TOK" "$PA" "s" "aaaaaaaaaaaaaaaaaaaaaaaaaa"
refused "nobody but oneself" 422 participant_ids "$PA_TOK" "$PA" "s"
refused "a patient about another patient" 404 - "$PA_TOK" "$PB" "s" "$DR"
refused "a provider about a patient off their team" 404 - "$DX_TOK" "$PA" "s"
refused "an unverified provider starting one" 404 - "$DU_TOK" "$PA" "s"
refused "an admin starting one" 404 - "$ADMIN_TOK" "$PA" "s" "$DR"
refused "an auditor starting one" 404 - "$AUD_TOK" "$PA" "s" "$DR"
refused "staff about someone who is no patient" 422 patient_id "$STAFF_TOK" "$DR" "s" "$DR"
refused "a blank subject" 422 subject "$PA_TOK" "$PA" "   " "$DR"
refused "an empty subject" 422 subject "$PA_TOK" "$PA" "" "$DR"
refused "a subject of 201 characters" 422 subject "$PA_TOK" "$PA" "$(printf 'é%.0s' {1..201})" "$DR"
refused "a subject with a newline" 422 subject "$PA_TOK" "$PA" $'two\nlines' "$DR"
before=$(msg_counts)
api POST /api/v1/threads "{\"patient_id\":\"$PA\",\"subject\":\"s\",\"participant_ids\":[\"$DR\"],\"urgent\":true}" -H "$(auth "$PA_TOK")"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:urgent" "an unknown field: 422"
api POST /api/v1/threads "{\"patient_id\":\"$PA\",\"subject\":\"s\",\"participant_ids\":\"$DR\"}" -H "$(auth "$PA_TOK")"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:participant_ids" "participant_ids not an array: 422"
api POST /api/v1/threads "{\"patient_id\":\"$PA\",\"subject\":" -H "$(auth "$PA_TOK")"
is "$STATUS" 400 "malformed JSON: 400"
api POST /api/v1/threads "$(jq -cn --arg p "$PA" '{patient_id:$p,subject:"s",participant_ids:[range(21)|"aaaaaaaaaaaaaaaaaaaaaaaaaa"]}')" -H "$(auth "$PA_TOK")"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:participant_ids" "21 participants: 422"
api POST /api/v1/threads "{}"
is "$STATUS" 401 "no token: 401"
is "$(msg_delta "$before" "$(msg_counts)")" none "none of these wrote anything"

# --- providers and staff start threads ---
mk_thread "$DR_TOK" "$PA" "Follow-up $R"
is "$STATUS" 201 "a provider starts one about a patient of their team"
T2=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.participants[].user_id] | sort | join(" ")' <<<"$BODY")" \
	"$(printf '%s\n' "$PA" "$DR" | sort | tr '\n' ' ' | sed 's/ $//')" "the patient is always on it"
mk_thread "$STAFF_TOK" "$PB" "Billing $R"
is "$STATUS" 201 "staff start one about anyone"
T3=$(jq -r .id <<<"$BODY")

# --- reading one: participants only ---
api GET "/api/v1/threads/$T1" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 200 "the patient reads it"
is "$(jq -r '.subject, (.participants|length)' <<<"$BODY" | tr '\n' ' ')" "Rash on my arm $R 3 " "with subject and participants"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, entity_id, patient_id) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read thread $T1 $PA" "a read of PHI: audited"
for who in DR STAFF; do
	tok=${who}_TOK
	api GET "/api/v1/threads/$T1" "" -H "$(auth "${!tok}")"
	is "$STATUS" 200 "$who (a participant) reads it"
done
for who in PB DX DU DR2 ADMIN; do
	tok=${who}_TOK
	d0=$(denied)
	api GET "/api/v1/threads/$T1" "" -H "$(auth "${!tok}")"
	is "$STATUS" 404 "$who (not on it) gets 404"
	is "$(($(denied) - d0))" 1 "$who: the denial is audited once"
done
api GET "/api/v1/threads/$T3" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 404 "another patient's thread: 404"
api GET "/api/v1/threads/aaaaaaaaaaaaaaaaaaaaaaaaaa" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 404 "an unknown thread: 404"

# --- lists: most recent activity first, with unread counts ---
post "$DR_TOK" "$T1" "Please send a photo."
is "$STATUS" 201 "a message on the first thread"
api GET /api/v1/threads "" -H "$(auth "$PA_TOK")"
is "$STATUS" 200 "the patient lists their threads"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$T1 $T2" "the thread with the newest message first"
is "$(jq -r '[.data[] | .unread_count] | join(" ")' <<<"$BODY")" "1 0" "each with its unread count"
like "$(jq -r '.data[0].last_message_at' <<<"$BODY")" '^[0-9-]{10}T[0-9:]{8}Z$' "and its last message time"
is "$(jq -r '.data[0].subject' <<<"$BODY")" "Rash on my arm $R" "subjects in clear for the participant"
is "$(sql "SELECT status FROM message_receipts WHERE recipient_id='$PA' AND thread_id='$T1'")" delivered \
	"listing the thread marks its messages delivered to the lister"
is "$(sql "SELECT JSON_EXTRACT(metadata, '\$.count') FROM audit_log WHERE actor_id='$PA' ORDER BY id DESC LIMIT 1")" 2 \
	"the list is one audit row with the ids"
api GET "/api/v1/threads?limit=1" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '.data | length' <<<"$BODY")" 1 "limit=1: one thread"
next=$(jq -r .next_cursor <<<"$BODY")
api GET "/api/v1/threads?limit=1&cursor=$next" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '([.data[].id] | join(" ")), .next_cursor' <<<"$BODY" | tr '\n' ' ')" "$T2 null " "the cursor gives the next, then the end"
api GET "/api/v1/threads?cursor=bm9wZQ" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 422 "a forged cursor: 422"
api GET "/api/v1/threads?status=open" "" -H "$(auth "$PA_TOK")"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:status" "an unknown parameter: 422"
for who in ADMIN AUD; do
	tok=${who}_TOK
	api GET /api/v1/threads "" -H "$(auth "${!tok}")"
	is "$STATUS" 403 "$who may not list threads"
done
api GET /api/v1/threads "" -H "$(auth "$DX_TOK")"
is "$(jq -r '.data | length' <<<"$BODY")" 0 "a provider on none lists nothing"

# --- participants: staff add (audited), anyone leaves ---
before=$(msg_counts)
api POST "/api/v1/threads/$T1/participants" "{\"user_id\":\"$DR2\"}" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 201 "staff add a second provider of the team"
is "$(jq -r '.participants | length' <<<"$BODY")" 4 "four participants now"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1 events=+1 participants=+1" "row, audit row, an event to the new one"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_id, JSON_VALUE(metadata, '\$.user_id')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"add_participant $T1 $DR2" "the addition is audited with who was added"
api POST "/api/v1/threads/$T1/participants" "{\"user_id\":\"$DR2\"}" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 409 "adding them again: 409"
api POST "/api/v1/threads/$T1/participants" "{\"user_id\":\"$DX\"}" -H "$(auth "$STAFF_TOK")"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:user_id" "a provider off the team cannot be added"
d0=$(denied)
api POST "/api/v1/threads/$T1/participants" "{\"user_id\":\"$DR2\"}" -H "$(auth "$PA_TOK")"
is "$STATUS" 403 "a patient may not add participants (403: they see the thread)"
api POST "/api/v1/threads/$T1/participants" "{\"user_id\":\"$DR2\"}" -H "$(auth "$PB_TOK")"
is "$STATUS" 404 "someone who does not see the thread gets 404"
is "$(($(denied) - d0))" 2 "both refusals audited"
api GET "/api/v1/threads/$T1" "" -H "$(auth "$DR2_TOK")"
is "$STATUS" 200 "the added provider sees the thread"

before=$(msg_counts)
api DELETE "/api/v1/threads/$T1/participants/$DR2" "" -H "$(auth "$DR2_TOK")"
is "$STATUS" 204 "the provider leaves"
is "$(sql "SELECT left_at IS NOT NULL FROM thread_participants WHERE thread_id='$T1' AND user_id='$DR2'")" 1 "marked as left"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1" "only the audit row"
api GET "/api/v1/threads/$T1" "" -H "$(auth "$DR2_TOK")"
is "$STATUS" 404 "one who left no longer sees it"
before=$(msg_counts)
post "$DR2_TOK" "$T1" "still here?"
is "$STATUS" 404 "posting to a thread the caller left: 404"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1" "posting after leaving writes nothing but the denial"
api GET /api/v1/threads "" -H "$(auth "$DR2_TOK")"
is "$(jq -r '[.data[].id] | index("'"$T1"'") // "none"' <<<"$BODY")" none "and it is gone from their list"
api POST "/api/v1/threads/$T1/participants" "{\"user_id\":\"$DR2\"}" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 201 "staff put them back"
api GET "/api/v1/threads/$T1" "" -H "$(auth "$DR2_TOK")"
is "$STATUS" 200 "and they see it again"
api DELETE "/api/v1/threads/$T1/participants/$PA" "" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 409 "staff cannot remove the patient"
api DELETE "/api/v1/threads/$T1/participants/$DR" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 403 "a patient cannot remove others"
api DELETE "/api/v1/threads/$T1/participants/$DR2" "" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 204 "staff remove a provider"
api DELETE "/api/v1/threads/$T1/participants/$DR2" "" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 404 "removing one who is not on it: 404"

# --- taken off the care team: the thread is gone at once, and back after ---
team_remove "$PA" "$DR"
before=$(msg_counts)
api GET "/api/v1/threads/$T1" "" -H "$(auth "$DR_TOK")"
is "$STATUS" 404 "a provider off the care team: the thread is 404"
post "$DR_TOK" "$T1" "one more thing"
is "$STATUS" 404 "and they cannot post"
api GET "/api/v1/threads/$T1/messages" "" -H "$(auth "$DR_TOK")"
is "$STATUS" 404 "nor read its messages"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+3" "three denials, nothing else"
api GET /api/v1/threads "" -H "$(auth "$DR_TOK")"
is "$(jq -r '.data | length' <<<"$BODY")" 0 "their list no longer shows the patient's threads"
team_add "$PA" "$DR"
api GET "/api/v1/threads/$T1" "" -H "$(auth "$DR_TOK")"
is "$STATUS" 200 "back on the team: back on the thread"

done_testing
