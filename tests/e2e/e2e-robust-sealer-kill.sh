#!/usr/bin/env bash
# e2e-robust-sealer-kill: kill -9 of the audit sealer in the middle of its
# batches (issue 15, part 2). concierge-audit seal --batch 25 works through
# thousands of new rows, one transaction per batch; it is killed once it has
# sealed some of them and not all. Then: what it committed is a sound chain
# (verify passes up to where it stopped), the next run goes on from there,
# and in the end every row is covered by exactly one entry (nothing sealed
# twice, nothing skipped) and verify passes, by the CLI and over HTTP.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build
. "$SRCDIR/tests/e2e/audit-seal-lib.sh"

seal_account concierge_seal_kill
ROWS=${KILL_ROWS:-6000}

# add_rows N: N committed audit rows (the Sequence engine), one transaction.
add_rows() {
	sql "INSERT INTO audit_log (at, action, entity_type, outcome, summary)
		SELECT UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'sealer kill'
		FROM seq_1_to_$1" || bail "cannot add audit rows"
}

# Everything so far sealed: the kill run starts from a known point.
seal --gap-timeout 2s
is "$SRC" 0 "a first run seals what is there"

killed=0
for attempt in 1 2 3; do
	add_rows "$ROWS"
	head=$(sql "SELECT MAX(id) FROM audit_log")
	start=$(sealed_through)
	"$CLI" --config "$SCONF" seal --batch 25 --gap-timeout 2s >"$T_TMP/kill.log" 2>&1 &
	pid=$!
	wait_until 60 '(($(sealed_through) > start))' || bail "the sealer sealed nothing"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	at=$(sealed_through)
	if ((at > start && at < head)); then
		killed=1
		break
	fi
	diag "attempt $attempt: the sealer finished before the kill ($at of $head); more rows"
	ROWS=$((ROWS * 3))
done
ok $((killed ? 0 : 1)) "killed mid-way: sealed through $at of $head (from $start)"
diag "sealer kill: $((at - start)) of $((head - start)) rows sealed before the kill"

# What the killed run committed stands on its own.
sound "after the kill, the chain it left verifies"
is "$(sql "SELECT IS_USED_LOCK(CONCAT('concierge_audit_seal.', DATABASE())) IS NULL")" 1 \
	"the killed sealer's lock went with its connection"

# The next run goes on from there, to the end.
seal --gap-timeout 2s
is "$SRC" 0 "the next run seals the rest ($(head -c 200 <<<"$OUT"))"
ok $(($(sealed_through) >= head ? 0 : 1)) "sealed through the last row of the load ($(sealed_through) >= $head)"
is "$(sql "SELECT COUNT(*) FROM audit_seal a JOIN audit_seal b
	ON b.audit_id > a.audit_id AND b.audit_id <= a.last_id")" 0 \
	"no row is covered by two entries (nothing sealed twice)"
is "$(sql "SELECT COUNT(*) FROM audit_log l WHERE l.id > $start AND l.id <= $head
	AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.audit_id = l.id AND s.kind = 'row')")" 0 \
	"every row of the killed run's range has its own row entry"
# (A bulk insert may leave auto-increment ids unused: those are skipped.)
is "$(sql "SELECT COUNT(*) FROM audit_log l JOIN audit_seal s ON s.kind = 'skip'
	AND l.id BETWEEN s.audit_id AND s.last_id WHERE s.last_id > $start")" 0 \
	"no committed row lies in a range sealed as skipped"
sound "every row sealed once: the whole chain verifies"

done_testing
