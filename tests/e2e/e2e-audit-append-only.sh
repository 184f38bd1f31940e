#!/usr/bin/env bash
# e2e-audit-append-only: audit rows are complete, written once per request,
# only for committed commands; audit_log and the seal tables refuse UPDATE
# and DELETE (privileges for the workers' and the sealer's accounts,
# triggers for everyone, root included).
. "${srcdir:-.}/tests/e2e/lib.sh"
need_build

PW='violet-harbor-canoe-17'
CLI=$BUILD/tools/concierge-audit

# as_account USER PASSWORD SQL: run SQL as that account; output and errors.
as_account() {
	MYSQL_PWD=$2 mariadb --no-defaults --socket="$DB_SOCKET" -u"$1" -N -B "$DB_NAME" -e "$3" 2>&1
}
as_app() { as_account "$(conf_get db.user)" "$(conf_get db.password)" "$1"; }
as_root() { sql "$1" 2>&1; }

# A sealer account of our own, like a deployment's (docs/AUDIT.md, "The audit trail").
SEAL_USER=concierge_seal_e2e1
SEAL_PW=$(od -An -vtx1 -N12 /dev/urandom | tr -d ' \n')
sql "CREATE USER IF NOT EXISTS '$SEAL_USER'@'localhost' IDENTIFIED BY '$SEAL_PW';
	ALTER USER '$SEAL_USER'@'localhost' IDENTIFIED BY '$SEAL_PW';
	GRANT concierge_sealer TO '$SEAL_USER'@'localhost';
	SET DEFAULT ROLE concierge_sealer FOR '$SEAL_USER'@'localhost';" || bail "cannot create the sealer account"
on_exit "sql \"DROP USER IF EXISTS '$SEAL_USER'@'localhost'\""
as_sealer() { as_account "$SEAL_USER" "$SEAL_PW" "$1"; }

# --- a committed command has exactly one complete row ---
EM=$(uniq_email)
SIGNUP=$(jq -cn --arg e "$EM" --arg p "$PW" '{email:$e,password:$p,role:"patient",full_name:"Append Only"}')
api POST /api/v1/auth/signup "$SIGNUP"
is "$STATUS" 201 "sign-up succeeds"
UID_=$(jq -r .user.id <<<"$BODY")
RID=$(header X-Request-Id)
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE request_id = '$RID'")" 1 "the sign-up wrote exactly one audit row"
row=$(sql "SELECT at > UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE AND at <= UTC_TIMESTAMP(6), actor_id, actor_role,
	action, entity_type, entity_id, patient_id, outcome, ip, summary <> '', MICROSECOND(at) >= 0
	FROM audit_log WHERE request_id = '$RID'")
is "$row" "1	$UID_	patient	signup	user	$UID_	$UID_	success	127.0.0.1	1	1" \
	"the row has time, actor, role, action, entity, patient, outcome, address and summary"
like "$(sql "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
	AND TABLE_NAME = 'audit_log' AND COLUMN_NAME = 'at'")" '^datetime\(6\)$' "times are kept to the microsecond"
unlike "$(sql "SELECT CONCAT_WS('|', summary, metadata) FROM audit_log WHERE request_id = '$RID'")" \
	"$EM|$PW|Append Only" "the row holds no email, password or name"

# --- a failed command leaves none ---
before=$(counts)
api POST /api/v1/auth/signup "$SIGNUP"
is "$STATUS" 409 "a second sign-up with the same email is a conflict"
RID2=$(header X-Request-Id)
isnt "$RID2" "" "the conflict carries a request id"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE request_id = '$RID2'")" 0 "the failed sign-up left no audit row"
is "$(delta "$before" "$(counts)")" none "and nothing else"

# --- a read of PHI writes one row per request ---
TOK=$(login "$EM" "$PW") || bail "login"
api GET /api/v1/me "" -H "Authorization: Bearer $TOK"
is "$STATUS" 200 "the patient reads their profile"
RID3=$(header X-Request-Id)
is "$(sql "SELECT COUNT(*), MIN(action), MIN(patient_id) FROM audit_log WHERE request_id = '$RID3'")" "1	read	$UID_" \
	"one read row for the request, naming the patient"

# --- the workers' account: INSERT and SELECT only ---
AID=$(sql "SELECT MAX(id) FROM audit_log")
SNAP=$(sql "SELECT MD5(CONCAT_WS('|', id, at, actor_id, action, summary)) FROM audit_log WHERE id = $AID")
N=$(sql "SELECT COUNT(*) FROM audit_log")
like "$(as_app "UPDATE audit_log SET summary = 'x' WHERE id = $AID")" 'UPDATE command denied' \
	"the workers' account may not UPDATE audit_log"
like "$(as_app "DELETE FROM audit_log WHERE id = $AID")" 'DELETE command denied' \
	"the workers' account may not DELETE from audit_log"
like "$(as_app "TRUNCATE TABLE audit_log")" 'DROP command denied' "nor TRUNCATE it"
like "$(as_app "INSERT INTO audit_seal (audit_id, last_id, kind, hash)
	VALUES (999999999, 999999999, 'row', REPEAT('a', 32))")" 'INSERT command denied' \
	"nor write a seal entry"
like "$(as_app "INSERT INTO audit_seal_checkpoint (id, key_id, first_id, last_id, head_hash, rows_sealed,
	ids_skipped, sealed_at, signature) VALUES (999999999, REPEAT('a', 16), 1, 1, REPEAT('a', 32), 0, 0,
	UTC_TIMESTAMP(6), REPEAT('a', 64))")" 'INSERT command denied' "nor a checkpoint"
like "$(as_app "SELECT COUNT(*) >= 0 FROM audit_seal")" '^1$' "it may read the seal (for /audit/verify)"
is "$(as_app "SELECT COUNT(*) FROM audit_log")" "$N" "it reads audit_log"

# --- the sealer's account: reads audit_log, appends to the seal only ---
like "$(as_sealer "UPDATE audit_log SET summary = 'x' WHERE id = $AID")" 'UPDATE command denied' \
	"the sealer may not UPDATE audit_log"
like "$(as_sealer "INSERT INTO audit_log (at, action, entity_type, outcome, summary)
	VALUES (UTC_TIMESTAMP(6), 'forge', 'x', 'success', 'x')")" 'INSERT command denied' "nor INSERT into it"
like "$(as_sealer "DELETE FROM audit_seal")" 'DELETE command denied' "nor DELETE seal entries"
like "$(as_sealer "UPDATE audit_seal_checkpoint SET last_id = 0")" 'UPDATE command denied' "nor UPDATE checkpoints"
like "$(as_sealer "SELECT COUNT(*) FROM users")" 'SELECT command denied' "nor read other tables"
like "$(as_sealer "INSERT INTO audit_seal_v1 SELECT * FROM audit_seal_v1")" 'command denied' \
	"nor add to the v1 seal kept by migration 0007"
is "$(sql "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
	AND EVENT_OBJECT_TABLE IN ('audit_seal_v1', 'audit_seal_checkpoint_v1')
	AND EVENT_MANIPULATION IN ('UPDATE', 'DELETE') AND ACTION_STATEMENT LIKE '%append-only%'")" 4 \
	"the v1 seal tables keep their UPDATE and DELETE triggers"

# --- triggers: nobody, root included ---
like "$(as_root "UPDATE audit_log SET summary = 'x' WHERE id = $AID")" 'audit_log is append-only' \
	"root's UPDATE of audit_log is refused by the trigger"
like "$(as_root "DELETE FROM audit_log WHERE id = $AID")" 'audit_log is append-only' \
	"root's DELETE from audit_log is refused by the trigger"
is "$(sql "SELECT MD5(CONCAT_WS('|', id, at, actor_id, action, summary)) FROM audit_log WHERE id = $AID")" "$SNAP" \
	"the row is unchanged"
is "$(sql "SELECT COUNT(*) FROM audit_log")" "$N" "no row went"

# Seal what there is, so the seal tables have rows for their triggers.
SCONF=$T_TMP/sealer.conf
{ grep -Ev '^[[:space:]]*db\.(user|password)[[:space:]]*=' "$CONF"
  printf 'db.user = %s\ndb.password = %s\n' "$SEAL_USER" "$SEAL_PW"; } >"$SCONF"
out=$("$CLI" --config "$SCONF" seal --gap-timeout 2s 2>&1)
is "$?" 0 "the sealer's account seals"
diag "$out"
like "$(as_root "UPDATE audit_seal SET kind = 'skip' ORDER BY audit_id DESC LIMIT 1")" 'audit_seal is append-only' \
	"root's UPDATE of audit_seal is refused"
like "$(as_root "DELETE FROM audit_seal ORDER BY audit_id DESC LIMIT 1")" 'audit_seal is append-only' \
	"root's DELETE from audit_seal is refused"
like "$(as_root "UPDATE audit_seal_checkpoint SET last_id = 0 ORDER BY id DESC LIMIT 1")" \
	'audit_seal_checkpoint is append-only' "root's UPDATE of a checkpoint is refused"
like "$(as_root "DELETE FROM audit_seal_checkpoint ORDER BY id DESC LIMIT 1")" \
	'audit_seal_checkpoint is append-only' "root's DELETE of a checkpoint is refused"

# --- the workers' account cannot seal ---
api GET /api/v1/me "" -H "Authorization: Bearer $TOK"
out=$("$CLI" --config "$CONF" seal --gap-timeout 2s 2>&1)
is "$?" 3 "sealing as the workers' account fails"
like "$out" 'concierge_sealer' "and says which role it needs"

done_testing
