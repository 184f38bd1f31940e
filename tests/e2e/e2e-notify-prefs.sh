#!/usr/bin/env bash
# e2e-notify-prefs: notification preferences through GET/PATCH /api/v1/me
# (stored, audited, every bad input a problem with nothing written), and
# what concierge-notify does with them against real loopback servers:
# email or SMS turned off (cancelled, reason kept; security mails still go),
# no phone number, a disabled user, preferences changed after queueing, and
# quiet hours in the user's zone on the dev-mode clock (non-urgent texts
# wait until they end, security and urgent ones do not).
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/notify-lib.sh"

notify_pause
drain

prefs_row() {
	sql "SELECT CONCAT_WS(' ', email_enabled, sms_enabled, IFNULL(quiet_start_min, '-'),
		IFNULL(quiet_end_min, '-'), IFNULL(timezone, '-')) FROM notification_preferences
		WHERE user_id = '$1'"
}
audits() { sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$1'"; }
patch_prefs() {	# TOKEN JSON-OF-PREFERENCES
	api PATCH /api/v1/me "{\"notification_preferences\":$2}" -H "Authorization: Bearer $1"
}
prefs_of() { jq -c .notification_preferences <<<"$BODY"; }

# ---- GET /me: the defaults, for every role ----
read -r P PT PE <<<"$(nuser patient +15550180001)"
for role in patient provider staff admin auditor; do
	read -r id tok _ <<<"$(nuser "$role")"
	api GET /api/v1/me "" -H "Authorization: Bearer $tok"
	is "$STATUS $(prefs_of)" '200 {"email":true,"sms":true,"quiet_hours":null,"timezone":null}' \
		"GET /me as $role: default preferences"
done
is "$(prefs_row "$P")" "" "defaults are not stored"

# ---- PATCH: set, change part, clear ----
a0=$(audits "$P")
patch_prefs "$PT" '{"email":false,"quiet_hours":{"start":"22:00","end":"07:30"},"timezone":"Europe/Berlin"}'
is "$STATUS $(prefs_of)" '200 {"email":false,"sms":true,"quiet_hours":{"start":"22:00","end":"07:30"},"timezone":"Europe/Berlin"}' \
	"PATCH sets them and replies with the account"
is "$(prefs_row "$P")" "0 1 1320 450 Europe/Berlin" "stored as minutes and a zone"
is "$(audits "$P")" "$((a0 + 2))" "audited (the update, and the patient read of the reply)"
is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', outcome, ' ', JSON_EXTRACT(metadata, '\$.fields'))
	FROM audit_log WHERE actor_id = '$P' AND action = 'update' ORDER BY id DESC LIMIT 1")" \
	'update user success ["notification_preferences"]' "the audit row names the field, not the values"
patch_prefs "$PT" '{"sms":false}'
is "$STATUS $(prefs_of)" '200 {"email":false,"sms":false,"quiet_hours":{"start":"22:00","end":"07:30"},"timezone":"Europe/Berlin"}' \
	"a partial PATCH keeps the rest"
patch_prefs "$PT" '{"quiet_hours":null,"email":true}'
is "$STATUS $(prefs_row "$P")" "200 1 0 - - Europe/Berlin" "quiet_hours null clears them, the zone stays"
api GET /api/v1/me "" -H "Authorization: Bearer $PT"
is "$(prefs_of)" '{"email":true,"sms":false,"quiet_hours":null,"timezone":"Europe/Berlin"}' "GET /me shows them"
patch_prefs "$PT" '{"quiet_hours":{"start":"23:15","end":"06:00"}}'
is "$STATUS $(prefs_row "$P")" "200 1 0 1395 360 Europe/Berlin" "quiet hours with the stored zone"

# ---- bad input: a problem, nothing written ----
read -r Q QT _ <<<"$(nuser patient)"
bad() {	# TOKEN USER BODY STATUS FIELD NAME
	local before after a1
	before=$(prefs_row "$2")
	a1=$(audits "$2")
	api PATCH /api/v1/me "$3" -H "Authorization: Bearer $1"
	is "$STATUS $(jq -r '.errors[0].field // .code' <<<"$BODY")" "$4 $5" "bad: $6"
	after=$(prefs_row "$2")
	is "$after|$(audits "$2")" "$before|$a1" "  and nothing written ($6)"
}
bad "$QT" "$Q" '{"notification_preferences":{"quiet_hours":{"start":"22:00","end":"07:00"}}}' 422 \
	notification_preferences.timezone "quiet hours without a zone"
is "$(sql "SELECT COUNT(*) FROM notification_preferences WHERE user_id = '$Q'")" 0 "no row was left behind"
bad "$PT" "$P" '{"notification_preferences":{"quiet_hours":{"start":"22:00","end":"22:00"}}}' 422 \
	notification_preferences.quiet_hours.end "an empty window"
for t in 24:00 7:00 22:60 2200 "22:00:00" "" 1; do
	[[ $t == 1 ]] && q=1 || q="\"$t\""
	bad "$PT" "$P" "{\"notification_preferences\":{\"quiet_hours\":{\"start\":$q,\"end\":\"07:00\"}}}" 422 \
		notification_preferences.quiet_hours.start "start $q"
done
bad "$PT" "$P" '{"notification_preferences":{"quiet_hours":{"start":"22:00"}}}' 422 \
	notification_preferences.quiet_hours.end "no end"
bad "$PT" "$P" '{"notification_preferences":{"quiet_hours":{"start":"22:00","end":"07:00","days":[1]}}}' 422 \
	notification_preferences.quiet_hours.days "an unknown field in quiet_hours"
bad "$PT" "$P" '{"notification_preferences":{"quiet_hours":"22-07"}}' 422 \
	notification_preferences.quiet_hours "quiet_hours not an object"
for z in Mars/Olympus ../../etc/passwd Europe/../etc/passwd "Europe/Berlin " ""; do
	bad "$PT" "$P" "{\"notification_preferences\":{\"timezone\":\"$z\"}}" 422 \
		notification_preferences.timezone "timezone '$z'"
done
bad "$PT" "$P" '{"notification_preferences":{"timezone":null}}' 422 \
	notification_preferences.timezone "clearing the zone under quiet hours"
bad "$PT" "$P" '{"notification_preferences":{"email":"yes"}}' 422 notification_preferences.email "email not a boolean"
bad "$PT" "$P" '{"notification_preferences":{"sms":null}}' 422 notification_preferences.sms "sms null"
bad "$PT" "$P" '{"notification_preferences":{"push":true}}' 422 notification_preferences.push "an unknown preference"
bad "$PT" "$P" '{"notification_preferences":null}' 422 notification_preferences "preferences null"
bad "$PT" "$P" '{"notification_preferences":[true]}' 422 notification_preferences "preferences an array"
bad "$PT" "$P" '{"notification_preferences":{"email":false}' 400 malformed_json "malformed JSON"
api PATCH /api/v1/me '{"notification_preferences":{"email":false}}'
is "$STATUS $(prefs_row "$P")" "401 1 0 1395 360 Europe/Berlin" "without a session: 401, nothing changed"

# ---- the sender applies them ----
sink_smtp mail
sink_sms sms
C=$T_TMP/notify.conf
notify_conf "$C" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.sms_url=http://127.0.0.1:$SMS_PORT/sms"
TOKEN=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCde
read -r A AT AE <<<"$(nuser patient +15550180002)"
patch_prefs "$AT" '{"email":false}'
A1=$(enqueue "$A" email new_secure_message)
A2=$(enqueue "$A" email password_reset "{\"token\":\"$TOKEN\"}")
A3=$(enqueue "$A" email mfa_replay)
A4=$(enqueue "$A" sms new_secure_message)
read -r B BT BE <<<"$(nuser patient +15550180003)"
patch_prefs "$BT" '{"sms":false}'
B1=$(enqueue "$B" sms appointment_reminder '{"appointment_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}')
B2=$(enqueue "$B" email new_secure_message)
read -r N _ NE <<<"$(nuser provider)"
N1=$(enqueue "$N" sms provider_ready)
N2=$(enqueue "$N" email provider_ready)
read -r D _ DE <<<"$(nuser patient +15550180004)"
sql "UPDATE users SET is_disabled = 1 WHERE id = '$D'"
D1=$(enqueue "$D" email new_secure_message)
read -r L LT LE <<<"$(nuser patient +15550180005)"
L1=$(enqueue "$L" email lab_result_available)
L2=$(enqueue "$L" sms lab_result_available)
patch_prefs "$LT" '{"email":false,"sms":false}'
notify_run "$C"
is "$(row "$A1")" "cancelled 1 email turned off by the user" "email off: a notice is cancelled, the reason kept"
is "$(row "$A2") | $(row "$A3")" "sent 1 - | sent 1 -" "security mails (password reset, MFA alert) still go by email"
is "$(row "$A4")" "sent 1 -" "SMS still on for that user"
is "$(mails_to "$T_TMP/mail" "$AE" | jq -r .subject | sort | tr '\n' '|')" \
	"Concierge: a sign-in code was used again|Concierge: reset your password|" "the user got exactly the two security mails"
is "$(row "$B1")" "cancelled 1 sms turned off by the user" "SMS off: cancelled (checked before anything else)"
is "$(row "$B2")" "sent 1 -" "email still on"
is "$(row "$N1")" "cancelled 1 no phone number" "no phone number: the SMS row is cancelled"
is "$(row "$N2")" "sent 1 -" "the email goes"
is "$(row "$D1")" "cancelled 1 recipient disabled" "a disabled user gets nothing"
is "$(row "$L1") | $(row "$L2")" "cancelled 1 email turned off by the user | cancelled 1 sms turned off by the user" \
	"preferences count when the row is sent, not when it was queued"
is "$(mails_to "$T_TMP/mail" "$LE" | wc -l) $(sms_to "$T_TMP/sms.jsonl" +15550180005 | wc -l) $(sms_to "$T_TMP/sms.jsonl" +15550180003 | wc -l)" \
	"0 0 0" "nothing reached the servers for them"

# ---- quiet hours on the dev-mode clock ----
read -r H HT HE <<<"$(nuser patient +15550180006)"
# A window from 30 minutes ago to 60 minutes ahead in Tokyo (no DST), by the stack's clock.
now=$(($(date +%s) + $(clock_offset)))
read -r qs qe <<<"$(TZ=Asia/Tokyo date -d "@$now" '+%H %M' | awk '{ m = $1 * 60 + $2;
	s = (m - 30 + 1440) % 1440; e = (m + 60) % 1440; printf "%02d:%02d %02d:%02d\n", s / 60, s % 60, e / 60, e % 60 }')"
patch_prefs "$HT" "{\"quiet_hours\":{\"start\":\"$qs\",\"end\":\"$qe\"},\"timezone\":\"Asia/Tokyo\"}"
is "$STATUS" 200 "quiet hours $qs-$qe Asia/Tokyo set"
END=$((now / 60 * 60 + 3600))
H1=$(enqueue "$H" email new_secure_message)
H2=$(enqueue "$H" sms new_secure_message)
H3=$(enqueue "$H" email password_reset "{\"token\":\"$TOKEN\"}")
H4=$(enqueue "$H" sms provider_ready)
H5=$(enqueue "$H" email mfa_replay)
notify_run "$C"
is "$(row "$H1") | $(row "$H2")" "pending 0 quiet hours | pending 0 quiet hours" \
	"inside quiet hours a notice waits (no attempt used)"
is "$(($(usec_of "$H1" due_at) / 1000000)) $(($(usec_of "$H2" due_at) / 1000000))" "$END $END" \
	"until they end ($(TZ=Asia/Tokyo date -d "@$END" '+%H:%M') in Tokyo)"
is "$(row "$H3") | $(row "$H4") | $(row "$H5")" "sent 1 - | sent 1 - | sent 1 -" \
	"security mails and 'your provider is ready' are not held back"
is "$(mails_to "$T_TMP/mail" "$HE" | wc -l) $(sms_to "$T_TMP/sms.jsonl" +15550180006 | wc -l)" "2 1" "only those reached the servers"
notify_run "$C"
is "$(row "$H1")" "pending 0 quiet hours" "another run leaves it waiting"
clock_shift 3000
notify_run "$C"
is "$(row "$H1") | $(row "$H2")" "pending 0 quiet hours | pending 0 quiet hours" "50 minutes later: still quiet"
clock_shift $((END - $(date +%s) + 5))
notify_run "$C"
is "$(row "$H1") | $(row "$H2")" "sent 1 - | sent 1 -" "when they end, it goes"
is "$(mails_to "$T_TMP/mail" "$HE" | wc -l) $(sms_to "$T_TMP/sms.jsonl" +15550180006 | wc -l)" "3 2" "once each"
done_testing
