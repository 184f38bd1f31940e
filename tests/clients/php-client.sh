#!/usr/bin/env bash
# tests/clients/php-client.sh: the PHP client (clients/php/). Its unit
# checks (clients/php/tests/client-test.php, against a php -S stub on a
# free port), its route checks against the stack (routes-test.php), then
# both seed-flow examples against the stack's demo data, each followed by
# what they left in the database:
#  (a) patient-dashboard.php: sign in, dashboard, every lab page, the active
#      plan, a new thread to its author, the message read by them;
#  (b) video-visit.php: patient1 signs in with MFA (turned on here, through
#      the API, and off again at exit), checks in to a video visit, is
#      admitted by provider1 through the client, follows the session's
#      events by long-poll; provider1 ends it.
# Flow (b) uses a visit made here in SQL (as the waiting-room tests do),
# so the seed's demo visit stays ready for e2e-waitingroom-demo and for a
# developer (run by hand, the example picks the demo visit itself).
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/mfa-lib.sh"
. "$T_LIB_DIR/appointments-lib.sh"
. "$T_LIB_DIR/waitingroom-lib.sh"

PHPC=$SRCDIR/clients/php
command -v php >/dev/null || bail "php is not installed (scripts/dev installs php-cli php-curl)"
php -r 'exit(extension_loaded("curl") ? 0 : 1);' || bail "php has no curl extension (php-curl)"
export CONCIERGE_BASE_URL=$BASE

# --- unit checks --------------------------------------------------------------
out=$(php "$PHPC/tests/client-test.php" 2>&1)
rc=$?
is "$rc" 0 "client-test.php passes" || diag "$out"
like "$out" "^[0-9]{3,} checks, 0 failed$" "all of its checks ran and passed ($(tail -n1 <<<"$out"))"

P1ID=$(sql "SELECT id FROM users WHERE email_norm = 'patient1@demo.test'")
D1ID=$(sql "SELECT id FROM users WHERE email_norm = 'provider1@demo.test'")
[[ -n $P1ID && -n $D1ID ]] || bail "no demo users (concierge-seed)"
demo_state() {
	sql "SELECT CONCAT_WS(' ', (SELECT message_count FROM threads WHERE id = 'demothreadpatientoneaaaaaa'),
		(SELECT status FROM appointments WHERE id = 'demoappointmentvideovisita'))"
}
demo0=$(demo_state)
# sessions_of: "all live" sessions of patient1 and provider1.
sessions_of() {
	sql "SELECT CONCAT(COUNT(*), ' ', COUNT(*) - COUNT(revoked_at)) FROM sessions WHERE user_id IN ('$P1ID', '$D1ID')"
}

# --- the route methods the examples do not walk --------------------------------
n0=$(sql "SELECT COUNT(*) FROM appointments WHERE patient_id = '$P1ID'")
out=$(php "$PHPC/tests/routes-test.php" 2>&1)
rc=$?
is "$rc" 0 "routes-test.php passes (book, replay, list, reschedule, cancel, live problems)" || diag "$out"
like "$out" "[0-9]{2,} checks, 0 failed" "all of its checks ran ($(tail -n1 <<<"$out"))"
BOOKED=$(sed -n 's/^appointment: //p' <<<"$out")
is "$(sql "SELECT COUNT(*) FROM appointments WHERE patient_id = '$P1ID'")" "$((n0 + 1))" \
	"one appointment written: the replay and the refused booking added none"
is "$(sql "SELECT CONCAT_WS(' ', status, cancelled_by = '$P1ID', provider_id = '$D1ID', booked_by = '$P1ID') FROM appointments WHERE id = '$BOOKED'")" \
	"cancelled 1 1 1" "it was booked and cancelled by patient1, with provider1"

# --- (a) dashboard -> labs -> active plan -> message the clinician --------------
s0=$(sessions_of)
out=$(php "$PHPC/examples/patient-dashboard.php" 2>&1)
rc=$?
is "$rc" 0 "patient-dashboard.php exits 0" || diag "$out"
like "$out" "lab results: 2, all pages read" "it read both released demo results, page by page"
like "$out" "active plan demoplanactiveaaaaaaaaaaaa" "it found the demo's active plan"
TH=$(sed -n 's/^thread: //p' <<<"$out")
MSG=$(sed -n 's/^message: //p' <<<"$out")
is "$(sql "SELECT CONCAT_WS(' ', patient_id = '$P1ID', created_by = '$P1ID', message_count) FROM threads WHERE id = '$TH'")" \
	"1 1 1" "the thread it started is patient1's, with one message"
is "$(sql "SELECT GROUP_CONCAT(user_id ORDER BY user_id) FROM thread_participants WHERE thread_id = '$TH'")" \
	"$(printf '%s\n' "$P1ID" "$D1ID" | sort | paste -sd,)" "between patient1 and provider1 (the plan's author)"
is "$(sql "SELECT CONCAT_WS(' ', thread_id = '$TH', sender_id = '$P1ID', INSTR(body, 'keep taking') = 0) FROM messages WHERE id = '$MSG'")" \
	"1 1 1" "the message is patient1's, in that thread, sealed at rest"
is "$(sql "SELECT CONCAT_WS(' ', r.recipient_id = '$D1ID', r.status) FROM message_receipts r
	JOIN messages m ON m.thread_id = r.thread_id AND m.seq = r.seq WHERE m.id = '$MSG'")" \
	"1 read" "provider1's receipt is read"
read -r all0 live0 <<<"$s0"
is "$(sessions_of)" "$((all0 + 2)) $live0" "two sessions signed in, both revoked by the sign-outs"

# --- (b) MFA -> upcoming visit -> check in -> admitted -> session events -------
D1=$(login provider1@demo.test "$DEMO_PASSWORD") || bail "provider1 login"
P1=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
mfa_off() {
	sql "UPDATE users SET mfa_enabled = 0, mfa_secret = NULL, mfa_pending = NULL, mfa_last_step = NULL
		WHERE id = '$P1ID'; DELETE FROM mfa_recovery_codes WHERE user_id = '$P1ID'"
}
on_exit mfa_off
clock_reset
as "$P1" POST /api/v1/auth/mfa/totp/setup "$(jq -cn --arg p "$DEMO_PASSWORD" '{current_password:$p}')"
[[ $STATUS == 200 ]] || bail "mfa setup: $STATUS $BODY"
SECRET=$(jq -r .secret <<<"$BODY")
# The previous step's code (inside the window): the example's login then
# uses a later step, never refused as a replay. Should a step boundary
# pass between taking the step and the server checking the code, that
# code is two steps old and refused: then once more with the new step
# (only then: any other refusal is a failure).
for try in 1 2; do
	step=$(step_now)
	as "$P1" POST /api/v1/auth/mfa/totp/enable \
		"$(jq -cn --arg c "$(totp "$SECRET" $((step - 1)))" --arg p "$DEMO_PASSWORD" '{code:$c,current_password:$p}')"
	[[ $STATUS != 200 && $try == 1 && $(step_now) != "$step" ]] || break
	diag "a TOTP step boundary passed during mfa enable: once more with the new step"
done
[[ $STATUS == 200 ]] || bail "mfa enable: $STATUS $BODY"
step0=$(sql "SELECT mfa_last_step FROM users WHERE id = '$P1ID'")
api POST /api/v1/auth/login "$(jq -cn --arg p "$DEMO_PASSWORD" '{email:"patient1@demo.test",password:$p}')"
is "$STATUS $(jq -r .code <<<"$BODY")" "401 mfa_required" "patient1 now needs a second factor"

APPT=$(mkappt "$D1ID" "$P1ID" 60)
visit_cleanup() {
	local sid
	sid=$(sql "SELECT id FROM video_sessions WHERE appointment_id = '$APPT' AND status = 'running'")
	[[ -n $sid ]] && as "$D1" POST "/api/v1/video-sessions/$sid/end"
	sql "UPDATE waiting_room_entries SET status = 'left', ended_at = UTC_TIMESTAMP(6)
		WHERE appointment_id = '$APPT' AND status IN ('waiting', 'away');
	     UPDATE appointments SET status = 'cancelled' WHERE id = '$APPT' AND status IN ('scheduled', 'checked_in')"
}
on_exit visit_cleanup
out=$(CONCIERGE_TOTP_SECRET=$SECRET CONCIERGE_APPOINTMENT_ID=$APPT php "$PHPC/examples/video-visit.php" 2>&1)
rc=$?
is "$rc" 0 "video-visit.php exits 0" || diag "$out"
like "$out" "with MFA \(the server asked for a TOTP code\)" "it signed in through the MFA step"
(( $(sql "SELECT mfa_last_step FROM users WHERE id = '$P1ID'") > step0 )); ok $? "with a fresh TOTP step (mfa_last_step moved on)"
like "$out" "upcoming video visit $APPT" "it listed the visit among the upcoming ones"
like "$out" "event [0-9]+: waiting_room.admitted" "the patient got waiting_room.admitted by long-poll"
like "$out" "event [0-9]+: video_session.ended" "and video_session.ended"
ENTRY=$(sed -n 's/^entry: //p' <<<"$out")
VS=$(sed -n 's/^video_session: //p' <<<"$out")
is "$(sql "SELECT status FROM appointments WHERE id = '$APPT'")" completed "the visit is completed in the database"
is "$(sql "SELECT CONCAT_WS(' ', appointment_id = '$APPT', status, video_session_id = '$VS') FROM waiting_room_entries WHERE id = '$ENTRY'")" \
	"1 admitted 1" "its entry was admitted to that session"
is "$(sql "SELECT CONCAT_WS(' ', status, end_reason, started_by = '$D1ID') FROM video_sessions WHERE id = '$VS'")" \
	"ended provider 1" "the session was started and ended by provider1"
is "$(sql "SELECT GROUP_CONCAT(type ORDER BY recorded_at, id SEPARATOR ' ') FROM video_session_events WHERE session_id = '$VS'")" \
	"started joined joined ended" "its log: started, both joined, ended"
is "$(sql "SELECT GROUP_CONCAT(DISTINCT type ORDER BY type) FROM events WHERE recipient_user_id = '$P1ID'
	AND entity_id IN ('$ENTRY', '$VS', '$APPT') AND type IN ('waiting_room.admitted', 'video_session.started', 'video_session.ended')")" \
	"video_session.ended,video_session.started,waiting_room.admitted" "the events it printed are patient1's rows"

mfa_off
api POST /api/v1/auth/login "$(jq -cn --arg p "$DEMO_PASSWORD" '{email:"patient1@demo.test",password:$p}')"
is "$STATUS" 200 "MFA is off again: patient1 signs in with the password alone"
is "$(demo_state)" "$demo0" "the demo thread and the demo visit are as they were"

done_testing
