#!/usr/bin/env bash
# e2e-cluster-audit: the sealed audit chain on a 3-node Galera cluster
# (docs/SCALING.md, "The audit chain on a cluster"):
#   - two sealers with --follow, on nodes 1 and 2: one holds the replicated
#     lease, the other waits (GET_LOCK alone is node-local: both would seal);
#   - audit rows written through all three nodes (ids interleave: each node
#     draws from its own residue class) are sealed, the gaps between the
#     classes as never committed;
#   - an audit row held open on node 3 past the gap timeout is not given up
#     by the sealer on another node (it asks every node of db.hosts; the
#     lock is visible on node 3 only), and is sealed as a row once it commits;
#   - kill -9 of the lease holder: the other sealer takes over once the
#     lease runs out, and seals on from the chain's tip;
#   - verify passes on every node; a row altered on node 3 alone (not
#     replicated) is found by verify on node 3, at its id, while nodes 1
#     and 2 stay sound.
# Needs `scripts/dev cluster up` (scripts/dev cluster test and
# e2e-cluster-short.sh run it).
. "$(dirname -- "$0")/lib.sh"
[[ -n ${CONCIERGE_CLUSTER_PORT:-} ]] || { echo "1..0 # SKIP no cluster (scripts/dev cluster test)"; exit 0; }
. "$(dirname -- "$0")/cluster-lib.sh"
need_build
. "$SRCDIR/tests/e2e/audit-seal-lib.sh"

LEASE=3
GAP=2s
HOLD=8

seal_account concierge_seal_cluster
# sealer_conf N: the sealer's config for node N (db.hosts: N first, then
# the others, so it can ask each of them about held ids).
sealer_conf() {
	{ grep -Ev '^[[:space:]]*(db\.(user|password)|audit\.seal_lease_seconds)[[:space:]]*=' \
		"$ROOT/var/cluster/node-$1.conf"
	  printf 'db.user = %s\ndb.password = %s\naudit.seal_lease_seconds = %d\n' \
		"$SEAL_USER" "$SEAL_PW" "$LEASE"; } >"$T_TMP/sealer-$1.conf"
}
# verify_on N: CLI verify against node N; RC, V.
verify_on() {
	grep -Ev '^[[:space:]]*audit\.signing_key_file[[:space:]]*=' "$ROOT/var/cluster/node-$1.conf" \
		>"$T_TMP/verify-$1.conf"
	V=$("$CLI" --config "$T_TMP/verify-$1.conf" verify 2>"$T_TMP/verify-$1.err")
	RC=$?
}
# sealer_bg N: a sealer with --follow on node N; its pid in SPID[N].
declare -A SPID
sealer_bg() {
	sealer_conf "$1"
	"$CLI" --config "$T_TMP/sealer-$1.conf" seal --follow --gap-timeout "$GAP" --interval 200ms \
		>>"$T_TMP/sealer-$1.log" 2>&1 &
	SPID[$1]=$!
	on_exit "kill -TERM ${SPID[$1]} 2>/dev/null"
}
node_id() { node_sql "$1" "SELECT CONCAT(@@hostname, ':', @@port, ':', IFNULL(@@socket, ''))"; }
holder() { node_sql 1 "SELECT IFNULL(SUBSTRING_INDEX(holder, ' #', 1), '-') FROM audit_seal_lease"; }
max_id() { node_sql 1 "SELECT MAX(id) FROM audit_log"; }
sealed() { node_sql 1 "SELECT COALESCE(MAX(last_id), 0) FROM audit_seal"; }
# rows K: K audit rows, request i through node i mod 3 (a patient reads their profile).
rows() {
	local i
	for ((i = 0; i < $1; i++)); do
		curl -s -o /dev/null -H "Authorization: Bearer $SEAL_PATIENT" "$(node_url "$i")/api/v1/me"
	done
}
N1=$(node_id 1)
N2=$(node_id 2)
node_sql 1 "UPDATE audit_seal_lease SET holder = NULL, taken_at = NULL, expires_at = NULL"

# --- two sealers, one lease ---
sealer_bg 1
wait_until 20 "[[ \$(holder) == '$N1' ]]"
ok $? "the sealer on node 1 holds the lease"
sealer_bg 2
wait_until 20 "grep -q 'the lease is held by' '$T_TMP/sealer-2.log'"
ok $? "the sealer on node 2 finds the lease taken and waits"
rows 30
barrier
TARGET=$(max_id)
wait_until 30 "(( \$(sealed) >= $TARGET ))"
ok $? "30 rows written through 3 nodes are sealed through id $TARGET"
is "$(node_sql 1 "SELECT COUNT(DISTINCT id % 3) FROM audit_log WHERE id > $TARGET - 90 AND id <= $TARGET")" 3 \
	"their ids come from all three nodes' residue classes"
is "$(node_sql 1 "SELECT COUNT(*) FROM audit_log a LEFT JOIN audit_seal s ON s.audit_id = a.id
	WHERE a.id <= $TARGET AND (s.kind IS NULL OR s.kind <> 'row')")" 0 "every committed row has a row entry"
is "$(node_sql 1 "SELECT SUM(last_id - audit_id + 1) FROM audit_seal")" "$(sealed)" "no id sealed twice or left out"
is "$(grep -c 'checkpoint\|sealed as skipped' "$T_TMP/sealer-2.log")" 0 "the waiting sealer wrote nothing"

# --- an id held open on node 3, past the gap timeout ---
mariadb --no-defaults --socket="$CLU_RUN/node-3.sock" -uroot -N -B "$DB_NAME" -e "START TRANSACTION;
	INSERT INTO audit_log (at, action, entity_type, outcome, summary)
	VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'held open on node 3');
	SELECT LAST_INSERT_ID(); SELECT SLEEP($HOLD); COMMIT;" >"$T_TMP/held.out" 2>&1 &
HELD_PID=$!
wait_until 10 "[[ \$(node_sql 3 \"SELECT COUNT(*) FROM information_schema.PROCESSLIST
	WHERE INFO LIKE 'SELECT SLEEP($HOLD)%'\") == 1 ]]"
ok $? "a transaction on node 3 holds an audit id open"
# Rows committed above it on node 1 (node 1's ids step by 3 from its own counter).
for _ in 1 2 3 4 5 6; do
	sql "INSERT INTO audit_log (at, action, entity_type, outcome, summary)
		VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'committed on node 1')"
done
wait_until 20 "grep -q 'is held by a transaction open for over' '$T_TMP/sealer-1.log'"
ok $? "past the gap timeout, the sealer on node 1 learns from node 3 that the id is held"
wait "$HELD_PID"
H=$(head -n 1 "$T_TMP/held.out")
[[ $H =~ ^[0-9]+$ ]] || bail "the held transaction failed: $(cat "$T_TMP/held.out")"
barrier
TARGET=$(max_id)
wait_until 30 "(( \$(sealed) >= $TARGET ))"
ok $? "once it commits, sealing goes on through id $TARGET"
is "$(node_sql 1 "SELECT kind FROM audit_seal WHERE audit_id <= $H AND last_id >= $H")" row \
	"id $H, held open $HOLD s on node 3, is sealed as a row, not as never committed"

# --- kill -9 of the lease holder ---
kill -KILL "${SPID[1]}"
wait "${SPID[1]}" 2>/dev/null
t0=$(date +%s%N)
rows 9
wait_until 30 "[[ \$(holder) == '$N2' ]]"
ok $? "after kill -9 of the sealer on node 1, the one on node 2 takes the lease"
diag "taken over $((($(date +%s%N) - t0) / 1000000)) ms after the kill (lease $LEASE s)"
barrier
TARGET=$(max_id)
wait_until 30 "(( \$(sealed) >= $TARGET ))"
ok $? "and seals on, through id $TARGET"
kill -TERM "${SPID[2]}"
wait "${SPID[2]}"
is "$?" 0 "the second sealer stops cleanly"
is "$(holder)" - "and gives the lease back"

# --- verify on every node; a row altered on one node only ---
barrier
for n in 1 2 3; do
	verify_on "$n"
	is "$RC $(jq -c .ok <<<"$V")" "0 true" "verify passes on node $n"
	((RC == 0)) || diag "$V $(cat "$T_TMP/verify-$n.err")"
done
E=$(node_sql 1 "SELECT MAX(audit_id) FROM audit_seal WHERE kind = 'row' AND audit_id < $TARGET")
SUMMARY=$(node_sql 3 "SELECT HEX(summary) FROM audit_log WHERE id = $E")
local3() {
	mariadb --no-defaults --socket="$CLU_RUN/node-3.sock" -uroot -N -B --force "$DB_NAME" \
		-e "SET SESSION wsrep_on = 0; $UNFENCE $1; $FENCES" 2>&1
}
on_exit "local3 \"UPDATE audit_log SET summary = UNHEX('$SUMMARY') WHERE id = $E\" >/dev/null"
local3 "UPDATE audit_log SET summary = 'nothing to see' WHERE id = $E" >/dev/null
is "$(node_sql 3 "SELECT summary FROM audit_log WHERE id = $E")|$(node_sql 1 "SELECT summary = 'nothing to see' FROM audit_log WHERE id = $E")" \
	"nothing to see|0" "row $E altered on node 3 alone (wsrep_on = 0: not replicated)"
verify_on 3
is "$RC $(jq -c '[.ok, .first_bad_id]' <<<"$V")" "1 [false,$E]" "verify on node 3 fails at id $E"
like "$(jq -r .problem <<<"$V")" 'row does not match its seal' "$(jq -r .problem <<<"$V")"
for n in 1 2; do
	verify_on "$n"
	is "$RC" 0 "node $n, untouched, is still sound"
done
local3 "UPDATE audit_log SET summary = UNHEX('$SUMMARY') WHERE id = $E" >/dev/null
verify_on 3
is "$RC" 0 "node 3 is sound again once the row is put back"

done_testing
