# tests/e2e/events-lib.sh: helpers for the e2e-events-*.sh tests, sourced
# after lib.sh. Real clients: tests/node/events/client.mjs (npm eventsource
# for SSE, npm ws for WebSocket; `scripts/dev test` runs npm ci there) and
# curl for long-polls.
#
#   ev_user EMAIL            user id
#   ev_new_patient           sign a fresh patient up: sets EV_ID, EV_TOKEN, EV_EMAIL
#   ev_insert USER [TYPE]    one events row, as a worker writes it; prints its id
#   ev_insert_many USER N    N rows in one transaction; prints the last id
#   ev_wake                  the relay's wake-up datagram (as a worker sends)
#   ev_client NAME MODE TOKEN [client args...]   start a client in the
#                            background: output in $T_TMP/NAME.out, pid in
#                            EV_PID[NAME]; killed at exit
#   ev_count NAME            events the client has received
#   ev_ids NAME              their ids, space-separated, in arrival order
#   ev_wait NAME N [SECS]    until the client has N events (0) or not (1)
#   ev_opened NAME [SECS]    until the client reports it is connected
#   ev_published_through     the relay's published_through
#   ev_relay_caught_up [SECS]  until published_through >= MAX(id)
#   ev_txn_open USER ENTITY_ID   insert an event in a transaction left open
#   ev_txn_commit                commit it (the two are for out-of-order tests)

EV_NODE_DIR=$SRCDIR/tests/node/events
command -v node >/dev/null || bail "node is not installed (tests/node/events needs Node.js)"
[[ -d $EV_NODE_DIR/node_modules/eventsource && -d $EV_NODE_DIR/node_modules/ws ]] ||
	bail "tests/node/events/node_modules is missing: run npm ci there (scripts/dev test does)"
declare -A EV_PID=()

ev_user() { sql "SELECT id FROM users WHERE email = $(sql_str "$1")"; }

ev_new_patient() {
	EV_EMAIL=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$EV_EMAIL" \
		'{email:$e,password:"violet-harbor-canoe-17",role:"patient",full_name:"Events Test"}')"
	[[ $STATUS == 201 ]] || bail "signup: $STATUS $BODY"
	EV_ID=$(jq -r .user.id <<<"$BODY")
	EV_TOKEN=$(login "$EV_EMAIL" violet-harbor-canoe-17) || bail "login of the new patient failed"
}

ev_insert() {
	sql "INSERT INTO events (recipient_user_id, type, entity_type, entity_id, at)
		VALUES ($(sql_str "$1"), $(sql_str "${2:-appointment.booked}"), 'appointment',
		'e2eeventsentityaaaaaaaaaa', UTC_TIMESTAMP(6)); SELECT LAST_INSERT_ID()"
}

ev_insert_many() {
	[[ $2 =~ ^[1-9][0-9]*$ ]] || bail "ev_insert_many: N must be a number"
	sql "INSERT INTO events (recipient_user_id, type, entity_type, entity_id, at)
		SELECT $(sql_str "$1"), 'appointment.rescheduled', 'appointment',
		'e2eeventsentityaaaaaaaaaa', UTC_TIMESTAMP(6) FROM seq_1_to_$2;
		SELECT MAX(id) FROM events WHERE recipient_user_id = $(sql_str "$1")"
}

ev_wake() {
	local sock
	sock=$(conf_get events.wake_socket)
	[[ -n $sock ]] || return 0
	"$PYTHON" -c 'import socket,sys
s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try: s.sendto(b"w", sys.argv[1])
except OSError: pass' "$sock"
}

ev_client() {
	local name=$1 mode=$2 token=$3
	shift 3
	node "$EV_NODE_DIR/client.mjs" "$mode" "$BASE" --token "$token" "$@" \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.log" &
	EV_PID[$name]=$!
	on_exit "kill ${EV_PID[$name]}"
}

ev_count() { grep -c '"ev":"event"' "$T_TMP/$1.out" 2>/dev/null || true; }
ev_ids() { jq -r 'select(.ev == "event") | .id' "$T_TMP/$1.out" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
ev_wait() { wait_until "${3:-20}" "(( \$(ev_count $1) >= $2 ))"; }
ev_opened() { wait_until "${2:-10}" "grep -q '\"ev\":\"open\"' '$T_TMP/$1.out'"; }
ev_published_through() { sql "SELECT published_through FROM events_relay WHERE id = 1"; }
ev_relay_caught_up() {
	wait_until "${1:-20}" '(( $(ev_published_through) >= $(sql "SELECT COALESCE(MAX(id), 0) FROM events") ))'
}

# ev_seq FROM TO: the ids FROM..TO of USER's events, space-separated (for
# comparing with what a client received).
ev_user_ids() {
	sql "SELECT id FROM events WHERE recipient_user_id = $(sql_str "$1") AND id > $2
		ORDER BY id" | tr '\n' ' ' | sed 's/ $//'
}

# ev_spawn LOG CMD...: start a daemon in a session of its own with no fd of
# ours but 0-2 (not make's pipes, not the e2e lock), output appended to
# LOG; prints its pid.
ev_spawn() {
	local log=$1
	shift
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			((fd > 2)) && [[ -e /proc/$BASHPID/fd/$fd ]] && eval "exec $fd>&-"
		done
		exec setsid "$@" >>"$log" 2>&1 </dev/null
	) &
	printf '%s\n' "$!"
}

# ev_held PGID: how many requests the events worker of that process group
# holds now (cgi-bin/events/hold.c: each held request is a one-byte POSIX
# lock on the worker's slot file), from /proc/locks.
ev_held() {
	local pids
	pids=" $(pgrep -g "$1" | tr '\n' ' ') "
	awk -v pids="$pids" '$2 == "POSIX" && $4 == "WRITE" && $7 == $8 &&
		index(pids, " " $5 " ") { n++ } END { print n + 0 }' /proc/locks
}

# ev_insert_concurrent USER N WORKERS: N rows in N transactions from WORKERS
# sessions at once, each holding its transaction open a random few ms, so
# rows commit out of id order (as under real load).
ev_insert_concurrent() {
	local user=$1 n=$2 w=$3 i j q
	local -a pids=()
	for ((i = 0; i < w; i++)); do
		q=
		for ((j = i; j < n; j += w)); do
			q+="BEGIN; INSERT INTO events (recipient_user_id, type, entity_type, entity_id, at)
				VALUES ($(sql_str "$user"), 'appointment.rescheduled', 'appointment',
				'e2eeventsentityaaaaaaaaaa', UTC_TIMESTAMP(6));
				DO SLEEP(RAND() * 0.02); COMMIT;"
		done
		sql "$q" &
		pids+=($!)
	done
	wait "${pids[@]}"
}

# ev_relay_pid: the stack's relay (var/run/relay.pid), if it runs.
ev_relay_pid() {
	local pid
	pid=$(cat "$ROOT/var/run/relay.pid" 2>/dev/null) && proc_alive "$pid" && printf '%s\n' "$pid"
}

# ev_status: the relay's row as "published started owner".
ev_status() { sql "SELECT CONCAT_WS(' ', published_through, started_through, COALESCE(owner, '-')) FROM events_relay"; }

# ev_txn_open USER ENTITY_ID: an events row inserted by a session of its own
# whose transaction stays open (its id taken, its row locked) until
# ev_txn_commit; returns once the insert has run.
ev_txn_open() {
	rm -f "$T_TMP/txn.fifo"
	mkfifo "$T_TMP/txn.fifo"
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot "$DB_NAME" <"$T_TMP/txn.fifo" &
	EV_TXN_PID=$!
	exec {EV_TXN_FD}>"$T_TMP/txn.fifo"
	printf '%s\n' "BEGIN; INSERT INTO events (recipient_user_id, type, entity_type, entity_id, at)
		VALUES ($(sql_str "$1"), 'appointment.booked', 'appointment', $(sql_str "$2"), UTC_TIMESTAMP(6));" >&$EV_TXN_FD
	wait_until 10 "[[ \$(innodb_view \"SELECT COUNT(*) FROM information_schema.innodb_trx
		WHERE trx_rows_modified > 0 AND trx_mysql_thread_id <> CONNECTION_ID()\") -ge 1 ]]" ||
		bail "the open transaction did not start"
}
ev_txn_commit() {
	printf 'COMMIT;\n' >&$EV_TXN_FD
	exec {EV_TXN_FD}>&-
	wait "$EV_TXN_PID"
}
