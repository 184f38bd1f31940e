#!/usr/bin/env bash
# e2e-sec-idempotency: the Idempotency-Key claim (lib/idempotency.c) under
# a first request that is still running, held on a row lock by root
# sessions (no sleeps: every step waits for the lock it expects).
#
# (a) No take-over while the first request may still run: a second
#     request 90 s later (dev clock) is 409 idempotency_in_progress, not
#     a take-over; the first, past IDEM_RUN_SECONDS, cannot commit (its
#     commit hook is bound to its claim and its deadline) and answers 409
#     idempotency_expired having done nothing; the key is free again.
# (b) A take-over after IDEM_STALE_SECONDS while the first still waits:
#     exactly one of the two commits, one appointment, and the stored
#     reply is the one that committed (the loser cannot overwrite it).
# (c) A retry loop cannot commit without the hook: the booking is made a
#     deadlock victim at its commit hook and runs again; its second run
#     must still mark the claim before it commits.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"

# ---- root sessions fed from fifos ----
declare -A SESS_FD
sess_open() {	# sess_open NAME
	mkfifo "$T_TMP/$1.fifo"
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B -n "$DB_NAME" \
		<"$T_TMP/$1.fifo" >"$T_TMP/$1.out" 2>&1 &
	on_exit "kill $! 2>/dev/null"
	exec {fd}>"$T_TMP/$1.fifo"
	SESS_FD[$1]=$fd
	printf 'SET SESSION innodb_lock_wait_timeout = 40;\n' >&"$fd"
}
sess() { local n=$1; shift; printf '%s\n' "$@" >&"${SESS_FD[$n]}"; }
# sess_mark NAME MARK: wait until the session has run everything sent so far.
sess_mark() {
	sess "$1" "SELECT '$2';"
	wait_until 30 "grep -qs '^$2\$' '$T_TMP/$1.out'" || bail "session $1 did not reach $2: $(tail -3 "$T_TMP/$1.out")"
}
sess_close() { sess "$1" "ROLLBACK;"; eval "exec ${SESS_FD[$1]}>&-"; }
# waits_on TABLE [N]: wait until at least N (1) lock waits are on TABLE.
waits_on() {
	local q="SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS w
		JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id
		WHERE l.lock_table LIKE '%$1%'"
	wait_until 30 "(( \$(innodb_view \"$q\") >= ${2:-1} ))" || bail "no lock wait on $1"
}

# req NAME KEY BODY: a staff booking with Idempotency-Key, in the background.
req() {
	printf '%s' "$3" >"$T_TMP/$1.body"
	curl -s -D "$T_TMP/$1.h" -o "$T_TMP/$1.b" -w '%{http_code}' --max-time 90 -X POST \
		-H 'Content-Type: application/json' -H "Authorization: Bearer $STAFF_TOK" \
		-H "Idempotency-Key: $2" --data-binary "@$T_TMP/$1.body" \
		"$BASE/api/v1/appointments" >"$T_TMP/$1.status.tmp" &&
		mv "$T_TMP/$1.status.tmp" "$T_TMP/$1.status" &
}
done_req() { wait_until "${2:-60}" "[[ -s '$T_TMP/$1.status' ]]"; }
status_of() { cat "$T_TMP/$1.status" 2>/dev/null; }
code_of() { jq -r '.code // empty' "$T_TMP/$1.b" 2>/dev/null; }
body() {	# body PROVIDER PATIENT START
	jq -cn --arg p "$1" --arg pa "$2" --arg s "$3" '{provider_id:$p, patient_id:$pa,
		start_at:$s, duration_minutes:30, visit_type:"video", override_reason:"idem test"}'
}
appts() { sql "SELECT COUNT(*) FROM appointments WHERE provider_id = '$1' AND status <> 'cancelled'"; }
claim() { sql "SELECT IFNULL(MAX(state), 'none') FROM idempotency_keys WHERE user_id = '$STAFF_ID' AND idem_key = '$1'"; }
KEYP=e2e-idem-$(od -An -vtx1 -N5 /dev/urandom | tr -d ' \n')

# ===== (a) no take-over while the first may still run =====
read -r PV _ <<<"$(mkuser provider)"
read -r PAT _ <<<"$(mkuser patient)"
B=$(body "$PV" "$PAT" 2031-05-05T15:00:00Z)
sess_open s1
sess s1 "START TRANSACTION;" "SELECT user_id FROM provider_profiles WHERE user_id = '$PV' FOR UPDATE;"
sess_mark s1 held
req r1 "$KEYP-a" "$B"
waits_on provider_profiles
ok 0 "the first request waits inside its transaction"
clock_shift 90
req r2 "$KEYP-a" "$B"
done_req r2 10
is "$(status_of r2):$(code_of r2)" "409:idempotency_in_progress" \
	"90 s later the same key is 409 idempotency_in_progress at once (no take-over)"
sess_close s1
done_req r1
is "$(status_of r1):$(code_of r1)" "409:idempotency_expired" \
	"the first, past its 60 s, cannot commit: 409 idempotency_expired"
is "$(appts "$PV")" 0 "and it booked nothing"
is "$(claim "$KEYP-a")" none "the key is free again"
req r3 "$KEYP-a" "$B"
done_req r3
is "$(status_of r3)" 201 "sent again, it is carried out"
A3=$(jq -r .id "$T_TMP/r3.b")
req r4 "$KEYP-a" "$B"
done_req r4
is "$(status_of r4) $(jq -r .id "$T_TMP/r4.b")" "201 $A3" "and then replayed"
like "$(tr -d '\r' <"$T_TMP/r4.h")" 'Idempotent-Replayed: true' "  (Idempotent-Replayed)"
is "$(appts "$PV")" 1 "one appointment"
clock_reset

# ===== (b) a take-over after 120 s: exactly one commits =====
read -r PV2 _ <<<"$(mkuser provider)"
B2=$(body "$PV2" "$PAT" 2031-05-06T15:00:00Z)
sess_open s1b
sess s1b "START TRANSACTION;" "SELECT user_id FROM provider_profiles WHERE user_id = '$PV2' FOR UPDATE;"
sess_mark s1b held
req r5 "$KEYP-b" "$B2"
waits_on provider_profiles
clock_shift 130
req r6 "$KEYP-b" "$B2"
waits_on provider_profiles 2
ok 0 "130 s later the claim is taken over (the taker waits too)"
sess_close s1b
done_req r5
done_req r6
is "$(status_of r6)" 201 "the taker commits"
like "$(status_of r5):$(code_of r5)" '^409:(idempotency_expired|slot_taken)$' \
	"the first does not ($(status_of r5) $(code_of r5))"
is "$(appts "$PV2")" 1 "one appointment"
req r7 "$KEYP-b" "$B2"
done_req r7
is "$(status_of r7) $(jq -r .id "$T_TMP/r7.b")" "201 $(jq -r .id "$T_TMP/r6.b")" \
	"the stored reply is the one that committed"
clock_reset

# ===== (c) a deadlock at the commit hook: the retry marks the claim too =====
read -r PV3 _ <<<"$(mkuser provider)"
read -r PAT3 _ <<<"$(mkuser patient)"
B3=$(body "$PV3" "$PAT3" 2031-05-07T15:00:00Z)
K3=$KEYP-c
for s in s1c s2c s3c s4c; do sess_open "$s"; done
sess s1c "START TRANSACTION;" "SELECT user_id FROM provider_profiles WHERE user_id = '$PV3' FOR UPDATE;"
sess_mark s1c held
req r8 "$K3" "$B3"
waits_on provider_profiles
# s2c: heavier than the booking (so the booking is the deadlock victim), holding the claim row.
sess s2c "START TRANSACTION;" \
	"INSERT INTO login_throttle (scope, subject, last_attempt_at)
		SELECT 'login_email', UNHEX(SHA2(CONCAT('$K3', seq), 256)), NOW(6) FROM seq_1_to_300;" \
	"SELECT idem_key FROM idempotency_keys WHERE user_id = '$STAFF_ID' AND idem_key = '$K3' FOR UPDATE;"
sess_mark s2c claim_held
sess s1c "COMMIT;"
waits_on idempotency_keys
ok 0 "the booking reached its commit hook and waits for the claim row"
sess s3c "START TRANSACTION;" "SELECT user_id FROM provider_profiles WHERE user_id = '$PV3' FOR UPDATE;"
waits_on provider_profiles
sess s2c "SELECT user_id FROM patient_profiles WHERE user_id = '$PAT3' FOR UPDATE;"
sess_mark s2c crossed
waits_on provider_profiles
ok 0 "the booking was the deadlock victim and runs again (waiting for the provider)"
sess s4c "START TRANSACTION;" \
	"SELECT idem_key FROM idempotency_keys WHERE user_id = '$STAFF_ID' AND idem_key = '$K3' FOR UPDATE;"
waits_on idempotency_keys
sess_close s2c
sess_mark s4c claim_held
sess s3c "COMMIT;"
waits_on idempotency_keys
is "$(appts "$PV3")" 0 "the second run waits to mark the claim before committing: no appointment yet"
is "$(claim "$K3")" running "while the claim still says running"
sess_close s4c
done_req r8
is "$(status_of r8)" 201 "then it commits"
is "$(appts "$PV3")" 1 "one appointment"
is "$(claim "$K3")" done "the claim ends done"
rid=$(tr -d '\r' <"$T_TMP/r8.h" | awk -F': ' 'tolower($1) == "x-request-id" { print $2 }')
like "$(grep -F "rid=$rid" "$ROOT/var/log/appointments.log")" 'statement failed: 1213' \
	"it was a deadlock victim (1213 in its log lines)"
sess_close s3c
sess_close s1c

done_testing
