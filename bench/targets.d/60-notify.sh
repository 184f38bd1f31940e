# bench/targets.d/60-notify.sh: the outbox sender (issue 13). Not an HTTP
# target: bench/bench-notify.sh measures sends per second to a local SMTP
# server with 1 and 4 concierge-notify processes, in a scratch database it
# drops afterwards. Its lines are printed as they come and kept in
# var/bench/notify.txt, with each rate as a ratio to the pk baseline of this
# run. BENCH_ONLY=notify runs it alone (no pk ratio then).
DEFINED+="notify "	# a known name for BENCH_ONLY, like bench_target's
if bench_selected notify; then
	mkdir -p "$CONCIERGE_ROOT/var/bench"
	if ! CONCIERGE_ROOT="$CONCIERGE_ROOT" bash "$BENCH_DIR/bench-notify.sh" \
	    >"$CONCIERGE_ROOT/var/bench/notify.txt" 2>&1; then
		sed 's/^/bench: notify: /' "$CONCIERGE_ROOT/var/bench/notify.txt" >&2
		FAILURES+=("notify (bench/bench-notify.sh failed)")
	else
		if [[ ${RPS[pk]:--} != - ]]; then
			awk -v pk="${RPS[pk]}" '$1 == "notify-1" || $1 == "notify-4" {
				printf "ratio %s/pk: %.3f\n", $1, $2 / pk }' \
			    "$CONCIERGE_ROOT/var/bench/notify.txt" >>"$CONCIERGE_ROOT/var/bench/notify.txt"
		fi
		sed 's/^/bench: notify: /' "$CONCIERGE_ROOT/var/bench/notify.txt" >&2
	fi
fi
