#!/usr/bin/env bash
# e2e-records-demo: the clinical demo data of concierge-seed. patient1 has
# three lab results ordered by provider1 (one preliminary, one final, one
# amended with both its versions) and one active treatment plan, so the
# dashboard is filled; through the API they behave like any other (the
# patient never sees the preliminary one), their text is sealed like any
# other, and running the seed again changes nothing.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build

PRE=demolabpreliminaryaaaaaaaa FIN=demolabfinalaaaaaaaaaaaaaa AMD=demolabamendedaaaaaaaaaaaa
PLAN=demoplanactiveaaaaaaaaaaaa
P1=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
D1=$(login provider1@demo.test "$DEMO_PASSWORD") || bail "provider1 login"
P1ID=$(sql "SELECT id FROM users WHERE email_norm='patient1@demo.test'")
D1ID=$(sql "SELECT id FROM users WHERE email_norm='provider1@demo.test'")
as() { local tok=$1; shift; api "$1" "$2" "${3:-}" -H "Authorization: Bearer $tok"; }

is "$(sql "SELECT GROUP_CONCAT(CONCAT_WS(':', id, status, version, patient_id = '$P1ID', ordered_by = '$D1ID') ORDER BY id)
	FROM lab_results WHERE id IN ('$PRE', '$FIN', '$AMD')")" \
	"$AMD:amended:2:1:1,$FIN:final:1:1:1,$PRE:preliminary:0:1:1" \
	"three results of patient1 ordered by provider1: amended, final, preliminary"
is "$(sql "SELECT CONCAT_WS(':', status, patient_id = '$P1ID', created_by = '$D1ID') FROM treatment_plans WHERE id = '$PLAN'")" \
	"active:1:1" "and an active plan by provider1"

# --- the dashboard is filled, with released data only ---
as "$P1" GET "/api/v1/patients/$P1ID/summary"
is "$STATUS" 200 "patient1 opens the dashboard"
ids=$(jq -r '[.lab_results[].id] | join(" ")' <<<"$BODY")
like "$ids" "$AMD" "the amended result is on it"
like "$ids" "$FIN" "the final result is on it"
unlike "$ids" "$PRE" "the preliminary one is not"
is "$(jq -r --arg a "$AMD" '.lab_results[] | select(.id == $a) | [.status, .version, .result_value] | map(tostring) | join(" ")' <<<"$BODY")" \
	"amended 2 6.1" "the amended one with its new value"
is "$(jq -r --arg p "$PLAN" '[.treatment_plans[] | select(.id == $p) | .status] | join(" ")' <<<"$BODY")" active \
	"the active plan is on it"
is "$(jq -r '.counts.unread_messages' <<<"$BODY")" \
	"$(sql "SELECT IFNULL(SUM(p.unread_count), 0) FROM thread_participants p JOIN threads t ON t.id = p.thread_id
		WHERE p.user_id = '$P1ID' AND t.patient_id = '$P1ID' AND p.left_at IS NULL")" \
	"with patient1's unread messages (the demo thread's)"

# --- through the API like any other ---
as "$P1" GET "/api/v1/lab-results/$PRE"
is "$STATUS" 404 "the preliminary result is 404 to patient1"
as "$D1" GET "/api/v1/lab-results/$PRE"
is "$STATUS $(jq -r .result_value <<<"$BODY")" "200 7.2" "provider1 reads it"
as "$D1" GET "/api/v1/lab-results/$AMD/versions"
is "$(jq -c '[.data[] | [.version, .status, .result_value]]' <<<"$BODY")" '[[1,"final","6.4"],[2,"amended","6.1"]]' \
	"provider1 sees both versions of the amended result"
as "$P1" GET "/api/v1/lab-results/$AMD/versions"
is "$(jq -c '[.data[] | [.version, .status]]' <<<"$BODY")" '[[2,"amended"]]' "patient1 the latest, marked amended"
as "$P1" GET "/api/v1/treatment-plans?patient_id=$P1ID&status=active"
like "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PLAN" "the seed's query finds the plan"
is "$(sql "SELECT COUNT(*) FROM lab_results WHERE id IN ('$PRE', '$FIN', '$AMD')
	AND (INSTR(result_value, '7.2') OR INSTR(notes, 'Fasting') OR INSTR(notes, 'differential'))")" 0 \
	"the demo values and notes are sealed"
is "$(sql "SELECT COUNT(*) FROM treatment_plans WHERE id = '$PLAN' AND HEX(LEFT(details, 1)) <> '01'")" 0 \
	"the plan's details too"

# --- idempotent ---
count() {
	sql "SELECT CONCAT_WS(' ', (SELECT COUNT(*) FROM lab_results), (SELECT COUNT(*) FROM lab_result_versions),
		(SELECT COUNT(*) FROM treatment_plans), (SELECT COUNT(*) FROM care_team),
		(SELECT GROUP_CONCAT(HEX(result_value) ORDER BY id) FROM lab_results WHERE id IN ('$PRE', '$FIN', '$AMD')))"
}
before=$(count)
"$BUILD/tools/concierge-seed" --config "$CONF" >"$T_TMP/seed.out" 2>&1
is "$?" 0 "the seed runs again"
is "$(count)" "$before" "and changes nothing: no second result, version, plan or team row, the same sealed values"

done_testing
