#!/usr/bin/env bash
# e2e-sec-runtime: a stop or restart signal that reaches a worker while a
# child has accepted a connection and is still reading its parameters
# must not drop that connection (nginx answered 502): the child finishes
# the request, then leaves. Each case runs a private auth worker with one
# child and a FastCGI client that sends half the parameters, waits until
# the child has accepted the connection, has the signal sent, then sends
# the rest (tests/e2e/fcgi-client.py --hold-params): the window is too
# narrow to hit through nginx, whose parameters arrive in one write.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
. "$T_LIB_DIR/runtime-lib.sh"

# reached PID: a signal is pending in PID (blocked there until the request
# is answered), or PID is gone (it did not wait).
reached() {
	local p
	proc_alive "$1" || return 0
	p=$(awk '/^(SigPnd|ShdPnd):/ { printf "%s", $2 }' "/proc/$1/status" 2>/dev/null)
	[[ -n ${p//0/} ]]
}

# one_case NAME SIGNAL TARGET(parent|child): the whole exchange.
one_case() {
	local name=$1 sig=$2 target=$3 hold=$T_TMP/$1.go pid kid
	start_private "$name" "$CONF" --children 1 || bail "$name: the worker did not start"
	pid=$PRIV_PID
	wait_until 10 '[[ -n $(children_of "$pid") ]]' || bail "$name: no child"
	kid=$(children_of "$pid" | head -1)
	"$PYTHON" "$T_LIB_DIR/fcgi-client.py" "$PRIV_SOCK" -u /healthz/auth \
		--hold-params "$hold" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err" &
	local client=$!
	on_exit "kill $client 2>/dev/null"
	wait_until 10 grep -q 'params started' "$T_TMP/$name.err" &&
		wait_until 10 backlog_empty "$PRIV_SOCK" ||
		bail "$name: the connection was not accepted"
	if [[ $target == parent ]]; then
		kill "-$sig" "$pid"
	else
		kill "-$sig" "$kid"
	fi
	# The signal has reached the child before the rest of the parameters.
	wait_until 10 reached "$kid"
	ok $? "$name: SIG$sig reached the child while it reads the parameters"
	[[ $target == parent && $sig == TERM ]] && wait_until 5 test ! -e "$PRIV_SOCK"
	touch "$hold"
	wait "$client"
	FCGI_RC=$?
	fcgi_parse "$T_TMP/$name.out"
	is "$FCGI_RC:$STATUS:$FCGI_COMPLETE" 0:200:1 \
		"SIG$sig to the $target while the child reads the parameters: the request completes"
	case $sig:$target in
	TERM:*)
		wait_until 10 proc_gone "$pid" || kill -TERM "$pid" 2>/dev/null
		ok "$(proc_gone "$kid"; echo $?)" "  and the child then leaves"
		;;
	HUP:parent)
		wait_until 10 proc_gone "$kid"
		ok $? "  and the child then leaves"
		fcgi "$PRIV_SOCK" -u /healthz/auth
		is "$STATUS" 200 "  its successor answers the next request"
		;;
	HUP:child)
		wait_until 10 proc_gone "$kid"
		ok $? "  and the child then leaves"
		wait_until 10 '[[ -n $(children_of "$pid") ]]'
		fcgi "$PRIV_SOCK" -u /healthz/auth
		is "$STATUS" 200 "  the parent starts another that answers"
		;;
	esac
	stop_tree "$pid"
}

one_case term-parent TERM parent
one_case hup-parent HUP parent
one_case term-child TERM child
one_case hup-child HUP child

# An idle child still leaves at once on SIGTERM (nothing to finish): the
# parent does not wait out its grace period (STOP_GRACE_SEC, 30 s, then
# SIGKILL, which it would log). Idle: both children wait in ppoll.
idle_kids() {
	local k n=0
	for k in $(children_of "$1"); do
		[[ $(cat "/proc/$k/wchan" 2>/dev/null) == *poll* ]] && n=$((n + 1))
	done
	((n == 2))
}
start_private idle "$CONF" --children 2
wait_until 20 idle_kids "$PRIV_PID"
ok $? "both children are idle, waiting for a connection"
t0=$(date +%s%N)
kill -TERM "$PRIV_PID"
# Well within the grace period, on a loaded machine too.
wait_until 25 proc_gone "$PRIV_PID"
ok $? "idle children leave on SIGTERM ($((($(date +%s%N) - t0) / 1000000)) ms)"
unlike "$(cat "$T_TMP/idle.log")" "died of signal" "no child had to be killed"

done_testing
