# tests/e2e/messaging-lib.sh: fixtures for the messaging tests, sourced
# after lib.sh and attachments-lib.sh. People of their own for each test
# (mk_patient, mk_provider; care teams through the staff API), threads
# and messages through nginx (mk_thread, post), and what the tests count
# (msg_counts: lib.sh's counts plus the messaging tables and files).

MSG_PW='violet-harbor-canoe-17'
STAFF_TOK=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
ADMIN_TOK=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
STAFF_ID=$(sql "SELECT id FROM users WHERE email_norm='staff@demo.test'")
auth() { printf 'Authorization: Bearer %s' "$1"; }

# mk_patient VAR: a new patient; sets VAR (id) and VAR_TOK.
mk_patient() {
	local em
	em=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$em" --arg p "$MSG_PW" \
		--arg n "Msg Patient $1" '{email:$e,password:$p,role:"patient",full_name:$n}')"
	[[ $STATUS == 201 ]] || bail "patient signup: $STATUS $BODY"
	printf -v "$1" '%s' "$(jq -r .user.id <<<"$BODY")"
	printf -v "$1_TOK" '%s' "$(login "$em" "$MSG_PW")" || bail "patient login"
}

# mk_provider VAR [unverified]: a new provider (verified unless asked); VAR, VAR_TOK.
mk_provider() {
	local em id
	em=$(uniq_email)
	api POST /api/v1/users "$(jq -cn --arg e "$em" --arg p "$MSG_PW" --arg n "Dr. Msg $1" \
		'{email:$e,password:$p,role:"provider",full_name:$n,license_number:"LIC-MSG"}')" \
		-H "$(auth "$ADMIN_TOK")"
	[[ $STATUS == 201 ]] || bail "provider create: $STATUS $BODY"
	id=$(jq -r .user.id <<<"$BODY")
	if [[ ${2:-} != unverified ]]; then
		api POST "/api/v1/users/$id/verify" "" -H "$(auth "$ADMIN_TOK")"
		[[ $STATUS == 200 ]] || bail "provider verify: $STATUS $BODY"
	fi
	printf -v "$1" '%s' "$id"
	printf -v "$1_TOK" '%s' "$(login "$em" "$MSG_PW")" || bail "provider login"
}

# team_add PATIENT PROVIDER / team_remove PATIENT PROVIDER (as staff).
team_add() {
	api POST "/api/v1/patients/$1/care-team" "{\"provider_id\":\"$2\"}" -H "$(auth "$STAFF_TOK")"
	[[ $STATUS == 201 ]] || bail "care-team add: $STATUS $BODY"
}
team_remove() {
	api DELETE "/api/v1/patients/$1/care-team/$2" "" -H "$(auth "$STAFF_TOK")"
	[[ $STATUS == 204 ]] || bail "care-team remove: $STATUS $BODY"
}

# mk_thread TOKEN PATIENT SUBJECT ID...: POST /api/v1/threads (STATUS, BODY).
mk_thread() {
	local tok=$1 pat=$2 subj=$3
	shift 3
	api POST /api/v1/threads "$(jq -cn --arg p "$pat" --arg s "$subj" \
		'{patient_id:$p,subject:$s,participant_ids:$ARGS.positional}' --args "$@")" \
		-H "$(auth "$tok")"
}

# post TOKEN THREAD BODY [curl args]: POST a message (STATUS, BODY).
post() {
	local tok=$1 th=$2 body=$3
	shift 3
	api POST "/api/v1/threads/$th/messages" "$(jq -cn --arg b "$body" '{body:$b}')" \
		-H "$(auth "$tok")" "$@"
}

# msg_counts: counts (lib.sh) plus the messaging tables, attachments and files.
msg_counts() {
	printf '%s %s' "$(counts)" "$(sql "SELECT CONCAT('threads=', (SELECT COUNT(*) FROM threads),
		' participants=', (SELECT COUNT(*) FROM thread_participants),
		' messages=', (SELECT COUNT(*) FROM messages),
		' receipts=', (SELECT COUNT(*) FROM message_receipts),
		' linked=', (SELECT COUNT(*) FROM attachments WHERE attached_kind IS NOT NULL),
		' idem=', (SELECT COUNT(*) FROM idempotency_keys))") files=$(att_files)"
}

# msg_delta BEFORE AFTER: what changed between two msg_counts lines.
msg_delta() {
	local -a a b
	local i out=
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	for i in "${!a[@]}"; do
		local n=${a[$i]%%=*} x=${a[$i]#*=} y=${b[$i]#*=}
		((x == y)) && continue
		((y > x)) && out+=" $n=+$((y - x))" || out+=" $n=$((y - x))"
	done
	out=${out# }
	printf '%s' "${out:-none}"
}
