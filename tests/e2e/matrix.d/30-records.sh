# tests/e2e/matrix.d/30-records.sh: authorization rows of the clinical
# records (issue 9), sourced by e2e-auth-matrix.sh after its actors exist:
# every role against every route of lab results, treatment plans and the
# patient summary.
#
# The records are patient1's demo records from concierge-seed ({LABF} the
# final result, {LABP} the preliminary one, {PLANA} the active plan) plus
# a draft plan ({PLAND}) and an unattached upload ({RATT}) made here.
# Writes never change them: each write row is built so that a role who
# passes the gate meets a refusal after it (409 wrong state, 422 an
# ordering provider off the team or a plan ending before it starts),
# while a role who does not gets 403 or 404 with its audited denial.
# The one write that succeeds (provider1 writes a draft plan) is removed
# at exit.

mr_id() { sql "SELECT id FROM $1 WHERE id = '$2'"; }
SUB[LABF]=$(mr_id lab_results demolabfinalaaaaaaaaaaaaaa)
SUB[LABP]=$(mr_id lab_results demolabpreliminaryaaaaaaaa)
SUB[PLANA]=$(mr_id treatment_plans demoplanactiveaaaaaaaaaaaa)
[[ -n ${SUB[LABF]} && -n ${SUB[LABP]} && -n ${SUB[PLANA]} ]] ||
	bail "matrix.d/30-records: patient1's demo records are missing (concierge-seed)"
api POST /api/v1/treatment-plans "{\"patient_id\":\"$P1\",\"title\":\"Matrix plan\",\"start_date\":\"2026-12-01\"}" \
	-H "Authorization: Bearer ${TOKEN[prct]}"
[[ $STATUS == 201 ]] || bail "matrix.d/30-records: draft plan: $STATUS $BODY"
SUB[PLAND]=$(jq -r .id <<<"$BODY")
on_exit "sql \"DELETE FROM treatment_plans WHERE patient_id = '$P1' AND title = 'Matrix plan'\""
printf '%%PDF-1.4\nmatrix\n%%%%EOF\n' >"$T_TMP/records-matrix.pdf"
SUB[RATT]=$(curl -s -X POST "$BASE/api/v1/attachments" -H "Authorization: Bearer ${TOKEN[prct]}" \
	-H 'Content-Type: application/pdf' -H 'X-Filename: matrix.pdf' \
	--data-binary "@$T_TMP/records-matrix.pdf" | jq -r .id)
[[ ${SUB[RATT]} =~ ^[a-z2-7]{26}$ ]] || bail "matrix.d/30-records: no upload for the rows"
PRESENT[records]=1

# One route a line: the expected status of anon pat opat prct prnc prun
# staff admin aud in that order ("d": the denial writes one audit row),
# then the body ("-": none).
MR_ROLES=(anon pat opat prct prnc prun staff admin aud)
while read -r method path e1 e2 e3 e4 e5 e6 e7 e8 e9 body; do
	[[ -z $method || $method == \#* ]] && continue
	i=0
	for e in "$e1" "$e2" "$e3" "$e4" "$e5" "$e6" "$e7" "$e8" "$e9"; do
		audit=-
		[[ $e == *d ]] && audit=d
		MATRIX+=$'\n'"records  ${MR_ROLES[$i]}  $method  $path  ${e%d}  $audit  $body"
		i=$((i + 1))
	done
done <<'ROUTES'
# the dashboard
GET   /api/v1/patients/{P1}/summary              401 200  404d 200  404d 404d 200  404d 404d -
# lab results
GET   /api/v1/lab-results                        401 200  200  200  200  403d 200  403d 403d -
GET   /api/v1/lab-results?patient_id={P1}        401 200  404d 200  404d 403d 200  403d 403d -
POST  /api/v1/lab-results                        401 403d 404d 422  404d 404d 422  403d 404d {"patient_id":"{P1}","ordered_by":"{PR2}","test_name":"Matrix","result_value":"1"}
GET   /api/v1/lab-results/{LABF}                 401 200  404d 200  404d 404d 200  404d 404d -
GET   /api/v1/lab-results/{LABP}                 401 404d 404d 200  404d 404d 200  404d 404d -
PATCH /api/v1/lab-results/{LABF}                 401 403d 404d 409  404d 404d 409  404d 404d {"notes":"matrix"}
PATCH /api/v1/lab-results/{LABP}                 401 404d 404d 422  404d 404d 422  404d 404d {"ordered_by":"{PR2}"}
POST  /api/v1/lab-results/{LABF}/finalize        401 403d 404d 409  404d 404d 409  404d 404d -
POST  /api/v1/lab-results/{LABP}/amend           401 404d 404d 409  404d 404d 409  404d 404d {"result_value":"1","reason":"matrix"}
POST  /api/v1/lab-results/{LABF}/status          401 403d 404d 409  404d 404d 409  404d 404d {"status":"cancelled"}
GET   /api/v1/lab-results/{LABF}/versions        401 200  404d 200  404d 404d 200  404d 404d -
GET   /api/v1/lab-results/{LABF}/attachments/{RATT} 401 404 404d 404 404d 404d 404 404d 404d -
# treatment plans
GET   /api/v1/treatment-plans                    401 200  200  200  200  403d 200  403d 403d -
GET   /api/v1/treatment-plans?patient_id={P1}    401 200  404d 200  404d 403d 200  403d 403d -
POST  /api/v1/treatment-plans                    401 403d 404d 201  404d 404d 403d 403d 404d {"patient_id":"{P1}","title":"Matrix plan","start_date":"2026-12-01"}
GET   /api/v1/treatment-plans/{PLANA}            401 200  404d 200  404d 404d 200  404d 404d -
GET   /api/v1/treatment-plans/{PLAND}            401 404d 404d 200  404d 404d 200  404d 404d -
PATCH /api/v1/treatment-plans/{PLANA}            401 403d 404d 422  404d 404d 403d 404d 404d {"end_date":"2000-01-01"}
POST  /api/v1/treatment-plans/{PLANA}/status     401 403d 404d 409  404d 404d 403d 404d 404d {"status":"draft"}
ROUTES
