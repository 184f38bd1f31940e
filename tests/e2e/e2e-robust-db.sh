#!/usr/bin/env bash
# e2e-robust-db: database failures seen in a fault run (issue 15, part 3).
# (a) A COMMIT that succeeded but whose reply was lost with the connection
#     (the dev fault dev.fault_dir/commit-lost.<program>) answers 503
#     outcome_unknown, without Retry-After; the booking is there once, and
#     the retry with the same Idempotency-Key never books it again.
# (b) MariaDB stopped (by its pid) while GET /api/v1/me waits to append its
#     read-audit row: the reconnect fails, the append fails, and the answer
#     is 503 problem+json, not 500; so is every request while it is down.
#     scripts/dev up starts it again and every worker serves again.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
. "$T_LIB_DIR/appointments-lib.sh"
. "$T_LIB_DIR/runtime-lib.sh"
plan 23

# scripts/dev up from the build under test, with no fd of ours open (the
# daemons it starts must not hold the e2e lock or make's pipes).
dev_up() { (close_fds; NO_BUILD=1 BUILD_DIR=$BUILD PORT=${BASE##*:} exec "$ROOT/scripts/dev" up); }

FAULT_DIR=$(conf_get dev.fault_dir)
[[ -n $FAULT_DIR && -d $FAULT_DIR ]] || bail "the config names no dev.fault_dir (scripts/dev up sets it)"
on_exit "rm -f '$FAULT_DIR'/commit-lost.*"

# ---------------------------------------------------------------------------
# (a) an ambiguous commit

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$(weekdays_9to5 UTC)" >/dev/null
is "$STATUS" 200 "the provider has weekday availability"
# 2027-03-01 is a Monday.
BOOK=$(jq -cn --arg p "$PROV" '{provider_id:$p, start_at:"2027-03-01T10:00:00Z",
	duration_minutes:30, visit_type:"video", reason:"follow-up"}')
KEY=e2e-unknown-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
mine() { sql "SELECT COUNT(*) FROM appointments WHERE patient_id = '$PAT'"; }

: >"$FAULT_DIR/commit-lost.concierge-appointments"
as "$PAT_TOK" POST /api/v1/appointments "$BOOK" -H "Idempotency-Key: $KEY"
is "$STATUS" 503 "the booking whose COMMIT reply is lost: 503"
is "$(header Content-Type)" application/problem+json "as problem+json"
is "$(jq -r .code <<<"$BODY")" outcome_unknown "code outcome_unknown, not unavailable"
like "$(jq -r .detail <<<"$BODY")" "same Idempotency-Key" "the detail says to retry with the same Idempotency-Key"
is "$(header Retry-After)" "" "no Retry-After: a plain retry is not promised safe"
ok "$([[ ! -e $FAULT_DIR/commit-lost.concierge-appointments ]]; echo $?)" "the fault fired once (its file is gone)"
is "$(mine)" 1 "the COMMIT did happen: the booking is in the database"
is "$(sql "SELECT COUNT(*) FROM audit_log a JOIN appointments p ON a.entity_id = p.id
	WHERE p.patient_id = '$PAT' AND a.action = 'create'")" 1 "with its audit row"
is "$(sql "SELECT state FROM idempotency_keys WHERE user_id = '$PAT' AND idem_key = '$KEY'")" committed \
	"the key's claim was committed with it"
like "$(cat "$ROOT/var/log/appointments.log")" "dev fault: the COMMIT's reply is dropped" "the fault is logged"

as "$PAT_TOK" POST /api/v1/appointments "$BOOK" -H "Idempotency-Key: $KEY"
is "$STATUS" 409 "the retry with the same key: 409"
is "$(jq -r .code <<<"$BODY")" idempotency_reply_lost "idempotency_reply_lost: carried out, read the resource"
is "$(mine)" 1 "still one booking: never made twice"
as "$PAT_TOK" GET /api/v1/appointments
is "$STATUS $(jq -r '.data | length' <<<"$BODY")" "200 1" "reading the resource shows the booking"

# ---------------------------------------------------------------------------
# (b) MariaDB stopped under a request that is about to audit

token=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "cannot sign in"
mkfifo "$T_TMP/lock.fifo"
mariadb --no-defaults --socket="$DB_SOCKET" -uroot "$DB_NAME" <"$T_TMP/lock.fifo" \
	>"$T_TMP/lock.out" 2>&1 &
lock_pid=$!
exec {LOCK_FD}>"$T_TMP/lock.fifo"
on_exit "exec $LOCK_FD>&- 2>/dev/null; kill $lock_pid 2>/dev/null"
# If this script dies half-way, start MariaDB again.
on_exit 'db_up || dev_up >/dev/null 2>&1'
db_up() { mariadb-admin --no-defaults --socket="$DB_SOCKET" --connect-timeout=2 ping >/dev/null 2>&1; }
printf 'LOCK TABLES audit_log WRITE;\n' >&"$LOCK_FD"
audit_locked() { [[ -n $(sql "SHOW OPEN TABLES WHERE \`Table\` = 'audit_log' AND In_use > 0") ]]; }
wait_until 5 audit_locked || bail "could not lock audit_log"
curl -s -D "$T_TMP/me.h" -o "$T_TMP/me.body" -w '%{http_code}' --max-time 60 \
	-H "Authorization: Bearer $token" "$BASE/api/v1/me" >"$T_TMP/me.code" &
client=$!
on_exit "kill $client 2>/dev/null"
me_waits() {
	[[ $(sql "SELECT COUNT(*) FROM information_schema.processlist
		WHERE user = 'concierge_app' AND state LIKE 'Waiting for table%'") -ge 1 ]]
}
wait_until 10 me_waits
ok $? "GET /api/v1/me waits to append its read-audit row"

mysqld=$(<"$ROOT/var/run/mysqld.pid")
kill -TERM "$mysqld"
wait_until 30 proc_gone "$mysqld"
ok $? "MariaDB (pid $mysqld) stopped"
wait "$client"
is "$(cat "$T_TMP/me.code")" 503 "the request whose audit append failed: 503, not 500"
is "$(jq -r '[.status, .code] | join(" ")' <"$T_TMP/me.body")" "503 unavailable" "problem+json code unavailable"

codes=
for p in /api/v1/me /healthz/auth /api/v1/appointments; do
	api GET "$p" "" -H "Authorization: Bearer $token"
	codes+="$STATUS:$(jq -r .status <<<"$BODY" 2>/dev/null) "
done
as "$PAT_TOK" POST /api/v1/appointments "$(jq -c '.start_at = "2027-03-01T11:00:00Z"' <<<"$BOOK")"
codes+="$STATUS:$(jq -r .code <<<"$BODY")"
is "$codes" "503:503 503:unavailable 503:503 503:unavailable" \
	"with the database down: /me, health, a list and a booking all 503 (health its own body)"

out=$(dev_up 2>&1)
is "$?" 0 "scripts/dev up starts MariaDB again"
api GET /api/v1/me "" -H "Authorization: Bearer $token"
is "$STATUS" 200 "GET /api/v1/me serves again"
is "$(mine)" 1 "the booking made during the outage was not written"

done_testing
