#!/usr/bin/env bash
# e2e-appointments-availability: GET/PUT /api/v1/availability/{id} (roles,
# validation with nothing written) and GET /api/v1/slots: weekly windows in
# the provider's zone across DST changes (New York 2027-03-14 and
# 2027-11-07, Berlin 2027-03-28), dated exceptions, booked time, notice.
. "$(dirname -- "$0")/lib.sh"

. "$(dirname -- "$0")/appointments-lib.sh"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PROV2 PROV2_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"

# slot_starts JSON: the start_at values, space-separated.
slot_starts() { jq -r '[.data[].start_at] | join(" ")' <<<"$1"; }

# ---- PUT and GET ----
NY=$(weekdays_9to5 America/New_York)
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$NY"
is "$STATUS" 200 "provider sets own availability"
is "$(jq -r '.timezone + " " + (.weekly | length | tostring)' <<<"$BODY")" "America/New_York 5" "reply echoes zone and windows"
is "$(sql "SELECT CONCAT(timezone, ' ', (SELECT COUNT(*) FROM availability_weekly WHERE provider_id='$PROV'),
	' ', (SELECT GROUP_CONCAT(DISTINCT CONCAT(start_min, '-', end_min)) FROM availability_weekly WHERE provider_id='$PROV'))
	FROM provider_availability WHERE provider_id='$PROV'")" "America/New_York 5 540-1020" "stored as local minutes with the zone"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_type='availability' AND entity_id='$PROV' AND action='update' AND outcome='success'")" 1 "availability change audited"

for who in PROV STAFF ADMIN; do
	tv=${who}_TOK
	as "${!tv}" GET "/api/v1/availability/$PROV"
	is "$STATUS" 200 "GET availability as ${who,,}"
done
is "$(jq -c '.weekly[0]' <<<"$BODY")" '{"weekday":"mon","start":"09:00","end":"17:00"}' "weekly window view"
for who in PAT PROV2 AUDITOR; do
	tv=${who}_TOK
	as "${!tv}" GET "/api/v1/availability/$PROV"
	is "$STATUS" 403 "GET availability refused to ${who,,}"
done
as "$STAFF_TOK" GET "/api/v1/availability/$PAT"
is "$STATUS" 404 "a patient has no availability (404)"
api GET "/api/v1/availability/$PROV"
is "$STATUS" 401 "no token: 401"

before=$(appt_counts)
as "$PROV2_TOK" PUT "/api/v1/availability/$PROV" "$NY"
is "$STATUS" 403 "another provider cannot set it"
as "$PAT_TOK" PUT "/api/v1/availability/$PROV" "$NY"
is "$STATUS" 403 "a patient cannot set it"
is "$(delta "${before% appointments*}" "$(counts)")" "audit_log=+2" "denials write only their audit rows"

# ---- bad input: 422 or 400, nothing written ----
before=$(appt_counts)
bad() {
	as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$1"
	is "$STATUS" "$2" "bad availability: $3"
	[[ $2 == 422 ]] && like "$BODY" "\"field\":\"$4" "  names the field $4"
}
bad '{"timezone":"../../../etc/passwd","weekly":[]}' 422 "path traversal zone" timezone
bad '{"timezone":"Mars/Olympus_Mons","weekly":[]}' 422 "unknown zone" timezone
bad '{"timezone":"America","weekly":[]}' 422 "a zone directory" timezone
bad '{"timezone":"UTC","weekly":[{"weekday":"mon","start":"17:00","end":"09:00"}]}' 422 "start after end" 'weekly\[0\]'
bad '{"timezone":"UTC","weekly":[{"weekday":"mon","start":"09:00","end":"25:00"}]}' 422 "hour 25" 'weekly\[0\]'
bad '{"timezone":"UTC","weekly":[{"weekday":"mon","start":"9:00","end":"12:00"}]}' 422 "H:MM" 'weekly\[0\]'
bad '{"timezone":"UTC","weekly":[{"weekday":"funday","start":"09:00","end":"12:00"}]}' 422 "bad weekday" 'weekly\[0\].weekday'
bad '{"timezone":"UTC","weekly":[{"weekday":"mon","start":"09:00","end":"12:00"},{"weekday":"mon","start":"11:00","end":"13:00"}]}' 422 "overlapping windows" 'weekly\[1\]'
bad '{"timezone":"UTC","weekly":[],"exceptions":[{"date":"2027-02-30","available":false}]}' 422 "no such date" 'exceptions\[0\].date'
bad '{"timezone":"UTC","weekly":[],"exceptions":[{"date":"2027-03-13","available":true}]}' 422 "extra hours without times" 'exceptions\[0\]'
bad '{"timezone":"UTC","weekly":[],"exceptions":[{"date":"2027-03-13","available":false,"start":"10:00"}]}' 422 "half a block" 'exceptions\[0\]'
bad '{"timezone":"UTC","weekly":[],"color":"red"}' 422 "unknown field" color
bad '{"weekly":[]}' 422 "no zone" timezone
bad '{"timezone":"UTC","weekly":' 400 "malformed JSON"
is "$(appt_counts)" "$before" "bad input wrote nothing"
as "$PROV_TOK" GET "/api/v1/availability/$PROV"
is "$(jq -r .timezone <<<"$BODY")" America/New_York "availability unchanged after bad input"

# ---- slots across the New York spring-forward (Sunday 2027-03-14) ----
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=2027-03-12T00:00:00Z&to=2027-03-16T00:00:00Z&duration_minutes=240"
is "$STATUS" 200 "slots as a patient"
is "$(slot_starts "$BODY")" "2027-03-12T14:00:00Z 2027-03-12T18:00:00Z 2027-03-15T13:00:00Z 2027-03-15T17:00:00Z" \
	"09:00 local is 14:00Z before the switch and 13:00Z after it"
is "$(jq -r '.timezone + " " + (.duration_minutes|tostring) + " " + .data[0].end_at' <<<"$BODY")" \
	"America/New_York 240 2027-03-12T18:00:00Z" "slot reply fields"

# A window over the switch itself: Sunday 00:00-06:00 local.
as "$PROV2_TOK" PUT "/api/v1/availability/$PROV2" \
	'{"timezone":"America/New_York","weekly":[{"weekday":"sun","start":"00:00","end":"06:00"}]}'
is "$STATUS" 200 "night window set"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV2&from=2027-03-14T00:00:00Z&to=2027-03-15T00:00:00Z&duration_minutes=60"
is "$(slot_starts "$BODY")" "2027-03-14T05:00:00Z 2027-03-14T06:00:00Z 2027-03-14T07:00:00Z 2027-03-14T08:00:00Z 2027-03-14T09:00:00Z" \
	"spring-forward night: 5 real hours, 5 slots"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV2&from=2027-11-07T00:00:00Z&to=2027-11-08T00:00:00Z&duration_minutes=60"
is "$(jq '.data | length' <<<"$BODY") $(jq -r '.data[0].start_at + " " + .data[-1].end_at' <<<"$BODY")" \
	"7 2027-11-07T04:00:00Z 2027-11-07T11:00:00Z" "fall-back night (2027-11-07): 7 real hours, 7 slots"

# Berlin switches two weeks later (2027-03-28).
as "$STAFF_TOK" PUT "/api/v1/availability/$PROV2" "$(weekdays_9to5 Europe/Berlin)"
is "$STATUS" 200 "staff sets a provider's availability"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV2&from=2027-03-26T00:00:00Z&to=2027-03-30T00:00:00Z&duration_minutes=240"
is "$(slot_starts "$BODY")" "2027-03-26T08:00:00Z 2027-03-26T12:00:00Z 2027-03-29T07:00:00Z 2027-03-29T11:00:00Z" \
	"Berlin 09:00 is 08:00Z before 2027-03-28 and 07:00Z after"

# ---- exceptions: a day off, extra hours, blocked hours ----
EXC=$(jq -c '.exceptions = [
	{date:"2027-03-12", available:false},
	{date:"2027-03-13", available:true, start:"10:00", end:"12:00"},
	{date:"2027-03-15", available:false, start:"09:00", end:"13:00"}]' <<<"$NY")
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$EXC"
is "$STATUS" 200 "exceptions set"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(day, ':', is_available, ':', IFNULL(start_min, '-')) ORDER BY day)
	FROM availability_exceptions WHERE provider_id='$PROV'")" "2027-03-12:0:-,2027-03-13:1:600,2027-03-15:0:540" "exceptions stored"
as "$PROV_TOK" GET "/api/v1/availability/$PROV"
is "$(jq -c '.exceptions[0]' <<<"$BODY")" '{"date":"2027-03-12","available":false,"start":null,"end":null}' "day off view"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=2027-03-12T00:00:00Z&to=2027-03-16T00:00:00Z&duration_minutes=60"
is "$(slot_starts "$BODY")" "2027-03-13T15:00:00Z 2027-03-13T16:00:00Z 2027-03-15T17:00:00Z 2027-03-15T18:00:00Z 2027-03-15T19:00:00Z 2027-03-15T20:00:00Z" \
	"Friday off, Saturday 10-12 extra, Monday morning blocked"
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$NY"
is "$(sql "SELECT COUNT(*) FROM availability_exceptions WHERE provider_id='$PROV'")" 0 "PUT replaces the exceptions"

# ---- booked time is not free; a cancelled visit frees it ----
as "$STAFF_TOK" POST /api/v1/appointments "$(jq -cn --arg p "$PROV" --arg q "$PAT" \
	'{provider_id:$p, patient_id:$q, start_at:"2027-03-15T14:00:00Z", duration_minutes:30, visit_type:"video"}')"
is "$STATUS" 201 "staff books 10:00-10:30 local"
APPT=$(jq -r .id <<<"$BODY")
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=2027-03-15T13:00:00Z&to=2027-03-15T16:00:00Z&duration_minutes=60"
is "$(slot_starts "$BODY")" "2027-03-15T13:00:00Z 2027-03-15T15:00:00Z" "the hour holding the visit is gone"
sql "UPDATE appointments SET status='cancelled' WHERE id='$APPT'"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV&from=2027-03-15T13:00:00Z&to=2027-03-15T16:00:00Z&duration_minutes=60"
is "$(slot_starts "$BODY")" "2027-03-15T13:00:00Z 2027-03-15T14:00:00Z 2027-03-15T15:00:00Z" "a cancelled visit blocks nothing"

# ---- not in the past, minimum notice (60 min by default) ----
read -r PROV3 PROV3_TOK <<<"$(mkuser provider)"
as "$PROV3_TOK" PUT "/api/v1/availability/$PROV3" '{"timezone":"UTC","weekly":[
	{"weekday":"mon","start":"00:00","end":"24:00"},{"weekday":"tue","start":"00:00","end":"24:00"},
	{"weekday":"wed","start":"00:00","end":"24:00"},{"weekday":"thu","start":"00:00","end":"24:00"},
	{"weekday":"fri","start":"00:00","end":"24:00"},{"weekday":"sat","start":"00:00","end":"24:00"},
	{"weekday":"sun","start":"00:00","end":"24:00"}]}'
is "$STATUS" 200 "around-the-clock availability"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PROV3&from=$(iso_in -86400)&to=$(iso_in 10800)&duration_minutes=15"
first=$(jq -r '.data[0].start_at' <<<"$BODY")
notice=$(( $(date -d "$first" +%s) - $(date +%s) ))
ok $(( notice >= 3540 && notice <= 3600 + 900 ? 0 : 1 )) "first slot respects the 60 min notice (${notice}s ahead)"

# ---- slot query validation ----
slots_bad() {
	as "$PAT_TOK" GET "/api/v1/slots?$1"
	is "$STATUS" "$2" "slots: $3"
}
slots_bad "from=2027-03-12T00:00:00Z&to=2027-03-13T00:00:00Z" 422 "no provider_id"
slots_bad "provider_id=$PROV&from=2027-03-13T00:00:00Z&to=2027-03-12T00:00:00Z" 422 "to before from"
slots_bad "provider_id=$PROV&from=2027-03-01T00:00:00Z&to=2027-04-12T00:00:00Z" 422 "more than 31 days"
slots_bad "provider_id=$PROV&from=yesterday&to=2027-03-13T00:00:00Z" 422 "bad from"
slots_bad "provider_id=$PROV&from=2027-03-12T00:00:00Z&to=2027-03-13T00:00:00Z&duration_minutes=3" 422 "duration 3"
slots_bad "provider_id=$PROV&from=2027-03-12T00:00:00Z&to=2027-03-13T00:00:00Z&duration_minutes=1x" 422 "duration 1x"
slots_bad "provider_id=$PAT&from=2027-03-12T00:00:00Z&to=2027-03-13T00:00:00Z" 404 "a patient is no provider"
read -r UNV UNV_TOK <<<"$(mkuser provider 0)"
as "$UNV_TOK" PUT "/api/v1/availability/$UNV" "$NY"
as "$PAT_TOK" GET "/api/v1/slots?provider_id=$UNV&from=2027-03-15T00:00:00Z&to=2027-03-16T00:00:00Z"
is "$STATUS $(jq '.data | length' <<<"$BODY")" "200 0" "an unverified provider has no free slots"
api GET "/api/v1/slots?provider_id=$PROV&from=2027-03-12T00:00:00Z&to=2027-03-13T00:00:00Z"
is "$STATUS" 401 "slots need a token"

done_testing
