#!/usr/bin/env bash
# e2e-auth-mfa: TOTP setup, enable and disable with re-authentication,
# login with a second factor, replay refusal (audited, user notified),
# recovery codes used once, and both under concurrent logins.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/mfa-lib.sh"

PW='quartz-meadow-lantern-42'
ISSUER=$(conf_get mfa.issuer)
ISSUER=${ISSUER:-Concierge}
WAITED=0

# sha256hex TEXT: upper-case hex of its SHA-256 (what SQL HEX() prints).
sha256hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1 | tr a-f A-F; }

# new_user: sign up a patient; sets U_EMAIL U_ID U_TOK.
new_user() {
	U_EMAIL=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Mfa Tester"}')"
	[[ $STATUS == 201 ]] || bail "signup: $STATUS $BODY"
	U_ID=$(jq -r .user.id <<<"$BODY")
	U_TOK=$(login "$U_EMAIL" "$PW") || bail "login of a new user"
}

# mfa_post WHAT TOKEN BODY: POST /api/v1/auth/mfa/totp/WHAT.
mfa_post() { api POST "/api/v1/auth/mfa/totp/$1" "$3" -H "Authorization: Bearer $2"; }
pw_body() { jq -cn --arg p "${1:-$PW}" '{current_password:$p}'; }
code_body() { jq -cn --arg c "$1" --arg p "${2:-$PW}" '{code:$c,current_password:$p}'; }

# login_with EMAIL [CODE]: POST login (totp_code only if CODE is given).
login_with() {
	if (($# > 1)); then
		api POST /api/v1/auth/login "$(jq -cn --arg e "$1" --arg p "$PW" --arg c "$2" \
			'{email:$e,password:$p,totp_code:$c}')"
	else
		api POST /api/v1/auth/login "$(jq -cn --arg e "$1" --arg p "$PW" '{email:$e,password:$p}')"
	fi
}

# mfa_state UID: enabled, secret, pending, last step, codes (total/used).
mfa_state() {
	sql "SELECT CONCAT_WS(' ', mfa_enabled, IFNULL(HEX(mfa_secret), '-'),
		IFNULL(HEX(mfa_pending), '-'), IFNULL(mfa_last_step, '-'),
		(SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = '$1'),
		(SELECT COUNT(used_at) FROM mfa_recovery_codes WHERE user_id = '$1'))
		FROM users WHERE id = '$1'"
}

# audits UID SUMMARY [OUTCOME]: how many audit rows about UID carry SUMMARY.
audits() {
	sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$1' AND summary = '$2'
		${3:+AND outcome = '$3'}"
}
replay_mails() {
	sql "SELECT COUNT(*) FROM outbox WHERE recipient_user_id = '$1' AND template = 'mfa_replay'"
}
sessions_of() { sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$1'"; }

# enable_user: setup + enable the current user; sets SECRET CODES ENABLE_STEP.
enable_user() {
	mfa_post setup "$U_TOK" "$(pw_body)"
	[[ $STATUS == 200 ]] || bail "setup: $STATUS $BODY"
	SECRET=$(jq -r .secret <<<"$BODY")
	ENABLE_STEP=$(step_now)
	mfa_post enable "$U_TOK" "$(code_body "$(totp "$SECRET" "$ENABLE_STEP")")"
	[[ $STATUS == 200 ]] || bail "enable: $STATUS $BODY"
	CODES=$(jq -c .recovery_codes <<<"$BODY")
}

# parallel_logins N EMAIL CODE: N logins at once; prints the sorted statuses.
parallel_logins() {
	local i body
	body=$(jq -cn --arg e "$2" --arg p "$PW" --arg c "$3" '{email:$e,password:$p,totp_code:$c}')
	for ((i = 0; i < $1; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X POST \
			-H 'Content-Type: application/json' --data-binary "$body" \
			"$BASE/api/v1/auth/login" >"$T_TMP/par.$i" &
	done
	wait
	cat "$T_TMP"/par.* | sort | tr '\n' ' ' | sed 's/ $//'
	rm -f "$T_TMP"/par.*
}

# ===== user A: setup =====
new_user
A_EMAIL=$U_EMAIL A_ID=$U_ID A_TOK=$U_TOK
state0=$(mfa_state "$A_ID")
is "$state0" "0 - - - 0 0" "a new account has no MFA state"

api POST /api/v1/auth/mfa/totp/setup "$(pw_body)"
is "$STATUS" 401 "setup needs a session"

before=$(counts)
mfa_post setup "$A_TOK" '{}'
is "$STATUS" 422 "setup without current_password is 422"
like "$BODY" '"field":"current_password"' "the error names current_password"
mfa_post setup "$A_TOK" '{"current_password":"x","extra":1}'
is "$STATUS" 422 "an unknown field is 422"
is "$(delta "$before" "$(counts)")" none "bad setup bodies write nothing"

before=$(counts)
mfa_post setup "$A_TOK" "$(pw_body 'not-the-password-123')"
is "$STATUS" 401 "setup with a wrong password is refused"
like "$BODY" '"code":"reauthentication_failed"' "as reauthentication_failed"
unlike "$BODY" '"secret"' "no secret in the refusal"
is "$(mfa_state "$A_ID")" "$state0" "a wrong password on setup changes nothing"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the refusal is written"
is "$(audits "$A_ID" 'mfa setup refused' failure)" 1 "the refused setup is audited"

mfa_post setup "$A_TOK" "$(pw_body)"
is "$STATUS" 200 "setup with the password succeeds"
SECRET=$(jq -r .secret <<<"$BODY")
URI=$(jq -r .otpauth_uri <<<"$BODY")
like "$SECRET" '^[A-Z2-7]{32}$' "the secret is 160 bits of base32"
want_uri="otpauth://totp/$(jq -rn --arg s "$ISSUER" '$s|@uri'):$(jq -rn --arg s "$A_EMAIL" '$s|@uri')"
want_uri+="?secret=$SECRET&issuer=$(jq -rn --arg s "$ISSUER" '$s|@uri')&algorithm=SHA1&digits=6&period=30"
is "$URI" "$want_uri" "otpauth URI with the label and issuer percent-encoded"
like "$URI" '%40' "the @ of the email is escaped"
st=$(mfa_state "$A_ID")
like "$st" '^0 - [0-9A-F]{96} - 0 0$' "pending secret stored sealed (48 bytes), MFA still off"
pending_hex=$(sql "SELECT HEX(mfa_pending) FROM users WHERE id = '$A_ID'")
raw_hex=$("$PYTHON" -c 'import base64,sys; print(base64.b32decode(sys.argv[1]).hex().upper())' "$SECRET")
unlike "$pending_hex" "$raw_hex" "the stored secret is not the raw key"
unlike "$pending_hex" "$(hex_of "$SECRET")" "the stored secret is not the base32 text"
is "$(audits "$A_ID" 'mfa setup started' success)" 1 "setup audited"

# ===== user A: enable =====
before=$(counts)
mfa_post enable "$A_TOK" "$(jq -cn --arg p "$PW" '{current_password:$p}')"
is "$STATUS" 422 "enable without a code is 422"
S=$(step_now)
mfa_post enable "$A_TOK" "$(code_body "$(totp "$SECRET" "$((S + 5))")")"
is "$STATUS" 422 "enable with a wrong code is 422"
like "$BODY" '"code":"invalid_code"' "as invalid_code"
mfa_post enable "$A_TOK" "$(code_body "$(totp "$SECRET" "$S")" 'not-the-password-123')"
is "$STATUS" 401 "enable with a wrong password (right code) is 401"
is "$(mfa_state "$A_ID")" "$st" "failed enables change nothing"
is "$(delta "$before" "$(counts)")" "audit_log=+2" "only the two refusals are written"
is "$(audits "$A_ID" 'mfa enable refused' failure)" 2 "both refusals audited"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$A_ID' AND metadata LIKE '%\"reason\":\"wrong_code\"%'")" 1 \
	"the wrong code is named as the reason"

S=$(step_now)
mfa_post enable "$A_TOK" "$(code_body "$(totp "$SECRET" "$S")")"
is "$STATUS" 200 "enable with a right code"
is "$(jq -r .mfa_enabled <<<"$BODY")" true "reply says MFA is on"
CODES=$(jq -c .recovery_codes <<<"$BODY")
is "$(jq length <<<"$CODES")" 10 "10 recovery codes returned"
is "$(jq -r '.[]' <<<"$CODES" | sort -u | wc -l)" 10 "all different"
is "$(jq -r '.[]' <<<"$CODES" | grep -cE '^[A-Z2-7]{6}(-[A-Z2-7]{6}){3}$')" 10 \
	"each is 24 base32 characters (120 bits), grouped"
is "$(mfa_state "$A_ID")" "1 $pending_hex - $S 10 0" \
	"the pending secret moved to mfa_secret, step $S recorded, 10 hashes stored"
c0=$(jq -r '.[0]' <<<"$CODES")
is "$(sql "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = '$A_ID'
	AND HEX(code_hash) = '$(sha256hex "${c0//-/}")'")" 1 "codes are stored as SHA-256 hashes"
dump=$(mariadb-dump --no-defaults --socket="$DB_SOCKET" -uroot --skip-extended-insert \
	"$DB_NAME" users mfa_recovery_codes audit_log outbox 2>&1)
like "$dump" "$A_ID" "the dump holds the user (sanity)"
leaks=0
for c in $(jq -r '.[]' <<<"$CODES") ; do
	for v in "$c" "${c//-/}"; do
		grep -qiF -- "$v" <<<"$dump" && leaks=$((leaks + 1))
		grep -qiF -- "$(hex_of "$v")" <<<"$(sql "SELECT HEX(code_hash) FROM mfa_recovery_codes")" &&
			leaks=$((leaks + 1))
	done
done
grep -qiF -- "$SECRET" <<<"$dump" && leaks=$((leaks + 1))
grep -qiF -- "$raw_hex" <<<"$(sql "SELECT HEX(mfa_secret) FROM users")" && leaks=$((leaks + 1))
is "$leaks" 0 "no recovery code and no secret in clear in the database"
is "$(audits "$A_ID" 'mfa enabled' success)" 1 "enable audited"

before=$(counts)
st=$(mfa_state "$A_ID")
mfa_post setup "$A_TOK" "$(pw_body)"
is "$STATUS" 409 "setup while MFA is on is a conflict"
mfa_post enable "$A_TOK" "$(code_body "$(totp "$SECRET" "$(step_now)")")"
is "$STATUS" 409 "enable while MFA is on is a conflict"
is "$(mfa_state "$A_ID")" "$st" "conflicts change nothing"
is "$(delta "$before" "$(counts)")" none "and write nothing"

# ===== user B: enabled now, for the concurrent TOTP logins below =====
A_SECRET=$SECRET A_CODES=$CODES
new_user
B_EMAIL=$U_EMAIL B_ID=$U_ID B_TOK=$U_TOK
enable_user
B_SECRET=$SECRET B_STEP=$ENABLE_STEP
SECRET=$A_SECRET CODES=$A_CODES

# ===== user A: login =====
n_sess=$(sessions_of "$A_ID")
login_with "$A_EMAIL"
is "$STATUS" 401 "login without a code is 401"
like "$BODY" '"code":"mfa_required"' "as mfa_required"
unlike "$BODY" '"token"' "no token"
login_with "$A_EMAIL" "$(totp "$SECRET" "$((S + 5))")"
is "$STATUS" 401 "login with a wrong code is 401"
login_with "$A_EMAIL" "abcdef"
is "$STATUS" 401 "login with a malformed code is 401"
is "$(sessions_of "$A_ID")" "$n_sess" "no session without a right code"
is "$(sql "SELECT mfa_last_step FROM users WHERE id = '$A_ID'")" "$S" "refusals leave the step alone"

CODE1=$(totp "$SECRET" "$((S + 1))")
login_with "$A_EMAIL" "$CODE1"
is "$STATUS" 200 "login with the next step's code succeeds"
like "$(jq -r .token <<<"$BODY")" '^[A-Za-z0-9_-]{43}$' "and returns a token"
is "$(sessions_of "$A_ID")" "$((n_sess + 1))" "one session created"
is "$(sql "SELECT mfa_last_step FROM users WHERE id = '$A_ID'")" "$((S + 1))" "its step is recorded"

r0=$(audits "$A_ID" 'totp replay refused' denied)
m0=$(replay_mails "$A_ID")
login_with "$A_EMAIL" "$CODE1"
is "$STATUS" 401 "the same code in a new login is refused"
unlike "$BODY" '"token"' "no token for a replay"
is "$(sessions_of "$A_ID")" "$((n_sess + 1))" "no session for a replay"
is "$(audits "$A_ID" 'totp replay refused' denied)" "$((r0 + 1))" "the replay is audited (denied)"
is "$(replay_mails "$A_ID")" "$((m0 + 1))" "the user is notified through the outbox"
is "$(sql "SELECT CONCAT_WS(' ', channel, IFNULL(payload, 'null')) FROM outbox
	WHERE recipient_user_id = '$A_ID' AND template = 'mfa_replay' ORDER BY id DESC LIMIT 1")" \
	"email null" "an email with no payload (no code, no PHI)"
login_with "$A_EMAIL" "$(totp "$SECRET" "$S")"
is "$STATUS" 401 "the code used to enable cannot log in"

# ===== user B: 8 concurrent logins with one fresh code =====
n_sess=$(sessions_of "$B_ID")
r0=$(audits "$B_ID" 'totp replay refused' denied)
m0=$(replay_mails "$B_ID")
got=$(parallel_logins 8 "$B_EMAIL" "$(totp "$B_SECRET" "$((B_STEP + 1))")")
is "$got" "200 401 401 401 401 401 401 401" "8 concurrent logins with one code: exactly one 200"
is "$(sessions_of "$B_ID")" "$((n_sess + 1))" "exactly one session created"
is "$(sql "SELECT mfa_last_step FROM users WHERE id = '$B_ID'")" "$((B_STEP + 1))" "the step is recorded once"
is "$(audits "$B_ID" 'totp replay refused' denied)" "$((r0 + 7))" "the 7 losers are audited as replays"
is "$(replay_mails "$B_ID")" "$((m0 + 7))" "and notified"

# ===== the next step: wait (once, at most 31 s) until it has begun =====
last=$((S > B_STEP ? S : B_STEP))
if (($(step_now) <= last)); then
	t0=$(date +%s)
	past_last() { (($(step_now) > last)); }
	wait_until 31 past_last || bail "the clock did not reach the next step"
	WAITED=$(($(date +%s) - t0))
fi
diag "waited ${WAITED}s for the next TOTP step"
login_with "$A_EMAIL" "$(totp "$SECRET" "$((S + 2))")"
is "$STATUS" 200 "a code of a later step logs in"
is "$(sql "SELECT mfa_last_step FROM users WHERE id = '$A_ID'")" "$((S + 2))" "the later step is recorded"

# ===== user B: disable with password + TOTP code =====
before=$(counts)
st=$(mfa_state "$B_ID")
CODEB=$(totp "$B_SECRET" "$((B_STEP + 2))")
mfa_post disable "$B_TOK" "$(jq -cn --arg c "$CODEB" '{code:$c}')"
is "$STATUS" 422 "disable without the password is 422"
mfa_post disable "$B_TOK" "$(jq -cn --arg p "$PW" '{current_password:$p}')"
is "$STATUS" 422 "disable without a code is 422"
mfa_post disable "$B_TOK" "$(code_body "$CODEB" 'not-the-password-123')"
is "$STATUS" 401 "disable with a wrong password is 401"
mfa_post disable "$B_TOK" "$(code_body "$(totp "$B_SECRET" "$((B_STEP + 1))")")"
is "$STATUS" 422 "disable with an already used code is refused"
mfa_post disable "$B_TOK" "$(code_body "$(totp "$B_SECRET" "$((B_STEP + 9))")")"
is "$STATUS" 422 "disable with a wrong code is refused"
is "$(mfa_state "$B_ID")" "$st" "refused disables change nothing"
is "$(audits "$B_ID" 'mfa disable refused' failure)" 3 "wrong password and codes audited"
mfa_post disable "$B_TOK" "$(code_body "$CODEB")"
is "$STATUS" 200 "disable with password and a fresh code"
is "$(jq -r .mfa_enabled <<<"$BODY")" false "reply says MFA is off"
is "$(mfa_state "$B_ID")" "0 - - - 0 0" "secret, pending, step and codes cleared"
is "$(audits "$B_ID" 'mfa disabled' success)" 1 "disable audited"
login_with "$B_EMAIL"
is "$STATUS" 200 "login without a code works again"
mfa_post disable "$B_TOK" "$(code_body "$CODEB")"
is "$STATUS" 409 "disable while off is a conflict"

# ===== user A: recovery codes =====
c1=$(jq -r '.[1]' <<<"$CODES")
login_with "$A_EMAIL" "$c0"
is "$STATUS" 200 "a recovery code logs in"
is "$(mfa_state "$A_ID" | cut -d' ' -f5-)" "10 1" "one code marked used"
is "$(sql "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = '$A_ID' AND used_at IS NOT NULL
	AND HEX(code_hash) = '$(sha256hex "${c0//-/}")'")" 1 "the used one is that code"
is "$(audits "$A_ID" 'recovery code used' success)" 1 "recovery code use audited"
login_with "$A_EMAIL" "$c0"
is "$STATUS" 401 "the same recovery code twice is refused"
is "$(mfa_state "$A_ID" | cut -d' ' -f5-)" "10 1" "still one used"
lower=$(tr 'A-Z' 'a-z' <<<"${c1//-/}")
login_with "$A_EMAIL" "$lower"
is "$STATUS" 200 "a recovery code typed in lower case without dashes works"
is "$(mfa_state "$A_ID" | cut -d' ' -f5-)" "10 2" "two used"
login_with "$A_EMAIL" "AAAAAA-AAAAAA-AAAAAA-AAAAAA"
is "$STATUS" 401 "an unknown recovery code is refused"

# ===== user A: disable with a recovery code =====
before=$(counts)
st=$(mfa_state "$A_ID")
mfa_post disable "$A_TOK" "$(code_body "$c0")"
is "$STATUS" 422 "disable with a used recovery code is refused"
mfa_post disable "$A_TOK" "$(code_body "$(jq -r '.[3]' <<<"$CODES")" 'not-the-password-123')"
is "$STATUS" 401 "disable with a wrong password is refused"
is "$(mfa_state "$A_ID")" "$st" "nothing changed, the code not consumed"
mfa_post disable "$A_TOK" "$(code_body "$(jq -r '.[3]' <<<"$CODES")")"
is "$STATUS" 200 "disable with password and a recovery code"
is "$(mfa_state "$A_ID")" "0 - - - 0 0" "all MFA state of A cleared"
is "$(audits "$A_ID" 'recovery code used' success)" 3 "the recovery code use is audited"
is "$(audits "$A_ID" 'mfa disabled' success)" 1 "the disable is audited"

# ===== user C: 8 concurrent logins with one recovery code =====
new_user
C_EMAIL=$U_EMAIL C_ID=$U_ID
enable_user
n_sess=$(sessions_of "$C_ID")
got=$(parallel_logins 8 "$C_EMAIL" "$(jq -r '.[5]' <<<"$CODES")")
is "$got" "200 401 401 401 401 401 401 401" "8 concurrent logins with one recovery code: exactly one 200"
is "$(sessions_of "$C_ID")" "$((n_sess + 1))" "exactly one session created"
is "$(mfa_state "$C_ID" | cut -d' ' -f5-)" "10 1" "the code is used once"
is "$(audits "$C_ID" 'recovery code used' success)" 1 "one use audited"

# ===== MFA events for a user never carry codes or secrets =====
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id IN ('$A_ID', '$B_ID', '$C_ID')
	AND (metadata LIKE '%code\":\"%' OR metadata LIKE '%secret%')")" 0 "no code or secret in audit metadata"

done_testing
