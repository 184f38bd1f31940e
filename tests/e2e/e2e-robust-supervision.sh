#!/usr/bin/env bash
# e2e-robust-supervision: kill -9 of a worker's parent (issue 15, part 3).
# Its children notice (PR_SET_PDEATHSIG, getppid): the idle ones exit at
# once, a busy one finishes its request first, so nothing serves
# unsupervised; scripts/dev status reports the orphans and the instance
# down; scripts/dev up stops any orphan left (a stopped one here) and
# starts the worker again. Uses the stack's auth instance.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
. "$T_LIB_DIR/runtime-lib.sh"
plan 20

RUN=$ROOT/var/run
DEV=$ROOT/scripts/dev
PORT=${BASE##*:}
export PORT
# `up` restarts what is missing from the build under test, without building;
# with no fd of ours open (the daemons it starts must not hold the e2e lock
# or make's pipes).
dev() { (close_fds; NO_BUILD=1 BUILD_DIR=$BUILD exec "$DEV" "$@"); }
# If this script dies half-way, put auth back.
on_exit 'stack_ok || dev up >/dev/null 2>&1'
stack_ok() {
	local p
	p=$(cat "$RUN/auth.pid" 2>/dev/null)
	[[ $p =~ ^[0-9]+$ ]] && proc_alive "$p"
}

token=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "cannot sign in"

# ---------------------------------------------------------------------------
# (a) a busy child finishes its request, the idle ones leave at once

# A root session locks audit_log: GET /me (which audits the profile read)
# then waits inside its request until the lock goes.
mkfifo "$T_TMP/lock.fifo"
mariadb --no-defaults --socket="$DB_SOCKET" -uroot "$DB_NAME" <"$T_TMP/lock.fifo" \
	>"$T_TMP/lock.out" 2>&1 &
lock_pid=$!
exec {LOCK_FD}>"$T_TMP/lock.fifo"
on_exit "exec $LOCK_FD>&- 2>/dev/null; kill $lock_pid 2>/dev/null"
printf 'LOCK TABLES audit_log WRITE;\n' >&"$LOCK_FD"
audit_locked() { [[ -n $(sql "SHOW OPEN TABLES WHERE \`Table\` = 'audit_log' AND In_use > 0") ]]; }
wait_until 5 audit_locked || bail "could not lock audit_log"

parent=$(<"$RUN/auth.pid")
mapfile -t kids < <(children_of "$parent")
diag "auth parent $parent, children ${kids[*]}"
curl -s -o "$T_TMP/me.body" -w '%{http_code}' --max-time 60 \
	-H "Authorization: Bearer $token" "$BASE/api/v1/me" >"$T_TMP/me.code" &
client=$!
on_exit "kill $client 2>/dev/null"
me_waits() {
	[[ $(sql "SELECT COUNT(*) FROM information_schema.processlist
		WHERE user = 'concierge_app' AND state LIKE 'Waiting for table%'") -ge 1 ]]
}
wait_until 10 me_waits
ok $? "GET /api/v1/me is held in a child, waiting for audit_log"

kill -KILL "$parent"
alive_kids() {
	local k n=0
	for k in "${kids[@]}"; do proc_alive "$k" && n=$((n + 1)); done
	echo "$n"
}
wait_until 10 '(($(alive_kids) == 1))'
ok $? "after kill -9 of the parent, the idle children exit (${#kids[@]} - 1 of ${#kids[@]})"
busy=
for k in "${kids[@]}"; do proc_alive "$k" && busy=$k; done
ok "$([[ -n $busy ]]; echo $?)" "the busy child ($busy) is still finishing its request"

out=$(dev status 2>&1)
rc=$?
is "$rc" 3 "scripts/dev status exits 3 (something is down)"
like "$(grep '^auth ' <<<"$out")" "parent gone; orphaned children: $busy" \
	"scripts/dev status names the orphaned child of auth"

printf 'UNLOCK TABLES;\n' >&"$LOCK_FD"
wait "$client"
is "$(cat "$T_TMP/me.code")" 200 "the request in flight is answered (200) after the parent died"
is "$(jq -r .user.email <"$T_TMP/me.body")" patient1@demo.test "with its body"
wait_until 10 proc_gone "$busy"
ok $? "then the last child exits: nothing serves unsupervised"
like "$(cat "$ROOT/var/log/auth.log")" "the supervisor \\(pid $parent\\) is gone: exiting" \
	"the child logged why it left"

api GET /healthz/auth
is "$STATUS" 502 "/healthz/auth: 502 while auth is down (no process holds its socket)"
is "$(header Content-Type)" application/problem+json "as problem+json"
out=$(dev status 2>&1)
like "$(grep '^auth ' <<<"$out")" "stopped" "scripts/dev status: auth stopped"

# ---------------------------------------------------------------------------
# (b) scripts/dev up stops an orphan that does not leave, then recovers

out=$(dev up 2>&1)
is "$?" 0 "scripts/dev up brings auth back"
api GET /healthz/auth
is "$STATUS" 200 "/healthz/auth 200 again"

parent=$(<"$RUN/auth.pid")
mapfile -t kids < <(children_of "$parent")
stuck=${kids[0]}
# A stopped child cannot act on its parent's death: it stays, orphaned.
kill -STOP "$stuck"
kill -KILL "$parent"
wait_until 10 '(($(alive_kids) == 1))'
ok $? "kill -9 of the new parent: all children but the stopped one exit"
out=$(STOP_TIMEOUT=1 dev up 2>&1)
is "$?" 0 "scripts/dev up succeeds"
like "$out" "auth: parent \\(pid $parent\\) gone; stopping its orphaned children: $stuck" \
	"it reports the orphan it stops"
ok "$(proc_gone "$stuck"; echo $?)" "the orphan is gone (SIGKILL after STOP_TIMEOUT)"
api GET /healthz/auth
is "$STATUS" 200 "and auth serves again from a new parent"
new=$(<"$RUN/auth.pid")
isnt "$new" "$parent" "under a new pid ($new)"

done_testing
