#!/usr/bin/env bash
# e2e-records-summary: GET /api/v1/patients/{id}/summary through nginx.
# One request gives the profile, the 5 latest released lab results, the
# active treatment plans, the next 3 visits and the counts (the caller's
# unread messages in the patient's threads); it writes one
# audit row naming every id it returned; it shows nothing unreleased
# (no preliminary, cancelled or withdrawn result, no draft or paused
# plan), whoever asks; the patient, their care team and staff may ask.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/records-lib.sh"

summary() { as "$1" GET "/api/v1/patients/${2:-$PAT_ID}/summary"; }

# --- an empty record ---
summary "$PAT_TOK"
is "$STATUS" 200 "a patient with nothing yet has a dashboard"
is "$(jq -c '[.patient.id, .lab_results, .treatment_plans, .upcoming_appointments, .counts]' <<<"$BODY")" \
	"[\"$PAT_ID\",[],[],[],{\"unread_messages\":0}]" "empty lists and zero counts"

# --- fill it: results in every state, plans in every state, visits ---
REL=()
for i in 1 2 3 4 5 6 7; do
	REL+=("$(lab_final "$PROV_TOK" "$(jq -cn --arg i "$i" '{test_name:("Result " + $i),result_value:("v" + $i)}')")")
done
PRE=$(lab_new "$PROV_TOK" '{"test_name":"Pending","result_value":"not yet"}')
CAN=$(lab_new "$PROV_TOK" '{"test_name":"Cancelled"}')
as "$PROV_TOK" POST "/api/v1/lab-results/$CAN/status" '{"status":"cancelled"}'
WD=$(lab_final "$PROV_TOK" '{"test_name":"Withdrawn"}')
as "$PROV_TOK" POST "/api/v1/lab-results/$WD/status" '{"status":"entered_in_error"}'
[[ $STATUS == 200 ]] || bail "withdraw: $STATUS $BODY"
# The amendment of an older result brings it to the top, amended.
as "$PROV_TOK" POST "/api/v1/lab-results/${REL[0]}/amend" '{"result_value":"v1b","reason":"corrected"}'
[[ $STATUS == 200 ]] || bail "amend: $STATUS $BODY"
A1=$(plan_new "$PROV_TOK" '{"status":"active","title":"First"}')
A2=$(plan_new "$PROV2_TOK" '{"status":"active","title":"Second"}')
plan_new "$PROV_TOK" '{"title":"Draft"}' >/dev/null
HOLD=$(plan_new "$PROV_TOK" '{"status":"active","title":"Paused"}')
as "$PROV_TOK" POST "/api/v1/treatment-plans/$HOLD/status" '{"status":"on_hold"}'
[[ $STATUS == 200 ]] || bail "hold: $STATUS $BODY"
visit() { # ID MINUTES-FROM-NOW STATUS
	sql "INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		booked_by, created_at, updated_at) VALUES ('$1', '$PROV_ID', '$PAT_ID',
		UTC_TIMESTAMP(6) + INTERVAL $2 MINUTE, UTC_TIMESTAMP(6) + INTERVAL ($2 + 30) MINUTE,
		'$3', 'video', '$PAT_ID', NOW(6), NOW(6))" || bail "visit $1"
}
V=$(od -An -vtx1 -N5 /dev/urandom | tr -d ' \n' | tr 0-9 a-j)
visit "${V}visitpastaaaaaaa" -120 completed
visit "${V}visitnowaaaaaaaa" -10 in_session
visit "${V}visitcancelledaa" 60 cancelled
visit "${V}visitsoonaaaaaaa" 120 scheduled
visit "${V}visitlateraaaaaa" 1440 checked_in
visit "${V}visitfaraaaaaaaa" 10080 scheduled

# Messages: the caller's unread ones in this patient's threads only.
thread() { # TOKEN PATIENT PARTICIPANT...: prints the new thread's id
	local tok=$1 pat=$2
	shift 2
	as "$tok" POST /api/v1/threads "$(jq -cn --arg p "$pat" \
		'{patient_id:$p,subject:"Follow-up",participant_ids:$ARGS.positional}' --args "$@")"
	[[ $STATUS == 201 ]] || bail "thread: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
msg() { # TOKEN THREAD
	as "$1" POST "/api/v1/threads/$2/messages" '{"body":"See you on Monday."}'
	[[ $STATUS == 201 ]] || bail "message: $STATUS $BODY"
	LAST_MSG=$(jq -r .id <<<"$BODY")
}
TH1=$(thread "$PROV_TOK" "$PAT_ID" "$PAT_ID")
TH2=$(thread "$PROV2_TOK" "$PAT_ID" "$PROV_ID")
msg "$PROV_TOK" "$TH1"
msg "$PROV_TOK" "$TH1"
M1=$LAST_MSG
msg "$PAT_TOK" "$TH1"
msg "$PROV2_TOK" "$TH2"
# The same provider on another patient's thread: not this dashboard's.
sql "INSERT INTO care_team (patient_id, provider_id, added_at) VALUES ('$OPAT_ID', '$PROV_ID', NOW(6))"
TH3=$(thread "$OPAT_TOK" "$OPAT_ID" "$PROV_ID")
msg "$OPAT_TOK" "$TH3"
msg "$OPAT_TOK" "$TH3"
is "$(sql "SELECT CONCAT_WS(' ', (SELECT SUM(unread_count) FROM thread_participants WHERE user_id = '$PAT_ID'),
	(SELECT SUM(unread_count) FROM thread_participants WHERE user_id = '$PROV_ID'))")" "3 4" \
	"the patient has 3 unread messages, the provider 2 in this patient's threads and 2 in another's"
declare -A want_unread=([PAT]=3 [PROV]=2 [STAFF]=0)

want_labs="${REL[0]} ${REL[6]} ${REL[5]} ${REL[4]} ${REL[3]}"
want_visits="${V}visitnowaaaaaaaa ${V}visitsoonaaaaaaa ${V}visitlateraaaaaa"
for who in PAT PROV STAFF; do
	tok=${who}_TOK
	before=$(clin_counts)
	summary "${!tok}"
	is "$STATUS" 200 "$who reads the dashboard in one request"
	is "$(jq -r '.patient | .id + " " + .medical_record_number' <<<"$BODY")" \
		"$PAT_ID $(sql "SELECT medical_record_number FROM patient_profiles WHERE user_id = '$PAT_ID'")" \
		"the profile ($who)"
	is "$(jq -r '[.lab_results[].id] | join(" ")' <<<"$BODY")" "$want_labs" \
		"the 5 latest released results, newest release first ($who)"
	is "$(jq -r '.lab_results[0] | .status + " " + .result_value + " " + (.version | tostring)' <<<"$BODY")" \
		"amended v1b 2" "an amended one as amended, with its new value ($who)"
	is "$(jq -r '[.treatment_plans[].id] | sort | join(" ")' <<<"$BODY")" "$(printf '%s\n' "$A1" "$A2" | sort | paste -sd' ')" \
		"the active plans, not the draft or the one on hold ($who)"
	is "$(jq -r '.treatment_plans[0].goals[0].description' <<<"$BODY")" "Below 130/80" "plans with their goals ($who)"
	is "$(jq -r '[.upcoming_appointments[].id] | join(" ")' <<<"$BODY")" "$want_visits" \
		"the next 3 visits, the running one first, none past or cancelled ($who)"
	is "$(jq -r '.upcoming_appointments[0] | .provider_id + " " + .provider_name + " " + .status' <<<"$BODY")" \
		"$PROV_ID Appt Test in_session" "a visit names its provider ($who)"
	is "$(jq -c .counts <<<"$BODY")" "{\"unread_messages\":${want_unread[$who]}}" \
		"counts: the caller's unread messages in this patient's threads ($who)"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "one audit row for the whole read ($who)"
	is "$(last_audit)" "read patient_summary $PAT_ID $PAT_ID success" "a read of the patient's summary ($who)"
	is "$(sql "SELECT CONCAT_WS(' | ', actor_id,
		(SELECT GROUP_CONCAT(j.v SEPARATOR ' ') FROM JSON_TABLE(metadata, '\$.lab_result_ids[*]' COLUMNS (v VARCHAR(26) PATH '\$')) j),
		(SELECT GROUP_CONCAT(j.v ORDER BY j.v SEPARATOR ' ') FROM JSON_TABLE(metadata, '\$.treatment_plan_ids[*]' COLUMNS (v VARCHAR(26) PATH '\$')) j),
		(SELECT GROUP_CONCAT(j.v SEPARATOR ' ') FROM JSON_TABLE(metadata, '\$.appointment_ids[*]' COLUMNS (v VARCHAR(26) PATH '\$')) j))
		FROM audit_log ORDER BY id DESC LIMIT 1")" \
		"$(eval echo "\$${who}_ID") | $want_labs | $(printf '%s\n' "$A1" "$A2" | sort | paste -sd' ') | $want_visits" \
		"the audit row names every id it returned ($who)"
done
unlike "$BODY" "$PRE|$CAN|$WD|not yet|Pending|Withdrawn|Draft|Paused" "nothing unreleased appears, not even to staff"

# --- who may not ---
for who in OPAT PRNC PRUN ADMIN AUDITOR; do
	tok=${who}_TOK
	before=$(clin_counts)
	summary "${!tok}"
	is "$STATUS" 404 "$who gets 404"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written ($who)"
	is "$(last_audit)" "read patient_summary $PAT_ID $PAT_ID denied" "denial audited ($who)"
done
before=$(clin_counts)
api GET "/api/v1/patients/$PAT_ID/summary"
is "$STATUS" 401 "anonymous: 401"
for id in aaaaaaaaaaaaaaaaaaaaaaaaaa "$PROV_ID" nope; do
	summary "$STAFF_TOK" "$id"
	is "$STATUS" 404 "no such patient ($id): 404"
done
is "$(clin_delta "$before" "$(clin_counts)")" none "nothing written for those"
as "$PAT_TOK" POST "/api/v1/patients/$PAT_ID/summary" '{}'
is "$STATUS" 405 "the summary is read only"

# --- it follows the record ---
as "$PAT_TOK" POST "/api/v1/threads/$TH1/read" "$(jq -cn --arg m "$M1" '{up_to_message_id:$m}')"
[[ $STATUS == 200 ]] || bail "read: $STATUS $BODY"
summary "$PAT_TOK"
is "$(jq -c .counts <<<"$BODY")" '{"unread_messages":1}' "messages read leave the count at once"
as "$PROV_TOK" DELETE "/api/v1/threads/$TH2/participants/$PROV_ID"
[[ $STATUS == 204 ]] || bail "leave: $STATUS $BODY"
summary "$PROV_TOK"
is "$(jq -c .counts <<<"$BODY")" '{"unread_messages":1}' "a thread left counts no more"

as "$PROV_TOK" POST "/api/v1/lab-results/$PRE/finalize"
summary "$PAT_TOK"
is "$(jq -r '.lab_results[0] | .id + " " + .result_value' <<<"$BODY")" "$PRE not yet" "a result finalised now tops the dashboard"
is "$(jq -r '.lab_results | length' <<<"$BODY")" 5 "still five"
sql "DELETE FROM care_team WHERE patient_id = '$PAT_ID' AND provider_id = '$PROV_ID'"
summary "$PROV_TOK"
is "$STATUS" 404 "a provider taken off the care team loses the dashboard at once"
sql "INSERT INTO care_team (patient_id, provider_id, added_at) VALUES ('$PAT_ID', '$PROV_ID', NOW(6))"

done_testing
