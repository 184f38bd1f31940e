#!/usr/bin/env bash
# e2e-foundation-migrate: concierge-migrate is a no-op when up to date,
# refuses an applied file that was edited, records SHA-256 checksums; the
# workers' account may only INSERT and SELECT audit_log, and the triggers
# refuse UPDATE and DELETE even to root.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
plan 33

MIGRATE=$BUILD/tools/concierge-migrate
MIGRATIONS=$SRCDIR/migrations
APP_USER=$(conf_get db.user)
APP_USER=${APP_USER:-concierge_app}
APP_PW=$(conf_get db.password)

# migrations_state: every schema_migrations row, on one line.
migrations_state() {
	sql "SELECT GROUP_CONCAT(CONCAT_WS(':', version, name, checksum, applied_at)
		ORDER BY version SEPARATOR ' ') FROM schema_migrations" 2>&1
}

# audit_state: row count, last id and a checksum of every audit_log row.
audit_state() {
	local n c
	n=$(sql "SELECT CONCAT(COUNT(*), ' ', COALESCE(MAX(id), 0)) FROM audit_log" 2>&1)
	c=$(sql "CHECKSUM TABLE audit_log EXTENDED" 2>&1 | cut -f2)
	printf '%s %s' "$n" "$c"
}

# as_app SQL: run SQL as the workers' account; stdout+stderr, exit status kept.
as_app() {
	MYSQL_PWD=$APP_PW mariadb --no-defaults --socket="$DB_SOCKET" -u"$APP_USER" \
		-N -B -r "$DB_NAME" -e "$1" 2>&1
}

# ---- re-running is a no-op ----
state=$(migrations_state)
like "$state" '^1:0001_init\.sql:[0-9a-f]{64}:' "schema_migrations records 0001_init.sql"
before=$(counts)
"$MIGRATE" --config "$CONF" --dir "$MIGRATIONS" >"$T_TMP/m.out" 2>"$T_TMP/m.err"
is "$?" 0 "migrate again: exit 0"
like "$(cat "$T_TMP/m.out" "$T_TMP/m.err")" 'up to date' "migrate again: says up to date"
unlike "$(cat "$T_TMP/m.out")" 'applied' "migrate again: applies nothing"
is "$(migrations_state)" "$state" "migrate again: schema_migrations unchanged"
is "$(counts)" "$before" "migrate again: no table's rows changed"

# ---- the recorded checksum is the file's SHA-256 ----
sum=$(sql "SELECT checksum FROM schema_migrations WHERE version = 1")
like "$sum" '^[0-9a-f]{64}$' "0001's checksum is 64 hex digits"
is "$sum" "$(sha256sum "$MIGRATIONS/0001_init.sql" | cut -d' ' -f1)" \
	"0001's checksum is the SHA-256 of migrations/0001_init.sql"
is "$(sql "SELECT COUNT(*) FROM schema_migrations")" \
	"$(find "$MIGRATIONS" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]_*.sql' | wc -l)" \
	"one schema_migrations row per migration file"

# ---- an applied file that was edited is refused ----
cp -R "$MIGRATIONS" "$T_TMP/migrations"
printf -- '-- edited after it was applied (e2e)\n' >>"$T_TMP/migrations/0001_init.sql"
"$MIGRATE" --config "$CONF" --dir "$T_TMP/migrations" >"$T_TMP/e.out" 2>"$T_TMP/e.err"
rc=$?
isnt "$rc" 0 "edited 0001: exit non-zero"
like "$(cat "$T_TMP/e.err")" "0001_init\.sql.*edited" "edited 0001: stderr names the file and says it was edited"
unlike "$(cat "$T_TMP/e.out")" 'applied|up to date' "edited 0001: does not claim success"
is "$(migrations_state)" "$state" "edited 0001: schema_migrations unchanged"
is "$(counts)" "$before" "edited 0001: no table's rows changed"

# A missing directory is an error too, not "up to date".
"$MIGRATE" --config "$CONF" --dir "$T_TMP/no-such-dir" >"$T_TMP/x.out" 2>"$T_TMP/x.err"
isnt "$?" 0 "a missing migrations directory: exit non-zero"

# ---- audit_log is append-only ----
# At least one row, so that the row triggers have something to refuse.
api POST /api/v1/auth/login '{"email":"nobody@example.test","password":"not-the-password"}'
is "$STATUS" 401 "a failed login (to be sure audit_log has rows)"
audit=$(audit_state)
like "$audit" '^[1-9][0-9]* [1-9][0-9]* [0-9]+$' "audit_log has rows ($audit)"
[[ -n $APP_PW ]]
ok $? "db.password is in the config"

out=$(as_app "UPDATE audit_log SET summary = 'x' LIMIT 1")
rc=$?
isnt "$rc" 0 "$APP_USER: UPDATE audit_log fails"
like "$out" 'UPDATE command denied' "$APP_USER: UPDATE audit_log is a permission error"
out=$(as_app "DELETE FROM audit_log LIMIT 1")
rc=$?
isnt "$rc" 0 "$APP_USER: DELETE FROM audit_log fails"
like "$out" 'DELETE command denied' "$APP_USER: DELETE FROM audit_log is a permission error"
# INSERT, inside a transaction rolled back: the privilege is proven and no
# stray row stays in the audit trail.
rid=e2e-probe-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
out=$(as_app "START TRANSACTION;
	INSERT INTO audit_log (at, action, entity_type, outcome, request_id, summary)
		VALUES (UTC_TIMESTAMP(6), 'e2e_probe', 'test', 'success', '$rid', 'e2e privilege probe');
	SELECT COUNT(*) FROM audit_log WHERE request_id = '$rid';
	ROLLBACK;")
rc=$?
is "$rc:$out" "0:1" "$APP_USER: INSERT INTO audit_log works"
out=$(as_app "SELECT COUNT(*) FROM audit_log")
rc=$?
is "$rc:$out" "0:${audit%% *}" "$APP_USER: SELECT on audit_log works"
is "$(sql "SELECT GROUP_CONCAT(privilege_type ORDER BY privilege_type SEPARATOR ' ')
	FROM information_schema.table_privileges
	WHERE table_schema = '$DB_NAME' AND table_name = 'audit_log'
	AND grantee = \"'concierge_worker'@''\"")" "INSERT SELECT" \
	"audit_log privileges of the workers' role: INSERT and SELECT only"
is "$(sql "SELECT COUNT(*) FROM information_schema.table_privileges
	WHERE table_schema = '$DB_NAME' AND table_name = 'audit_log'
	AND privilege_type IN ('UPDATE', 'DELETE')")" 0 "no account or role may UPDATE or DELETE audit_log"
is "$(sql "SELECT COUNT(*) FROM information_schema.schema_privileges
	WHERE table_schema = '$DB_NAME'")" 0 "no account holds database-wide privileges on $DB_NAME"
is "$(sql "SELECT GROUP_CONCAT(privilege_type) FROM information_schema.user_privileges
	WHERE grantee = \"'$APP_USER'@'localhost'\"")" USAGE "$APP_USER has no global privileges"

out=$(sql "UPDATE audit_log SET summary = 'x' ORDER BY id LIMIT 1" 2>&1)
rc=$?
isnt "$rc" 0 "root: UPDATE audit_log fails"
like "$out" 'append-only' "root: UPDATE audit_log refused by the trigger (append-only)"
out=$(sql "DELETE FROM audit_log ORDER BY id LIMIT 1" 2>&1)
rc=$?
isnt "$rc" 0 "root: DELETE FROM audit_log fails"
like "$out" 'append-only' "root: DELETE FROM audit_log refused by the trigger (append-only)"

is "$(audit_state)" "$audit" "audit_log unchanged after all that (count, last id, checksum)"
