#!/usr/bin/env bash
# e2e-records-plans: treatment plans through nginx. Only verified
# providers on the care team write them; staff and the team read them; a
# patient sees their own plans once shared (never a draft, never one
# entered in error). Every step of the narrowed FHIR CarePlan life cycle
# and every step that is not one (409); edits while draft, active or on
# hold; bad input with nothing written; audit rows and the patient's
# events; lists; concurrent transitions.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "${srcdir:-.}/tests/e2e/records-lib.sh"

plan_status() { sql "SELECT status FROM treatment_plans WHERE id = '$1'"; }
pat_events() { sql "SELECT COUNT(*) FROM events WHERE entity_id = '$1' AND recipient_user_id = '$PAT_ID' AND type = 'treatment_plan.updated'"; }

# --- create ---
before=$(clin_counts)
as "$PROV_TOK" POST /api/v1/treatment-plans "$(jq -cn --arg p "$PAT_ID" \
	'{patient_id:$p,title:"Hypertension",details:"Lisinopril 10 mg daily.\nHome readings twice a day.",
	  goals:[{description:"Below 130/80",due_date:"2027-03-01"},{description:"Walk daily"}],
	  start_date:"2026-12-01",end_date:"2027-06-01"}')"
is "$STATUS" 201 "a care-team provider writes a plan"
DRAFT=$(jq -r .id <<<"$BODY")
is "$(jq -r '[.status, .patient_id, .created_by, .title, .start_date, .end_date] | join(" ")' <<<"$BODY")" \
	"draft $PAT_ID $PROV_ID Hypertension 2026-12-01 2027-06-01" "a draft, by its author"
is "$(jq -c .goals <<<"$BODY")" '[{"description":"Below 130/80","due_date":"2027-03-01"},{"description":"Walk daily","due_date":null}]' \
	"with its goals"
is "$(jq -r .details <<<"$BODY")" $'Lisinopril 10 mg daily.\nHome readings twice a day.' "and its details"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 plans=+1" "the plan and its audit row; no event for a draft"
is "$(last_audit)" "create treatment_plan $DRAFT $PAT_ID success" "the creation is audited"

before=$(clin_counts)
ACTIVE=$(plan_new "$PROV2_TOK" '{"status":"active","title":"Diabetes"}')
is "$(plan_status "$ACTIVE")" active "a plan may be shared at once"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1 plans=+1" "and the patient is told"
is "$(events_of "$ACTIVE")" "$PAT_ID:treatment_plan.updated" "treatment_plan.updated to the patient"

create_body=$(jq -cn --arg p "$PAT_ID" '{patient_id:$p,title:"X",start_date:"2026-12-01"}')
for who in "STAFF 403" "PAT 403" "OPAT 404" "PRNC 404" "PRUN 404" "ADMIN 403" "AUDITOR 404"; do
	tok=${who% *}_TOK
	before=$(clin_counts)
	as "${!tok}" POST /api/v1/treatment-plans "$create_body"
	is "$STATUS" "${who#* }" "${who% *} may not write a plan (${who#* })"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written (${who% *})"
done
before=$(clin_counts)
api POST /api/v1/treatment-plans "$create_body"
is "$STATUS" 401 "anonymous: 401"
is "$(clin_delta "$before" "$(clin_counts)")" none "nothing written without a session"

# --- bad input ---
bad() { # NAME STATUS FIELD BODY
	local before
	before=$(clin_counts)
	as "$PROV_TOK" POST /api/v1/treatment-plans "$4"
	is "$STATUS" "$2" "bad input: $1 ($2)"
	[[ -n $3 ]] && like "$BODY" "\"field\":\"$3\"" "bad input: $1 names $3"
	is "$(clin_delta "$before" "$(clin_counts)")" none "bad input: $1 writes nothing"
}
base() { jq -cn --arg p "$PAT_ID" --argjson x "$1" '{patient_id:$p,title:"Plan",start_date:"2026-12-01"} + $x'; }
bad "unknown field" 422 owner "$(base '{"owner":"me"}')"
bad "no title" 422 title "$(base '{}' | jq -c 'del(.title)')"
bad "no start date" 422 start_date "$(base '{}' | jq -c 'del(.start_date)')"
bad "not a day" 422 start_date "$(base '{"start_date":"2026-02-30"}')"
bad "ends before it starts" 422 end_date "$(base '{"end_date":"2026-11-30"}')"
bad "created on hold" 422 status "$(base '{"status":"on_hold"}')"
bad "created completed" 422 status "$(base '{"status":"completed"}')"
bad "goals not a list" 422 goals "$(base '{"goals":"walk"}')"
bad "a goal without description" 422 'goals\[0\]\.description' "$(base '{"goals":[{"due_date":"2027-01-01"}]}')"
bad "a goal with an unknown field" 422 'goals\[1\]\.weight' "$(base '{"goals":[{"description":"a"},{"description":"b","weight":1}]}')"
bad "a goal that is no object" 422 'goals\[0\]' "$(base '{"goals":["walk"]}')"
bad "21 goals" 422 goals "$(base "$(jq -cn '{goals:[range(21) | {description:"g"}]}')")"
bad "a goal of 501 characters" 422 'goals\[0\]\.description' "$(base "$(jq -cn '{goals:[{description:("g" * 501)}]}')")"
bad "details over records.text_max_chars" 422 details "$(base "$(jq -cn '{details:("d" * 20001)}')")"
bad "blank details" 422 details "$(base '{"details":" \n"}')"
bad "title too long" 422 title "$(base "$(jq -cn '{title:("t" * 201)}')")"
bad "patient id not an id" 422 patient_id "$(base '{"patient_id":"nope"}')"
bad "malformed JSON" 400 "" '{"title":'

# --- who sees what ---
before=$(clin_counts)
as "$PAT_TOK" GET "/api/v1/treatment-plans/$DRAFT"
is "$STATUS" 404 "the patient does not see a draft"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "that refusal is audited"
is "$(last_audit)" "read treatment_plan $DRAFT $PAT_ID denied" "as a denied read"
as "$PAT_TOK" GET "/api/v1/treatment-plans/$ACTIVE"
is "$STATUS $(jq -r .title <<<"$BODY")" "200 Diabetes" "the patient reads a shared plan"
is "$(last_audit)" "read treatment_plan $ACTIVE $PAT_ID success" "the read is audited"
as "$PAT_TOK" GET /api/v1/treatment-plans
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$ACTIVE" "the patient's list holds the shared plan only"
for who in PROV PROV2 STAFF; do
	tok=${who}_TOK
	as "${!tok}" GET "/api/v1/treatment-plans/$DRAFT"
	is "$STATUS" 200 "$who reads the draft"
done
for who in OPAT PRNC PRUN ADMIN AUDITOR; do
	tok=${who}_TOK
	as "${!tok}" GET "/api/v1/treatment-plans/$ACTIVE"
	is "$STATUS" 404 "$who does not see the plan"
done

# --- edits ---
before=$(clin_counts)
as "$PROV2_TOK" PATCH "/api/v1/treatment-plans/$DRAFT" '{"title":"Hypertension, stage 1","goals":null}'
is "$STATUS $(jq -r '.title + " " + (.goals | length | tostring) + " " + .updated_by' <<<"$BODY")" \
	"200 Hypertension, stage 1 0 $PROV2_ID" "another team provider edits the draft"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "audited; the patient hears nothing of a draft"
is "$(sql "SELECT CONCAT(action, ' ', JSON_COMPACT(JSON_EXTRACT(metadata, '\$.fields'))) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	'update ["title","goals"]' "the audit row names the fields"
before=$(clin_counts)
as "$PROV_TOK" PATCH "/api/v1/treatment-plans/$ACTIVE" '{"details":"Metformin 500 mg twice daily."}'
is "$STATUS $(jq -r .details <<<"$BODY")" "200 Metformin 500 mg twice daily." "the active plan is edited"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "and the patient is told"
for t in '{} -' '{"status":"active"} status' '{"end_date":"2026-01-01"} end_date' '{"start_date":"2027-07-01"} end_date' \
	'{"title":null} title' '{"patient_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"} patient_id'; do
	before=$(clin_counts)
	as "$PROV_TOK" PATCH "/api/v1/treatment-plans/$DRAFT" "${t% *}"
	is "$STATUS" 422 "PATCH ${t% *}: 422"
	[[ ${t##* } != - ]] && like "$BODY" "\"field\":\"${t##* }\"" "PATCH ${t% *}: names ${t##* }"
	is "$(clin_delta "$before" "$(clin_counts)")" none "PATCH ${t% *}: nothing written"
done
for who in "STAFF $ACTIVE 403" "PAT $ACTIVE 403" "PAT $DRAFT 404" "PRNC $ACTIVE 404" "ADMIN $ACTIVE 404"; do
	read -r w id want <<<"$who"
	tok=${w}_TOK
	before=$(clin_counts)
	as "${!tok}" PATCH "/api/v1/treatment-plans/$id" '{"title":"Mine"}'
	is "$STATUS" "$want" "$w may not edit ($want)"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written ($w)"
done

# --- the life cycle ---
step() { # ID TO WANT [TOKEN]
	as "${4:-$PROV_TOK}" POST "/api/v1/treatment-plans/$1/status" "{\"status\":\"$2\"}"
	is "$STATUS" "$3" "$(plan_status "$1") -> $2: $3"
}
refused() { # ID TO...: each is 409 and writes nothing
	local id=$1 to before
	shift
	before=$(clin_counts)
	for to in "$@"; do
		step "$id" "$to" 409
	done
	is "$(clin_delta "$before" "$(clin_counts)")" none "refused steps of a $(plan_status "$id") plan write nothing"
}
refused "$DRAFT" draft on_hold completed revoked
before=$(clin_counts)
step "$DRAFT" active 200
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "activation: audited, the patient told"
is "$(sql "SELECT CONCAT(action, ' ', JSON_VALUE(metadata, '\$.from'), ' ', JSON_VALUE(metadata, '\$.to')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"status draft active" "the audit row names the step"
as "$PAT_TOK" GET "/api/v1/treatment-plans/$DRAFT"
is "$STATUS" 200 "the patient sees it now"
refused "$DRAFT" active draft
step "$DRAFT" on_hold 200
refused "$DRAFT" on_hold draft
as "$PROV_TOK" PATCH "/api/v1/treatment-plans/$DRAFT" '{"end_date":null}'
is "$STATUS $(jq -r '.end_date | tostring' <<<"$BODY")" "200 null" "a plan on hold is edited"
step "$DRAFT" active 200
step "$DRAFT" completed 200
refused "$DRAFT" active on_hold completed revoked draft
before=$(clin_counts)
as "$PROV_TOK" PATCH "/api/v1/treatment-plans/$DRAFT" '{"title":"Too late"}'
is "$STATUS $(jq -r .code <<<"$BODY")" "409 not_editable" "a completed plan is not edited"
is "$(clin_delta "$before" "$(clin_counts)")" none "nothing written"
as "$PAT_TOK" GET "/api/v1/treatment-plans/$DRAFT"
is "$STATUS $(jq -r .status <<<"$BODY")" "200 completed" "the patient sees a completed plan"
before=$(clin_counts)
step "$DRAFT" entered_in_error 200 "$PROV2_TOK"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "a shared plan entered in error: the patient is told"
as "$PAT_TOK" GET "/api/v1/treatment-plans/$DRAFT"
is "$STATUS" 404 "and no longer sees it"
as "$PROV_TOK" GET "/api/v1/treatment-plans/$DRAFT"
is "$STATUS $(jq -r .status <<<"$BODY")" "200 entered_in_error" "the care team still does"
refused "$DRAFT" entered_in_error active draft completed
as "$PROV_TOK" PATCH "/api/v1/treatment-plans/$DRAFT" '{"title":"x"}'
is "$STATUS" 409 "nothing changes after entered_in_error"
is "$(pat_events "$DRAFT")" 6 "the patient heard of each change once it was shared"

P3=$(plan_new "$PROV_TOK" '{"status":"active"}')
step "$P3" on_hold 200
step "$P3" revoked 200
refused "$P3" active on_hold completed
P4=$(plan_new "$PROV_TOK")
before=$(clin_counts)
step "$P4" entered_in_error 200
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "a draft entered in error: the patient never hears of it"
is "$(pat_events "$P4")" 0 "no event at all"
P5=$(plan_new "$PROV_TOK" '{"status":"active"}')
step "$P5" revoked 200
step "$P5" entered_in_error 200
for t in '{"status":"paused"} 422' '{} 422' '{"status":"active","why":"x"} 422'; do
	before=$(clin_counts)
	as "$PROV_TOK" POST "/api/v1/treatment-plans/$ACTIVE/status" "${t% *}"
	is "$STATUS" "${t##* }" "status ${t% *}: ${t##* }"
	is "$(clin_delta "$before" "$(clin_counts)")" none "status ${t% *}: nothing written"
done
for who in "STAFF 403" "PAT 403" "PRNC 404" "AUDITOR 404"; do
	tok=${who% *}_TOK
	before=$(clin_counts)
	as "${!tok}" POST "/api/v1/treatment-plans/$ACTIVE/status" '{"status":"on_hold"}'
	is "$STATUS" "${who#* }" "${who% *} may not change the status (${who#* })"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written (${who% *})"
done
for id in aaaaaaaaaaaaaaaaaaaaaaaaaa x; do
	as "$PROV_TOK" GET "/api/v1/treatment-plans/$id"
	is "$STATUS" 404 "unknown plan $id: 404"
	as "$PROV_TOK" POST "/api/v1/treatment-plans/$id/status" '{"status":"active"}'
	is "$STATUS" 404 "unknown plan $id: status 404"
done

# --- the database's own fence ---
sql "UPDATE treatment_plans SET title = 'x' WHERE id = '$P3'" 2>/dev/null
is "$?" 1 "SQL: a revoked plan's content does not change"
sql "UPDATE treatment_plans SET status = 'active' WHERE id = '$P4'" 2>/dev/null
is "$?" 1 "SQL: nothing follows entered_in_error"
sql "UPDATE treatment_plans SET status = 'completed' WHERE id = '$(plan_new "$PROV_TOK")'" 2>/dev/null
is "$?" 1 "SQL: a draft is not completed"

# --- lists ---
as "$PAT_TOK" GET "/api/v1/treatment-plans?status=active"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$ACTIVE" "the seed's query: the patient's active plans"
is "$(last_audit)" "read treatment_plan $ACTIVE $PAT_ID success" "one audit row for the list (naming its one plan)"
as "$PAT_TOK" GET "/api/v1/treatment-plans?limit=100"
is "$(jq -r '[.data[].status] | unique | join(",")' <<<"$BODY")" "active,revoked" "the patient lists shared plans only"
as "$PROV_TOK" GET "/api/v1/treatment-plans?patient_id=$PAT_ID&limit=100"
is "$(jq -r '[.data[].status] | unique | join(",")' <<<"$BODY")" "active,draft,entered_in_error,revoked" \
	"the care team lists every state"
all=$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")
is "$(jq -r '[.data[].created_at] | . == (sort | reverse)' <<<"$BODY")" true "newest first"
is "$(all_pages "/api/v1/treatment-plans?patient_id=$PAT_ID" "$PROV_TOK")" "$all" "pages of two add up to the whole list"
as "$PROV2_TOK" GET "/api/v1/treatment-plans?limit=100"
is "$(jq -r '[.data[].created_by] | unique | join(" ")' <<<"$BODY")" "$PROV2_ID" "a provider's own list: the plans they wrote"
as "$STAFF_TOK" GET "/api/v1/treatment-plans?patient_id=$PAT_ID&status=draft"
is "$STATUS $(jq -r '.data | length' <<<"$BODY")" "200 1" "staff filter one patient's drafts"
before=$(clin_counts)
for q in "status=paused status" "patient_id=x patient_id" "limit=0 limit" "cursor=eHl6 cursor"; do
	as "$PROV_TOK" GET "/api/v1/treatment-plans?${q% *}"
	is "$STATUS" 422 "list ?${q% *}: 422"
	like "$BODY" "\"field\":\"${q#* }\"" "list ?${q% *}: names ${q#* }"
done
is "$(clin_delta "$before" "$(clin_counts)")" none "bad list queries write nothing"
for who in "PAT $OPAT_ID 404" "PRNC $PAT_ID 404" "ADMIN $PAT_ID 403" "AUDITOR - 403"; do
	read -r w pid want <<<"$who"
	tok=${w}_TOK
	before=$(clin_counts)
	as "${!tok}" GET "/api/v1/treatment-plans$([[ $pid != - ]] && echo "?patient_id=$pid")"
	is "$STATUS" "$want" "$w may not list those plans ($want)"
	is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1" "only the denial is written ($w)"
done

# --- the rest of the life cycle: on_hold -> completed, active|on_hold -> entered_in_error ---
for path in "on_hold completed" "entered_in_error" "on_hold entered_in_error"; do
	P=$(plan_new "$PROV_TOK" '{"status":"active"}')
	for to in $path; do
		before=$(clin_counts)
		step "$P" "$to" 200
		is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "-> $to: audited, the patient told"
		is "$(sql "SELECT CONCAT(action, ' ', JSON_VALUE(metadata, '\$.to')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
			"status $to" "the audit row names it"
	done
	is "$(plan_status "$P")" "${path##* }" "stored ${path##* }"
done

# --- concurrent transitions: one wins ---
P6=$(plan_new "$PROV_TOK" '{"status":"active"}')
before=$(clin_counts)
is "$(race 6 "$PROV_TOK" POST "/api/v1/treatment-plans/$P6/status" '{"status":"on_hold"}')" "200x1 409x5 " \
	"six holds at once: one 200, five 409"
is "$(clin_delta "$before" "$(clin_counts)")" "audit_log=+1 events=+1" "one change written"
is "$(plan_status "$P6")" on_hold "on hold"

done_testing
