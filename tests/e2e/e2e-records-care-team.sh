#!/usr/bin/env bash
# e2e-records-care-team: GET/POST/DELETE /api/v1/patients/{id}/care-team.
# Staff and admin manage the team (only verified, enabled providers; a
# duplicate is 409); the patient and the team read it; membership is what
# lets a provider see the patient's profile, and removal takes it away.
# Every change writes an audit row and events for the patient and provider.
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'
R=$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
AUDITOR=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
PROV1=$(login provider1@demo.test "$DEMO_PASSWORD") || bail "provider1 login"
PROV2=$(login provider2@demo.test "$DEMO_PASSWORD") || bail "provider2 login"
OTHER=$(login patient2@demo.test "$DEMO_PASSWORD") || bail "patient2 login"
P1ID=$(sql "SELECT id FROM users WHERE email_norm='provider1@demo.test'")
P2ID=$(sql "SELECT id FROM users WHERE email_norm='provider2@demo.test'")
STAFFID=$(sql "SELECT id FROM users WHERE email_norm='staff@demo.test'")
auth() { printf 'Authorization: Bearer %s' "$1"; }
team() { sql "SELECT IFNULL(GROUP_CONCAT(provider_id ORDER BY provider_id SEPARATOR ' '), '') FROM care_team WHERE patient_id='$PX'"; }
add_body() { jq -cn --arg p "$1" '{provider_id:$p}'; }

# A patient of our own, and providers that do not qualify.
EMX=$(uniq_email)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$EMX" --arg p "$PW" --arg n "Team Patient $R" \
	'{email:$e,password:$p,role:"patient",full_name:$n}')"
[[ $STATUS == 201 ]] || bail "patient signup: $STATUS $BODY"
PX=$(jq -r .user.id <<<"$BODY")
PXTOK=$(login "$EMX" "$PW") || bail "patient login"
api POST /api/v1/auth/signup "$(jq -cn --arg e "$(uniq_email)" --arg p "$PW" \
	'{email:$e,password:$p,role:"provider",full_name:"Team Unverified",license_number:"LIC-U"}')"
[[ $STATUS == 201 ]] || bail "provider signup: $STATUS $BODY"
PU=$(jq -r .user.id <<<"$BODY")
api POST /api/v1/users "$(jq -cn --arg e "$(uniq_email)" --arg p "$PW" \
	'{email:$e,password:$p,role:"provider",full_name:"Team Disabled",license_number:"LIC-D"}')" -H "$(auth "$ADMIN")"
PD=$(jq -r .user.id <<<"$BODY")
api POST "/api/v1/users/$PD/verify" "" -H "$(auth "$ADMIN")"
api POST "/api/v1/users/$PD/disable" "" -H "$(auth "$ADMIN")"
[[ $STATUS == 200 ]] || bail "disabled provider fixture: $STATUS $BODY"
# Leave the demo providers off this patient's team whatever happens.
on_exit "sql \"DELETE FROM care_team WHERE patient_id='$PX'\""

# --- an empty team; no access yet ---
before=$(counts)
api GET "/api/v1/patients/$PX/care-team" "" -H "$(auth "$STAFF")"
is "$STATUS" 200 "staff read an empty team"
is "$(jq -c . <<<"$BODY")" '{"data":[],"next_cursor":null}' "empty list"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "the read is audited"
is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', entity_id, ' ', patient_id, ' ', outcome) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read care_team $PX $PX success" "as a care-team read of the patient"
api GET "/api/v1/patients/$PX" "" -H "$(auth "$PROV1")"
is "$STATUS" 404 "a provider off the team cannot see the patient"

# --- add ---
before=$(counts)
api POST "/api/v1/patients/$PX/care-team" "$(add_body "$P1ID")" -H "$(auth "$STAFF")"
is "$STATUS" 201 "staff add provider1"
is "$(jq -r '[.provider_id, .full_name, .specialty] | join("|")' <<<"$BODY")" \
	"$P1ID|$(sql "SELECT full_name FROM users WHERE id='$P1ID'")|$(sql "SELECT specialty FROM provider_profiles WHERE user_id='$P1ID'")" \
	"reply names the provider"
like "$(jq -r .added_at <<<"$BODY")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "with the time added"
is "$(sql "SELECT CONCAT(provider_id, ' ', added_by) FROM care_team WHERE patient_id='$PX'")" "$P1ID $STAFFID" "stored with who added"
is "$(delta "$before" "$(counts)")" "care_team=+1 audit_log=+1 events=+2" "row, audit row and two events in one go"
is "$(sql "SELECT CONCAT(action, ' ', patient_id, ' ', outcome, ' ', JSON_EXTRACT(metadata, '\$.provider_id')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"add $PX success \"$P1ID\"" "the addition is audited"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(type, ' ', entity_type, ' ', entity_id) ORDER BY id SEPARATOR ';') FROM events WHERE recipient_user_id IN ('$PX', '$P1ID') AND entity_id='$PX'")" \
	"care_team.added patient $PX;care_team.added patient $PX" "events for the patient and the provider, ids only"

before=$(counts)
api POST "/api/v1/patients/$PX/care-team" "$(add_body "$P1ID")" -H "$(auth "$ADMIN")"
is "$STATUS" 409 "adding twice is 409"
for who in PU PD PX; do
	api POST "/api/v1/patients/$PX/care-team" "$(add_body "${!who}")" -H "$(auth "$STAFF")"
	is "$STATUS" 422 "$who does not qualify (422)"
done
like "$BODY" '"field":"provider_id"' "the error names provider_id"
for body in '{}' '{"provider_id":"not-an-id"}' '{"provider_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}' \
	"{\"provider_id\":\"$P2ID\",\"note\":\"x\"}" '{"provider_id":null}' '[]'; do
	api POST "/api/v1/patients/$PX/care-team" "$body" -H "$(auth "$STAFF")"
	is "$STATUS" 422 "bad body ${body:0:36} is 422"
done
api POST "/api/v1/patients/$PX/care-team" '{"provider_id":' -H "$(auth "$STAFF")"
is "$STATUS" 400 "malformed JSON is 400"
api POST /api/v1/patients/aaaaaaaaaaaaaaaaaaaaaaaaaa/care-team "$(add_body "$P2ID")" -H "$(auth "$STAFF")"
is "$STATUS" 404 "unknown patient is 404"
api POST "/api/v1/patients/$P2ID/care-team" "$(add_body "$P1ID")" -H "$(auth "$STAFF")"
is "$STATUS" 404 "a provider has no care team"
is "$(delta "$before" "$(counts)")" none "nothing written by refused additions"

for who in PXTOK PROV1 OTHER AUDITOR; do
	before=$(counts)
	api POST "/api/v1/patients/$PX/care-team" "$(add_body "$P2ID")" -H "$(auth "${!who}")"
	is "$STATUS" 403 "$who may not add to a care team"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written ($who)"
done
is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', outcome) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"add care_team denied" "denial audited"
api POST "/api/v1/patients/$PX/care-team" "$(add_body "$P2ID")"
is "$STATUS" 401 "anonymous add is 401"
is "$(team)" "$P1ID" "the team is unchanged"

# --- membership gives access ---
api GET "/api/v1/patients/$PX" "" -H "$(auth "$PROV1")"
is "$STATUS" 200 "provider1 on the team reads the patient"
is "$(sql "SELECT CONCAT(action, ' ', actor_id, ' ', patient_id, ' ', outcome) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"read $P1ID $PX success" "that read is audited"
api PATCH "/api/v1/patients/$PX" '{"primary_clinic":"Team Clinic"}' -H "$(auth "$PROV1")"
is "$STATUS" 200 "a team provider updates the profile (policy: care team may PATCH)"
is "$(sql "SELECT primary_clinic FROM patient_profiles WHERE user_id='$PX'")" "Team Clinic" "stored"
api PATCH "/api/v1/patients/$PX" '{"phone":"+15550100999"}' -H "$(auth "$PROV1")"
is "$STATUS" 403 "but not the phone"
for who in PXTOK PROV1 STAFF ADMIN; do
	api GET "/api/v1/patients/$PX/care-team" "" -H "$(auth "${!who}")"
	is "$STATUS $(jq -r '[.data[].provider_id] | join(" ")' <<<"$BODY")" "200 $P1ID" "$who reads the team"
done
for who in PROV2 OTHER AUDITOR; do
	before=$(counts)
	api GET "/api/v1/patients/$PX/care-team" "" -H "$(auth "${!who}")"
	is "$STATUS" 404 "the team is hidden from $who"
	is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', patient_id, ' ', outcome) FROM audit_log ORDER BY id DESC LIMIT 1")" \
		"read care_team $PX denied" "denial audited ($who)"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written ($who)"
	api GET "/api/v1/patients/$PX" "" -H "$(auth "${!who}")"
	is "$STATUS" 404 "and so is the patient ($who)"
done
api GET "/api/v1/patients/$PX/care-team"
is "$STATUS" 401 "anonymous team read is 401"

# --- pagination ---
api POST "/api/v1/patients/$PX/care-team" "$(add_body "$P2ID")" -H "$(auth "$ADMIN")"
is "$STATUS" 201 "admin adds provider2"
first=$(sql "SELECT u.id FROM users u JOIN care_team c ON c.provider_id = u.id WHERE c.patient_id='$PX' ORDER BY u.full_name, u.id LIMIT 1")
api GET "/api/v1/patients/$PX/care-team?limit=1" "" -H "$(auth "$STAFF")"
is "$(jq -r '[.data[].provider_id] | join(" ")' <<<"$BODY")" "$first" "page 1 of 2, ordered by name"
cur=$(jq -r .next_cursor <<<"$BODY")
api GET "/api/v1/patients/$PX/care-team?limit=1&cursor=$cur" "" -H "$(auth "$STAFF")"
is "$(jq -r '(.data | length | tostring) + " " + (.next_cursor | tostring)' <<<"$BODY")" "1 null" "page 2, the last"
isnt "$(jq -r '.data[0].provider_id' <<<"$BODY")" "$first" "a different provider"
before=$(counts)
api GET "/api/v1/patients/$PX/care-team?limit=500" "" -H "$(auth "$STAFF")"
is "$STATUS" 422 "limit over 100 is 422"
api GET "/api/v1/patients/$PX/care-team?cursor=bm9iYXI" "" -H "$(auth "$STAFF")"
is "$STATUS" 422 "a foreign cursor is 422"
is "$(delta "$before" "$(counts)")" none "nothing written"

# --- a provider who must be verified again is off the team until then ---
VEM=$(uniq_email)
api POST /api/v1/users "$(jq -cn --arg e "$VEM" --arg p "$PW" \
	'{email:$e,password:$p,role:"provider",full_name:"Team Relicensed",license_number:"LIC-R1"}')" -H "$(auth "$ADMIN")"
PV=$(jq -r .user.id <<<"$BODY")
api POST "/api/v1/users/$PV/verify" "" -H "$(auth "$ADMIN")"
api POST "/api/v1/patients/$PX/care-team" "$(add_body "$PV")" -H "$(auth "$STAFF")"
is "$STATUS" 201 "staff add a newly verified provider"
VTOK=$(login "$VEM" "$PW") || bail "relicensed provider login"
api GET "/api/v1/patients/$PX" "" -H "$(auth "$VTOK")"
is "$STATUS" 200 "they read the patient"
api PATCH "/api/v1/providers/$PV" '{"license_number":"LIC-R2"}' -H "$(auth "$VTOK")"
is "$(jq -r .verified <<<"$BODY")" false "they change their license and are unverified"
api GET "/api/v1/patients/$PX" "" -H "$(auth "$VTOK")"
is "$STATUS" 404 "an unverified team member cannot read the patient"
api GET "/api/v1/patients/$PX/care-team" "" -H "$(auth "$VTOK")"
is "$STATUS" 404 "nor the team"
api POST "/api/v1/users/$PV/verify" "" -H "$(auth "$ADMIN")"
api GET "/api/v1/patients/$PX" "" -H "$(auth "$VTOK")"
is "$STATUS" 200 "verified again, access is back"
api DELETE "/api/v1/patients/$PX/care-team/$PV" "" -H "$(auth "$STAFF")"
is "$STATUS" 204 "staff remove them"

# --- remove ---
for who in PXTOK PROV1 AUDITOR; do
	before=$(counts)
	api DELETE "/api/v1/patients/$PX/care-team/$P1ID" "" -H "$(auth "${!who}")"
	is "$STATUS" 403 "$who may not remove"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written ($who)"
done
api DELETE "/api/v1/patients/$PX/care-team/$P1ID"
is "$STATUS" 401 "anonymous remove is 401"
before=$(counts)
api DELETE "/api/v1/patients/$PX/care-team/$P1ID" "" -H "$(auth "$STAFF")"
is "$STATUS" 204 "staff remove provider1"
is "$BODY" "" "no body"
is "$(team)" "$P2ID" "provider1 is off the team"
is "$(delta "$before" "$(counts)")" "care_team=-1 audit_log=+1 events=+2" "row gone, audit row and two events"
is "$(sql "SELECT CONCAT(action, ' ', patient_id, ' ', outcome, ' ', JSON_EXTRACT(metadata, '\$.provider_id')) FROM audit_log ORDER BY id DESC LIMIT 1")" \
	"remove $PX success \"$P1ID\"" "the removal is audited"
before=$(counts)
api DELETE "/api/v1/patients/$PX/care-team/$P1ID" "" -H "$(auth "$STAFF")"
is "$STATUS" 404 "removing again is 404"
api DELETE "/api/v1/patients/$PX/care-team/not-an-id" "" -H "$(auth "$STAFF")"
is "$STATUS" 404 "malformed provider id is 404"
is "$(delta "$before" "$(counts)")" none "nothing written"
api GET "/api/v1/patients/$PX" "" -H "$(auth "$PROV1")"
is "$STATUS" 404 "a removed provider loses access at once"
api DELETE "/api/v1/patients/$PX/care-team/$P2ID" "" -H "$(auth "$ADMIN")"
is "$STATUS" 204 "admin removes provider2"
is "$(team)" "" "the team is empty again"

# --- concurrent additions of one provider: exactly one wins ---
before=$(counts)
pids=()
for i in 1 2 3 4 5 6 7 8; do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X POST -H "$(auth "$STAFF")" \
		-H 'Content-Type: application/json' --data-binary "$(add_body "$P1ID")" \
		"$BASE/api/v1/patients/$PX/care-team" >"$T_TMP/race.$i" &
	pids+=($!)
done
wait "${pids[@]}"
is "$(cat "$T_TMP"/race.* | sort | uniq -c | awk '{printf "%sx%s ", $2, $1}')" "201x1 409x7 " \
	"eight at once: one 201, seven 409"
is "$(team)" "$P1ID" "one row"
is "$(delta "$before" "$(counts)")" "care_team=+1 audit_log=+1 events=+2" "one audit row and one pair of events"
api DELETE "/api/v1/patients/$PX/care-team/$P1ID" "" -H "$(auth "$STAFF")"
is "$STATUS" 204 "and it is removed again"

done_testing
