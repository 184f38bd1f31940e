#!/usr/bin/env bash
# e2e-foundation-health: every worker's health route through nginx, each
# worker's URL prefixes reach that worker (501 until built), unknown routes
# are 404 problems, and the demo accounts are seeded.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

WORKERS=(auth records appointments messaging waitingroom audit events graphql)

plan 115

# worker_log_lines WORKER REGEX: matching lines in that worker's log(s).
worker_log_lines() {
	local w=$1 re=$2 f n=0 c
	local -a files=("$ROOT/var/log/$w.log")
	[[ $w == records ]] && files=("$ROOT/var/log/records-1.log" "$ROOT/var/log/records-2.log")
	for f in "${files[@]}"; do
		c=$(grep -cF -- "$re" "$f" 2>/dev/null) || c=0
		n=$((n + c))
	done
	echo "$n"
}

# ---- health, 4 assertions per worker ----
for w in "${WORKERS[@]}"; do
	api GET "/healthz/$w"
	is "$STATUS" 200 "healthz/$w: 200"
	is "$BODY" "{\"status\":\"ok\",\"worker\":\"$w\",\"db\":\"ok\"}" "healthz/$w: body"
	is "$(header Content-Type)" application/json "healthz/$w: Content-Type"
	like "$(header X-Request-Id)" '^[0-9a-f]{32}$' "healthz/$w: X-Request-Id"
done

# ---- each worker's prefixes reach that worker, 5 assertions each ----
# "strict": a prefix whose routes come in a later issue answers 501. The
# others answer 501 until their routes land, then 401 (no token) or 405
# (no GET there) -- from the same worker, which the worker's log proves.
PREFIXES=(
	"records /api/v1/lab-results"
	"records /api/v1/treatment-plans/x"
	"auth /api/v1/users"
	"auth /api/v1/users/x/verify"
	"records /api/v1/patients"
	"records /api/v1/providers"
	"appointments /api/v1/appointments"
	"appointments /api/v1/slots"
	"messaging /api/v1/threads"
	"waitingroom /api/v1/waiting-room"
	"audit /api/v1/audit"
	"audit /api/v1/me/access-log"
	"events /api/v1/events"
)
for entry in "${PREFIXES[@]}"; do
	read -r w path strict <<<"$entry"
	pat="msg=\"request: GET $path "
	before=$(worker_log_lines "$w" "$pat")
	api GET "$path"
	if [[ -n $strict ]]; then
		is "$STATUS" 501 "GET $path: 501 (built in a later issue)"
	else
		like "$STATUS" '^(501|401|405)$' "GET $path: 501 until built, then 401/405"
	fi
	is "$(header Content-Type)" application/problem+json "GET $path: problem+json"
	is "$(jq -r .status <<<"$BODY" 2>&1)" "$STATUS" "GET $path: its status in the body"
	like "$(header X-Request-Id)" '^[0-9a-f]{32}$' "GET $path: X-Request-Id"
	# The request reached the worker that owns the prefix (it logged it).
	wait_until 2 '(($(worker_log_lines "$w" "$pat") > before))'
	ok $? "GET $path: answered by the $w worker"
done

# ---- unknown routes outside every prefix: nginx's own 404 problem ----
for path in /api/v1/nope /; do
	api GET "$path"
	is "$STATUS" 404 "GET $path: 404"
	is "$(header Content-Type)" application/problem+json "GET $path: problem+json"
	is "$(jq -r .status <<<"$BODY" 2>&1)" 404 "GET $path: status 404 in the body"
	like "$(header X-Request-Id)" '^[0-9a-f]{32}$' "GET $path: X-Request-Id"
done

# ---- demo accounts ----
DEMO="'patient1@demo.test','patient2@demo.test','provider1@demo.test',
	'provider2@demo.test','staff@demo.test','admin@demo.test','auditor@demo.test'"
is "$(sql "SELECT COUNT(*) FROM users WHERE email IN ($DEMO) AND is_disabled = 0")" 7 \
	"7 enabled demo accounts"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(email, '=', role) ORDER BY email SEPARATOR ' ')
	FROM users WHERE email IN ($DEMO)")" \
	"admin@demo.test=admin auditor@demo.test=auditor patient1@demo.test=patient patient2@demo.test=patient provider1@demo.test=provider provider2@demo.test=provider staff@demo.test=staff" \
	"demo accounts have their roles"
is "$(sql "SELECT COUNT(*) FROM provider_profiles p JOIN users u ON u.id = p.user_id
	WHERE u.email IN ('provider1@demo.test','provider2@demo.test') AND p.is_verified = 1")" 2 \
	"both demo providers are verified"
is "$(sql "SELECT COUNT(*) FROM patient_profiles p JOIN users u ON u.id = p.user_id
	WHERE u.email IN ('patient1@demo.test','patient2@demo.test')
	AND p.medical_record_number <> ''")" 2 \
	"both demo patients have a medical record number"
is "$(sql "SELECT COUNT(DISTINCT p.medical_record_number) FROM patient_profiles p
	JOIN users u ON u.id = p.user_id
	WHERE u.email IN ('patient1@demo.test','patient2@demo.test')")" 2 \
	"the demo patients' record numbers differ"
for email in patient1@demo.test provider1@demo.test staff@demo.test admin@demo.test auditor@demo.test; do
	role=${email%@*}
	role=${role%[0-9]}
	body=$(jq -cn --arg e "$email" --arg p "$DEMO_PASSWORD" '{email:$e,password:$p}')
	api POST /api/v1/auth/login "$body"
	is "$STATUS:$(jq -r .user.role <<<"$BODY" 2>&1)" "200:$role" "$email logs in with the dev password"
done
