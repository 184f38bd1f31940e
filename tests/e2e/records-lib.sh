# tests/e2e/records-lib.sh: helpers shared by the e2e-records-{labs,plans,
# summary,encryption}.sh scripts, sourced after lib.sh. Users are made in
# SQL (appointments-lib.sh: mkuser, as, STAFF/ADMIN/AUDITOR) so no Argon2
# runs per user. Fixtures made here, fresh for each script:
#   PAT    a patient (PAT_ID PAT_TOK), the record under test
#   OPAT   another patient
#   PROV   a verified provider on PAT's care team
#   PROV2  a verified provider on PAT's care team too (a second author)
#   PRNC   a verified provider not on PAT's care team
#   PRUN   a provider on PAT's care team who is not verified
. "${srcdir:-.}/tests/e2e/appointments-lib.sh"

read -r PAT_ID PAT_TOK <<<"$(mkuser patient)"
read -r OPAT_ID OPAT_TOK <<<"$(mkuser patient)"
read -r PROV_ID PROV_TOK <<<"$(mkuser provider)"
read -r PROV2_ID PROV2_TOK <<<"$(mkuser provider)"
read -r PRNC_ID PRNC_TOK <<<"$(mkuser provider)"
read -r PRUN_ID PRUN_TOK <<<"$(mkuser provider 0)"
sql "INSERT INTO care_team (patient_id, provider_id, added_at) VALUES
	('$PAT_ID', '$PROV_ID', NOW(6)), ('$PAT_ID', '$PROV2_ID', NOW(6)),
	('$PAT_ID', '$PRUN_ID', NOW(6)), ('$OPAT_ID', '$PRNC_ID', NOW(6))" ||
	bail "cannot build the care teams"

# clin_counts: counts plus the clinical tables and idempotency keys, for
# nothing-written checks with delta (which reads the first 8 columns).
clin_counts() {
	printf '%s labs=%s versions=%s plans=%s idem=%s' "$(counts)" \
		"$(sql 'SELECT COUNT(*) FROM lab_results')" \
		"$(sql 'SELECT COUNT(*) FROM lab_result_versions')" \
		"$(sql 'SELECT COUNT(*) FROM treatment_plans')" \
		"$(sql 'SELECT COUNT(*) FROM idempotency_keys')"
}

# clin_delta BEFORE AFTER: delta over the clinical counts too.
clin_delta() { delta "$@"; }

# all_pages PATH TOKEN: the ids of every page of a list (limit=2 pages,
# following next_cursor), space-separated, in order.
all_pages() {
	local ids= cur= pages=0
	while :; do
		as "$2" GET "$1&limit=2${cur:+&cursor=$cur}"
		[[ $STATUS == 200 ]] || break
		ids+=" $(jq -r '[.data[].id] | join(" ")' <<<"$BODY")"
		pages=$((pages + 1))
		cur=$(jq -r '.next_cursor // empty' <<<"$BODY")
		[[ -n $cur && $pages -lt 50 ]] || break
	done
	printf '%s' "${ids# }"
}

# race N TOKEN METHOD PATH [BODY]: N requests at once through nginx;
# prints their statuses as "200x1 409x7 " (sorted).
race() {
	local n=$1 i
	rm -f "$T_TMP"/race.*
	for ((i = 1; i <= n; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X "$3" \
			-H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
			${5:+--data-binary "$5"} "$BASE$4" >"$T_TMP/race.$i" &
	done
	wait
	cat "$T_TMP"/race.* | sort | uniq -c | awk '{printf "%sx%s ", $2, $1}'
}

# last_audit: "action entity_type entity_id patient_id outcome" of the newest row.
last_audit() {
	sql "SELECT CONCAT_WS(' ', action, entity_type, IFNULL(entity_id, '-'),
		IFNULL(patient_id, '-'), outcome) FROM audit_log ORDER BY id DESC LIMIT 1"
}

# events_of ENTITY_ID: "recipient:type" of its events, oldest first.
events_of() {
	sql "SELECT IFNULL(GROUP_CONCAT(CONCAT(recipient_user_id, ':', type)
		ORDER BY id SEPARATOR ' '), '') FROM events WHERE entity_id = '$1'"
}

# lab_new TOKEN [JSON fields]: create a result for PAT (201 expected);
# prints its id.
lab_new() {
	local body
	body=$(jq -cn --arg p "$PAT_ID" --argjson x "${2:-{\}}" \
		'{patient_id:$p,test_code:"2345-7",test_name:"Glucose",
		  result_value:"5.4",units:"mmol/L",reference_range:"3.9-5.5"} + $x')
	as "$1" POST /api/v1/lab-results "$body"
	[[ $STATUS == 201 ]] || bail "lab_new: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}

# lab_final TOKEN [JSON fields]: a result for PAT, finalised; prints its id.
lab_final() {
	local id
	id=$(lab_new "$@")
	as "$1" POST "/api/v1/lab-results/$id/finalize"
	[[ $STATUS == 200 ]] || bail "lab_final: $STATUS $BODY"
	printf '%s\n' "$id"
}

# plan_new TOKEN [JSON fields]: a plan for PAT (201 expected); prints its id.
plan_new() {
	local body
	body=$(jq -cn --arg p "$PAT_ID" --argjson x "${2:-{\}}" \
		'{patient_id:$p,title:"Blood pressure",details:"Lisinopril 10 mg daily",
		  goals:[{description:"Below 130/80",due_date:"2027-03-01"}],
		  start_date:"2026-12-01"} + $x')
	as "$1" POST /api/v1/treatment-plans "$body"
	[[ $STATUS == 201 ]] || bail "plan_new: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
