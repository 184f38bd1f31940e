#!/usr/bin/env bash
# e2e-apache: the shipped Apache configurations, proven with Debian's apache2
# (tests/apache/apache-lib.sh: its own ServerRoot under var/apache, a free
# loopback port, run wholly as www-data) on the same worker binaries and the
# same database as the nginx stack.
#
#   1. apache/concierge.conf and concierge-cgi.conf route every location of
#      nginx/production.conf to the same worker, with the same routing block.
#   2. mod_fcgid: sign-up, login, problem replies (404/405/413/422), headers,
#      the events worker without nchan; then existing e2e scripts with
#      CONCIERGE_BASE_URL pointed at Apache: the booking race
#      (e2e-appointments-race.sh, 20 racers) and attachment upload and
#      download (e2e-attachments-upload.sh). Their assertions count here.
#   3. plain CGI (mod_cgid, concierge-cgi.conf): sign-up, login, problems,
#      no worker process outlives its request, and a query string that
#      Apache passes as the command line is ignored.
#   4. .htaccess only (apache/htaccess.example, CGI): the same checks.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/../apache/apache-lib.sh"

need_build
# Replies through Apache are not the contract run's recordings (those are
# the nginx stack's): Apache's own errors and headers are not the API's.
unset CONCIERGE_RECORD_DIR
apache_setup
PW='amber-lantern-orchard-58'

# ---- 1. routing: the same as nginx -----------------------------------------
# route_of FILE PATH: the binary FILE's AliasMatch / RewriteRule maps PATH to.
route_of() {
	local file=$1 path=$2 re target
	while read -r re target; do
		re=${re//\"/}
		target=${target//\"/}
		[[ $re == *'(?!'* ]] && continue
		if [[ $path =~ $re ]]; then
			target=${target//\$1/${BASH_REMATCH[1]-}}
			target=${target##*/}
			target=${target%.cgi}
			printf '%s' "${target#concierge-}"
			return
		fi
	done < <(sed -n -e 's/^AliasMatch \("[^"]*"\) \("[^"]*"\)$/\1 \2/p' \
		-e 's|^RewriteRule ^\(api/v1/[^ ]*\) \([^ ]*\) \[END\]$|^/\1 \2|p' \
		-e 's|^RewriteRule ^\(healthz/[^ ]*\) \([^ ]*\) \[END\]$|^/\1 \2|p' "$file")
	printf 'none'
}
# Every nginx location with a fastcgi_pass, as a path it matches and the
# worker of its upstream.
nginx_routes() {
	sed -n -E 's/^ *location (= )?(\/[^ ]+) +\{ *fastcgi_pass concierge_([a-z]+);.*/\2 \3/p' \
		"$SRCDIR/nginx/production.conf"
	sed -n -E '/^ *location (= )?\/[^ ~]+ *\{ *$/{N;s/^ *location (= )?(\/[^ ]+) *\{\n *fastcgi_pass concierge_([a-z]+);.*/\2 \3/p}' \
		"$SRCDIR/nginx/production.conf"
}
n=0
bad=
while read -r loc w; do
	[[ -n $loc ]] || continue
	for p in "$loc" "${loc%/}/x/y"; do
		[[ $loc == */ ]] || [[ $p == "$loc" ]] || continue
		for f in concierge.conf concierge-cgi.conf htaccess.example; do
			got=$(route_of "$SRCDIR/apache/$f" "$p")
			[[ $got == "$w" ]] || bad+=" $f:$p->$got(want $w)"
		done
		n=$((n + 1))
	done
done < <(nginx_routes | sort -u)
ok $((n >= 40 ? 0 : 1)) "nginx/production.conf gives $n paths to check"
is "${bad# }" "" "every nginx location reaches the same worker in all three Apache files"
is "$(grep '^AliasMatch\|^Alias ' "$SRCDIR/apache/concierge.conf" | md5sum)" \
	"$(grep '^AliasMatch\|^Alias ' "$SRCDIR/apache/concierge-cgi.conf" | md5sum)" \
	"concierge.conf and concierge-cgi.conf: the same routing block"
is "$(route_of "$SRCDIR/apache/concierge.conf" /api/v1/nope)" none "an unknown prefix reaches no worker"

# ---- checks run under every mode ---------------------------------------------
# problem_is WHAT STATUS [CODE]: the last reply is that problem+json.
problem_is() {
	is "$STATUS" "$2" "$MODE: $1: $2"
	is "$(header Content-Type)" application/problem+json "$MODE: $1: problem+json"
	is "$(jq -r '.status' <<<"$BODY" 2>&1)" "$2" "$MODE: $1: its status in the body"
	[[ -z ${3:-} ]] || is "$(jq -r .code <<<"$BODY" 2>&1)" "$3" "$MODE: $1: code $3"
}

# core_checks: sign-up, login, problems, headers through $BASE.
core_checks() {
	local email uid tok rid before
	email=$(uniq_email)
	before=$(counts)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$email" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Apache Tester"}')"
	is "$STATUS" 201 "$MODE: sign-up: 201"
	uid=$(jq -r .user.id <<<"$BODY")
	is "$(sql "SELECT role FROM users WHERE id = '$uid' AND email = $(sql_str "$email")")" patient \
		"$MODE: sign-up: the user row"
	rid=$(header X-Request-Id)
	like "$rid" '^[A-Za-z0-9@_-]{20,64}$' "$MODE: sign-up: X-Request-Id (mod_unique_id)"
	is "$(sql "SELECT COUNT(*) FROM audit_log WHERE request_id = $(sql_str "$rid") AND entity_id = '$uid'")" 1 \
		"$MODE: sign-up: its audit row carries that request id"
	is "$(grep -ci '^x-request-id:' <<<"$HEADERS"):$(grep -ci '^cache-control:' <<<"$HEADERS")" 1:1 \
		"$MODE: X-Request-Id and Cache-Control once each"
	is "$(header X-Content-Type-Options)" nosniff "$MODE: security headers"

	before=$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$uid'")
	tok=$(login "$email" "$PW")
	ok $? "$MODE: login: 200 with a token"
	is "$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$uid'")" $((before + 1)) "$MODE: login: one session row"
	is "$(sql "SELECT CONCAT(ip, ' ', outcome) FROM audit_log WHERE actor_id = '$uid' AND action = 'login' ORDER BY id DESC LIMIT 1")" \
		"127.0.0.1 success" "$MODE: login: audited with the client address (REMOTE_ADDR)"
	api GET /api/v1/me "" -H "Authorization: Bearer $tok"
	is "$STATUS:$(jq -r .user.id <<<"$BODY")" "200:$uid" "$MODE: the bearer token reaches the worker (GET /api/v1/me)"

	# Problems: the worker's own, and Apache's.
	before=$(counts)
	api POST /api/v1/auth/signup '{"email":"x@example.test","password":"amber-lantern-orchard-58","role":"patient","full_name":"X","shoe_size":44}'
	problem_is "unknown field" 422 validation
	is "$(delta "$before" "$(counts)")" none "$MODE: 422: nothing written"
	api DELETE /api/v1/auth/login
	problem_is "DELETE /api/v1/auth/login" 405 method_not_allowed
	like "$(header Allow)" POST "$MODE: 405: Allow names POST"
	api GET /api/v1/appointments/nope/nope/nope "" -H "Authorization: Bearer $tok"
	problem_is "a worker's unknown route" 404 not_found
	api GET /api/v1/nope
	problem_is "outside every prefix (Apache)" 404
	is "$(jq -r .detail <<<"$BODY")" "no such route" "$MODE: Apache's 404 body is nginx's"
	api GET /
	problem_is "GET / (Apache)" 404
	api GET /api/v1/me "" -H "Authorization: Bearer nope"
	problem_is "a bad token" 401
	api GET /healthz/records
	is "$STATUS:$BODY" '200:{"status":"ok","worker":"records","db":"ok"}' "$MODE: /healthz/records"
}

# big_body: a 2 MiB JSON body is refused before any worker sees it.
big_body() {
	local before
	head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T_TMP/big.json"
	before=$(counts)
	api_raw POST /api/v1/auth/signup -H 'Content-Type: application/json' --data-binary "@$T_TMP/big.json"
	problem_is "a 2 MiB JSON body" 413
	is "$(delta "$before" "$(counts)")" none "$MODE: 413: nothing written"
}

# relay SCRIPT [VAR=value...]: run an e2e script against $BASE; its
# assertions become ours. An assertion named in NGINX_ONLY ("name
# substring" -> "what Apache answers|why") that fails with exactly that
# answer counts as passed under its Apache expectation; any other failure
# fails.
declare -A NGINX_ONLY=()
relay() {
	local script=$1 name line next n=0 rc i k got
	local -a lines
	shift
	name=${script##*/}
	name=${name%.sh}
	env "$@" CONCIERGE_BASE_URL="$BASE" CONCIERGE_CONFIG="$A_CONF" CONCIERGE_E2E_LOCK_HELD=1 \
		CONCIERGE_BUILD_DIR="$BUILD" bash "$SRCDIR/tests/e2e/$script" >"$T_TMP/$name.tap" 2>&1
	rc=$?
	mapfile -t lines <"$T_TMP/$name.tap"
	for ((i = 0; i < ${#lines[@]}; i++)); do
		line=${lines[$i]}
		case $line in
		"ok "*) ok 0 "$MODE: $name: ${line#ok * - }"; n=$((n + 1)) ;;
		"not ok "*)
			line=${line#not ok * - }
			n=$((n + 1))
			next=${lines[$((i + 1))]:-}
			got=
			[[ $next =~ ^#\ +got:\ \'(.*)\'$ ]] && got=${BASH_REMATCH[1]}
			for k in "${!NGINX_ONLY[@]}"; do
				if [[ $line == *"$k"* && $got == "${NGINX_ONLY[$k]%%|*}" ]]; then
					ok 0 "$MODE: $name: $line -- Apache answers $got (${NGINX_ONLY[$k]#*|})"
					continue 2
				fi
			done
			ok 1 "$MODE: $name: $line"
			;;
		"#"*) printf '%s\n' "$line" ;;
		"Bail out!"*) diag "$name: $line" ;;
		esac
	done
	# A failure the script counted makes it exit 0 too; its death does not.
	is "$rc" 0 "$MODE: $name ran to its end ($n assertions)"
}

# ---- 2. mod_fcgid ------------------------------------------------------------
MODE=fcgid
apache_start fcgid fcgid
BASE=$A_URL
core_checks
big_body
# The processes: started by mod_fcgid, FastCGI on fd 0, no --listen, not
# ours. (The workers log to Apache's ErrorLog.)
wpid=$(pgrep -u "$A_USER" -f "$A_VAR/libexec/concierge-auth" | head -n 1)
ok $([[ -n $wpid ]]; echo $?) "fcgid: an auth worker process runs as $A_USER"
is "$(tr '\0' ' ' <"/proc/$wpid/cmdline" 2>/dev/null)" "$A_VAR/libexec/concierge-auth " \
	"fcgid: started by mod_fcgid with no arguments"
like "$(readlink "/proc/$wpid/fd/0")" '^socket:' "fcgid: fd 0 is mod_fcgid's socket"
like "$(grep -c 'request: POST /api/v1/auth/signup' "$A_LOG")" '^[1-9]' "fcgid: the workers log to the ErrorLog"
# Events without nchan: the worker answers JSON and holds long-polls itself.
tok=$(login patient1@demo.test "$DEMO_PASSWORD")
api GET "/api/v1/events?after=0&limit=1" "" -H "Authorization: Bearer $tok"
is "$STATUS:$(jq -r '.data | type' <<<"$BODY")" 200:array "fcgid: GET /api/v1/events: JSON from the worker"
last=$(sql "SELECT COALESCE(MAX(id), 0) FROM events")
t0=$(date +%s%N)
api GET "/api/v1/events?after=$last&wait=1" "" -H "Authorization: Bearer $tok"
t1=$(date +%s%N)
is "$STATUS:$(jq -c .data <<<"$BODY")" '200:[]' "fcgid: a long-poll with nothing new ends empty"
ok $(((t1 - t0) >= 900000000 ? 0 : 1)) "fcgid: ... after being held (wait=1)"
# Apache keeps the Upgrade header from the worker: a WebSocket client gets
# the JSON reply (no 101) and must long-poll instead.
api GET "/api/v1/events?after=$last" "" -H "Authorization: Bearer $tok" -H 'Upgrade: websocket' -H 'Connection: Upgrade'
is "$STATUS:$(jq -r '.data | type' <<<"$BODY")" 200:array "fcgid: a WebSocket upgrade: no 101, the JSON reply"

# Warm mod_fcgid's pool up first: it starts processes only when a request
# finds none idle, and one process can serve a burst of fast requests in
# turn. The race needs several processes at once.
# A month of a provider's slots is a request of some milliseconds.
prov=$(sql "SELECT id FROM users WHERE email = 'provider1@demo.test'")
for ((i = 0; i < 10; i++)); do
	seq 1 24 | xargs -P 24 -I{} curl -s -o /dev/null --max-time 10 -H "Authorization: Bearer $tok" \
		"$BASE/api/v1/slots?provider_id=$prov&from=2027-02-01T00:00:00Z&to=2027-03-01T00:00:00Z&duration_minutes=15"
	nproc=$(pgrep -c -u "$A_USER" -f "$A_VAR/libexec/concierge-appointments")
	((nproc >= 3)) && break
done
ok $((nproc >= 2 ? 0 : 1)) "fcgid: mod_fcgid runs $nproc appointments processes for the race"
diag "seconds so far: $SECONDS"
relay e2e-appointments-race.sh APPT_RACE_N=20 APPT_RACE_LOG="$A_LOG" APPT_RACE_MIN_PIDS=1
# Apache's HTTP parser refuses a header with a control byte (400, its
# problem+json) before any worker sees it; nginx passes it on and the worker
# answers 422.
NGINX_ONLY["X-Filename with a control character: 422"]="400|Apache refuses the header itself"
NGINX_ONLY["X-Filename with a control character: problem validation"]="null|Apache's 400 problem has no code"
diag "seconds so far: $SECONDS"
relay e2e-attachments-upload.sh
diag "seconds so far: $SECONDS"
NGINX_ONLY=()
apache_stop

# ---- 3. plain CGI (mod_cgid) ---------------------------------------------------
diag "seconds so far: $SECONDS"
MODE=cgi
apache_start cgi cgi
BASE=$A_URL
core_checks
big_body
# A query string without "=" becomes the CGI's command line (RFC 3875):
# the workers ignore it, so a client cannot start a daemon or the sweeper.
api GET "/healthz/auth?--listen+unix:$T_TMP/x.sock+--children+4"
is "$STATUS:$(jq -r .worker <<<"$BODY")" 200:auth "cgi: ?--listen+... is no command line: a health reply"
ok $([[ ! -e $T_TMP/x.sock ]]; echo $?) "cgi: ... and no socket was bound"
api GET "/api/v1/waiting-room?sweep+--once"
is "$STATUS" 401 "cgi: ?sweep+--once runs no sweeper: the worker asks for a token"
wait_until 5 '! pgrep -u "$A_USER" -f "$A_VAR/libexec/concierge-" >/dev/null'
ok $? "cgi: no worker process outlives its request"
like "$(grep -c 'request: POST /api/v1/auth/signup' "$A_LOG")" '^[1-9]' "cgi: the workers' stderr reaches the ErrorLog"
apache_stop

# ---- 4. .htaccess only ------------------------------------------------------------
diag "seconds so far: $SECONDS"
MODE=htaccess
apache_start htaccess htaccess
BASE=$A_URL
core_checks
api GET /concierge-bin/concierge-auth.cgi
problem_is "a binary by its own URL" 404
apache_stop

diag "seconds in all: $SECONDS"
done_testing
