#!/usr/bin/env bash
# e2e-records-encryption: clinical free text at rest. result_value, notes,
# amendment reasons, plan details and goals are stored sealed (lib/vault:
# format byte, key id, AES-256-GCM) in every table they reach, so neither
# SQL nor a mariadb-dump of the whole database shows them, while names and
# codes stay plain; stored Idempotency-Key replies are sealed too; the
# logs hold no value; and a sealed value moved to another row or column
# does not open (the read fails rather than show the wrong data).
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/records-lib.sh"

R=$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
V1="VALUE-$R" N1="NOTES-$R" RS="REASON-$R" V2="AMENDED-$R" D1="DETAILS-$R" G1="GOAL-$R"
NAME="TESTNAME-$R"	# plain on purpose: the control that the search works

LAB=$(lab_new "$PROV_TOK" "$(jq -cn --arg v "$V1" --arg n "$N1" --arg t "$NAME" '{result_value:$v,notes:$n,test_name:$t}')")
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/finalize"
as "$PROV_TOK" POST "/api/v1/lab-results/$LAB/amend" "$(jq -cn --arg v "$V2" --arg r "$RS" '{result_value:$v,reason:$r}')" \
	-H "Idempotency-Key: enc-$R"
is "$STATUS $(jq -r .result_value <<<"$BODY")" "200 $V2" "amended, with an Idempotency-Key"
PLAN=$(plan_new "$PROV_TOK" "$(jq -cn --arg d "$D1" --arg g "$G1" '{details:$d,goals:[{description:$g}],status:"active"}')")
as "$PAT_TOK" GET "/api/v1/lab-results/$LAB/versions"
is "$(jq -r '.data[0] | .result_value + " " + .reason' <<<"$BODY")" "$V2 $RS" "the worker opens what it sealed"
as "$PAT_TOK" GET "/api/v1/treatment-plans/$PLAN"
is "$(jq -r '.details + " " + .goals[0].description' <<<"$BODY")" "$D1 $G1" "plans too"

# --- SQL: every column that holds them, and a search of every table ---
for m in "$V1" "$N1" "$RS" "$V2" "$D1" "$G1"; do
	is "$(sql "SELECT
		(SELECT COUNT(*) FROM lab_results WHERE INSTR(result_value, '$m') OR INSTR(notes, '$m')) +
		(SELECT COUNT(*) FROM lab_result_versions WHERE INSTR(result_value, '$m') OR INSTR(notes, '$m') OR INSTR(reason, '$m')) +
		(SELECT COUNT(*) FROM treatment_plans WHERE INSTR(details, '$m') OR INSTR(goals, '$m')) +
		(SELECT COUNT(*) FROM idempotency_keys WHERE INSTR(resp_body, '$m')) +
		(SELECT COUNT(*) FROM audit_log WHERE INSTR(metadata, '$m') OR INSTR(summary, '$m')) +
		(SELECT COUNT(*) FROM events WHERE INSTR(entity_id, '$m')) +
		(SELECT COUNT(*) FROM outbox WHERE INSTR(payload, '$m'))")" 0 "SQL: ${m%%-*} is nowhere in clear"
done
is "$(sql "SELECT COUNT(*) FROM lab_results WHERE test_name = '$NAME'")" 1 "SQL: the test name is plain (filterable)"
is "$(sql "SELECT CONCAT_WS(' ', HEX(LEFT(result_value, 5)), HEX(LEFT(notes, 5)), LENGTH(result_value) - LENGTH('$V2'))
	FROM lab_results WHERE id = '$LAB'")" "0100000001 0100000001 33" \
	"values are sealed: format 1, key id 1, nonce and tag (33 bytes more than the text)"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(version, ':', HEX(LEFT(result_value, 5)), ':', IFNULL(HEX(LEFT(reason, 5)), '-')) ORDER BY version)
	FROM lab_result_versions WHERE lab_result_id = '$LAB'")" "1:0100000001:-,2:0100000001:0100000001" \
	"every version is sealed, reasons too"
is "$(sql "SELECT CONCAT(HEX(LEFT(details, 5)), ' ', HEX(LEFT(goals, 5))) FROM treatment_plans WHERE id = '$PLAN'")" \
	"0100000001 0100000001" "plan details and goals are sealed"
L2=$(lab_new "$PROV_TOK" "$(jq -cn --arg v "$V1" '{result_value:$v}')")
is "$(sql "SELECT COUNT(DISTINCT result_value) FROM lab_results WHERE id IN ('$LAB', '$L2')")" 2 \
	"the same text sealed twice gives other bytes (fresh nonce)"
is "$(sql "SELECT COUNT(*) FROM lab_results l JOIN lab_result_versions v ON v.lab_result_id = l.id
	AND v.version = l.version WHERE l.id = '$LAB' AND v.result_value = l.result_value")" 0 \
	"the current value and its version are sealed apart (other row id)"

# --- a dump of the whole database ---
command -v mariadb-dump >/dev/null || bail "mariadb-dump is not installed"
mariadb-dump --no-defaults --socket="$DB_SOCKET" -uroot --single-transaction "$DB_NAME" >"$T_TMP/dump.sql" 2>"$T_TMP/dump.err" ||
	bail "mariadb-dump failed: $(head -c 300 "$T_TMP/dump.err")"
ok "$(grep -qaF -- "$NAME" "$T_TMP/dump.sql"; echo $?)" "dump: the plain test name is in it (the search works)"
for m in "$V1" "$N1" "$RS" "$V2" "$D1" "$G1"; do
	is "$(grep -caF -- "$m" "$T_TMP/dump.sql")" 0 "dump: ${m%%-*} is not in it"
done
is "$(grep -laF -e "$V1" -e "$N1" -e "$RS" -e "$V2" -e "$D1" -e "$G1" "$ROOT"/var/log/* 2>/dev/null)" "" \
	"no log holds a clinical value"

# --- bound to row and column: a moved value does not open ---
A=$(lab_new "$PROV_TOK" '{"result_value":"alpha","notes":"alpha notes"}')
B=$(lab_new "$PROV_TOK" '{"result_value":"bravo"}')
orig=$(sql "SELECT HEX(result_value) FROM lab_results WHERE id = '$B'")
sql "UPDATE lab_results SET result_value = (SELECT v FROM (SELECT result_value v FROM lab_results WHERE id = '$A') x) WHERE id = '$B'"
as "$PROV_TOK" GET "/api/v1/lab-results/$B"
is "$STATUS" 500 "another row's value does not open here (500, not the wrong value)"
unlike "$BODY" alpha "and nothing of it is shown"
as "$PROV_TOK" GET "/api/v1/lab-results?patient_id=$PAT_ID"
is "$STATUS" 500 "nor in a list"
sql "UPDATE lab_results SET result_value = UNHEX('$orig') WHERE id = '$B'"
as "$PROV_TOK" GET "/api/v1/lab-results/$B"
is "$STATUS $(jq -r .result_value <<<"$BODY")" "200 bravo" "its own value opens again"
orig=$(sql "SELECT HEX(result_value) FROM lab_results WHERE id = '$A'")
sql "UPDATE lab_results SET result_value = notes WHERE id = '$A'"
as "$PROV_TOK" GET "/api/v1/lab-results/$A"
is "$STATUS" 500 "a value moved to another column does not open"
sql "UPDATE lab_results SET result_value = UNHEX('$orig') WHERE id = '$A'"
P2=$(plan_new "$PROV_TOK")
orig=$(sql "SELECT HEX(details) FROM treatment_plans WHERE id = '$P2'")
sql "UPDATE treatment_plans SET details = (SELECT v FROM (SELECT details v FROM treatment_plans WHERE id = '$PLAN') x) WHERE id = '$P2'"
as "$PROV_TOK" GET "/api/v1/treatment-plans/$P2"
is "$STATUS" 500 "nor does another plan's details"
sql "UPDATE treatment_plans SET details = UNHEX('$orig') WHERE id = '$P2'"
for path in "lab-results/$A" "treatment-plans/$P2"; do
	as "$PROV_TOK" GET "/api/v1/$path"
	is "$STATUS" 200 "put back, ${path%%/*} opens again"
done
grep -qaF -- "does not open" "$ROOT"/var/log/records-*.log
ok $? "the failure is logged, without the value"

done_testing
