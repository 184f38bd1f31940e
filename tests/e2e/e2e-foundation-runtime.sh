#!/usr/bin/env bash
# e2e-foundation-runtime: the worker runtime of the build under test. Two
# records processes share one nginx upstream and fail over; SIGTERM lets an
# in-flight request finish; children are recycled after --max-requests; the
# binary answers as plain CGI and under spawn-fcgi; health says 503 when the
# database is unreachable; killed database connections are re-made at once.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
. "$T_LIB_DIR/runtime-lib.sh"
plan 64

RUN=$ROOT/var/run
LOGD=$ROOT/var/log
AUTH_BIN=$BUILD/cgi-bin/auth/concierge-auth
HEALTH_AUTH='{"status":"ok","worker":"auth","db":"ok"}'
HEALTH_RECORDS='{"status":"ok","worker":"records","db":"ok"}'
LOGIN_BODY=$(jq -cn --arg p "$DEMO_PASSWORD" '{email:"patient1@demo.test",password:$p}')

# log_count FILE FIXED-STRING: matching lines.
log_count() {
	local n
	n=$(grep -cF -- "$2" "$1" 2>/dev/null) || n=0
	echo "$n"
}

# ---------------------------------------------------------------------------
# (a) two records processes in one upstream: both serve, and failover

REC_PAT='msg="request: GET /healthz/records 200'
R1_LOG=$LOGD/records-1.log
R2_LOG=$LOGD/records-2.log
r1_before=$(log_count "$R1_LOG" "$REC_PAT")
r2_before=$(log_count "$R2_LOG" "$REC_PAT")
n200=0
for i in $(seq 40); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/healthz/records")
	[[ $code == 200 ]] && n200=$((n200 + 1))
done
is "$n200" 40 "40 GET /healthz/records through nginx: all 200"
wait_until 2 '(($(log_count "$R1_LOG" "$REC_PAT") + $(log_count "$R2_LOG" "$REC_PAT") >= r1_before + r2_before + 40))'
ok $? "the two records logs gained 40 request lines between them"
r1_after=$(log_count "$R1_LOG" "$REC_PAT")
r2_after=$(log_count "$R2_LOG" "$REC_PAT")
diag "records-1 served $((r1_after - r1_before)), records-2 served $((r2_after - r2_before))"
ok $((r1_after > r1_before ? 0 : 1)) "records-1 served some of them"
ok $((r2_after > r2_before ? 0 : 1)) "records-2 served some of them"

R1_PIDFILE=$RUN/records-1.pid
R1_SOCK=$RUN/records-1.sock
r1_pid=$(cat "$R1_PIDFILE" 2>/dev/null)
if [[ $r1_pid =~ ^[0-9]+$ ]] && proc_alive "$r1_pid"; then
	ok 0 "records-1 runs with the pid in var/run/records-1.pid"
else
	ok 1 "records-1 runs with the pid in var/run/records-1.pid"
	bail "records-1 is not running (pid file: '$r1_pid')"
fi
# Its command line, environment, directory and binary, to start it again
# exactly as scripts/dev did (launch_instance).
mapfile -d '' R1_ARGV <"/proc/$r1_pid/cmdline"
mapfile -d '' R1_ENV <"/proc/$r1_pid/environ"
R1_CWD=$(readlink "/proc/$r1_pid/cwd")
R1_EXE=$(readlink "/proc/$r1_pid/exe")
is "$R1_EXE" "$BUILD/cgi-bin/records/concierge-records" "records-1 runs the binary of the build under test"

# restart_records1: scripts/dev's launch_instance, replayed.
restart_records1() {
	rm -f "$R1_SOCK"
	(
		cd "$R1_CWD" 2>/dev/null || cd /
		close_fds
		exec setsid env -i "${R1_ENV[@]}" "${R1_ARGV[@]}"
	) >>"$R1_LOG" 2>&1 </dev/null &
	printf '%s\n' "$!" >"$R1_PIDFILE"
	wait_until 15 test -S "$R1_SOCK"
}
# If this script dies half-way, put records-1 back anyway.
on_exit 'p=$(cat "$R1_PIDFILE" 2>/dev/null); [[ $p =~ ^[0-9]+$ ]] && proc_alive "$p" || restart_records1'

r1_kids=$(children_of "$r1_pid")
kill -TERM "$r1_pid"
wait_until 15 proc_gone "$r1_pid"
ok $? "records-1 exits after SIGTERM"
gone=0
for k in $r1_kids; do proc_alive "$k" && gone=1; done
ok $gone "records-1's children ($(tr '\n' ' ' <<<"$r1_kids")) are gone too"
ok "$([[ ! -e $R1_SOCK ]]; echo $?)" "records-1 removed its socket"
r2_before=$(log_count "$R2_LOG" "$REC_PAT")
n200=0
for i in $(seq 10); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/healthz/records")
	[[ $code == 200 ]] && n200=$((n200 + 1))
done
is "$n200" 10 "with records-1 down, /healthz/records still 200 (10 of 10)"
wait_until 2 '(($(log_count "$R2_LOG" "$REC_PAT") >= r2_before + 10))'
ok $? "records-2 served them"

restart_records1
ok $? "records-1 restarted as scripts/dev starts it (socket back)"
r1_new=$(cat "$R1_PIDFILE")
ok "$(proc_alive "$r1_new"; echo $?)" "records-1 runs again (pid $r1_new in its pid file)"
is "$(readlink "/proc/$r1_new/exe")" "$R1_EXE" "records-1 runs the same binary"
r1_before=$(log_count "$R1_LOG" "$REC_PAT")
fcgi "$R1_SOCK" -u /healthz/records
is "$STATUS:$BODY" "200:$HEALTH_RECORDS" "records-1 answers /healthz/records on its socket"
wait_until 2 '(($(log_count "$R1_LOG" "$REC_PAT") > r1_before))'
ok $? "records-1 logged that request in var/log/records-1.log"
api GET /healthz/records
is "$STATUS" 200 "/healthz/records through nginx after the restart"

# ---------------------------------------------------------------------------
# (b) graceful stop: a request in flight at SIGTERM still gets its answer.
# To hold a login in flight for sure (argon2 alone takes only ~50 ms), a root
# session locks audit_log: the login then waits inside its transaction, in
# a read from MariaDB, until the lock goes.

# db_locker: a root session fed from a fifo (fd LOCK_FD).
mkfifo "$T_TMP/lock.fifo"
mariadb --no-defaults --socket="$DB_SOCKET" -uroot "$DB_NAME" <"$T_TMP/lock.fifo" \
	>"$T_TMP/lock.out" 2>&1 &
lock_pid=$!
exec {LOCK_FD}>"$T_TMP/lock.fifo"
on_exit "exec $LOCK_FD>&-; kill $lock_pid"
printf 'LOCK TABLES audit_log WRITE;\n' >&"$LOCK_FD"
audit_locked() { [[ -n $(sql "SHOW OPEN TABLES WHERE \`Table\` = 'audit_log' AND In_use > 0") ]]; }
wait_until 5 audit_locked
ok $? "a root session holds a write lock on audit_log"

start_private graceful "$CONF" --children 1
ok $? "private auth worker listens on $PRIV_SOCK"
g_pid=$PRIV_PID
g_rid=e2e-graceful-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
"$PYTHON" "$T_LIB_DIR/fcgi-client.py" "$PRIV_SOCK" -m POST -u /api/v1/auth/login \
	-t application/json -d "$LOGIN_BODY" --request-id "$g_rid" \
	>"$T_TMP/graceful.out" 2>"$T_TMP/graceful.err" &
client=$!
on_exit "kill $client"
login_waits() {
	[[ $(sql "SELECT COUNT(*) FROM information_schema.processlist
		WHERE user = 'concierge_app' AND state LIKE 'Waiting for table%'") -ge 1 ]]
}
wait_until 10 login_waits
ok $? "the login is in flight (waiting for the lock inside its transaction)"
t0=$(date +%s%N)
kill -TERM "$g_pid"
wait_until 5 test ! -e "$PRIV_SOCK"
ok $? "SIGTERM: the parent stops listening (socket removed)"
sleep 0.3 # the parent has passed SIGTERM on to the child by now
ok "$(proc_alive "$g_pid"; echo $?)" "the parent waits for the in-flight request"
is "$(wc -c <"$T_TMP/graceful.out")" 0 "no reply yet"
printf 'UNLOCK TABLES;\n' >&"$LOCK_FD"
wait "$client"
crc=$?
fcgi_parse "$T_TMP/graceful.out"
is "$crc" 0 "the in-flight request ended normally (FCGI_END_REQUEST)"
is "$STATUS" 200 "the in-flight login still gets 200"
is "$FCGI_COMPLETE" 1 "its body is complete (Content-Length bytes)"
like "$(jq -r .token <<<"$BODY" 2>&1)" '^[A-Za-z0-9_-]{43}$' "its body holds the token"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE request_id = '$g_rid' AND action = 'login'
	AND outcome = 'success'")" 1 "its transaction committed (audit row)"
wait_until 5 proc_gone "$g_pid"
ok $? "the worker exits within 5 s of SIGTERM ($((($(date +%s%N) - t0) / 1000000)) ms)"
wait "$g_pid"
is "$?" 0 "the worker exits with status 0"
like "$(cat "$T_TMP/graceful.log")" 'msg="stopping: letting in-flight requests finish".*msg="request: POST /api/v1/auth/login 200.*msg="stopped"' \
	"the log shows stop, then the login finishing, then stopped"

# The same while the request's body is still on its way: the child has
# accepted the connection and read the params when SIGTERM comes.
start_private graceful2 "$CONF" --children 1
ok $? "second private auth worker listens on $PRIV_SOCK"
g_pid=$PRIV_PID
hold=$T_TMP/go
"$PYTHON" "$T_LIB_DIR/fcgi-client.py" "$PRIV_SOCK" -m POST -u /api/v1/auth/login \
	-t application/json -d "$LOGIN_BODY" --hold "$hold" \
	>"$T_TMP/graceful2.out" 2>"$T_TMP/graceful2.err" &
client=$!
on_exit "kill $client"
wait_until 5 grep -q 'params sent' "$T_TMP/graceful2.err" &&
	wait_until 5 backlog_empty "$PRIV_SOCK"
ok $? "a login is accepted, its body not sent yet"
sleep 0.1
kill -TERM "$g_pid"
wait_until 5 test ! -e "$PRIV_SOCK"
sleep 0.3
touch "$hold"
wait "$client"
crc=$?
fcgi_parse "$T_TMP/graceful2.out"
is "$crc:$STATUS:$FCGI_COMPLETE" 0:200:1 \
	"SIGTERM while the body is arriving: the login still completes with 200"
wait_until 5 proc_gone "$g_pid"
ok $? "and the worker exits"

# ---------------------------------------------------------------------------
# (c) recycling after --max-requests

start_private recycle "$CONF" --children 1 --max-requests 3
ok $? "private auth worker with --max-requests 3"
n200=0
for i in $(seq 7); do
	fcgi "$PRIV_SOCK" -u /healthz/auth
	[[ $STATUS == 200 && $BODY == "$HEALTH_AUTH" ]] && n200=$((n200 + 1))
done
is "$n200" 7 "7 requests through one recycled child slot: all 200"
pids=$(grep -F 'msg="request: GET /healthz/auth 200' "$T_TMP/recycle.log" |
	sed -n 's/.* pid=\([0-9]*\) .*/\1/p' | sort -u | wc -l)
ok $((pids >= 3 ? 0 : 1)) "at least 3 distinct child pids served them ($pids)"
is "$(log_count "$T_TMP/recycle.log" 'msg="recycling after 3 requests"')" 2 \
	"two children recycled after 3 requests"
stop_tree "$PRIV_PID"

# ---------------------------------------------------------------------------
# (d) plain CGI

(cd "$T_TMP" && env REQUEST_METHOD=GET DOCUMENT_URI=/healthz/auth GATEWAY_INTERFACE=CGI/1.1 \
	"$AUTH_BIN" --config "$CONF" </dev/null >"$T_TMP/cgi.out" 2>"$T_TMP/cgi.err")
is "$?" 0 "CGI: exits 0"
fcgi_parse "$T_TMP/cgi.out"
is "$(head -n 1 "$T_TMP/cgi.out")" $'Status: 200 OK\r' "CGI: output starts with Status: 200 OK"
is "$BODY" "$HEALTH_AUTH" "CGI: the health JSON"
is "$FCGI_COMPLETE" 1 "CGI: Content-Length matches the body"
printf '%s' "$LOGIN_BODY" >"$T_TMP/cgi-login.json"
cgi_rid=e2e-cgi-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
(cd "$T_TMP" && env REQUEST_METHOD=POST DOCUMENT_URI=/api/v1/auth/login GATEWAY_INTERFACE=CGI/1.1 \
	CONTENT_TYPE=application/json CONTENT_LENGTH=${#LOGIN_BODY} REQUEST_ID=$cgi_rid \
	"$AUTH_BIN" --config "$CONF" <"$T_TMP/cgi-login.json" >"$T_TMP/cgi.out" 2>"$T_TMP/cgi.err")
fcgi_parse "$T_TMP/cgi.out"
is "$STATUS" 200 "CGI: a login with its body on stdin: 200"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE request_id = '$cgi_rid' AND action = 'login'
	AND outcome = 'success'")" 1 "CGI: the login wrote its audit row"

# ---------------------------------------------------------------------------
# (e) under spawn-fcgi

if command -v spawn-fcgi >/dev/null; then
	ok 0 "spawn-fcgi is installed"
	s_sock=$T_TMP/spawn.sock
	s_pidf=$T_TMP/spawn.pid
	(close_fds; exec spawn-fcgi -s "$s_sock" -M 0666 -P "$s_pidf" -- "$AUTH_BIN" --config "$CONF") \
		>"$T_TMP/spawn.log" 2>&1 </dev/null
	is "$?" 0 "spawn-fcgi started the worker"
	s_pid=$(cat "$s_pidf" 2>/dev/null)
	[[ $s_pid =~ ^[0-9]+$ ]] || s_pid=0
	on_exit "kill -KILL $s_pid"
	ok "$(proc_alive "$s_pid"; echo $?)" "spawned worker runs (pid $s_pid)"
	fcgi "$s_sock" -u /healthz/auth
	is "$STATUS:$BODY" "200:$HEALTH_AUTH" "spawn-fcgi: /healthz/auth 200"
	fcgi "$s_sock" -m POST -u /api/v1/auth/login -t application/json -d "$LOGIN_BODY"
	is "$STATUS" 200 "spawn-fcgi: a login 200"
	kill -TERM "$s_pid"
	wait_until 5 proc_gone "$s_pid"
	ok $? "spawn-fcgi: the worker exits on SIGTERM"
else
	ok 1 "spawn-fcgi is installed"
	for i in $(seq 5); do ok 1 "spawn-fcgi test not run"; done
fi

# ---------------------------------------------------------------------------
# (f) database down: health answers 503, the worker stays up

sed 's|^[[:space:]]*db\.socket[[:space:]]*=.*$|db.socket = '"$T_TMP"'/no-such-dir/mysqld.sock|' \
	"$CONF" >"$T_TMP/dbdown.conf"
chmod 600 "$T_TMP/dbdown.conf"
is "$(grep -c "^db.socket = $T_TMP/no-such-dir/mysqld.sock\$" "$T_TMP/dbdown.conf")" 1 \
	"config copy points db.socket nowhere"
start_private dbdown "$T_TMP/dbdown.conf" --children 1
ok $? "private auth worker with no database starts"
fcgi "$PRIV_SOCK" -u /healthz/auth
is "$STATUS" 503 "database down: /healthz/auth 503"
is "$(jq -c '[.status, .worker, .db]' <<<"$BODY" 2>&1)" '["unavailable","auth","down"]' \
	'database down: "db":"down"'
is "$(header Content-Type)" application/json "database down: application/json"
fcgi "$PRIV_SOCK" -m POST -u /api/v1/auth/login -t application/json -d "$LOGIN_BODY"
is "$STATUS:$(header Content-Type)" 503:application/problem+json "database down: a login gets a 503 problem"
fcgi "$PRIV_SOCK" -u /healthz/auth
is "$STATUS" 503 "database down: still 503, worker still answering"
ok "$(proc_alive "$PRIV_PID"; echo $?)" "database down: the worker keeps running"
stop_tree "$PRIV_PID"

# ---------------------------------------------------------------------------
# (g) the workers re-make killed database connections on the first try

# conns_gone ID,ID...: none of these connections is left.
conns_gone() { [[ -z $(sql "SELECT id FROM information_schema.processlist WHERE id IN ($1)") ]]; }

# kill_app_connections: KILL every connection of the workers' account; print
# how many there were.
kill_app_connections() {
	local ids id n
	ids=$(sql "SELECT id FROM information_schema.processlist WHERE user = 'concierge_app'")
	n=$(echo $ids | wc -w)
	for id in $ids; do
		sql "KILL CONNECTION $id" >/dev/null 2>&1
	done
	ids=$(echo $ids | tr ' ' ,)
	wait_until 5 conns_gone "${ids:-0}"
	echo "$n"
}

token=$(login patient1@demo.test "$DEMO_PASSWORD")
like "$token" '^[A-Za-z0-9_-]{43}$' "patient1 logs in"
api GET /healthz/auth # every auth child has a connection to lose
api GET /healthz/auth
n=$(kill_app_connections)
ok $((n > 0 ? 0 : 1)) "killed the workers' database connections ($n)"
api GET /healthz/auth
is "$STATUS:$BODY" "200:$HEALTH_AUTH" "after KILL: /healthz/auth 200 on the first try"
kill_app_connections >/dev/null
api GET /api/v1/me "" -H "Authorization: Bearer $token"
is "$STATUS:$(jq -r .user.email <<<"$BODY" 2>&1)" 200:patient1@demo.test \
	"after KILL: GET /api/v1/me 200 on the first try"
kill_app_connections >/dev/null
bad=
for i in 1 2 3 4; do
	api GET /api/v1/me "" -H "Authorization: Bearer $token"
	[[ $STATUS == 200 ]] || bad+=" me:$STATUS"
	api GET /healthz/records
	[[ $STATUS == 200 ]] || bad+=" records:$STATUS"
done
is "${bad:-none}" none "after KILL: 8 more requests over every child, none failed"
