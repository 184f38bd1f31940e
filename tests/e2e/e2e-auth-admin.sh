#!/usr/bin/env bash
# e2e-auth-admin: admin account management (POST /api/v1/users, disable,
# enable, verify) and PATCH /api/v1/me with re-authentication.
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"

new_body() { # ROLE EMAIL [extra json]
	jq -cn --arg r "$1" --arg e "$2" --arg p "$PW" --argjson x "${3:-{\}}" \
		'{email:$e,password:$p,role:$r,full_name:"Admin Made"} + $x'
}

# --- creation by admin, one account per role ---
for role in staff admin auditor; do
	em=$(uniq_email)
	api POST /api/v1/users "$(new_body "$role" "$em")" -H "Authorization: Bearer $ADMIN"
	is "$STATUS" 201 "admin creates a $role"
	is "$(jq -r .user.role <<<"$BODY")" "$role" "reply names role $role"
	is "$(sql "SELECT role FROM users WHERE email_norm='$em'")" "$role" "$role row stored"
done
PEM=$(uniq_email)
api POST /api/v1/users "$(new_body provider "$PEM" '{"license_number":"LIC-E2E-1","specialty":"cardiology"}')" \
	-H "Authorization: Bearer $ADMIN"
is "$STATUS" 201 "admin creates a provider"
PROV=$(jq -r .user.id <<<"$BODY")
is "$(jq -r .profile.verified <<<"$BODY")" false "a new provider starts unverified"
is "$(sql "SELECT is_verified FROM provider_profiles WHERE user_id='$PROV'")" 0 "unverified in the database"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$PROV' AND action='create' AND outcome='success'")" 1 \
	"creation audited once"

before=$(counts)
api POST /api/v1/users "$(new_body patient "$(uniq_email)")" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 422 "admin cannot create a patient through /users"
like "$BODY" '"field":"role"' "the error names role"
is "$(delta "$before" "$(counts)")" none "nothing written for a bad role"

before=$(counts)
api POST /api/v1/users "$(new_body staff "$(uniq_email)")" -H "Authorization: Bearer $STAFF"
is "$STATUS" 403 "staff may not create accounts"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written"
is "$(sql "SELECT outcome FROM audit_log ORDER BY id DESC LIMIT 1")" denied "the denial is audited"

api POST /api/v1/users "$(new_body staff "$(uniq_email)")"
is "$STATUS" 401 "anonymous creation is 401"

# --- verify ---
before=$(counts)
api POST "/api/v1/users/$PROV/verify" "" -H "Authorization: Bearer $STAFF"
is "$STATUS" 403 "staff may not verify"
is "$(sql "SELECT is_verified FROM provider_profiles WHERE user_id='$PROV'")" 0 "still unverified after a denial"
api POST "/api/v1/users/$PROV/verify" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "admin verifies the provider"
is "$(sql "SELECT is_verified, verified_at IS NOT NULL FROM provider_profiles WHERE user_id='$PROV'")" $'1\t1' \
	"verified with a time"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$PROV' AND action='verify' AND outcome='success'")" 1 "verification audited once"
SID=$(sql "SELECT id FROM users WHERE email_norm='staff@demo.test'")
before=$(counts)
api POST "/api/v1/users/$SID/verify" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 409 "verifying a non-provider is a conflict"
is "$(delta "$before" "$(counts)")" none "nothing written for it"

# --- disable / enable ---
VEM=$(uniq_email)
api POST /api/v1/auth/signup "$(jq -cn --arg e "$VEM" --arg p "$PW" \
	'{email:$e,password:$p,role:"patient",full_name:"To Disable"}')"
is "$STATUS" 201 "victim signs up"
VID=$(jq -r .user.id <<<"$BODY")
VTOK=$(login "$VEM" "$PW") || bail "victim login"
api GET /api/v1/me "" -H "Authorization: Bearer $VTOK"
is "$STATUS" 200 "victim's token works"
api POST "/api/v1/users/$VID/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "admin disables the user"
is "$(jq -r .user.disabled <<<"$BODY")" true "reply says disabled"
is "$(sql "SELECT COUNT(*) FROM sessions WHERE user_id='$VID' AND revoked_at IS NULL")" 0 "their sessions ended"
api GET /api/v1/me "" -H "Authorization: Bearer $VTOK"
is "$STATUS" 401 "their old token is refused"
api POST /api/v1/auth/login "$(jq -cn --arg e "$VEM" --arg p "$PW" '{email:$e,password:$p}')"
is "$STATUS" 401 "a disabled user cannot log in"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id='$VID' AND action='disable'")" 1 "disable audited"
api POST "/api/v1/users/$VID/enable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 200 "admin re-enables"
VTOK=$(login "$VEM" "$PW")
ok $? "login works again after enable"

AID=$(sql "SELECT id FROM users WHERE email_norm='admin@demo.test'")
api POST "/api/v1/users/$AID/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 409 "admin cannot disable themself"
api POST "/api/v1/users/aaaaaaaaaaaaaaaaaaaaaaaaaa/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 404 "unknown user is 404"
api POST "/api/v1/users/not-an-id/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 404 "malformed id is 404"
api GET "/api/v1/users/$VID/disable" "" -H "Authorization: Bearer $ADMIN"
is "$STATUS" 405 "GET on an action is 405"

# --- PATCH /me ---
api PATCH /api/v1/me '{"full_name":"Renamed Victim"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 200 "rename without re-authentication"
is "$(sql "SELECT full_name FROM users WHERE id='$VID'")" "Renamed Victim" "name stored"
is "$(sql "SELECT JSON_EXTRACT(metadata, '\$.fields') FROM audit_log WHERE entity_id='$VID' AND action='update' ORDER BY id DESC LIMIT 1")" \
	'["full_name"]' "update audited with field names only"
unlike "$(sql "SELECT CONCAT(summary, IFNULL(metadata,'')) FROM audit_log WHERE entity_id='$VID'")" "Renamed Victim" \
	"no new value in the audit trail"

before=$(counts)
api PATCH /api/v1/me '{"phone":"+15550123456"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 422 "phone change needs the current password"
like "$BODY" '"field":"current_password"' "the error names current_password"
api PATCH /api/v1/me '{"phone":"+15550123456","current_password":"wrong-password-123"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 401 "a wrong current password is refused"
is "$(delta "$before" "$(counts)")" audit_log=+1 "the refusal is audited (and counted, cgi-bin/auth/reauth.c)"
is "$(sql "SELECT CONCAT_WS(' ', action, outcome, JSON_VALUE(metadata, '\$.reason')) FROM audit_log
	WHERE entity_id = '$VID' ORDER BY id DESC LIMIT 1")" "update failure wrong_password" \
	"as a failed update of the account, reason wrong_password"
before=$(counts)
api PATCH /api/v1/me '{"email":"patient1@DEMO.test","current_password":"'"$PW"'"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 409 "email taken by another account (any case)"
api PATCH /api/v1/me '{"nickname":"x"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 422 "unknown field refused"
api PATCH /api/v1/me '{"phone":"12345","current_password":"'"$PW"'"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 422 "non-E.164 phone refused"
is "$(delta "$before" "$(counts)")" none "nothing written by the refused changes"
is "$(sql "SELECT IFNULL(phone,'NULL') FROM users WHERE id='$VID'")" NULL "phone unchanged"

NEM=$(uniq_email)
api PATCH /api/v1/me "$(jq -cn --arg e "$NEM" --arg p "$PW" '{email:$e,phone:"+15550123456",current_password:$p}')" \
	-H "Authorization: Bearer $VTOK"
is "$STATUS" 200 "email and phone change with the current password"
is "$(sql "SELECT CONCAT(email, ' ', phone) FROM users WHERE id='$VID'")" "$NEM +15550123456" "both stored"
api PATCH /api/v1/me '{"phone":null,"current_password":"'"$PW"'"}' -H "Authorization: Bearer $VTOK"
is "$STATUS" 200 "phone cleared with null"
is "$(sql "SELECT IFNULL(phone,'NULL') FROM users WHERE id='$VID'")" NULL "phone cleared"

done_testing
