# bench/targets.d/60-waitingroom.sh: the waiting room (issue 11).
#
# wr-poll: GET /api/v1/waiting-room/entries/{id} as the patient of one of
#   200 entries waiting across 20 providers (10 each): two round trips,
#   the session and one query (wr_store_entry_view) for the entry by
#   primary key, the provider's queue (an index range of at most 10 rows,
#   a primary-key join each), presence and running session, and the
#   current announcements; the estimate is computed in C over those rows.
#   No audit row: a patient polling their own entry is not audited
#   (docs/WAITINGROOM.md).
# wr-admit: "admit next" followed by the end of the session it started,
#   measured as pairs/s (wrk with its own Lua script, like book-cancel).
#   1000 providers with 12 waiting patients each (half for the warm-up,
#   half measured), taken round robin so one provider never has two
#   requests in flight; each pair runs two
#   transactions (presence lock, CAS of entry and appointment, session
#   insert, sealed 'started'/'ended' log events, audit rows, events to
#   everyone behind in the queue, a provider_ready outbox row). Its
#   "requests/s" column is pairs/s; p50/p99 are per request.
#
# Data, as root with the Sequence engine: wr-poll's is made once (ids
# "bnwrpoll..."); wr-admit's providers and sessions once ("bnwradm...",
# tokens "benchwrtoken..."; verified only while wr-admit runs), and 12000
# fresh appointments and entries per
# run (a random run tag in their ids), since an admitted appointment
# never waits again. No test or demo account is touched.

wr_sql() {
	"$(command -v mariadb || command -v mysql)" --socket="$DB_SOCKET" -uroot -N concierge -e "$1"
}

# wr_bid PREFIX EXPR: SQL for a 26-character id, PREFIX then EXPR's digits as letters.
wr_bid() {
	echo "CONCAT('$1', REPLACE(REPLACE(REPLACE(REPLACE(LPAD($2, $((26 - ${#1})), '0'), '0', 'a'), '1', 'b'), '8', 'i'), '9', 'j'))"
}

wr_poll_data() {
	wr_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT $(wr_bid bnwrpollprov seq), CONCAT('bench-wr-prov-', seq, '@bench.test'),
		    CONCAT('bench-wr-prov-', seq, '@bench.test'), 'provider', 'x', 'Bench Provider', NOW(6), NOW(6)
		FROM seq_1_to_20;
	INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled)
		SELECT $(wr_bid bnwrpollprov seq), 1, 1 FROM seq_1_to_20;
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT $(wr_bid bnwrpollpat seq), IF(seq = 95, 'bench-wr-patient@bench.test', CONCAT('bench-wr-pat-', seq, '@bench.test')),
		    IF(seq = 95, 'bench-wr-patient@bench.test', CONCAT('bench-wr-pat-', seq, '@bench.test')), 'patient',
		    (SELECT password_hash FROM users WHERE email = 'patient1@demo.test'), 'Bench Patient', NOW(6), NOW(6)
		FROM seq_1_to_200;
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number)
		SELECT $(wr_bid bnwrpollpat seq), CONCAT('BWRP', seq) FROM seq_1_to_200;
	INSERT IGNORE INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT $(wr_bid bnwrpollapp seq), $(wr_bid bnwrpollprov '1 + seq % 20'), $(wr_bid bnwrpollpat seq),
		    UTC_TIMESTAMP(6) + INTERVAL (seq DIV 20) * 15 MINUTE,
		    UTC_TIMESTAMP(6) + INTERVAL (seq DIV 20) * 15 + 15 MINUTE, 'checked_in', 'video',
		    $(wr_bid bnwrpollpat seq), NOW(6), NOW(6) FROM seq_1_to_200;
	INSERT IGNORE INTO waiting_room_entries (id, appointment_id, provider_id, patient_id, status,
		    appt_start_at, booked_minutes, checked_in_at, checked_in_by, last_heartbeat_at, updated_at)
		SELECT $(wr_bid bnwrpollent seq), a.id, a.provider_id, a.patient_id, 'waiting', a.start_at, 15,
		    UTC_TIMESTAMP(6), a.patient_id, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
		FROM seq_1_to_200 JOIN appointments a ON a.id = $(wr_bid bnwrpollapp seq);
	UPDATE appointments SET status = 'checked_in' WHERE id LIKE 'bnwrpollapp%';
	UPDATE waiting_room_entries SET status = 'waiting', away_since = NULL, ended_at = NULL,
		last_heartbeat_at = UTC_TIMESTAMP(6) WHERE id LIKE 'bnwrpollent%';
	INSERT INTO waiting_room_announcements (id, provider_id, text, created_by, created_at, expires_at)
		SELECT $(wr_bid bnwrpollann "UNIX_TIMESTAMP() % 100000000"), $(wr_bid bnwrpollprov 16), 'Running 5 minutes late',
		    $(wr_bid bnwrpollprov 16), UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 1 HOUR;
	ANALYZE TABLE waiting_room_entries;" >/dev/null || die "waitingroom: cannot create the wr-poll data"
}

WR_PROVIDERS=1000
WR_PER_PROVIDER=12

wr_admit_data() {
	local tag n=$((WR_PROVIDERS * WR_PER_PROVIDER))
	tag=$(head -c 10 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | tr -d '0189' | head -c 3)
	wr_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT $(wr_bid bnwradmprov seq), CONCAT('bench-wr-adm-', seq, '@bench.test'),
		    CONCAT('bench-wr-adm-', seq, '@bench.test'), 'provider', 'x', 'Bench Provider', NOW(6), NOW(6)
		FROM seq_1_to_$WR_PROVIDERS;
	INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled)
		SELECT $(wr_bid bnwradmprov seq), 1, 1 FROM seq_1_to_$WR_PROVIDERS;
	UPDATE provider_profiles SET is_verified = 1 WHERE user_id LIKE 'bnwradmprov%';
	INSERT IGNORE INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at)
		SELECT $(wr_bid bnwradmsess seq), $(wr_bid bnwradmprov seq),
		    UNHEX(SHA2(CONCAT('benchwrtoken', LPAD(seq, 31, 'x')), 256)), NOW(6), NOW(6), NOW(6) + INTERVAL 1 DAY
		FROM seq_1_to_$WR_PROVIDERS;
	UPDATE sessions SET last_seen_at = NOW(6), expires_at = NOW(6) + INTERVAL 1 DAY WHERE id LIKE 'bnwradmsess%';
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT $(wr_bid bnwradmpat seq), CONCAT('bench-wr-admpat-', seq, '@bench.test'),
		    CONCAT('bench-wr-admpat-', seq, '@bench.test'), 'patient', 'x', 'Bench Patient', NOW(6), NOW(6)
		FROM seq_1_to_100;
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number)
		SELECT $(wr_bid bnwradmpat seq), CONCAT('BWRA', seq) FROM seq_1_to_100;
	UPDATE video_sessions SET status = 'ended', running_provider_id = NULL, ended_at = UTC_TIMESTAMP(6),
		end_reason = 'provider', duration_seconds = 0 WHERE running_provider_id LIKE 'bnwradmprov%';
	UPDATE waiting_room_entries SET status = 'removed', ended_at = UTC_TIMESTAMP(6)
		WHERE provider_id LIKE 'bnwradmprov%' AND status IN ('waiting', 'away');
	INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT $(wr_bid "bnwra${tag}p" seq), $(wr_bid bnwradmprov "1 + seq % $WR_PROVIDERS"),
		    $(wr_bid bnwradmpat '1 + seq % 100'),
		    UTC_TIMESTAMP(6) + INTERVAL (seq DIV $WR_PROVIDERS) * 20 MINUTE,
		    UTC_TIMESTAMP(6) + INTERVAL (seq DIV $WR_PROVIDERS) * 20 + 20 MINUTE, 'checked_in', 'video',
		    $(wr_bid bnwradmpat '1 + seq % 100'), NOW(6), NOW(6) FROM seq_0_to_$((n - 1));
	INSERT INTO waiting_room_entries (id, appointment_id, provider_id, patient_id, status,
		    appt_start_at, booked_minutes, checked_in_at, checked_in_by, last_heartbeat_at, updated_at)
		SELECT $(wr_bid "bnwra${tag}e" seq), a.id, a.provider_id, a.patient_id, 'waiting', a.start_at, 20,
		    UTC_TIMESTAMP(6), a.patient_id, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
		FROM seq_0_to_$((n - 1)) JOIN appointments a ON a.id = $(wr_bid "bnwra${tag}p" seq);" >/dev/null ||
	    die "waitingroom: cannot create the wr-admit data"
}

wr_lua() {
	cat <<'LUA'
local env = os.getenv
-- warm-up and measurement use separate halves of the providers: an admit
-- still in flight when the warm-up stops must not meet the measurement.
local nproviders = tonumber(env("BENCH_PROVIDERS"))
local base = tonumber(env("BENCH_BASE") or "0")
local threads = {}
function setup(thread) thread:set("tid", #threads); table.insert(threads, thread) end
function init(args)
	queue = {}; n = 0; pairs_done = 0; non2xx = 0; first_bad = 0
	nthreads = tonumber(env("BENCH_THREADS"))
end
local function token(k)
	return "benchwrtoken" .. string.rep("x", 31 - #tostring(k)) .. tostring(k)
end
-- The provider who admitted, from the reply: "bnwradmprov" then its number
-- with the digits 0 1 8 9 written a b i j (wr_bid).
local function token_of(body)
	local pid = body:match('"started_by":"([^"]+)"') or ""
	local d = pid:sub(12):gsub("a", "0"):gsub("b", "1"):gsub("i", "8"):gsub("j", "9")
	return token(tonumber(d))
end
function request()
	if #queue > 0 then
		local job = table.remove(queue)
		return wrk.format("POST", "/api/v1/video-sessions/" .. job[2] .. "/end",
		    { ["Authorization"] = "Bearer " .. job[1], ["Content-Type"] = "application/json" }, "{}")
	end
	-- this thread's providers in turn: tid + 1, tid + 1 + nthreads, ...
	local k = base + 1 + tid + (n % math.floor(nproviders / nthreads)) * nthreads
	n = n + 1
	local t = token(k)
	return wrk.format("POST", "/api/v1/waiting-room/admit",
	    { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }, "{}")
end
function response(status, hdrs, body)
	if status == 201 then
		local sid = body:match('"video_session":{"id":"([^"]+)"')
		table.insert(queue, { token_of(body), sid })
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
	f:write(string.format("name=wr-admit requests=%d pairs=%d duration_s=%.2f rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d bad_status=%s errors=%d\n",
	    summary.requests, p, secs, p / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
	    bad, fb, e.connect + e.read + e.write + e.timeout))
	f:close()
end
LUA
}

# wr_admit: measured like a bench_target, reported in the same table.
wr_admit() {
	local name=wr-admit line pair lua="$OUT_DIR/wr-admit.lua"
	local -A kv=()

	[[ $DEFINED != *" $name "* ]] || die "target '$name' defined twice"
	DEFINED+="$name "
	bench_selected "$name" || return 0
	echo "bench: $name: POST /api/v1/waiting-room/admit + /video-sessions/{id}/end pairs (${WARMUP} warm-up, $DURATION)" >&2
	NAMES+=("$name")
	RPS[$name]="-" P50[$name]="-" P99[$name]="-" ERRS[$name]="-"
	wr_lua >"$lua"
	for phase in warmup measure; do
		[[ $phase == warmup && $WARMUP =~ ^0+[smh]?$ ]] && continue
		# Fresh queues for each phase: 12 waiting patients per provider.
		wr_admit_data
		rm -f "$OUT_DIR/$name.result"
		BENCH_PROVIDERS=$((WR_PROVIDERS / 2)) BENCH_BASE=$([[ $phase == warmup ]] && echo 0 || echo $((WR_PROVIDERS / 2))) \
		    BENCH_THREADS=$THREADS BENCH_OUT="$OUT_DIR/$name.result" \
		    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$([[ $phase == warmup ]] && echo "$WARMUP" || echo "$DURATION")" \
		    --timeout "$TIMEOUT" -s "$lua" "$BASE_URL" >"$OUT_DIR/$name.wrk.txt" 2>&1 || true
	done
	# Verified only while measured: a thousand extra providers would crowd
	# the directory the tests page through.
	# Patients still queued are sent home, so no sweeper works through them.
	wr_sql "UPDATE provider_profiles SET is_verified = 0 WHERE user_id LIKE 'bnwradmprov%';
	    UPDATE waiting_room_entries SET status = 'removed', ended_at = UTC_TIMESTAMP(6)
		WHERE provider_id LIKE 'bnwradmprov%' AND status IN ('waiting', 'away')"
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

wr_tok=""
if bench_selected wr-poll; then
	wr_poll_data
	wr_tok=$(bench_login bench-wr-patient@bench.test 'Concierge-Dev-2026!')
fi
BENCH_EXPECT='"estimated_wait_minutes":' bench_target wr-poll GET \
	"/api/v1/waiting-room/entries/$(wr_sql "SELECT $(wr_bid bnwrpollent 95)")" "" "Authorization: Bearer $wr_tok"
wr_admit
