#!/usr/bin/env bash
# e2e-graphql-api: /api/v1/graphql keeps the REST API's rules (issue 18,
# docs/GRAPHQL.md). The seed's dashboard as one GraphQL request gives the
# REST summary's answer and the same audit row; a denial is null plus the
# REST problem's code and status, with the same denied audit row; GET
# refuses mutations and writes nothing; persisted documents by SHA-256;
# the depth, root-field and size limits; one Idempotency-Key per change;
# malformed requests answered in the GraphQL response format.
. "$(dirname -- "$0")/lib.sh"

PAT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
PAT2=$(login patient2@demo.test "$DEMO_PASSWORD") || bail "patient2 login"
api GET /api/v1/me "" -H "Authorization: Bearer $PAT"
P1=$(jq -r .user.id <<<"$BODY")
[[ $P1 =~ ^[a-z0-9]{26}$ ]] || bail "patient1 id: $BODY"

GQL=application/graphql-response+json
# gql TOKEN DOCUMENT [VARIABLES [curl args...]]: POST the document.
gql() {
	local tok=$1 q=$2 vars=${3:-null}
	shift 3 2>/dev/null || shift $#
	api POST /api/v1/graphql "$(jq -cn --arg q "$q" --argjson v "$vars" \
		'{query:$q, variables:$v}')" -H "Authorization: Bearer $tok" \
		-H "Accept: $GQL" "$@"
}
# audit_rows ACTOR ENTITY OUTCOME: audit rows so far.
audit_rows() {
	sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = $(sql_str "$1")
		AND entity_type = $(sql_str "$2") AND outcome = '$3'"
}

DASH='query Dashboard($p: ID!) {
  me { user { id role } }
  patientSummary(patientId: $p) {
    patient { id }
    labResults { id status }
    treatmentPlans { id }
    upcomingAppointments { id startAt }
    counts { unreadMessages }
  }
}'

# ---- the dashboard: REST's answer, REST's audit row ----
a0=$(audit_rows "$P1" patient_summary success)
api GET "/api/v1/patients/$P1/summary" "" -H "Authorization: Bearer $PAT"
is "$STATUS" 200 "REST summary: 200"
rest=$(jq -c '{p: .patient.id, labs: [.lab_results[] | [.id, (.status | ascii_upcase)]],
	plans: [.treatment_plans[].id], visits: [.upcoming_appointments[] | [.id, .start_at]],
	unread: .counts.unread_messages}' <<<"$BODY")
a1=$(audit_rows "$P1" patient_summary success)
gql "$PAT" "$DASH" "{\"p\":\"$P1\"}"
is "$STATUS" 200 "GraphQL dashboard: 200"
is "$(header Content-Type)" "$GQL" "GraphQL dashboard: $GQL"
is "$(jq -r 'has("errors")' <<<"$BODY")" false "GraphQL dashboard: no errors"
mine=$(jq -c '.data.patientSummary | {p: .patient.id, labs: [.labResults[] | [.id, .status]],
	plans: [.treatmentPlans[].id], visits: [.upcomingAppointments[] | [.id, .startAt]],
	unread: .counts.unreadMessages}' <<<"$BODY")
is "$mine" "$rest" "GraphQL dashboard: the REST summary's ids, statuses, times and counts"
like "$rest" '"labs":\[\["' "the demo patient's summary has lab results (the comparison compares something)"
is "$(jq -r '.data.me.user.id + " " + .data.me.user.role' <<<"$BODY")" "$P1 PATIENT" "me: the caller"
a2=$(audit_rows "$P1" patient_summary success)
is "$((a1 - a0)) $((a2 - a1))" "1 1" "one patient_summary audit row per read, REST and GraphQL alike"
is "$(sql "SELECT JSON_LENGTH(metadata, '\$.lab_result_ids') FROM audit_log
	WHERE actor_id = '$P1' AND entity_type = 'patient_summary' ORDER BY id DESC LIMIT 1")" \
	"$(jq '.labs | length' <<<"$rest")" "the GraphQL read's audit row lists the lab result ids shown"

# ---- no N+1: a document costs its REST requests' statements ----
# MariaDB's Questions counter around one request (the relay's and the
# notifier's polls may add a few: the least of five tries is taken).
questions() { sql "SHOW GLOBAL STATUS LIKE 'Questions'" | cut -f2; }
# least_statements CMD...: the fewest statements CMD cost in five tries.
least_statements() {
	local best= a b i
	for i in 1 2 3 4 5; do
		a=$(questions)
		"$@"
		b=$(questions)
		((b - a - 1 < ${best:-999999})) && best=$((b - a - 1))
	done
	printf '%s' "$best"
}
rest_n=$(least_statements api GET "/api/v1/patients/$P1/summary" "" -H "Authorization: Bearer $PAT")
gql_n=$(least_statements gql "$PAT" 'query ($p: ID!) { patientSummary(patientId: $p) { patient { id } } }' "{\"p\":\"$P1\"}")
full_n=$(least_statements gql "$PAT" "$DASH" "{\"p\":\"$P1\"}")
diag "statements: REST summary $rest_n, GraphQL summary (one field) $gql_n, the dashboard document $full_n"
is "$gql_n" "$rest_n" "the summary through GraphQL runs REST's statements, no more ($rest_n)"
me_n=$(least_statements api GET /api/v1/me "" -H "Authorization: Bearer $PAT")
((full_n <= rest_n + me_n))
ok $? "every field of the dashboard and me: at most the two REST requests' statements ($full_n <= $rest_n + $me_n)"

# ---- a denial: null, the REST problem's code and status, the same audit row ----
d0=$(audit_rows "" x x)
api GET "/api/v1/patients/$P1/summary" "" -H "Authorization: Bearer $PAT2"
rstatus=$STATUS
rcode=$(jq -r .code <<<"$BODY")
like "$rstatus" '^40[34]$' "REST: another patient's summary is refused ($rstatus $rcode)"
P2=$(sql "SELECT id FROM users WHERE email = 'patient2@demo.test'")
n0=$(sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$P2' AND outcome = 'denied'")
gql "$PAT2" "$DASH" "{\"p\":\"$P1\"}"
is "$STATUS" 200 "GraphQL: a denied field is a field error (200 with data)"
is "$(jq -c '.data.patientSummary' <<<"$BODY")" null "GraphQL: the denied summary is null"
is "$(jq -r '.data.me.user.role' <<<"$BODY")" PATIENT "GraphQL: the rest of the document still answers"
is "$(jq -r '.errors[0].extensions | "\(.status) \(.code)"' <<<"$BODY")" "$rstatus $rcode" \
	"GraphQL: the error carries REST's status and problem code"
is "$(jq -c '.errors[0].path' <<<"$BODY")" '["patientSummary"]' "GraphQL: the error's path"
n1=$(sql "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$P2' AND outcome = 'denied'")
is "$((n1 - n0))" 1 "GraphQL: the denial writes REST's one denied audit row"
: "$d0"
gql "$PAT2" 'query { labResult(id: "0000000000000000000000000a") { id } }'
nf=$(jq -r '.errors[0].extensions.code' <<<"$BODY")
api GET /api/v1/lab-results/0000000000000000000000000a "" -H "Authorization: Bearer $PAT2"
is "$nf" "$(jq -r .code <<<"$BODY")" "an id that does not exist: the same code as REST ($nf)"
gql "$PAT" 'query { labResult(id: "../../me") { id } }'
is "$(jq -r '.errors[0].extensions.code' <<<"$BODY")" not_found "an id that is a path is not found, not routed"

# ---- GET: queries only ----
before=$(counts)
api GET "/api/v1/graphql?query=$(jq -rn --arg q '{ me { user { id } } }' '$q|@uri')" "" \
	-H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS $(jq -r .data.me.user.id <<<"$BODY")" "200 $P1" "GET runs a query"
api GET "/api/v1/graphql?query=$(jq -rn --arg q 'mutation { cancelAppointment(id: "demoappointmentvideovisita", reason: "x") { id } }' '$q|@uri')" "" \
	-H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS" 405 "GET with a mutation: 405"
is "$(header Allow)" POST "GET with a mutation: Allow: POST"
is "$(jq -r 'has("data")' <<<"$BODY")" false "GET with a mutation: no data"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "GET with a mutation: nothing written but the query's read (me)"
is "$(sql "SELECT status FROM appointments WHERE id = 'demoappointmentvideovisita'")" scheduled \
	"the appointment GET tried to cancel is still scheduled"

# ---- persisted documents ----
PQ="query Persisted { me { user { id } } } # run $SRANDOM$SRANDOM"
H=$(printf '%s' "$PQ" | sha256sum | cut -d' ' -f1)
api POST /api/v1/graphql "{\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"$H\"}}}" \
	-H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS $(jq -r '.errors[0].message' <<<"$BODY")" "400 PersistedQueryNotFound" "an unknown hash: PersistedQueryNotFound"
api POST /api/v1/graphql "$(jq -cn --arg q "$PQ" --arg h "$H" '{query:$q, extensions:{persistedQuery:{version:1, sha256Hash:$h}}}')" \
	-H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS $(jq -r .data.me.user.id <<<"$BODY")" "200 $P1" "document and hash: run and kept"
api POST /api/v1/graphql "{\"extensions\":{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"$H\"}}}" \
	-H "Authorization: Bearer $PAT2" -H "Accept: $GQL"
is "$STATUS $(jq -r .data.me.user.role <<<"$BODY" 2>/dev/null)$(jq -r .data.me.user.id <<<"$BODY")" \
	"200 null$(sql "SELECT id FROM users WHERE email = 'patient2@demo.test'")" \
	"the hash alone runs the stored document, as its own caller (patient2 gets patient2)"
api POST /api/v1/graphql "$(jq -cn --arg q '{ me { user { email } } }' --arg h "$H" '{query:$q, extensions:{persistedQuery:{version:1, sha256Hash:$h}}}')" \
	-H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS $(jq -r '.errors[0].message' <<<"$BODY")" "400 provided sha does not match query" \
	"a hash that is not the document's is refused"
is "$(sql "SELECT COUNT(*) FROM graphql_documents WHERE sha256 = '$H'")" 1 "one stored document under its hash"

# ---- limits ----
deep='name'
for _ in $(seq 1 15); do deep="ofType { $deep }"; done
gql "$PAT" "{ __schema { types { fields { type { $deep } } } } }"
is "$STATUS" 400 "a document nesting deeper than graphql.max_depth: 400"
like "$(jq -r '.errors[0].message' <<<"$BODY")" 'deeper than 15|too deep' "... and says so"
wide='query {'
for i in $(seq 1 13); do wide+=" m$i: me { user { id } }"; done
wide+=' }'
before=$(counts)
gql "$PAT" "$wide"
is "$STATUS" 400 "13 root fields (13 REST requests), more than graphql.max_root_fields: 400"
like "$(jq -r '.errors[0].message' <<<"$BODY")" '13 root fields, the limit is 12' "... and says so"
is "$(delta "$before" "$(counts)")" none "a refused document runs nothing (no audit rows)"
big=$(head -c 70000 /dev/zero | tr '\0' ' ')
gql "$PAT" "{ me { user { id } } }$big"
is "$STATUS" 413 "a document over graphql.max_bytes: 413"
aliases='query {'
for i in $(seq 1 3000); do aliases+=" a$i: __typename"; done
gql "$PAT" "$aliases }"
is "$STATUS" 400 "3,000 aliases: refused (fields limit)"

# ---- one Idempotency-Key, one change ----
before=$(counts)
gql "$PAT" 'mutation { a: cancelAppointment(id: "demoappointmentvideovisita", reason: "x") { id } b: cancelAppointment(id: "demoappointmentvideovisita", reason: "y") { id } }' null \
	-H "Idempotency-Key: gql-e2e-$SRANDOM"
is "$STATUS" 400 "two mutation fields under one Idempotency-Key: 400"
is "$(delta "$before" "$(counts)")" none "... nothing written"

# ---- a mutation under an Idempotency-Key is applied once ----
THR=$(sql "SELECT thread_id FROM thread_participants WHERE user_id = '$P1' AND left_at IS NULL LIMIT 1")
[[ -n $THR ]] || bail "patient1 has no thread"
KEY=gql-e2e-post-$SRANDOM$SRANDOM
POST='mutation ($t: ID!) { postMessage(threadId: $t, input: {body: "GraphQL, once"}) { id } }'
m0=$(sql "SELECT COUNT(*) FROM messages WHERE thread_id = '$THR'")
gql "$PAT" "$POST" "{\"t\":\"$THR\"}" -H "Idempotency-Key: $KEY"
id1=$(jq -r '.data.postMessage.id' <<<"$BODY")
gql "$PAT" "$POST" "{\"t\":\"$THR\"}" -H "Idempotency-Key: $KEY"
id2=$(jq -r '.data.postMessage.id' <<<"$BODY")
like "$id1" '^[a-z0-9]{26}$' "postMessage with an Idempotency-Key: the message"
is "$id2" "$id1" "the same mutation and key again: the same message"
is "$(($(sql "SELECT COUNT(*) FROM messages WHERE thread_id = '$THR'") - m0))" 1 "... written once"

# ---- malformed requests, in the GraphQL response format ----
api POST /api/v1/graphql '{"query": ' -H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS $(jq -r 'has("data")' <<<"$BODY")" "400 false" "a body that is not JSON: 400, no data"
api POST /api/v1/graphql '{"query": 42}' -H "Authorization: Bearer $PAT" -H "Accept: $GQL"
is "$STATUS" 400 "a query that is not a string: 400"
gql "$PAT" '{ me { nope } }'
is "$STATUS $(jq -r 'has("data")' <<<"$BODY")" "400 false" "an unknown field: 400, no data"
is "$(jq -r '.errors[0].message' <<<"$BODY")" 'Cannot query field "nope" on type "Me".' "... graphql-js's message"
api POST /api/v1/graphql '{"query":"{ me { nope } }"}' -H "Authorization: Bearer $PAT" -H "Accept: application/json"
is "$STATUS $(header Content-Type)" "200 application/json" "as application/json: 200 with errors (the spec's rule)"
gql "$PAT" 'query ($n: Int!) { appointments(first: $n) { nodes { id } } }' '{"n":"ten"}'
is "$STATUS $(jq -r 'has("data")' <<<"$BODY")" "400 false" "a variable of the wrong type: 400, no data"
api POST /api/v1/graphql '{"query":"{ me { user { id } } }"}'
is "$STATUS" 401 "no token: 401"
api_raw POST /api/v1/graphql --data-binary 'query=x' -H "Authorization: Bearer $PAT" \
	-H 'Content-Type: application/x-www-form-urlencoded'
is "$STATUS" 415 "a form body: 415"

done_testing
