#!/usr/bin/env bash
# e2e-records-labs: lab results through nginx. Who may create, edit,
# finalise, amend, cancel and withdraw them (care-team providers and
# staff); every step of the narrowed FHIR Observation life cycle and every
# step that is not one (409); the version history; a patient never seeing
# a preliminary (or cancelled, or withdrawn) result, not by id, not in the
# list, not in its versions; bad input answered with nothing written; the
# audit row, events and notification of each change; lists with filters
# and cursors; concurrent commands on one result.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/records-lib.sh"

lab_sql() { sql "SELECT CONCAT_WS(' ', status, version, IF(published_at IS NULL, 'unpublished', 'published')) FROM lab_results WHERE id = '$1'"; }

# --- create ---
before=$(clin_counts)
as "$PROV_TOK" POST /api/v1/lab-results "$(jq -cn --arg p "$PAT_ID" \
	'{patient_id:$p,test_code:"2345-7",test_name:"Glucose",result_value:"5.4",
	  units:"mmol/L",reference_range:"3.9-5.5",interpretation:"normal",notes:"Fasting."}')"
is "$STATUS" 201 "a care-team provider records a result"
LAB=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.patient_id, .ordered_by, .created_by, .status, .version, .published_at] | map(tostring) | join(" ")' <<<"$BODY")" \
	"$PAT_ID $PROV_ID $PROV_ID preliminary 0 null" "preliminary, version 0, ordered by its author"
is "$(jq -r '[.test_code, .test_name, .result_value, .units, .reference_range, .interpretation, .notes] | join("|")' <<<"$BODY")" \
	"2345-7|Glucose|5.4|mmol/L|3.9-5.5|normal|Fasting." "the reply holds what was sent"
is "$(lab_sql "$LAB")" "preliminary 0 unpublished" "stored preliminary"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1 labs=+1" \
	"one row, its audit row and one event"
is "$(last_audit)" "create lab_result $LAB $PAT_ID success" "the creation is audited"
is "$(events_of "$LAB")" "$PROV_ID:lab_result.created" "the ordering provider is told, the patient is not"

as "$STAFF_TOK" POST /api/v1/lab-results "$(jq -cn --arg p "$PAT_ID" --arg o "$PROV2_ID" \
	'{patient_id:$p,ordered_by:$o,test_name:"Potassium",result_value:"4.1"}')"
is "$STATUS $(jq -r '.ordered_by + " " + .created_by' <<<"$BODY")" "201 $PROV2_ID $STAFF_ID" \
	"staff record a result ordered by a provider of the team"
LAB_STAFF=$(jq -r .id <<<"$BODY")

# --- who may not create ---
create_body=$(jq -cn --arg p "$PAT_ID" '{patient_id:$p,test_name:"Sodium",result_value:"140"}')
for who in "PRNC 404" "PRUN 404" "PAT 403" "OPAT 404" "ADMIN 403" "AUDITOR 404"; do
	tok=${who% *}_TOK
	before=$(clin_counts)
	as "${!tok}" POST /api/v1/lab-results "$create_body"
	is "$STATUS" "${who#* }" "${who% *} may not record a result for the patient (${who#* })"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written (${who% *})"
	is "$(last_audit)" "create lab_result - $PAT_ID denied" "denial audited (${who% *})"
done
before=$(clin_counts)
api POST /api/v1/lab-results "$create_body"
is "$STATUS" 401 "anonymous: 401"
is "$(clin_delta "$before" "$(clin_counts)")" none "nothing written without a session"

# --- bad input: a problem and nothing written ---
bad() { # NAME STATUS FIELD BODY [TOKEN]
	local before
	before=$(clin_counts)
	as "${5:-$STAFF_TOK}" POST /api/v1/lab-results "$4"
	is "$STATUS" "$2" "bad input: $1 ($2)"
	[[ -n $3 ]] && like "$BODY" "\"field\":\"$3\"" "bad input: $1 names $3"
	is "$(clin_delta "$before" "$(clin_counts)")" none "bad input: $1 writes nothing"
}
base() { jq -cn --arg p "$PAT_ID" --arg o "$PROV_ID" --argjson x "$1" \
	'{patient_id:$p,ordered_by:$o,test_name:"Sodium",result_value:"140"} + $x'; }
bad "unknown field" 422 colour "$(base '{"colour":"red"}')"
bad "status at creation" 422 status "$(base '{"status":"final"}')"
bad "no test name" 422 test_name "$(base '{}' | jq -c 'del(.test_name)')"
bad "no value" 422 result_value "$(base '{}' | jq -c 'del(.result_value)')"
bad "null test name" 422 test_name "$(base '{"test_name":null}')"
bad "numeric value" 422 result_value "$(base '{"result_value":140}')"
bad "blank value" 422 result_value "$(base '{"result_value":"  \n "}')"
bad "test code with a space" 422 test_code "$(base '{"test_code":"23 45"}')"
bad "test code too long" 422 test_code "$(base "$(jq -cn '{test_code:("1" * 33)}')")"
bad "test name too long" 422 test_name "$(base "$(jq -cn '{test_name:("a" * 201)}')")"
bad "units too long" 422 units "$(base "$(jq -cn '{units:("u" * 51)}')")"
bad "unknown interpretation" 422 interpretation "$(base '{"interpretation":"borderline"}')"
bad "value over records.value_max_chars" 422 result_value "$(base "$(jq -cn '{result_value:("9" * 2001)}')")"
bad "notes over records.text_max_chars" 422 notes "$(base "$(jq -cn '{notes:("n" * 20001)}')")"
bad "patient id not an id" 422 patient_id "$(base '{"patient_id":"nope"}')"
bad "no such patient" 422 patient_id "$(base '{"patient_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}')"
bad "a provider is no patient" 422 patient_id "$(base "{\"patient_id\":\"$PROV_ID\"}")"
bad "ordering provider off the team" 422 ordered_by "$(base "{\"ordered_by\":\"$PRNC_ID\"}")"
bad "ordering provider not verified" 422 ordered_by "$(base "{\"ordered_by\":\"$PRUN_ID\"}")"
bad "ordering provider is a patient" 422 ordered_by "$(base "{\"ordered_by\":\"$OPAT_ID\"}")"
bad "staff without ordered_by" 422 ordered_by "$(base '{}' | jq -c 'del(.ordered_by)')"
bad "an array body" 422 "" '[]'
bad "malformed JSON" 400 "" '{"patient_id":'
before=$(clin_counts)
api_raw POST /api/v1/lab-results -H "Authorization: Bearer $STAFF_TOK" -H 'Content-Type: text/plain' \
	--data-binary "$(base '{}')"
is "$STATUS" 415 "bad input: text/plain is 415"
is "$(clin_delta "$before" "$(clin_counts)")" none "bad input: 415 writes nothing"
# 2000 characters (not bytes) fit: four-byte characters count once.
as "$STAFF_TOK" POST /api/v1/lab-results "$(base "$(jq -cn '{result_value:("😀" * 2000)}')")"
is "$STATUS" 201 "2000 four-byte characters are within records.value_max_chars"

# --- a preliminary result is not the patient's to see ---
for path in "/api/v1/lab-results/$LAB" "/api/v1/lab-results/$LAB/versions"; do
	before=$(clin_counts)
	as "$PAT_TOK" GET "$path"
	is "$STATUS" 404 "the patient gets 404 for a preliminary result: ${path#/api/v1/lab-results/}"
	is "$(jq -r .detail <<<"$BODY")" "no such record" "the same 404 as for no record at all"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "the refusal is audited once"
done
as "$PAT_TOK" GET /api/v1/lab-results
is "$(jq -r --arg l "$LAB" '[.data[] | select(.id == $l)] | length' <<<"$BODY")" 0 "nor is it in the patient's list"
as "$PAT_TOK" GET "/api/v1/lab-results?status=preliminary"
is "$STATUS $(jq -c .data <<<"$BODY")" "200 []" "asking for preliminary results gives the patient none"
for who in OPAT PRNC PRUN AUDITOR ADMIN; do
	tok=${who}_TOK
	as "${!tok}" GET "/api/v1/lab-results/$LAB"
	is "$STATUS" 404 "$who cannot read the preliminary result"
done
for who in PROV PROV2 STAFF; do
	tok=${who}_TOK
	as "${!tok}" GET "/api/v1/lab-results/$LAB"
	is "$STATUS $(jq -r .result_value <<<"$BODY")" "200 5.4" "$who reads the preliminary result"
done
is "$(last_audit)" "read lab_result $LAB $PAT_ID success" "the read is audited"

# --- edits in place while preliminary ---
before=$(clin_counts)
as "$PROV2_TOK" PATCH "/api/v1/lab-results/$LAB" '{"result_value":"5.6","notes":null,"interpretation":"normal"}'
is "$STATUS $(jq -r '[.result_value, (.notes | tostring), .version, .status, .updated_by] | map(tostring) | join(" ")' <<<"$BODY")" \
	"200 5.6 null 0 preliminary $PROV2_ID" "another team provider edits the preliminary result in place"
is "$(sql "SELECT notes IS NULL FROM lab_results WHERE id = '$LAB'")" 1 "notes cleared"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "no version, one audit row, one event"
is "$(sql "SELECT CONCAT(action, ' ', JSON_COMPACT(JSON_EXTRACT(metadata, '\$.fields'))) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	'update ["result_value","interpretation","notes"]' "the audit row names the fields, not the values"
as "$STAFF_TOK" PATCH "/api/v1/lab-results/$LAB" "{\"ordered_by\":\"$PROV2_ID\"}"
is "$STATUS $(jq -r .ordered_by <<<"$BODY")" "200 $PROV2_ID" "staff hand the order to another provider"
is "$(sql "SELECT recipient_user_id FROM events WHERE entity_id = '$LAB' ORDER BY id DESC LIMIT 1")" "$PROV2_ID" \
	"the new ordering provider gets the event"
for t in "{} 422" '{"colour":"x"} 422' '{"test_name":null} 422' '{"result_value":""} 422' \
	"{\"ordered_by\":\"$PRNC_ID\"} 422" '{"interpretation":"meh"} 422' '{"result_value": 1 422'; do
	before=$(clin_counts)
	as "$PROV_TOK" PATCH "/api/v1/lab-results/$LAB" "${t% *}"
	is "$STATUS" "$([[ ${t% *} == *': 1' ]] && echo 400 || echo "${t##* }")" "PATCH ${t% *}: refused"
	is "$(clin_delta "$before" "$(clin_counts)")" none "PATCH ${t% *}: nothing written"
done
for who in "PAT 404" "OPAT 404" "PRNC 404" "ADMIN 404" "AUDITOR 404"; do
	tok=${who% *}_TOK
	before=$(clin_counts)
	as "${!tok}" PATCH "/api/v1/lab-results/$LAB" '{"result_value":"9.9"}'
	is "$STATUS" "${who#* }" "${who% *} may not edit (${who#* })"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written (${who% *})"
done
as "$PROV_TOK" GET "/api/v1/lab-results/$LAB"
is "$(jq -r .result_value <<<"$BODY")" 5.6 "the value is what the team wrote"

# --- finalise: the release ---
for who in "PAT 404" "PRNC 404" "ADMIN 404"; do
	tok=${who% *}_TOK
	as "${!tok}" POST "/api/v1/lab-results/$LAB/finalize"
	is "$STATUS" "${who#* }" "${who% *} may not finalise (${who#* })"
done
before=$(clin_counts)
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/finalize" '{"now":true}'
is "$STATUS" 422 "finalize takes no fields"
is "$(clin_delta "$before" "$(clin_counts)")" none "and writes nothing then"
before=$(clin_counts)
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/finalize"
is "$STATUS $(jq -r '[.status, .version] | map(tostring) | join(" ")' <<<"$BODY")" "200 final 1" "finalised: final, version 1"
like "$(jq -r .published_at <<<"$BODY")" '^20[0-9]{2}-' "with its publication time"
is "$(lab_sql "$LAB")" "final 1 published" "stored final"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 outbox=+1 events=+2 versions=+1" \
	"status, version 1, audit row, two events and the patient's notification in one go"
is "$(last_audit)" "finalize lab_result $LAB $PAT_ID success" "finalising is audited"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(recipient_user_id, ':', type) ORDER BY recipient_user_id SEPARATOR ' ') FROM events WHERE entity_id = '$LAB' AND type = 'lab_result.published'")" \
	"$(printf '%s\n' "$PAT_ID:lab_result.published" "$PROV2_ID:lab_result.published" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"lab_result.published to the patient and the ordering provider"
# concierge-notify may have sent it already: queued is pending, sending or sent.
is "$(sql "SELECT CONCAT_WS(' ', channel, recipient_user_id, template,
	IF(status IN ('pending', 'sending', 'sent'), 'queued', status), payload) FROM outbox ORDER BY id DESC LIMIT 1")" \
	"email $PAT_ID lab_result_available queued {\"lab_result_id\":\"$LAB\"}" \
	"the notification names the template and the id only: no test, no value"
is "$(sql "SELECT CONCAT_WS(' ', version, status, test_name, recorded_by, reason IS NULL) FROM lab_result_versions WHERE lab_result_id = '$LAB'")" \
	"1 final Glucose $PROV_ID 1" "version 1 is kept"

before=$(clin_counts)
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/finalize"
is "$STATUS $(jq -r .code <<<"$BODY")" "409 invalid_transition" "finalising twice is 409"
as "$PROV_TOK" PATCH "/api/v1/lab-results/$LAB" '{"result_value":"5.7"}'
is "$STATUS $(jq -r .code <<<"$BODY")" "409 not_editable" "a final result is never edited in place"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/status" '{"status":"cancelled"}'
is "$STATUS" 409 "a final result cannot be cancelled"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/status" '{"status":"preliminary"}'
is "$STATUS" 409 "nor go back to preliminary"
is "$(clin_delta "$before" "$(clin_counts)")" none "refused steps write nothing"

# --- the release is one transaction: no alert without the release, none without the alert ---
# A trigger (as root) makes the notification's, or the event's, insert fail
# for one result: the whole finalisation is undone, nothing of it is left.
ATOM=$(lab_new "$PROV_TOK")
on_exit "sql 'DROP TRIGGER IF EXISTS test_fail_outbox; DROP TRIGGER IF EXISTS test_fail_events'"
release_left() { # ID: what a finalisation of ID left behind
	sql "SELECT CONCAT_WS(' ', (SELECT CONCAT(status, ':', version) FROM lab_results WHERE id = '$1'),
		(SELECT COUNT(*) FROM lab_result_versions WHERE lab_result_id = '$1'),
		(SELECT COUNT(*) FROM events WHERE entity_id = '$1' AND type = 'lab_result.published'),
		(SELECT COUNT(*) FROM outbox WHERE INSTR(payload, '$1')),
		(SELECT COUNT(*) FROM audit_log WHERE entity_id = '$1' AND action = 'finalize' AND outcome = 'success'))"
}
for t in "outbox|payload" "events|entity_id"; do
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot --delimiter='//' "$DB_NAME" -e "
		CREATE TRIGGER test_fail_${t%%|*} BEFORE INSERT ON ${t%%|*} FOR EACH ROW
		IF INSTR(NEW.${t#*|}, '$ATOM') THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test: refused'; END IF" ||
		bail "cannot create the ${t%%|*} trigger"
	as "$PROV_TOK" POST "/api/v1/lab-results/$ATOM/finalize"
	like "$STATUS" '^5' "the ${t%%|*} row cannot be written: the finalisation fails ($STATUS)"
	is "$(release_left "$ATOM")" "preliminary:0 0 0 0 0" \
		"and leaves nothing: still preliminary, no version, no event, no notification, no audit row (${t%%|*})"
	sql "DROP TRIGGER test_fail_${t%%|*}"
done
as "$PAT_TOK" GET "/api/v1/lab-results/$ATOM"
is "$STATUS" 404 "the patient still sees nothing of it"
as "$PROV_TOK" POST "/api/v1/lab-results/$ATOM/finalize"
is "$STATUS" 200 "once both can be written, the finalisation goes through"
is "$(release_left "$ATOM")" "final:1 1 2 1 1" "with its version, both events, the notification and the audit row"
as "$PROV_TOK" POST "/api/v1/lab-results/$ATOM/status" '{"status":"entered_in_error"}'
[[ $STATUS == 200 ]] || bail "withdraw: $STATUS $BODY"	# out of the patient's lists below

# --- the patient sees it now ---
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB"
is "$STATUS $(jq -r '.status + " " + .result_value' <<<"$BODY")" "200 final 5.6" "the patient reads the final result"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB/versions"
is "$STATUS $(jq -c '[.data[] | [.version, .status]]' <<<"$BODY")" '200 [[1,"final"]]' "and its one version"
for t in "finalize|" 'amend|{"result_value":"1","reason":"mine"}' 'status|{"status":"entered_in_error"}'; do
	before=$(clin_counts)
	as "$PAT_TOK" POST "/api/v1/lab-results/$LAB/${t%%|*}" "${t#*|}"
	is "$STATUS" 403 "the patient may see it but not ${t%%|*} it (403)"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written (${t%%|*})"
done
is "$(last_audit)" "entered_in_error lab_result $LAB $PAT_ID denied" "that denial is audited"

# --- amend: a new version ---
for t in '{"result_value":"5.9"} reason' '{"reason":"typo"} -' '{"reason":"x","test_code":"a b"} test_code' \
	'{"reason":"x","result_value":"5.9","ordered_by":"aaaaaaaaaaaaaaaaaaaaaaaaaa"} ordered_by' \
	'{"reason":"x","result_value":"5.9","version":0} version' "{\"reason\":\"$(printf 'r%.0s' {1..1001})\",\"units\":\"%\"} reason"; do
	before=$(clin_counts)
	as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/amend" "${t% *}"
	is "$STATUS" 422 "amend ${t:0:40}: 422"
	[[ ${t##* } != - ]] && like "$BODY" "\"field\":\"${t##* }\"" "amend ${t:0:40}: names ${t##* }"
	is "$(clin_delta "$before" "$(clin_counts)")" none "amend ${t:0:40}: nothing written"
done
before=$(clin_counts)
as "$STAFF_TOK" POST "/api/v1/lab-results/$LAB/amend" '{"result_value":"5.9","interpretation":"abnormal","reason":"Re-run on a calibrated analyser."}'
is "$STATUS $(jq -r '[.status, .version, .result_value, .interpretation, .updated_by] | map(tostring) | join(" ")' <<<"$BODY")" \
	"200 amended 2 5.9 abnormal $STAFF_ID" "staff amend: version 2, amended"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 outbox=+1 events=+2 versions=+1" \
	"the amendment: a version, its audit row, events and notification"
is "$(sql "SELECT CONCAT(action, ' ', JSON_EXTRACT(metadata, '\$.version'), ' ', JSON_COMPACT(JSON_EXTRACT(metadata, '\$.fields'))) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	'amend 2 ["result_value","interpretation"]' "audited with the version and the fields"
is "$(sql "SELECT COUNT(*) FROM events WHERE entity_id = '$LAB' AND type = 'lab_result.published'")" 4 "lab_result.published again, to both"
as "$PROV_TOK" GET "/api/v1/lab-results/$LAB/versions"
is "$(jq -c '[.data[] | [.version, .status, .result_value, .interpretation, .reason]]' <<<"$BODY")" \
	'[[1,"final","5.6","normal",null],[2,"amended","5.9","abnormal","Re-run on a calibrated analyser."]]' \
	"the care team sees every version, version 1 as it was released"
is "$(last_audit)" "read lab_result $LAB $PAT_ID success" "reading the history is audited"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB/versions"
is "$(jq -c '[.data[] | [.version, .status, .result_value]]' <<<"$BODY")" '[[2,"amended","5.9"]]' \
	"the patient sees the latest released version, marked amended"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB"
is "$(jq -r '.status + " " + .result_value' <<<"$BODY")" "amended 5.9" "and the amended result"
before=$(clin_counts)
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/amend" '{"result_value":"6.0","reason":"x","version":1}'
is "$STATUS $(jq -r .code <<<"$BODY")" "409 version_conflict" "amending a version that is not the latest is 409"
is "$(clin_delta "$before" "$(clin_counts)")" none "and writes nothing"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/amend" '{"notes":"Haemolysed sample ruled out.","reason":"Note added.","version":2}'
is "$STATUS $(jq -r '.version' <<<"$BODY")" "200 3" "amending the latest version by number works"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB_STAFF/amend" '{"result_value":"4.2","reason":"x"}'
is "$STATUS $(jq -r .code <<<"$BODY")" "409 invalid_transition" "a preliminary result is edited, not amended"

# --- the second fence: the database refuses what the worker never does ---
sql "UPDATE lab_results SET result_value = 'x' WHERE id = '$LAB'" 2>/dev/null
is "$?" 1 "SQL: a released result's value does not change without a new version"
sql "UPDATE lab_results SET status = 'preliminary', version = 0, published_at = NULL WHERE id = '$LAB'" 2>/dev/null
is "$?" 1 "SQL: a released result never goes back to preliminary"
sql "UPDATE lab_result_versions SET test_name = 'x' WHERE lab_result_id = '$LAB'" 2>/dev/null
is "$?" 1 "SQL: versions are append-only (UPDATE)"
sql "DELETE FROM lab_result_versions WHERE lab_result_id = '$LAB'" 2>/dev/null
is "$?" 1 "SQL: versions are append-only (DELETE)"
is "$(sql "SELECT COUNT(*) FROM lab_result_versions WHERE lab_result_id = '$LAB'")" 3 "all three versions are there"

# --- cancel and withdraw ---
before=$(clin_counts)
as "$PROV2_TOK" POST "/api/v1/lab-results/$LAB_STAFF/status" '{"status":"cancelled"}'
is "$STATUS $(jq -r .status <<<"$BODY")" "200 cancelled" "a preliminary result is cancelled"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "audited, the ordering provider told, no one else"
is "$(events_of "$LAB_STAFF")" "$PROV2_ID:lab_result.created $PROV2_ID:lab_result.cancelled" "the patient hears nothing of it"
is "$(sql "SELECT CONCAT(action, ' ', JSON_EXTRACT(metadata, '\$.from'), ' ', JSON_EXTRACT(metadata, '\$.to')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	'cancel "preliminary" "cancelled"' "the audit row names the step"
before=$(clin_counts)
for t in "finalize {} 409" "status {\"status\":\"final\"} 409" "status {\"status\":\"entered_in_error\"} 409" \
	"status {\"status\":\"cancelled\"} 409" "status {\"status\":\"amended\"} 409" "status {\"status\":\"closed\"} 422" \
	"status {} 422"; do
	read -r act body want <<<"$t"
	as "$PROV_TOK" POST "/api/v1/lab-results/$LAB_STAFF/$act" "$body"
	is "$STATUS" "$want" "cancelled: $act $body is $want"
done
as "$PROV_TOK" PATCH "/api/v1/lab-results/$LAB_STAFF" '{"result_value":"1"}'
is "$STATUS" 409 "a cancelled result is not edited"
is "$(clin_delta "$before" "$(clin_counts)")" none "none of that wrote anything"
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB_STAFF"
is "$STATUS" 404 "the patient never sees a cancelled result"

L2=$(lab_new "$PROV_TOK")
as "$PROV_TOK" POST "/api/v1/lab-results/$L2/status" '{"status":"final"}'
is "$STATUS $(jq -r '.status + " " + (.version | tostring)' <<<"$BODY")" "200 final 1" "status final is finalising"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE JSON_VALUE(payload, '\$.lab_result_id') = '$L2'")" 1 "with its notification"
before=$(clin_counts)
as "$STAFF_TOK" POST "/api/v1/lab-results/$L2/status" '{"status":"entered_in_error"}'
is "$STATUS $(jq -r '.status + " " + (.version | tostring)' <<<"$BODY")" "200 entered_in_error 1" "a released result is entered in error"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+2" "audited; patient and provider told; no mail"
is "$(sql "SELECT GROUP_CONCAT(recipient_user_id ORDER BY recipient_user_id) FROM events WHERE entity_id = '$L2' AND type = 'lab_result.withdrawn'")" \
	"$(printf '%s\n' "$PAT_ID" "$PROV_ID" | sort | paste -sd,)" "lab_result.withdrawn to both"
for path in "" /versions; do
	as "$PAT_TOK" GET "/api/v1/lab-results/$L2$path"
	is "$STATUS" 404 "the patient no longer sees a withdrawn result${path:+ (versions)}"
done
as "$PAT_TOK" GET /api/v1/lab-results
is "$(jq -r --arg l "$L2" '[.data[] | select(.id == $l)] | length' <<<"$BODY")" 0 "nor in the list"
as "$PROV_TOK" GET "/api/v1/lab-results/$L2/versions"
is "$STATUS $(jq -c '[.data[].version]' <<<"$BODY")" "200 [1]" "the care team keeps its history"
before=$(clin_counts)
for t in 'amend {"result_value":"1","reason":"x"}' 'status {"status":"entered_in_error"}' 'status {"status":"final"}' 'finalize {}'; do
	as "$PROV_TOK" POST "/api/v1/lab-results/$L2/${t%% *}" "${t#* }"
	is "$STATUS" 409 "withdrawn: ${t%% *} ${t#* } is 409"
done
is "$(clin_delta "$before" "$(clin_counts)")" none "nothing written"

# --- unknown results ---
for id in aaaaaaaaaaaaaaaaaaaaaaaaaa not-an-id; do
	before=$(clin_counts)
	as "$STAFF_TOK" GET "/api/v1/lab-results/$id"
	is "$STATUS" 404 "unknown result $id: 404"
	as "$STAFF_TOK" POST "/api/v1/lab-results/$id/finalize"
	is "$STATUS" 404 "finalising an unknown result: 404"
	is "$(clin_delta "$before" "$(clin_counts)")" none "nothing written"
done

# --- lists: scope, filters, cursors ---
# Five more released results, published in a known order.
REL=()
for i in 1 2 3 4 5; do
	REL+=("$(lab_final "$PROV_TOK" "$(jq -cn --arg i "$i" '{test_code:("LIST-" + $i),test_name:("List " + $i)}')")")
done
as "$PROV_TOK" GET "/api/v1/lab-results?patient_id=$PAT_ID&limit=100"
all=$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")
is "$(jq -r '[.data[].status] | unique | join(",")' <<<"$BODY")" "amended,cancelled,entered_in_error,final,preliminary" \
	"the care team lists every state"
is "$(jq -r '[.data[].id] | .[0:5] | reverse | join(" ")' <<<"$BODY")" "${REL[*]}" "newest release first"
as "$PAT_TOK" GET "/api/v1/lab-results?limit=100"
is "$(jq -r '[.data[].status] | unique | join(",")' <<<"$BODY")" "amended,final" "the patient lists released results only"
is "$(jq -r '.data | length' <<<"$BODY")" 6 "all six of them"
is "$(last_audit)" "read lab_result - $PAT_ID success" "the list is one audit row for the patient"
is "$(sql "SELECT JSON_LENGTH(metadata, '\$.ids') FROM audit_log ORDER BY id DESC LIMIT 1")" 6 "naming the six ids"
as "$PAT_TOK" GET "/api/v1/lab-results?patient_id=$PAT_ID&status=final&limit=100"
is "$(jq -r '.data | length' <<<"$BODY")" 5 "status=final"
as "$PAT_TOK" GET "/api/v1/lab-results?test_code=LIST-3"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "${REL[2]}" "test_code"
t3=$(sql "SELECT DATE_FORMAT(published_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM lab_results WHERE id = '${REL[2]}'")
t4=$(sql "SELECT DATE_FORMAT(published_at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM lab_results WHERE id = '${REL[3]}'")
as "$PAT_TOK" GET "/api/v1/lab-results?from=$t3&to=$t4"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "${REL[2]}" "from is inclusive, to exclusive"
# pages of two, the whole list, each id once
is "$(all_pages "/api/v1/lab-results?patient_id=$PAT_ID" "$PROV_TOK")" "$all" "pages of two add up to the whole list, in order"
before=$(clin_counts)
for q in "status=done status" "test_code=a%20b test_code" "from=yesterday from" "to=2026-13-01 to" \
	"patient_id=nope patient_id" "limit=0 limit" "limit=101 limit" "cursor=Zm9v cursor"; do
	as "$PROV_TOK" GET "/api/v1/lab-results?${q% *}"
	is "$STATUS" 422 "list ?${q% *}: 422"
	like "$BODY" "\"field\":\"${q#* }\"" "list ?${q% *}: names ${q#* }"
done
is "$(clin_delta "$before" "$(clin_counts)")" none "bad list queries write nothing"
for who in "PAT $OPAT_ID 404" "PRNC $PAT_ID 404" "PRUN $PAT_ID 403" "ADMIN $PAT_ID 403" "AUDITOR $PAT_ID 403"; do
	read -r w pid want <<<"$who"
	tok=${w}_TOK
	before=$(clin_counts)
	as "${!tok}" GET "/api/v1/lab-results?patient_id=$pid"
	is "$STATUS" "$want" "$w may not list that patient's results ($want)"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written ($w)"
done
as "$PROV2_TOK" GET "/api/v1/lab-results?limit=100"
is "$(jq -r '[.data[].ordered_by] | unique | join(" ")' <<<"$BODY")" "$PROV2_ID" "a provider's own list: what they ordered"
is "$(jq -r '.data | length' <<<"$BODY")" 2 "both of them"
as "$STAFF_TOK" GET "/api/v1/lab-results?limit=5"
is "$STATUS $(jq -r '.data | length' <<<"$BODY")" "200 5" "staff list everyone's"
sql "DELETE FROM care_team WHERE patient_id = '$PAT_ID' AND provider_id = '$PROV2_ID'"
as "$PROV2_TOK" GET /api/v1/lab-results
is "$(jq -r '.data | length' <<<"$BODY")" 0 "off the care team, a provider's orders leave their list"
as "$PROV2_TOK" GET "/api/v1/lab-results/$LAB"
is "$STATUS" 404 "and their results with it"
sql "INSERT INTO care_team (patient_id, provider_id, added_at) VALUES ('$PAT_ID', '$PROV2_ID', NOW(6))"

# --- concurrency: one result, many commands at once ---
LR=$(lab_new "$PROV_TOK")
before=$(clin_counts)
is "$(race 8 "$PROV_TOK" POST "/api/v1/lab-results/$LR/finalize")" "200x1 409x7 " "eight finalisations at once: one 200, seven 409"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 outbox=+1 events=+2 versions=+1" "one release, one notification"
before=$(clin_counts)
is "$(race 6 "$PROV_TOK" POST "/api/v1/lab-results/$LR/amend" '{"notes":"again","reason":"concurrent"}')" "200x6 " \
	"six amendments at once all apply, one after the other"
is "$(sql "SELECT GROUP_CONCAT(version ORDER BY version) FROM lab_result_versions WHERE lab_result_id = '$LR'")" "1,2,3,4,5,6,7" \
	"versions 1 to 7, none lost, none twice"
is "$(lab_sql "$LR")" "amended 7 published" "the result is at version 7"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+6 outbox=+6 events=+12 versions=+6" "each with its own effects"
LR2=$(lab_final "$PROV_TOK")
before=$(clin_counts)
is "$(race 6 "$PROV_TOK" POST "/api/v1/lab-results/$LR2/amend" '{"notes":"once","reason":"racing","version":1}')" "200x1 409x5 " \
	"six amendments of version 1 at once: one wins, five are 409"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 outbox=+1 events=+2 versions=+1" "one amendment written"

# --- Idempotency-Key: a retried amendment is not a second one ---
before=$(clin_counts)
key="amend-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')"
as "$PROV_TOK" POST "/api/v1/lab-results/$LR2/amend" '{"notes":"retry","reason":"network"}' -H "Idempotency-Key: $key"
first=$BODY
as "$PROV_TOK" POST "/api/v1/lab-results/$LR2/amend" '{"notes":"retry","reason":"network"}' -H "Idempotency-Key: $key"
is "$STATUS" 200 "the retry is answered"
is "$BODY" "$first" "with the first reply"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 outbox=+1 events=+2 versions=+1 idem=+1" "and nothing done twice"

done_testing
