#!/usr/bin/env bash
# e2e-auth-login: sign-in hardening. Success and failure with their audit
# rows (never a password), the same reply for an unknown email and a wrong
# password, the account lock (429 + Retry-After, doubling, expiry), the
# same lock for an email that has no account, the hourly maximum (also
# across a window boundary), exact counting under parallel requests, the
# per-address limits, MFA required without counting a failure, and the
# rehash of a password stored at a lower argon2 cost.
#
# Every request through nginx comes from 127.0.0.1, like the rest of the
# suite. So the per-address limits are exercised by running the auth
# binary as plain CGI with REMOTE_ADDR set to documentation addresses
# (192.0.2.0/24, 2001:db8::/32); the 127.0.0.1 row is deleted at the start
# and at exit, and only fresh accounts are ever locked.
. "${srcdir:-.}/tests/e2e/lib.sh"

need_build
AUTH_BIN=$BUILD/cgi-bin/auth/concierge-auth
PW='violet-harbor-canoe-17'
WRONG='wrong-password-e2e-31'
THRESHOLD=$(conf_get login.lock_threshold)
THRESHOLD=${THRESHOLD:-10}
LOCK_MIN=$(conf_get login.lock_minutes)
LOCK_MIN=${LOCK_MIN:-15}
MAX_HOUR=$(conf_get login.max_failures_hour)
MAX_HOUR=${MAX_HOUR:-100}
ADDR_THRESHOLD=$((THRESHOLD * 5))

LOCAL_ROW="scope = 'login_address' AND subject = '127.0.0.1'"
clean_addresses() {
	sql "DELETE FROM login_throttle WHERE scope = 'login_address' AND (subject = '127.0.0.1'
		OR subject LIKE '192.0.2.%' OR subject LIKE '2001:db8:%')"
}
clean_addresses
on_exit clean_addresses

body() { jq -cn --arg e "$1" --arg p "$2" '{email:$e,password:$p}'; }
try_login() { api POST /api/v1/auth/login "$(body "$1" "$2")"; }

# new_patient [CONFIG]: sign up a fresh patient; sets U_EMAIL and U_ID.
new_patient() {
	U_EMAIL=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Login Tester"}')"
	[[ $STATUS == 201 ]] || bail "signup: $STATUS $BODY"
	U_ID=$(jq -r .user.id <<<"$BODY")
}

# state UID: failed_logins lock_count window_count window_prev locked?
state() {
	sql "SELECT CONCAT_WS(' ', failed_logins, lock_count, fail_window_count, fail_window_prev,
		IF(locked_until > UTC_TIMESTAMP(6), 'locked', 'open')) FROM users WHERE id = '$1'"
}

# cgi_login ADDR EMAIL PASSWORD [CONFIG] / cgi_post ADDR PATH BODY [CONFIG]:
# one request to the auth binary as plain CGI from REMOTE_ADDR=ADDR.
cgi_post() {
	local b=$3
	printf '%s' "$b" >"$T_TMP/cgi.json"
	(cd "$T_TMP" && env REQUEST_METHOD=POST DOCUMENT_URI="$2" GATEWAY_INTERFACE=CGI/1.1 \
		CONTENT_TYPE=application/json CONTENT_LENGTH=${#b} REMOTE_ADDR="$1" \
		"$AUTH_BIN" --config "${4:-$CONF}" <"$T_TMP/cgi.json" >"$T_TMP/cgi.out" 2>"$T_TMP/cgi.err")
	fcgi_parse "$T_TMP/cgi.out"
}
cgi_login() { cgi_post "$1" /api/v1/auth/login "$(body "$2" "$3")" "${4:-}"; }

# parallel N BODYFILE-PREFIX: N logins at once (body i in $T_TMP/pb.i);
# prints "STATUS:COUNT" pairs, sorted.
parallel() {
	local i
	for ((i = 0; i < $1; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 -X POST \
			-H 'Content-Type: application/json' --data-binary "@$T_TMP/pb.$i" \
			"$BASE/api/v1/auth/login" >"$T_TMP/par.$i" &
	done
	wait
	cat "$T_TMP"/par.* | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
	rm -f "$T_TMP"/par.* "$T_TMP"/pb.*
}

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ===== success and failure =====
new_patient
A_EMAIL=$U_EMAIL A_ID=$U_ID
try_login "$A_EMAIL" "$PW"
is "$STATUS" 200 "login with the right password"
TOK=$(jq -r .token <<<"$BODY")
api GET /api/v1/me "" -H "Authorization: Bearer $TOK"
is "$STATUS" 200 "the token works"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$A_ID' AND action = 'login'
	AND outcome = 'success'")" 1 "the success is audited with the user as actor"

try_login "$A_EMAIL" "$WRONG"
is "$STATUS" 401 "a wrong password is 401"
like "$BODY" '"code":"invalid_credentials"' "as invalid_credentials"
WRONG_BODY=$BODY
is "$(state "$A_ID")" "1 0 1 0 open" "one failure counted"
is "$(sql "SELECT JSON_VALUE(metadata, '\$.reason') FROM audit_log WHERE actor_id = '$A_ID'
	AND action = 'login' AND outcome = 'failure'")" wrong_password "the failure is audited with its reason"

UNKNOWN=$(uniq_email)
try_login "$UNKNOWN" "$WRONG"
is "$STATUS" 401 "an unknown email is 401"
is "$BODY" "$WRONG_BODY" "with the very same body as a wrong password"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE actor_id IS NULL AND action = 'login'
	AND outcome = 'failure' AND JSON_VALUE(metadata, '\$.reason') = 'unknown_account'
	AND request_id = '$(header X-Request-Id)'")" 1 "the unknown email is audited without an actor"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE CONCAT(summary, IFNULL(metadata, ''))
	LIKE '%$WRONG%' OR CONCAT(summary, IFNULL(metadata, '')) LIKE '%$PW%'
	OR CONCAT(summary, IFNULL(metadata, '')) LIKE '%$UNKNOWN%'")" 0 \
	"no password and no typed email in the audit trail"

# Timing: both paths run one argon2 verification. Medians of 7, after a
# warm-up that lets each worker process make its dummy hash.
for i in 1 2 3 4; do try_login "$(uniq_email)" "$WRONG"; done
# measure_paths: medians of 7 interleaved timings of each path, into
# m_wrong and m_unknown.
measure_paths() {
	local i t_wrong=() t_unknown=()
	for i in 1 2 3 4 5 6 7; do
		t_wrong+=("$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' \
			--data-binary "$(body "$A_EMAIL" "$WRONG")" "$BASE/api/v1/auth/login")")
		t_unknown+=("$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' \
			--data-binary "$(body "$(uniq_email)" "$WRONG")" "$BASE/api/v1/auth/login")")
		# never let A reach the lock here
		((i % 3 == 0)) && try_login "$A_EMAIL" "$PW"
	done
	m_wrong=$(printf '%s\n' "${t_wrong[@]}" | median)
	m_unknown=$(printf '%s\n' "${t_unknown[@]}" | median)
	diag "median wrong password ${m_wrong}s, unknown email ${m_unknown}s"
}
same_time() { awk -v a="$m_wrong" -v b="$m_unknown" 'BEGIN { r = a / b; exit !(r > 0.67 && r < 1.5) }'; }
measure_paths
# One load spike on a shared CI machine must not decide it: measure again
# before judging; a real difference shows in both rounds.
same_time || measure_paths
ok "$(same_time; echo $?)" \
	"unknown email and wrong password take the same time (ratio within 1.5)"

try_login "$A_EMAIL" "$PW"
is "$STATUS" 200 "a success after failures"
is "$(state "$A_ID" | cut -d' ' -f1,2,5)" "0 0 open" "resets the consecutive counter"

before=$(counts)
api POST /api/v1/auth/login '{"email":"x@example.test"}'
is "$STATUS" 422 "a missing password is 422"
api POST /api/v1/auth/login '{"email":"x@example.test","password":"p","pin":1}'
is "$STATUS" 422 "an unknown field is 422"
is "$(delta "$before" "$(counts)")" none "bad input writes nothing"

# ===== the account lock =====
new_patient
L_EMAIL=$U_EMAIL L_ID=$U_ID
codes=
for ((i = 0; i < THRESHOLD; i++)); do
	try_login "$L_EMAIL" "$WRONG"
	codes+="$STATUS "
done
is "$codes" "$(printf '401 %.0s' $(seq "$THRESHOLD"))" "$THRESHOLD wrong passwords: each 401"
is "$(state "$L_ID")" "0 1 $THRESHOLD 0 locked" "the account is locked (lock 1, counter back to 0)"
try_login "$L_EMAIL" "$PW"
is "$STATUS" 429 "even the right password is 429 while locked"
LOCK_BODY=$BODY
like "$BODY" '"code":"too_many_attempts"' "as too_many_attempts"
ra=$(header Retry-After)
ok "$(((ra > LOCK_MIN * 60 - 60 && ra <= LOCK_MIN * 60) ? 0 : 1))" \
	"Retry-After is about $LOCK_MIN minutes ($ra s)"
is "$(sql "SELECT CONCAT_WS(' ', outcome, JSON_VALUE(metadata, '\$.reason'), JSON_VALUE(metadata, '\$.scope'))
	FROM audit_log WHERE request_id = '$(header X-Request-Id)'")" "denied locked account" \
	"the refusal is audited"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$L_ID' AND action = 'login'
	AND outcome = 'failure' AND JSON_EXTRACT(metadata, '\$.locked') = 'true'")" 1 \
	"the failure that locked is marked in its audit row"
is "$(state "$L_ID" | cut -d' ' -f1-3)" "0 1 $THRESHOLD" "refused attempts are not counted"

# expiry (moved back as root), then a second lock twice as long
sql "UPDATE users SET locked_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = '$L_ID'"
for ((i = 0; i < THRESHOLD; i++)); do try_login "$L_EMAIL" "$WRONG"; done
is "$STATUS" 401 "after the lock expires, attempts count again"
try_login "$L_EMAIL" "$PW"
is "$STATUS" 429 "the next $THRESHOLD failures lock again"
ra=$(header Retry-After)
ok "$(((ra > 2 * LOCK_MIN * 60 - 60 && ra <= 2 * LOCK_MIN * 60) ? 0 : 1))" \
	"the second lock is twice as long ($ra s)"
is "$(state "$L_ID" | cut -d' ' -f2,5)" "2 locked" "lock count 2"
sql "UPDATE users SET locked_until = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE id = '$L_ID'"
try_login "$L_EMAIL" "$PW"
is "$STATUS" 200 "the right password works once the lock has expired"
is "$(state "$L_ID" | cut -d' ' -f1,2,5)" "0 0 open" "a success clears the counters"

# ===== an email without an account locks the same way =====
GHOST=$(uniq_email)
GHOST_ROW="scope = 'login_email' AND subject = UNHEX(SHA2('$GHOST', 256))"
for ((i = 0; i < THRESHOLD; i++)); do try_login "$GHOST" "$WRONG"; done
is "$STATUS" 401 "an unknown email: $THRESHOLD failures are 401"
try_login "$GHOST" "$WRONG"
is "$STATUS" 429 "then 429, as for an account"
is "$BODY" "$LOCK_BODY" "with the same body as a locked account"
ra=$(header Retry-After)
ok "$(((ra > LOCK_MIN * 60 - 60 && ra <= LOCK_MIN * 60) ? 0 : 1))" "and the same Retry-After ($ra s)"
is "$(sql "SELECT CONCAT_WS(' ', failed_logins, lock_count, fail_window_count) FROM login_throttle
	WHERE $GHOST_ROW")" "0 1 $THRESHOLD" "counted under the email's hash"
try_login "${GHOST^^}" "$WRONG"
is "$STATUS" 429 "the same email in capitals is the same subject"
is "$(sql "SELECT COUNT(*) FROM login_throttle WHERE subject LIKE '%$GHOST%'")" 0 "the email is not stored in clear"

# ===== counters are forgotten after a quiet day =====
new_patient
sql "UPDATE users SET failed_logins = $((THRESHOLD - 1)), lock_count = 3,
	last_attempt_at = UTC_TIMESTAMP(6) - INTERVAL 25 HOUR WHERE id = '$U_ID'"
try_login "$U_EMAIL" "$WRONG"
is "$(state "$U_ID" | cut -d' ' -f1,2,5)" "1 0 open" "after a quiet day a failure starts from scratch"
sql "INSERT INTO login_throttle (scope, subject, failed_logins, lock_count, locked_until, last_attempt_at)
	VALUES ('login_email', 'e2e-stale-open', 3, 1, NULL, UTC_TIMESTAMP(6) - INTERVAL 3 DAY),
	('login_email', 'e2e-stale-locked', 0, 7, UTC_TIMESTAMP(6) + INTERVAL 1 DAY,
	UTC_TIMESTAMP(6) - INTERVAL 3 DAY)"
try_login "$U_EMAIL" "$PW"
is "$(sql "SELECT GROUP_CONCAT(subject) FROM login_throttle WHERE subject LIKE 'e2e-stale-%'")" \
	e2e-stale-locked "a sign-in deletes stale throttle rows, never a locked one"
sql "DELETE FROM login_throttle WHERE subject LIKE 'e2e-stale-%'"

# ===== the hourly maximum =====
new_patient
H_EMAIL=$U_EMAIL H_ID=$U_ID
sql "UPDATE users SET fail_window_start = UTC_TIMESTAMP(6) - INTERVAL 10 MINUTE,
	fail_window_count = $((MAX_HOUR - 1)) WHERE id = '$H_ID'"
try_login "$H_EMAIL" "$WRONG"
is "$STATUS" 401 "failure number $MAX_HOUR of the hour is 401"
try_login "$H_EMAIL" "$PW"
is "$STATUS" 429 "then nothing more that hour, even the right password"
ra=$(header Retry-After)
ok "$((ra > 3600 ? 0 : 1))" "Retry-After lasts until that hour's failures age out ($ra s)"
is "$(state "$H_ID" | cut -d' ' -f3)" "$MAX_HOUR" "exactly $MAX_HOUR failures in the window"
# the window before still counts right after it ended
sql "UPDATE users SET locked_until = NULL, failed_logins = 0, fail_window_prev = 0,
	fail_window_start = UTC_TIMESTAMP(6) - INTERVAL 61 MINUTE, fail_window_count = $MAX_HOUR
	WHERE id = '$H_ID'"
try_login "$H_EMAIL" "$PW"
is "$STATUS" 429 "failures of the last hour count across the window boundary"
sql "UPDATE users SET fail_window_start = UTC_TIMESTAMP(6) - INTERVAL 121 MINUTE WHERE id = '$H_ID'"
try_login "$H_EMAIL" "$PW"
is "$STATUS" 200 "and stop counting two hours after their window began"
is "$(state "$H_ID" | cut -d' ' -f3,4)" "0 0" "the window rolled over"

# ===== parallel failures are counted exactly =====
clean_addresses
new_patient
P_EMAIL=$U_EMAIL P_ID=$U_ID
n=$((THRESHOLD - 1))
for ((i = 0; i < n; i++)); do body "$P_EMAIL" "$WRONG" >"$T_TMP/pb.$i"; done
is "$(parallel "$n")" "401:$n" "$n parallel wrong passwords: all 401"
is "$(state "$P_ID")" "$n 0 $n 0 open" "counter exactly $n"

new_patient
Q_EMAIL=$U_EMAIL Q_ID=$U_ID
for ((i = 0; i < 20; i++)); do body "$Q_EMAIL" "$WRONG" >"$T_TMP/pb.$i"; done
is "$(parallel 20)" "401:$THRESHOLD 429:$((20 - THRESHOLD))" \
	"20 parallel wrong passwords: exactly $THRESHOLD tried, the rest 429"
is "$(state "$Q_ID")" "0 1 $THRESHOLD 0 locked" "exactly $THRESHOLD failures counted, one lock"

clean_addresses
for ((i = 0; i < 20; i++)); do body "$(uniq_email)" "$WRONG" >"$T_TMP/pb.$i"; done
is "$(parallel 20)" "401:20" "20 parallel logins to 20 unknown emails: all 401"
is "$(sql "SELECT CONCAT_WS(' ', failed_logins, fail_window_count) FROM login_throttle WHERE $LOCAL_ROW")" \
	"20 20" "the address counted exactly 20"
try_login "$A_EMAIL" "$PW"
is "$(sql "SELECT failed_logins FROM login_throttle WHERE $LOCAL_ROW")" 0 \
	"a success from the address resets its consecutive count"
clean_addresses

# ===== per-address limits (CGI with other client addresses) =====
ADDR=192.0.2.77
codes=
for ((i = 0; i < ADDR_THRESHOLD; i++)); do
	cgi_login "$ADDR" "$(uniq_email)" "$WRONG"
	[[ $STATUS == 401 ]] || codes+="$STATUS "
done
is "$codes" "" "$ADDR_THRESHOLD failures from one address to many emails: each 401"
new_patient
cgi_login "$ADDR" "$U_EMAIL" "$PW"
is "$STATUS" 429 "then that address is locked, even for a right password"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
is "$(sql "SELECT CONCAT_WS(' ', lock_count, locked_until > UTC_TIMESTAMP(6)) FROM login_throttle
	WHERE scope = 'login_address' AND subject = '$ADDR'")" "1 1" "the address row is locked"
is "$(state "$U_ID" | cut -d' ' -f1,3)" "0 0" "the account was not charged"
try_login "$U_EMAIL" "$PW"
is "$STATUS" 200 "the same account signs in from another address"

ADDR=192.0.2.78
half=$((ADDR_THRESHOLD / 2 + 1))
for ((i = 0; i < half; i++)); do cgi_login "$ADDR" "$(uniq_email)" "$WRONG"; done
cgi_login "$ADDR" "$U_EMAIL" "$PW"
is "$STATUS" 200 "a success from an address after $half failures"
for ((i = 0; i < half; i++)); do cgi_login "$ADDR" "$(uniq_email)" "$WRONG"; done
is "$STATUS" 401 "resets its consecutive count: $half more failures are still 401"
is "$(sql "SELECT CONCAT_WS(' ', failed_logins, lock_count, fail_window_count) FROM login_throttle
	WHERE scope = 'login_address' AND subject = '$ADDR'")" "$half 0 $((2 * half))" \
	"the hourly count keeps both runs"

cgi_login 2001:db8:5:6::1 "$(uniq_email)" "$WRONG"
cgi_login 2001:db8:5:6:ffff::2 "$(uniq_email)" "$WRONG"
is "$(sql "SELECT failed_logins FROM login_throttle WHERE scope = 'login_address'
	AND subject = '2001:db8:5:6::/64'")" 2 "IPv6 addresses count per /64"

# ===== MFA required is not a failure =====
new_patient
sql "UPDATE users SET mfa_enabled = 1 WHERE id = '$U_ID'"
try_login "$U_EMAIL" "$PW"
is "$STATUS" 401 "MFA on and no code: 401"
like "$BODY" '"code":"mfa_required"' "as mfa_required"
is "$(state "$U_ID" | cut -d' ' -f1,3)" "0 0" "not counted as a failure"
try_login "$U_EMAIL" "$WRONG"
like "$BODY" '"code":"invalid_credentials"' "a wrong password with MFA on is still invalid_credentials"
sql "UPDATE users SET mfa_enabled = 0 WHERE id = '$U_ID'"

# ===== rehash at a higher cost =====
sed '/^[[:space:]]*argon2\.memory_kib[[:space:]]*=/d' "$CONF" >"$T_TMP/low.conf"
printf 'argon2.memory_kib = 8192\n' >>"$T_TMP/low.conf"
R_EMAIL=$(uniq_email)
cgi_post 192.0.2.90 /api/v1/auth/signup "$(jq -cn --arg e "$R_EMAIL" --arg p "$PW" \
	'{email:$e,password:$p,role:"patient",full_name:"Rehash Tester"}')" "$T_TMP/low.conf"
is "$STATUS" 201 "a user made under a lower argon2 cost"
R_ID=$(sql "SELECT id FROM users WHERE email_norm = '$R_EMAIL'")
like "$(sql "SELECT password_hash FROM users WHERE id = '$R_ID'")" '^\$argon2id\$v=19\$m=8192,' "stored with m=8192"
want_m=$(conf_get argon2.memory_kib)
try_login "$R_EMAIL" "$PW"
is "$STATUS" 200 "logs in under the configured cost"
like "$(sql "SELECT password_hash FROM users WHERE id = '$R_ID'")" "^\\\$argon2id\\\$v=19\\\$m=${want_m:-19456}," \
	"the stored hash now has m=${want_m:-19456}"
is "$(sql "SELECT JSON_EXTRACT(metadata, '\$.rehashed') FROM audit_log WHERE actor_id = '$R_ID'
	AND action = 'login' AND outcome = 'success'")" true "the rehash is noted in the audit row"
try_login "$R_EMAIL" "$PW"
is "$STATUS" 200 "the new hash verifies"

# Concurrent correct logins to one account contend for its rows: a
# deadlock victim is retried, never answered 503.
new_patient
for ((i = 0; i < 24; i++)); do body "$U_EMAIL" "$PW" >"$T_TMP/pb.$i"; done
is "$(parallel 24)" "200:24" "24 parallel correct logins to one account all succeed"
is "$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$U_ID'")" 24 "  one session each"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$U_ID' AND action = 'login'
	AND outcome = 'success'")" 24 "  one success audit row each"

clean_addresses
is "$(sql "SELECT COUNT(*) FROM login_throttle WHERE $LOCAL_ROW")" 0 "127.0.0.1 is left unthrottled"
is "$(sql "SELECT COUNT(*) FROM users WHERE email_norm LIKE '%@demo.test'
	AND locked_until > UTC_TIMESTAMP(6)")" 0 "no demo account is locked"

done_testing
