#!/usr/bin/env bash
# e2e-notify-crash: delivery guarantees with real senders and a real SMTP
# server on loopback. A sender killed with SIGKILL mid-batch: its claims
# wait for their lease, then a restarted sender delivers every row; a
# duplicate only where the kill fell between send and record, and counted
# (outbox.reclaims). The sink holds its answer to one chosen message until
# told (--hold-at), so each kill, SIGTERM and freeze falls exactly between
# a send and its record, however slow the machine. Two senders in parallel: no row sent twice. SIGTERM:
# the batch is handed back at once. A sender frozen past its lease cannot
# overwrite the claim that replaced it.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/notify-lib.sh"

notify_pause
drain

SHIFT=0
later() {
	SHIFT=$((SHIFT + $1))
	clock_shift "$SHIFT"
}
# in_list IDS: the ids as a SQL list.
in_list() { tr ' ' ',' <<<"$*" | sed 's/,$//'; }
# states IDS: "status=count ..." over those rows.
states() {
	sql "SELECT GROUP_CONCAT(CONCAT(status, '=', n) ORDER BY status SEPARATOR ' ')
		FROM (SELECT status, COUNT(*) n FROM outbox WHERE id IN ($(in_list "$@"))
		GROUP BY status) s"
}
# mids DIR ADDRESS: the outbox ids of the Message-IDs received for ADDRESS, one per mail.
mids() { mails_to "$1" "$2" | jq -r '.message_id' | sed -n 's/^<outbox\.\([0-9]*\)\..*/\1/p'; }
# sent_ids LOG: ids a sender logged as sent (log.level = debug).
sent_ids() { sed -n 's/.*msg="notify: outbox \([0-9]*\) email sent".*/\1/p' "$1" | sort -n; }
# stored DIR: how many messages a sink has stored (any recipient).
stored() { cat "$1/index" 2>/dev/null | wc -l; }
# mid_of DIR N: the outbox id in the Message-ID of the Nth message stored.
mid_of() {
	mails "$1" | jq -r --arg f "$(printf '%08d.eml' "$2")" 'select(.file == $f) | .message_id' |
		sed -n 's/^<outbox\.\([0-9]*\)\..*/\1/p'
}

# ---- kill -9 mid-batch, then a restart ----
read -r U1 _ E1 <<<"$(nuser patient)"
sink_smtp crash --hold-at 5 --release "$T_TMP/crash.release"
C=$T_TMP/crash.conf
# (a send timeout far longer than the test needs to act on a held answer)
notify_conf "$C" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.batch=30" \
	"notify.lease_seconds=300" "notify.timeout_seconds=120" "log.level=debug"
IDS=()
for i in $(seq 20); do IDS+=("$(enqueue "$U1" email new_secure_message)"); done
notify_bg killed "$C" --follow
KILLED=$BG_PID
wait_until 120 '(($(stored "$T_TMP/crash") >= 5))'
ok $? "the first sender is delivering (the 5th mail is in; the sink holds its 250)"
HELD=$(mid_of "$T_TMP/crash" 5)
kill -KILL "$KILLED"
wait "$KILLED" 2>/dev/null
touch "$T_TMP/crash.release"
at_kill=$(states "${IDS[@]}")
sending=$(sql "SELECT COUNT(*) FROM outbox WHERE id IN ($(in_list "${IDS[@]}")) AND status = 'sending'")
diag "at the kill: $at_kill"
ok $((sending > 0 ? 0 : 1)) "the kill left claimed rows ($sending 'sending')"
is "$(sql "SELECT status FROM outbox WHERE id = ${HELD:-0}")" sending \
	"the row whose mail was in flight is among them"
got_before=$(mails_to "$T_TMP/crash" "$E1" | wc -l)
notify_run "$C"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE id IN ($(in_list "${IDS[@]}")) AND status = 'sending'")" "$sending" \
	"a new sender leaves them alone while their lease lasts"
is "$(mails_to "$T_TMP/crash" "$E1" | wc -l)" "$got_before" "and sends none of them"
later 301
notify_run "$C"
is "$(states "${IDS[@]}")" "sent=20" "after the lease: every row sent"
is "$(sql "SELECT SUM(reclaims) FROM outbox WHERE id IN ($(in_list "${IDS[@]}"))")" "$sending" \
	"each abandoned claim was taken over once (outbox.reclaims)"
total=$(mids "$T_TMP/crash" "$E1" | wc -l)
uniq=$(mids "$T_TMP/crash" "$E1" | sort -u | wc -l)
is "$uniq" 20 "every row arrived"
dup_ids=$(mids "$T_TMP/crash" "$E1" | sort | uniq -d | tr '\n' ' ')
want=
[[ " ${IDS[*]} " == *" $HELD "* ]] && want="$HELD "
diag "duplicates: $((total - uniq)) (row $HELD was in flight at the kill)"
is "$dup_ids" "$want" "exactly one duplicate: the mail in flight at the kill, between send and record"
is "$(sql "SELECT reclaims FROM outbox WHERE id = ${HELD:-0}")" 1 \
	"and that row is counted as taken over (outbox.reclaims)"
is "$(mails_to "$T_TMP/crash" "$E1" | jq -r --arg p "<outbox.$HELD." 'select(.message_id | startswith($p)) | .message_id' |
	sort | uniq -c | awk '{ print $1 }')" 2 "both copies carry the same Message-ID (mail systems can drop the second)"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE id IN ($(in_list "${IDS[@]}")) AND (reclaims = 0) <> (attempts = 1)")" 0 \
	"rows never abandoned took one attempt, abandoned ones two"

# ---- two senders in parallel: no row sent twice ----
read -r U2 _ E2 <<<"$(nuser patient)"
sink_smtp pair --gate 2 --delay-ms 5
C2=$T_TMP/pair.conf
notify_conf "$C2" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.batch=5" "log.level=debug"
IDS2=()
for i in $(seq 60); do IDS2+=("$(enqueue "$U2" email mfa_replay)"); done
notify_bg pa "$C2" --once
PA=$BG_PID
notify_bg pb "$C2" --once
PB=$BG_PID
wait_until 120 'proc_gone $PA && proc_gone $PB'
ok $? "both senders finished"
wait "$PA"
ra=$?
wait "$PB"
is "$ra $?" "0 0" "both exited 0"
is "$(states "${IDS2[@]}")" "sent=60" "all 60 rows sent"
is "$(sql "SELECT CONCAT(MIN(attempts), MAX(attempts), SUM(reclaims)) FROM outbox WHERE id IN ($(in_list "${IDS2[@]}"))")" "110" \
	"each in one attempt, none taken over"
is "$(mids "$T_TMP/pair" "$E2" | wc -l) $(mids "$T_TMP/pair" "$E2" | sort -u | wc -l)" "60 60" \
	"60 mails, 60 distinct rows: none sent twice"
mine=" ${IDS2[*]} "
a=0 b=0
for id in $(sent_ids "$T_TMP/pa.log"); do [[ $mine == *" $id "* ]] && a=$((a + 1)); done
for id in $(sent_ids "$T_TMP/pb.log"); do [[ $mine == *" $id "* ]] && b=$((b + 1)); done
diag "sender A sent $a, sender B sent $b"
ok $((a > 0 && b > 0 ? 0 : 1)) "both senders took part (the sink held every mail until both were connected)"
is "$(comm -12 <(sent_ids "$T_TMP/pa.log") <(sent_ids "$T_TMP/pb.log") | wc -l)" 0 "no row in both senders' logs"
is $((a + b)) 60 "together they sent each row once"

# ---- SIGTERM: finish the row in hand, hand the rest back ----
drain
read -r U3 _ E3 <<<"$(nuser patient)"
sink_smtp term --hold-at 2 --release "$T_TMP/term.release"
C3=$T_TMP/term.conf
notify_conf "$C3" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.batch=20" \
	"notify.lease_seconds=300" "notify.timeout_seconds=120"
IDS3=()
for i in $(seq 10); do IDS3+=("$(enqueue "$U3" email new_secure_message)"); done
notify_bg termed "$C3" --follow
T3=$BG_PID
wait_until 120 '(($(stored "$T_TMP/term") >= 2))'
kill -TERM "$T3"
touch "$T_TMP/term.release"
wait_until 60 proc_gone "$T3"
ok $? "SIGTERM: the sender stops"
wait "$T3"
is "$?" 0 "and exits 0"
like "$(cat "$T_TMP/termed.out")" "released 8" "it says it handed the 8 rows it had not reached back"
is "$(states "${IDS3[@]}")" "pending=8 sent=2" "the row in hand when SIGTERM came was sent and recorded"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE id IN ($(in_list "${IDS3[@]}")) AND status = 'sending'")" 0 \
	"no row is left claimed"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE id IN ($(in_list "${IDS3[@]}")) AND status = 'pending' AND attempts <> 0")" 0 \
	"rows handed back did not use up an attempt"
notify_run "$C3"
is "$(states "${IDS3[@]}")" "sent=10" "the next run sends the rest at once (no lease to wait for)"
is "$(mids "$T_TMP/term" "$E3" | wc -l) $(mids "$T_TMP/term" "$E3" | sort -u | wc -l)" "10 10" "each once"

# ---- a sender frozen past its lease cannot overwrite the newer claim ----
drain
read -r U4 _ E4 <<<"$(nuser patient)"
sink_smtp freeze --hold-at 1 --release "$T_TMP/freeze.release"
C4=$T_TMP/freeze.conf
notify_conf "$C4" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.lease_seconds=300" \
	"notify.timeout_seconds=120"
F1=$(enqueue "$U4" email new_secure_message)
notify_bg frozen "$C4" --once
FZ=$BG_PID
wait_until 120 '(($(stored "$T_TMP/freeze") >= 1))'
kill -STOP "$FZ"
on_exit "kill -CONT $FZ"
is "$(row "$F1")" "sending 1 -" "the frozen sender holds the claim"
later 301
sink_smtp freeze2
C5=$T_TMP/freeze2.conf
notify_conf "$C5" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.lease_seconds=30"
notify_run "$C5"
is "$(row "$F1")" "sent 2 -" "after the lease another sender took it over and sent it"
touch "$T_TMP/freeze.release"
kill -CONT "$FZ"
wait_until 60 proc_gone "$FZ"
wait "$FZ"
is "$(row "$F1") $(sql "SELECT reclaims FROM outbox WHERE id = $F1")" "sent 2 - 1" \
	"the frozen sender's late result did not overwrite it"
like "$(cat "$T_TMP/frozen.out")" "lost 1" "it counted the claim it lost"
like "$(cat "$T_TMP/frozen.log")" "outbox $F1: the claim was taken over" "and logged it"
done_testing
