#!/usr/bin/env bash
# bench/cluster.sh: the cluster bench (scripts/dev cluster bench): the
# same requests against the single server (nginx on PORT, one MariaDB)
# and the 3-node Galera cluster (nginx on CONCIERGE_CLUSTER_PORT, a copy
# of every worker per node), in one run, reported as cluster/single
# ratios (docs/SCALING.md, "Capacity"):
#   appt-list   GET /api/v1/appointments as one patient (a read + its audit row)
#   book-spread POST /api/v1/appointments: 500 patients, 50 providers,
#               random 30-minute slots over 12 years (almost no overlaps)
#   book-hot    the same, one provider only (one hot row: its fence)
# BENCH_SECONDS (5), BENCH_CONNS (16) per measurement; wrk -t2.
set -uo pipefail
ROOT=${CONCIERGE_ROOT:?}
PORT=${PORT:?}
CPORT=${CONCIERGE_CLUSTER_PORT:?}
SECS=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNS:-16}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

b32() { echo "REPLACE(REPLACE(REPLACE(REPLACE($1, '0', 'q'), '1', 'r'), '8', 's'), '9', 't')"; }

# fill SOCKET: 50 providers and 500 patients with sessions (ids bclv.../bclp...).
fill() {
	mariadb --no-defaults --socket="$1" -uroot -N concierge <<SQL || exit 1
INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
	SELECT CONCAT('bclv', LPAD($(b32 seq), 22, 'a')), CONCAT('bcl-v', seq, '@bench.test'),
	    CONCAT('bcl-v', seq, '@bench.test'), 'provider', 'x', 'Bench Provider', NOW(6), NOW(6) FROM seq_1_to_50
	UNION ALL
	SELECT CONCAT('bclp', LPAD($(b32 seq), 22, 'a')), CONCAT('bcl-p', seq, '@bench.test'),
	    CONCAT('bcl-p', seq, '@bench.test'), 'patient', 'x', 'Bench Patient', NOW(6), NOW(6) FROM seq_1_to_500;
INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled)
	SELECT CONCAT('bclv', LPAD($(b32 seq), 22, 'a')), 1, 1 FROM seq_1_to_50;
INSERT IGNORE INTO patient_profiles (user_id, medical_record_number)
	SELECT CONCAT('bclp', LPAD($(b32 seq), 22, 'a')), CONCAT('BCL', seq) FROM seq_1_to_500;
INSERT IGNORE INTO provider_availability (provider_id, timezone, updated_at)
	SELECT CONCAT('bclv', LPAD($(b32 seq), 22, 'a')), 'UTC', NOW(6) FROM seq_1_to_50;
INSERT IGNORE INTO availability_weekly (provider_id, weekday, start_min, end_min)
	SELECT CONCAT('bclv', LPAD($(b32 a.seq), 22, 'a')), b.seq, 0, 1440 FROM seq_1_to_50 a JOIN seq_0_to_6 b;
DELETE FROM sessions WHERE id LIKE 'bclp%';
INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at)
	SELECT CONCAT('bclp', LPAD($(b32 seq), 22, 'a')), CONCAT('bclp', LPAD($(b32 seq), 22, 'a')),
	    UNHEX(SHA2(CONCAT('bcltok', LPAD(seq, 37, '0')), 256)), NOW(6), NOW(6), NOW(6) + INTERVAL 1 DAY
	FROM seq_1_to_500;
SQL
}

# lua NPROV: the wrk script of a booking bench over NPROV providers.
lua() {
	local provs
	provs=$(mariadb --no-defaults --socket="$ROOT/var/run/mysqld.sock" -uroot -N concierge \
		-e "SELECT CONCAT('\"', user_id, '\"') FROM provider_profiles WHERE user_id LIKE 'bclv%' ORDER BY user_id LIMIT $1" | paste -sd,)
	cat <<LUA
local provs = { $provs }
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n) end
function init() math.randomseed(os.time() * 7 + tid) end
request = function()
	local p = math.random(1, 500)
	local tok = string.format("bcltok%037d", p)
	local t = 1830297600 + math.random(0, 12 * 52 * 7 * 48) * 1800
	local body = string.format('{"provider_id":"%s","start_at":"%s","duration_minutes":30,"visit_type":"video"}',
		provs[math.random(1, #provs)], os.date("!%Y-%m-%dT%H:%M:00Z", t))
	return wrk.format("POST", "/api/v1/appointments",
		{ ["Authorization"] = "Bearer " .. tok, ["Content-Type"] = "application/json" }, body)
end
LUA
}

# run NAME URL [SCRIPT]: requests/s and the non-2xx count of one wrk run.
run() {
	local out rps non
	out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" ${3:+-s "$3"} -H "Authorization: Bearer $TOK" "$2" 2>&1)
	rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
	non=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
	printf '%s %s %s\n' "$1" "${rps:-0}" "${non:-0}"
}

fill "$ROOT/var/run/mysqld.sock"
fill "$ROOT/var/cluster/run/node-1.sock"
lua 50 >"$TMP/spread.lua"
lua 1 >"$TMP/hot.lua"
TOK=$(printf 'bcltok%037d' 1)
list="/api/v1/appointments?from=2026-01-01T00:00:00Z"

printf '%-12s %10s %8s %10s %8s %7s\n' TARGET SINGLE NON2XX CLUSTER NON2XX RATIO
for t in appt-list book-spread book-hot; do
	case $t in
	appt-list) s=""; path=$list ;;
	book-spread) s=$TMP/spread.lua; path=/api/v1/appointments ;;
	book-hot) s=$TMP/hot.lua; path=/api/v1/appointments ;;
	esac
	read -r _ r1 n1 < <(run "$t" "http://127.0.0.1:$PORT$path" "$s")
	read -r _ r2 n2 < <(run "$t" "http://127.0.0.1:$CPORT$path" "$s")
	printf '%-12s %10s %8s %10s %8s %7s\n' "$t" "$r1" "$n1" "$r2" "$n2" \
		"$(awk -v a="$r1" -v b="$r2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')"
done
