#!/usr/bin/env bash
# e2e-events-resume: lossless resume (docs/EVENTS.md, "Resume"). Every
# missed event arrives, in order, each once:
#   - after a dropped connection with 100 events (committed out of id
#     order) published meanwhile: SSE reconnecting by itself with
#     Last-Event-ID, WebSocket catching up over JSON, long-poll with curl;
#   - after nginx restarted and nchan's memory is empty, with events
#     written while it was down;
#   - after the relay was killed with kill -9 in the middle of a batch and
#     a standby relay took over.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/events-lib.sh"
need_build

read -r U U_TOK <<<"$(mkuser patient)"
read -r OTHER OTHER_TOK <<<"$(mkuser patient)"

# same CLIENT FROM: the client got exactly U's events after FROM, in id order.
same() {
	local want got
	want=$(ev_user_ids "$U" "$2")
	got=$(ev_ids "$1")
	is "$got" "$want" "$3"
	[[ $got == "$want" ]] || diag "got $(wc -w <<<"$got") ids, want $(wc -w <<<"$want")"
}

# poll_until FROM N: long-poll with curl from cursor FROM until N events came.
poll_until() {
	local cursor=$1 n=$2 got=() i
	for ((i = 0; i < 50 && ${#got[@]} < n; i++)); do
		curl -s --max-time 30 -H "Authorization: Bearer $U_TOK" \
			"$BASE/api/v1/events?after=$cursor&wait=25" >"$T_TMP/poll.json" || break
		got+=($(jq -r '.data[].id' "$T_TMP/poll.json"))
		cursor=$(jq -r '.last_id' "$T_TMP/poll.json")
	done
	printf '%s' "${got[*]}"
}

base=$(ev_insert "$U")
ev_wake
ev_relay_caught_up
ok $? "the relay is caught up"

# ===== a dropped connection, 100 events meanwhile =====
ev_client sse sse "$U_TOK" --after "$((base - 1))"
ev_client ws ws "$U_TOK" --after "$((base - 1))"
ev_wait sse 1 && ev_wait ws 1
ok $? "both clients have the first event"
kill -USR1 "${EV_PID[sse]}" "${EV_PID[ws]}"
wait_until 5 "grep -q dropped '$T_TMP/sse.out' && grep -q dropped '$T_TMP/ws.out'"
ok $? "both connections dropped"
ev_insert_concurrent "$U" 100 5 &
pid_u=$!
ev_insert_concurrent "$OTHER" 40 2
wait "$pid_u"
ev_wake
is "$(sql "SELECT COUNT(*) FROM events WHERE recipient_user_id='$U' AND id > $base")" 100 \
	"100 events written while they were away"
ev_relay_caught_up
ok $? "the relay published them"
# While away, nchan's buffer (64 per channel) lost the oldest of them.
kill -USR2 "${EV_PID[sse]}" "${EV_PID[ws]}"
ev_wait sse 101 30
ok $? "SSE: reconnected by itself and got all 100"
ev_wait ws 101 30
ok $? "WebSocket: caught up and reconnected"
same sse "$((base - 1))" "SSE: every event once, in id order"
same ws "$((base - 1))" "WebSocket: every event once, in id order"
like "$(jq -r 'select(.ev == "catchup") | .n' "$T_TMP/ws.out" | tr '\n' ' ')" '^(0 )?[1-9][0-9]* .*0 $' \
	"WebSocket: the missed events came as JSON pages, then an empty one"
is "$(poll_until "$base" 100)" "$(ev_user_ids "$U" "$base")" "long-poll (curl): the same 100, in order, once"
# And live again afterwards.
e=$(ev_insert "$U")
ev_wake
ev_wait sse 102 && ev_wait ws 102
ok $? "live delivery continues after the resume"
same sse "$((base - 1))" "SSE: still exactly once"
same ws "$((base - 1))" "WebSocket: still exactly once"

# ===== a transaction slower than events.gap_grace_ms is waited for =====
before_slow=$(ev_count sse)
wait_until 10 '(( $(ev_published_through) >= $(sql "SELECT MAX(id) FROM events") ))'
ev_txn_open "$U" slowslowslowslowslowslows
ev_insert "$U" >/dev/null
ev_wake
sleep 0.8	# at least the grace: a relay that took the open id for rolled back would send the later one now
is "$(ev_count sse)" "$before_slow" "nothing is sent past an id whose insert is still uncommitted"
ev_txn_commit
ev_wake
ev_wait sse $((before_slow + 2)) && ev_wait ws $((before_slow + 2))
ok $? "once it commits, both arrive"
same sse "$((base - 1))" "SSE: the slow one first, then the later one"
same ws "$((base - 1))" "WebSocket: the same"

# ===== nginx restarts: nchan's memory is gone =====
NGX=$ROOT/var/nginx
ngx_pid=$(cat "$ROOT/var/run/nginx.pid")
proc_alive "$ngx_pid" || bail "nginx is not running"
kill -TERM "$ngx_pid"
wait_until 15 proc_gone "$ngx_pid"
ok $? "nginx stopped"
down_from=$(sql "SELECT MAX(id) FROM events WHERE recipient_user_id='$U'")
for i in 1 2 3 4 5 6 7 8 9 10; do ev_insert "$U" >/dev/null; done
ev_wake
ngx_pid=$(ev_spawn "$ROOT/var/log/nginx.out" nginx -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log")
printf '%s\n' "$ngx_pid" >"$ROOT/var/run/nginx.pid"
wait_until 10 "curl -s -o /dev/null '$BASE/healthz/events'"
ok $? "nginx started again"
ev_relay_caught_up 20
ok $? "the relay published what was written while nginx was down"
for i in 1 2 3 4 5; do ev_insert "$U" >/dev/null; done
ev_wake
n=$(ev_user_ids "$U" "$((base - 1))" | wc -w)
ev_wait sse "$n" 30
ok $? "SSE: reconnected after the restart and got everything"
ev_wait ws "$n" 30
ok $? "WebSocket: reconnected after the restart and got everything"
same sse "$((base - 1))" "SSE: each once, in order, across the restart"
same ws "$((base - 1))" "WebSocket: each once, in order, across the restart"
is "$(poll_until "$down_from" 15)" "$(ev_user_ids "$U" "$down_from")" "long-poll: the 15 since the restart"

# ===== kill -9 of the relay in the middle of a batch =====
RELAY=("$BUILD/tools/concierge-events" --config "$ROOT/var/relay.conf" relay)
EXTRA=()	# relays this test started that must not outlive it
on_exit 'for p in "${EXTRA[@]}"; do kill "$p"; done'
leader=$(ev_relay_pid) || bail "the stack's relay is not running"
mid=0
for attempt in 1 2 3 4; do
	from=$(ev_published_through)
	# A big batch (200 per pass), so that kill -9 lands while it is published.
	last=$(ev_insert_many "$U" 1500)
	ev_wake
	wait_until 20 "(( \$(ev_published_through) > $from ))"
	kill -KILL "$leader"
	wait_until 5 proc_gone "$leader"
	read -r pub started owner <<<"$(ev_status)"
	# A new relay: it takes over when the dead one's lease has run out.
	leader=$(ev_spawn "$ROOT/var/log/relay.log" "${RELAY[@]}")
	EXTRA+=("$leader")
	if ((started > pub)); then
		mid=1
		break
	fi
	# Killed between two batches this time: catch up and try again.
	clock_shift 60
	ev_relay_caught_up 30
	clock_reset
done
ok $((!mid)) "killed with events $((pub + 1))..$started published in part (attempt $attempt)"
sleep 0.3
is "$(ev_status)" "$pub $started $owner" "nothing moves while the dead relay's lease lasts"
clock_shift 60	# now it has run out
wait_until 30 "[[ \$(ev_status | cut -d' ' -f3) != '$owner' ]]"
ok $? "the new relay took the lease over"
ev_relay_caught_up 60
ok $? "and published the rest"
clock_reset
n=$(ev_user_ids "$U" "$((base - 1))" | wc -w)
ev_wait sse "$n" 60
ok $? "SSE: every event of the interrupted batch arrived"
ev_wait ws "$n" 60
ok $? "WebSocket: every event of the interrupted batch arrived"
same sse "$((base - 1))" "SSE: none twice, none missing, in order"
same ws "$((base - 1))" "WebSocket: none twice, none missing, in order"
grep -q 'resuming an interrupted batch' "$ROOT/var/log/relay.log"
ok $? "the new relay said it resumed an interrupted batch"

# ===== several relays at once: one publishes =====
owner=$(ev_status | cut -d' ' -f3)
standby=$(ev_spawn "$ROOT/var/log/relay.log" "${RELAY[@]}")
EXTRA+=("$standby")
ev_insert_concurrent "$U" 30 3
ev_wake
ev_relay_caught_up
ok $? "published with a second relay running"
is "$(ev_status | cut -d' ' -f3)" "$owner" "the lease stayed with the first"
n=$(ev_user_ids "$U" "$((base - 1))" | wc -w)
ev_wait sse "$n" && ev_wait ws "$n"
ok $? "both clients have them"
same sse "$((base - 1))" "SSE: two relays, each event once"
same ws "$((base - 1))" "WebSocket: two relays, each event once"

# ===== the cron form: relay --once, and status =====
"${RELAY[@]}" --once >"$T_TMP/once.out" 2>&1
is "$?" 3 "relay --once while another relay leads: exit 3"
grep -q "another relay holds the lease" "$T_TMP/once.out"
ok $? "saying why"
"$BUILD/tools/concierge-events" --config "$ROOT/var/relay.conf" bogus >/dev/null 2>&1
is "$?" 2 "an unknown command: exit 2"
kill "$standby"
wait_until 5 proc_gone "$standby"
kill -KILL "$leader"
wait_until 5 proc_gone "$leader"
for i in 1 2 3 4 5; do ev_insert "$U" >/dev/null; done
clock_shift 60	# the killed leader's lease is over
"${RELAY[@]}" --once >"$T_TMP/once.out" 2>&1
is "$?" 0 "with no relay running, relay --once publishes and exits 0"
clock_reset
st=$("$BUILD/tools/concierge-events" --config "$ROOT/var/relay.conf" status)
is "$(jq -c '[.behind, .owner, .published_through == .max_id]' <<<"$st")" '[0,null,true]' \
	"status: nothing behind, the lease given back"
n=$(ev_user_ids "$U" "$((base - 1))" | wc -w)
ev_wait sse "$n" 30 && ev_wait ws "$n" 30
ok $? "the clients got what --once published"
same sse "$((base - 1))" "SSE: still each once, in order"

# A daemon again, as the stack's relay: scripts/dev stops it.
leader=$(ev_spawn "$ROOT/var/log/relay.log" "${RELAY[@]}")
printf '%s\n' "$leader" >"$ROOT/var/run/relay.pid"
EXTRA=()
wait_until 10 '[[ $(ev_status | cut -d" " -f3) != - ]]'
ok $? "and a daemon leads again"

done_testing
