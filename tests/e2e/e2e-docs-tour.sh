#!/usr/bin/env bash
# e2e-docs-tour: the five-minute tour of README.md is true. The test takes
# the blocks fenced as ```sh tour, in order, and runs them as one bash
# script against the stack, with curl wrapped so that every request's
# status is recorded: each must answer 2xx, every curl of the tour must
# run, and the database must show that both flows happened (a booking and
# a message by patient1; the visit checked in, admitted, its session
# joined and ended, the appointment completed).
#
# Two literal substitutions, both asserted: the tour's
# `BASE=http://127.0.0.1:8080` becomes this stack's address, and the
# seeded video visit `demoappointmentvideovisita` becomes a copy of it
# made here in SQL (same patient, provider, type and length, starting a
# few minutes from now), since a visit can be seen through only once and
# other tests need the seeded one unused.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

README=$SRCDIR/README.md
DEMO_APPT=demoappointmentvideovisita
clock_reset

tour=$(awk '/^```sh tour$/ { on = 1; next } on && /^```$/ { on = 0; print "#--- end of block"; next } on' "$README")
is "$(grep -c '^#--- end of block$' <<<"$tour")" 2 "README.md has the two tour blocks"
is "$(grep -c '^BASE=http://127.0.0.1:8080$' <<<"$tour")" 1 "the tour sets BASE once, to the default address"
is "$(grep -c "^APPT=$DEMO_APPT\$" <<<"$tour")" 1 "and names the seeded video visit once"
ncurl=$(grep -v '^[[:space:]]*#' <<<"$tour" | grep -o '\bcurl ' | wc -l)
(( ncurl >= 15 )); ok $? "the tour makes its requests with curl ($ncurl of them)"

P1ID=$(sql "SELECT id FROM users WHERE email_norm = 'patient1@demo.test'")
PR1ID=$(sql "SELECT id FROM users WHERE email_norm = 'provider1@demo.test'")
is "$(sql "SELECT CONCAT_WS(' ', patient_id = '$P1ID', provider_id = '$PR1ID', visit_type, TIMESTAMPDIFF(MINUTE, start_at, end_at)) FROM appointments WHERE id = '$DEMO_APPT'")" \
	"1 1 video 30" "the seeded visit the tour names is patient1's 30-minute video visit with provider1"
is "$(sql "SELECT COUNT(*) FROM video_sessions WHERE running_provider_id = '$PR1ID'")" 0 "provider1 has no session running (so can admit)"

T0=$(sql "SELECT UTC_TIMESTAMP(6)")
counts0=$(sql "SELECT (SELECT COUNT(*) FROM appointments WHERE patient_id = '$P1ID' AND booked_by = '$P1ID' AND status = 'scheduled'),
	(SELECT COUNT(*) FROM messages m JOIN threads t ON t.id = m.thread_id WHERE t.patient_id = '$P1ID' AND m.sender_id = '$P1ID')" | tr '\t' ' ')
APPT=$(mkappt "$PR1ID" "$P1ID" 240 30 video)
script=${tour//"BASE=http://127.0.0.1:8080"/"BASE=$BASE"}
script=${script//"APPT=$DEMO_APPT"/"APPT=$APPT"}

CODES=$T_TMP/codes
: >"$CODES"
cat >"$T_TMP/tour.sh" <<WRAP
set -eo pipefail
curl() {
	local code url= a
	for a in "\$@"; do [[ \$a == http* ]] && url=\$a; done
	code=\$(command curl -sS -o "$T_TMP/tour-body" -w '%{http_code}' --max-time 30 "\$@") || code=000
	cat "$T_TMP/tour-body"
	printf '%s %s\n' "\$code" "\${url#"$BASE"}" >>"$CODES"
	[[ \$code == 2?? ]] || { printf 'tour: %s answered %s: %s\n' "\${url#"$BASE"}" "\$code" "\$(cat "$T_TMP/tour-body")" >&2; return 1; }
}
$script
printf 'VISIT=%s\nNEW=%s\nENTRY=%s\nSESSION=%s\n' "\$VISIT" "\$NEW" "\$ENTRY" "\$SESSION" >"$T_TMP/tour-vars"
WRAP
bash "$T_TMP/tour.sh" >"$T_TMP/tour-out" 2>"$T_TMP/tour-err"
rc=$?
is "$rc" 0 "the tour runs to its end" || { diag "$(cat "$T_TMP/tour-err")"; diag "$(tail -5 "$T_TMP/tour-out")"; }
is "$(wc -l <"$CODES")" "$ncurl" "every curl of the tour ran once"
is "$(grep -vc '^2[0-9][0-9] ' "$CODES")" 0 "every request answered 2xx" || diag "$(grep -v '^2' "$CODES")"
VISIT= NEW= ENTRY= SESSION=
[[ -f $T_TMP/tour-vars ]] && . "$T_TMP/tour-vars"

# flow 1: signed in, dashboard, booked, messaged
like "$(grep -c '' "$T_TMP/tour-out")" '^[1-9]' "the tour prints what it read"
like "$(grep -m1 '"results"' -A3 "$T_TMP/tour-out" | tr -d ' \n')" '"results":\["' "the dashboard lists patient1's lab results"
counts1=$(sql "SELECT (SELECT COUNT(*) FROM appointments WHERE patient_id = '$P1ID' AND booked_by = '$P1ID' AND status = 'scheduled'),
	(SELECT COUNT(*) FROM messages m JOIN threads t ON t.id = m.thread_id WHERE t.patient_id = '$P1ID' AND m.sender_id = '$P1ID')" | tr '\t' ' ')
read -r b0 m0 <<<"$counts0"
read -r b1 m1 <<<"$counts1"
is "$((b1 - b0)) $((m1 - m0))" "1 1" "one visit booked and one message posted by patient1"
is "$(sql "SELECT CONCAT_WS(' ', provider_id = '$PR1ID', visit_type, TIMESTAMPDIFF(MINUTE, start_at, end_at), start_at > UTC_TIMESTAMP(6) + INTERVAL 47 HOUR) FROM appointments WHERE id = '$VISIT'")" \
	"1 video 30 1" "the booking: a 30-minute video visit with provider1, two days or more ahead"
is "$(sql "SELECT CONCAT_WS(' ', t.patient_id = '$P1ID', (SELECT COUNT(*) FROM thread_participants p WHERE p.thread_id = t.id AND p.user_id IN ('$P1ID', '$PR1ID')), (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id)) FROM threads t WHERE t.id = '$NEW'")" \
	"1 2 1" "the new thread: about patient1, with provider1, one message"
is "$(sql "SELECT COUNT(*) FROM messages WHERE thread_id = 'demothreadpatientoneaaaaaa'")" 3 "the seeded thread keeps its three messages"
is "$(sql "SELECT COUNT(*) FROM idempotency_keys WHERE user_id = '$P1ID' AND created_at >= '$T0' AND state = 'done'")" 3 \
	"the booking, the thread and the message carried an Idempotency-Key"
is "$(sql "SELECT r.status FROM message_receipts r JOIN messages m ON m.thread_id = r.thread_id AND m.seq = r.seq WHERE r.thread_id = 'demothreadpatientoneaaaaaa' AND r.recipient_id = '$P1ID' AND m.sender_id <> '$P1ID' ORDER BY m.seq DESC LIMIT 1")" \
	read "the thread's last message from the care team is marked read"
# flow 2: checked in, admitted, session joined and ended
is "$(sql "SELECT CONCAT_WS(' ', e.status, e.video_session_id = '$SESSION', a.status) FROM waiting_room_entries e JOIN appointments a ON a.id = e.appointment_id WHERE e.id = '$ENTRY' AND a.id = '$APPT'")" \
	"admitted 1 completed" "the entry was admitted into the session and the visit completed"
is "$(sql "SELECT CONCAT_WS(' ', status, ended_at IS NOT NULL, running_provider_id IS NULL) FROM video_sessions WHERE id = '$SESSION' AND appointment_id = '$APPT'")" \
	"ended 1 1" "the session ended and provider1 is free again"
is "$(sql "SELECT COUNT(*) FROM video_session_events WHERE session_id = '$SESSION' AND type = 'joined' AND actor_id = '$P1ID'")" 1 \
	"patient1's joined event is in the session log"
is "$(sql "SELECT status FROM appointments WHERE id = '$DEMO_APPT'")" scheduled "the seeded visit is left unused"

# Leave the slot free again, so that runs on a long-lived stack never use up
# provider1's week (the tour books two days or more ahead: the patient may cancel).
P1=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
api POST "/api/v1/appointments/$VISIT/cancel" '{"reason":"tour test clean-up"}' -H "Authorization: Bearer $P1"
is "$STATUS $(sql "SELECT status FROM appointments WHERE id = '$VISIT'")" "200 cancelled" "clean-up: the tour's booking is cancelled, its slot free again"

done_testing
