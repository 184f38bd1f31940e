#!/usr/bin/env bash
# e2e-waitingroom-demo: the demo video visit concierge-seed makes. It is
# patient1's with provider1, starts a few minutes ahead, and patient1 can
# check in to it at once; a re-seed while it is in use changes nothing;
# after patient1 leaves, a re-seed at a time its check-in is closed (the
# dev clock two hours on) moves it, with the entry's copy of its start,
# so patient1 checks in to it again. The last re-seed, at the real time,
# leaves it ready for a developer again.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

APPT=demoappointmentvideovisita
SEED=$BUILD/tools/concierge-seed
[[ -x $SEED ]] || SEED=$SRCDIR/build/tools/concierge-seed
seed() { "$SEED" --config "$CONF" 2>&1; }
demo() { sql "SELECT status, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6) + INTERVAL $1 SECOND, start_at) FROM appointments WHERE id = '$APPT'" | tr '\t' ' '; }
P1ID=$(sql "SELECT id FROM users WHERE email_norm = 'patient1@demo.test'")
PR1ID=$(sql "SELECT id FROM users WHERE email_norm = 'provider1@demo.test'")
clock_reset
on_exit clock_reset

# Whatever earlier runs left: a developer's check-in is put back as a leave would.
sql "UPDATE waiting_room_entries SET status = 'left', ended_at = UTC_TIMESTAMP(6) WHERE appointment_id = '$APPT' AND status IN ('waiting', 'away');
     UPDATE appointments SET status = 'scheduled' WHERE id = '$APPT' AND status = 'checked_in'"
out=$(seed)
is "$?" 0 "concierge-seed runs"
like "$out" "demo video visit (created|present|moved)" "and names the demo video visit"
st=$(sql "SELECT status FROM appointments WHERE id = '$APPT'")
[[ $st == scheduled ]] ||
	bail "the demo visit was used to the end on this stack ($st); a fresh database has it scheduled"
is "$(sql "SELECT CONCAT_WS(' ', patient_id = '$P1ID', provider_id = '$PR1ID', visit_type, status, TIMESTAMPDIFF(MINUTE, start_at, end_at)) FROM appointments WHERE id = '$APPT'")" \
	"1 1 video scheduled 30" "patient1's 30-minute video visit with provider1, scheduled"
before=$(conf_get waitingroom.checkin_before_minutes)
# However long ago the stack was seeded: a re-seed two hours on moves it
# (its check-in closed then), and one back at the real time moves it again.
clock_shift 7200
out=$(seed)
like "$out" "demo video visit moved" "a re-seed two hours on moves it"
clock_reset
out=$(seed)
like "$out" "demo video visit moved" "a re-seed at the real time moves it back"
read -r st lead <<<"$(demo 0)"
(( lead > 0 && lead <= ${before:-15} * 60 )); ok $? "to start a few minutes ahead, within the check-in window ($lead s)"

P1=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
checkin "$P1" "$APPT"
# 201, or 200 when an earlier run's closed entry is reopened.
like "$STATUS $(jq -r .status <<<"$BODY")" "^20[01] waiting$" "patient1 checks in to it right away"
ENTRY=$(jq -r .id <<<"$BODY")
start0=$(sql "SELECT start_at FROM appointments WHERE id = '$APPT'")
out=$(seed)
like "$out" "demo video visit present" "a re-seed finds it in use"
is "$(sql "SELECT status, start_at FROM appointments WHERE id = '$APPT'" | tr '\t' ' ')" "checked_in $start0" "and leaves it alone"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE id = '$APPT'")" 1 "one demo visit"

as "$P1" POST "/api/v1/waiting-room/entries/$ENTRY/leave"
is "$STATUS $(sql "SELECT status FROM appointments WHERE id = '$APPT'")" "200 scheduled" "patient1 leaves: the visit is scheduled again"

# Two hours on, its check-in has closed: the re-seed moves it to a few minutes from then.
clock_shift 7200
out=$(seed)
like "$out" "demo video visit moved" "a re-seed after its check-in closed moves it"
read -r st lead <<<"$(demo 7200)"
(( lead > 0 && lead <= ${before:-15} * 60 )); ok $? "to start a few minutes from the dev clock's now ($lead s)"
is "$(sql "SELECT a.start_at = e.appt_start_at AND e.booked_minutes = 30 FROM appointments a JOIN waiting_room_entries e ON e.appointment_id = a.id WHERE a.id = '$APPT'")" 1 \
	"with the closed entry's copy of the start"
P1=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
checkin "$P1" "$APPT"
is "$STATUS $(jq -r '.id, .status' <<<"$BODY" | tr '\n' ' ')" "200 $ENTRY waiting " "patient1 checks in again (the same entry, reopened)"
as "$P1" POST "/api/v1/waiting-room/entries/$ENTRY/leave"
is "$STATUS" 200 "and leaves"
clock_reset

out=$(seed)
like "$out" "demo video visit moved" "back at the real time, a re-seed makes it ready again"
read -r st lead <<<"$(demo 0)"
is "$st" scheduled "scheduled"
(( lead > 0 && lead <= ${before:-15} * 60 )); ok $? "check-in open ($lead s ahead)"

done_testing
