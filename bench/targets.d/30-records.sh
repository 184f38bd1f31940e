# bench/targets.d/30-records.sh: clinical records (issue 9).
#
# labs-list: GET /api/v1/lab-results as a patient with 300 results (225
#   released, 75 preliminary) in a table of 200k: session, policy, the
#   keyset range on lab_results_patient_released (released only, newest
#   release first, first page of 20), 20 values opened (AES-256-GCM), and
#   one audit row (a read of PHI) per request.
# dashboard: GET /api/v1/patients/{id}/summary as that patient: profile,
#   the 5 latest released results, the active plans, the next 3 visits,
#   the unread messages, one audit row naming every id, in one request.
# gql-dashboard: the same screen as one GraphQL document (POST
#   /api/v1/graphql: me and patientSummary, issue 18): parsed, validated
#   and executed, the summary's REST handler run in-process (the same
#   audit row) plus GET /api/v1/me's. Goal: within 80 % of dashboard.
#
# Data (made once): users bench-labs-patient@bench.test (the demo
# password) and bench-labs-provider@bench.test on its care team, 2000
# filler patients "bench-lab-%016d" made as root with the Sequence
# engine; the results and plans by build/bench/concierge-bench-labfill,
# sealed as the worker seals them; 5 future visits in SQL. Each measured
# request adds one audit row.

labs_sql() {
	"$(command -v mariadb || command -v mysql)" --socket="$DB_SOCKET" -uroot -N concierge -e "$1"
}

LABS_PATIENT=benchlabspatientaaaaaaaaaa
LABS_PROVIDER=benchlabsprovideraaaaaaaaa

labs_bench_data() {
	local build=${BUILD_DIR:-build} fill_bin own fill
	[[ $build == /* ]] || build=$CONCIERGE_ROOT/$build
	fill_bin=$build/bench/concierge-bench-labfill
	[[ $(labs_sql "SELECT COUNT(*) FROM lab_results WHERE patient_id = '$LABS_PATIENT'") -ge 300 &&
	    $(labs_sql "SELECT COUNT(*) FROM lab_results") -ge 200000 ]] && return 0
	[[ -x $fill_bin ]] || die "records: $fill_bin is not built"
	echo "bench: records: creating 200k bench lab results (once)" >&2
	labs_sql "
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT '$LABS_PATIENT', 'bench-labs-patient@bench.test', 'bench-labs-patient@bench.test',
		    'patient', password_hash, 'Bench Labs Patient', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test'
		UNION ALL
		SELECT '$LABS_PROVIDER', 'bench-labs-provider@bench.test', 'bench-labs-provider@bench.test',
		    'provider', password_hash, 'Bench Labs Provider', NOW(6), NOW(6) FROM users WHERE email = 'patient1@demo.test';
	INSERT IGNORE INTO patient_profiles (user_id, medical_record_number) VALUES ('$LABS_PATIENT', 'BENCHLABS1');
	INSERT IGNORE INTO provider_profiles (user_id, is_verified, telehealth_enabled) VALUES ('$LABS_PROVIDER', 1, 1);
	INSERT IGNORE INTO care_team (patient_id, provider_id, added_at) VALUES ('$LABS_PATIENT', '$LABS_PROVIDER', NOW(6));
	INSERT IGNORE INTO users (id, email, email_norm, role, password_hash, full_name, created_at, updated_at)
		SELECT CONCAT('bench-lab-', LPAD(seq, 16, '0')), CONCAT('bench-lab-', seq, '@bench.test'),
		    CONCAT('bench-lab-', seq, '@bench.test'), 'patient', 'x', 'Bench Lab Filler', NOW(6), NOW(6)
		FROM seq_1_to_2000;
	INSERT IGNORE INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
		    booked_by, created_at, updated_at)
		SELECT CONCAT('benchlabsvisit', LPAD(seq, 12, 'a')), '$LABS_PROVIDER', '$LABS_PATIENT',
		    '2030-01-07 15:00' + INTERVAL seq WEEK, '2030-01-07 15:30' + INTERVAL seq WEEK,
		    'scheduled', 'video', '$LABS_PATIENT', NOW(6), NOW(6) FROM seq_1_to_5;" >/dev/null ||
	    die "records: cannot create the bench users"
	# Idempotent: what exists stays, only the missing rows are made (the
	# plans come with the patient's own results).
	own=$((300 - $(labs_sql "SELECT COUNT(*) FROM lab_results WHERE patient_id = '$LABS_PATIENT'")))
	fill=$((199700 - $(labs_sql "SELECT COUNT(*) FROM lab_results WHERE patient_id LIKE 'bench-lab-%'")))
	((own > 0)) && { labs_sql "DELETE FROM treatment_plans WHERE patient_id = '$LABS_PATIENT'" ||
	    die "records: cannot reset the bench plans"; }
	"$fill_bin" --config "${CONCIERGE_CONFIG:-$CONCIERGE_ROOT/var/concierge.conf}" --patient "$LABS_PATIENT" \
	    --provider "$LABS_PROVIDER" --own $((own > 0 ? own : 0)) --fill $((fill > 0 ? fill : 0)) \
	    --patients 2000 >&2 || die "records: concierge-bench-labfill failed"
	labs_sql "ANALYZE TABLE lab_results, treatment_plans" >/dev/null
}

labs_tok=""
if bench_selected labs-list || bench_selected dashboard || bench_selected gql-dashboard; then
	labs_bench_data
	labs_tok=$(bench_login bench-labs-patient@bench.test 'Concierge-Dev-2026!')
fi
BENCH_EXPECT='"next_cursor":"' bench_target labs-list GET /api/v1/lab-results "" \
	"Authorization: Bearer $labs_tok"
BENCH_EXPECT='"upcoming_appointments":[{' bench_target dashboard GET \
	"/api/v1/patients/$LABS_PATIENT/summary" "" "Authorization: Bearer $labs_tok"
GQL_DASHBOARD='{"query":"query Dashboard($p: ID!) { patientSummary(patientId: $p) { patient { id fullName } labResults { id testName resultValue units status publishedAt } treatmentPlans { id title status } upcomingAppointments { id providerName startAt status visitType } counts { unreadMessages } } }","variables":{"p":"'"$LABS_PATIENT"'"}}'
BENCH_EXPECT='"upcomingAppointments":[{' bench_target gql-dashboard POST /api/v1/graphql \
	"$GQL_DASHBOARD" "Authorization: Bearer $labs_tok" "Content-Type: application/json" \
	"Accept: application/graphql-response+json"
