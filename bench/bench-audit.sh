#!/usr/bin/env bash
# bench/bench-audit.sh: what the audit trail costs, measured against the dev
# stack's MariaDB in a scratch database (concierge_bench_audit, a copy of the
# users and audit tables; dropped at the end), so the dev data is untouched.
#
#   audit-write-plain    one command (UPDATE + COMMIT) without an audit row
#   audit-write-audited  the same command with its audit row in the transaction
#                        (both: commands/s, p50 ms, p99 ms; alternating blocks
#                        of one run, through lib/db and lib/audit)
#   audit-seal           concierge-audit seal over SEAL_ROWS fresh rows: rows/s
#   audit-verify         concierge-audit verify of the whole chain: rows/s
#                        (the same code answers GET /api/v1/audit/verify)
#   audit-seal-cp10      the first SEAL_ROWS/10 rows again, 10 rows per pass
#                        (one signed checkpoint each), as a busy --follow does
#   audit-verify-cp10    verify of that chain (links: a few signatures checked)
#   audit-verify-cp10-all  the same with --all-signatures (one per checkpoint)
#
# Output lines: NAME VALUE UNIT [p50 P50_MS p99 P99_MS] [detail].
#
# Environment:
#   CONCIERGE_ROOT       checkout with var/ (default: the parent of bench/)
#   BUILD_DIR            build with the binaries (default: $CONCIERGE_ROOT/build)
#   CONCIERGE_DB_SOCKET  MariaDB socket (default: $CONCIERGE_ROOT/var/run/mysqld.sock)
#   ITERATIONS           commands of each kind (default 5000)
#   SEAL_ROWS            rows to seal and verify (default 100000)
#   KEEP=1               keep the scratch database
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${CONCIERGE_ROOT:-$(cd "$BENCH_DIR/.." && pwd)}
BUILD=${BUILD_DIR:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SOCK=${CONCIERGE_DB_SOCKET:-$ROOT/var/run/mysqld.sock}
CONF=$ROOT/var/concierge.conf
ITERATIONS=${ITERATIONS:-5000}
SEAL_ROWS=${SEAL_ROWS:-100000}
KEEP=${KEEP:-0}
DB=concierge_bench_audit
OUT=$ROOT/var/bench
SCONF=$OUT/audit.conf

die() { echo "bench-audit: $*" >&2; exit 1; }
root_sql() { mariadb --no-defaults --socket="$SOCK" -uroot -N -B "$@"; }
now_ns() { date +%s%N; }

[[ -x $BUILD/tools/concierge-audit && -x $BUILD/bench/concierge-bench-audit ]] ||
	die "no binaries in $BUILD (build first: scripts/dev up)"
[[ -r $CONF ]] || die "no $CONF (scripts/dev up writes it)"
[[ $ITERATIONS =~ ^[0-9]+$ && $SEAL_ROWS =~ ^[0-9]+$ ]] || die "ITERATIONS and SEAL_ROWS are numbers"
root_sql -e "SELECT 1" >/dev/null || die "MariaDB does not answer on $SOCK (scripts/dev up)"
SRC=$(awk -F= '/^[ \t]*db\.name[ \t]*=/ { gsub(/[ \t]/, "", $2); v = $2 } END { print v }' "$CONF")
SRC=${SRC:-concierge}
[[ $SRC =~ ^[A-Za-z0-9_]+$ ]] || die "unusable db.name '$SRC'"
mkdir -p "$OUT"

# The scratch database: the tables the measured code touches, same DDL.
root_sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB;
	CREATE TABLE $DB.users LIKE $SRC.users;
	CREATE TABLE $DB.audit_log LIKE $SRC.audit_log;
	CREATE TABLE $DB.audit_seal LIKE $SRC.audit_seal;
	CREATE TABLE $DB.audit_seal_checkpoint LIKE $SRC.audit_seal_checkpoint;
	CREATE TABLE $DB.audit_seal_lease LIKE $SRC.audit_seal_lease;
	INSERT INTO $DB.audit_seal_lease (id) VALUES (1);
	INSERT INTO $DB.users SELECT * FROM $SRC.users ORDER BY created_at LIMIT 1;"
cleanup() {
	rm -f "$SCONF"
	((KEEP)) || root_sql -e "DROP DATABASE IF EXISTS $DB"
}
trap cleanup EXIT
USER_ID=$(root_sql -e "SELECT id FROM $DB.users LIMIT 1")
[[ -n $USER_ID ]] || die "no user to update (demo data not loaded?)"
# A copy of the dev config (it holds secrets: 0600, removed at exit).
(umask 077; { grep -Ev '^[[:space:]]*db\.name[[:space:]]*=' "$CONF"; echo "db.name = $DB"; } >"$SCONF")

# --- a command with and without its audit row ---
"$BUILD/bench/concierge-bench-audit" --config "$SCONF" --admin --user "$USER_ID" \
	--iterations "$ITERATIONS" >"$OUT/audit-write.txt"
awk '!/^#/ { printf "%-20s %s commands/s p50 %s ms p99 %s ms\n", $1, $2, $3, $4 }' "$OUT/audit-write.txt"
awk '!/^#/ { r[$1] = $2; p[$1] = $3 } END {
	if (r["audit-write-plain"] > 0)
		printf "%-20s %+.1f%% commands/s, %+.3f ms p50\n", "audit-write-cost",
		    (r["audit-write-audited"] / r["audit-write-plain"] - 1) * 100,
		    p["audit-write-audited"] - p["audit-write-plain"] }' "$OUT/audit-write.txt"

# --- sealing and verifying SEAL_ROWS rows ---
root_sql "$DB" -e "TRUNCATE $DB.audit_log; TRUNCATE $DB.audit_seal; TRUNCATE $DB.audit_seal_checkpoint;
	INSERT INTO $DB.audit_log (at, actor_id, actor_role, action, entity_type, entity_id, patient_id,
		outcome, request_id, ip, summary, metadata)
	SELECT UTC_TIMESTAMP(6) - INTERVAL seq SECOND, '$USER_ID', 'provider', 'read', 'patient',
		'$USER_ID', '$USER_ID', 'success', MD5(seq), '192.0.2.10', 'patient profile read',
		IF(seq % 10 = 0, JSON_OBJECT('ids', JSON_ARRAY('$USER_ID', '$USER_ID')), NULL)
	FROM seq_1_to_$SEAL_ROWS"
t0=$(now_ns)
seal_out=$("$BUILD/tools/concierge-audit" --config "$SCONF" --admin seal --gap-timeout 0 2>&1) ||
	die "seal failed: $seal_out"
t1=$(now_ns)
rows=$(sed -n 's/^sealed \([0-9]*\) rows.*/\1/p' <<<"$seal_out")
awk -v n="$rows" -v ns=$((t1 - t0)) 'BEGIN {
	printf "%-20s %.0f rows/s (%d rows in %.2f s)\n", "audit-seal", n / (ns / 1e9), n, ns / 1e9 }'
t0=$(now_ns)
verify_out=$("$BUILD/tools/concierge-audit" --config "$SCONF" --admin verify 2>/dev/null) ||
	die "verify failed: $verify_out"
t1=$(now_ns)
awk -v n="$rows" -v ns=$((t1 - t0)) 'BEGIN {
	printf "%-20s %.0f rows/s (%d rows in %.2f s)\n", "audit-verify", n / (ns / 1e9), n, ns / 1e9 }'

# --- small checkpoints: what signatures cost ---
small=$((SEAL_ROWS / 10))
root_sql "$DB" -e "TRUNCATE $DB.audit_seal; TRUNCATE $DB.audit_seal_checkpoint;
	DELETE FROM $DB.audit_log WHERE id > $small"
# timed NAME ARGS...: run concierge-audit, print NAME's rows/s.
timed() {
	local name=$1 t0 t1 out
	shift
	t0=$(now_ns)
	out=$("$BUILD/tools/concierge-audit" --config "$SCONF" --admin "$@" 2>&1) ||
		die "$name failed: $out"
	t1=$(now_ns)
	awk -v l="$name" -v n="$small" -v ns=$((t1 - t0)) 'BEGIN {
		printf "%-20s %.0f rows/s (%d rows in %.2f s)\n", l, n / (ns / 1e9), n, ns / 1e9 }'
}
timed audit-seal-cp10 seal --gap-timeout 0 --batch 10
timed audit-verify-cp10 verify
timed audit-verify-cp10-all verify --all-signatures
