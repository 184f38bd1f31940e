#!/usr/bin/env bash
# e2e-auth-sessions: listing one's own sessions (paged), revoking one
# (another user's or an unknown one is 404), idle and absolute expiry,
# last_seen written at most once a minute, and logout.
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'

# new_patient: sign up a fresh patient; sets U_EMAIL and U_ID.
new_patient() {
	U_EMAIL=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Session Tester"}')"
	[[ $STATUS == 201 ]] || bail "signup: $STATUS $BODY"
	U_ID=$(jq -r .user.id <<<"$BODY")
}

# login_ua EMAIL USER-AGENT: print a token.
login_ua() {
	api POST /api/v1/auth/login "$(jq -cn --arg e "$1" --arg p "$PW" '{email:$e,password:$p}')" \
		-A "$2"
	[[ $STATUS == 200 ]] || bail "login: $STATUS $BODY"
	jq -r .token <<<"$BODY"
}

sid_of() { sql "SELECT id FROM sessions WHERE token_hash = UNHEX(SHA2('$1', 256))"; }
me() { api GET /api/v1/me "" -H "Authorization: Bearer $1"; }
list() { api GET "/api/v1/auth/sessions${2-}" "" -H "Authorization: Bearer $1"; }

new_patient
A_ID=$U_ID A_EMAIL=$U_EMAIL
T1=$(login_ua "$A_EMAIL" 'e2e-phone/1.0')
T2=$(login_ua "$A_EMAIL" 'e2e-laptop/2.0')
S1=$(sid_of "$T1") S2=$(sid_of "$T2")
new_patient
B_ID=$U_ID
TB=$(login_ua "$U_EMAIL" 'e2e-other/1.0')
SB=$(sid_of "$TB")

# ===== list =====
list "$T1"
is "$STATUS" 200 "list own sessions"
is "$(jq -r '.data | length' <<<"$BODY")" 2 "both sessions listed"
is "$(jq -r .next_cursor <<<"$BODY")" null "next_cursor is null"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$S2 $S1" "newest first"
is "$(jq -r --arg s "$S1" '.data[] | select(.id == $s) | "\(.current) \(.user_agent) \(.ip)"' <<<"$BODY")" \
	"true e2e-phone/1.0 127.0.0.1" "the current session is marked, with its device and address"
is "$(jq -r --arg s "$S2" '.data[] | select(.id == $s) | .current' <<<"$BODY")" false "the other is not current"
is "$(jq -r '.data[0] | keys | join(",")' <<<"$BODY")" \
	"created_at,current,expires_at,id,ip,last_seen_at,user_agent" "each item has exactly the documented fields"
like "$(jq -r '.data[0].expires_at' <<<"$BODY")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "times are RFC 3339 UTC"
unlike "$BODY" "$T1|$T2|$SB" "no token and no other user's session in the list"

list "$T1" '?limit=1'
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$S2" "limit=1 gives the newest"
cursor=$(jq -r .next_cursor <<<"$BODY")
isnt "$cursor" null "with a cursor"
list "$T1" "?limit=1&cursor=$cursor"
is "$(jq -r '([.data[].id] | join(" ")) + " " + (.next_cursor | tostring)' <<<"$BODY")" "$S1 null" \
	"the cursor gives the next, then no more"
list "$T1" '?limit=0'
is "$STATUS" 422 "limit=0 is 422"
list "$T1" '?cursor=bm90LWEtY3Vyc29y'
is "$STATUS" 422 "a foreign cursor is 422"
list "" ""
is "$STATUS" 401 "anonymous list is 401"

# ===== revoke =====
before=$(counts)
api DELETE "/api/v1/auth/sessions/$SB" "" -H "Authorization: Bearer $T1"
is "$STATUS" 404 "revoking another user's session is 404"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written"
is "$(sql "SELECT CONCAT_WS(' ', outcome, actor_id) FROM audit_log WHERE entity_id = '$SB'
	AND action = 'revoke'")" "denied $A_ID" "the denial is audited"
me "$TB"
is "$STATUS" 200 "the other user's session still works"
api DELETE /api/v1/auth/sessions/aaaaaaaaaaaaaaaaaaaaaaaaaa "" -H "Authorization: Bearer $T1"
is "$STATUS" 404 "an unknown session is 404"
api DELETE /api/v1/auth/sessions/not-an-id "" -H "Authorization: Bearer $T1"
is "$STATUS" 404 "a malformed id is 404"

before=$(counts)
api DELETE "/api/v1/auth/sessions/$S2" "" -H "Authorization: Bearer $T1"
is "$STATUS" 204 "revoke one of one's own sessions"
# session.revoked ends the session's open event streams (docs/EVENTS.md).
is "$(delta "$before" "$(counts)")" "audit_log=+1 events=+1" "one audit row, one session.revoked event"
is "$(sql "SELECT CONCAT_WS(' ', type, entity_type) FROM events WHERE entity_id = '$S2'")" \
	"session.revoked session" "the event names the session"
is "$(sql "SELECT revoked_at IS NOT NULL FROM sessions WHERE id = '$S2'")" 1 "revoked in the database"
is "$(sql "SELECT CONCAT_WS(' ', outcome, actor_id, summary) FROM audit_log WHERE entity_id = '$S2'
	AND action = 'revoke'")" "success $A_ID session revoked" "the revocation is audited"
me "$T2"
is "$STATUS" 401 "the revoked token is refused"
me "$T1"
is "$STATUS" 200 "the current one still works"
list "$T1"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$S1" "the list no longer shows it"
api DELETE "/api/v1/auth/sessions/$S2" "" -H "Authorization: Bearer $T1"
is "$STATUS" 404 "revoking it again is 404"

# ===== last_seen: at most one write a minute =====
seen() { sql "SELECT last_seen_at FROM sessions WHERE id = '$1'"; }
s0=$(seen "$S1")
me "$T1"
me "$T1"
is "$(seen "$S1")" "$s0" "requests within a minute do not write last_seen"
sql "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) - INTERVAL 2 MINUTE WHERE id = '$S1'"
me "$T1"
is "$(sql "SELECT last_seen_at > UTC_TIMESTAMP(6) - INTERVAL 30 SECOND FROM sessions WHERE id = '$S1'")" 1 \
	"a request after a minute moves last_seen"

# ===== idle and absolute expiry =====
T3=$(login_ua "$A_EMAIL" 'e2e-idle/1.0')
S3=$(sid_of "$T3")
sql "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) - INTERVAL 31 MINUTE WHERE id = '$S3'"
me "$T3"
is "$STATUS" 401 "31 idle minutes: 401"
list "$T1"
is "$(jq -r --arg s "$S3" '[.data[] | select(.id == $s)] | length' <<<"$BODY")" 0 "an idle-expired session is not listed"
sql "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) - INTERVAL 29 MINUTE WHERE id = '$S3'"
me "$T3"
is "$STATUS" 200 "29 idle minutes: still valid"

T4=$(login_ua "$A_EMAIL" 'e2e-old/1.0')
S4=$(sid_of "$T4")
sql "UPDATE sessions SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = '$S4'"
me "$T4"
is "$STATUS" 401 "past the absolute lifetime: 401"
list "$T1"
is "$(jq -r --arg s "$S4" '[.data[] | select(.id == $s)] | length' <<<"$BODY")" 0 "an expired session is not listed"
abs_h=$(conf_get session.absolute_hours)
is "$(sql "SELECT TIMESTAMPDIFF(MINUTE, created_at, expires_at) FROM sessions WHERE id = '$S3'")" \
	"$((${abs_h:-12} * 60))" "a new session lives session.absolute_hours at most"

# ===== logout =====
before=$(counts)
api POST /api/v1/auth/logout "" -H "Authorization: Bearer $T3"
is "$STATUS" 204 "logout"
is "$(delta "$before" "$(counts)")" "audit_log=+1 events=+1" "audited, and its streams told to end"
is "$(sql "SELECT revoked_at IS NOT NULL FROM sessions WHERE id = '$S3'")" 1 "the session is revoked"
me "$T3"
is "$STATUS" 401 "the token no longer works"
api POST /api/v1/auth/logout "" -H "Authorization: Bearer $T3"
is "$STATUS" 401 "logging out twice is 401"

done_testing
