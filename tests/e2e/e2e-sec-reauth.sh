#!/usr/bin/env bash
# e2e-sec-reauth: one re-authentication for every current-password and
# second-factor check (cgi-bin/auth/reauth.c): PATCH /me, MFA setup,
# enable and disable, password change. Each is claimed under the
# re-authentication throttle, each failure audited, and the lock is
# shared with sign-in where the secret is the same (the password, the
# TOTP code and recovery codes) - but not for the code that proves a new
# secret. Replays of a right TOTP code stay refused and audited, yet do
# not lock the owner out as a guessing attack does, and the mfa_replay
# mail goes out at most once per window. An email change ends the other
# sessions and the reset tokens mailed to the old address. Sign-ups (and
# new emails) that meet a taken email are bounded per address.
#
# Requests come from 127.0.0.1: its throttle rows are deleted at the
# start, between parts and at exit. The dev clock is moved (clock_shift)
# instead of waiting for TOTP steps and mail windows.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/mfa-lib.sh"

PW='quartz-meadow-lantern-42'
WRONG='not-the-password-123'
THRESHOLD=$(conf_get login.lock_threshold)
THRESHOLD=${THRESHOLD:-10}
TAKEN_MAX=$(conf_get signup.max_taken_hour)
TAKEN_MAX=${TAKEN_MAX:-20}
MAIL_MIN=$(conf_get mfa.replay_mail_minutes)
MAIL_MIN=${MAIL_MIN:-15}
SHIFT=0

clean_rows() {
	sql "DELETE FROM login_throttle WHERE subject = '127.0.0.1'
		AND scope IN ('login_address', 'forgot_address', 'signup_address')"
}
clean_rows
on_exit clean_rows

# shift_by SECONDS: move every process's clock further (and ours, for TOTP).
shift_by() { SHIFT=$((SHIFT + $1)); clock_shift "$SHIFT"; }
step() { echo $((($(date +%s) + SHIFT) / 30)); }

new_user() {	# sets U_EMAIL U_ID U_TOK
	U_EMAIL=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Reauth Tester"}')"
	[[ $STATUS == 201 ]] || bail "signup: $STATUS $BODY"
	U_ID=$(jq -r .user.id <<<"$BODY")
	U_TOK=$(login "$U_EMAIL" "$PW") || bail "login of a new user"
}
mfa() { api POST "/api/v1/auth/mfa/totp/$1" "$2" -H "Authorization: Bearer $U_TOK"; }
code_body() { jq -cn --arg c "$1" --arg p "${2:-$PW}" '{code:$c,current_password:$p}'; }
enable_mfa() {	# sets SECRET CODES STEP0
	mfa setup "$(jq -cn --arg p "$PW" '{current_password:$p}')"
	[[ $STATUS == 200 ]] || bail "setup: $STATUS $BODY"
	SECRET=$(jq -r .secret <<<"$BODY")
	STEP0=$(step)
	mfa enable "$(code_body "$(totp "$SECRET" "$STEP0")")"
	[[ $STATUS == 200 ]] || bail "enable: $STATUS $BODY"
	CODES=$(jq -c .recovery_codes <<<"$BODY")
}
try_login() {	# try_login EMAIL PASSWORD [CODE]
	api POST /api/v1/auth/login "$(jq -cn --arg e "$1" --arg p "$2" --arg c "${3:-}" \
		'{email:$e,password:$p} + (if $c == "" then {} else {totp_code:$c} end)')"
}
refusals() {	# refusals UID ACTION REASON
	sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$1' AND action = '$2'
		AND outcome = 'failure' AND JSON_VALUE(metadata, '\$.reason') = '$3'"
}
locked() { sql "SELECT IFNULL(locked_until > NOW(6) + INTERVAL $SHIFT SECOND, 0) FROM users WHERE id = '$1'"; }
burst() {	# burst N BODY: N logins at once; prints "STATUS:COUNT ..." sorted
	local i
	printf '%s' "$2" >"$T_TMP/body.burst"
	for ((i = 0; i < $1; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 -X POST \
			-H 'Content-Type: application/json' --data-binary "@$T_TMP/body.burst" \
			"$BASE/api/v1/auth/login" >"$T_TMP/b.$i" &
	done
	wait
	cat "$T_TMP"/b.* | sort | uniq -c | awk '{ printf "%s%s:%s", sep, $2, $1; sep = " " }'
	rm -f "$T_TMP"/b.*
}
count_of() { local r; for r in $2; do [[ ${r%%:*} == "$1" ]] && { printf '%s' "${r#*:}"; return; }; done; printf 0; }

# ===== PATCH /me: throttled, audited, the account's lock =====
new_user
codes=
for ((i = 0; i < THRESHOLD; i++)); do
	api PATCH /api/v1/me "$(jq -cn --arg p "$WRONG" '{phone:"+15550100000",current_password:$p}')" \
		-H "Authorization: Bearer $U_TOK"
	codes+="$STATUS "
done
is "$codes" "$(printf '401 %.0s' $(seq "$THRESHOLD"))" "PATCH /me: $THRESHOLD wrong current passwords, each 401"
is "$(refusals "$U_ID" update wrong_password)" "$THRESHOLD" "each audited (update, failure, wrong_password)"
api PATCH /api/v1/me "$(jq -cn --arg p "$PW" '{phone:"+15550100000",current_password:$p}')" \
	-H "Authorization: Bearer $U_TOK"
is "$STATUS" 429 "then 429, even with the right password"
like "$(header Retry-After)" '^[1-9][0-9]*$' "with Retry-After"
is "$(sql "SELECT IFNULL(phone, 'NULL') FROM users WHERE id = '$U_ID'")" NULL "the phone is unchanged"
try_login "$U_EMAIL" "$PW"
is "$STATUS" 429 "the same secret: signing in is locked too"
is "$(locked "$U_ID")" 1 "the account is locked"

# ===== MFA setup: the password throttled =====
new_user
for ((i = 0; i < THRESHOLD; i++)); do
	mfa setup "$(jq -cn --arg p "$WRONG" '{current_password:$p}')"
done
is "$STATUS" 401 "setup: wrong passwords are 401"
mfa setup "$(jq -cn --arg p "$PW" '{current_password:$p}')"
is "$STATUS" 429 "after $THRESHOLD of them, setup is 429"
is "$(refusals "$U_ID" mfa_setup wrong_password)" "$THRESHOLD" "each refusal audited"
is "$(sql "SELECT mfa_pending IS NULL FROM users WHERE id = '$U_ID'")" 1 "no secret was set up"

# ===== MFA enable: a wrong code counts against re-authentication only =====
new_user
mfa setup "$(jq -cn --arg p "$PW" '{current_password:$p}')"
SECRET=$(jq -r .secret <<<"$BODY")
bad=$(totp "$SECRET" $(($(step) + 7)))
for ((i = 0; i < THRESHOLD; i++)); do
	mfa enable "$(code_body "$bad")"
done
is "$STATUS" 422 "enable: wrong codes are 422 invalid_code"
mfa enable "$(code_body "$(totp "$SECRET" "$(step)")")"
is "$STATUS" 429 "after $THRESHOLD of them, enable is 429"
is "$(refusals "$U_ID" mfa_enable wrong_code)" "$THRESHOLD" "each refusal audited"
try_login "$U_EMAIL" "$PW"
is "$STATUS" 200 "the new secret is not yet the account's: signing in still works"

# ===== MFA disable: a wrong code is throttled, shared with sign-in =====
new_user
enable_mfa
bad=$(totp "$SECRET" $((STEP0 + 7)))
for ((i = 0; i < THRESHOLD; i++)); do
	mfa disable "$(code_body "$bad")"
done
is "$STATUS" 422 "disable: wrong codes are 422"
is "$(refusals "$U_ID" mfa_disable wrong_code)" "$THRESHOLD" "each refusal audited"
mfa disable "$(code_body "$(jq -r '.[0]' <<<"$CODES")")"
is "$STATUS" 429 "after $THRESHOLD of them, disable is 429, even with a right code"
is "$(sql "SELECT mfa_enabled FROM users WHERE id = '$U_ID'")" 1 "MFA stays on"
try_login "$U_EMAIL" "$PW" "$(jq -r '.[1]' <<<"$CODES")"
is "$STATUS" 429 "the same secret: signing in is locked too"
is "$(sql "SELECT COUNT(used_at) FROM mfa_recovery_codes WHERE user_id = '$U_ID'")" 0 \
	"no recovery code was spent by the refused attempts"

# ===== disable while sign-in is locked =====
clean_rows
new_user
enable_mfa
for ((i = 0; i < THRESHOLD; i++)); do
	try_login "$U_EMAIL" "$WRONG"
done
is "$(locked "$U_ID")" 1 "$THRESHOLD wrong sign-ins lock the account"
mfa disable "$(code_body "$(jq -r '.[0]' <<<"$CODES")")"
is "$STATUS" 429 "MFA disable is refused while sign-in is locked"
is "$(sql "SELECT mfa_enabled FROM users WHERE id = '$U_ID'")" 1 "MFA stays on"

# ===== replays: refused and audited, but no lock-out; one mail a window =====
clean_rows
new_user
enable_mfa
s0=$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$U_ID'")
got=$(burst 30 "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" --arg c "$(totp "$SECRET" $((STEP0 + 1)))" \
	'{email:$e,password:$p,totp_code:$c}')")
unlike "$got" '(^| )5[0-9][0-9]:' "30 logins with one right code: no 5xx ($got)"
is "$(count_of 200 "$got")" 1 "exactly one 200"
is "$(($(count_of 401 "$got") + $(count_of 429 "$got")))" 29 "the other 29 refused"
is "$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$U_ID'")" "$((s0 + 1))" "one session"
replays=$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$U_ID' AND summary = 'totp replay refused'")
is "$replays" "$(count_of 401 "$got")" "every refused replay is audited"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE recipient_user_id = '$U_ID' AND template = 'mfa_replay'")" 1 \
	"one mfa_replay mail, not one per replay"
is "$(locked "$U_ID")" 0 "the owner is not locked out"
is "$(sql "SELECT failed_logins FROM users WHERE id = '$U_ID'")" 0 "no consecutive failures left"
shift_by 60
try_login "$U_EMAIL" "$PW" "$(totp "$SECRET" "$(step)")"
is "$STATUS" 200 "the owner signs in with the next code at once"
got=$(burst 10 "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" --arg c "$(totp "$SECRET" "$(step)")" \
	'{email:$e,password:$p,totp_code:$c}')")
is "$(count_of 200 "$got")" 0 "10 more replays of that code: none succeeds"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE recipient_user_id = '$U_ID' AND template = 'mfa_replay'")" 1 \
	"and no second mail inside the window"
is "$(locked "$U_ID")" 0 "still no lock"
shift_by $((MAIL_MIN * 60))
try_login "$U_EMAIL" "$PW" "$(totp "$SECRET" $(($(step) - 0)))"
is "$STATUS" 200 "a later step signs in"
try_login "$U_EMAIL" "$PW" "$(totp "$SECRET" "$(step)")"
is "$STATUS" 401 "and its replay is refused"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE recipient_user_id = '$U_ID' AND template = 'mfa_replay'")" 2 \
	"a replay after the window gets the next mail"
# Guessing does lock: wrong codes are failures.
got=$(burst 30 "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" --arg c "$(totp "$SECRET" $(($(step) + 9)))" \
	'{email:$e,password:$p,totp_code:$c}')")
is "$(count_of 401 "$got")" "$THRESHOLD" "30 wrong codes at once: exactly $THRESHOLD tried"
is "$(locked "$U_ID")" 1 "and the account locks, as for a guessing attack"

# ===== a replay on disable counts like a sign-in replay =====
clean_rows
new_user
enable_mfa
mfa disable "$(code_body "$(totp "$SECRET" "$STEP0")")"
is "$STATUS" 422 "disable with the code used to enable (a replay) is refused"
is "$(refusals "$U_ID" mfa_disable totp_replay)" 1 "audited as a replay"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$U_ID' AND summary = 'totp replay refused'")" 1 \
	"and as an MFA replay"
is "$(sql "SELECT failed_logins FROM users WHERE id = '$U_ID'")" 0 "not a consecutive failure"

# ===== an email change ends the other sessions and the old reset tokens =====
clean_rows
new_user
T1=$U_TOK
T2=$(login "$U_EMAIL" "$PW") || bail "second login"
api POST /api/v1/auth/password/forgot "$(jq -cn --arg e "$U_EMAIL" '{email:$e}')"
token=$(sql "SELECT JSON_VALUE(payload, '\$.token') FROM outbox WHERE recipient_user_id = '$U_ID'
	AND template = 'password_reset' ORDER BY id DESC LIMIT 1")
api PATCH /api/v1/me "$(jq -cn --arg p "$PW" '{phone:"+15550100001",current_password:$p}')" \
	-H "Authorization: Bearer $T1"
is "$STATUS" 200 "a phone change"
api GET /api/v1/me "" -H "Authorization: Bearer $T2"
is "$STATUS" 200 "leaves the other session alone"
NEW_EMAIL=$(uniq_email)
api PATCH /api/v1/me "$(jq -cn --arg e "$NEW_EMAIL" --arg p "$PW" '{email:$e,current_password:$p}')" \
	-H "Authorization: Bearer $T1"
is "$STATUS $(jq -r .user.email <<<"$BODY")" "200 $NEW_EMAIL" "an email change answers the new email"
api GET /api/v1/me "" -H "Authorization: Bearer $T2"
is "$STATUS" 401 "the other session ended"
api GET /api/v1/me "" -H "Authorization: Bearer $T1"
is "$STATUS" 200 "the session that changed it goes on"
api POST /api/v1/auth/password/reset "$(jq -cn --arg t "$token" '{token:$t,new_password:"amber-lantern-meadow-42"}')"
is "$STATUS" 400 "a reset token mailed to the old address no longer works"
is "$(sql "SELECT JSON_EXTRACT(metadata, '\$.other_sessions_ended') FROM audit_log
	WHERE entity_id = '$U_ID' AND action = 'update' AND outcome = 'success' ORDER BY id DESC LIMIT 1")" \
	true "the audit row says the other sessions ended"

# ===== sign-ups meeting a taken email: bounded per address =====
clean_rows
signup() {	# signup EMAIL
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$1" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Probe"}')"
}
for i in 1 2 3; do signup "$(uniq_email)"; done
is "$STATUS" 201 "new accounts sign up"
is "$(sql "SELECT IFNULL(SUM(fail_window_count), 0) FROM login_throttle WHERE scope = 'signup_address'
	AND subject = '127.0.0.1'")" 0 "and are not counted"
codes=
for ((i = 0; i < TAKEN_MAX - 1; i++)); do
	signup "$NEW_EMAIL"
	codes+="$STATUS "
done
is "$(tr ' ' '\n' <<<"$codes" | sort -u | tr -d '\n')" 409 "$((TAKEN_MAX - 1)) sign-ups with a taken email: 409"
api PATCH /api/v1/me "$(jq -cn --arg e "patient1@demo.test" --arg p "$PW" '{email:$e,current_password:$p}')" \
	-H "Authorization: Bearer $T1"
is "$STATUS" 409 "a new email that is taken (PATCH /me) counts too"
before=$(counts)
signup "$NEW_EMAIL"
is "$STATUS" 429 "then the next sign-up with a taken email is 429"
like "$(header Retry-After)" '^[1-9][0-9]*$' "with Retry-After"
signup "$(uniq_email)"
is "$STATUS" 429 "and so is one with a new email: the reply tells nothing"
is "$(delta "$before" "$(counts)")" audit_log=+2 "both refusals audited, nothing else written"

done_testing
