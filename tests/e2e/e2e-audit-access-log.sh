#!/usr/bin/env bash
# e2e-audit-access-log: GET /api/v1/me/access-log shows a patient who else
# read or changed their records (name and role, never staff ids), newest
# first, paginated; their own acts and denied attempts are not listed; only
# patients may ask; the read is audited.
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
AUDITOR=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
PROV_ID=$(sql "SELECT id FROM users WHERE email_norm = 'provider1@demo.test'")
PROV_NAME=$(sql "SELECT full_name FROM users WHERE id = '$PROV_ID'")
ADMIN_ID=$(sql "SELECT id FROM users WHERE email_norm = 'admin@demo.test'")
ADMIN_NAME=$(sql "SELECT full_name FROM users WHERE id = '$ADMIN_ID'")
STAFF_ID=$(sql "SELECT id FROM users WHERE email_norm = 'staff@demo.test'")

EM=$(uniq_email)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$EM" --arg p "$PW" \
	'{email:$e,password:$p,role:"patient",full_name:"Access Subject"}')"
is "$STATUS" 201 "a patient signs up"
P=$(jq -r .user.id <<<"$BODY")
TOK=$(login "$EM" "$PW") || bail "patient login"
log_get() { api GET "/api/v1/me/access-log${1:+?$1}" "" -H "Authorization: Bearer ${2:-$TOK}"; }

log_get
is "$STATUS" 200 "a new patient's access log answers"
is "$(jq -c '[.data, .next_cursor]' <<<"$BODY")" '[[],null]' "and is empty: their sign-up is their own act"

# Others act on the patient's records: the admin disables and enables the
# account; a provider reads the profile (written as the records worker does);
# staff are denied something. The patient reads their own profile too.
api GET /api/v1/me "" -H "Authorization: Bearer $TOK"
api POST "/api/v1/users/$P/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "the admin disables the account"
api POST "/api/v1/users/$P/enable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "and enables it"
sql "INSERT INTO audit_log (at, actor_id, actor_role, action, entity_type, entity_id, patient_id, outcome,
		request_id, ip, summary)
	VALUES (UTC_TIMESTAMP(6), '$PROV_ID', 'provider', 'read', 'patient', '$P', '$P', 'success',
		'e2e-access', '127.0.0.1', 'patient profile read'),
	(UTC_TIMESTAMP(6) + INTERVAL 1 MICROSECOND, '$STAFF_ID', 'staff', 'read', 'patient', '$P', '$P', 'denied',
		'e2e-access', '127.0.0.1', 'access denied')"
TOK=$(login "$EM" "$PW") || bail "patient login after enable"

log_get
is "$STATUS" 200 "the patient reads their access log"
is "$(jq -c '[.data[] | [.actor.name, .actor.role, .action, .record_type]]' <<<"$BODY")" \
	"[[\"$PROV_NAME\",\"provider\",\"read\",\"patient\"],[\"$ADMIN_NAME\",\"admin\",\"enable\",\"user\"],[\"$ADMIN_NAME\",\"admin\",\"disable\",\"user\"]]" \
	"the provider's read, then the admin's enable and disable, newest first"
is "$(jq -c '.data[0] | keys' <<<"$BODY")" '["action","actor","at","record_type","summary"]' \
	"each entry: when, who, what act, what kind of record, summary"
like "$(jq -r '.data[0].at' <<<"$BODY")" '^[0-9-]{10}T[0-9:.]{15}Z$' "times are RFC 3339 UTC"
is "$(jq -r '.data[0].summary' <<<"$BODY")" "patient profile read" "with the fixed summary"
unlike "$BODY" "$PROV_ID|$ADMIN_ID|$STAFF_ID" "no staff id appears anywhere"
unlike "$BODY" '"role":"patient"|"access denied"' "neither the patient's own acts nor denied attempts are listed"

# --- pagination ---
log_get "limit=2"
is "$(jq '.data | length' <<<"$BODY")" 2 "limit=2 gives two"
C=$(jq -r .next_cursor <<<"$BODY")
isnt "$C" null "and a cursor"
log_get "limit=2&cursor=$C"
is "$(jq -c '[[.data[] | .action], .next_cursor]' <<<"$BODY")" '[["disable"],null]' "the last page holds the oldest"

# --- the read is audited (and, being the patient's own act, not listed) ---
log_get
RID=$(header X-Request-Id)
is "$(sql "SELECT CONCAT_WS(' ', actor_id, action, entity_type, entity_id, patient_id, outcome)
	FROM audit_log WHERE request_id = '$RID'")" "$P read access_log $P $P success" "reading the access log is audited"
is "$(jq '.data | length' <<<"$BODY")" 3 "and does not list itself"

# --- others may not ---
for who in STAFF ADMIN AUDITOR; do
	log_get "" "${!who}"
	is "$STATUS" 403 "${who,,} has no access log"
	RID=$(header X-Request-Id)
	is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', outcome) FROM audit_log WHERE request_id = '$RID'")" \
		"read access_log denied" "the denial is audited"
done
api GET /api/v1/me/access-log
is "$STATUS" 401 "without a token: 401"

# --- validation ---
before=$(counts)
log_get "limit=0"
is "$STATUS" 422 "limit=0 is refused"
log_get "patient_id=$P"
is "$STATUS" 422 "so is a patient_id: the log is always the caller's"
is "$(jq -r '.errors[0].field' <<<"$BODY")" patient_id "naming it"
log_get "cursor=abc"
is "$STATUS" 422 "and a foreign cursor"
is "$(delta "$before" "$(counts)")" none "refused reads write nothing"

done_testing
