# tests/e2e/audit-seal-lib.sh: shared by e2e-audit-seal, e2e-audit-tamper and
# e2e-audit-keys (sourced after lib.sh and need_build). It sets up a sealer
# account and its config, a verifier's config without the signing key, the
# CLI and HTTP verify helpers, and what an intruder with database root but
# without the private key can do: drop the fences (triggers, the CHECK
# constraint), rewrite rows, entries and checkpoints, recompute the SHA-256
# chain with SQL alone, and sign with a key of their own. The canonical
# forms below are written from docs/AUDIT.md, independently of lib/seal.c.
#
#   seal_account NAME     sealer account NAME and SCONF (its config)
#   seal [ARGS]           one sealing run as the sealer; OUT, SRC
#   verify [ARGS]         CLI verify with VCONF; RC, V (the JSON line)
#   found ID ERE WHAT     CLI and HTTP verify both fail first at ID
#   sound WHAT            CLI and HTTP verify both pass
#   unfenced SQL          run SQL as root with every fence dropped, then restore them
#   snapshot / repair     save the seal and the audit rows; put them back
#   rehash_from ID        recompute the stored chain hashes from ID on (SQL only)
#   cp_digest_sql ID      SQL for the digest the checkpoint after ID must name
#   forge_sign ID KEY     re-sign checkpoint ID with KEY (openssl), as an intruder
#   touch_row             one more audit row (a patient reads their profile)

CLI=$BUILD/tools/concierge-audit
SIGNING_KEY=$(conf_get audit.signing_key_file)
VERIFY_KEY=$(conf_get audit.verify_key_file)
[[ -r $SIGNING_KEY && -r $VERIFY_KEY ]] ||
	bail "the config names no readable audit.signing_key_file / audit.verify_key_file"
SEAL_AUDITOR=$(login auditor@demo.test "$DEMO_PASSWORD") || bail "auditor login"
SEAL_PATIENT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient login"

# A verifier holds the public key only: its config has no signing key.
VCONF=$T_TMP/verifier.conf
grep -Ev '^[[:space:]]*audit\.signing_key_file[[:space:]]*=' "$CONF" >"$VCONF"

seal_account() {
	SEAL_USER=$1
	SEAL_PW=$(od -An -vtx1 -N12 /dev/urandom | tr -d ' \n')
	sql "CREATE USER IF NOT EXISTS '$SEAL_USER'@'localhost' IDENTIFIED BY '$SEAL_PW';
		ALTER USER '$SEAL_USER'@'localhost' IDENTIFIED BY '$SEAL_PW';
		GRANT concierge_sealer TO '$SEAL_USER'@'localhost';
		SET DEFAULT ROLE concierge_sealer FOR '$SEAL_USER'@'localhost';" ||
		bail "cannot create the sealer account"
	on_exit "sql \"DROP USER IF EXISTS '$SEAL_USER'@'localhost'\""
	SCONF=$T_TMP/sealer.conf
	{ grep -Ev '^[[:space:]]*db\.(user|password)[[:space:]]*=' "$CONF"
	  printf 'db.user = %s\ndb.password = %s\n' "$SEAL_USER" "$SEAL_PW"; } >"$SCONF"
}

seal() { OUT=$("$CLI" --config "$SCONF" seal "$@" 2>&1); SRC=$?; }
verify() {
	V=$("$CLI" --config "$VCONF" verify "$@" 2>"$T_TMP/verify.err")
	RC=$?
}
sealed_through() { sql "SELECT COALESCE(MAX(last_id), 0) FROM audit_seal"; }
sealed_to() { (($(sealed_through) >= $1)); }
entries() { sql "SELECT COUNT(*) FROM audit_seal"; }
touch_row() { api GET /api/v1/me "" -H "Authorization: Bearer $SEAL_PATIENT"; }
add_row() {
	sql "INSERT INTO audit_log (at, action, entity_type, outcome, summary)
		VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'committed'); SELECT LAST_INSERT_ID();"
}
ROLLBACK_SQL="START TRANSACTION; INSERT INTO audit_log (at, action, entity_type, outcome, summary)
	VALUES (UTC_TIMESTAMP(6), 'e2e', 'e2e', 'success', 'rolled back'); SELECT LAST_INSERT_ID(); ROLLBACK;"

# found ID ERE WHAT: the CLI and GET /api/v1/audit/verify both report ID as
# the first bad id, and the CLI says why in words matching ERE.
found() {
	verify
	is "$RC $(jq -c '[.ok, .first_bad_id]' <<<"$V")" "1 [false,$1]" "$3: verify fails first at id $1"
	like "$(jq -r .problem <<<"$V")" "$2" "$3: $(jq -r .problem <<<"$V")"
	api GET /api/v1/audit/verify "" -H "Authorization: Bearer $SEAL_AUDITOR"
	is "$STATUS $(jq -c '[.ok, .first_bad_id]' <<<"$BODY")" "200 [false,$1]" "$3: GET /audit/verify agrees"
}
sound() {
	verify
	is "$RC $(jq -c .ok <<<"$V")" "0 true" "$1"
	((RC == 0)) || diag "$V"
	api GET /api/v1/audit/verify "" -H "Authorization: Bearer $SEAL_AUDITOR"
	is "$STATUS $(jq -c .ok <<<"$BODY")" "200 true" "$1 (GET /audit/verify)"
}

# ---- fences: triggers on audit_log and the seal tables, the row-entry CHECK ----
FENCES="CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER IF NOT EXISTS audit_seal_no_update BEFORE UPDATE ON audit_seal FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal is append-only';
CREATE TRIGGER IF NOT EXISTS audit_seal_no_delete BEFORE DELETE ON audit_seal FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal is append-only';
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_seal_checkpoint
	FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_checkpoint is append-only';
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_seal_checkpoint
	FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_checkpoint is append-only';
ALTER TABLE audit_seal ADD CONSTRAINT IF NOT EXISTS audit_seal_row CHECK (kind = 'skip' OR last_id = audit_id);"
UNFENCE="DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;
DROP TRIGGER IF EXISTS audit_seal_no_update; DROP TRIGGER IF EXISTS audit_seal_no_delete;
DROP TRIGGER IF EXISTS audit_checkpoint_no_update; DROP TRIGGER IF EXISTS audit_checkpoint_no_delete;
ALTER TABLE audit_seal DROP CONSTRAINT IF EXISTS audit_seal_row;"

# unfenced SQL: what an intruder with root does; the fences come back after
# (the CHECK only once no row breaks it).
unfenced() {
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B -r --force "$DB_NAME" \
		-e "$UNFENCE $1; $FENCES" 2>&1
}
on_exit "sql \"$FENCES\" 2>/dev/null"

# ---- the canonical forms in SQL (docs/AUDIT.md) ----
# sqlf EXPR: the field for EXPR: N for NULL, else S, 4-byte length, bytes.
sqlf() { printf "IF((%s) IS NULL, 'N', CONCAT('S', UNHEX(LPAD(HEX(OCTET_LENGTH(%s)), 8, '0')), %s))" "$1" "$1" "$1"; }
sql_usec() { printf "CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', %s) AS CHAR)" "$1"; }
ROW_CANON="CONCAT($(sqlf "'audit.entry.v2'"), $(sqlf "'row'"), $(sqlf "CAST(a.id AS CHAR)"),
	$(sqlf "CAST(a.id AS CHAR)"), $(sqlf "$(sql_usec a.at)"), $(sqlf a.actor_id), $(sqlf a.actor_role),
	$(sqlf a.action), $(sqlf a.entity_type), $(sqlf a.entity_id), $(sqlf a.patient_id),
	$(sqlf "CAST(a.outcome AS CHAR)"), $(sqlf a.request_id), $(sqlf a.ip), $(sqlf a.summary),
	$(sqlf a.metadata))"
# The skip entry of the audit_seal row in scope (columns unqualified).
SKIP_CANON="CONCAT($(sqlf "'audit.entry.v2'"), $(sqlf "'skip'"), $(sqlf "CAST(audit_id AS CHAR)"),
	$(sqlf "CAST(last_id AS CHAR)"))"
CP_CANON="CONCAT($(sqlf "'audit.checkpoint.v1'"), $(sqlf c.key_id), $(sqlf "CAST(c.id AS CHAR)"),
	$(sqlf c.prev_hash), $(sqlf "CAST(c.first_id AS CHAR)"), $(sqlf "CAST(c.last_id AS CHAR)"), $(sqlf c.head_hash),
	$(sqlf "CAST(c.rows_sealed AS CHAR)"), $(sqlf "CAST(c.ids_skipped AS CHAR)"),
	$(sqlf "$(sql_usec c.sealed_at)"))"

# cp_digest_sql ID: SQL for checkpoint ID's digest, what the next one names as prev_hash.
cp_digest_sql() {
	printf "(SELECT UNHEX(SHA2(CONCAT(%s, c.signature), 256)) FROM audit_seal_checkpoint c WHERE c.id = %s)" \
		"$CP_CANON" "$1"
}

# rehash_from ID: recompute the stored hash of every entry from ID on over
# what the rows and entries hold now: SHA-256 is public, so root can.
rehash_from() {
	unfenced "SET @h = COALESCE((SELECT hash FROM audit_seal WHERE audit_id < $1
			ORDER BY audit_id DESC LIMIT 1), REPEAT(X'00', 32));
		UPDATE audit_seal SET hash = (@h := UNHEX(SHA2(CONCAT(@h, IF(kind = 'row',
			(SELECT $ROW_CANON FROM audit_log a WHERE a.id = audit_seal.audit_id),
			$SKIP_CANON)), 256)))
		WHERE audit_id >= $1 ORDER BY audit_id"
}

# unhex_to FILE HEX: write the bytes.
unhex_to() { printf '%b' "$(sed 's/../\\x&/g' <<<"$2")" >"$1"; }

# cp_bytes ID FILE: the canonical form of checkpoint ID into FILE, its
# signature into FILE.sig.
cp_bytes() {
	local row
	row=$(sql "SELECT HEX($CP_CANON), HEX(c.signature) FROM audit_seal_checkpoint c WHERE c.id = $1")
	unhex_to "$2" "${row%%$'\t'*}"
	unhex_to "$2.sig" "${row#*$'\t'}"
}

# forge_sign ID KEY [KEY_ID]: set checkpoint ID's key id (default: KEY's
# own) and sign its canonical form with KEY (openssl), as root would with a
# key of their own.
forge_sign() {
	local kid=${3:-$(key_id_of "$2")} sig
	unfenced "UPDATE audit_seal_checkpoint SET key_id = '$kid' WHERE id = $1" >/dev/null
	cp_bytes "$1" "$T_TMP/forge.bin"
	openssl pkeyutl -sign -inkey "$2" -rawin -in "$T_TMP/forge.bin" -out "$T_TMP/forge.sig" ||
		bail "openssl cannot sign"
	sig=$(od -An -vtx1 "$T_TMP/forge.sig" | tr -d ' \n')
	unfenced "UPDATE audit_seal_checkpoint SET signature = UNHEX('$sig') WHERE id = $1" >/dev/null
}

# key_id_of PEM: the key id of a private or public Ed25519 key (docs/AUDIT.md).
key_id_of() {
	local pub=(-pubin)
	grep -q 'PRIVATE KEY' "$1" && pub=()
	openssl pkey "${pub[@]}" -in "$1" -pubout -outform DER 2>/dev/null | tail -c 32 |
		sha256sum | cut -c1-16
}

# ---- saving and restoring the seal ----
COLS="at, actor_id, actor_role, action, entity_type, entity_id, patient_id, outcome, request_id, ip, summary, metadata"
SETS="x.at = y.at, x.actor_id = y.actor_id, x.actor_role = y.actor_role, x.action = y.action,
	x.entity_type = y.entity_type, x.entity_id = y.entity_id, x.patient_id = y.patient_id,
	x.outcome = y.outcome, x.request_id = y.request_id, x.ip = y.ip, x.summary = y.summary,
	x.metadata = y.metadata"
T_SNAPSHOT=0

# snapshot: save the seal tables and the sealed rows; repair (at exit, or
# when called) puts them back as they were and drops whatever the test
# sealed after, so the chain is sound for the next test. Rows the test
# deleted after the snapshot stay gone: the sealer skips their ids.
snapshot() {
	sql "DROP TABLE IF EXISTS e2e_audit_saved, e2e_seal_saved, e2e_cp_saved;
		CREATE TABLE e2e_seal_saved AS SELECT * FROM audit_seal;
		CREATE TABLE e2e_cp_saved AS SELECT * FROM audit_seal_checkpoint;
		CREATE TABLE e2e_audit_saved AS SELECT * FROM audit_log
			WHERE id <= (SELECT COALESCE(MAX(last_id), 0) FROM audit_seal)" ||
		bail "cannot save the seal"
	if ((!T_SNAPSHOT)); then
		T_SNAPSHOT=1
		on_exit "sql 'DROP TABLE IF EXISTS e2e_audit_saved, e2e_seal_saved, e2e_cp_saved'"
		on_exit repair
	fi
}
repair() {
	unfenced "UPDATE audit_log x JOIN e2e_audit_saved y ON y.id = x.id SET $SETS;
		INSERT IGNORE INTO audit_log (id, $COLS) SELECT id, $COLS FROM e2e_audit_saved;
		DELETE FROM audit_seal; INSERT INTO audit_seal SELECT * FROM e2e_seal_saved;
		DELETE FROM audit_seal_checkpoint; INSERT INTO audit_seal_checkpoint SELECT * FROM e2e_cp_saved;
		DELETE a FROM audit_log a JOIN audit_seal s ON s.kind = 'skip'
			AND a.id BETWEEN s.audit_id AND s.last_id" >/dev/null
}
