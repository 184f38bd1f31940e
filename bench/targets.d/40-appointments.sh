# bench/targets.d/40-appointments.sh: appointments (issue 4).
#
# appt-list: GET /api/v1/appointments?from=<now> as a patient who has 50
#   appointments in a table of about 100k rows: session, policy, the keyset
#   range scan on appointments_patient_start (upcoming first, first page of
#   20), and one audit row (a read of PHI) per request.
# book-cancel: a booking followed by its cancellation, measured as pairs/s
#   (wrk with its own Lua script: each thread books, and the next request
#   on it cancels what was booked). Each pair runs two transactions with the
#   provider/patient row locks, the overlap checks, audit, 4 + 2 outbox rows
#   and 4 events, so the dev database grows by ~10 rows per pair. Its
#   "requests/s" column is pairs/s; p50/p99 are per request.
#
# Data (made once, as root, with MariaDB's Sequence engine): dedicated users
# bench-appt-patient@bench.test (the list), bench-appt-booker@bench.test
# (book-cancel: its cancelled visits pile up, so not the list's patient),
# bench-appt-provider@bench.test (the demo password) and filler users/appointments with ids "bench-...", so no test
# or demo account is touched.

appt_sql() {
	"$(command -v mariadb || command -v mysql)" --socket="$DB_SOCKET" -uroot -N concierge -e "$1"
}

appt_bench_data() {
	appt_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT 'benchapptbookeraaaaaaaaaaa', 'bench-appt-booker@bench.test', 'bench-appt-booker@bench.test',
		    'patient', password_hash, 'Bench Booker', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test';
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number) VALUES ('benchapptbookeraaaaaaaaaaa', 'BENCHAPPT2');" ||
	    die "appointments: cannot create the bench booker"
	[[ $(appt_sql "SELECT COUNT(*) FROM appointments WHERE id LIKE 'bench-appt-%' AND (SELECT COUNT(*) FROM patient_profiles WHERE user_id = 'benchapptpatientaaaaaaaaaa') = 1") -ge 99000 ]] && return 0
	echo "bench: appointments: creating 100k bench appointments (once)" >&2
	appt_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT 'benchapptpatientaaaaaaaaaa', 'bench-appt-patient@bench.test', 'bench-appt-patient@bench.test',
		    'patient', password_hash, 'Bench Patient', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test'
		UNION ALL
		SELECT 'benchapptprovideraaaaaaaaa', 'bench-appt-provider@bench.test', 'bench-appt-provider@bench.test',
		    'provider', password_hash, 'Bench Provider', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test';
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number) VALUES ('benchapptpatientaaaaaaaaaa', 'BENCHAPPT1');
	INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled) VALUES ('benchapptprovideraaaaaaaaa', 1, 1);
	INSERT IGNORE INTO provider_availability (provider_id, timezone, updated_at) VALUES ('benchapptprovideraaaaaaaaa', 'UTC', NOW(6));
	INSERT IGNORE INTO availability_weekly (provider_id, weekday, start_min, end_min)
		SELECT 'benchapptprovideraaaaaaaaa', seq, 0, 1440 FROM seq_0_to_6;
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT CONCAT('bench-fill-', LPAD(seq, 15, '0')), CONCAT('bench-fill-', seq, '@bench.test'),
		    CONCAT('bench-fill-', seq, '@bench.test'), IF(seq <= 20, 'provider', 'patient'), 'x',
		    'Bench Filler', NOW(6), NOW(6) FROM seq_1_to_2020;
	INSERT IGNORE INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT CONCAT('bench-appt-', LPAD(seq, 15, '0')),
		    CONCAT('bench-fill-', LPAD(1 + seq % 20, 15, '0')),
		    CONCAT('bench-fill-', LPAD(21 + seq % 2000, 15, '0')),
		    '2026-01-01' + INTERVAL seq * 7 MINUTE, '2026-01-01' + INTERVAL seq * 7 + 30 MINUTE,
		    ELT(1 + seq % 4, 'scheduled', 'completed', 'cancelled', 'scheduled'), 'video',
		    'bench-fill-000000000000021', NOW(6), NOW(6)
		FROM seq_1_to_99950;
	INSERT IGNORE INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT CONCAT('bench-appt-p', LPAD(seq, 14, '0')), 'benchapptprovideraaaaaaaaa',
		    'benchapptpatientaaaaaaaaaa', '2028-01-03 15:00' + INTERVAL seq WEEK,
		    '2028-01-03 15:30' + INTERVAL seq WEEK, 'scheduled', 'video', 'benchapptpatientaaaaaaaaaa',
		    NOW(6), NOW(6) FROM seq_1_to_50;
	ANALYZE TABLE appointments;" >/dev/null || die "appointments: cannot create the bench data"
}

# The book-cancel Lua script: bookings at unique far-future times (2030
# onwards, 5 minutes each), each followed by its cancellation.
appt_lua() {
	cat <<'LUA'
local env = os.getenv
local token, provider = env("BENCH_TOKEN"), env("BENCH_PROVIDER")
-- warm-up and measurement use separate times: a booking still in flight
-- when the warm-up stops must not collide with the measurement.
local offset = tonumber(env("BENCH_OFFSET") or "0")
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local threads = {}
function setup(thread) thread:set("tid", #threads); table.insert(threads, thread) end
function init(args) queue = {}; n = 0; pairs_done = 0; non2xx = 0; first_bad = 0 end
function request()
	if #queue > 0 then
		return wrk.format("POST", "/api/v1/appointments/" .. table.remove(queue) .. "/cancel",
		    headers, '{"reason":"bench"}')
	end
	n = n + 1
	local start = os.date("!%Y-%m-%dT%H:%M:%SZ", 1893456000 + (tid * 1000000 + offset + n) * 300)
	return wrk.format("POST", "/api/v1/appointments", headers, '{"provider_id":"' .. provider ..
	    '","start_at":"' .. start .. '","duration_minutes":5,"visit_type":"video"}')
end
function response(status, hdrs, body)
	if status == 201 then
		table.insert(queue, body:match('"id":"([^"]+)"'))
	elseif status == 200 then
		pairs_done = pairs_done + 1
	else
		non2xx = non2xx + 1
		if first_bad == 0 then first_bad = status end
	end
end
function done(summary, latency, requests)
	local p, bad, fb = 0, 0, 0
	for _, t in ipairs(threads) do
		p = p + (t:get("pairs_done") or 0)
		bad = bad + (t:get("non2xx") or 0)
		if fb == 0 then fb = t:get("first_bad") or 0 end
	end
	local e = summary.errors
	local secs = summary.duration / 1e6
	local f = io.open(env("BENCH_OUT"), "w")
	f:write(string.format("name=book-cancel requests=%d pairs=%d duration_s=%.2f rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d bad_status=%s errors=%d\n",
	    summary.requests, p, secs, p / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
	    bad, fb, e.connect + e.read + e.write + e.timeout))
	f:close()
end
LUA
}

# appt_book_cancel: measured like a bench_target, reported in the same table.
appt_book_cancel() {
	local name=book-cancel tok prov line pair lua="$OUT_DIR/book-cancel.lua"
	local -A kv=()

	[[ $DEFINED != *" $name "* ]] || die "target '$name' defined twice"
	DEFINED+="$name "
	bench_selected "$name" || return 0
	echo "bench: $name: POST /api/v1/appointments + /cancel pairs (${WARMUP} warm-up, $DURATION)" >&2
	NAMES+=("$name")
	RPS[$name]="-" P50[$name]="-" P99[$name]="-" ERRS[$name]="-"
	tok=$(bench_login bench-appt-booker@bench.test 'Concierge-Dev-2026!')
	prov=benchapptprovideraaaaaaaaa
	appt_lua >"$lua"
	for phase in warmup measure; do
		# Visits left booked by the last run would collide with the same times.
		appt_sql "UPDATE appointments SET status = 'cancelled' WHERE provider_id = '$prov' AND status = 'scheduled'"
		[[ $phase == warmup && $WARMUP =~ ^0+[smh]?$ ]] && continue
		rm -f "$OUT_DIR/$name.result"
		BENCH_TOKEN=$tok BENCH_PROVIDER=$prov BENCH_OFFSET=$([[ $phase == warmup ]] && echo 0 || echo 500000) BENCH_OUT="$OUT_DIR/$name.result" \
		    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$([[ $phase == warmup ]] && echo "$WARMUP" || echo "$DURATION")" \
		    --timeout "$TIMEOUT" -s "$lua" "$BASE_URL" >"$OUT_DIR/$name.wrk.txt" 2>&1 || true
	done
	appt_sql "UPDATE appointments SET status = 'cancelled' WHERE provider_id = '$prov' AND status = 'scheduled'"
	if [ ! -s "$OUT_DIR/$name.result" ]; then
		fail "$name: wrk gave no result, see var/bench/$name.wrk.txt"
		return 0
	fi
	line=$(<"$OUT_DIR/$name.result")
	echo "$line" >>"$OUT_DIR/last.raw.tmp"
	for pair in $line; do
		kv[${pair%%=*}]=${pair#*=}
	done
	RPS[$name]=${kv[rps]} P50[$name]=${kv[p50_ms]} P99[$name]=${kv[p99_ms]}
	ERRS[$name]=$((kv[non2xx] + kv[errors]))
	((kv[non2xx] == 0)) || fail "$name: ${kv[non2xx]} responses not 2xx (first: ${kv[bad_status]})"
	((kv[errors] == 0)) || fail "$name: ${kv[errors]} socket errors"
	((kv[pairs] > 0)) || fail "$name: no pair completed"
}

if bench_selected appt-list || bench_selected book-cancel; then
	appt_bench_data
fi
appt_from=$(date -u +%Y-%m-%dT%H:%M:%SZ)
appt_tok=""
bench_selected appt-list && appt_tok=$(bench_login bench-appt-patient@bench.test 'Concierge-Dev-2026!')
BENCH_EXPECT='"next_cursor":"' bench_target appt-list GET \
	"/api/v1/appointments?from=$appt_from" "" "Authorization: Bearer $appt_tok"
appt_book_cancel
