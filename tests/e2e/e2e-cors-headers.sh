#!/usr/bin/env bash
# e2e-cors-headers: the CORS headers of every worker through nginx, with
# curl (docs/CORS.md): a preflight from the allowed origin (204, methods,
# headers, max age), from others (403, no CORS header; suffix, subdomain,
# scheme, case and trailing-slash tricks), the headers of actual replies
# (also problems), nothing written by a preflight; then a worker of our
# own with no cors.allowed_origins (no CORS header at all) and one with a
# wildcard (refuses to start).
. "$(dirname -- "$0")/lib.sh"
need_build
. "$(dirname -- "$0")/runtime-lib.sh"

read -r ORIGIN_A ORIGIN_B <"$ROOT/var/run/origin.port" 2>/dev/null ||
	bail "no var/run/origin.port: the origin server is not running (scripts/dev up starts it)"
ALLOWED=http://127.0.0.1:$ORIGIN_A
is "$(conf_get cors.allowed_origins)" "$ALLOWED" "the e2e stack's config lists the test origin"

# cors_headers: the Access-Control-* lines of the last reply, sorted.
cors_headers() { grep -i '^access-control-' <<<"$HEADERS" | sort; }

# ---- preflight from the allowed origin ----
c0=$(counts)
api_raw OPTIONS /api/v1/appointments -H "Origin: $ALLOWED" \
	-H 'Access-Control-Request-Method: POST' \
	-H 'Access-Control-Request-Headers: authorization,content-type,idempotency-key'
is "$STATUS" 204 "preflight from $ALLOWED: 204"
is "$(header Access-Control-Allow-Origin)" "$ALLOWED" "the origin echoed, not a wildcard"
is "$(header Access-Control-Allow-Methods)" "GET, POST, PUT, PATCH, DELETE" "the methods"
like "$(header Access-Control-Allow-Headers)" '^Authorization, Content-Type, Idempotency-Key(, |$)' \
	"Authorization, Content-Type and Idempotency-Key allowed"
is "$(header Access-Control-Max-Age)" 600 "max age from cors.max_age_seconds"
is "$(header Vary)" Origin "Vary: Origin"
is "$(header Access-Control-Allow-Credentials)" "" "never Allow-Credentials"
is "$BODY" "" "no body"
is "$(counts)" "$c0" "a preflight writes nothing (no audit row, no session)"

# Every worker answers preflights itself, before routing and without a token.
for p in /api/v1/auth/login /api/v1/patients/x /api/v1/appointments/x/cancel \
	/api/v1/threads /api/v1/waiting-room/check-in /api/v1/audit /api/v1/events; do
	api_raw OPTIONS "$p" -H "Origin: $ALLOWED" -H 'Access-Control-Request-Method: GET'
	is "$STATUS $(header Access-Control-Allow-Origin)" "204 $ALLOWED" "preflight of $p"
done

# ---- preflight from other origins: refused, no CORS header ----
for o in "http://127.0.0.1:$ORIGIN_B" "http://127.0.0.1:${ORIGIN_A}1" \
	"http://127.0.0.1:${ORIGIN_A:0:${#ORIGIN_A}-1}" "http://evil.127.0.0.1:$ORIGIN_A" \
	"https://127.0.0.1:$ORIGIN_A" "HTTP://127.0.0.1:$ORIGIN_A" "$ALLOWED/" \
	"$ALLOWED.evil.test" null; do
	api_raw OPTIONS /api/v1/appointments -H "Origin: $o" -H 'Access-Control-Request-Method: POST'
	is "$STATUS $(jq -r .code <<<"$BODY") [$(cors_headers)] $(header Vary)" \
		"403 cors_origin_refused [] Origin" "preflight from '$o' refused, no CORS header"
done
is "$(counts)" "$c0" "refused preflights write nothing"

# ---- actual requests ----
api_raw GET /healthz/records -H "Origin: $ALLOWED"
is "$STATUS $(header Access-Control-Allow-Origin)" "200 $ALLOWED" "a reply to the allowed origin names it"
like "$(header Access-Control-Expose-Headers)" '^X-Request-Id(, |$)' "X-Request-Id exposed"
like "$(header Access-Control-Expose-Headers)" 'Retry-After' "Retry-After exposed (429, 503)"
is "$(header Vary)" Origin "Vary: Origin"
api POST /api/v1/auth/login '{"email":"nobody@example.test","password":"wrong-password-1"}' -H "Origin: $ALLOWED"
is "$STATUS $(header Access-Control-Allow-Origin)" "401 $ALLOWED" "a problem reply carries them too (the page can read it)"
api_raw GET /api/v1/nothing-here -H "Origin: $ALLOWED"
is "$STATUS $(header Access-Control-Allow-Origin)" "404 " "nginx's own 404 for an unknown prefix has none (docs/CORS.md)"
api_raw GET /healthz/auth -H "Origin: http://127.0.0.1:$ORIGIN_B"
is "$STATUS [$(cors_headers)] $(header Vary)" "200 [] Origin" "another origin: the reply, no CORS header"
api_raw GET /healthz/auth
is "$STATUS [$(cors_headers)] $(header Vary)" "200 [] Origin" "no Origin: no CORS header, still Vary"
api_raw OPTIONS /api/v1/appointments -H "Origin: $ALLOWED"
is "$STATUS $(header Allow | tr -d ' ' | tr ',' '\n' | sort | paste -sd,)" "405 GET,POST" \
	"OPTIONS without Access-Control-Request-Method is not a preflight (routed: 405)"

# ---- event streams, held by nchan: the same origins, no credentials ----
TOK=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "cannot log in as patient1"
# sse ORIGIN: the headers of an SSE subscription (the stream is cut after 3 s).
sse() {
	curl -s --max-time 3 -D - -o /dev/null -H 'Accept: text/event-stream' \
		-H "Authorization: Bearer $TOK" -H "Origin: $1" "$BASE/api/v1/events" | tr -d '\r'
}
HEADERS=$(sse "$ALLOWED")
is "$(head -n1 <<<"$HEADERS" | cut -d' ' -f2) $(header Access-Control-Allow-Origin) [$(header Access-Control-Allow-Credentials)]" \
	"200 $ALLOWED []" "SSE from the allowed origin: nchan names it, without Allow-Credentials"
HEADERS=$(sse "http://127.0.0.1:$ORIGIN_B")
is "$(head -n1 <<<"$HEADERS" | cut -d' ' -f2) [$(header Access-Control-Allow-Credentials)]" "403 []" \
	"SSE from another origin: nchan refuses it (403)"

# ---- a worker with no origins configured: no CORS header at all ----
grep -v '^cors\.' "$CONF" >"$T_TMP/nocors.conf"
start_private nocors "$T_TMP/nocors.conf" --children 1 || bail "the private worker did not start"
fcgi "$PRIV_SOCK" -m OPTIONS -u /api/v1/auth/login -H "Origin: $ALLOWED" \
	-H 'Access-Control-Request-Method: POST'
is "$STATUS [$(cors_headers)] [$(header Vary)]" "405 [] []" "no cors.allowed_origins: a preflight gets no CORS header (405)"
fcgi "$PRIV_SOCK" -u /healthz/auth -H "Origin: $ALLOWED"
is "$STATUS [$(cors_headers)] [$(header Vary)]" "200 [] []" "and a reply neither"

# ---- a wildcard is not an origin: the worker refuses the config ----
{ cat "$T_TMP/nocors.conf"; echo 'cors.allowed_origins = *'; } >"$T_TMP/wild.conf"
timeout 20 "$AUTH_BIN" --config "$T_TMP/wild.conf" --listen "unix:$T_TMP/wild.sock" >"$T_TMP/wild.log" 2>&1 </dev/null
is "$?" 1 "cors.allowed_origins = * : the worker does not start"
like "$(cat "$T_TMP/wild.log")" "cors.allowed_origins: '\*' is not an origin" "and says why"
is "$([[ -e $T_TMP/wild.sock ]] && echo socket)" "" "no socket was opened"

done_testing
