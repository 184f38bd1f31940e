#!/usr/bin/env bash
# e2e-records-providers: the provider directory (verified only, no PHI,
# search with LIKE wildcards taken literally, cursor pagination), one
# provider's profile (unverified ones hidden), PATCH by the provider or an
# admin (audited; a provider's own license change resets verification),
# and the routing of the clinical prefixes (built now: no 501 left).
. "${srcdir:-.}/tests/e2e/lib.sh"

PW='violet-harbor-canoe-17'
R=$(od -An -vtx1 -N4 /dev/urandom | tr -d ' \n')
PATIENT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
PROV2=$(login provider2@demo.test "$DEMO_PASSWORD") || bail "provider2 login"
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
auth() { printf 'Authorization: Bearer %s' "$1"; }

# new_provider NAME SPECIALTY [verify]: an admin-made provider; prints "id email".
new_provider() {
	local em id
	em=$(uniq_email)
	api POST /api/v1/users "$(jq -cn --arg e "$em" --arg p "$PW" --arg n "$1" --arg s "$2" \
		'{email:$e,password:$p,role:"provider",full_name:$n,license_number:"LIC-E2E",specialty:$s}')" \
		-H "$(auth "$ADMIN")"
	[[ $STATUS == 201 ]] || { diag "create provider $1: $STATUS $BODY"; return 1; }
	id=$(jq -r .user.id <<<"$BODY")
	if [[ ${3:-} == verify ]]; then
		api POST "/api/v1/users/$id/verify" "" -H "$(auth "$ADMIN")"
		[[ $STATUS == 200 ]] || { diag "verify $1: $STATUS $BODY"; return 1; }
	fi
	printf '%s %s\n' "$id" "$em"
}

# all_pages QUERY TOKEN: every id of the directory for QUERY, page by page (limit 2).
all_pages() {
	local q=$1 tok=$2 cur= pages=0
	while :; do
		api GET "/api/v1/providers?limit=2&$q${cur:+&cursor=$cur}" "" -H "$(auth "$tok")"
		[[ $STATUS == 200 ]] || { echo "HTTP $STATUS"; return; }
		jq -r '.data[].id' <<<"$BODY"
		cur=$(jq -r '.next_cursor // empty' <<<"$BODY")
		[[ -z $cur ]] && break
		((++pages < 200)) || { echo "too many pages"; return; }
	done
}

# --- fixtures: providers of a specialty of our own ---
SPEC="e2e-spec-$R"
read -r PA _ <<<"$(new_provider "Pg Alpha $R" "$SPEC" verify)" || bail "provider A"
read -r PB _ <<<"$(new_provider "Pg Bravo $R" "$SPEC" verify)" || bail "provider B"
read -r PC EMC <<<"$(new_provider "Pg Charlie $R" "$SPEC" verify)" || bail "provider C"
read -r PU EMU <<<"$(new_provider "Pg Unverified $R" "$SPEC")" || bail "unverified provider"
[[ -n $PA && -n $PB && -n $PC && -n $PU ]] || bail "fixtures"

# --- the directory ---
api GET /api/v1/providers
is "$STATUS" 401 "anonymous directory is 401"

api GET "/api/v1/providers?limit=100" "" -H "$(auth "$PATIENT")"
is "$STATUS" 200 "a patient lists providers"
is "$(jq -r '[.data[] | keys | join(",")] | unique | join(";")' <<<"$BODY")" \
	"bio,full_name,id,specialty,telehealth_enabled" "directory cards hold no PHI (no email, phone, license)"
want=$(sql "SELECT u.id FROM provider_profiles p JOIN users u ON u.id = p.user_id
	WHERE p.is_verified = 1 AND u.is_disabled = 0" | sort)
is "$(all_pages "" "$PATIENT" | sort)" "$want" "the directory is exactly the verified, enabled providers"

is "$(all_pages "specialty=$SPEC" "$PATIENT" | tr '\n' ' ')" "$PA $PB $PC " \
	"specialty filter, ordered by name, across pages of 2"
api GET "/api/v1/providers?specialty=$SPEC&limit=2" "" -H "$(auth "$STAFF")"
is "$(jq -r '.data | length' <<<"$BODY")" 2 "limit=2 gives two"
like "$(jq -r .next_cursor <<<"$BODY")" '^[A-Za-z0-9_-]+$' "and a cursor"
api GET "/api/v1/providers?specialty=$SPEC&limit=3" "" -H "$(auth "$STAFF")"
is "$(jq -r .next_cursor <<<"$BODY")" null "no cursor after the last page"
api GET "/api/v1/providers?specialty=E2E-SPEC-$R" "" -H "$(auth "$STAFF")"
is "$(jq -r '.data | length' <<<"$BODY")" 3 "specialty matches in any case"

api GET "/api/v1/providers?q=charlie%20$R" "" -H "$(auth "$PATIENT")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PC" "q matches part of a name, any case"
api GET "/api/v1/providers?q=$SPEC" "" -H "$(auth "$PATIENT")"
is "$(jq -r '.data | length' <<<"$BODY")" 3 "q matches the specialty too"
api GET "/api/v1/providers?q=Unverified%20$R" "" -H "$(auth "$STAFF")"
is "$(jq -r '.data | length' <<<"$BODY")" 0 "unverified providers are not listed, even for staff"

# LIKE wildcards in q are literal characters.
read -r PW1 _ <<<"$(new_provider "Lit 50%_off $R" "lit-$R" verify)" || bail "literal provider"
read -r PW2 _ <<<"$(new_provider "Lit 50XYoff $R" "lit-$R" verify)" || bail "look-alike provider"
api GET "/api/v1/providers?q=50%25_off%20$R" "" -H "$(auth "$PATIENT")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PW1" "'%' and '_' in q match only themselves"
api GET "/api/v1/providers?q=%25" "" -H "$(auth "$PATIENT")"
is "$(jq -r '[.data[] | select(.full_name | contains("%") | not)] | length' <<<"$BODY")" 0 \
	"q=% lists only names or specialties with a percent sign"
api GET "/api/v1/providers?q=!" "" -H "$(auth "$PATIENT")"
is "$STATUS" 200 "the escape character itself is fine in q"

# Disabled providers leave the directory.
api POST "/api/v1/users/$PW2/disable" "" -H "$(auth "$ADMIN")"
api GET "/api/v1/providers?specialty=lit-$R" "" -H "$(auth "$PATIENT")"
is "$(jq -r '[.data[].id] | join(" ")' <<<"$BODY")" "$PW1" "a disabled provider is not listed"

# --- bad queries: 422, nothing written ---
before=$(counts)
for q in "limit=0" "limit=101" "limit=x" "cursor=%21%21" "cursor=$(printf 'nobar' | base64 | tr '+/' '-_' | tr -d '=')" \
	"q=$(printf 'a%.0s' {1..101})" "q=a%01b" "specialty=%FF%FE"; do
	api GET "/api/v1/providers?$q" "" -H "$(auth "$PATIENT")"
	is "$STATUS" 422 "bad query ${q:0:30} is 422"
done
like "$BODY" '"field":"specialty"' "the error names the parameter"
api GET "/api/v1/providers?q=%zz" "" -H "$(auth "$PATIENT")"
is "$STATUS" 400 "malformed percent-encoding is 400"
is "$(delta "$before" "$(counts)")" none "nothing written by bad queries"

# --- one provider ---
api GET "/api/v1/providers/$PA" "" -H "$(auth "$PATIENT")"
is "$STATUS" 200 "a patient reads a verified provider"
is "$(jq -r '[.id, .full_name, .license_number, .verified, .telehealth_enabled] | join(" ")' <<<"$BODY")" \
	"$PA Pg Alpha $R LIC-E2E true true" "profile fields"
is "$(jq -r 'has("email") or has("phone")' <<<"$BODY")" false "no contact details in a profile"
api GET "/api/v1/providers/$PA"
is "$STATUS" 401 "anonymous profile read is 401"
api GET /api/v1/providers/aaaaaaaaaaaaaaaaaaaaaaaaaa "" -H "$(auth "$PATIENT")"
is "$STATUS" 404 "unknown provider is 404"
missing=$(jq -c 'del(.status) | del(.title)' <<<"$BODY")
PAT1=$(sql "SELECT id FROM users WHERE email_norm='patient1@demo.test'")
api GET "/api/v1/providers/$PAT1" "" -H "$(auth "$STAFF")"
is "$STATUS" 404 "a patient's id is not a provider"

den() { sql "SELECT COUNT(*) FROM audit_log WHERE entity_type='provider' AND entity_id='$1' AND outcome='denied'"; }
d0=$(den "$PU")
api GET "/api/v1/providers/$PU" "" -H "$(auth "$PATIENT")"
is "$STATUS" 404 "an unverified provider is hidden from patients"
is "$(jq -c 'del(.status) | del(.title)' <<<"$BODY")" "$missing" "with the same reply as an unknown provider"
api GET "/api/v1/providers/$PU" "" -H "$(auth "$PROV2")"
is "$STATUS" 404 "and from other providers"
is "$(den "$PU")" $((d0 + 2)) "both denials audited"
for who in STAFF ADMIN; do
	api GET "/api/v1/providers/$PU" "" -H "$(auth "${!who}")"
	is "$STATUS" 200 "${who,,} reads an unverified provider"
done
is "$(jq -r .verified <<<"$BODY")" false "shown as unverified"
UTOK=$(login "$EMU" "$PW") || bail "unverified provider login"
api GET "/api/v1/providers/$PU" "" -H "$(auth "$UTOK")"
is "$STATUS" 200 "an unverified provider reads themself"

# --- PATCH ---
CTOK=$(login "$EMC" "$PW") || bail "provider C login"
before=$(counts)
api PATCH "/api/v1/providers/$PC" '{"bio":"Sees adults.\nSpeaks French.","specialty":"Cardiology","telehealth_enabled":false}' \
	-H "$(auth "$CTOK")"
is "$STATUS" 200 "a provider updates their profile"
is "$(jq -r '[.specialty, .telehealth_enabled, .verified] | join(" ")' <<<"$BODY")" "Cardiology false true" "reply shows the change"
is "$(sql "SELECT CONCAT(specialty, ' ', telehealth_enabled, ' ', is_verified, ' ', bio) FROM provider_profiles WHERE user_id='$PC'")" \
	"Cardiology 0 1 Sees adults."$'\n'"Speaks French." "stored"
is "$(delta "$before" "$(counts)")" "audit_log=+1" "one audit row, nothing else"
is "$(sql "SELECT CONCAT(action, ' ', outcome, ' ', JSON_EXTRACT(metadata, '\$.fields')) FROM audit_log WHERE entity_id='$PC' ORDER BY id DESC LIMIT 1")" \
	'update success ["specialty", "bio", "telehealth_enabled"]' "audited with field names"
unlike "$(sql "SELECT CONCAT(summary, IFNULL(metadata,'')) FROM audit_log WHERE entity_id='$PC'")" "French" "no values in the audit trail"

api PATCH "/api/v1/providers/$PC" '{"full_name":"Pg Charlie-Renamed '"$R"'","bio":null}' -H "$(auth "$ADMIN")"
is "$STATUS" 200 "an admin updates a provider"
is "$(sql "SELECT CONCAT(u.full_name, '|', IFNULL(p.bio, 'NULL')) FROM users u JOIN provider_profiles p ON p.user_id = u.id WHERE u.id='$PC'")" \
	"Pg Charlie-Renamed $R|NULL" "name stored, bio cleared"

for who in PROV2 STAFF PATIENT; do
	before=$(counts)
	api PATCH "/api/v1/providers/$PC" '{"bio":"hijacked"}' -H "$(auth "${!who}")"
	is "$STATUS" 403 "${who,,} may not update another provider"
	is "$(delta "$before" "$(counts)")" "audit_log=+1" "only the denial is written (${who,,})"
done
is "$(sql "SELECT outcome FROM audit_log WHERE entity_id='$PC' ORDER BY id DESC LIMIT 1")" denied "denial audited"
is "$(sql "SELECT IFNULL(bio, 'NULL') FROM provider_profiles WHERE user_id='$PC'")" NULL "bio unchanged by the denials"
api PATCH "/api/v1/providers/$PU" '{"bio":"x"}' -H "$(auth "$PROV2")"
is "$STATUS" 404 "an unverified provider stays hidden on PATCH"
api PATCH "/api/v1/providers/$PU" '{"bio":"x"}' -H "$(auth "$STAFF")"
is "$STATUS" 403 "staff see an unverified provider but may not change them"
api PATCH "/api/v1/providers/$PU" '{"bio":"Newly joined."}' -H "$(auth "$UTOK")"
is "$STATUS" 200 "an unverified provider updates themself"
api PATCH "/api/v1/providers/$PC" '{"bio":"x"}'
is "$STATUS" 401 "anonymous PATCH is 401"

before=$(counts)
for body in '{}' '{"nickname":"x"}' '{"license_number":null}' '{"telehealth_enabled":"yes"}' \
	'{"full_name":" padded"}' '{"specialty":""}' "{\"bio\":\"$(printf 'b%.0s' {1..2001})\"}" '[1]' \
	'{"verified":true}'; do
	api PATCH "/api/v1/providers/$PC" "$body" -H "$(auth "$CTOK")"
	is "$STATUS" 422 "bad body ${body:0:30} is 422"
done
api PATCH "/api/v1/providers/$PC" '{"bio":' -H "$(auth "$CTOK")"
is "$STATUS" 400 "malformed JSON is 400"
api_raw PATCH "/api/v1/providers/$PC" -H "$(auth "$CTOK")" -H 'Content-Type: text/plain' --data-binary '{"bio":"x"}'
is "$STATUS" 415 "a non-JSON body is 415"
is "$(delta "$before" "$(counts)")" none "nothing written by bad bodies"

# A provider's own license change needs a new verification; an admin's does not.
api PATCH "/api/v1/providers/$PC" '{"license_number":"LIC-E2E"}' -H "$(auth "$CTOK")"
is "$(jq -r .verified <<<"$BODY")" true "the same license keeps the verification"
api PATCH "/api/v1/providers/$PC" '{"license_number":"LIC-NEW-'"$R"'"}' -H "$(auth "$CTOK")"
is "$STATUS" 200 "a provider changes their license"
is "$(jq -r .verified <<<"$BODY")" false "and is unverified again"
is "$(sql "SELECT CONCAT(is_verified, ' ', verified_at IS NULL) FROM provider_profiles WHERE user_id='$PC'")" "0 1" \
	"verification cleared in the database"
like "$(sql "SELECT summary FROM audit_log WHERE entity_id='$PC' ORDER BY id DESC LIMIT 1")" "verification reset" \
	"the reset is audited"
is "$(all_pages "specialty=Cardiology&q=$R" "$PATIENT")" "" "no longer in the directory"
api PATCH "/api/v1/providers/$PB" '{"license_number":"LIC-ADM-'"$R"'"}' -H "$(auth "$ADMIN")"
is "$(jq -r '[.license_number, .verified] | join(" ")' <<<"$BODY")" "LIC-ADM-$R true" "an admin's license change keeps the verification"

# --- routing: other methods, unknown paths, unbuilt prefixes ---
api DELETE "/api/v1/providers/$PA" "" -H "$(auth "$ADMIN")"
is "$STATUS" 405 "DELETE on a provider is 405"
api GET "/api/v1/providers/$PA/nothing" "" -H "$(auth "$ADMIN")"
is "$STATUS" 404 "unknown path under /providers is 404"
# The clinical prefixes are built: an admin holds no clinical rights (403),
# an unknown record or route is 404, nothing answers 501 any more.
for p in "/api/v1/lab-results 403" "/api/v1/lab-results/x 404" \
	"/api/v1/treatment-plans 403" "/api/v1/treatment-plans/x/y 404"; do
	api GET "${p% *}" "" -H "$(auth "$ADMIN")"
	is "$STATUS" "${p#* }" "${p% *} answers ${p#* }"
done

done_testing
