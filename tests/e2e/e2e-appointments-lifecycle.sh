#!/usr/bin/env bash
# e2e-appointments-lifecycle: reschedule, cancel, no-show and complete for
# every role; every other transition is 409; the patient's cancellation
# window; side effects (audit, outbox, events, superseded reminders); bad
# input writes nothing; Idempotency-Key on transitions.
. "$(dirname -- "$0")/lib.sh"

. "$(dirname -- "$0")/appointments-lib.sh"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PROV2 PROV2_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
read -r PAT2 PAT2_TOK <<<"$(mkuser patient)"
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$(weekdays_9to5 America/New_York)" >/dev/null
DAY=0
# new_appt [START]: a fresh scheduled visit of PAT with PROV (by staff), prints its id.
new_appt() {
	local start=${1:-}
	if [[ -z $start ]]; then
		DAY=$(($(cat "$T_TMP/day" 2>/dev/null || echo 0) + 1))
		echo "$DAY" >"$T_TMP/day"
		start=$(date -u -d "2027-02-01 + $DAY days" +%Y-%m-%dT15:00:00Z)
	fi
	as "$STAFF_TOK" POST /api/v1/appointments "$(jq -cn --arg p "$PROV" --arg q "$PAT" --arg s "$start" \
		'{provider_id:$p, patient_id:$q, start_at:$s, duration_minutes:30, visit_type:"video", override_reason:"test"}')"
	[[ $STATUS == 201 ]] || bail "cannot book: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
st() { sql "SELECT status FROM appointments WHERE id='$1'"; }
# past ID: move a visit an hour into the past (as if time had passed).
past() { sql "UPDATE appointments SET start_at = NOW(6) - INTERVAL 1 HOUR, end_at = NOW(6) - INTERVAL 30 MINUTE WHERE id='$1'"; }

# ---- reschedule ----
A=$(new_appt 2027-02-01T15:00:00Z)	# a Monday
before=$(counts)
as "$PAT_TOK" POST "/api/v1/appointments/$A/reschedule" '{"start_at":"2027-02-01T16:00:00Z"}'
is "$STATUS $(jq -r '.start_at + " " + .end_at + " " + .status' <<<"$BODY")" \
	"200 2027-02-01T16:00:00Z 2027-02-01T16:30:00Z scheduled" "patient reschedules (duration kept)"
is "$(sql "SELECT start_at FROM appointments WHERE id='$A'")" "2027-02-01 16:00:00.000000" "row moved"
is "$(delta "$before" "$(counts)")" "audit_log=+1 outbox=+8 events=+2" "audit, change notices + new reminders (email and SMS), events"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(status, ':', IFNULL(last_error,'')) ORDER BY id) FROM outbox WHERE template='appointment_reminder' AND JSON_VALUE(payload,'\$.appointment_id')='$A'")" \
	"cancelled:superseded,cancelled:superseded,cancelled:superseded,cancelled:superseded,pending:,pending:,pending:,pending:" \
	"old reminders superseded (cancelled), new ones pending"
is "$(sql "SELECT DISTINCT due_at FROM outbox WHERE template='appointment_reminder' AND status='pending' AND JSON_VALUE(payload,'\$.appointment_id')='$A'")" \
	"2027-01-31 16:00:00.000000" "new reminder 24 h before the new time"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE template='appointment_changed' AND channel='email' AND JSON_VALUE(payload,'\$.appointment_id')='$A'")" 2 "change notice for both"
as "$PROV_TOK" POST "/api/v1/appointments/$A/reschedule" '{"start_at":"2027-02-01T17:00:00Z","duration_minutes":45}'
is "$STATUS $(jq -r .duration_minutes <<<"$BODY")" "200 45" "provider reschedules with a new duration"
as "$STAFF_TOK" POST "/api/v1/appointments/$A/reschedule" '{"start_at":"2027-02-06T17:00:00Z","override_reason":"saturday"}'
is "$STATUS" 200 "staff reschedules outside availability with an override"
as "$STAFF_TOK" POST "/api/v1/appointments/$A/reschedule" '{"start_at":"2027-02-01T17:00:00Z"}'
is "$STATUS" 200 "staff moves it back"
B=$(new_appt 2027-02-01T19:00:00Z)
before=$(appt_counts)
resched_bad() {	# TOKEN ID BODY STATUS NAME
	as "$1" POST "/api/v1/appointments/$2/reschedule" "$3"
	is "$STATUS" "$4" "reschedule: $5"
}
resched_bad "$PAT_TOK" "$A" '{"start_at":"2027-02-01T19:15:00Z"}' 409 "onto another visit"
resched_bad "$PAT_TOK" "$A" '{"start_at":"2027-02-06T15:00:00Z"}' 422 "outside availability"
resched_bad "$PAT_TOK" "$A" '{"start_at":"2027-02-06T15:00:00Z","override_reason":"x"}' 403 "patient override"
resched_bad "$PAT_TOK" "$A" '{"start_at":"2020-02-03T15:00:00Z"}' 422 "into the past"
resched_bad "$PAT_TOK" "$A" '{"start_at":"tomorrow"}' 422 "bad start_at"
resched_bad "$PAT_TOK" "$A" '{"start_at":"2027-02-01T18:00:00Z","duration_minutes":0}' 422 "bad duration"
resched_bad "$PAT_TOK" "$A" '{}' 422 "no start_at"
resched_bad "$PAT_TOK" "$A" '{"start_at":"2027-02-01T18:00:00Z","x":1}' 422 "unknown field"
resched_bad "$PAT2_TOK" "$A" '{"start_at":"2027-02-01T18:00:00Z"}' 404 "another patient's visit"
resched_bad "$PROV2_TOK" "$A" '{"start_at":"2027-02-01T18:00:00Z"}' 404 "another provider's visit"
resched_bad "$AUDITOR_TOK" "$A" '{"start_at":"2027-02-01T18:00:00Z"}' 404 "auditor"
is "$(delta "${before% appointments*}" "$(counts)")" "audit_log=+4" "refused reschedules write only denial rows"
is "$(sql "SELECT start_at FROM appointments WHERE id='$A'")" "2027-02-01 17:00:00.000000" "the visit did not move"

# ---- cancel ----
before=$(counts)
as "$PAT_TOK" POST "/api/v1/appointments/$B/cancel" '{"reason":"feeling better"}'
is "$STATUS $(jq -r '.status + " " + .cancel_reason' <<<"$BODY")" "200 cancelled feeling better" "patient cancels"
is "$(sql "SELECT CONCAT(status, ' ', cancelled_by='$PAT', ' ', cancelled_at IS NOT NULL) FROM appointments WHERE id='$B'")" "cancelled 1 1" "row cancelled, who and when"
is "$(delta "$before" "$(counts)")" "audit_log=+1 outbox=+4 events=+2" "audit, cancellation notices (email and SMS), events"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE template='appointment_reminder' AND status='pending' AND JSON_VALUE(payload,'\$.appointment_id')='$B'")" 0 "its reminders stop"
unlike "$(sql "SELECT GROUP_CONCAT(payload) FROM outbox WHERE JSON_VALUE(payload,'\$.appointment_id')='$B'")" "better" "no reason text in notices"
before=$(appt_counts)
as "$PAT_TOK" POST "/api/v1/appointments/$B/cancel" '{"reason":"again"}'
is "$STATUS" 409 "cancel a cancelled visit: 409"
as "$PAT_TOK" POST "/api/v1/appointments/$B/reschedule" '{"start_at":"2027-02-01T20:00:00Z"}'
is "$STATUS" 409 "reschedule a cancelled visit: 409"
as "$PROV_TOK" POST "/api/v1/appointments/$B/no-show"
is "$STATUS" 409 "no-show of a cancelled visit: 409"
as "$PROV_TOK" POST "/api/v1/appointments/$B/complete"
is "$STATUS" 409 "complete a cancelled visit: 409"
C=$(new_appt)
before=$(appt_counts)
for b in '{}' '{"reason":""}' '{"reason":1}' '{"reason":"x","y":1}'; do
	as "$PAT_TOK" POST "/api/v1/appointments/$C/cancel" "$b"
	is "$STATUS" 422 "cancel with $b: 422"
done
as "$PAT_TOK" POST "/api/v1/appointments/$C/cancel" '{"reason":'
is "$STATUS" 400 "cancel with malformed JSON: 400"
as "$PAT2_TOK" POST "/api/v1/appointments/$C/cancel" '{"reason":"x"}'
is "$STATUS" 404 "another patient cannot cancel (404)"
is "$(delta "${before% appointments*}" "$(counts)") $(st "$C")" "audit_log=+1 scheduled" "nothing written but the denial"
as "$PROV_TOK" POST "/api/v1/appointments/$C/cancel" '{"reason":"provider ill"}'
is "$STATUS" 200 "provider cancels"
as "$STAFF_TOK" POST "/api/v1/appointments/$(new_appt)/cancel" '{"reason":"clinic closed"}'
is "$STATUS" 200 "staff cancels"
# checked_in -> cancelled
D=$(new_appt)
sql "UPDATE appointments SET status='checked_in' WHERE id='$D'"
as "$STAFF_TOK" POST "/api/v1/appointments/$D/cancel" '{"reason":"left"}'
is "$STATUS $(st "$D")" "200 cancelled" "a checked-in visit can be cancelled"
# The patient's cancellation window (24 h by default).
SOON=$(new_appt "$(iso_in 7200)")
as "$PAT_TOK" POST "/api/v1/appointments/$SOON/cancel" '{"reason":"late"}'
is "$STATUS $(jq -r .code <<<"$BODY") $(st "$SOON")" "409 cancel_window_passed scheduled" "patient inside the window: 409"
as "$PAT_TOK" POST "/api/v1/appointments/$SOON/reschedule" '{"start_at":"2027-02-03T15:00:00Z"}'
is "$STATUS" 409 "patient cannot move it inside the window either"
as "$PROV_TOK" POST "/api/v1/appointments/$SOON/cancel" '{"reason":"late"}'
is "$STATUS" 200 "the provider can, inside the window"

# ---- no-show ----
E=$(new_appt)
as "$PROV_TOK" POST "/api/v1/appointments/$E/no-show"
is "$STATUS $(jq -r .code <<<"$BODY")" "409 not_started" "no-show before the start: 409"
past "$E"
as "$PAT_TOK" POST "/api/v1/appointments/$E/no-show"
is "$STATUS" 403 "the patient cannot mark a no-show (403 on own visit)"
as "$PROV2_TOK" POST "/api/v1/appointments/$E/no-show"
is "$STATUS" 404 "another provider: 404"
before=$(counts)
as "$PROV_TOK" POST "/api/v1/appointments/$E/no-show"
is "$STATUS $(st "$E")" "200 no_show" "provider marks a no-show after the start"
is "$(delta "$before" "$(counts)")" "audit_log=+1 events=+2" "audited, events, no notice"
as "$PROV_TOK" POST "/api/v1/appointments/$E/no-show"
is "$STATUS" 409 "no-show twice: 409"
as "$PROV_TOK" POST "/api/v1/appointments/$E/cancel" '{"reason":"x"}'
is "$STATUS" 409 "cancel a no-show: 409"
F=$(new_appt); past "$F"; sql "UPDATE appointments SET status='checked_in' WHERE id='$F'"
as "$STAFF_TOK" POST "/api/v1/appointments/$F/no-show"
is "$STATUS $(st "$F")" "200 no_show" "staff marks a checked-in visit no-show"

# ---- complete ----
G=$(new_appt)
as "$PROV_TOK" POST "/api/v1/appointments/$G/complete"
is "$STATUS $(st "$G")" "409 scheduled" "complete a scheduled visit: 409"
sql "UPDATE appointments SET status='checked_in' WHERE id='$G'"
as "$PROV_TOK" POST "/api/v1/appointments/$G/complete"
is "$STATUS" 409 "complete a checked-in visit: 409"
sql "UPDATE appointments SET status='in_session' WHERE id='$G'"
as "$PAT_TOK" POST "/api/v1/appointments/$G/complete"
is "$STATUS" 403 "the patient cannot complete"
as "$PAT_TOK" POST "/api/v1/appointments/$G/cancel" '{"reason":"x"}'
is "$STATUS" 409 "cancel in session: 409"
as "$PROV_TOK" POST "/api/v1/appointments/$G/reschedule" '{"start_at":"2027-02-03T15:00:00Z"}'
is "$STATUS" 409 "reschedule in session: 409"
as "$PROV_TOK" POST "/api/v1/appointments/$G/no-show"
is "$STATUS" 409 "no-show in session: 409"
before=$(counts)
as "$PROV_TOK" POST "/api/v1/appointments/$G/complete"
is "$STATUS $(st "$G")" "200 completed" "provider completes a visit in session"
is "$(delta "$before" "$(counts)")" "audit_log=+1 events=+2" "audited, events"
for t in complete no-show; do
	as "$PROV_TOK" POST "/api/v1/appointments/$G/$t"
	is "$STATUS" 409 "$t after completed: 409"
done
as "$PROV_TOK" POST "/api/v1/appointments/$G/cancel" '{"reason":"x"}'
is "$STATUS" 409 "cancel after completed: 409"
H=$(new_appt); sql "UPDATE appointments SET status='in_session' WHERE id='$H'"
as "$ADMIN_TOK" POST "/api/v1/appointments/$H/complete"
is "$STATUS" 200 "admin completes"
is "$(sql "SELECT GROUP_CONCAT(DISTINCT action ORDER BY action) FROM audit_log WHERE entity_type='appointment' AND outcome='success'
	AND entity_id IN ('$A','$B','$E','$G')")" "cancel,complete,create,no_show,reschedule" "every transition has its audit action"

# ---- Idempotency-Key on transitions ----
I=$(new_appt)
as "$PAT_TOK" POST "/api/v1/appointments/$I/cancel" '{"reason":"trip"}' -H 'Idempotency-Key: c-1'
is "$STATUS" 200 "keyed cancel"
before=$(counts)
as "$PAT_TOK" POST "/api/v1/appointments/$I/cancel" '{"reason":"trip"}' -H 'Idempotency-Key: c-1'
is "$STATUS $(header Idempotent-Replayed)" "200 true" "retry of a keyed cancel replays 200, not 409"
is "$(delta "$before" "$(counts)")" none "the replay wrote nothing"
as "$PAT_TOK" POST "/api/v1/appointments/$I/cancel" '{"reason":"other"}' -H 'Idempotency-Key: c-1'
is "$STATUS" 422 "same key, other body: 422"
J=$(new_appt)
as "$PAT_TOK" POST "/api/v1/appointments/$J/cancel" '{"reason":"trip"}' -H 'Idempotency-Key: c-1'
is "$STATUS" 422 "same key and body on another route: 422"

done_testing
