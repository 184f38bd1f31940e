#!/usr/bin/env bash
# e2e-audit-seal: concierge-audit seal / verify / head and
# GET /api/v1/audit/verify on a sound chain: every committed row sealed once
# and in id order, with signed checkpoints a verifier holding only the public
# key checks; rows committed out of id order; a rolled-back id skipped after
# the gap timeout; an id whose transaction stays open past the timeout never
# given up (issue 8: a slow commit used to become a false "row present at an
# id sealed as never committed"); the gap timeout checked against InnoDB's
# lock wait outside dev mode; the lease that keeps to one sealer across a
# cluster (migration 0019): held by the running sealer, fencing its writes
# once taken over, waited for, taken at once from this server's dead sealer.
# Tampering: e2e-audit-tamper; keys: e2e-audit-keys; on a Galera cluster:
# e2e-cluster-audit.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build
. "$SRCDIR/tests/e2e/audit-seal-lib.sh"

AUDITOR=$SEAL_AUDITOR
PATIENT=$SEAL_PATIENT
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
seal_account concierge_seal_e2e2

# follow ARGS: a sealer running --follow in the background (FPID).
follow() {
	# Not holding fd 7: the held session must see EOF when we close it.
	"$CLI" --config "$SCONF" seal --follow "$@" >>"$T_TMP/follow.log" 2>&1 7>&- &
	FPID=$!
	on_exit "kill -TERM $FPID"
}
# lock_held: some sealer holds the advisory lock of this database.
lock_held() {
	[[ $(sql "SELECT IS_USED_LOCK(CONCAT('concierge_audit_seal.', DATABASE())) IS NOT NULL") == 1 ]]
}
# Undo a row left at a skipped id by a failed run, so the next run starts sound.
on_exit "unfenced \"DELETE a FROM audit_log a JOIN audit_seal s ON s.kind = 'skip'
	AND a.id BETWEEN s.audit_id AND s.last_id\""

# --- seal, head, verify ---
touch_row
touch_row
seal --gap-timeout 2s
is "$SRC" 0 "seal runs as the sealer's account"
like "$OUT" 'sealed [0-9]+ rows.*checkpoint [0-9]+, key [0-9a-f]{16}' "and reports what it sealed and signed"
END=$(sealed_through)
is "$END" "$(sql "SELECT MAX(id) FROM audit_log")" "every committed row is sealed"
is "$(sql "SELECT SUM(last_id - audit_id + 1) FROM audit_seal")" "$END" "each id is covered exactly once"
is "$(sql "SELECT COUNT(*) FROM audit_seal s JOIN audit_log a ON a.id = s.audit_id WHERE s.kind = 'row'")" \
	"$(sql "SELECT COUNT(*) FROM audit_log WHERE id <= $END")" "every row up to there has its own entry"
is "$(sql "SELECT COUNT(*) FROM audit_seal WHERE kind = 'row' AND last_id <> audit_id")" 0 \
	"every row entry covers its own id only"
is "$(sql "SELECT COUNT(*) FROM audit_seal_checkpoint c LEFT JOIN audit_seal_checkpoint p
	ON p.id = c.id - 1 WHERE c.first_id <> COALESCE(p.last_id, 0) + 1")" 0 \
	"checkpoints are numbered 1, 2, ... and each starts where the one before ended"
is "$(sql "SELECT COUNT(*) FROM audit_seal_checkpoint n WHERE n.prev_hash <>
	COALESCE($(cp_digest_sql "n.id - 1"), REPEAT(X'00', 32))")" 0 \
	"each names SHA-256 of the one before (canonical form and signature), the first zeros"
KID=$(key_id_of "$VERIFY_KEY")
is "$(sql "SELECT GROUP_CONCAT(DISTINCT key_id) FROM audit_seal_checkpoint")" "$KID" \
	"every checkpoint names the dev key's id (SHA-256 of the public key, 8 bytes)"
HEAD=$("$CLI" --config "$VCONF" head)
is "$?" 0 "head prints the newest checkpoint (with the public key only)"
like "$HEAD" "^$END:[0-9a-f]{64} [0-9T:.-]+Z checkpoint [0-9]+ key $KID\$" "as ID:HASH TIME checkpoint N key ID"
is "${HEAD%% *}" "$(sql "SELECT CONCAT(last_id, ':', LOWER(HEX(head_hash))) FROM audit_seal_checkpoint ORDER BY id DESC LIMIT 1")" \
	"of the newest checkpoint"
CP=$(sql "SELECT MAX(id) FROM audit_seal_checkpoint")
cp_bytes "$CP" "$T_TMP/cp.bin"
like "$(openssl pkeyutl -verify -pubin -inkey "$VERIFY_KEY" -rawin -in "$T_TMP/cp.bin" \
	-sigfile "$T_TMP/cp.bin.sig" 2>&1)" 'Signature Verified Successfully' \
	"openssl verifies checkpoint $CP's Ed25519 signature over its canonical form as docs/AUDIT.md gives it"
verify
is "$RC" 0 "verify passes with a config that names no signing key"
is "$(jq -c '[.ok, .sealed_through, .first_bad_id, .head.id, .head.checkpoint, .head.key_id]' <<<"$V")" \
	"[true,$END,null,$END,$CP,\"$KID\"]" "ok, sealed through the end, at the newest checkpoint"
diag "$(cat "$T_TMP/verify.err")"
verify --expect-head "${HEAD%% *}"
is "$RC" 0 "verify against the stored head passes"
verify --expect-head "${HEAD%%:*}:$(printf '0%.0s' {1..64})"
is "$RC" 1 "a head the chain does not reach fails"
is "$(jq .first_bad_id <<<"$V")" "${HEAD%%:*}" "at the head's id"
follow --gap-timeout 1s --interval 1s
wait_until 10 lock_held
seal --gap-timeout 1s
is "$SRC" 3 "a second sealer is refused while one holds the lock"
like "$OUT" 'another sealer' "and says why"
kill -TERM "$FPID"
wait "$FPID"
is "$?" 0 "the follower stops cleanly on SIGTERM"

# --- GET /api/v1/audit/verify ---
for who in AUDITOR ADMIN; do
	api GET /api/v1/audit/verify "" -H "Authorization: Bearer ${!who}"
	is "$STATUS" 200 "${who,,} may verify over HTTP"
	is "$(jq -c '[.ok, .first_bad_id, .problem, .head.key_id]' <<<"$BODY")" "[true,null,null,\"$KID\"]" \
		"${who,,} sees a sound chain, signed by key $KID"
	RID=$(header X-Request-Id)
	is "$(sql "SELECT CONCAT(action, ' ', entity_type, ' ', outcome) FROM audit_log WHERE request_id = '$RID'")" \
		"verify audit_log success" "the check is audited"
done
for who in STAFF PATIENT; do
	api GET /api/v1/audit/verify "" -H "Authorization: Bearer ${!who}"
	is "$STATUS" 403 "${who,,} may not verify"
	RID=$(header X-Request-Id)
	is "$(sql "SELECT outcome FROM audit_log WHERE request_id = '$RID'")" denied "the denial is audited"
done
api GET "/api/v1/audit/verify?deep=1" "" -H "Authorization: Bearer $AUDITOR"
is "$STATUS" 422 "verify takes no parameters"

# --- a rolled-back id is skipped after the timeout ---
K=$(sql "$ROLLBACK_SQL")
touch_row
seal --gap-timeout 1s
like "$OUT" 'skipped [1-9]' "the sealer skips the rolled-back id after the timeout"
is "$(sql "SELECT CONCAT(kind, ' ', last_id) FROM audit_seal WHERE audit_id = $K")" "skip $K" \
	"id $K is sealed as never committed"
is "$(sql "SELECT COUNT(*) FROM audit_seal WHERE kind = 'row' AND audit_id = $K + 1")" 1 \
	"and the next row is sealed after it"
is "$(sql "SELECT ids_skipped >= 1 FROM audit_seal_checkpoint ORDER BY id DESC LIMIT 1")" 1 \
	"the checkpoint counts the skipped id"
verify
is "$RC" 0 "a skip is part of a sound chain"

# --- out of order: a held transaction and a later committed row ---
# hold SQL: start a root session that runs SQL and stays open on fd 7.
hold() {
	rm -f "$T_TMP/hold.fifo" "$T_TMP/hold.out"
	mkfifo "$T_TMP/hold.fifo"
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B -n "$DB_NAME" \
		<"$T_TMP/hold.fifo" >"$T_TMP/hold.out" 2>&1 &
	HOLD_PID=$!
	exec 7>"$T_TMP/hold.fifo"
	printf '%s\n' "$1" >&7
	wait_until 5 test -s "$T_TMP/hold.out"
	HELD=$(head -1 "$T_TMP/hold.out")
}
release() { printf '%s\n' "$1" >&7; exec 7>&-; wait "$HOLD_PID"; }
HOLD_SQL="START TRANSACTION; INSERT INTO audit_log (at, action, entity_type, outcome, summary)
	VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'held open'); SELECT LAST_INSERT_ID();"

seal --gap-timeout 2s
hold "$HOLD_SQL"
H=$HELD
NEXT=$(add_row)
is "$NEXT" "$((H + 1))" "row $NEXT commits while $H is still open"
follow --interval 200ms --gap-timeout 60s
wait_until 10 sealed_to $((H - 1))
sleep 1
is "$(sealed_through)" "$((H - 1))" "the sealer stops before the open id"
release "COMMIT;"
wait_until 10 sealed_to "$NEXT"
is "$(sql "SELECT GROUP_CONCAT(CONCAT(audit_id, kind) ORDER BY audit_id) FROM audit_seal
	WHERE audit_id BETWEEN $H AND $NEXT")" "${H}row,${NEXT}row" "once $H commits both are sealed, in order, once"
kill -TERM "$FPID"
wait "$FPID"

# --- a rolled-back id under --follow: skipped after the timeout ---
follow --interval 200ms --gap-timeout 2s
hold "$HOLD_SQL"
R=$HELD
NEXT=$(add_row)
T0=$(date +%s%N)
wait_until 10 sealed_to $((R - 1))
is "$(sealed_through)" "$((R - 1))" "the follower waits at the open id $R"
release "ROLLBACK;"
wait_until 10 sealed_to "$NEXT"
waited=$((($(date +%s%N) - T0) / 1000000))
is "$(sql "SELECT GROUP_CONCAT(CONCAT(audit_id, kind) ORDER BY audit_id) FROM audit_seal
	WHERE audit_id BETWEEN $R AND $NEXT")" "${R}skip,${NEXT}row" "the rolled-back id is skipped, the next row sealed"
ok "$((waited >= 1800 ? 0 : 1))" "only after the gap timeout (${waited} ms)"
kill -TERM "$FPID"
wait "$FPID"

# --- issue 8: a transaction open longer than the gap timeout is never given up ---
hold "$HOLD_SQL"
L=$HELD
NEXT=$(add_row)
seal --gap-timeout 1s
is "$SRC" 0 "a run that meets an id held open past the timeout ends normally"
like "$OUT" "stopped at id $L: held by an open transaction" "saying where it stopped and why"
is "$(sealed_through)" "$((L - 1))" "everything before id $L is sealed"
is "$(sql "SELECT COUNT(*) FROM audit_seal WHERE audit_id >= $L")" 0 "id $L is not sealed as skipped"
seal --gap-timeout 1s
is "$(sealed_through)" "$((L - 1))" "nor on the next run, while it stays open"
release "COMMIT;"
seal --gap-timeout 1s
is "$(sql "SELECT GROUP_CONCAT(CONCAT(audit_id, kind) ORDER BY audit_id) FROM audit_seal
	WHERE audit_id BETWEEN $L AND $NEXT")" "${L}row,${NEXT}row" "once it commits, its row is sealed, then the next"
verify
is "$RC $(jq -c .ok <<<"$V")" "0 true" "and the slow commit is part of a sound chain"

# --- gaps visible together age together: one timeout, not one each ---
seal --gap-timeout 2s
G1=$(sql "$ROLLBACK_SQL")
add_row >/dev/null
G2=$(sql "$ROLLBACK_SQL")
NEXT=$(add_row)
t0=$(date +%s%N)
seal --gap-timeout 3s
ms=$((($(date +%s%N) - t0) / 1000000))
is "$(sql "SELECT GROUP_CONCAT(audit_id ORDER BY audit_id) FROM audit_seal WHERE kind = 'skip'
	AND audit_id IN ($G1, $G2)")" "$G1,$G2" "two rolled-back ids seen together are both skipped"
ok "$((ms >= 2900 && ms < 5900 ? 0 : 1))" "after one gap timeout of 3 s, not two (${ms} ms)"
is "$(sealed_through)" "$NEXT" "and everything after them is sealed"

# --- outside dev mode the gap timeout must outlast InnoDB's lock wait ---
PCONF=$T_TMP/sealer-prod.conf
grep -Ev '^[[:space:]]*(mode|dev\.[a-z_]+)[[:space:]]*=' "$SCONF" >"$PCONF"
echo 'mode = prod' >>"$PCONF"
WAIT=$(sql "SELECT @@GLOBAL.innodb_lock_wait_timeout")
n=$(entries)
touch_row
OUT=$("$CLI" --config "$PCONF" seal --gap-timeout "$WAIT"s 2>&1)
is "$? $(entries)" "3 $n" "a gap timeout of innodb_lock_wait_timeout ($WAIT s) is refused outside dev mode"
like "$OUT" 'must exceed innodb_lock_wait_timeout' "saying why"
OUT=$("$CLI" --config "$PCONF" seal 2>&1)
is "$?" 0 "the default (audit.gap_timeout_seconds, 120 s) is accepted"
is "$(sealed_through)" "$(sql "SELECT MAX(id) FROM audit_log")" "and seals"

# --- the lease: one sealer per cluster (migration 0019) ---
lease() { sql "SELECT CONCAT_WS(' ', IFNULL(holder, '-'), IFNULL(expires_at > UTC_TIMESTAMP(6), '-')) FROM audit_seal_lease"; }
steal() {
	sql "UPDATE audit_seal_lease SET holder = 'node-b.test:3306:/run/mysqld/mysqld.sock #42', taken_at = UTC_TIMESTAMP(6),
		expires_at = UTC_TIMESTAMP(6) + INTERVAL $1 SECOND"
}
ME_NODE=$(sql "SELECT CONCAT(@@hostname, ':', @@port, ':', IFNULL(@@socket, ''))")
on_exit "sql \"UPDATE audit_seal_lease SET holder = NULL, taken_at = NULL, expires_at = NULL\""
touch_row
seal --gap-timeout 2s
is "$SRC $(lease)" "0 - -" "a sealing run gives the lease back when it ends"
: >"$T_TMP/follow.log"
follow --gap-timeout 2s --interval 200ms
wait_until 10 "[[ \$(lease) == '$ME_NODE #'*' 1' ]]"
ok $? "a running sealer holds the lease, named by its server and connection ($(lease))"
conn=$(lease)
conn=${conn##* #}
conn=${conn%% *}
is "$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = $conn AND USER = '$SEAL_USER'")" 1 \
	"the connection it names is the sealer's"
# A sealer on another node takes the lease over (as if this one's had run out).
steal 60
touch_row
R=$(sql "SELECT MAX(id) FROM audit_log")
wait_until 20 "grep -q 'the lease is held by node-b.test:3306:/run/mysqld/mysqld.sock #42' '$T_TMP/follow.log'"
ok $? "the sealer finds its lease taken over and waits for it"
like "$(cat "$T_TMP/follow.log")" 'the lease was taken over' "saying so"
ok "$(($(sealed_through) < R ? 0 : 1))" "nothing is sealed meanwhile (id $R waits; sealed through $(sealed_through))"
sql "UPDATE audit_seal_lease SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND"
wait_until 20 "sealed_to $R"
ok $? "once that lease runs out, the sealer takes it back and seals id $R"
like "$(lease)" "^$ME_NODE #[0-9]+ 1\$" "the lease names it again"
kill -KILL "$FPID"
wait "$FPID" 2>/dev/null
touch_row
seal --gap-timeout 2s
is "$SRC $(lease)" "0 - -" "a lease left by this server's killed sealer is taken at once (its lock went with it)"
steal 60
touch_row
seal --gap-timeout 2s
is "$SRC" 3 "while another node's sealer holds the lease, a run is refused"
like "$OUT" 'another sealer holds the lease \(node-b.test:3306:/run/mysqld/mysqld.sock #42, [0-9]+ s more\)' "saying whose it is and for how long"
steal -1
seal --gap-timeout 2s
is "$SRC $(lease)" "0 - -" "an expired lease is taken over"

# --- everything sealed is covered once ---
seal --gap-timeout 2s
END=$(sealed_through)
is "$(sql "SELECT SUM(last_id - audit_id + 1) FROM audit_seal")" "$END" "no id sealed twice or left out"
is "$(sql "SELECT COUNT(*) FROM audit_log a LEFT JOIN audit_seal s ON s.audit_id = a.id
	WHERE a.id <= $END AND (s.kind IS NULL OR s.kind <> 'row')")" 0 "every committed row has a row entry"
sound "the chain is sound at the end"

done_testing
