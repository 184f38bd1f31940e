#!/usr/bin/env bash
# e2e-appointments-booking: POST /api/v1/appointments (every role, the
# provider checks, availability and the staff override, overlaps, bad
# input with nothing written, Idempotency-Key), GET one, and the lists
# (scoping, filters, cursor pages, order).
. "$(dirname -- "$0")/lib.sh"

. "$(dirname -- "$0")/appointments-lib.sh"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PROV2 PROV2_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
read -r PAT2 PAT2_TOK <<<"$(mkuser patient)"
for p in "$PROV:$PROV_TOK" "$PROV2:$PROV2_TOK"; do
	as "${p#*:}" PUT "/api/v1/availability/${p%%:*}" "$(weekdays_9to5 America/New_York)" >/dev/null
done
# 2027-01-11 is a Monday: 09:00-17:00 New York is 14:00Z-22:00Z.
body() {	# body PROVIDER START [jq filter]
	jq -cn --arg p "$1" --arg s "$2" "{provider_id:\$p, start_at:\$s, duration_minutes:30,
		visit_type:\"video\", reason:\"persistent cough\"} ${3:+| $3}"
}

# ---- a patient books for themselves ----
before=$(counts)
as "$PAT_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-11T15:00:00Z)"
is "$STATUS" 201 "patient books own visit"
A1=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.status, .patient_id == "'"$PAT"'", .end_at, .duration_minutes] | map(tostring) | join(" ")' <<<"$BODY")" \
	"scheduled true 2027-01-11T15:30:00Z 30" "reply: scheduled, for the patient, 30 minutes"
is "$(sql "SELECT CONCAT(provider_id='$PROV', patient_id='$PAT', status, ' ', start_at, ' ', booked_by='$PAT') FROM appointments WHERE id='$A1'")" \
	"11scheduled 2027-01-11 15:00:00.000000 1" "row stored in UTC"
is "$(delta "$before" "$(counts)")" "care_team=+1 audit_log=+1 outbox=+8 events=+2" \
	"side effects: care team, audit, 8 outbox rows (email and SMS), 2 events"
is "$(sql "SELECT COUNT(*) FROM care_team WHERE patient_id='$PAT' AND provider_id='$PROV' AND added_by='$PAT'")" 1 "provider joins the care team"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(template, '>', recipient_user_id='$PAT') ORDER BY template, recipient_user_id='$PAT')
	FROM outbox WHERE JSON_VALUE(payload,'\$.appointment_id')='$A1' AND channel='email'")" \
	"appointment_confirmation>0,appointment_confirmation>1,appointment_reminder>0,appointment_reminder>1" "confirmation and reminder for both"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(template, '>', recipient_user_id='$PAT') ORDER BY template, recipient_user_id='$PAT')
	FROM outbox WHERE JSON_VALUE(payload,'\$.appointment_id')='$A1' AND channel='sms'")" \
	"appointment_confirmation>0,appointment_confirmation>1,appointment_reminder>0,appointment_reminder>1" "and the same by SMS"
is "$(sql "SELECT DISTINCT due_at FROM outbox WHERE template='appointment_reminder' AND JSON_VALUE(payload,'\$.appointment_id')='$A1'")" \
	"2027-01-10 15:00:00.000000" "the reminder is due 24 h before"
unlike "$(sql "SELECT GROUP_CONCAT(payload) FROM outbox WHERE JSON_VALUE(payload,'\$.appointment_id')='$A1'")" "cough|Appt Test|@" "no PHI in outbox payloads"
is "$(sql "SELECT GROUP_CONCAT(DISTINCT type) FROM events WHERE entity_id='$A1'")" appointment.booked "events for both"
is "$(sql "SELECT CONCAT(action, ' ', outcome, ' ', patient_id='$PAT') FROM audit_log WHERE entity_id='$A1'")" "create success 1" "audit row"

# ---- roles ----
before=$(appt_counts)
as "$PAT_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-11T17:00:00Z ".patient_id=\"$PAT2\"")"
is "$STATUS" 403 "a patient cannot book for another patient"
as "$PROV_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-11T17:00:00Z ".patient_id=\"$PAT\"")"
is "$STATUS" 403 "a provider cannot book"
as "$AUDITOR_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-11T17:00:00Z ".patient_id=\"$PAT\"")"
is "$STATUS" 403 "an auditor cannot book"
as "$PAT_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-16T17:00:00Z '.override_reason="urgent"')"
is "$STATUS" 403 "a patient cannot override availability"
is "$(delta "${before% appointments*}" "$(counts)")" "audit_log=+4" "denials: audit rows only"
is "$(appt_counts | sed 's/.* appointments/appointments/')" "$(sed 's/.* appointments/appointments/' <<<"$before")" "no appointment written"

as "$STAFF_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-11T17:00:00Z ".patient_id=\"$PAT2\"")"
is "$STATUS" 201 "staff books for a patient"
A2=$(jq -r .id <<<"$BODY")
is "$(sql "SELECT booked_by='$STAFF_ID' FROM appointments WHERE id='$A2'")" 1 "booked_by is the staff member"
as "$ADMIN_TOK" POST /api/v1/appointments "$(body "$PROV2" 2027-01-12T17:00:00Z ".patient_id=\"$PAT2\"")"
is "$STATUS" 201 "admin books for a patient"
as "$STAFF_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-16T17:00:00Z ".patient_id=\"$PAT2\" | .override_reason=\"weekend clinic\"")"
is "$STATUS $(jq -r .availability_override <<<"$BODY")" "201 true" "staff override outside availability (a Saturday)"
A3=$(jq -r .id <<<"$BODY")
is "$(sql "SELECT CONCAT(override_reason, ' ', (SELECT JSON_VALUE(metadata,'\$.availability_override') FROM audit_log WHERE entity_id='$A3' AND action='create'))
	FROM appointments WHERE id='$A3'")" "weekend clinic 1" "override reason stored, override audited"

# ---- 422 / 409 / 400, nothing written ----
before=$(appt_counts)
book_bad() {	# TOKEN BODY STATUS NAME [FIELD]
	as "$1" POST /api/v1/appointments "$2"
	is "$STATUS" "$3" "$4"
	[[ -n ${5-} ]] && like "$BODY" "\"field\":\"$5\"" "  names $5"
}
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-16T15:00:00Z)" 422 "outside availability (Saturday)" start_at
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-11T21:45:00Z)" 422 "runs past the end of the window" start_at
book_bad "$PAT_TOK" "$(body "$PROV" "$(iso_in 600)")" 422 "sooner than the minimum notice or outside" start_at
book_bad "$PAT_TOK" "$(body "$PROV" 2020-01-06T15:00:00Z)" 422 "in the past" start_at
book_bad "$STAFF_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z)" 422 "staff without patient_id" patient_id
book_bad "$STAFF_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z ".patient_id=\"$PROV2\"")" 422 "patient_id is no patient" patient_id
book_bad "$PAT_TOK" "$(body "$PAT2" 2027-01-13T15:00:00Z)" 422 "provider_id is no provider" provider_id
read -r UNV UNV_TOK <<<"$(mkuser provider 0)"
as "$UNV_TOK" PUT "/api/v1/availability/$UNV" "$(weekdays_9to5 America/New_York)" >/dev/null
before=$(appt_counts)
book_bad "$PAT_TOK" "$(body "$UNV" 2027-01-13T15:00:00Z)" 422 "unverified provider" provider_id
sql "UPDATE provider_profiles SET telehealth_enabled=0 WHERE user_id='$PROV2'"
book_bad "$PAT_TOK" "$(body "$PROV2" 2027-01-13T15:00:00Z)" 422 "video with a provider who has no telehealth" provider_id
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-11T15:15:00Z)" 409 "overlaps the provider's visit"
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-11T14:45:00Z)" 409 "overlaps the start of it"
book_bad "$PAT_TOK" "$(body "$PROV2" 2027-01-11T15:10:00Z '.visit_type="in_person"')" 409 "the patient is busy with another provider"
like "$BODY" patient_busy "  says patient_busy"
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z '.duration_minutes=4')" 422 "duration 4" duration_minutes
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z '.duration_minutes=241')" 422 "duration 241" duration_minutes
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z '.visit_type="phone"')" 422 "bad visit_type" visit_type
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z '.start_at="next tuesday"')" 422 "bad start_at" start_at
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z '.provider_id="x"')" 422 "bad provider_id" provider_id
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z '.color="red"')" 422 "unknown field" color
book_bad "$PAT_TOK" "$(body "$PROV" 2027-01-13T15:00:00Z 'del(.visit_type)')" 422 "missing visit_type" visit_type
book_bad "$PAT_TOK" '{"provider_id":' 400 "malformed JSON"
is "$(appt_counts)" "$before" "bad bookings wrote nothing"
sql "UPDATE provider_profiles SET telehealth_enabled=1 WHERE user_id='$PROV2'"
# Back to back is fine: the new one starts when the other ends.
as "$PAT_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-11T15:30:00Z)"
is "$STATUS" 201 "back-to-back visit allowed"

# ---- Idempotency-Key ----
B=$(body "$PROV" 2027-01-13T15:00:00Z)
as "$PAT_TOK" POST /api/v1/appointments "$B" -H 'Idempotency-Key: book-1'
is "$STATUS" 201 "keyed booking"
K1=$(jq -r .id <<<"$BODY")
before=$(appt_counts)
as "$PAT_TOK" POST /api/v1/appointments "$B" -H 'Idempotency-Key: book-1'
is "$STATUS $(jq -r .id <<<"$BODY")" "201 $K1" "same key, same body: the first response again"
is "$(header Idempotent-Replayed)" true "marked as a replay"
is "$(appt_counts)" "$before" "the replay did nothing"
as "$PAT_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-13T16:00:00Z)" -H 'Idempotency-Key: book-1'
is "$STATUS" 422 "same key, another body: 422"
like "$BODY" Idempotency-Key "  names the header"
as "$PAT2_TOK" POST /api/v1/appointments "$(body "$PROV" 2027-01-13T18:00:00Z)" -H 'Idempotency-Key: book-1'
is "$STATUS" 201 "keys are per user"
B2=$(body "$PROV" 2027-01-14T15:00:00Z)
hash=$(printf 'POST\n/api/v1/appointments\n%s' "$B2" | sha256sum | cut -c1-64)
sql "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, state, created_at, claimed_at)
	VALUES ('$PAT', 'book-2', UNHEX('$hash'), 'running', NOW(6), NOW(6))"
before=$(appt_counts)
as "$PAT_TOK" POST /api/v1/appointments "$B2" -H 'Idempotency-Key: book-2'
is "$STATUS" 409 "same key while the first still runs: 409"
is "$(appt_counts)" "$before" "  nothing done"
sql "UPDATE idempotency_keys SET claimed_at = NOW(6) - INTERVAL 5 MINUTE WHERE user_id='$PAT' AND idem_key='book-2'"
as "$PAT_TOK" POST /api/v1/appointments "$B2" -H 'Idempotency-Key: book-2'
is "$STATUS" 201 "an abandoned claim (crash) is taken over"
is "$(sql "SELECT state FROM idempotency_keys WHERE user_id='$PAT' AND idem_key='book-2'")" done \
	"the claim ends 'done' with the reply stored"
# A crash after the command committed but before its reply was stored
# leaves the claim 'committed' (marked in the command's own transaction):
# a retry must not run the booking again, however old the claim.
sql "UPDATE idempotency_keys SET state = 'committed', resp_status = NULL, resp_type = NULL,
	resp_body = NULL, claimed_at = NOW(6) - INTERVAL 5 MINUTE
	WHERE user_id='$PAT' AND idem_key='book-2'"
before=$(appt_counts)
as "$PAT_TOK" POST /api/v1/appointments "$B2" -H 'Idempotency-Key: book-2'
is "$STATUS" 409 "committed claim without a stored reply: 409, not a second run"
like "$BODY" '"code":"idempotency_reply_lost"' "  says the reply was lost"
is "$(appt_counts)" "$before" "  nothing done again"
sql "UPDATE idempotency_keys SET created_at = NOW(6) - INTERVAL 25 HOUR WHERE user_id='$PAT' AND idem_key='book-1'"
as "$PAT_TOK" POST /api/v1/appointments "$B" -H 'Idempotency-Key: book-1'
is "$STATUS" 409 "after 24 h the key is new: the booking runs again (and overlaps itself)"
as "$PAT_TOK" POST /api/v1/appointments "$B" -H 'Idempotency-Key: bad key'
is "$STATUS" 422 "a key with a space is refused"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE patient_id='$PAT' AND start_at='2027-01-13 15:00:00'")" 1 "one row per keyed booking"

# ---- GET one ----
for who in PAT PROV STAFF ADMIN; do
	tv=${who}_TOK
	as "${!tv}" GET "/api/v1/appointments/$A1"
	is "$STATUS $(jq -r .reason <<<"$BODY")" "200 persistent cough" "GET own/any visit as ${who,,}"
done
for who in PAT2 PROV2 AUDITOR; do
	tv=${who}_TOK
	as "${!tv}" GET "/api/v1/appointments/$A1"
	is "$STATUS" 404 "another's visit is 404 for ${who,,}"
done
unlike "$BODY" cough "  and tells nothing"
as "$PAT_TOK" GET /api/v1/appointments/aaaaaaaaaaaaaaaaaaaaaaaaaa
is "$STATUS" 404 "unknown id: 404"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$A1' AND action='read' AND outcome='success'")" 4 "each read audited"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$A1' AND action='read' AND outcome='denied'")" 3 "each hidden read audited as denied"

# ---- lists ----
ids() { jq -r '[.data[].id] | join(" ")' <<<"$1"; }
as "$PAT_TOK" GET "/api/v1/appointments?limit=100"
is "$STATUS" 200 "patient lists"
is "$(jq '[.data[] | select(.patient_id != "'"$PAT"'")] | length' <<<"$BODY")" 0 "only own visits"
n_pat=$(sql "SELECT COUNT(*) FROM appointments WHERE patient_id='$PAT'")
is "$(jq '.data | length' <<<"$BODY")" "$n_pat" "all $n_pat of them"
is "$(jq -r '[.data[].start_at] | . == (sort | reverse)' <<<"$BODY")" true "newest first without from"
as "$PAT_TOK" GET "/api/v1/appointments?from=2027-01-11T00:00:00Z&limit=2"
first=$(jq -r '.data[0].start_at' <<<"$BODY")
is "$first" 2027-01-11T15:00:00Z "upcoming first with from"
cur=$(jq -r .next_cursor <<<"$BODY")
isnt "$cur" null "a next cursor"
seen=$(ids "$BODY")
while [[ $cur != null ]]; do
	as "$PAT_TOK" GET "/api/v1/appointments?from=2027-01-11T00:00:00Z&limit=2&cursor=$cur"
	seen+=" $(ids "$BODY")"
	cur=$(jq -r .next_cursor <<<"$BODY")
done
is "$(wc -w <<<"$seen") $(tr ' ' '\n' <<<"$seen" | sort -u | wc -l)" "$n_pat $n_pat" "pages cover every visit once"
as "$PAT_TOK" GET "/api/v1/appointments?status=scheduled&provider_id=$PROV2"
is "$(jq -r '[.data[] | .provider_id == "'"$PROV2"'" and .status == "scheduled"] | all' <<<"$BODY")" true "status and provider filters"
as "$PAT_TOK" GET "/api/v1/appointments?from=2027-01-11T15:00:00Z&to=2027-01-11T15:30:00Z"
is "$(ids "$BODY")" "$A1" "time range: from inclusive, to exclusive"
as "$PROV_TOK" GET "/api/v1/appointments?limit=100"
is "$(jq '[.data[] | select(.provider_id != "'"$PROV"'")] | length' <<<"$BODY")" 0 "provider sees only own visits"
as "$PROV_TOK" GET "/api/v1/appointments?patient_id=$PAT2&limit=100"
is "$(jq -r '[.data[].patient_id] | unique | join(" ")' <<<"$BODY")" "$PAT2" "provider filters by patient"
as "$STAFF_TOK" GET "/api/v1/appointments?provider_id=$PROV&patient_id=$PAT2"
is "$(jq -r '[.data[] | .provider_id == "'"$PROV"'" and .patient_id == "'"$PAT2"'"] | all' <<<"$BODY") $(jq '.data|length' <<<"$BODY")" "true 3" "staff filters by provider and patient"
as "$STAFF_TOK" GET "/api/v1/appointments?limit=3"
is "$STATUS $(jq '.data|length' <<<"$BODY")" "200 3" "staff lists everyone"
before=$(appt_counts)
as "$PAT_TOK" GET "/api/v1/appointments?patient_id=$PAT2"
is "$STATUS" 403 "a patient cannot list another patient's"
as "$PROV_TOK" GET "/api/v1/appointments?provider_id=$PROV2"
is "$STATUS" 403 "a provider cannot list another provider's"
as "$AUDITOR_TOK" GET "/api/v1/appointments"
is "$STATUS" 403 "an auditor cannot list"
for q in "status=done" "from=soon" "to=later" "provider_id=x" "limit=0" "limit=101" "cursor=%21%21"; do
	as "$PAT_TOK" GET "/api/v1/appointments?$q"
	is "$STATUS" 422 "list: bad $q"
done
is "$(delta "${before% appointments*}" "$(counts)")" "audit_log=+3" "bad list queries write only the denials"

done_testing
