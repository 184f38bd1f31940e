#!/usr/bin/env bash
# e2e-sec-replies: a change's reply is read back inside the change's own
# transaction (patient and provider PATCH, care-team add, PATCH /me). The
# old handlers committed, then re-read: when that read failed the client
# got a 5xx for a write that had committed (and, under concurrency, could
# be answered another request's values).
#
# To make exactly the read-back fail, each request is held on a row lock
# by a root session after it has passed its checks, the workers' role
# loses SELECT on a table only that read needs, and the lock goes. A 5xx
# must then mean that nothing was written. The privilege is given back
# at once (and at exit).
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"

PW='quartz-meadow-lantern-42'
revoke() { sql "REVOKE SELECT ON \`$DB_NAME\`.\`$1\` FROM concierge_worker"; }
regrant() { sql "GRANT SELECT ON \`$DB_NAME\`.\`$1\` TO concierge_worker"; }
on_exit "regrant users; regrant patient_profiles; regrant provider_profiles"
waiting() { (($(innodb_view "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS") > 0)); }

# held TABLE LOCKSQL -- the request runs in the background meanwhile:
# lock with LOCKSQL, start the request (REQ_CMD), wait for it to wait,
# revoke SELECT on TABLE, let it go, give SELECT back. Sets R_STATUS.
held() {
	local table=$1 lock=$2
	mkfifo "$T_TMP/h.fifo"
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B -n "$DB_NAME" <"$T_TMP/h.fifo" \
		>"$T_TMP/h.out" 2>&1 &
	local sp=$!
	exec {H}>"$T_TMP/h.fifo"
	printf '%s\n' "START TRANSACTION;" "$lock" "SELECT 'held';" >&"$H"
	wait_until 10 'grep -qs "^held$" "$T_TMP/h.out"' || bail "the root session did not lock"
	rm -f "$T_TMP/r.st"
	eval "$REQ_CMD" >"$T_TMP/r.st" &
	local rp=$!
	wait_until 20 waiting || bail "the request never waited for the lock"
	revoke "$table"
	printf '%s\n' "ROLLBACK;" >&"$H"
	exec {H}>&-
	wait "$rp"
	regrant "$table"
	wait "$sp"
	rm -f "$T_TMP/h.fifo"
	R_STATUS=$(cat "$T_TMP/r.st")
}
call() {	# call TOKEN METHOD PATH BODY: prints the status only
	printf 'curl -s -o "$T_TMP/r.b" -w "%%{http_code}" --max-time 60 -X %s -H "Content-Type: application/json" -H "Authorization: Bearer %s" --data-binary %q "$BASE%s"' \
		"$2" "$1" "$4" "$3"
}

# ===== patient PATCH: the read-back needs users =====
read -r PAT PAT_TOK <<<"$(mkuser patient)"
sql "UPDATE patient_profiles SET primary_clinic = 'Old Clinic' WHERE user_id = '$PAT'"
REQ_CMD=$(call "$STAFF_TOK" PATCH "/api/v1/patients/$PAT" '{"primary_clinic":"New Clinic"}')
held users "SELECT user_id FROM patient_profiles WHERE user_id = '$PAT' FOR UPDATE;"
clinic=$(sql "SELECT primary_clinic FROM patient_profiles WHERE user_id = '$PAT'")
if [[ $R_STATUS == 200 ]]; then
	is "$(jq -r .primary_clinic "$T_TMP/r.b")" "$clinic" "patient PATCH: the reply is what was written"
else
	is "$R_STATUS:$clinic" "$R_STATUS:Old Clinic" \
		"patient PATCH whose read-back fails ($R_STATUS): nothing was written"
fi
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$PAT' AND action = 'update'")" \
	"$([[ $clinic == 'New Clinic' ]] && echo 1 || echo 0)" "  an audit row only for a written change"

# ===== provider PATCH: the read-back needs users =====
read -r PROV PROV_TOK <<<"$(mkuser provider)"
sql "UPDATE provider_profiles SET bio = 'Old bio' WHERE user_id = '$PROV'"
REQ_CMD=$(call "$PROV_TOK" PATCH "/api/v1/providers/$PROV" '{"bio":"New bio"}')
held users "SELECT user_id FROM provider_profiles WHERE user_id = '$PROV' FOR UPDATE;"
bio=$(sql "SELECT bio FROM provider_profiles WHERE user_id = '$PROV'")
if [[ $R_STATUS == 200 ]]; then
	is "$(jq -r .bio "$T_TMP/r.b")" "$bio" "provider PATCH: the reply is what was written"
else
	is "$R_STATUS:$bio" "$R_STATUS:Old bio" "provider PATCH whose read-back fails ($R_STATUS): nothing was written"
fi

# ===== care-team add: the read-back needs users =====
read -r PAT2 _ <<<"$(mkuser patient)"
read -r PROV2 _ <<<"$(mkuser provider)"
REQ_CMD=$(call "$STAFF_TOK" POST "/api/v1/patients/$PAT2/care-team" "{\"provider_id\":\"$PROV2\"}")
held users "INSERT INTO care_team (patient_id, provider_id, added_by, added_at) VALUES ('$PAT2', '$PROV2', NULL, NOW(6));"
team=$(sql "SELECT COUNT(*) FROM care_team WHERE patient_id = '$PAT2' AND provider_id = '$PROV2'")
if [[ $R_STATUS == 201 ]]; then
	is "$(jq -r .provider_id "$T_TMP/r.b") $team" "$PROV2 1" "care-team add: the reply is the member written"
else
	is "$R_STATUS:$team" "$R_STATUS:0" "care-team add whose read-back fails ($R_STATUS): nothing was written"
fi

# ===== PATCH /me of a patient: the read-back needs patient_profiles =====
EMAIL=$(uniq_email)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$EMAIL" --arg p "$PW" \
	'{email:$e,password:$p,role:"patient",full_name:"Old Name"}')"
[[ $STATUS == 201 ]] || bail "signup: $STATUS"
ME=$(jq -r .user.id <<<"$BODY")
ME_TOK=$(login "$EMAIL" "$PW") || bail "login"
REQ_CMD=$(call "$ME_TOK" PATCH /api/v1/me '{"full_name":"New Name"}')
held patient_profiles "SELECT id FROM users WHERE id = '$ME' FOR UPDATE;"
name=$(sql "SELECT full_name FROM users WHERE id = '$ME'")
if [[ $R_STATUS == 200 ]]; then
	is "$(jq -r .user.full_name "$T_TMP/r.b")" "$name" "PATCH /me: the reply is what was written"
else
	is "$R_STATUS:$name" "$R_STATUS:Old Name" "PATCH /me whose read-back fails ($R_STATUS): nothing was written"
fi

# Everything answers again with the privileges back.
api GET "/api/v1/patients/$PAT" "" -H "Authorization: Bearer $STAFF_TOK"
is "$STATUS" 200 "the workers read again once SELECT is given back"

done_testing
