#!/usr/bin/env bash
# e2e-events-redis: nchan over Redis, many nginx hosts on one machine. The
# test starts a Redis of its own (TCP on a free loopback port for nchan,
# which speaks no unix sockets, and a unix socket under var/run for
# redis-cli; a password either way), two nginx instances rendered from
# nginx/dev.conf.in with that Redis as nchan's store (scripts/dev
# render-nginx), and an events worker that reads positions through the
# first. A client subscribed through one instance receives what is
# published through the other (SSE and WebSocket, both ways), resumes
# through the other instance from the buffer they share, and deleting a
# user's channels through one (a session of theirs ended) ends their
# streams on the other.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/events-lib.sh"
need_build
command -v redis-server >/dev/null || bail "redis-server is not installed (scripts/dev up installs it)"

# free_port: a TCP port nobody listens on now (the kernel's pick).
free_port() {
	"$PYTHON" -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# ---- Redis ----
RPW=$(od -An -vtx1 -N16 /dev/urandom | tr -d ' \n')
RSOCK=$ROOT/var/run/e2e-redis-$$.sock
for try in 1 2 3; do
	RPORT=$(free_port)
	rpid=$(ev_spawn "$T_TMP/redis.log" redis-server --bind 127.0.0.1 --port "$RPORT" \
		--unixsocket "$RSOCK" --unixsocketperm 700 --requirepass "$RPW" --save "" \
		--appendonly no --dir "$T_TMP" --daemonize no)
	on_exit "kill $rpid; rm -f '$RSOCK'"
	wait_until 10 "redis-cli -s '$RSOCK' -a '$RPW' --no-auth-warning ping 2>/dev/null | grep -q PONG" && break
	kill "$rpid" 2>/dev/null
done
is "$(redis-cli -s "$RSOCK" -a "$RPW" --no-auth-warning ping)" PONG "Redis answers on its unix socket"

# ---- an events worker, and two nginx instances sharing the Redis ----
WCONF=$T_TMP/worker.conf
grep -v -E '^[[:space:]]*events\.nchan_socket' "$CONF" >"$WCONF"
echo "events.nchan_socket = $T_TMP/na.sock" >>"$WCONF"
wpid=$(ev_spawn "$T_TMP/worker.log" "$BUILD/cgi-bin/events/concierge-events" --config "$WCONF" \
	--listen "unix:$T_TMP/ev.sock" --children 3 --socket-mode 0666)
on_exit "kill $wpid"
wait_until 10 test -S "$T_TMP/ev.sock"
ok $? "the test's events worker is up"

declare -A PORT_OF
start_nginx() {	# start_nginx NAME
	local name=$1 dir=$T_TMP/ngx-$1 port pid try
	mkdir -p "$dir"
	for try in 1 2 3; do
		port=$(free_port)
		RENDER_PORT=$port RENDER_NGX=$dir RENDER_NCHAN_SOCK=$T_TMP/n${name}.sock \
			RENDER_EVENTS_SOCK=$T_TMP/ev.sock RENDER_NCHAN_REDIS="redis://:$RPW@127.0.0.1:$RPORT" \
			"$SRCDIR/scripts/dev" render-nginx "$dir/nginx.conf" || bail "render-nginx failed"
		pid=$(ev_spawn "$dir/out.log" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log")
		on_exit "kill $pid"
		if wait_until 10 "curl -s -o /dev/null 'http://127.0.0.1:$port/healthz/events'"; then
			PORT_OF[$name]=$port
			return 0
		fi
		kill "$pid" 2>/dev/null
	done
	return 1
}
start_nginx a
ok $? "nginx a is up (port ${PORT_OF[a]})"
start_nginx b
ok $? "nginx b is up (port ${PORT_OF[b]})"
grep -q "nchan_redis_pass concierge_nchan_redis;" "$T_TMP/ngx-a/nginx.conf"
ok $? "rendered with nchan over the Redis"
wait_until 10 "[[ \$(redis-cli -s '$RSOCK' -a '$RPW' --no-auth-warning client list | grep -c .) -ge 3 ]]"
ok $? "both nginx instances are connected to Redis"

read -r U U_TOK <<<"$(mkuser patient)"
NEXT=$(( $(sql "SELECT COALESCE(MAX(id), 0) FROM events") + 1000000 ))
# publish VIA ID: event ID (above the table's ids) to U's two channels
# through instance VIA's loopback server, as the relay would.
publish() {
	local via=$1 id=$2 e
	e=$(jq -cn --argjson id "$id" '{id:$id, type:"appointment.booked", entity_type:"appointment",
		entity_id:"redisredisredisredisredis", at:"2026-12-01T00:00:00.000000Z"}')
	curl -sf --unix-socket "$T_TMP/n$via.sock" -H 'Content-Type: application/json' \
		--data-binary "{\"data\":[$e],\"last_id\":$id}" "http://nchan/pub/j/$U" >/dev/null &&
	curl -sf --unix-socket "$T_TMP/n$via.sock" -H 'Content-Type: text/plain' \
		--data-binary "$e"$'\r'"id: $id" "http://nchan/pub/s/$U" >/dev/null
}
# client NAME MODE VIA [args]: a real client subscribed through instance VIA.
client() {
	local name=$1 mode=$2 via=$3
	shift 3
	node "$EV_NODE_DIR/client.mjs" "$mode" "http://127.0.0.1:${PORT_OF[$via]}" --token "$U_TOK" "$@" \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.log" &
	EV_PID[$name]=$!
	on_exit "kill ${EV_PID[$name]}"
}

# ---- published through a, received through b, and back ----
client b_sse sse b
client b_ws ws b
client a_sse sse a
for c in b_sse b_ws a_sse; do
	ev_opened "$c"
	ok $? "$c subscribed"
done
sleep 0.3
id1=$NEXT id2=$((NEXT + 1)) id3=$((NEXT + 2)) id4=$((NEXT + 3))
publish a "$id1"
ok $? "published through a"
ev_wait b_sse 1 && ev_wait b_ws 1
ok $? "the clients subscribed through b received it"
is "$(ev_ids b_sse) / $(ev_ids b_ws)" "$id1 / $id1" "the same event, on SSE and WebSocket"
is "$(jq -r 'select(.ev == "event") | .last_event_id' "$T_TMP/b_sse.out")" "$id1" "with its event id as the SSE id"
publish b "$id2"
ev_wait a_sse 2
ok $? "published through b, received through a"
is "$(ev_ids a_sse)" "$id1 $id2" "a's client has both, in order"
ev_wait b_sse 2
is "$(ev_ids b_sse)" "$id1 $id2" "and b's client too"

# ---- resume through the other instance, from the buffer in Redis ----
kill -USR1 "${EV_PID[b_sse]}"
wait_until 5 "grep -q dropped '$T_TMP/b_sse.out'"
publish a "$id3"
publish a "$id4"
kill -USR2 "${EV_PID[b_sse]}"
ev_wait b_sse 4 15
ok $? "the SSE client reconnected (Last-Event-ID) and got what it missed"
is "$(ev_ids b_sse)" "$id1 $id2 $id3 $id4" "each once, in order"
client a_resume sse a --after "$id2"
ev_wait a_resume 2
ok $? "a new client through a resumes from the same buffer"
is "$(ev_ids a_resume)" "$id3 $id4" "exactly the two after its cursor"

like "$(redis-cli -s "$RSOCK" -a "$RPW" --no-auth-warning --scan --pattern '*' | grep -c "j\.$U")" '^[1-9]' \
	"the channel j.<user> lives in Redis"

# ---- a session ended through a ends the user's streams on b ----
n=$(grep -c '"ev":"close"' "$T_TMP/b_ws.out")
for k in j s; do
	curl -s --unix-socket "$T_TMP/na.sock" -X DELETE "http://nchan/pub/$k/$U" -o /dev/null
done
wait_until 5 "(( \$(grep -c '\"ev\":\"close\"' '$T_TMP/b_ws.out') > $n ))"
ok $? "deleting the user's channels through a closed the WebSocket on b"
wait_until 5 "grep -q '\"ev\":\"disconnected\"' '$T_TMP/b_sse.out'"
ok $? "and the SSE stream on b"

done_testing
