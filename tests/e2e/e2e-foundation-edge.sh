#!/usr/bin/env bash
# e2e-foundation-edge: bad input through nginx is refused with the right
# problem and writes nothing; SQL metacharacters in every string field are
# stored and returned verbatim; sign-up, login and logout write exactly the
# rows they should, and never a password.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

plan 145

# problem WANT NAME: STATUS is WANT, as an RFC 9457 problem (3 assertions).
problem() {
	is "$STATUS" "$1" "$2: $1"
	is "$(header Content-Type)" application/problem+json "$2: problem+json"
	is "$(jq -r .status <<<"$BODY" 2>&1)" "$1" "$2: status $1 in the body"
}

# fields: the fields named in errors[], sorted, space-separated.
fields() { jq -r '[.errors[]?.field] | sort | join(" ")' <<<"$BODY" 2>&1; }

# nothing_written NAME: counts are what they were before ($before).
nothing_written() { is "$(counts)" "$before" "$1: nothing written"; }

# A valid patient sign-up, with one field replaced: signup_with JQ-FILTER.
signup_with() {
	jq -cn --arg e "$(uniq_email)" --arg p "$GOOD_PW" "{email:\$e,password:\$p,
		role:\"patient\",full_name:\"Edge Case\",phone:\"+15551234567\",
		date_of_birth:\"1990-05-17\"} | $1"
}
GOOD_PW="e2e-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')-Quokka-Lantern"

# ---- bad requests: the right problem, nothing written ----
before=$(counts)
like "$before" '^users=[0-9]+ sessions=[0-9]+ patient_profiles=[0-9]+ provider_profiles=[0-9]+ care_team=[0-9]+ audit_log=[0-9]+ outbox=[0-9]+ events=[0-9]+$' \
	"counts works"

api POST /api/v1/auth/signup '{"email":'
problem 400 "malformed JSON"
nothing_written "malformed JSON"

api_raw POST /api/v1/auth/signup -H 'Content-Type: text/plain' \
	--data-binary "$(signup_with .)"
problem 415 "text/plain body"
nothing_written "text/plain body"

# Over 1 MiB: nginx refuses it before any worker sees it.
{
	printf '{"email":"big@example.test","full_name":"'
	head -c $((1024 * 1024)) /dev/zero | tr '\0' a
	printf '"}'
} >"$T_TMP/big.json"
api_raw POST /api/v1/auth/signup -H 'Content-Type: application/json' \
	--data-binary "@$T_TMP/big.json"
problem 413 "body over 1 MiB"
nothing_written "body over 1 MiB"
# The worker enforces the limit itself too (here without nginx in front).
fcgi "$ROOT/var/run/auth.sock" -m POST -u /api/v1/auth/signup -t application/json \
	-f "$T_TMP/big.json"
is "$STATUS:$(header Content-Type)" 413:application/problem+json \
	"body over 1 MiB straight to the worker: 413 problem"
nothing_written "body over 1 MiB straight to the worker"

api POST /api/v1/auth/signup "$(signup_with '. + {nickname:"x"}')"
problem 422 "unknown field"
is "$(fields)" nickname "unknown field: errors[] names it"
nothing_written "unknown field"

api POST /api/v1/auth/signup '{}'
problem 422 "empty object"
is "$(fields)" "email full_name password role" "empty object: errors[] names each required field"
nothing_written "empty object"

api POST /api/v1/auth/signup "$(signup_with 'del(.email, .full_name)')"
is "$STATUS:$(fields)" "422:email full_name" "missing email and full_name: 422 naming both"
nothing_written "missing email and full_name"

for bad in 'email:"not-an-email"' 'email:"a@b"' 'phone:"12345"' \
	'date_of_birth:"2026-02-30"' 'role:"doctor"' 'full_name:"   "'; do
	field=${bad%%:*}
	api POST /api/v1/auth/signup "$(signup_with ". + {$bad}")"
	problem 422 "bad $bad"
	like " $(fields) " " $field " "bad $bad: errors[] names $field"
	nothing_written "bad $bad"
done

api POST /api/v1/auth/signup "$(signup_with '. + {email:"x@", phone:"12345", date_of_birth:"2026-02-30", role:"doctor"}')"
is "$STATUS:$(fields)" "422:date_of_birth email phone role" \
	"four bad fields at once: 422 naming each"
nothing_written "four bad fields at once"

api POST /api/v1/auth/signup "$(signup_with '. + {password:"Password1234!"}')"
problem 422 "weak password"
is "$(fields)" password "weak password: errors[] names password"
nothing_written "weak password"

api POST /api/v1/auth/signup "$(signup_with '. + {email:"Patient1@DEMO.test"}')"
problem 409 "duplicate email in another case"
nothing_written "duplicate email in another case"

api GET /api/v1/auth/nope
problem 404 "unknown route inside the auth prefix"

api GET /api/v1/auth/signup
problem 405 "GET on the sign-up route"
like "$(header Allow)" '(^|[ ,])POST([ ,]|$)' "GET on the sign-up route: Allow names POST"
nothing_written "404 and 405"

api GET /api/v1/me
problem 401 "/me without Authorization"
is "$(header WWW-Authenticate)" Bearer "/me without Authorization: WWW-Authenticate: Bearer"
api GET /api/v1/me "" -H 'Authorization: Bearer garbage'
problem 401 "/me with Bearer garbage"
unknown=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
api GET /api/v1/me "" -H "Authorization: Bearer $unknown"
problem 401 "/me with an unknown well-formed token"
api GET /api/v1/me "" -H "Authorization: Basic $(printf 'patient1@demo.test:%s' "$DEMO_PASSWORD" | base64)"
problem 401 "/me with Basic credentials"
nothing_written "refused /me requests"

# ---- a patient whose strings are full of SQL metacharacters ----
rnd=$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
P_EMAIL="e2e-$rnd+o'reilly%_'or'1'='1--@example.test"
P_NAME="Zoë Robert'); DROP TABLE users;-- \"x\" \\ %_ \`id\` \$(id) ' OR '1'='1"
P_PW=$GOOD_PW
before=$(counts)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$P_EMAIL" --arg n "$P_NAME" --arg p "$P_PW" \
	'{email:$e,password:$p,role:"patient",full_name:$n,phone:"+15557654321",date_of_birth:"1984-02-29"}')"
is "$STATUS" 201 "patient sign-up with metacharacters: 201"
P_ID=$(jq -r '.user.id // empty' <<<"$BODY")
like "$P_ID" '^[A-Za-z0-9]{16,64}$' "sign-up returns the user id"
is "$(jq -r .user.email <<<"$BODY")" "$P_EMAIL" "sign-up reply: email verbatim"
is "$(jq -r .user.full_name <<<"$BODY")" "$P_NAME" "sign-up reply: full_name verbatim"
is "$(jq -r .profile.date_of_birth <<<"$BODY")" 1984-02-29 "sign-up reply: date_of_birth"
like "$(jq -r .profile.medical_record_number <<<"$BODY")" '^[A-Za-z0-9-]+$' "sign-up reply: a record number"
is "$(delta "$before" "$(counts)")" "users=+1 patient_profiles=+1 audit_log=+1" \
	"sign-up wrote one user, one profile, one audit row"
signup_rid=$(header X-Request-Id)
is "$(sql "SELECT CONCAT_WS('|', action, outcome, actor_id, actor_role, request_id)
	FROM audit_log WHERE entity_type = 'user' AND entity_id = '$P_ID'")" \
	"signup|success|$P_ID|patient|$signup_rid" "sign-up audit row: signup, success, its request id"
is "$(sql "SELECT CONCAT(HEX(email), ' ', HEX(full_name), ' ', phone, ' ', role)
	FROM users WHERE id = '$P_ID'")" \
	"$(hex_of "$P_EMAIL") $(hex_of "$P_NAME") +15557654321 patient" \
	"users row holds the exact bytes"
is "$(sql "SELECT CONCAT(date_of_birth, ' ', LENGTH(medical_record_number) > 0)
	FROM patient_profiles WHERE user_id = '$P_ID'")" "1984-02-29 1" "patient_profiles row"
is "$(sql "SELECT COUNT(*) FROM users WHERE email = $(sql_str "$P_EMAIL")")" 1 \
	"the email matches itself in SQL (not cut at a quote)"
is "$(sql "SHOW TABLES LIKE 'users'")" users "the users table still exists"
like "$(sql "SELECT COUNT(*) FROM users")" '^[1-9][0-9]*$' "and still has its rows"

before=$(counts)
api POST /api/v1/auth/login "$(jq -cn --arg e "$P_EMAIL" --arg p "$P_PW" '{email:$e,password:$p}')"
is "$STATUS" 200 "login: 200"
P_TOKEN=$(jq -r '.token // empty' <<<"$BODY")
like "$P_TOKEN" '^[A-Za-z0-9_-]{43}$' "login: a 43-character token"
like "$(jq -r .expires_at <<<"$BODY")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$' \
	"login: expires_at in RFC 3339 UTC"
is "$(jq -r .user.id <<<"$BODY")" "$P_ID" "login: the user"
login_rid=$(header X-Request-Id)
like "$login_rid" '^[0-9a-f]{32}$' "login: X-Request-Id"
is "$(delta "$before" "$(counts)")" "sessions=+1 audit_log=+1" "login wrote a session and an audit row"
is "$(sql "SELECT CONCAT_WS('|', action, outcome, entity_type, actor_id, request_id)
	FROM audit_log WHERE actor_id = '$P_ID' AND action = 'login'")" \
	"login|success|session|$P_ID|$login_rid" "login audit row carries the request id"
is "$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$P_ID' AND revoked_at IS NULL
	AND expires_at > UTC_TIMESTAMP() AND token_hash = UNHEX(SHA2('$P_TOKEN', 256))")" 1 \
	"sessions row holds the token's hash, not the token"

before=$(counts)
api GET /api/v1/me "" -H "Authorization: Bearer $P_TOKEN"
is "$STATUS" 200 "/me: 200"
is "$(jq -r .user.email <<<"$BODY")" "$P_EMAIL" "/me: email verbatim"
is "$(jq -r .user.full_name <<<"$BODY")" "$P_NAME" "/me: full_name verbatim"
is "$(jq -r .user.phone <<<"$BODY")" +15557654321 "/me: phone"
is "$(jq -r .profile.date_of_birth <<<"$BODY")" 1984-02-29 "/me: date_of_birth"
me_rid=$(header X-Request-Id)
like "$me_rid" '^[0-9a-f]{32}$' "/me: X-Request-Id"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "/me of a patient writes one audit row"
is "$(sql "SELECT CONCAT_WS('|', action, entity_type, entity_id, actor_id, request_id)
	FROM audit_log WHERE request_id = '$me_rid'")" \
	"read|patient|$P_ID|$P_ID|$me_rid" "/me audit row: read by the patient, its request id"

# ---- a wrong password: one failure row, and the password appears nowhere ----
WRONG_PW="Wrong-$rnd-Marmalade-Pass!"
before=$(counts)
api POST /api/v1/auth/login "$(jq -cn --arg e "$P_EMAIL" --arg p "$WRONG_PW" '{email:$e,password:$p}')"
problem 401 "login with a wrong password"
fail_rid=$(header X-Request-Id)
is "$(delta "$before" "$(counts)")" "audit_log=+1" "wrong password writes one audit row and no session"
is "$(sql "SELECT CONCAT_WS('|', action, outcome, actor_id) FROM audit_log
	WHERE request_id = '$fail_rid'")" "login|failure|$P_ID" "failure row: login, failure, the account"
for which in wrong right; do
	[[ $which == wrong ]] && pw=$WRONG_PW || pw=$P_PW
	is "$(sql "SELECT COUNT(*) FROM audit_log WHERE INSTR(CONCAT_WS(' ', summary, metadata,
		entity_id, actor_role, action, request_id), $(sql_str "$pw")) > 0")" 0 \
		"no audit row holds the $which password"
done
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE INSTR(metadata, 'Marmalade') > 0
	OR INSTR(summary, 'Marmalade') > 0")" 0 "no audit row holds a word of the wrong password"
auth_logs=("$ROOT"/var/log/auth*.log)
if grep -qF -- "$WRONG_PW" "${auth_logs[@]}" 2>/dev/null ||
	grep -qF -- "$P_PW" "${auth_logs[@]}" 2>/dev/null; then
	ok 1 "the auth worker's log holds no password"
else
	ok 0 "the auth worker's log holds no password"
fi
api POST /api/v1/auth/login "$(jq -cn --arg e "nobody-$rnd@example.test" --arg p "$WRONG_PW" '{email:$e,password:$p}')"
is "$STATUS:$(jq -r .code <<<"$BODY")" "401:invalid_credentials" \
	"an unknown account gets the same 401 as a wrong password"

# ---- logout ----
before=$(counts)
api POST /api/v1/auth/logout "" -H "Authorization: Bearer $P_TOKEN"
is "$STATUS" 204 "logout: 204"
is "$BODY" "" "logout: no body"
# and the session.revoked event that ends its open streams (docs/EVENTS.md)
is "$(delta "$before" "$(counts)")" "audit_log=+1 events=+1" "logout writes one audit row and one event"
is "$(sql "SELECT COUNT(*) FROM sessions WHERE token_hash = UNHEX(SHA2('$P_TOKEN', 256))
	AND revoked_at IS NOT NULL")" 1 "logout revokes the session row"
before=$(counts)
api GET /api/v1/me "" -H "Authorization: Bearer $P_TOKEN"
problem 401 "/me with a logged-out token"
api POST /api/v1/auth/logout "" -H "Authorization: Bearer $P_TOKEN"
is "$STATUS" 401 "logout again with the same token: 401"
nothing_written "requests with a logged-out token"

# ---- a provider with metacharacters in every profile string ----
PR_EMAIL="e2e-$rnd-dr.o'brien@example.test"
PR_NAME="Dr. O'Brien \"Bob\" \\; DELETE FROM users;--"
PR_LICENSE="LIC-$rnd' OR '1'='1"
PR_SPECIALTY="%_;-- Cardio' UNION SELECT password_hash FROM users--"
before=$(counts)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$PR_EMAIL" --arg n "$PR_NAME" --arg p "$P_PW" \
	--arg l "$PR_LICENSE" --arg s "$PR_SPECIALTY" \
	'{email:$e,password:$p,role:"provider",full_name:$n,license_number:$l,specialty:$s}')"
is "$STATUS" 201 "provider sign-up with metacharacters: 201"
PR_ID=$(jq -r '.user.id // empty' <<<"$BODY")
is "$(jq -r '[.profile.license_number, .profile.specialty, .profile.verified] | @json' <<<"$BODY")" \
	"$(jq -cn --arg l "$PR_LICENSE" --arg s "$PR_SPECIALTY" '[$l, $s, false]')" \
	"sign-up reply: license_number and specialty verbatim, not verified"
is "$(delta "$before" "$(counts)")" "users=+1 provider_profiles=+1 audit_log=+1" \
	"provider sign-up wrote one user, one profile, one audit row"
is "$(sql "SELECT CONCAT(HEX(p.license_number), ' ', HEX(p.specialty), ' ', HEX(u.full_name), ' ', p.is_verified)
	FROM provider_profiles p JOIN users u ON u.id = p.user_id WHERE p.user_id = '$PR_ID'")" \
	"$(hex_of "$PR_LICENSE") $(hex_of "$PR_SPECIALTY") $(hex_of "$PR_NAME") 0" \
	"provider_profiles row holds the exact bytes, unverified"
PR_TOKEN=$(login "$PR_EMAIL" "$P_PW")
api GET /api/v1/me "" -H "Authorization: Bearer $PR_TOKEN"
is "$STATUS" 200 "provider /me: 200"
is "$(jq -r '[.user.email, .user.full_name, .profile.license_number, .profile.specialty] | @json' <<<"$BODY")" \
	"$(jq -cn --arg e "$PR_EMAIL" --arg n "$PR_NAME" --arg l "$PR_LICENSE" --arg s "$PR_SPECIALTY" '[$e, $n, $l, $s]')" \
	"provider /me: every string verbatim"
is "$(sql "SELECT COUNT(*) FROM users")" "$(sql "SELECT COUNT(*) FROM users WHERE id <> ''")" \
	"users intact after the provider's strings went through"
