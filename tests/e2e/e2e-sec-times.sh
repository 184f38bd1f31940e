#!/usr/bin/env bash
# e2e-sec-times: every time field of the API at both ends of the range we
# store, 1900-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z, checked on
# the UTC instant (after the offset), given or computed: an instant out of
# range is a 422 that writes nothing, never a row that later reads fail
# on, never a 503. Rows stored before the check stay readable and can be
# repaired through the API.
#
# Fields: appointment start_at (book, reschedule) and the computed end_at;
# from/to of GET /appointments, /slots and /audit; a patient's
# consent_signed_at; availability exception dates and the windows they
# give near the ends; a waiting-room announcement's expires_at.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"

LOW=1900-01-01T00:00:00Z
LOW_OUT=1900-01-01T00:00:00+00:01	# 1899-12-31T23:59:00Z
HIGH=9999-12-31T23:59:59.999999Z
HIGH_OUT=9999-12-31T23:59:59.999999-00:01
uri() { jq -rn --arg s "$1" '$s|@uri'; }

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
read -r AUD_ID AUD_TOK <<<"$(mkuser auditor)"

book_body() {	# book_body START MINUTES
	jq -cn --arg p "$PROV" --arg pa "$PAT" --arg s "$1" --argjson d "$2" \
		'{provider_id:$p, patient_id:$pa, start_at:$s, duration_minutes:$d,
		visit_type:"in_person", override_reason:"range test"}'
}

# ===== booking: start_at and the computed end =====
before=$(appt_counts)
as "$STAFF_TOK" POST /api/v1/appointments "$(book_body 9999-12-31T23:45:00Z 30)"
is "$STATUS" 422 "a visit ending past 9999 (23:45 + 30 min) is 422, not 503"
like "$BODY" '"field":"duration_minutes"' "the error names duration_minutes"
as "$STAFF_TOK" POST /api/v1/appointments "$(book_body "$HIGH_OUT" 5)"
is "$STATUS" 422 "a start past 9999 once the offset is applied is 422"
like "$BODY" '"field":"start_at"' "the error names start_at"
as "$STAFF_TOK" POST /api/v1/appointments "$(book_body "$LOW_OUT" 30)"
is "$STATUS" 422 "a start before 1900 once the offset is applied is 422"
like "$BODY" '"field":"start_at"' "the error names start_at"
as "$STAFF_TOK" POST /api/v1/appointments "$(book_body "$LOW" 30)"
is "$STATUS" 422 "1900-01-01T00:00:00Z is in range but in the past: 422"
is "$(appt_counts)" "$before" "refused bookings write nothing"

as "$STAFF_TOK" POST /api/v1/appointments "$(book_body 9999-12-31T23:54:59.999999Z 5)"
is "$STATUS" 201 "a visit ending at the very last instant is booked"
A=$(jq -r .id <<<"$BODY")
is "$(jq -r .end_at <<<"$BODY")" 9999-12-31T23:59:59Z "its end is 9999-12-31T23:59:59(.999999)Z"
is "$(sql "SELECT end_at FROM appointments WHERE id = '$A'")" "9999-12-31 23:59:59.999999" \
	"stored to the microsecond"
as "$PAT_TOK" GET "/api/v1/appointments/$A"
is "$STATUS" 200 "and reads back (the patient)"
as "$PAT_TOK" GET /api/v1/appointments
is "$STATUS" 200 "the patient's list reads it back"
is "$(jq -r --arg a "$A" '[.data[] | select(.id == $a)] | length' <<<"$BODY")" 1 "it is in the list"

# ===== reschedule: start_at and the computed end =====
before=$(appt_counts)
resched() { as "$STAFF_TOK" POST "/api/v1/appointments/$A/reschedule" "$1"; }
resched '{"start_at":"9999-12-31T23:45:00Z","duration_minutes":30,"override_reason":"range"}'
is "$STATUS" 422 "reschedule ending past 9999 is 422"
like "$BODY" '"field":"duration_minutes"' "naming duration_minutes"
resched '{"start_at":"9999-12-31T23:58:00Z","override_reason":"range"}'
is "$STATUS" 422 "reschedule keeping 5 minutes from 23:58 ends past 9999: 422"
resched "$(jq -cn --arg s "$HIGH_OUT" '{start_at:$s,override_reason:"range"}')"
is "$STATUS" 422 "reschedule to a start past 9999 (offset) is 422"
resched "$(jq -cn --arg s "$LOW_OUT" '{start_at:$s,override_reason:"range"}')"
is "$STATUS" 422 "reschedule to a start before 1900 (offset) is 422"
is "$(appt_counts)" "$before" "refused reschedules write nothing"
resched '{"start_at":"9999-12-31T23:50:00Z","duration_minutes":9,"override_reason":"range"}'
is "$STATUS" 200 "reschedule inside the range works"
is "$(jq -r .end_at <<<"$BODY")" 9999-12-31T23:59:00Z "with its new end"

# ===== list filters =====
list() { as "$STAFF_TOK" GET "/api/v1/appointments?$1"; }
list "from=$(uri "$LOW")&to=$(uri "$HIGH")&patient_id=$PAT"
is "$STATUS" 200 "list from the first to the last instant"
is "$(jq -r --arg a "$A" '[.data[] | select(.id == $a)] | length' <<<"$BODY")" 1 "holds the 9999 visit"
list "from=$(uri "$HIGH")"
is "$STATUS" 200 "list from the last instant"
list "to=$(uri "$LOW")"
is "$STATUS $(jq '.data | length' <<<"$BODY")" "200 0" "list up to the first instant: empty"
list "from=$(uri "$LOW_OUT")"
is "$STATUS" 422 "from before 1900 (offset) is 422"
like "$BODY" '"field":"from"' "naming from"
list "to=$(uri "$HIGH_OUT")"
is "$STATUS" 422 "to past 9999 (offset) is 422"
like "$BODY" '"field":"to"' "naming to"

# ===== slots near both ends, in zones on either side of UTC =====
for zone in Pacific/Kiritimati Pacific/Pago_Pago; do
	body=$(jq -cn --arg z "$zone" '{timezone:$z, weekly:[("mon","tue","wed","thu","fri","sat","sun") |
		{weekday:., start:"00:00", end:"24:00"}], exceptions:[{date:"9999-12-31", available:true,
		start:"00:00", end:"24:00"}, {date:"1900-01-01", available:false}]}')
	as "$STAFF_TOK" PUT "/api/v1/availability/$PROV" "$body"
	is "$STATUS" 200 "$zone: availability with exceptions on 1900-01-01 and 9999-12-31"
	as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=$(uri 9999-12-30T23:59:59.999999Z)&to=$(uri "$HIGH")&duration_minutes=60"
	is "$STATUS" 200 "$zone: slots up to the last instant"
	last=$(jq -r '.data[-1].end_at // "none"' <<<"$BODY")
	like "$last" '^9999-12-31T2[0-3]:' "$zone: the last slot ends on 9999-12-31 ($last)"
	as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=$(uri "$LOW")&to=$(uri 1900-01-02T00:00:00Z)"
	is "$STATUS $(jq '.data | length' <<<"$BODY")" "200 0" "$zone: slots from the first instant (past: none)"
done
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=$(uri "$LOW_OUT")&to=$(uri 1900-01-02T00:00:00Z)"
is "$STATUS" 422 "slots from before 1900 (offset) is 422"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=$(uri 9999-12-31T00:00:00Z)&to=$(uri "$HIGH_OUT")"
is "$STATUS" 422 "slots to past 9999 (offset) is 422"
before=$(appt_counts)
as "$STAFF_TOK" PUT "/api/v1/availability/$PROV" '{"timezone":"UTC","weekly":[],"exceptions":[{"date":"1899-12-31","available":false}]}'
is "$STATUS" 422 "an exception date before 1900 is 422"
is "$(appt_counts)" "$before" "and writes nothing"

# ===== consent_signed_at =====
consent() { as "$STAFF_TOK" PATCH "/api/v1/patients/$PAT" "$(jq -cn --arg t "$1" '{consent_signed_at:$t}')"; }
consent "$LOW"
is "$STATUS" 200 "consent at the first instant is stored"
is "$(jq -r .consent_signed_at <<<"$BODY")" "$LOW" "and answered"
is "$(sql "SELECT consent_signed_at FROM patient_profiles WHERE user_id = '$PAT'")" \
	"1900-01-01 00:00:00.000000" "stored as 1900-01-01"
before=$(appt_counts)
consent "$LOW_OUT"
is "$STATUS" 422 "consent before 1900 once the offset is applied is 422"
like "$BODY" '"field":"consent_signed_at"' "naming consent_signed_at"
consent "$HIGH_OUT"
is "$STATUS" 422 "consent past 9999 (offset) is 422"
consent "$HIGH"
is "$STATUS" 422 "consent at the last instant is in range but in the future: 422"
is "$(appt_counts)" "$before" "refused consents write nothing"
is "$(sql "SELECT consent_signed_at FROM patient_profiles WHERE user_id = '$PAT'")" \
	"1900-01-01 00:00:00.000000" "the stored value is unchanged"

# A row written before the range was checked on the instant.
sql "UPDATE patient_profiles SET consent_signed_at = '1899-12-31 23:59:00' WHERE user_id = '$PAT'"
as "$PAT_TOK" GET "/api/v1/patients/$PAT"
is "$STATUS" 200 "an old out-of-range row still reads (the patient's record)"
is "$(jq -r .consent_signed_at <<<"$BODY")" 1899-12-31T23:59:00Z "as the instant it holds"
as "$PAT_TOK" GET /api/v1/me
is "$STATUS" 200 "GET /me reads it too"
as "$STAFF_TOK" GET "/api/v1/patients?q=$PAT"
is "$STATUS" 200 "staff search pages read it"
consent 2026-01-05T10:00:00Z
is "$STATUS $(jq -r .consent_signed_at <<<"$BODY")" "200 2026-01-05T10:00:00Z" "and the API can repair it"

# ===== waiting-room announcement expiry =====
before=$(appt_counts)
announce() { as "$STAFF_TOK" POST /api/v1/waiting-room/announcements \
	"$(jq -cn --arg p "$PROV" --arg t "$1" '{provider_id:$p, text:"Running late", expires_at:$t}')"; }
announce "$LOW_OUT"
is "$STATUS" 422 "an announcement expiring before 1900 (offset) is 422"
like "$BODY" '"field":"expires_at"' "naming expires_at"
announce "$HIGH_OUT"
is "$STATUS" 422 "an announcement expiring past 9999 (offset) is 422"
announce "$HIGH"
is "$STATUS" 422 "the last instant is in range but too far ahead: 422"
is "$(appt_counts)" "$before" "refused announcements write nothing"

# ===== audit query =====
as "$AUD_TOK" GET "/api/v1/audit?from=$(uri "$LOW")&to=$(uri "$HIGH")&limit=1"
is "$STATUS" 200 "audit from the first to the last instant"
as "$AUD_TOK" GET "/api/v1/audit?from=$(uri "$LOW_OUT")"
is "$STATUS" 422 "audit from before 1900 (offset) is 422"
as "$AUD_TOK" GET "/api/v1/audit?to=$(uri "$HIGH_OUT")"
is "$STATUS" 422 "audit to past 9999 (offset) is 422"

done_testing
