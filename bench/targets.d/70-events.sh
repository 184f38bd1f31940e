# bench/targets.d/70-events.sh: realtime delivery (issue 12). Not an HTTP
# target: bench/bench-events.sh holds 5,000 SSE streams through nginx and
# nchan, commits 1,000 events a second for 20 s spread over them, and
# reports delivered against published, commit -> client p50/p99, and the
# memory of nginx, the events worker and the relay before and during. Its
# lines are printed as they come and kept in var/bench/events.txt.
# BENCH_ONLY=events runs it alone; EVENTS_SUBSCRIBERS, EVENTS_RATE and
# EVENTS_SECONDS change the load.
DEFINED+="events "	# a known name for BENCH_ONLY, like bench_target's
if bench_selected events; then
	mkdir -p "$CONCIERGE_ROOT/var/bench"
	if ! CONCIERGE_ROOT="$CONCIERGE_ROOT" CONCIERGE_BASE_URL="$BASE_URL" \
	    bash "$BENCH_DIR/bench-events.sh" >"$CONCIERGE_ROOT/var/bench/events.txt" 2>&1; then
		sed 's/^/bench: events: /' "$CONCIERGE_ROOT/var/bench/events.txt" >&2
		FAILURES+=("events (bench/bench-events.sh failed)")
	else
		sed 's/^/bench: events: /' "$CONCIERGE_ROOT/var/bench/events.txt" >&2
	fi
fi
