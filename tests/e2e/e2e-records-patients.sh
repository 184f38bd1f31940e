#!/usr/bin/env bash
# e2e-records-patients: patient search for staff and admin (name, email,
# MRN, date of birth; paginated; one audit row listing the ids returned),
# a patient's profile (self, staff, admin; others 404; every read and every
# denial audited) and PATCH (validation, read-only fields, phone kept to
# staff, audit rows with field names only).
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'
R=$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
AUDITOR=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
PROV=$(login provider2@demo.test "$DEMO_PASSWORD") || bail "provider2 login"
auth() { printf 'Authorization: Bearer %s' "$1"; }

# new_patient NAME DOB: sign up; prints "id email".
new_patient() {
	local em
	em=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$em" --arg p "$PW" --arg n "$1" --arg d "$2" \
		'{email:$e,password:$p,role:"patient",full_name:$n,date_of_birth:$d,phone:"+15550199001"}')"
	[[ $STATUS == 201 ]] || { diag "signup $1: $STATUS $BODY"; return 1; }
	printf '%s %s\n' "$(jq -r .user.id <<<"$BODY")" "$em"
}
# last_audit ENTITY_TYPE: "action outcome patient_id" of the newest row.
last_audit() {
	sql "SELECT CONCAT(action, ' ', outcome, ' ', IFNULL(patient_id, 'NULL')) FROM audit_log
		WHERE entity_type='$1' ORDER BY id DESC LIMIT 1"
}

read -r PA EMA <<<"$(new_patient "Search Alpha $R" 1903-02-11)"
read -r PB EMB <<<"$(new_patient "Search Bravo $R" 1960-07-08)"
[[ -n $PA && -n $PB ]] || bail "fixtures"
ATOK=$(login "$EMA" "$PW") || bail "patient A login"
BTOK=$(login "$EMB" "$PW") || bail "patient B login"
MRNA=$(sql "SELECT medical_record_number FROM patient_profiles WHERE user_id='$PA'")

# --- search ---
before=$(counts)
api GET "/api/v1/patients?q=$R" "" -H "$(auth "$STAFF")"
is "$STATUS" 200 "staff search patients"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PA $PB" "by name, ordered by name"
is "$(jq -r '.data[0] | keys | join(",")' <<<"$BODY")" \
	"consent_signed_at,date_of_birth,email,full_name,id,medical_record_number,phone,primary_clinic" "profile fields"
is "$(jq -r '.data[0] | [.medical_record_number, .date_of_birth] | join(" ")' <<<"$BODY")" "$MRNA 1903-02-11" "MRN and birth date"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "one audit row per search"
is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', outcome, ' ', IFNULL(patient_id, 'NULL'), ' ', JSON_EXTRACT(metadata, '\$.ids')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read patient success NULL [\"$PA\", \"$PB\"]" "the row lists the ids returned"
unlike "$(sql "SELECT CONCAT(summary, IFNULL(metadata, '')) FROM audit_log ORDER BY id DESC LIMIT 1")" "$R" \
	"the search text is not in the audit row"

api GET "/api/v1/patients?q=${EMA%@*}" "" -H "$(auth "$ADMIN")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PA" "admin search by part of an email"
is "$(last_audit patient)" "read success $PA" "a single result names the patient in the audit row"
api GET "/api/v1/patients?q=${MRNA,,}" "" -H "$(auth "$STAFF")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PA" "by MRN, any case"
api GET "/api/v1/patients?q=1903-02-11&limit=100" "" -H "$(auth "$STAFF")"
is "$(jq -r --arg a "$PA" '[.data[].id | select(. == $a)] | length' <<<"$BODY")" 1 "by date of birth"
is "$(jq -r '[.data[].date_of_birth | select(. != "1903-02-11")] | length' <<<"$BODY")" 0 \
	"only that date of birth"
api GET "/api/v1/patients?q=Alpha%25$R" "" -H "$(auth "$STAFF")"
is "$(jq -r '.data | length' <<<"$BODY")" 0 "'%' in q is a literal character"
api GET "/api/v1/patients?q=Search_Alpha" "" -H "$(auth "$STAFF")"
is "$(jq -r '.data | length' <<<"$BODY")" 0 "'_' in q is a literal character"

api GET "/api/v1/patients?q=$R&limit=1" "" -H "$(auth "$STAFF")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PA" "page 1 of 2"
cur=$(jq -r .next_cursor <<<"$BODY")
like "$cur" '^[A-Za-z0-9_-]+$' "with a cursor"
api GET "/api/v1/patients?q=$R&limit=1&cursor=$cur" "" -H "$(auth "$STAFF")"
is "$(jq -r '([.data[].id] | join(" ")) + " " + (.next_cursor | tostring)' <<<"$BODY")" "$PB null" "page 2, the last"
is "$(sql "SELECT JSON_EXTRACT(metadata, '\$.ids') FROM audit_log ORDER BY id DESC LIMIT 1")" "[\"$PB\"]" \
	"each page audits the ids it returned"

api GET /api/v1/patients "" -H "$(auth "$STAFF")"
is "$STATUS" 200 "no q lists patients"

for who in ATOK PROV AUDITOR; do
	before=$(counts)
	api GET "/api/v1/patients?q=$R" "" -H "$(auth "${!who}")"
	is "$STATUS" 403 "search refused ($who)"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written ($who)"
	is "$(last_audit patient)" "search denied NULL" "denial audited ($who)"
done
api GET "/api/v1/patients?q=$R"
is "$STATUS" 401 "anonymous search is 401"

before=$(counts)
for q in "limit=0" "limit=abc" "cursor=xyz%21" "q=a%7Fb" "q=$(printf 'x%.0s' {1..101})" "q=%C0%AF"; do
	api GET "/api/v1/patients?$q" "" -H "$(auth "$STAFF")"
	is "$STATUS" 422 "bad query ${q:0:24} is 422"
done
is "$(delta "$before" "$(counts)")" none "nothing written (no search ran)"

# --- one profile ---
api GET "/api/v1/patients/$PA" "" -H "$(auth "$ATOK")"
is "$STATUS" 200 "a patient reads themself"
is "$(jq -r '[.id, .email, .medical_record_number, .phone] | join(" ")' <<<"$BODY")" \
	"$PA ${EMA,,} $MRNA +15550199001" "their profile"
is "$(sql "SELECT CONCAT(action, ' ', entity_id, ' ', outcome, ' ', patient_id, ' ', actor_id) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read $PA success $PA $PA" "the read is audited"
for who in STAFF ADMIN; do
	before=$(counts)
	api GET "/api/v1/patients/$PA" "" -H "$(auth "${!who}")"
	is "$STATUS" 200 "${who,,} reads a patient"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "${who,,}'s read audited"
done
for who in BTOK PROV AUDITOR; do
	before=$(counts)
	api GET "/api/v1/patients/$PA" "" -H "$(auth "${!who}")"
	is "$STATUS" 404 "hidden from $who"
	is "$(jq -r .detail <<<"$BODY")" "no such record" "the same reply as a missing record ($who)"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "the denial is written ($who)"
	is "$(last_audit patient)" "read denied $PA" "denial audited against the patient ($who)"
done
api GET "/api/v1/patients/$PA"
is "$STATUS" 401 "anonymous read is 401"
before=$(counts)
api GET /api/v1/patients/aaaaaaaaaaaaaaaaaaaaaaaaaa "" -H "$(auth "$STAFF")"
is "$STATUS" 404 "unknown patient is 404"
PROVID=$(sql "SELECT id FROM users WHERE email_norm='provider2@demo.test'")
api GET "/api/v1/patients/$PROVID" "" -H "$(auth "$STAFF")"
is "$STATUS" 404 "a provider's id is not a patient"
api GET "/api/v1/patients/not-an-id" "" -H "$(auth "$STAFF")"
is "$STATUS" 404 "malformed id is 404"
is "$(delta "$before" "$(counts)")" none "nothing read, nothing audited"

# --- PATCH ---
before=$(counts)
api PATCH "/api/v1/patients/$PA" '{"primary_clinic":"North Clinic","consent_signed_at":"2026-01-02T03:04:05Z","date_of_birth":"1903-02-12"}' \
	-H "$(auth "$ATOK")"
is "$STATUS" 200 "a patient updates their profile"
is "$(jq -r '[.primary_clinic, .consent_signed_at, .date_of_birth] | join(" ")' <<<"$BODY")" \
	"North Clinic 2026-01-02T03:04:05Z 1903-02-12" "reply shows the change"
is "$(sql "SELECT CONCAT(primary_clinic, ' ', consent_signed_at, ' ', date_of_birth) FROM patient_profiles WHERE user_id='$PA'")" \
	"North Clinic 2026-01-02 03:04:05.000000 1903-02-12" "stored"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "one audit row"
is "$(sql "SELECT CONCAT(action, ' ', outcome, ' ', patient_id, ' ', JSON_EXTRACT(metadata, '\$.fields')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"update success $PA [\"date_of_birth\", \"primary_clinic\", \"consent_signed_at\"]" "audited with field names"
unlike "$(sql "SELECT CONCAT(summary, IFNULL(metadata,'')) FROM audit_log WHERE patient_id='$PA'")" "North" \
	"no values in the audit trail"

api PATCH "/api/v1/patients/$PA" '{"consent_signed_at":null,"primary_clinic":null}' -H "$(auth "$ATOK")"
is "$STATUS" 200 "null clears consent and clinic"
is "$(sql "SELECT CONCAT(IFNULL(consent_signed_at, 'NULL'), ' ', IFNULL(primary_clinic, 'NULL')) FROM patient_profiles WHERE user_id='$PA'")" \
	"NULL NULL" "cleared"

before=$(counts)
api PATCH "/api/v1/patients/$PA" '{"phone":"+15550199777"}' -H "$(auth "$ATOK")"
is "$STATUS" 403 "a patient changes their phone only through PATCH /me"
like "$BODY" 'PATCH /api/v1/me' "the reply says where"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written"
is "$(last_audit patient)" "update denied $PA" "denial audited"
api PATCH "/api/v1/patients/$PA" '{"phone":"+15550199777","full_name":"Search Alpha-Renamed '"$R"'"}' -H "$(auth "$STAFF")"
is "$STATUS" 200 "staff change phone and name"
is "$(sql "SELECT CONCAT(phone, ' ', full_name) FROM users WHERE id='$PA'")" "+15550199777 Search Alpha-Renamed $R" "stored in users"
api PATCH "/api/v1/patients/$PA" '{"phone":null}' -H "$(auth "$ADMIN")"
is "$STATUS" 200 "admin clears the phone"
is "$(sql "SELECT IFNULL(phone, 'NULL') FROM users WHERE id='$PA'")" NULL "phone cleared"

for who in BTOK PROV AUDITOR; do
	before=$(counts)
	api PATCH "/api/v1/patients/$PA" '{"primary_clinic":"Elsewhere"}' -H "$(auth "${!who}")"
	is "$STATUS" 404 "PATCH hidden from $who"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written ($who)"
done
is "$(sql "SELECT IFNULL(primary_clinic, 'NULL') FROM patient_profiles WHERE user_id='$PA'")" NULL "unchanged by the denials"
api PATCH "/api/v1/patients/$PA" '{"primary_clinic":"x"}'
is "$STATUS" 401 "anonymous PATCH is 401"
api PATCH /api/v1/patients/aaaaaaaaaaaaaaaaaaaaaaaaaa '{"primary_clinic":"x"}' -H "$(auth "$STAFF")"
is "$STATUS" 404 "PATCH of an unknown patient is 404"

before=$(counts)
future=$(date -u -d '+2 days' +%Y-%m-%d)
for body in '{}' '{"medical_record_number":"MRN000000001"}' '{"email":"new@example.test"}' \
	'{"nickname":"x"}' '{"full_name":null}' '{"full_name":""}' "{\"date_of_birth\":\"$future\"}" \
	'{"date_of_birth":"1899-12-31"}' '{"date_of_birth":"2001-02-30"}' '{"consent_signed_at":"2999-01-01T00:00:00Z"}' \
	'{"consent_signed_at":"yesterday"}' '{"phone":"5550100"}' '{"primary_clinic":" x"}' '"text"'; do
	api PATCH "/api/v1/patients/$PA" "$body" -H "$(auth "$STAFF")"
	is "$STATUS" 422 "bad body ${body:0:40} is 422"
done
api PATCH "/api/v1/patients/$PA" '{"medical_record_number":"x","email":"y"}' -H "$(auth "$STAFF")"
is "$(jq -r '[.errors[].field] | join(",")' <<<"$BODY")" "medical_record_number,email" "read-only fields are named"
api PATCH "/api/v1/patients/$PA" '{"full_name":' -H "$(auth "$STAFF")"
is "$STATUS" 400 "malformed JSON is 400"
is "$(delta "$before" "$(counts)")" none "nothing written by bad bodies"
is "$(sql "SELECT CONCAT(medical_record_number, ' ', date_of_birth) FROM patient_profiles WHERE user_id='$PA'")" \
	"$MRNA 1903-02-12" "MRN and birth date unchanged"

done_testing
