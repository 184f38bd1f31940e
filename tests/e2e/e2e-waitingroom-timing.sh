#!/usr/bin/env bash
# e2e-waitingroom-timing: every time rule of the waiting room on the
# dev-mode clock (clock_shift moves every process's utc_now; nothing
# sleeps): the check-in window, waiting -> away after 60 s without a
# heartbeat (the place kept), back with a heartbeat, away -> removed
# after 5 minutes (the appointment back to scheduled, or no_show once
# its start passed), leave, re-check-in into the same entry, cancelled
# appointments leaving the queue, the session maximum, three sweepers at
# once applying each transition exactly once, and the --follow daemon.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

[[ -x $WR_BIN ]] || bail "no concierge-waitingroom binary at $WR_BIN"
AWAY=$(conf_get waitingroom.away_after_seconds); AWAY=${AWAY:-60}
KEEP=$(conf_get waitingroom.keep_place_seconds); KEEP=${KEEP:-300}
MAXMIN=$(conf_get waitingroom.session_max_minutes); MAXMIN=${MAXMIN:-180}
is "$AWAY $KEEP" "60 300" "the rules under test: away after 60 s, place kept 300 s"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r P1 P1_TOK <<<"$(mkuser patient)"
read -r P2 P2_TOK <<<"$(mkuser patient)"
read -r P3 P3_TOK <<<"$(mkuser patient)"
est() { sql "SELECT status FROM waiting_room_entries WHERE id='$1'"; }
audits() { sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$1' AND action='$2'"; }

# --- the check-in window ---
A1=$(mkappt "$PROV" "$P1" 1140 30)
before=$(wr_counts)
checkin "$P1_TOK" "$A1"
is "$STATUS $(jq -r .code <<<"$BODY")" "409 check_in_too_early" "20 minutes before the start: too early"
is "$(wr_counts)" "$before" "nothing written"
clock_shift 300
checkin "$P1_TOK" "$A1"
is "$STATUS" 201 "15 minutes before the start (clock +300 s): checked in"
E1=$(jq -r .id <<<"$BODY")
ALATE=$(mkappt "$PROV" "$P3" -1900 30)
before=$(wr_counts)
checkin "$P3_TOK" "$ALATE"
is "$STATUS $(jq -r .code <<<"$BODY")" "409 check_in_closed" "after the end: closed"
is "$(wr_counts)" "$before" "nothing written"

A2=$(mkappt "$PROV" "$P2" 1190 30)
checkin "$P2_TOK" "$A2"
is "$STATUS $(jq -r .position <<<"$BODY")" "201 2" "a second patient, second in line"
E2=$(jq -r .id <<<"$BODY")

# --- waiting -> away without heartbeats; heartbeats keep it waiting ---
# Margins of 30 s or more on each side: real time goes on between the
# steps (a loaded machine), and only ever pushes entries towards a change.
clock_shift 360
as "$P1_TOK" POST "/api/v1/waiting-room/entries/$E1/heartbeat"
is "$STATUS" 200 "patient 1 heartbeats at +60 s"
clock_shift 390
sweep
is "$(est "$E1") $(est "$E2")" "waiting away" "at +90 s: patient 1 (beat 30 s ago) waits, patient 2 (silent 90 s) is away"
is "$(sql "SELECT actor_role FROM audit_log WHERE entity_id='$E2' AND action='away'")" system "the sweeper's transition is audited as the system"
is "$(sql "SELECT COUNT(*) FROM events WHERE recipient_user_id='$P2' AND entity_id='$E2' AND type='waiting_room.updated'")" 2 \
	"patient 2 is told (check-in, away)"
as "$P2_TOK" GET "/api/v1/waiting-room/entries/$E2"
is "$(jq -r '.status, .position' <<<"$BODY" | tr '\n' ' ')" "away 2 " "away keeps the place"
as "$P1_TOK" GET "/api/v1/waiting-room/entries/$E1"
is "$(jq -r .position <<<"$BODY")" 1 "patient 1 keeps position 1"
as "$P2_TOK" POST "/api/v1/waiting-room/entries/$E2/heartbeat"
is "$STATUS $(jq -r '.status, .position' <<<"$BODY" | tr '\n' ' ')" "200 waiting 2 " "a heartbeat brings patient 2 back, same place"
is "$(audits "$E2" return)" 1 "the return is audited"

# --- away -> removed after the kept time; the appointment goes back ---
clock_shift 480
sweep
is "$(est "$E1") $(est "$E2")" "away away" "at +180 s both are away"
clock_shift $((480 + KEEP - 60))
sweep
is "$(est "$E1")" away "a minute before the place is given up: still away"
clock_shift $((480 + KEEP + 60))
ev0=$(sql "SELECT MAX(id) FROM events")
sweep
is "$(est "$E1") $(est "$E2")" "removed removed" "after 5 minutes away: removed"
is "$(sql "SELECT status FROM appointments WHERE id IN ('$A1','$A2') ORDER BY id" | sort -u)" scheduled "their appointments (not started) are scheduled again"
is "$(audits "$E1" remove) $(audits "$A1" check_in_undo)" "1 1" "removal audited (entry and appointment)"
is "$(sql "SELECT COUNT(*) FROM events WHERE id > $ev0 AND recipient_user_id='$P1' AND type='waiting_room.updated'")" 1 "patient 1 is told"
sweep
is "$(audits "$E1" remove)" 1 "sweeping again changes nothing"
before=$(wr_counts)
as "$P1_TOK" POST "/api/v1/waiting-room/entries/$E1/heartbeat"
is "$STATUS $(jq -r .code <<<"$BODY")" "409 entry_closed" "a heartbeat for a removed entry is refused"
is "$(wr_counts)" "$before" "nothing written"

checkin "$P1_TOK" "$A1"
is "$STATUS $(jq -r '.id, .status' <<<"$BODY" | tr '\n' ' ')" "200 $E1 waiting " "checking in again reopens the same entry"
is "$(sql "SELECT status FROM appointments WHERE id='$A1'")" checked_in "the appointment is checked in again"

# --- leave ---
as "$P1_TOK" POST "/api/v1/waiting-room/entries/$E1/leave"
is "$STATUS $(jq -r .status <<<"$BODY")" "200 left" "the patient leaves"
is "$(sql "SELECT status FROM appointments WHERE id='$A1'")" scheduled "leaving before the start: appointment scheduled again"
is "$(audits "$E1" leave)" 1 "the leave is audited"

# --- removed after the start: no_show ---
checkin "$P1_TOK" "$A1"
is "$STATUS" 200 "back in"
clock_shift 1250
sweep
is "$(est "$E1")" away "past the start, silent: away"
clock_shift $((1250 + KEEP + 60))
sweep
is "$(est "$E1") $(sql "SELECT status FROM appointments WHERE id='$A1'")" "removed no_show" "removed after the start: the appointment is a no-show"
is "$(sql "SELECT COUNT(*) FROM events WHERE entity_id='$A1' AND type='appointment.no_show' AND recipient_user_id IN ('$P1','$PROV')")" 2 \
	"appointment.no_show to patient and provider"
OFF=$((1250 + KEEP + 60))

# --- a cancelled appointment leaves the queue ---
read -r P5 P5_TOK <<<"$(mkuser_now patient)"
A5=$(mkappt "$PROV" "$P5" $((OFF + 300)) 30)
checkin "$P5_TOK" "$A5"
E5=$(jq -r .id <<<"$BODY")
read -r _ ST_TOK <<<"$(mkuser_now staff)"
as "$ST_TOK" POST "/api/v1/appointments/$A5/cancel" '{"reason":"clinic closed"}'
is "$STATUS" 200 "staff cancel a checked-in visit"
as "$PROV_TOK" GET /api/v1/waiting-room
is "$(jq -r '.data | length' <<<"$BODY")" 0 "it is no longer in the queue"
sweep
is "$(est "$E5") $(sql "SELECT status FROM appointments WHERE id='$A5'")" "removed cancelled" "the sweeper closes its entry; the appointment stays cancelled"

# --- the session maximum ---
read -r PROV2 PROV2_TOK <<<"$(mkuser_now provider)"
read -r P4 P4_TOK <<<"$(mkuser_now patient)"
A4=$(mkappt "$PROV2" "$P4" $((OFF + 300)) 30)
checkin "$P4_TOK" "$A4"
as "$PROV2_TOK" POST /api/v1/waiting-room/admit '{}'
is "$STATUS" 201 "a session starts"
S4=$(jq -r .video_session.id <<<"$BODY")
clock_shift $((OFF + MAXMIN * 60 - 120))
sweep
is "$(sql "SELECT status FROM video_sessions WHERE id='$S4'")" running "two minutes before the maximum it runs"
clock_shift $((OFF + MAXMIN * 60 + 120))
sweep
is "$(sql "SELECT status, end_reason FROM video_sessions WHERE id='$S4'" | tr '\t' ' ')" "ended timeout" "past session_max_minutes the sweeper ends it"
is "$(sql "SELECT status FROM appointments WHERE id='$A4'")" completed "its appointment is completed"
is "$(sql "SELECT status FROM provider_presence WHERE provider_id='$PROV2'")" available "the provider is available again"
is "$(sql "SELECT COUNT(*) FROM video_session_events WHERE session_id='$S4' AND type='ended' AND actor_role='system'")" 1 "the log records the system's end"
is "$(sql "SELECT COUNT(*) FROM events WHERE entity_id='$S4' AND type='video_session.ended'")" 2 "video_session.ended to both"
OFF=$((OFF + MAXMIN * 60 + 120))

# --- several sweepers at once: each transition applied once ---
N=30
read -r PROV3 PROV3_TOK <<<"$(mkuser_now provider)"
ids=()
for ((i = 0; i < N; i++)); do
	read -r p ptok <<<"$(mkuser_now patient)"
	a=$(mkappt "$PROV3" "$p" $((OFF + 300 + i * 10)) 15)
	checkin "$ptok" "$a"
	[[ $STATUS == 201 ]] || bail "check-in $i: $STATUS $BODY"
	ids+=("'$(jq -r .id <<<"$BODY")'")
done
IN=$(IFS=,; echo "${ids[*]}")
clock_shift $((OFF + AWAY + 30))
for k in 1 2 3; do "$WR_BIN" sweep --once --config "$CONF" 2>>"$T_TMP/sweep.log" & done
wait
is "$(sql "SELECT COUNT(*) FROM waiting_room_entries WHERE id IN ($IN) AND status='away'")" $N "three sweepers at once: all $N away"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id IN ($IN) AND action='away'")" $N "exactly one away transition (audit row) per entry"
is "$(sql "SELECT COUNT(*) FROM (SELECT entity_id FROM audit_log WHERE entity_id IN ($IN) AND action='away' GROUP BY entity_id HAVING COUNT(*) > 1) x")" 0 "no entry moved twice"

# --- the daemon: sweep --follow applies them without being asked ---
clock_shift $((OFF + AWAY + 30 + KEEP + 60))
"$WR_BIN" sweep --follow --interval 1 --config "$CONF" >"$T_TMP/follow.log" 2>&1 &
FPID=$!
on_exit "kill -TERM $FPID"
wait_until 60 "[[ \$(sql \"SELECT COUNT(*) FROM waiting_room_entries WHERE id IN ($IN) AND status='removed'\") == $N ]]"
ok $? "sweep --follow removes all $N once their place is given up"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id IN ($IN) AND action='remove'")" $N "one removal each"
kill -TERM "$FPID"
wait_until 10 proc_gone "$FPID"
ok $? "the daemon stops on SIGTERM"
like "$(cat "$T_TMP/follow.log")" "sweep: stopped" "and says so"

done_testing
