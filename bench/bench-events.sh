#!/usr/bin/env bash
# bench/bench-events.sh: realtime delivery at scale, through the running dev
# stack (nginx + nchan, the events worker, the relay, MariaDB).
#
#   1. SUBSCRIBERS users with a session each (bench users, made in SQL: no
#      Argon2), each holding one SSE stream through nginx
#      (tests/node/events/bench-sse.mjs), opened through the events worker;
#   2. RATE events a second for SECONDS seconds, each committed in a
#      transaction of its own through lib/events, spread over them
#      (bench/events-load.c, which wakes the relay after each commit as the
#      workers do);
#   3. count what arrived and when.
#
# Output lines: NAME VALUE [UNIT] [detail]:
#   events-subscribers   streams open at once
#   events-published     events committed;  events-rate  committed per second
#   events-delivered     events that reached their subscriber (must equal
#                        published), with missing, duplicates, misrouted
#   events-latency       commit -> client: p50 p99 max ms
#   events-mem-*         RSS and PSS (MiB) of nginx (master + workers), the
#                        events worker (parent + children) and the relay:
#                        before the subscribers, with them idle, and under load
#   events-mem-events-growth  the events worker's RSS with a tenth of the
#                        streams open and with all: more than 10% growth fails
#
# Environment:
#   CONCIERGE_ROOT       checkout with var/ (default: the parent of bench/)
#   BUILD_DIR            build with the binaries (default: $CONCIERGE_ROOT/build)
#   CONCIERGE_BASE_URL   the stack (default: http://127.0.0.1:$PORT)
#   EVENTS_SUBSCRIBERS (5000)  EVENTS_RATE (1000)  EVENTS_SECONDS (20)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${CONCIERGE_ROOT:-$(cd "$BENCH_DIR/.." && pwd)}
BUILD=${BUILD_DIR:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SOCK=${CONCIERGE_DB_SOCKET:-$ROOT/var/run/mysqld.sock}
CONF=$ROOT/var/concierge.conf
BASE=${CONCIERGE_BASE_URL:-http://127.0.0.1:${PORT:-8080}}
N=${EVENTS_SUBSCRIBERS:-5000}
RATE=${EVENTS_RATE:-1000}
SECS=${EVENTS_SECONDS:-20}
OUT=$ROOT/var/bench
NODE_DIR=$ROOT/tests/node/events
RUN=$ROOT/var/run
LOAD=$BUILD/bench/concierge-bench-events-load

die() { echo "bench-events: $*" >&2; exit 1; }
root_sql() { mariadb --no-defaults --socket="$SOCK" -uroot -N -B concierge "$@"; }
[[ $N =~ ^[0-9]+$ && $RATE =~ ^[0-9]+$ && $SECS =~ ^[0-9]+$ ]] || die "EVENTS_* are numbers"
[[ -x $LOAD ]] || die "$LOAD is missing (build first: scripts/dev up)"
command -v node >/dev/null || die "node is not installed"
[[ -d $NODE_DIR/node_modules ]] || die "run npm ci in tests/node/events (scripts/dev bench does)"
root_sql -e "SELECT 1" >/dev/null || die "MariaDB does not answer on $SOCK"
curl -sf -o /dev/null "$BASE/healthz/events" || die "nothing answers at $BASE"
mkdir -p "$OUT"
# One file descriptor per stream in the client: up to the hard limit.
ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) > N + 200 )) || die "the open-file limit ($(ulimit -n)) is below $N streams"

# ---- users and sessions ----
python3 - "$N" "$OUT" <<'PY'
import base64, hashlib, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
alpha = "abcdefghijklmnopqrstuvwxyz234567"
with open(out + "/events-users.sql", "w") as sql, open(out + "/events-tokens.txt", "w") as toks, \
        open(out + "/events-users.txt", "w") as ids:
    sql.write("DELETE FROM sessions WHERE id LIKE 'bench%';\n")
    rows, sess = [], []
    for i in range(n):
        s, k = "", i
        for _ in range(21):
            s, k = alpha[k % 32] + s, k // 32
        uid = "bench" + s
        tok = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        rows.append("('%s','%s@bench.test','%s@bench.test','patient','x','Bench User',"
                    "UTC_TIMESTAMP(6),UTC_TIMESTAMP(6))" % (uid, uid, uid))
        sess.append("('%s','%s',UNHEX('%s'),UTC_TIMESTAMP(6),UTC_TIMESTAMP(6),"
                    "UTC_TIMESTAMP(6) + INTERVAL 1 DAY)" % (uid, uid, hashlib.sha256(tok.encode()).hexdigest()))
        toks.write("%s %s\n" % (uid, tok))
        ids.write(uid + "\n")
    for j in range(0, n, 1000):
        sql.write("INSERT IGNORE INTO users (id,email,email_norm,role,password_hash,full_name,"
                  "created_at,updated_at) VALUES %s;\n" % ",".join(rows[j:j + 1000]))
        sql.write("INSERT INTO sessions (id,user_id,token_hash,created_at,last_seen_at,expires_at) "
                  "VALUES %s;\n" % ",".join(sess[j:j + 1000]))
PY
root_sql <"$OUT/events-users.sql"
cleanup() {
	[[ -n ${SUB_PID:-} ]] && kill "$SUB_PID" 2>/dev/null
	root_sql -e "DELETE FROM sessions WHERE id LIKE 'bench%'" 2>/dev/null || true
	rm -f "$OUT/events-users.sql" "$OUT/events-tokens.txt"
}
trap cleanup EXIT

# ---- memory: RSS and PSS of a process group, MiB ----
group_mem() {	# group_mem PGID -> "RSS PSS"
	local pg=$1 f line rss=0 pss=0 r p
	local -a st
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		line=${line##*) }
		read -ra st <<<"$line"
		[[ ${st[2]} == "$pg" ]] || continue
		f=${f%/stat}
		r=$(awk '/^Rss:/ { print $2 }' "$f/smaps_rollup" 2>/dev/null) || continue
		p=$(awk '/^Pss:/ { print $2 }' "$f/smaps_rollup" 2>/dev/null) || continue
		rss=$((rss + ${r:-0}))
		pss=$((pss + ${p:-0}))
	done
	printf '%d %d' $((rss / 1024)) $((pss / 1024))
}
group_cpu() {	# group_cpu PGID -> CPU ticks (user + system) of the group's processes
	local pg=$1 f line t=0
	local -a st
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		line=${line##*) }
		read -ra st <<<"$line"
		[[ ${st[2]} == "$pg" ]] && t=$((t + st[11] + st[12]))
	done
	printf '%d' "$t"
}
cpu_all() {	# cpu_all: "nginx events relay" ticks
	local c pid out=
	for c in nginx events relay; do
		pid=$(cat "$RUN/$c.pid" 2>/dev/null) || pid=0
		out+="$(group_cpu "$pid") "
	done
	printf '%s' "$out"
}
mem() {	# mem WHEN: one line per component
	local c pid
	for c in nginx events relay; do
		pid=$(cat "$RUN/$c.pid" 2>/dev/null) || continue
		read -r rss pss <<<"$(group_mem "$pid")"
		printf 'events-mem-%s-%s rss %s MiB pss %s MiB\n' "$c" "$1" "$rss" "$pss"
	done
}
mem before

# ---- subscribers ----
node "$NODE_DIR/bench-sse.mjs" "$BASE" "$OUT/events-tokens.txt" "$OUT/events-received.txt" \
	>"$OUT/events-sub.log" 2>&1 &
SUB_PID=$!
t0=$(date +%s%N)
tenth=0
for ((i = 0; i < 600; i++)); do
	grep -q '^ready' "$OUT/events-sub.log" && break
	# The events worker's memory once a tenth of the streams are open: it
	# must not grow from there to all of them (nchan holds the streams).
	if ((tenth == 0)); then
		o=$(grep '^open' "$OUT/events-sub.log" | tail -1 | cut -d' ' -f2) || o=0
		if ((${o:-0} >= N / 10)); then
			tenth=$o
			read -r ev_rss_tenth _ <<<"$(group_mem "$(cat "$RUN/events.pid")")"
		fi
	fi
	kill -0 "$SUB_PID" 2>/dev/null || die "the subscriber client died: $(tail -3 "$OUT/events-sub.log")"
	sleep 0.2
done
ready=$(grep '^ready' "$OUT/events-sub.log") || die "subscribers not ready after 120 s"
read -r _ open _ failed <<<"$ready"
echo "events-subscribers $open open failed $failed in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
((open == N)) || echo "bench-events: only $open of $N streams opened" >&2
sleep 2
mem idle
if ((tenth > 0)); then
	read -r ev_rss_all _ <<<"$(group_mem "$(cat "$RUN/events.pid")")"
	echo "events-mem-events-growth rss $ev_rss_tenth MiB with $tenth streams, $ev_rss_all MiB with $open"
	# A worker process (or any state) per stream would grow ~10x here.
	if ((ev_rss_all * 10 > ev_rss_tenth * 11)); then
		echo "bench-events: the events worker grew by more than 10% from $tenth to $open streams" >&2
		MEM_GREW=1
	fi
fi

# ---- load ----
read -r cn0 ce0 cr0 <<<"$(cpu_all)"
"$LOAD" --config "$CONF" --users "$OUT/events-users.txt" --rate "$RATE" --seconds "$SECS" \
	>"$OUT/events-published.txt" 2>"$OUT/events-load.log" &
LOAD_PID=$!
sleep $((SECS / 2))
mem load
wait "$LOAD_PID" || die "the load generator failed: $(tail -3 "$OUT/events-load.log")"
published=$(wc -l <"$OUT/events-published.txt")
load_avg=$(cut -d' ' -f1-3 /proc/loadavg)
# Let the last ones arrive: until the count stops moving for 3 s (at most 30 s).
last=-1 still=0
for ((i = 0; i < 300 && still < 30; i++)); do
	c=$(grep '^count' "$OUT/events-sub.log" | tail -1 | cut -d' ' -f2)
	c=${c:-0}
	((c >= published)) && break
	if ((c == last)); then still=$((still + 1)); else still=0; last=$c; fi
	sleep 0.1
done
read -r cn1 ce1 cr1 <<<"$(cpu_all)"
kill -TERM "$SUB_PID"
wait "$SUB_PID" 2>/dev/null || true
SUB_PID=
tck=$(getconf CLK_TCK)
((published > 0)) && printf 'events-cpu per event: nginx %d us, events worker %d us, relay %d us (load average %s, %d cores)\n' \
	$(( (cn1 - cn0) * 1000000 / tck / published )) $(( (ce1 - ce0) * 1000000 / tck / published )) \
	$(( (cr1 - cr0) * 1000000 / tck / published )) "$load_avg" "$(nproc)"

# ---- what arrived, and when ----
python3 - "$OUT/events-published.txt" "$OUT/events-received.txt" "$SECS" <<'PY'
import sys
pub_file, recv_file, secs = sys.argv[1], sys.argv[2], int(sys.argv[3])
pub, owner = {}, {}
with open(pub_file) as f:
    for line in f:
        i, u, t = line.split()
        pub[i], owner[i] = int(t), u
recv, dups, misrouted = {}, 0, 0
with open(recv_file) as f:
    for line in f:
        i, u, t = line.split()
        if i in owner and owner[i] != u:
            misrouted += 1
        if i in recv:
            dups += 1
            continue
        recv[i] = int(t)
lat = sorted((recv[i] - pub[i]) / 1000.0 for i in pub if i in recv)
missing = sum(1 for i in pub if i not in recv)
extra = sum(1 for i in recv if i not in pub)
def q(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
print("events-published %d over %d s" % (len(pub), secs))
print("events-rate %.0f /s" % (len(pub) / secs))
print("events-delivered %d of %d missing %d duplicates %d misrouted %d other %d" %
      (len(set(pub) & set(recv)), len(pub), missing, dups, misrouted, extra))
print("events-latency p50 %.1f ms p99 %.1f ms max %.1f ms" %
      (q(0.50), q(0.99), lat[-1] if lat else float("nan")))
sys.exit(0 if lat and missing == 0 and dups == 0 and misrouted == 0 else 1)
PY
rc=$?
mem after
((${MEM_GREW:-0} == 0)) || rc=1
exit "$rc"
