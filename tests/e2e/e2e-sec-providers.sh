#!/usr/bin/env bash
# e2e-sec-providers: a provider who is not active (not verified, or
# disabled) holds nothing in the appointment routes and cannot be booked.
#
# (a) A verified provider with visits changes their license (verified ->
#     false) and, with the same open session, at once loses every
#     appointment route: list, get, cancel, reschedule, no-show, complete,
#     availability, slots, and the replay of a keyed request they made
#     before. Each refusal is audited once and changes nothing. Verified
#     again, they have it all back.
# (b) A disabled provider offers no slots, cannot be booked or moved to
#     (by patients or staff), is not added to a care team by booking or by
#     the records worker (one rule, lib/store-user.c), and is not shown to
#     the patient on their care team (staff see the row, "active": false);
#     the patient still sees and can cancel their visit with them.
# (c) License change against an admin's verify: the verification is
#     decided inside the UPDATE, so a verify landing between the
#     provider's read and write does not verify the new license.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"

uri() { jq -rn --arg s "$1" '$s|@uri'; }
denied() { sql "SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'"; }
appts_of() {
	sql "SELECT GROUP_CONCAT(CONCAT(id, ':', status, ':', start_at) ORDER BY id)
		FROM appointments WHERE provider_id = '$1'"
}
book() {	# book TOKEN PROVIDER PATIENT START [MINUTES]
	as "$1" POST /api/v1/appointments "$(jq -cn --arg p "$2" --arg pa "$3" --arg s "$4" \
		--argjson d "${5:-30}" '{provider_id:$p, patient_id:$pa, start_at:$s,
		duration_minutes:$d, visit_type:"video", reason:"chest pain at night"}')"
}
NY=$(weekdays_9to5 America/New_York)
# 2031-03-03 is a Monday: 09:00-17:00 New York is 14:00Z-22:00Z.
DAY=2031-03-03

# ===== (a) license change while signed in =====
read -r PV PV_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
as "$STAFF_TOK" PUT "/api/v1/availability/$PV" "$NY"
[[ $STATUS == 200 ]] || bail "availability: $STATUS $BODY"
book "$STAFF_TOK" "$PV" "$PAT" "${DAY}T15:00:00Z"
[[ $STATUS == 201 ]] || bail "booking: $STATUS $BODY"
A1=$(jq -r .id <<<"$BODY")
book "$STAFF_TOK" "$PV" "$PAT" "${DAY}T16:00:00Z"
A2=$(jq -r .id <<<"$BODY")

as "$PV_TOK" GET /api/v1/appointments
is "$STATUS" 200 "the verified provider lists their visits"
like "$BODY" 'chest pain' "with the visits' reasons"
as "$PV_TOK" GET "/api/v1/appointments/$A1"
is "$STATUS" 200 "and reads one"
KEY=e2e-sec-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
as "$PV_TOK" POST "/api/v1/appointments/$A2/cancel" '{"reason":"provider ill"}' -H "Idempotency-Key: $KEY"
is "$STATUS" 200 "a keyed cancel by the verified provider"

as "$PV_TOK" PATCH "/api/v1/providers/$PV" '{"license_number":"LIC-NEW-77"}'
is "$STATUS $(jq -r .verified <<<"$BODY")" "200 false" "a license change unverifies the provider"

state0=$(appts_of "$PV")
before=$(counts)
d0=$(denied)
try() {	# try METHOD PATH BODY WANT NAME [curl args]
	local m=$1 p=$2 b=$3 want=$4 name=$5
	shift 5
	as "$PV_TOK" "$m" "$p" "$b" "$@"
	is "$STATUS" "$want" "same session, unverified: $name -> $want"
	unlike "$BODY" 'chest pain' "  ($name shows no reason)"
}
try GET /api/v1/appointments "" 403 "GET /appointments"
try GET "/api/v1/appointments?provider_id=$PV" "" 403 "GET /appointments?provider_id=self"
try GET "/api/v1/appointments/$A1" "" 404 "GET /appointments/{id}"
try POST "/api/v1/appointments/$A1/cancel" '{"reason":"x"}' 404 "cancel"
try POST "/api/v1/appointments/$A1/reschedule" "{\"start_at\":\"${DAY}T18:00:00Z\"}" 404 "reschedule"
try POST "/api/v1/appointments/$A1/no-show" "" 404 "no-show"
try POST "/api/v1/appointments/$A1/complete" "" 404 "complete"
try GET "/api/v1/availability/$PV" "" 403 "GET own availability"
try PUT "/api/v1/availability/$PV" "$NY" 403 "PUT own availability"
try GET "/api/v1/slots?provider_id=$PV&from=$(uri "${DAY}T00:00:00Z")&to=$(uri "${DAY}T23:00:00Z")" "" 403 "slots"
try POST /api/v1/appointments "$(jq -cn --arg p "$PV" --arg pa "$PAT" \
	'{provider_id:$p, patient_id:$pa, start_at:"2031-03-04T15:00:00Z", duration_minutes:30, visit_type:"video"}')" \
	403 "book"
try POST "/api/v1/appointments/$A2/cancel" '{"reason":"provider ill"}' 403 "replay of their earlier keyed cancel" \
	-H "Idempotency-Key: $KEY"
unlike "$(header Idempotent-Replayed)" true "  (no stored reply is replayed)"
is "$(($(denied) - d0))" 12 "each of the 12 refusals is audited once"
is "$(delta "$before" "$(counts)")" "audit_log=+12" "and nothing else is written"
is "$(appts_of "$PV")" "$state0" "no appointment changed"
as "$PV_TOK" GET /api/v1/me
is "$STATUS" 200 "their own account still answers (UNV)"

as "$ADMIN_TOK" POST "/api/v1/users/$PV/verify"
is "$STATUS" 200 "an admin verifies the new license"
as "$PV_TOK" GET /api/v1/appointments
is "$STATUS" 200 "verified again: the list answers again"
as "$PV_TOK" POST "/api/v1/appointments/$A2/cancel" '{"reason":"provider ill"}' -H "Idempotency-Key: $KEY"
is "$STATUS $(header Idempotent-Replayed)" "200 true" "and the keyed cancel replays again"

# ===== (b) a disabled provider =====
read -r PD PD_TOK <<<"$(mkuser provider)"
read -r PAT2 PAT2_TOK <<<"$(mkuser patient)"
as "$STAFF_TOK" PUT "/api/v1/availability/$PD" "$NY"
book "$PAT2_TOK" "$PD" "$PAT2" "${DAY}T15:00:00Z"
[[ $STATUS == 201 ]] || bail "booking with PD: $STATUS $BODY"
B1=$(jq -r .id <<<"$BODY")
slots_pd() {
	as "$PAT_TOK" GET "/api/v1/slots?provider_id=$PD&from=$(uri "${DAY}T00:00:00Z")&to=$(uri "2031-03-05T00:00:00Z")"
}
slots_pd
n_slots=$(jq '.data | length' <<<"$BODY")
ok "$((n_slots > 0 ? 0 : 1))" "an active provider offers slots ($n_slots)"

as "$ADMIN_TOK" POST "/api/v1/users/$PD/disable"
is "$STATUS" 200 "an admin disables the provider"
slots_pd
is "$STATUS $(jq '.data | length' <<<"$BODY")" "200 0" "a disabled provider offers no slots"

before=$(appt_counts)
book "$STAFF_TOK" "$PD" "$PAT" "2031-03-04T15:00:00Z"
is "$STATUS" 422 "staff cannot book a disabled provider"
like "$BODY" '"code":"provider_unavailable"' "as provider_unavailable"
book "$PAT_TOK" "$PD" "$PAT" "2031-03-04T16:00:00Z"
is "$STATUS" 422 "a patient cannot book a disabled provider"
as "$STAFF_TOK" POST /api/v1/appointments "$(jq -cn --arg p "$PD" --arg pa "$PAT" \
	'{provider_id:$p, patient_id:$pa, start_at:"2031-03-04T17:00:00Z", duration_minutes:30,
	visit_type:"in_person", override_reason:"urgent"}')"
is "$STATUS" 422 "not even with a staff override"
as "$STAFF_TOK" POST "/api/v1/appointments/$B1/reschedule" '{"start_at":"2031-03-04T15:30:00Z"}'
is "$STATUS" 422 "a visit cannot be moved to a disabled provider's calendar"
as "$STAFF_TOK" POST "/api/v1/patients/$PAT/care-team" "{\"provider_id\":\"$PD\"}"
is "$STATUS" 422 "the records worker does not add a disabled provider either"
is "$(appt_counts)" "$before" "none of that wrote anything (no visit, no care-team row)"
is "$(sql "SELECT COUNT(*) FROM care_team WHERE patient_id = '$PAT' AND provider_id = '$PD'")" 0 \
	"the disabled provider is on no new care team"

as "$PAT2_TOK" GET "/api/v1/patients/$PAT2/care-team"
is "$STATUS" 200 "the patient reads their care team"
is "$(jq -r --arg p "$PD" '[.data[] | select(.provider_id == $p)] | length' <<<"$BODY")" 0 \
	"the disabled provider is not shown to the patient"
as "$STAFF_TOK" GET "/api/v1/patients/$PAT2/care-team"
is "$(jq -r --arg p "$PD" '[.data[] | select(.provider_id == $p) | .active] | map(tostring) | join(",")' <<<"$BODY")" \
	false "staff see the row, marked \"active\": false"
as "$PAT2_TOK" GET /api/v1/appointments
is "$(jq -r --arg b "$B1" '[.data[] | select(.id == $b) | .status] | join(",")' <<<"$BODY")" scheduled \
	"the patient still sees their visit with the disabled provider"
as "$PAT2_TOK" POST "/api/v1/appointments/$B1/cancel" '{"reason":"provider gone"}'
is "$STATUS" 200 "and can cancel it"

as "$ADMIN_TOK" POST "/api/v1/users/$PD/enable"
slots_pd
ok "$(($(jq '.data | length' <<<"$BODY") >= n_slots ? 0 : 1))" "enabled again: slots again"
as "$PAT2_TOK" GET "/api/v1/patients/$PAT2/care-team"
is "$(jq -r --arg p "$PD" '[.data[] | select(.provider_id == $p)] | length' <<<"$BODY")" 1 \
	"and shown on the care team again"
book "$STAFF_TOK" "$PD" "$PAT" "2031-03-04T15:00:00Z"
is "$STATUS" 201 "and bookable again"
is "$(sql "SELECT COUNT(*) FROM care_team WHERE patient_id = '$PAT' AND provider_id = '$PD'")" 1 \
	"the booking put them on the care team"

# ===== (c) a verify landing between the license change's read and write =====
read -r PR PR_TOK <<<"$(mkuser provider 0)"
sql "UPDATE provider_profiles SET license_number = 'LIC-OLD-1' WHERE user_id = '$PR'"
mkfifo "$T_TMP/race.fifo"
mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B -n "$DB_NAME" <"$T_TMP/race.fifo" \
	>"$T_TMP/race.out" 2>&1 &
race_pid=$!
exec {RACE}>"$T_TMP/race.fifo"
on_exit "exec $RACE>&-; kill $race_pid"
printf '%s\n' "START TRANSACTION;" \
	"SELECT user_id FROM provider_profiles WHERE user_id = '$PR' FOR UPDATE;" \
	"SELECT 'held';" >&"$RACE"
wait_until 10 'grep -qs held "$T_TMP/race.out"' || bail "the root session did not lock the profile"
api PATCH "/api/v1/providers/$PR" '{"license_number":"LIC-NEW-2"}' \
	-H "Authorization: Bearer $PR_TOK" >/dev/null &
patch_pid=$!
waiting() { (($(innodb_view "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS") > 0)); }
wait_until 20 waiting || bail "the license change never waited for the profile row"
# The admin's verify (SQL_VERIFY) commits while the change waits to write.
printf '%s\n' "UPDATE provider_profiles SET is_verified = 1, verified_at = NOW(6) WHERE user_id = '$PR';" \
	"COMMIT;" >&"$RACE"
wait "$patch_pid"
is "$(sql "SELECT CONCAT(license_number, ' ', is_verified, ' ', verified_at IS NULL)
	FROM provider_profiles WHERE user_id = '$PR'")" "LIC-NEW-2 0 1" \
	"the new license is not verified by a verify of the old one"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$PR' AND action = 'update'
	AND summary = 'provider profile updated, verification reset'")" 1 \
	"the audit row says the verification was reset"

done_testing
