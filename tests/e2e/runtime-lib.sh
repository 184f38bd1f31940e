# tests/e2e/runtime-lib.sh: helpers for the tests that run workers of their
# own (private sockets under $T_TMP), sourced after lib.sh and need_build.
# AUTH_BIN may be set before; default: the auth binary of the build.

AUTH_BIN=${AUTH_BIN:-$BUILD/cgi-bin/auth/concierge-auth}

# close_fds: in a subshell about to exec a daemon, close every fd above 2 (a
# daemon must not hold make's pipes or scripts/dev's lock).
close_fds() {
	local fd
	for fd in "/proc/$BASHPID/fd/"*; do
		fd=${fd##*/}
		if ((fd > 2)) && [[ -e /proc/$BASHPID/fd/$fd ]]; then
			eval "exec $fd>&-"
		fi
	done
}

# children_of PID: its live child processes.
children_of() {
	local f line
	local -a st
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		line=${line##*) }
		read -ra st <<<"$line"
		[[ ${st[1]} == "$1" && ${st[0]} != [ZX] ]] && printf '%s\n' "${f//[^0-9]/}"
	done
}

# stop_tree PID: SIGTERM, then SIGKILL it and its children after 5 s.
stop_tree() {
	local pid=$1 kids
	proc_alive "$pid" || return 0
	kids=$(children_of "$pid")
	kill -TERM "$pid" 2>/dev/null
	if ! wait_until 5 proc_gone "$pid"; then
		kill -KILL "$pid" $kids 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# start_private NAME CONFIG [worker args...]: the auth binary on a private
# socket $T_TMP/NAME.sock, logging to $T_TMP/NAME.log. Sets PRIV_PID, PRIV_SOCK.
start_private() {
	local name=$1 conf=$2
	shift 2
	PRIV_SOCK=$T_TMP/$name.sock
	rm -f "$PRIV_SOCK"
	(
		close_fds
		exec "$AUTH_BIN" --config "$conf" --listen "unix:$PRIV_SOCK" --socket-mode 0666 "$@"
	) >"$T_TMP/$name.log" 2>&1 </dev/null &
	PRIV_PID=$!
	on_exit "stop_tree $PRIV_PID"
	wait_until 10 test -S "$PRIV_SOCK"
}

# backlog_empty SOCKET: no connection waits in the listen queue (accepted).
backlog_empty() {
	command -v ss >/dev/null || return 0
	[[ $(ss -xlnH 2>/dev/null | awk -v p="$1" '$5 == p { print $3 }') == 0 ]]
}
