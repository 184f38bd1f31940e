# shellcheck shell=bash
# bench/clinic-day.sh: the clinic-day workload, sourced by
# bench/targets.d/80-clinic.sh inside bench/run (uses its DB_SOCKET,
# OUT_DIR, BASE_URL, RPS[pk], bench_cost). See bench/README.md "Clinic day".
#
# Data (made once, idempotent, ids "bncd..."): 50 providers (verified,
# available around the clock in UTC) and 2,000 patients, each patient on
# one provider's care team with one thread to them; a session for every
# one of the 2,050 users (token "benchcdtoken" + padding + number; patient
# k = k, provider k = 50000 + k); 200,000 appointments (half past, half to
# come), 500,000 messages with their receipts (sealed by
# build/bench/concierge-bench-clinicfill), 1,000,000 audit rows. Per run:
# 20 checked-in patients waiting per provider (admit), CD_CHECKINS fresh
# appointments starting in 5 minutes (check-in), 500 waiting entries
# (polled).
#
# Knobs: CD_DURATION (20s), CD_WARMUP (3s), CD_CONNECTIONS (64),
# CD_CHECKINS (3000), CD_HOT (1: also the one-hot-provider run, default 1),
# CD_SCALE ("1 2 4 8": also the mix with CD_SCALE_WORKER, default
# waitingroom, restarted with each number of children; off by default).

cd_sql() {
	"$(command -v mariadb || command -v mysql)" --socket="$DB_SOCKET" -uroot -N concierge -e "$1"
}

# cd_bid PREFIX EXPR: SQL for a 26-character id, PREFIX then EXPR's digits
# as letters (0 1 8 9 -> a b i j), like bench/clinic-fill.c's bid().
cd_bid() {
	echo "CONCAT('$1', REPLACE(REPLACE(REPLACE(REPLACE(LPAD($2, $((26 - ${#1})), '0'), '0', 'a'), '1', 'b'), '8', 'i'), '9', 'j'))"
}

CD_NPAT=2000
CD_NPROV=50

cd_fill() {
	local build=${BUILD_DIR:-build} t0 have
	[[ $build == /* ]] || build=$CONCIERGE_ROOT/$build
	t0=$(date +%s)
	cd_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT $(cd_bid bncdprov seq), CONCAT('bench-cd-prov-', seq, '@bench.test'),
		    CONCAT('bench-cd-prov-', seq, '@bench.test'), 'provider', 'x', 'Bench Provider', NOW(6), NOW(6)
		FROM seq_1_to_$CD_NPROV;
	INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled)
		SELECT $(cd_bid bncdprov seq), 1, 1 FROM seq_1_to_$CD_NPROV;
	INSERT IGNORE INTO provider_availability (provider_id, timezone, updated_at)
		SELECT $(cd_bid bncdprov seq), 'UTC', NOW(6) FROM seq_1_to_$CD_NPROV;
	INSERT IGNORE INTO availability_weekly (provider_id, weekday, start_min, end_min)
		SELECT $(cd_bid bncdprov p.seq), d.seq, 0, 1440 FROM seq_1_to_$CD_NPROV p JOIN seq_0_to_6 d;
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT $(cd_bid bncdpat seq), CONCAT('bench-cd-pat-', seq, '@bench.test'),
		    CONCAT('bench-cd-pat-', seq, '@bench.test'), 'patient', 'x', 'Bench Patient', NOW(6), NOW(6)
		FROM seq_1_to_$CD_NPAT;
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number)
		SELECT $(cd_bid bncdpat seq), CONCAT('BCD', seq) FROM seq_1_to_$CD_NPAT;
	INSERT IGNORE INTO care_team (patient_id, provider_id, added_at)
		SELECT $(cd_bid bncdpat seq), $(cd_bid bncdprov "1 + seq % $CD_NPROV"), NOW(6) FROM seq_1_to_$CD_NPAT;
	INSERT IGNORE INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at)
		SELECT $(cd_bid bncdsess seq), IF(seq > 50000, $(cd_bid bncdprov 'seq - 50000'), $(cd_bid bncdpat seq)),
		    UNHEX(SHA2(CONCAT('benchcdtoken', LPAD(seq, 31, 'x')), 256)), NOW(6), NOW(6), NOW(6) + INTERVAL 1 DAY
		FROM (SELECT seq FROM seq_1_to_$CD_NPAT UNION ALL SELECT 50000 + seq FROM seq_1_to_$CD_NPROV) s;
	UPDATE sessions SET last_seen_at = NOW(6), expires_at = NOW(6) + INTERVAL 1 DAY, revoked_at = NULL
		WHERE id LIKE 'bncdsess%';" >/dev/null || die "clinic-day: cannot create the users"
	if [[ $(cd_sql "SELECT COUNT(*) FROM appointments WHERE id LIKE 'bncdapp%'") -lt 200000 ]]; then
		echo "bench: clinic-day: 200k appointments" >&2
		# provider 1 + seq % 50 every 50 minutes, patient every 2000:
		# no overlap; from 70 days ago to 70 days ahead.
		cd_sql "INSERT IGNORE INTO appointments (id, provider_id, patient_id, start_at, end_at, status,
			    visit_type, booked_by, created_at, updated_at)
			SELECT $(cd_bid bncdapp seq), $(cd_bid bncdprov "1 + seq % $CD_NPROV"),
			    $(cd_bid bncdpat "1 + seq % $CD_NPAT"),
			    TIMESTAMP(UTC_DATE() - INTERVAL 70 DAY) + INTERVAL seq MINUTE,
			    TIMESTAMP(UTC_DATE() - INTERVAL 70 DAY) + INTERVAL seq + 30 MINUTE,
			    IF(seq < 100000, ELT(1 + seq % 4, 'completed', 'completed', 'cancelled', 'no_show'),
			       IF(seq % 7 = 0, 'cancelled', 'scheduled')), 'video',
			    $(cd_bid bncdpat "1 + seq % $CD_NPAT"), NOW(6), NOW(6)
			FROM seq_1_to_200000" || die "clinic-day: cannot make the appointments"
	fi
	echo "bench: clinic-day: 500k messages (sealed)" >&2
	"$build/bench/concierge-bench-clinicfill" --config "${CONCIERGE_CONFIG:-$CONCIERGE_ROOT/var/concierge.conf}" \
	    --threads $CD_NPAT --messages 250 --providers $CD_NPROV >&2 || die "clinic-day: concierge-bench-clinicfill failed"
	have=$(cd_sql "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'appointment' AND entity_id LIKE 'bncdapp%'")
	if ((have < 1000000)); then
		echo "bench: clinic-day: $((1000000 - have)) audit rows" >&2
		cd_sql "INSERT INTO audit_log (at, actor_id, actor_role, action, entity_type, entity_id, patient_id,
			    outcome, request_id, ip, summary, metadata)
			SELECT UTC_TIMESTAMP(6) - INTERVAL seq SECOND, $(cd_bid bncdpat "1 + seq % $CD_NPAT"), 'patient',
			    'appointment.read', 'appointment', $(cd_bid bncdapp "1 + seq % 200000"),
			    $(cd_bid bncdpat "1 + seq % $CD_NPAT"), 'success', 'bench-cd-fill', '127.0.0.1',
			    'read appointment', NULL
			FROM seq_1_to_$((1000000 - have))" || die "clinic-day: cannot make the audit rows"
	fi
	cd_sql "ANALYZE TABLE appointments, messages, message_receipts, threads, thread_participants, audit_log" >/dev/null
	CD_FILL_SECONDS=$(($(date +%s) - t0))
}

# cd_end_sessions: no bench provider is in a video session (each run's
# admissions start from free providers).
cd_end_sessions() {
	cd_sql "UPDATE video_sessions SET status = 'ended', running_provider_id = NULL, ended_at = UTC_TIMESTAMP(6),
		end_reason = 'provider', duration_seconds = 0 WHERE running_provider_id LIKE 'bncdprov%'" ||
	    die "clinic-day: cannot end the bench's video sessions"
}

# cd_run_data TAG: fresh queues for one run: 20 waiting per provider, 500
# polled entries, CD_CHECKINS scheduled appointments starting in 5 minutes.
cd_run_data() {
	local tag=$1 w=$((CD_NPROV * 20))
	cd_end_sessions
	cd_sql "
	UPDATE waiting_room_entries SET status = 'removed', ended_at = UTC_TIMESTAMP(6)
		WHERE provider_id LIKE 'bncdprov%' AND status IN ('waiting', 'away');
	UPDATE appointments SET status = 'cancelled' WHERE provider_id LIKE 'bncdprov%'
		AND start_at > UTC_TIMESTAMP() + INTERVAL 300 DAY AND status = 'scheduled';
	INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT $(cd_bid "bncd${tag}w" seq), $(cd_bid bncdprov "1 + seq % $CD_NPROV"),
		    $(cd_bid bncdpat "1 + seq % $CD_NPAT"),
		    UTC_TIMESTAMP(6) + INTERVAL (seq DIV $CD_NPROV) * 20 MINUTE,
		    UTC_TIMESTAMP(6) + INTERVAL (seq DIV $CD_NPROV) * 20 + 20 MINUTE, 'checked_in', 'video',
		    $(cd_bid bncdpat "1 + seq % $CD_NPAT"), NOW(6), NOW(6) FROM seq_1_to_$((w + 500));
	INSERT INTO waiting_room_entries (id, appointment_id, provider_id, patient_id, status,
		    appt_start_at, booked_minutes, checked_in_at, checked_in_by, last_heartbeat_at, updated_at)
		SELECT IF(seq > $w, $(cd_bid bncdent "seq - $w"), $(cd_bid "bncd${tag}e" seq)), a.id, a.provider_id,
		    IF(seq > $w, $(cd_bid bncdpat "seq - $w"), a.patient_id), 'waiting', a.start_at, 20,
		    UTC_TIMESTAMP(6), a.patient_id, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
		FROM seq_1_to_$((w + 500)) JOIN appointments a ON a.id = $(cd_bid "bncd${tag}w" seq)
		ON DUPLICATE KEY UPDATE status = 'waiting', ended_at = NULL, away_since = NULL,
		    appointment_id = VALUES(appointment_id), provider_id = VALUES(provider_id),
		    last_heartbeat_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6);
	INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT $(cd_bid "bncd${tag}c" seq), $(cd_bid bncdprov "1 + (1 + (seq - 1) % $CD_NPAT) % $CD_NPROV"),
		    $(cd_bid bncdpat "1 + (seq - 1) % $CD_NPAT"),
		    UTC_TIMESTAMP(6) + INTERVAL 5 MINUTE + INTERVAL seq % 300 SECOND,
		    UTC_TIMESTAMP(6) + INTERVAL 6 MINUTE + INTERVAL seq % 300 SECOND, 'scheduled', 'video',
		    $(cd_bid bncdpat "1 + (seq - 1) % $CD_NPAT"), NOW(6), NOW(6) FROM seq_1_to_$CD_CHECKINS;" >/dev/null ||
	    die "clinic-day: cannot make the run's queues"
}

# cd_ops FROM TO: per-operation lines from nginx's access log bytes FROM..TO:
# op requests rps p50 p99 p99.9 non2xx-by-status (request_time, ms).
cd_ops() {
	local secs=$3
	tail -c +"$(($1 + 1))" "$CONCIERGE_ROOT/var/nginx/access.log" | head -c $(($2 - $1)) | awk '
	{ m = substr($3, 2); p = $4; op = ""
	  if (p ~ /\/summary$/) op = "dashboard"
	  else if (p ~ /^\/api\/v1\/appointments\?/) op = "appt-list"
	  else if (p ~ /^\/api\/v1\/slots/) op = "slots"
	  else if (p == "/api/v1/appointments" && m == "POST") op = "book"
	  else if (p ~ /\/cancel$/) op = "cancel"
	  else if (p ~ /\/reschedule$/) op = "reschedule"
	  else if (p ~ /\/messages/ && m == "GET") op = "msg-list"
	  else if (p ~ /\/messages$/ && m == "POST") op = "msg-post"
	  else if (p ~ /waiting-room\/entries/) op = "wr-poll"
	  else if (p ~ /check-in$/) op = "check-in"
	  else if (p ~ /admit$/) op = "admit"
	  else if (p ~ /\/end$/) op = "end"
	  if (op != "") print op, $8 * 1000, $6 }' | sort -k1,1 -k2,2n | awk -v secs="$secs" '
	function at(q,  i) { i = int(n * q) + 1; if (i > n) i = n; return t[i] }
	function flush(  c) { if (n == 0) return
		bad = ""; for (c in codes) bad = bad c "x" codes[c] " "
		if (bad == "") bad = "0"
		if (cut[cur] > 0) bad = bad " (+" cut[cur] " cut at the end: 499)"
		printf "%-11s %8d %9.1f %7.0f %7.0f %7.0f  %s\n", cur, n, n / secs, at(0.5), at(0.99), at(0.999), bad
		n = 0; split("", codes) }
	$1 != cur { flush(); cur = $1 }
	$3 == 499 { cut[$1]++; next }	# wrk closed the connection when its time was up
	{ t[++n] = $2; if ($3 !~ /^2/) { codes[$3]++ } }
	END { flush() }'
}

# cd_mem LABEL: PSS of every FastCGI process tree, nginx and mariadbd (MiB).
cd_mem() {
	local f p pid tot=0 kb line=""
	local pidf=$CONCIERGE_ROOT/var/run
	for f in "$pidf"/*.pid; do
		p=${f##*/}; p=${p%.pid}
		pid=$(<"$f")
		[ -d "/proc/$pid" ] || continue
		kb=0
		local n=0 c
		local -a tree=()
		if [[ $p == nginx ]]; then
			mapfile -t tree < <(echo "$pid"; pgrep -P "$pid")
		else
			mapfile -t tree < <(proc_tree "$pid")
		fi
		for c in "${tree[@]}"; do
			kb=$((kb + $(awk '/^Pss:/ { print $2 }' "/proc/$c/smaps_rollup" 2>/dev/null || echo 0)))
			n=$((n + 1))
		done
		tot=$((tot + kb))
		line+=" $p $((kb / 1024))MiB/${n}p"
	done
	echo "clinic-day memory ($1, PSS, MiB/processes):$line; total $((tot / 1024)) MiB"
}

# cd_pids: every FastCGI process (var/run/*.pid but mysqld, nginx and the
# mail/SMS sinks, with their children), one per line.
cd_pids() {
	local f
	for f in "$CONCIERGE_ROOT"/var/run/*.pid; do
		case ${f##*/} in mysqld.pid | nginx.pid | *sink*.pid | origin.pid) continue ;; esac
		[ -d "/proc/$(<"$f")" ] && proc_tree "$(<"$f")"
	done
}

# cd_cost_line NAME REQUESTS: the CPU split and the MariaDB counters per
# request of the mix, from the snapshots cd_mix took (NAME.c0/.c1, ticks).
cd_cost_line() {
	local name=$1 req=$2
	join <(sort "$OUT_DIR/$name.db0") <(sort "$OUT_DIR/$name.db1") | awk -v r="$req" -v hz="$(getconf CLK_TCK)" \
	    -v f="$(($(cut -d' ' -f4 "$OUT_DIR/$name.c1") - $(cut -d' ' -f4 "$OUT_DIR/$name.c0")))" \
	    -v m="$(($(cut -d' ' -f1 "$OUT_DIR/$name.c1") - $(cut -d' ' -f1 "$OUT_DIR/$name.c0")))" \
	    -v x="$(($(cut -d' ' -f2 "$OUT_DIR/$name.c1") - $(cut -d' ' -f2 "$OUT_DIR/$name.c0")))" \
	    -v w="$(($(cut -d' ' -f3 "$OUT_DIR/$name.c1") - $(cut -d' ' -f3 "$OUT_DIR/$name.c0")))" '
	    { d[$1] = ($3 - $2) / r }
	    END { u = 1e6 / hz / r
		printf "cost per request of the mix: cpu us fastcgi %.0f mariadbd %.0f nginx %.0f wrk %.0f;" \
		    " statements %.2f round trips %.2f commits %.2f fsyncs %.2f\n", f * u, m * u, x * u, w * u,
		    d["Questions"], d["Questions"] + d["Com_stmt_prepare"] + d["Com_stmt_close"],
		    d["Com_commit"], d["Innodb_data_fsyncs"] }'
}

# cd_snap NAME SUFFIX: CPU ticks "mysqld nginx wrk fastcgi" and the counters.
cd_snap() {
	local run=$CONCIERGE_ROOT/var/run
	local -a ng wk fc
	mapfile -t ng < <(cat "$run/nginx.pid"; pgrep -P "$(<"$run/nginx.pid")")
	mapfile -t wk < <(pgrep -x wrk)
	mapfile -t fc < <(cd_pids)
	echo "$(cpu_ticks "$(<"$run/mysqld.pid")") $(cpu_ticks "${ng[@]}") $(cpu_ticks "${wk[@]}")" \
	    "$(cpu_ticks "${fc[@]}")" >"$OUT_DIR/$1.c$2"
	db_counters >"$OUT_DIR/$1.db$2"
}

# cd_mix NAME HOT: one warm-up and one measured run of the mix.
cd_mix() {
	local name=$1 hot=$2 a0 a1 res="$OUT_DIR/$1.result" lua=$BENCH_DIR/clinic-day.lua secs
	local tag
	tag=$(head -c 10 /dev/urandom | base32 | tr '[:upper:]' '[:lower:]' | tr -d '=\n0189' | head -c 3)
	cd_run_data "$tag"
	CD_PATIENTS=$CD_NPAT CD_PROVIDERS=$CD_NPROV CD_THREADS=$THREADS CD_CHECKINS=$((CD_CHECKINS / 4)) \
	    CD_TAG=$tag CD_OFFSET=0 CD_HOT=$hot CD_OUT=/dev/null \
	    wrk -t "$THREADS" -c "$CD_CONNECTIONS" -d "$CD_WARMUP" --timeout "$TIMEOUT" -s "$lua" "$BASE_URL" >/dev/null 2>&1 || true
	# The requests wrk cut at the end of the warm-up still run in the
	# workers (an admission commits after its client left): let them end
	# before the measured run's data, and end once more any session one
	# of them started meanwhile, or the measured run's first admission by
	# that provider is refused (409 session_running).
	sleep 1.5
	cd_run_data "$tag$tag"
	sleep 1.5	# nginx flushes its log every second
	cd_end_sessions
	a0=$(stat -c %s "$CONCIERGE_ROOT/var/nginx/access.log")
	( sleep "$(( ${CD_DURATION%s} / 2 ))"; cd_mem "$name, mid-run" >"$OUT_DIR/$name.mem" ) &
	( sleep 1; cd_snap "$name" 0; sleep "$(( ${CD_DURATION%s} - 2 ))"; cd_snap "$name" 1 ) &
	CD_PATIENTS=$CD_NPAT CD_PROVIDERS=$CD_NPROV CD_THREADS=$THREADS CD_CHECKINS=$CD_CHECKINS \
	    CD_TAG=$tag$tag CD_OFFSET=200000 CD_HOT=$hot CD_OUT="$res" \
	    wrk -t "$THREADS" -c "$CD_CONNECTIONS" -d "$CD_DURATION" --timeout "$TIMEOUT" -s "$lua" "$BASE_URL" \
	    >"$OUT_DIR/$name.wrk.txt" 2>&1 || true
	wait
	sleep 1.5
	a1=$(stat -c %s "$CONCIERGE_ROOT/var/nginx/access.log")
	secs=$(sed -n 's/.*requests=\([0-9]*\) rps=\([0-9.]*\).*/\1 \2/p' "$res" | awk '{ printf "%.2f", $1 / $2 }')
	{
		printf '%-11s %8s %9s %7s %7s %7s  %s\n' op requests req/s "p50ms" "p99ms" "p99.9ms" "non-2xx by status"
		cd_ops "$a0" "$a1" "$secs"
		awk -v pk="${RPS[pk]:-0}" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		    r = ""; if (pk > 0) r = sprintf("; ratio mix/pk %.3f (pk %.0f/s)", v["rps"] / pk, pk)
		    printf "%-11s %8d %9.1f %7.1f %7.1f %7.1f  socket errors %d%s\n", "whole mix", v["requests"], v["rps"],
		    v["p50_ms"], v["p99_ms"], v["p999_ms"], v["errors"], r }' "$res"
		# the snapshots are 1 s and DURATION - 1 s into the run
		cd_cost_line "$name" "$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' "$res" |
		    awk -v d="${CD_DURATION%s}" '{ printf "%d", $1 * (d - 2) }')"
		cat "$OUT_DIR/$name.mem" 2>/dev/null
	}
}

# cd_children NAME K: restart the worker instance NAME (ours: var/run/NAME.pid)
# with K children, same binary, arguments and environment, the way
# scripts/dev starts it (setsid, pid file). Prints the old count.
cd_children() {
	local name=$1 k=$2 pid i old="" sock
	local -a argv=() envv=()
	pid=$(<"$CONCIERGE_ROOT/var/run/$name.pid")
	mapfile -d '' -t argv <"/proc/$pid/cmdline"
	mapfile -d '' -t envv <"/proc/$pid/environ"
	for ((i = 0; i < ${#argv[@]}; i++)); do
		if [[ ${argv[i]} == --children ]]; then
			old=${argv[i + 1]}
			argv[i + 1]=$k
		fi
		[[ ${argv[i]} == --listen ]] && sock=${argv[i + 1]#unix:}
	done
	[[ -n $old && -n $sock ]] || die "clinic-day: cannot read $name's command line"
	kill -TERM "$pid"
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$sock"
	setsid env -i "${envv[@]}" "${argv[@]}" >>"$CONCIERGE_ROOT/var/log/$name.log" 2>&1 </dev/null 9>&- &
	echo "$!" >"$CONCIERGE_ROOT/var/run/$name.pid"
	for ((i = 0; i < 100; i++)); do
		[[ -S $sock ]] && break
		sleep 0.1
	done
	echo "$old"
}

# cd_scale: the mix with CD_SCALE_WORKER (waitingroom) at 1, 2, 4, 8
# children (CD_SCALE), the other workers as they are.
cd_scale() {
	local w=${CD_SCALE_WORKER:-waitingroom} k old line
	echo "== children of $w: the whole mix at each count (others unchanged)"
	printf '%-9s %9s %7s %7s  %s\n' children "mix req/s" "p50ms" "p99ms" load
	for k in $CD_SCALE; do
		old=$(cd_children "$w" "$k")
		cd_mix "clinic-scale-$k" 0 >"$OUT_DIR/clinic-scale-$k.txt" 2>&1
		line=$(grep '^whole mix' "$OUT_DIR/clinic-scale-$k.txt")
		printf '%-9s %9s %7s %7s  %s\n' "$k" "$(awk '{ print $4 }' <<<"$line")" \
		    "$(awk '{ print $5 }' <<<"$line")" "$(awk '{ print $6 }' <<<"$line")" "$(cut -d' ' -f1 /proc/loadavg)"
		cd_children "$w" "$old" >/dev/null
	done
}

# cd_explain: one request of each read-heavy operation (as patient 7, its
# provider, its thread) with the general log on (to a table, briefly), then
# the statements the worker ran for it, into var/bench/clinic-explain.txt.
cd_explain() {
	local op path method body tok out="$OUT_DIR/clinic-explain.txt"
	local p7 t7 e7 d8
	p7=$(cd_sql "SELECT $(cd_bid bncdpat 7)") t7=$(cd_sql "SELECT $(cd_bid bncdthr 7)")
	e7=$(cd_sql "SELECT $(cd_bid bncdent 7)") d8=$(cd_sql "SELECT $(cd_bid bncdprov 8)")
	tok="benchcdtoken$(printf 'x%.0s' {1..30})7"
	: >"$out"
	while read -r op method path body; do
		cd_sql "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
		curl -s -o /dev/null -X "$method" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		    ${body:+--data-binary "$body"} "$BASE_URL$path"
		cd_sql "SET GLOBAL general_log = 0"
		echo "## $op: $method $path" >>"$out"
		# the worker's connection: the one that looked the session up
		cd_sql "SELECT command_type, LEFT(REPLACE(argument, '\n', ' '), 2000) FROM mysql.general_log
		    WHERE command_type IN ('Query', 'Execute') AND thread_id = (SELECT thread_id FROM
		    mysql.general_log WHERE argument LIKE '%FROM sessions s%' LIMIT 1)" >"$OUT_DIR/clinic-explain.q"
		echo "statements: $(wc -l <"$OUT_DIR/clinic-explain.q")" >>"$out"
		# the log holds the prepared text (parameters as ?): the plans
		# with values are in bench/README.md "Clinic day"
		cut -f2 "$OUT_DIR/clinic-explain.q" | cut -c1-400 | sed 's/^/  /' >>"$out"
	done <<EOF_OPS
dashboard GET /api/v1/patients/$p7/summary
appt-list GET /api/v1/appointments?from=$(date -u +%Y-%m-%dT%H:%M:%SZ)
slots GET /api/v1/slots?provider_id=$d8&from=$(date -u -d '+400 days' +%Y-%m-%dT00:00:00Z)&to=$(date -u -d '+401 days' +%Y-%m-%dT00:00:00Z)&duration_minutes=30
msg-list GET /api/v1/threads/$t7/messages?limit=20
msg-post POST /api/v1/threads/$t7/messages {"body":"One more question."}
wr-poll GET /api/v1/waiting-room/entries/$e7
EOF_OPS
	cd_sql "TRUNCATE mysql.general_log; SET GLOBAL log_output = 'FILE'"
	echo "statements of one request per operation (var/bench/clinic-explain.txt):"
	grep -E '^(##|statements:)' "$out" | paste - - | sed 's/^## /  /'
}

clinic_day() {
	local out="$OUT_DIR/clinic-day.txt" rc=0
	CD_DURATION=${CD_DURATION:-20s} CD_WARMUP=${CD_WARMUP:-3s} CD_CONNECTIONS=${CD_CONNECTIONS:-64}
	CD_CHECKINS=${CD_CHECKINS:-3000}
	cd_fill
	{
		echo "clinic-day $(date -u +%Y-%m-%dT%H:%M:%SZ) rev $(git -C "$CONCIERGE_ROOT" rev-parse --short HEAD)," \
		    "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) (fill ${CD_FILL_SECONDS}s)"
		echo "wrk -t$THREADS -c$CD_CONNECTIONS -d$CD_DURATION (warm-up $CD_WARMUP), latencies per op from" \
		    "nginx \$request_time (1 ms resolution), whole mix from wrk"
		echo "== mix: bookings spread over the 50 providers"
		cd_mix clinic-day 0
		if [[ ${CD_HOT:-1} == 1 ]]; then
			echo "== one hot row: every booking on provider 1 (load $(cut -d' ' -f1-3 /proc/loadavg))"
			cd_mix clinic-hot 1
		fi
		[[ -z ${CD_SCALE:-} ]] || cd_scale
		[[ ${CD_EXPLAIN:-1} != 1 ]] || cd_explain
		echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$out" 2>&1 || rc=1
	cat "$out"
	# a failure: any non-2xx but the 499s of connections cut at the end
	grep -E '^(book|cancel|reschedule|dashboard|appt-list|slots|msg-|wr-poll|check-in|admit|end) ' "$out" |
	    awk '$7 != "0" { bad = 1 } END { exit bad }' || rc=1
	return "$rc"
}
