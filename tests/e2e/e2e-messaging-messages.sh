#!/usr/bin/env bash
# e2e-messaging-messages: POST/GET /api/v1/threads/{id}/messages, POST
# /api/v1/threads/{id}/read, GET /api/v1/messages/unread-count and message
# attachments. A post writes its message, receipts, unread counts, audit
# row, events and (throttled) mails in one transaction; Idempotency-Key
# replays; receipts go sent -> delivered -> read and the sender sees each;
# pages go newest first or after a message; every bad input is a problem
# that writes nothing.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
. "$T_LIB_DIR/messaging-lib.sh"

R=$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')
mk_patient PA
mk_patient PB
mk_provider DR
mk_provider DX
team_add "$PA" "$DR"
on_exit "sql \"DELETE FROM care_team WHERE patient_id IN ('$PA', '$PB')\""
mk_thread "$PA_TOK" "$PA" "Questions $R" "$DR" "$STAFF_ID"
[[ $STATUS == 201 ]] || bail "thread: $STATUS $BODY"
T=$(jq -r .id <<<"$BODY")
mk_thread "$PB_TOK" "$PB" "Other $R" "$STAFF_ID"
TB=$(jq -r .id <<<"$BODY")
receipt() { sql "SELECT status FROM message_receipts WHERE message_id='$1' AND recipient_id='$2'"; }
unread_of() { sql "SELECT unread_count FROM thread_participants WHERE thread_id='$T' AND user_id='$1'"; }
mails() { sql "SELECT COUNT(*) FROM outbox WHERE template='new_secure_message' AND JSON_VALUE(payload, '\$.thread_id')='$T'"; }
# channels ID: the channels of the notices of this thread queued for ID
channels() { sql "SELECT IFNULL(GROUP_CONCAT(channel ORDER BY channel), 'none') FROM outbox WHERE template='new_secure_message' AND recipient_user_id='$1' AND JSON_VALUE(payload, '\$.thread_id')='$T'"; }

# --- a message: everything in one go ---
before=$(msg_counts)
post "$PA_TOK" "$T" "Is a mild fever normal after the vaccine? $R" -H 'Idempotency-Key: msg-1'
is "$STATUS" 201 "the patient posts a message"
M1=$(jq -r .id <<<"$BODY")
FIRST=$BODY
is "$(jq -r '[.thread_id, .sender_id, .body] | join("|")' <<<"$BODY")" \
	"$T|$PA|Is a mild fever normal after the vaccine? $R" "reply: thread, sender, body"
is "$(jq -r '[.receipts[] | .user_id + ":" + .status] | sort | join(" ")' <<<"$BODY")" \
	"$(printf '%s\n' "$DR:sent" "$STAFF_ID:sent" | sort | tr '\n' ' ' | sed 's/ $//')" "one 'sent' receipt per recipient"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1 outbox=+4 events=+2 messages=+1 receipts=+2 idem=+1" \
	"message, 2 receipts, audit row, 2 events, 2 notices (email and SMS each), the key: one transaction"
is "$(channels "$DR") $(channels "$STAFF_ID") $(channels "$PA")" "email,sms email,sms none" \
	"each recipient gets an email and an SMS row (their preferences decide at sending), the sender none"
is "$(sql "SELECT CONCAT_WS(' ', seq, body_key_id, INSTR(body, '$R') = 0) FROM messages WHERE id='$M1'")" "1 1 1" \
	"numbered 1 in its thread, sealed under key 1 (no plaintext)"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, entity_id, patient_id, JSON_VALUE(metadata, '\$.thread_id')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"create message $M1 $PA $T" "audited as a message of the patient, in its thread"
is "$(sql "SELECT GROUP_CONCAT(DISTINCT CONCAT(type, ' ', entity_type, ' ', entity_id)) FROM events WHERE entity_id='$T' AND type='message.created'")" \
	"message.created thread $T" "events name the thread, nothing else"
is "$(sql "SELECT COUNT(*) FROM events WHERE entity_id='$T' AND type='message.created' AND recipient_user_id IN ('$DR', '$STAFF_ID')")" 2 \
	"one event to each recipient, none to the sender"
is "$(sql "SELECT GROUP_CONCAT(DISTINCT payload) FROM outbox WHERE template='new_secure_message' AND JSON_VALUE(payload, '\$.thread_id')='$T'")" \
	"{\"thread_id\":\"$T\"}" "mail payload: the thread id only (no sender, no content)"
is "$(unread_of "$DR") $(unread_of "$STAFF_ID") $(unread_of "$PA")" "1 1 0" "unread counts of the recipients"
is "$(sql "SELECT message_count FROM threads WHERE id='$T'")" 1 "the thread counts it"

# --- Idempotency-Key ---
before=$(msg_counts)
post "$PA_TOK" "$T" "Is a mild fever normal after the vaccine? $R" -H 'Idempotency-Key: msg-1'
is "$STATUS" 201 "the same key and body: the first reply again"
is "$(header Idempotent-Replayed)" true "marked as a replay"
is "$BODY" "$FIRST" "byte for byte"
post "$PA_TOK" "$T" "something else" -H 'Idempotency-Key: msg-1'
is "$STATUS" 422 "the same key with another body: 422"
is "$(msg_delta "$before" "$(msg_counts)")" none "neither wrote anything"
is "$(sql "SELECT INSTR(resp_body, '$R') FROM idempotency_keys WHERE user_id='$PA' AND idem_key='msg-1'")" 0 \
	"the stored reply is sealed too"

# --- mails at most once per recipient and thread per 15 minutes ---
m0=$(mails)
post "$PA_TOK" "$T" "Also, my arm is sore."
is "$STATUS" 201 "a second message"
M2=$(jq -r .id <<<"$BODY")
is "$(($(mails) - m0))" 0 "no second mail within 15 minutes"
is "$(sql "SELECT COUNT(*) FROM events WHERE entity_id='$T' AND type='message.created'")" 4 "but the events"
clock_shift $((16 * 60))
post "$PA_TOK" "$T" "And a little tired."
is "$STATUS" 201 "a third message 16 minutes later"
M3=$(jq -r .id <<<"$BODY")
is "$(($(mails) - m0))" 4 "one more notice (email and SMS) to each recipient"
clock_reset

# --- delivered when the recipient lists, read when they say so ---
api GET "/api/v1/threads/$T/messages" "" -H "$(auth "$DR_TOK")"
is "$STATUS" 200 "the provider lists the messages"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$M3 $M2 $M1" "newest first"
is "$(jq -r '[.data[] | .status] | unique | join(" ")' <<<"$BODY")" delivered "each delivered to them now"
is "$(jq -r '.data[0] | has("receipts")' <<<"$BODY")" false "others' receipts are not theirs to see"
is "$(receipt "$M1" "$DR") $(receipt "$M1" "$STAFF_ID")" "delivered sent" "delivered for the lister only"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, JSON_VALUE(metadata, '\$.count'), patient_id) FROM audit_log WHERE actor_id='$DR' ORDER BY id DESC LIMIT 1")" \
	"read message 3 $PA" "one audit row for the page, listing its ids"
api GET "/api/v1/threads/$T/messages" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '.data[2].receipts | map(.user_id + ":" + .status + ":" + (.delivered_at != null | tostring)) | sort | join(" ")' <<<"$BODY")" \
	"$(printf '%s\n' "$DR:delivered:true" "$STAFF_ID:sent:false" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"the sender sees each recipient's status and time"

before=$(msg_counts)
api POST "/api/v1/threads/$T/read" "{\"up_to_message_id\":\"$M2\"}" -H "$(auth "$DR_TOK")"
is "$STATUS" 200 "the provider marks read up to the second message"
is "$(jq -r '[.marked_read, .unread_count] | join(" ")' <<<"$BODY")" "2 1" "two marked, one left"
is "$(receipt "$M1" "$DR") $(receipt "$M2" "$DR") $(receipt "$M3" "$DR")" "read read delivered" "receipts up to it are read"
is "$(unread_of "$DR")" 1 "the unread count follows"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1 events=+1" "one audit row, one event"
is "$(sql "SELECT CONCAT_WS(' ', recipient_user_id, type, entity_id) FROM events ORDER BY id DESC LIMIT 1")" \
	"$PA message.read $T" "message.read to the sender (once for both messages)"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_id, JSON_VALUE(metadata, '\$.count'), JSON_VALUE(metadata, '\$.up_to_message_id')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"mark_read $T 2 $M2" "the receipts are audited with the ids"
api GET "/api/v1/threads/$T/messages" "" -H "$(auth "$PA_TOK")"
like "$(jq -r '.data[1].receipts[] | select(.user_id=="'"$DR"'") | .status + " " + .read_at' <<<"$BODY")" \
	'^read [0-9-]{10}T' "the sender sees it read, and when"
before=$(msg_counts)
api POST "/api/v1/threads/$T/read" "{\"up_to_message_id\":\"$M2\"}" -H "$(auth "$DR_TOK")"
is "$(jq -r .marked_read <<<"$BODY")" 0 "marking again marks nothing"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1" "and tells no one"
api POST "/api/v1/threads/$T/read" "{\"up_to_message_id\":\"$M3\"}" -H "$(auth "$STAFF_TOK")"
is "$(jq -r '[.marked_read, .unread_count] | join(" ")' <<<"$BODY")" "3 0" "staff read everything (sent -> read)"
is "$(sql "SELECT delivered_at IS NOT NULL FROM message_receipts WHERE message_id='$M1' AND recipient_id='$STAFF_ID'")" 1 \
	"read implies delivered"
post "$PB_TOK" "$TB" "a message elsewhere"
MB=$(jq -r .id <<<"$BODY")
for bad in "$MB" aaaaaaaaaaaaaaaaaaaaaaaaaa; do
	api POST "/api/v1/threads/$T/read" "{\"up_to_message_id\":\"$bad\"}" -H "$(auth "$DR_TOK")"
	is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:up_to_message_id" "up to something that is not a message of this thread: 422"
done
api POST "/api/v1/threads/$T/read" '{"up_to_message_id":"x"}' -H "$(auth "$DR_TOK")"
is "$STATUS" 422 "a malformed id: 422"
api POST "/api/v1/threads/$T/read" "{\"up_to_message_id\":\"$M3\"}" -H "$(auth "$DX_TOK")"
is "$STATUS" 404 "someone not on the thread: 404"

# --- unread counts ---
api GET /api/v1/messages/unread-count "" -H "$(auth "$DR_TOK")"
is "$(jq -c '[.total, (.threads[] | select(.thread_id=="'"$T"'") | .unread_count)]' <<<"$BODY")" "[1,1]" \
	"the provider: total and per thread"
api GET /api/v1/messages/unread-count "" -H "$(auth "$STAFF_TOK")"
is "$(jq -r '[.threads[] | select(.thread_id=="'"$T"'")] | length' <<<"$BODY")" 0 "a thread read to the end is not listed"
api GET "/api/v1/messages/unread-count?x=1" "" -H "$(auth "$DR_TOK")"
is "$STATUS" 422 "unknown parameter: 422"
team_remove "$PA" "$DR"
api GET /api/v1/messages/unread-count "" -H "$(auth "$DR_TOK")"
is "$(jq -r '[.threads[] | select(.thread_id=="'"$T"'")] | length' <<<"$BODY")" 0 \
	"off the care team: the thread no longer counts"
team_add "$PA" "$DR"

# --- pages: newest first by cursor, or oldest first after a message ---
api GET "/api/v1/threads/$T/messages?limit=2" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$M3 $M2" "limit=2: the two newest"
next=$(jq -r .next_cursor <<<"$BODY")
api GET "/api/v1/threads/$T/messages?limit=2&cursor=$next" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '([.data[].id] | join(" ")), .next_cursor' <<<"$BODY" | tr '\n' ' ')" "$M1 null " "then the oldest, and the end"
api GET "/api/v1/threads/$T/messages?after=$M1&limit=1" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$M2" "after=M1: the next one, oldest first"
next=$(jq -r .next_cursor <<<"$BODY")
api GET "/api/v1/threads/$T/messages?limit=5&cursor=$next" "" -H "$(auth "$PA_TOK")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$M3" "its cursor goes on forward"
api GET "/api/v1/threads/$T/messages?after=$M3" "" -H "$(auth "$PA_TOK")"
is "$(jq -c .data <<<"$BODY")" "[]" "after the newest: nothing yet"
api GET "/api/v1/threads/$T/messages?after=aaaaaaaaaaaaaaaaaaaaaaaaaa" "" -H "$(auth "$PA_TOK")"
is "$STATUS:$(jq -r '.errors[0].field' <<<"$BODY")" "422:after" "after a message of no thread of this: 422"
api GET "/api/v1/threads/$T/messages?after=$M1&cursor=$next" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 422 "after and cursor together: 422"
api GET "/api/v1/threads/$T/messages?limit=0" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 422 "limit=0: 422"
api GET "/api/v1/threads/$T/messages?sort=asc" "" -H "$(auth "$PA_TOK")"
is "$STATUS" 422 "unknown parameter: 422"

# --- attachments on a message ---
make_pdf "$T_TMP/x.pdf" 3000 "ATTACH-$R"
att_upload "$PA_TOK" application/pdf "photo-$R.pdf" "$T_TMP/x.pdf"
A1=$(jq -r .id <<<"$BODY")
att_upload "$PA_TOK" application/pdf "second.pdf" "$T_TMP/x.pdf"
A2=$(jq -r .id <<<"$BODY")
att_upload "$PB_TOK" application/pdf "theirs.pdf" "$T_TMP/x.pdf"
AB=$(jq -r .id <<<"$BODY")

# bad NAME STATUS FIELD_OR_- TOKEN THREAD JSON [DELTA]: a refused post,
# nothing written (DELTA: what is, e.g. the denial's audit row)
bad() {
	local name=$1 want=$2 field=$3 tok=$4 th=$5 json=$6 delta=${7:-none} before
	before=$(msg_counts)
	api POST "/api/v1/threads/$th/messages" "$json" -H "$(auth "$tok")"
	is "$STATUS" "$want" "$name: $want"
	[[ $field == - ]] || is "$(jq -r '.errors[0].field' <<<"$BODY")" "$field" "$name: names $field"
	is "$(header Content-Type)" application/problem+json "$name: a problem document"
	is "$(msg_delta "$before" "$(msg_counts)")" "$delta" "$name: nothing written${7:+ but $7}"
}
bad "another user's attachment" 422 "attachment_ids[0]" "$PA_TOK" "$T" "{\"body\":\"x\",\"attachment_ids\":[\"$AB\"]}"
bad "one good, one unknown" 422 "attachment_ids[1]" "$PA_TOK" "$T" "{\"body\":\"x\",\"attachment_ids\":[\"$A1\",\"aaaaaaaaaaaaaaaaaaaaaaaaaa\"]}"
is "$(sql "SELECT attached_kind IS NULL FROM attachments WHERE id='$A1'")" 1 "the good one stays unattached (all or none)"
bad "the same attachment twice" 422 "attachment_ids[1]" "$PA_TOK" "$T" "{\"body\":\"x\",\"attachment_ids\":[\"$A1\",\"$A1\"]}"
bad "eleven attachments" 422 attachment_ids "$PA_TOK" "$T" "$(jq -cn '{body:"x",attachment_ids:[range(11)|"aaaaaaaaaaaaaaaaaaaaaaaaaa"]}')"
bad "attachment_ids not ids" 422 attachment_ids "$PA_TOK" "$T" '{"body":"x","attachment_ids":["../etc"]}'

before=$(msg_counts)
api POST "/api/v1/threads/$T/messages" "{\"body\":\"The photo, as asked.\",\"attachment_ids\":[\"$A1\",\"$A2\"]}" -H "$(auth "$PA_TOK")"
is "$STATUS" 201 "a message with two attachments"
MA=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.attachments[] | .id + ":" + .attached.kind + ":" + .attached.id] | sort | join(" ")' <<<"$BODY")" \
	"$(printf '%s\n' "$A1:message:$MA" "$A2:message:$MA" | sort | tr '\n' ' ' | sed 's/ $//')" "linked to the message"
is "$(msg_delta "$before" "$(msg_counts)")" "audit_log=+1 events=+2 messages=+1 receipts=+2 linked=+2" \
	"linked in the message's transaction"
bad "an attachment already on another message" 422 "attachment_ids[0]" "$PA_TOK" "$T" "{\"body\":\"again\",\"attachment_ids\":[\"$A1\"]}"
att_get "$DR_TOK" "/api/v1/attachments/$A1" "$T_TMP/dr.pdf"
is "$STATUS" 200 "the provider on the thread downloads it"
cmp -s "$T_TMP/x.pdf" "$T_TMP/dr.pdf"
ok $? "the same bytes"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, entity_id, patient_id) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read attachment $A1 $PA" "the download is audited as the patient's"
att_get "$STAFF_TOK" "/api/v1/attachments/$A2" "$T_TMP/st.pdf"
is "$STATUS" 200 "staff on the thread download it"
api GET "/api/v1/threads/$T/messages?limit=1" "" -H "$(auth "$DR_TOK")"
is "$(jq -r '.data[0].attachments | map(.filename) | sort | join(" ")' <<<"$BODY")" "photo-$R.pdf second.pdf" \
	"the list shows the message's attachments with their names"
for who in PB DX; do
	tok=${who}_TOK
	d0=$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied' AND entity_id='$A1'")
	api GET "/api/v1/attachments/$A1" "" -H "$(auth "${!tok}")"
	is "$STATUS" 404 "$who (not on the thread) gets 404 for the attachment"
	is "$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied' AND entity_id='$A1'")" $((d0 + 1)) "$who: audited"
done
team_remove "$PA" "$DR"
api GET "/api/v1/attachments/$A1" "" -H "$(auth "$DR_TOK")"
is "$STATUS" 404 "a provider taken off the care team loses the attachment too"
team_add "$PA" "$DR"
api DELETE "/api/v1/threads/$T/participants/$STAFF_ID" "" -H "$(auth "$STAFF_TOK")"
api GET "/api/v1/attachments/$A2" "" -H "$(auth "$STAFF_TOK")"
is "$STATUS" 404 "one who left the thread loses its attachments"

# --- bad bodies: a problem each, nothing written ---
bad "an empty body" 422 body "$PA_TOK" "$T" '{"body":""}'
bad "a blank body" 422 body "$PA_TOK" "$T" "$(jq -cn '{body:"  \n\t "}')"
bad "a NUL in the body" 422 body "$PA_TOK" "$T" '{"body":"a\u0000b"}'
bad "10,001 characters" 422 body "$PA_TOK" "$T" "$(jq -cn '{body:("é" * 10001)}')"
bad "a control character" 422 body "$PA_TOK" "$T" '{"body":"a\u0007b"}'
bad "a body that is a number" 422 body "$PA_TOK" "$T" '{"body":42}'
bad "no body" 422 body "$PA_TOK" "$T" '{}'
bad "an unknown field" 422 subject "$PA_TOK" "$T" '{"body":"x","subject":"y"}'
bad "malformed JSON" 400 - "$PA_TOK" "$T" '{"body":'
printf '{"body":"caf\xe9"}' >"$T_TMP/latin1.json"
before=$(msg_counts)
api_raw POST "/api/v1/threads/$T/messages" -H "$(auth "$PA_TOK")" -H 'Content-Type: application/json' --data-binary "@$T_TMP/latin1.json"
is "$STATUS" 400 "invalid UTF-8: 400"
is "$(msg_delta "$before" "$(msg_counts)")" none "invalid UTF-8: nothing written"
before=$(msg_counts)
api_raw POST "/api/v1/threads/$T/messages" -H "$(auth "$PA_TOK")" -H 'Content-Type: text/plain' --data-binary 'hello'
is "$STATUS" 415 "not JSON: 415"
is "$(msg_delta "$before" "$(msg_counts)")" none "not JSON: nothing written"
bad "to another patient's thread" 404 - "$PA_TOK" "$TB" '{"body":"hello"}' "audit_log=+1"
bad "to no thread" 404 - "$PA_TOK" aaaaaaaaaaaaaaaaaaaaaaaaaa '{"body":"hello"}'
before=$(msg_counts)
api POST "/api/v1/threads/$T/messages" "$(jq -cn '{body:("é" * 10000)}')" -H "$(auth "$PA_TOK")"
is "$STATUS" 201 "exactly 10,000 characters (20,000 bytes): 201"
is "$(jq -r '.body | length' <<<"$BODY")" 10000 "all of them back"

# --- the patient dashboard counts the reader's unread messages about the patient ---
post "$DR_TOK" "$T" "See you on Monday."
is "$STATUS" 201 "the provider answers"
post "$PB_TOK" "$TB" "unread elsewhere"
for who in DR PA; do
	tok=${who}_TOK
	want=$(sql "SELECT COUNT(*) FROM message_receipts r JOIN threads t ON t.id = r.thread_id
		WHERE r.recipient_id='${!who}' AND t.patient_id='$PA' AND r.status <> 'read'")
	api GET "/api/v1/patients/$PA/summary" "" -H "$(auth "${!tok}")"
	is "$STATUS:$(jq -r .counts.unread_messages <<<"$BODY")" "200:$want" \
		"$who: the dashboard's unread_messages is their unread receipts about the patient ($want)"
	ok "$((want > 0 ? 0 : 1))" "$who: some are unread, so the count is not a constant"
done
api GET "/api/v1/patients/$PB/summary" "" -H "$(auth "$STAFF_TOK")"
is "$(jq -r .counts.unread_messages <<<"$BODY")" \
	"$(sql "SELECT unread_count FROM thread_participants WHERE thread_id='$TB' AND user_id='$STAFF_ID'")" \
	"staff: their unread messages in the other patient's thread"
ok "$(($(jq -r .counts.unread_messages <<<"$BODY") > 0 ? 0 : 1))" "staff: and there are some"
api DELETE "/api/v1/threads/$TB/participants/$STAFF_ID" "" -H "$(auth "$STAFF_TOK")"
api GET "/api/v1/patients/$PB/summary" "" -H "$(auth "$STAFF_TOK")"
is "$(jq -r .counts.unread_messages <<<"$BODY")" 0 "a thread the reader left no longer counts"

done_testing
