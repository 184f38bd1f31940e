#!/usr/bin/env bash
# bench/bench-notify.sh: how fast concierge-notify sends, measured against the
# dev stack's MariaDB in a scratch database (concierge_bench_notify: the
# tables the sender reads, same DDL; dropped at the end) and a local SMTP
# server (scripts/sink-smtp.py --discard: real SMTP, nothing stored), so the
# dev data and the stack's own sender are untouched.
#
#   notify-1   ROWS mails by one sender (--once): sends/s
#   notify-4   ROWS mails by four senders at once: sends/s (no row twice:
#              checked from the server's count and the rows' attempts)
#
# Each send is the whole path: claim (SKIP LOCKED, in batches of
# notify.batch), the recipient and preferences read, rendering, the MIME
# message, SMTP over a kept-open connection, the recorded result (one
# committed UPDATE per row). Output lines: NAME VALUE sends/s [detail].
#
# Environment:
#   CONCIERGE_ROOT       checkout with var/ (default: the parent of bench/)
#   BUILD_DIR            build with the binaries (default: $CONCIERGE_ROOT/build)
#   CONCIERGE_DB_SOCKET  MariaDB socket (default: $CONCIERGE_ROOT/var/run/mysqld.sock)
#   ROWS                 mails per measurement (default 3000)
#   KEEP=1               keep the scratch database
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${CONCIERGE_ROOT:-$(cd "$BENCH_DIR/.." && pwd)}
BUILD=${BUILD_DIR:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SOCK=${CONCIERGE_DB_SOCKET:-$ROOT/var/run/mysqld.sock}
CONF=$ROOT/var/concierge.conf
ROWS=${ROWS:-3000}
KEEP=${KEEP:-0}
DB=concierge_bench_notify
OUT=$ROOT/var/bench
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-notify.XXXXXX")
NCONF=$TMP/notify.conf
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

die() { echo "bench-notify: $*" >&2; exit 1; }
root_sql() { mariadb --no-defaults --socket="$SOCK" -uroot -N -B "$@"; }
now_ns() { date +%s%N; }

[[ -x $BUILD/tools/concierge-notify ]] || die "no concierge-notify in $BUILD (build first: scripts/dev up)"
[[ -r $CONF ]] || die "no $CONF (scripts/dev up writes it)"
[[ $ROWS =~ ^[0-9]+$ && $ROWS -gt 0 ]] || die "ROWS is a positive number"
root_sql -e "SELECT 1" >/dev/null || die "MariaDB does not answer on $SOCK (scripts/dev up)"
SRC=$(awk -F= '/^[ \t]*db\.name[ \t]*=/ { gsub(/[ \t]/, "", $2); v = $2 } END { print v }' "$CONF")
SRC=${SRC:-concierge}
[[ $SRC =~ ^[A-Za-z0-9_]+$ ]] || die "unusable db.name '$SRC'"
mkdir -p "$OUT"

SINK_PID=
cleanup() {
	[[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
	rm -rf "$TMP"
	((KEEP)) || root_sql -e "DROP DATABASE IF EXISTS $DB"
}
trap cleanup EXIT

root_sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB;
	CREATE TABLE $DB.users LIKE $SRC.users;
	CREATE TABLE $DB.outbox LIKE $SRC.outbox;
	CREATE TABLE $DB.notification_preferences LIKE $SRC.notification_preferences;
	CREATE TABLE $DB.appointments LIKE $SRC.appointments;
	CREATE TABLE $DB.provider_availability LIKE $SRC.provider_availability;
	INSERT INTO $DB.users (id, email, email_norm, role, password_hash, full_name, phone,
	    created_at, updated_at) VALUES ('benchbenchbenchbenchbench2', 'bench@bench.test',
	    'bench@bench.test', 'patient', 'x', 'Bench', NULL, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))"

mkdir -p "$TMP/mail"
"$PY" "$ROOT/scripts/sink-smtp.py" --dir "$TMP/mail" --discard --port-file "$TMP/port" \
	>"$TMP/sink.log" 2>&1 </dev/null &
SINK_PID=$!
for _ in $(seq 100); do [[ -s $TMP/port ]] && break; sleep 0.1; done
[[ -s $TMP/port ]] || die "the SMTP sink did not start: $(cat "$TMP/sink.log")"

# The dev config, on the scratch database as root over the socket, to the sink.
(umask 077; {
	grep -Ev '^[[:space:]]*(db\.(name|user|password)|notify\.|log\.level)[[:space:]]*=' "$CONF"
	echo "db.name = $DB"
	echo "db.user = root"
	echo "db.password ="
	echo "log.level = warn"
	echo "notify.smtp_url = smtp://127.0.0.1:$(<"$TMP/port")"
	echo "notify.mail_from = noreply@bench.test"
	echo "notify.portal_url = https://portal.bench.test"
} >"$NCONF")

# fill: ROWS due mails, none claimed.
fill() {
	root_sql "$DB" -e "DELETE FROM outbox;
		INSERT INTO outbox (channel, recipient_user_id, template, payload, due_at, created_at)
		SELECT 'email', 'benchbenchbenchbenchbench2', 'new_secure_message', NULL,
		    UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE, UTC_TIMESTAMP(6)
		FROM seq_1_to_$ROWS"
}

# run N: N senders at once until nothing is due; prints sends/s.
run() {
	local n=$1 i t0 t1 sent extra
	local -a pids=()
	fill
	t0=$(now_ns)
	for ((i = 0; i < n; i++)); do
		"$BUILD/tools/concierge-notify" --config "$NCONF" --once >"$TMP/run$i.out" 2>"$TMP/run$i.err" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || die "a sender failed: $(cat "$TMP"/run*.err)"; done
	t1=$(now_ns)
	sent=$(root_sql "$DB" -e "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 1")
	[[ $sent == "$ROWS" ]] || die "$sent of $ROWS rows sent in one attempt"
	awk -v r="$ROWS" -v t="$((t1 - t0))" -v n="$n" \
		'BEGIN { printf "notify-%d %.0f sends/s (%d mails in %.2f s)\n", n, r / (t / 1e9), r, t / 1e9 }'
}

before=$(cat "$TMP/mail/count" 2>/dev/null || echo 0)
run 1 | tee "$TMP/one"
run 4 | tee "$TMP/four"
kill "$SINK_PID"
wait "$SINK_PID" 2>/dev/null || true
SINK_PID=
got=$(cat "$TMP/mail/count" 2>/dev/null || echo 0)
[[ $((got - before)) == $((2 * ROWS)) ]] || die "the SMTP server received $((got - before)) mails, not $((2 * ROWS))"
echo "notify-check $((2 * ROWS)) mails received, each row sent once"
awk 'FNR == 1 { v[++k] = $2 } END { if (v[1] > 0) printf "notify-4/1 %.2f (four senders against one)\n", v[2] / v[1] }' \
	"$TMP/one" "$TMP/four"
