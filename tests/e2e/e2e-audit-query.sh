#!/usr/bin/env bash
# e2e-audit-query: GET /api/v1/audit for auditors and admins: each filter,
# time ranges, newest-first cursor pagination, validation, roles, and the
# audit row every query of the log writes.
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'
AUDITOR=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
PROVIDER=$(login provider1@demo.test "$DEMO_PASSWORD") || bail "provider login"
ADMIN_ID=$(sql "SELECT id FROM users WHERE email_norm = 'admin@demo.test'")
STAFF_ID=$(sql "SELECT id FROM users WHERE email_norm = 'staff@demo.test'")
AUDITOR_ID=$(sql "SELECT id FROM users WHERE email_norm = 'auditor@demo.test'")

# q QUERY [TOKEN]: GET /api/v1/audit?QUERY (as the auditor by default).
q() { api GET "/api/v1/audit?$1" "" -H "Authorization: Bearer ${2:-$AUDITOR}"; }
ids() { jq -c '[.data[].id]' <<<"$BODY"; }
# db_ids WHERE: ids of matching rows, newest first, as a JSON array.
db_ids() {
	sql "SELECT CONCAT('[', COALESCE(GROUP_CONCAT(id ORDER BY at DESC, id DESC), ''), ']')
		FROM audit_log WHERE $1"
}

# A patient with a small history of their own: sign-up, disable, enable,
# and a staff member's denied attempt.
EM=$(uniq_email)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$EM" --arg p "$PW" \
	'{email:$e,password:$p,role:"patient",full_name:"Query Subject"}')"
is "$STATUS" 201 "a patient signs up"
P=$(jq -r .user.id <<<"$BODY")
api POST "/api/v1/users/$P/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "the admin disables them"
api POST "/api/v1/users/$P/enable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "and enables them"
api POST "/api/v1/users/$P/disable" "" -H "Authorization: Bearer $STAFF"
is "$STATUS" 403 "staff may not"

# --- filters ---
q "patient_id=$P"
is "$STATUS" 200 "the auditor queries by patient"
is "$(ids)" "$(db_ids "patient_id = '$P'")" "every row about the patient, newest first"
is "$(jq -r '[.data[].action] | join(",")' <<<"$BODY")" "enable,disable,signup" \
	"the enable, the disable and the sign-up"
is "$(jq -c '.data[0] | keys' <<<"$BODY")" \
	'["action","actor_id","actor_role","at","entity_id","entity_type","id","ip","metadata","outcome","patient_id","request_id","summary"]' \
	"rows carry every field"
like "$(jq -r '.data[0].at' <<<"$BODY")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$' \
	"times are RFC 3339 UTC with microseconds"
q "patient_id=$P&actor_id=$ADMIN_ID"
is "$(ids)" "$(db_ids "patient_id = '$P' AND actor_id = '$ADMIN_ID'")" "patient and actor together"
is "$(jq '.data | length' <<<"$BODY")" 2 "the admin's two changes"
q "patient_id=$P&action=enable"
is "$(jq -r '[.data[].action] | join(",")' <<<"$BODY")" enable "by action"
q "entity_type=user&entity_id=$P"
is "$(ids)" "$(db_ids "entity_type = 'user' AND entity_id = '$P'")" "by entity"
q "actor_id=$STAFF_ID&outcome=denied&limit=100"
is "$(ids)" "$(db_ids "actor_id = '$STAFF_ID' AND outcome = 'denied'" | jq -c '.[:100]')" "by actor and outcome"
is "$(jq '[.data[] | select(.outcome != "denied")] | length' <<<"$BODY")" 0 "only denials"
q "actor_id=$STAFF_ID&outcome=denied&entity_id=$P"
is "$(jq -c '[.data[] | [.action, .entity_type, .entity_id, .patient_id]]' <<<"$BODY")" \
	"[[\"disable\",\"user\",\"$P\",null]]" "the staff member's denied attempt on the patient"
q "outcome=failure&action=login&limit=5"
is "$(jq '[.data[] | select(.outcome != "failure" or .action != "login")] | length' <<<"$BODY")" 0 \
	"outcome and action without a leading filter"

# --- time range: from inclusive, to exclusive ---
read -r T1 T2 < <(sql "SELECT DATE_FORMAT(MIN(at), '%Y-%m-%dT%H:%i:%s.%fZ'), DATE_FORMAT(MAX(at), '%Y-%m-%dT%H:%i:%s.%fZ')
	FROM audit_log WHERE patient_id = '$P' AND actor_id = '$ADMIN_ID'")
q "patient_id=$P&from=$T1&to=$T2"
is "$(jq -r '[.data[].action] | join(",")' <<<"$BODY")" disable "from is inclusive, to exclusive"
q "patient_id=$P&from=$T1"
is "$(jq -r '[.data[].action] | join(",")' <<<"$BODY")" "enable,disable" "from alone"
q "patient_id=$P&to=$T1"
is "$(jq -r '[.data[].action] | join(",")' <<<"$BODY")" signup "to alone"
q "from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z"
is "$(jq -c '[.data, .next_cursor]' <<<"$BODY")" '[[],null]' "an empty range is an empty page"

# --- pagination ---
want=$(db_ids "patient_id = '$P'")
got='[]'
cursor=
for ((page = 0; page < 10; page++)); do
	q "patient_id=$P&limit=1${cursor:+&cursor=$cursor}"
	[[ $STATUS == 200 ]] || break
	got=$(jq -c --argjson a "$got" '$a + [.data[].id]' <<<"$BODY")
	cursor=$(jq -r '.next_cursor // empty' <<<"$BODY")
	[[ -n $cursor ]] || break
done
is "$got" "$want" "limit=1 pages walk every row once, newest first"
is "$page" 2 "three pages, the last without a cursor"
q "limit=3"
is "$(jq '.data | length' <<<"$BODY")" 3 "an unfiltered page"
c2=$(jq -r .next_cursor <<<"$BODY")
last=$(jq '.data[2].id' <<<"$BODY")
q "limit=3&cursor=$c2"
first=$(jq '.data[0].id' <<<"$BODY")
is "$(sql "SELECT (SELECT at FROM audit_log WHERE id = $first) <= (SELECT at FROM audit_log WHERE id = $last)")" 1 \
	"the next page continues older"

# --- roles ---
q "patient_id=$P" "$ADMIN"
is "$STATUS" 200 "admins may query"
for who in STAFF PROVIDER; do
	q "patient_id=$P" "${!who}"
	is "$STATUS" 403 "${who,,} may not query"
	RID=$(header X-Request-Id)
	is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', outcome) FROM audit_log WHERE request_id = '$RID'")" \
		"read audit_log denied" "the denial is audited"
done
PAT=$(login "$EM" "$PW") || bail "patient login"
q "patient_id=$P" "$PAT"
is "$STATUS" 403 "the patient may not query the log"
api GET "/api/v1/audit?patient_id=$P"
is "$STATUS" 401 "nor may anyone without a token"

# --- the query is audited ---
q "patient_id=$P&action=enable"
RID=$(header X-Request-Id)
row=$(sql "SELECT CONCAT_WS(' ', actor_id, actor_role, action, entity_type, outcome),
	JSON_VALUE(metadata, '\$.filters.patient_id'), JSON_VALUE(metadata, '\$.filters.action'),
	JSON_VALUE(metadata, '\$.rows') FROM audit_log WHERE request_id = '$RID'")
is "$row" "$AUDITOR_ID auditor read audit_log success	$P	enable	1" \
	"the auditor's query is itself a row, with its filters and row count"

# --- validation: 422, nothing written ---
before=$(counts)
bad() { # QUERY FIELD NAME
	q "$1"
	is "$STATUS" 422 "$3"
	is "$(jq -r '[.errors[].field] | join(",")' <<<"$BODY")" "$2" "naming $2"
}
bad "actor_id=nobody" actor_id "a malformed actor id"
bad "patient_id=$P'--" patient_id "a patient id with SQL in it"
bad "entity_type=User" entity_type "an entity type with capitals"
bad "entity_id=a%20b" entity_id "an entity id with a space"
bad "action=DROP%20TABLE" action "a malformed action"
bad "outcome=maybe" outcome "an unknown outcome"
bad "from=yesterday" from "a from that is not a time"
bad "to=2026-13-01T00:00:00Z" to "a to that is not a time"
bad "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z" to "a range that ends before it starts"
bad "actor=$ADMIN_ID" actor "an unknown parameter (a typo must not widen the query)"
bad "action=read&action=login" action "a parameter given twice"
bad "limit=0" limit "limit 0"
bad "limit=101" limit "limit over 100"
bad "cursor=bm90LWEtY3Vyc29y" cursor "a cursor this list did not make"
bad "cursor=!!" cursor "a cursor that is not base64url"
is "$(delta "$before" "$(counts)")" none "invalid queries write nothing"

# --- other methods and paths ---
api POST /api/v1/audit '{}' -H "Authorization: Bearer $AUDITOR"
is "$STATUS" 405 "POST is not allowed"
api GET /api/v1/audit/nothing "" -H "Authorization: Bearer $AUDITOR"
is "$STATUS" 404 "an unknown audit path is 404"

done_testing
