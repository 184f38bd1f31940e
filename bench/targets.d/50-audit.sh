# bench/targets.d/50-audit.sh: the audit trail (issue 5). Not an HTTP
# target: bench/bench-audit.sh measures one write command with and without
# its audit row (alternating blocks of one run), and the seal and verify
# rates, in a scratch database it drops afterwards. Its lines are printed
# as they come and kept in var/bench/audit.txt. BENCH_ONLY=audit runs it alone.
if bench_selected audit; then
	mkdir -p "$CONCIERGE_ROOT/var/bench"
	if ! CONCIERGE_ROOT="$CONCIERGE_ROOT" bash "$BENCH_DIR/bench-audit.sh" \
	    >"$CONCIERGE_ROOT/var/bench/audit.txt" 2>&1; then
		sed 's/^/bench: audit: /' "$CONCIERGE_ROOT/var/bench/audit.txt" >&2
		FAILURES+=("audit (bench/bench-audit.sh failed)")
	else
		sed 's/^/bench: audit: /' "$CONCIERGE_ROOT/var/bench/audit.txt" >&2
	fi
fi
