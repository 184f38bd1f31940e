#!/usr/bin/env bash
# e2e-audit-seal: concierge-audit seal / verify / head and
# GET /api/v1/audit/verify. Tampering done as root straight in MariaDB (an
# edited row, a deleted row, a forged row, two rows swapped) is reported at
# the right id; rows committed out of id order are sealed once and in order;
# a rolled-back id is skipped after the gap timeout, and a row that commits
# after its id was given up is reported. Every tamper is undone afterwards.
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build

CLI=$BUILD/tools/concierge-audit
AUDITOR=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
ADMIN=$(login admin@demo.test "$DEMO_PASSWORD") || bail "admin login"
STAFF=$(login staff@demo.test "$DEMO_PASSWORD") || bail "staff login"
PATIENT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient login"

SEAL_USER=concierge_seal_e2e2
SEAL_PW=$(od -An -vtx1 -N12 /dev/urandom | tr -d ' \n')
sql "CREATE USER IF NOT EXISTS '$SEAL_USER'@'localhost' IDENTIFIED BY '$SEAL_PW';
	ALTER USER '$SEAL_USER'@'localhost' IDENTIFIED BY '$SEAL_PW';
	GRANT concierge_sealer TO '$SEAL_USER'@'localhost';
	SET DEFAULT ROLE concierge_sealer FOR '$SEAL_USER'@'localhost';" || bail "cannot create the sealer account"
on_exit "sql \"DROP USER IF EXISTS '$SEAL_USER'@'localhost'\""
SCONF=$T_TMP/sealer.conf
{ grep -Ev '^[[:space:]]*db\.(user|password)[[:space:]]*=' "$CONF"
  printf 'db.user = %s\ndb.password = %s\n' "$SEAL_USER" "$SEAL_PW"; } >"$SCONF"

TRIGGERS="CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';"
SEAL_TRIGGER="CREATE TRIGGER IF NOT EXISTS audit_seal_no_delete BEFORE DELETE ON audit_seal FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal is append-only';"
on_exit "sql \"$TRIGGERS $SEAL_TRIGGER\""
on_exit "sql 'DROP TABLE IF EXISTS e2e_audit_saved, e2e_seal_saved'"

# unfenced SQL: run SQL as root with audit_log's triggers dropped, then put
# them back (what an intruder with root would do).
unfenced() {
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B --force "$DB_NAME" -e "
		DROP TRIGGER IF EXISTS audit_log_no_update;
		DROP TRIGGER IF EXISTS audit_log_no_delete;
		$1;
		$TRIGGERS" 2>&1
}

# seal [ARGS]: one sealing run as the sealer; OUT holds its output.
seal() { OUT=$("$CLI" --config "$SCONF" seal "$@" 2>&1); }
# verify [ARGS]: CLI verification; RC, V (the JSON line).
verify() {
	V=$("$CLI" --config "$CONF" verify "$@" 2>"$T_TMP/verify.err")
	RC=$?
}
sealed_through() { sql "SELECT COALESCE(MAX(last_id), 0) FROM audit_seal"; }
sealed_to() { (($(sealed_through) >= $1)); }
# follow ARGS: a sealer running --follow in the background (FPID).
follow() {
	# Not holding fd 7: the held session must see EOF when we close it.
	"$CLI" --config "$SCONF" seal --follow "$@" >>"$T_TMP/follow.out" 2>&1 7>&- &
	FPID=$!
	on_exit "kill -TERM $FPID"
}
touch_row() { api GET /api/v1/me "" -H "Authorization: Bearer $PATIENT"; }
COLS="at, actor_id, actor_role, action, entity_type, entity_id, patient_id, outcome, request_id, ip, summary, metadata"
SETS="x.at = y.at, x.actor_id = y.actor_id, x.actor_role = y.actor_role, x.action = y.action,
	x.entity_type = y.entity_type, x.entity_id = y.entity_id, x.patient_id = y.patient_id,
	x.outcome = y.outcome, x.request_id = y.request_id, x.ip = y.ip, x.summary = y.summary,
	x.metadata = y.metadata"

# repair: undo whatever tampering a failed run left behind (saved rows put
# back, rows inside skipped ranges removed), so the next run starts sound.
repair() {
	unfenced "UPDATE audit_log x JOIN e2e_audit_saved y ON y.id = x.id SET $SETS;
		INSERT IGNORE INTO audit_log (id, $COLS) SELECT id, $COLS FROM e2e_audit_saved;
		INSERT IGNORE INTO audit_seal SELECT * FROM e2e_seal_saved;
		DELETE a FROM audit_log a JOIN audit_seal s ON s.kind = 'skip'
			AND a.id BETWEEN s.audit_id AND s.last_id" >/dev/null
}
on_exit repair

# --- seal, head, verify ---
touch_row
touch_row
seal --gap-timeout 2s
is "$?" 0 "seal runs as the sealer's account"
like "$OUT" 'sealed [0-9]+ rows' "and reports what it sealed"
END=$(sealed_through)
is "$END" "$(sql "SELECT MAX(id) FROM audit_log")" "every committed row is sealed"
is "$(sql "SELECT SUM(last_id - audit_id + 1) FROM audit_seal")" "$END" "each id is covered exactly once"
is "$(sql "SELECT COUNT(*) FROM audit_seal s JOIN audit_log a ON a.id = s.audit_id WHERE s.kind = 'row'")" \
	"$(sql "SELECT COUNT(*) FROM audit_log WHERE id <= $END")" "every row up to there has its own entry"
HEAD=$("$CLI" --config "$CONF" head)
is "$?" 0 "head prints the head"
is "${HEAD%% *}" "$(sql "SELECT CONCAT(last_id, ':', LOWER(HEX(head_hash))) FROM audit_seal_checkpoint ORDER BY id DESC LIMIT 1")" \
	"as ID:HASH of the newest checkpoint"
verify
is "$RC" 0 "verify passes"
is "$(jq -c '[.ok, .sealed_through, .first_bad_id]' <<<"$V")" "[true,$END,null]" "ok, sealed through the end"
diag "$(cat "$T_TMP/verify.err")"
verify --expect-head "${HEAD%% *}"
is "$RC" 0 "verify against the stored head passes"
verify --expect-head "${HEAD%%:*}:$(printf '0%.0s' {1..64})"
is "$RC" 1 "a head the chain does not reach fails"
is "$(jq .first_bad_id <<<"$V")" "${HEAD%%:*}" "at the head's id"
follow --gap-timeout 1s --interval 1s
sleep 0.5
seal --gap-timeout 1s
is "$?" 3 "a second sealer is refused while one holds the lock"
like "$OUT" 'another sealer' "and says why"
kill -TERM "$FPID"
wait "$FPID"
is "$?" 0 "the follower stops cleanly on SIGTERM"

# --- GET /api/v1/audit/verify ---
for who in AUDITOR ADMIN; do
	api GET /api/v1/audit/verify "" -H "Authorization: Bearer ${!who}"
	is "$STATUS" 200 "${who,,} may verify over HTTP"
	is "$(jq -c '[.ok, .first_bad_id, .problem]' <<<"$BODY")" '[true,null,null]' "${who,,} sees a sound chain"
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

# Pick sealed rows to tamper with: two different ones in the middle.
touch_row
seal --gap-timeout 2s
mapfile -t PICK < <(sql "SELECT id FROM (SELECT id FROM audit_log
	WHERE id <= $(sealed_through) ORDER BY id DESC LIMIT 6) t ORDER BY id")
A=${PICK[0]} E=${PICK[2]} B=${PICK[5]}
sql "DROP TABLE IF EXISTS e2e_audit_saved; CREATE TABLE e2e_audit_saved AS SELECT * FROM audit_log
	WHERE id IN ($A, $B, $E)"
is "$(sql "SELECT COUNT(*) FROM e2e_audit_saved")" 3 "three sealed rows saved to put back"

# --- an edited row ---
unfenced "UPDATE audit_log SET summary = 'nothing to see' WHERE id = $E" >/dev/null
verify
is "$RC" 1 "verify fails after an edit"
is "$(jq .first_bad_id <<<"$V")" "$E" "at the edited row"
like "$(jq -r .problem <<<"$V")" 'does not match its seal' "saying it does not match"
api GET /api/v1/audit/verify "" -H "Authorization: Bearer $AUDITOR"
is "$(jq -c '[.ok, .first_bad_id]' <<<"$BODY")" "[false,$E]" "the HTTP check agrees"
unfenced "UPDATE audit_log x JOIN e2e_audit_saved y ON y.id = x.id SET $SETS WHERE x.id = $E" >/dev/null
verify
is "$RC" 0 "verify passes once the row is put back"

# --- a deleted row ---
unfenced "DELETE FROM audit_log WHERE id = $E" >/dev/null
verify
is "$(jq -c '[.ok, .first_bad_id]' <<<"$V")" "[false,$E]" "a deleted row is reported at its id"
like "$(jq -r .problem <<<"$V")" 'missing' "as missing"
sql "INSERT INTO audit_log (id, $COLS) SELECT id, $COLS FROM e2e_audit_saved WHERE id = $E"
verify
is "$RC" 0 "verify passes once it is back"

# --- two rows swapped ---
unfenced "UPDATE audit_log x JOIN e2e_audit_saved y ON y.id = $A + $B - x.id SET $SETS WHERE x.id IN ($A, $B)" >/dev/null
is "$(sql "SELECT request_id FROM audit_log WHERE id = $A")" \
	"$(sql "SELECT request_id FROM e2e_audit_saved WHERE id = $B")" "rows $A and $B swapped contents"
verify
is "$(jq -c '[.ok, .first_bad_id]' <<<"$V")" "[false,$A]" "a swap is reported at the lower id"
unfenced "UPDATE audit_log x JOIN e2e_audit_saved y ON y.id = x.id SET $SETS WHERE x.id IN ($A, $B)" >/dev/null
verify
is "$RC" 0 "verify passes once they are swapped back"

# --- a rolled-back id, then a row forged at it ---
K=$(sql "START TRANSACTION; INSERT INTO audit_log (at, action, entity_type, outcome, summary)
	VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'rolled back'); SELECT LAST_INSERT_ID(); ROLLBACK;")
touch_row
seal --gap-timeout 1s
like "$OUT" 'skipped [1-9]' "the sealer skips the rolled-back id after the timeout"
is "$(sql "SELECT CONCAT(kind, ' ', last_id) FROM audit_seal WHERE audit_id = $K")" "skip $K" \
	"id $K is sealed as never committed"
is "$(sql "SELECT COUNT(*) FROM audit_seal WHERE kind = 'row' AND audit_id = $K + 1")" 1 \
	"and the next row is sealed after it"
verify
is "$RC" 0 "a skip is part of a sound chain"
sql "INSERT INTO audit_log (id, at, action, entity_type, outcome, summary)
	VALUES ($K, UTC_TIMESTAMP(6), 'login', 'session', 'success', 'login succeeded')"
verify
is "$(jq -c '[.ok, .first_bad_id]' <<<"$V")" "[false,$K]" "a row forged at a skipped id is reported"
like "$(jq -r .problem <<<"$V")" 'never committed' "as present where nothing committed"
unfenced "DELETE FROM audit_log WHERE id = $K" >/dev/null
verify
is "$RC" 0 "verify passes once the forgery is gone"

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
add_row() {
	sql "INSERT INTO audit_log (at, action, entity_type, outcome, summary)
		VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'committed'); SELECT LAST_INSERT_ID();"
}

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

# --- a transaction that commits after its id was given up ---
hold "$HOLD_SQL"
L=$HELD
NEXT=$(add_row)
seal --gap-timeout 1s
is "$(sql "SELECT kind FROM audit_seal WHERE audit_id = $L")" skip "the long-open id $L is given up after the timeout"
release "COMMIT;"
verify
is "$(jq -c '[.ok, .first_bad_id]' <<<"$V")" "[false,$L]" "its late commit is reported by verify"
unfenced "DELETE FROM audit_log WHERE id = $L" >/dev/null
verify
is "$RC" 0 "the chain is sound again once the late row is removed"

# --- gaps visible together age together: one timeout, not one each ---
seal --gap-timeout 2s
ROLLBACK_SQL="START TRANSACTION; INSERT INTO audit_log (at, action, entity_type, outcome, summary)
	VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'rolled back'); SELECT LAST_INSERT_ID(); ROLLBACK;"
G1=$(sql "$ROLLBACK_SQL")
add_row >/dev/null
G2=$(sql "$ROLLBACK_SQL")
NEXT=$(add_row)
t0=$(date +%s%N)
seal --gap-timeout 3s
ms=$((($(date +%s%N) - t0) / 1000000))
is "$(sql "SELECT GROUP_CONCAT(audit_id ORDER BY audit_id) FROM audit_seal WHERE kind = 'skip'
	AND audit_id IN ($G1, $G2)")" "$G1,$G2" "two rolled-back ids seen together are both skipped"
ok "$((ms >= 2900 && ms < 5500 ? 0 : 1))" "after one gap timeout of 3 s, not two (${ms} ms)"
is "$(sealed_through)" "$NEXT" "and everything after them is sealed"

# --- the newest seal entry deleted: a truncated tail ---
touch_row
seal --gap-timeout 2s
T=$(sealed_through)
sql "DROP TABLE IF EXISTS e2e_seal_saved; CREATE TABLE e2e_seal_saved AS SELECT * FROM audit_seal WHERE audit_id = $T"
sql "DROP TRIGGER audit_seal_no_delete; DELETE FROM audit_seal WHERE audit_id = $T; $SEAL_TRIGGER"
is "$(sealed_through)" "$((T - 1))" "the newest seal entry is gone"
verify
is "$(jq -c '[.ok, .first_bad_id]' <<<"$V")" "[false,$T]" "verify reports the id after the shortened chain"
like "$(jq -r .problem <<<"$V")" 'checkpoint' "because the newest checkpoint reaches further"
touch_row
seal --gap-timeout 2s
is "$?" 3 "the sealer refuses to seal over an altered seal"
like "$OUT" 'altered' "and says why"
is "$(sealed_through)" "$((T - 1))" "nothing was sealed"
sql "INSERT INTO audit_seal SELECT * FROM e2e_seal_saved"
verify
is "$RC" 0 "verify passes once the entry is back"

# --- everything sealed is covered once ---
seal --gap-timeout 2s
END=$(sealed_through)
is "$(sql "SELECT SUM(last_id - audit_id + 1) FROM audit_seal")" "$END" "no id sealed twice or left out"
is "$(sql "SELECT COUNT(*) FROM audit_log a LEFT JOIN audit_seal s ON s.audit_id = a.id
	WHERE a.id <= $END AND (s.kind IS NULL OR s.kind <> 'row')")" 0 "every committed row has a row entry"

done_testing
