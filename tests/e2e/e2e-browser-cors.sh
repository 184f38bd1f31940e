#!/usr/bin/env bash
# e2e-browser-cors: a browser client on another origin, in headless
# Chromium. The page tests/browser/pages/cors.html, served from
# http://127.0.0.1:A (in cors.allowed_origins), signs in, books and lists
# appointments on the API's origin with fetch, and reads X-Request-Id; the
# same page from http://127.0.0.1:B (not listed) is refused by the browser:
# its first fetch rejects, and nothing reaches the database. Screenshots:
# var/browser/cors-allowed.png, var/browser/cors-refused.png.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/browser-lib.sh"

PASSWORD=Tangerine-Harbor-2026!q
read -r PROV PROV_TOK <<<"$(mkuser provider)"
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$(weekdays_9to5 America/New_York)"
is "$STATUS" 200 "the provider has weekday hours"
EMAIL=$(uniq_email)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$EMAIL" --arg p "$PASSWORD" \
	'{email:$e, password:$p, role:"patient", full_name:"Browser Client"}')"
is "$STATUS" 201 "a patient signs up"
PAT=$(jq -r .user.id <<<"$BODY")
# 2027-01-11 is a Monday: 15:00Z is 10:00 in New York.
START=2027-01-11T15:00:00Z
KEY=browser-$RANDOM$RANDOM

# page ORIGIN_PORT: the client page's URL on that origin.
page() {
	printf 'http://127.0.0.1:%s/cors.html?%s' "$1" "$(jq -rn --arg api "$BASE" --arg e "$EMAIL" \
		--arg p "$PASSWORD" --arg v "$PROV" --arg s "$START" --arg k "$KEY" \
		'{api:$api, email:$e, password:$p, provider:$v, start:$s, key:$k} | to_entries |
		map("\(.key)=\(.value | @uri)") | join("&")')"
}
sessions() { sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$PAT'"; }
appts() { sql "SELECT COUNT(*) FROM appointments WHERE patient_id = '$PAT'"; }

# ---- refused: an origin not in cors.allowed_origins ----
s0=$(sessions) a0=$(appts) c0=$(counts)
browser check-cors.mjs "$(page "$ORIGIN_B")" "$BROWSER_DIR/cors-refused.png"
diag "screenshot: $BROWSER_DIR/cors-refused.png"
is "$BROWSER_RC" 0 "the page from http://127.0.0.1:$ORIGIN_B ran"
is "$(jq -r '.result.step' <<<"$OUT")" login "it stopped at its first call"
like "$(jq -r '.result.error' <<<"$OUT")" '^TypeError: Failed to fetch' "the browser refused it: fetch rejected"
like "$(jq -r '.errors[]' <<<"$OUT")" "blocked by CORS policy" "Chromium says why (CORS policy)"
is "$(jq -c '[.outside[].url]' <<<"$OUT")" "[]" "no request left 127.0.0.1"
is "$(sessions) $(appts)" "$s0 $a0" "no session, no appointment: the POST never reached the API"
is "$(counts)" "$c0" "nothing else written either"

# ---- allowed: the listed origin ----
browser check-cors.mjs "$(page "$ORIGIN_A")" "$BROWSER_DIR/cors-allowed.png"
diag "screenshot: $BROWSER_DIR/cors-allowed.png"
R=$(jq -c .result <<<"$OUT")
is "$BROWSER_RC $(jq -r '.step + " " + (.error // "")' <<<"$R")" "0 done " "the page from http://127.0.0.1:$ORIGIN_A did all its calls"
is "$(jq -r '[.login.status, .book.status, .list.status] | join(" ")' <<<"$R")" "200 201 200" \
	"login 200, booking 201, list 200, read by the page"
like "$(jq -r '.login.request_id' <<<"$R")" '^[0-9a-f]{32}$' "the page reads X-Request-Id (exposed)"
APPT=$(jq -r .appointment_id <<<"$R")
is "$(jq -r --arg a "$APPT" '.listed | index($a) != null' <<<"$R")" true "the list the page got holds the booking"
is "$(sql "SELECT CONCAT(patient_id, ' ', provider_id, ' ', status, ' ', DATE_FORMAT(start_at, '%Y-%m-%dT%H:%i:%sZ')) FROM appointments WHERE id = '$APPT'")" \
	"$PAT $PROV scheduled $START" "the database has the appointment the page booked"
is "$(sql "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = '$KEY' AND user_id = '$PAT'")" 1 \
	"its Idempotency-Key crossed the origin and was kept"
is "$(sessions)" "$((s0 + 1))" "one session: the page's login"
is "$(jq -c .errors <<<"$OUT")" "[]" "no console error on the allowed origin"
is "$(jq -c '[.outside[].url]' <<<"$OUT")" "[]" "no request left 127.0.0.1"

done_testing
