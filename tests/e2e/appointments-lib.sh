# tests/e2e/appointments-lib.sh: helpers shared by the e2e-appointments-*.sh
# scripts, sourced after lib.sh. Users are made in SQL (no Argon2 per user).
# mkuser ROLE [verified]: a fresh user with a profile and a live session,
# made in SQL (no Argon2 per user); prints "ID TOKEN".
mkuser() {
	local role=$1 verified=${2:-1} id tok
	id=$(head -c 40 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | head -c 26)
	tok=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | head -c 43)
	sql "INSERT INTO users (id, email, email_norm, role, password_hash, full_name,
		created_at, updated_at) VALUES ('$id', '$id@appt.test', '$id@appt.test',
		'$role', 'x', 'Appt Test', NOW(6), NOW(6));
	    INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at,
		expires_at) VALUES ('$id', '$id', UNHEX(SHA2('$tok', 256)), NOW(6),
		NOW(6), NOW(6) + INTERVAL 1 DAY);" || bail "cannot create a $role"
	case $role in
	patient) sql "INSERT INTO patient_profiles (user_id, medical_record_number)
		VALUES ('$id', 'MRN${id:0:9}')" ;;
	provider) sql "INSERT INTO provider_profiles (user_id, is_verified,
		telehealth_enabled) VALUES ('$id', $verified, 1)" ;;
	esac
	printf '%s %s\n' "$id" "$tok"
}

# as TOKEN METHOD PATH [BODY [curl args]]: api with a bearer token.
as() {
	local tok=$1 m=$2 p=$3 b=${4-}
	shift 3
	(($#)) && shift
	api "$m" "$p" "$b" -H "Authorization: Bearer $tok" "$@"
}

# appt_counts: counts plus the appointments tables, for nothing-written checks.
appt_counts() {
	printf '%s appointments=%s idem=%s avail=%s' "$(counts)" \
		"$(sql 'SELECT COUNT(*) FROM appointments')" \
		"$(sql 'SELECT COUNT(*) FROM idempotency_keys')" \
		"$(sql 'SELECT (SELECT COUNT(*) FROM availability_weekly) + (SELECT COUNT(*) FROM availability_exceptions)')"
}

# weekdays_9to5 ZONE: a PUT body, Monday to Friday 09:00-17:00 in ZONE.
weekdays_9to5() {
	jq -cn --arg z "$1" '{timezone:$z, weekly:[("mon","tue","wed","thu","fri") |
		{weekday:., start:"09:00", end:"17:00"}], exceptions:[]}'
}

# iso_in SECONDS: an RFC 3339 UTC time that many seconds from now, whole minutes.
iso_in() { date -u -d "@$(( ($(date +%s) + $1) / 60 * 60 ))" +%Y-%m-%dT%H:%M:00Z; }

read -r STAFF_ID STAFF_TOK <<<"$(mkuser staff)"
read -r ADMIN_ID ADMIN_TOK <<<"$(mkuser admin)"
read -r AUDITOR_ID AUDITOR_TOK <<<"$(mkuser auditor)"
