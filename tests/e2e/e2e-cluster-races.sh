#!/usr/bin/env bash
# e2e-cluster-races: the single-server race proofs again on a 3-node
# Galera cluster, with each burst spread over the three nodes (request i
# goes to the worker copies bound to node i mod 3), where a row lock taken
# on one node does not block another node and only write-set certification
# at COMMIT decides (docs/SCALING.md, "Invariants across nodes"):
#   booking    N overlapping bookings of one provider: one 201 (the booking
#              fences of migration 0017 make their write sets conflict)
#   idempotency one Idempotency-Key, N bookings: one row, one id
#   totp       one TOTP code, N logins: one session
#   reset      one password-reset token, N resets: one 204
#   throttle   N wrong passwords: exactly login.lock_threshold tried
#   admit      six patients wait, N "admit next" of their provider: one 201,
#              one running video session, one entry admitted
#   notify     60 due outbox rows, three concierge-notify senders (one per
#              node, batches of 4, a real SMTP server on loopback that holds
#              its answers until all three are connected): every row sent
#              once, no message twice, nothing reclaimed
# Each result is checked on every node. Needs `scripts/dev cluster up`
# (scripts/dev cluster test runs it; e2e-cluster-short.sh runs a part).
# CLUSTER_SECTIONS (default: all of them) picks sections.
. "$(dirname -- "$0")/lib.sh"
[[ -n ${CONCIERGE_CLUSTER_PORT:-} ]] || { echo "1..0 # SKIP no cluster (scripts/dev cluster test)"; exit 0; }
. "$(dirname -- "$0")/cluster-lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/mfa-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

N=${E2E_BURST:-30}
SECTIONS=" ${CLUSTER_SECTIONS:-booking idempotency totp reset throttle admit notify} "
PW='quartz-meadow-lantern-42'
THRESHOLD=$(conf_get login.lock_threshold)
THRESHOLD=${THRESHOLD:-10}
want() { [[ $SECTIONS == *" $1 "* ]]; }

clean_rows() {
	sql "DELETE FROM login_throttle WHERE scope IN ('login_address', 'forgot_address')
		AND subject = '127.0.0.1'"
}
clean_rows
on_exit clean_rows

# new_user: a fresh patient by signup on node 1; sets U_EMAIL U_ID U_TOK.
new_user() {
	U_EMAIL=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$U_EMAIL" --arg p "$PW" \
		'{email:$e,password:$p,role:"patient",full_name:"Cluster Tester"}')"
	[[ $STATUS == 201 ]] || bail "signup: $STATUS $BODY"
	U_ID=$(jq -r .user.id <<<"$BODY")
	U_TOK=$(login "$U_EMAIL" "$PW") || bail "login of a new user"
}
login_body() {
	if (($# > 2)); then
		jq -cn --arg e "$1" --arg p "$2" --arg c "$3" '{email:$e,password:$p,totp_code:$c}'
	else
		jq -cn --arg e "$1" --arg p "$2" '{email:$e,password:$p}'
	fi
}
no_5xx() { unlike "$1" '(^| )5[0-9][0-9]:' "$2: no 5xx ($1)"; }

if want booking; then
	read -r PROV PROV_TOK <<<"$(mkuser provider)"
	as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$(weekdays_9to5 America/New_York)"
	is "$STATUS" 200 "provider availability set"
	rm -f "$T_TMP"/bk.*
	for ((i = 0; i < N; i++)); do
		read -r pid ptok <<<"$(mkuser patient)"
		jq -cn --arg p "$PROV" --arg s "2027-01-11T14:$(printf %02d $((i % 60))):00Z" \
			'{provider_id:$p, start_at:$s, duration_minutes:60, visit_type:"video"}' >"$T_TMP/bkbody.$i"
		printf '%s\n' "$ptok" >"$T_TMP/bktok.$i"
	done
	barrier
	cf0=$(cert_failures)
	# One curl, every request on its own connection at once (--parallel):
	# separate curl processes start too far apart to meet in a commit.
	args=()
	for ((i = 0; i < N; i++)); do
		((i > 0)) && args+=(--next)
		args+=(-s -o /dev/null -w '%{http_code}\n' --max-time 60 -X POST
			-H "Authorization: Bearer $(<"$T_TMP/bktok.$i")" -H 'Content-Type: application/json'
			--data-binary "@$T_TMP/bkbody.$i" "$(node_url "$i")/api/v1/appointments")
	done
	curl -s --parallel --parallel-immediate --parallel-max "$N" "${args[@]}" >"$T_TMP/bk.all" 2>/dev/null
	got=$(sort "$T_TMP/bk.all" | uniq -c | awk '{ printf "%s%s:%s", sep, $2, $1; sep = " " }')
	diag "bookings over 3 nodes: $got; certification failures and brute-force aborts: $(($(cert_failures) - cf0))"
	is "$(count_of 201 "$got")" 1 "$N overlapping bookings over 3 nodes: exactly one 201 ($got)"
	is "$(count_of 409 "$got")" $((N - 1)) "the other $((N - 1)) get 409"
	is "$(on_nodes "SELECT COUNT(*) FROM appointments WHERE provider_id='$PROV'")" "1|1|1" \
		"one appointment row, on every node"
	is "$(on_nodes "SELECT COUNT(*) FROM audit_log WHERE entity_type='appointment' AND action='create'
		AND outcome='success' AND entity_id IN (SELECT id FROM appointments WHERE provider_id='$PROV')")" "1|1|1" \
		"one booking audit row, on every node"
	is "$(on_nodes "SELECT booking_version FROM provider_profiles WHERE user_id='$PROV'")" "1|1|1" \
		"the provider's booking_version was bumped by the one booking that committed"
fi

if want idempotency; then
	read -r IPROV IPROV_TOK <<<"$(mkuser provider)"
	as "$IPROV_TOK" PUT "/api/v1/availability/$IPROV" "$(weekdays_9to5 America/New_York)"
	read -r IPAT IPAT_TOK <<<"$(mkuser patient)"
	barrier
	CB_HEADERS=(-H "Idempotency-Key: cluster-$RANDOM-$RANDOM")
	got=$(cburst "$N" /api/v1/appointments "$(jq -cn --arg p "$IPROV" \
		'{provider_id:$p, start_at:"2027-01-12T15:00:00Z", duration_minutes:30, visit_type:"video"}')" "$IPAT_TOK")
	CB_HEADERS=()
	no_5xx "$got" "one Idempotency-Key, $N bookings over 3 nodes"
	is "$(($(count_of 201 "$got") + $(count_of 409 "$got")))" "$N" "every reply is the booking (201) or in progress (409): $got"
	ok $(($(count_of 201 "$got") >= 1 ? 0 : 1)) "at least one 201"
	ids=$(for f in "$T_TMP"/cbr.*; do jq -r 'select(.id != null) | .id' "$f" 2>/dev/null; done | sort -u | wc -l)
	is "$ids" 1 "every 201 carries the same appointment id"
	is "$(on_nodes "SELECT COUNT(*) FROM appointments WHERE patient_id='$IPAT'")" "1|1|1" \
		"one appointment row, on every node"
fi

if want totp; then
	new_user
	api POST /api/v1/auth/mfa/totp/setup "$(jq -cn --arg p "$PW" '{current_password:$p}')" \
		-H "Authorization: Bearer $U_TOK"
	[[ $STATUS == 200 ]] || bail "setup: $STATUS $BODY"
	SECRET=$(jq -r .secret <<<"$BODY")
	STEP0=$(step_now)
	api POST /api/v1/auth/mfa/totp/enable "$(jq -cn --arg c "$(totp "$SECRET" "$STEP0")" \
		--arg p "$PW" '{code:$c,current_password:$p}')" -H "Authorization: Bearer $U_TOK"
	[[ $STATUS == 200 ]] || bail "enable: $STATUS $BODY"
	barrier
	s0=$(sql "SELECT COUNT(*) FROM sessions WHERE user_id = '$U_ID'")
	got=$(cburst "$N" /api/v1/auth/login "$(login_body "$U_EMAIL" "$PW" "$(totp "$SECRET" "$((STEP0 + 1))")")")
	no_5xx "$got" "one TOTP code, $N logins over 3 nodes"
	is "$(count_of 200 "$got")" 1 "one TOTP code, $N logins over 3 nodes: exactly one 200 ($got)"
	is "$(on_nodes "SELECT COUNT(*) - $s0 FROM sessions WHERE user_id = '$U_ID'")" "1|1|1" \
		"exactly one new session, on every node"
	is "$(on_nodes "SELECT mfa_last_step FROM users WHERE id = '$U_ID'")" \
		"$((STEP0 + 1))|$((STEP0 + 1))|$((STEP0 + 1))" "the step is taken once, on every node"
fi

if want reset; then
	new_user
	clean_rows
	api POST /api/v1/auth/password/forgot "$(jq -cn --arg e "$U_EMAIL" '{email:$e}')"
	[[ $STATUS == 202 ]] || bail "forgot: $STATUS $BODY"
	token=$(sql "SELECT JSON_VALUE(payload, '\$.token') FROM outbox WHERE recipient_user_id = '$U_ID'
		AND template = 'password_reset' ORDER BY id DESC LIMIT 1")
	barrier
	got=$(cburst "$N" /api/v1/auth/password/reset \
		"$(jq -cn --arg t "$token" --arg n 'amber-lantern-meadow-42' '{token:$t,new_password:$n}')")
	no_5xx "$got" "$N resets with one token over 3 nodes"
	is "$(count_of 204 "$got")" 1 "one reset token, $N resets over 3 nodes: exactly one 204 ($got)"
	is "$(count_of 400 "$got")" "$((N - 1))" "the others are 400 invalid_token"
	is "$(on_nodes "SELECT COUNT(*) FROM audit_log WHERE entity_id = '$U_ID' AND action = 'password_reset'")" "1|1|1" \
		"one reset audited, on every node"
fi

if want throttle; then
	new_user
	clean_rows
	barrier
	got=$(cburst "$N" /api/v1/auth/login "$(login_body "$U_EMAIL" "not-$PW")")
	no_5xx "$got" "$N wrong passwords over 3 nodes"
	is "$(count_of 401 "$got")" "$THRESHOLD" "$N wrong passwords over 3 nodes: exactly $THRESHOLD tried ($got)"
	is "$(count_of 429 "$got")" "$((N - THRESHOLD))" "the rest are throttled"
	is "$(on_nodes "SELECT locked_until > NOW(6) FROM users WHERE id = '$U_ID'")" "1|1|1" \
		"the account is locked, on every node"
	is "$(on_nodes "SELECT COUNT(*) FROM audit_log WHERE actor_id = '$U_ID' AND action = 'login'
		AND outcome = 'failure'")" "$THRESHOLD|$THRESHOLD|$THRESHOLD" "each tried failure audited once, on every node"
fi

if want admit; then
	read -r WPROV WTOK <<<"$(mkuser provider)"
	wappts=()
	for ((i = 0; i < 6; i++)); do
		read -r p ptok <<<"$(mkuser patient)"
		a=$(mkappt "$WPROV" "$p" $((300 + i * 60)) 20)
		barrier
		checkin "$ptok" "$a"
		[[ $STATUS == 201 ]] || bail "check-in $i: $STATUS $BODY"
		wappts+=("'$a'")
	done
	WIN_APPTS=$(IFS=,; echo "${wappts[*]}")
	barrier
	got=$(cburst "$N" /api/v1/waiting-room/admit '{}' "$WTOK")
	no_5xx "$got" "$N admits over 3 nodes"
	is "$(count_of 201 "$got")" 1 "$N \"admit next\" over 3 nodes: exactly one 201 ($got)"
	is "$(count_of 409 "$got")" $((N - 1)) "every other one 409"
	is "$(on_nodes "SELECT COUNT(*) FROM video_sessions WHERE provider_id='$WPROV' AND status='running'")" "1|1|1" \
		"the provider runs one session, on every node"
	is "$(on_nodes "SELECT COUNT(*) FROM waiting_room_entries WHERE provider_id='$WPROV' AND status='admitted'")" "1|1|1" \
		"one entry admitted, on every node"
	is "$(on_nodes "SELECT COUNT(*) FROM appointments WHERE id IN ($WIN_APPTS) AND status='in_session'")" "1|1|1" \
		"one appointment in session, on every node"
fi

if want notify; then
	. "$(dirname -- "$0")/notify-lib.sh"
	NROWS=60
	read -r NU _ NE <<<"$(nuser patient)"
	NIDS=()
	for ((i = 0; i < NROWS; i++)); do
		NIDS+=("$(enqueue "$NU" email new_secure_message '' 'UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE')")
	done
	NLIST=$(IFS=,; echo "${NIDS[*]}")
	barrier
	# The sink answers no DATA until the three senders are connected, so
	# their claims overlap instead of the first one taking everything.
	sink_smtp cmail --gate 3
	npids=()
	for n in 1 2 3; do
		CONF=$ROOT/var/cluster/node-$n.conf notify_conf "$T_TMP/notify-$n.conf" \
			"notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.batch=4" \
			"notify.poll_ms=50" "log.level=debug"
		notify_bg "sender-$n" "$T_TMP/notify-$n.conf" --follow
		npids+=("$BG_PID")
	done
	cf0=$(cert_failures)
	wait_until 120 "[[ \$(node_sql 1 \"SELECT COUNT(*) FROM outbox WHERE id IN ($NLIST)
		AND status = 'sent'\") == $NROWS ]]"
	ok $? "$NROWS rows claimed by three senders on three nodes: all sent"
	for p in "${npids[@]}"; do stop_pid "$p"; done
	printf '%s\n' "${NIDS[@]}" >"$T_TMP/nids"
	# (other sections' mails may go out too: only this section's rows count)
	per=$(for n in 1 2 3; do
		sed -n 's/.*notify: outbox \([0-9]*\) email sent.*/\1/p' "$T_TMP/sender-$n.log" |
			grep -cFxf "$T_TMP/nids"
	done | paste -sd ' ')
	diag "this section's mails sent per sender (nodes 1 2 3): $per; certification failures and brute-force aborts: $(($(cert_failures) - cf0))"
	got_mids=$(mails_to "$T_TMP/cmail" "$NE" | jq -r '.message_id' | sed -n 's/^<outbox\.\([0-9]*\)\..*/\1/p')
	is "$(wc -l <<<"$got_mids")" "$NROWS" "the SMTP server received $NROWS messages, no more"
	is "$(sort -u <<<"$got_mids" | wc -l)" "$NROWS" "one message per outbox row: none sent twice"
	is "$(on_nodes "SELECT COUNT(*) FROM outbox WHERE id IN ($NLIST) AND status = 'sent'
		AND attempts = 1 AND reclaims = 0")" "$NROWS|$NROWS|$NROWS" \
		"every row sent at its first attempt, none reclaimed, on every node"
	busy=0
	for s in $per; do ((s > 0)) && busy=$((busy + 1)); done
	is "$(($(tr ' ' '+' <<<"$per")))" "$NROWS" "the senders logged $NROWS sends of these rows in all ($per)"
	ok $((busy >= 2 ? 0 : 1)) "the claims were shared: at least two senders sent ($per)"
fi

done_testing
