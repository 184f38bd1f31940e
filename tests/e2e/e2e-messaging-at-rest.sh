#!/usr/bin/env bash
# e2e-messaging-at-rest: subjects, bodies, file names, files and stored
# replies are never in clear outside the workers' memory. Distinct
# markers go in through the API and are then looked for in the tables,
# in a mariadb-dump of the whole database, in MariaDB's own files, in
# the attachment store and nginx's temporary folders, and in the logs.
# The API still gives them back to participants (so the markers are real).
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
. "$T_LIB_DIR/messaging-lib.sh"

R=$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
SUBJ="SUBJECTMARK$R"
BODY_M="BODYMARK$R"
FILE_M="FILEMARK$R"
NAME_M="NAMEMARK$R"
mk_patient PA
mk_provider DR
team_add "$PA" "$DR"
on_exit "sql \"DELETE FROM care_team WHERE patient_id='$PA'\""

api POST /api/v1/threads "$(jq -cn --arg p "$PA" --arg s "$SUBJ about my knee" --arg d "$DR" \
	'{patient_id:$p,subject:$s,participant_ids:[$d]}')" -H "$(auth "$PA_TOK")" -H 'Idempotency-Key: rest-thread'
[[ $STATUS == 201 ]] || bail "thread: $STATUS $BODY"
T=$(jq -r .id <<<"$BODY")
make_pdf "$T_TMP/f.pdf" 300000 "$FILE_M"
att_upload "$PA_TOK" application/pdf "$NAME_M.pdf" "$T_TMP/f.pdf"
A=$(jq -r .id <<<"$BODY")
api POST "/api/v1/threads/$T/messages" "$(jq -cn --arg b "$BODY_M: it hurts when I climb stairs" --arg a "$A" \
	'{body:$b,attachment_ids:[$a]}')" -H "$(auth "$PA_TOK")" -H 'Idempotency-Key: rest-msg'
is "$STATUS" 201 "a message with a subject, body, file and file name to hide"
api POST "/api/v1/threads/$T/messages" "$(jq -cn --arg b "Reply: $BODY_M noted" '{body:$b}')" -H "$(auth "$DR_TOK")"
is "$STATUS" 201 "and a reply"

# --- the API gives them back ---
api GET "/api/v1/threads/$T/messages" "" -H "$(auth "$DR_TOK")"
like "$BODY" "$BODY_M: it hurts" "participants read the body"
like "$BODY" "$NAME_M.pdf" "and the file name"
api GET "/api/v1/threads/$T" "" -H "$(auth "$DR_TOK")"
like "$BODY" "$SUBJ" "and the subject"
att_get "$DR_TOK" "/api/v1/attachments/$A" "$T_TMP/back.pdf"
cmp -s "$T_TMP/f.pdf" "$T_TMP/back.pdf"
ok $? "and the file"

# --- the tables ---
for m in "$SUBJ" "$BODY_M" "$NAME_M"; do
	is "$(sql "SELECT (SELECT COUNT(*) FROM threads WHERE INSTR(subject, '$m'))
		+ (SELECT COUNT(*) FROM messages WHERE INSTR(body, '$m'))
		+ (SELECT COUNT(*) FROM attachments WHERE INSTR(filename, '$m'))
		+ (SELECT COUNT(*) FROM idempotency_keys WHERE INSTR(IFNULL(resp_body, ''), '$m'))
		+ (SELECT COUNT(*) FROM audit_log WHERE INSTR(CONCAT(summary, IFNULL(metadata, '')), '$m'))
		+ (SELECT COUNT(*) FROM events WHERE INSTR(CONCAT(type, entity_id), '$m'))
		+ (SELECT COUNT(*) FROM outbox WHERE INSTR(IFNULL(payload, ''), '$m'))")" 0 \
		"${m%"$R"}: in no column of threads, messages, attachments, idempotency_keys, audit_log, events, outbox"
done
is "$(sql "SELECT COUNT(*) FROM idempotency_keys WHERE user_id='$PA' AND idem_key IN ('rest-thread', 'rest-msg') AND resp_body LIKE 'vault:%'")" 2 \
	"the stored replies of both keyed requests are sealed"

# --- a dump of the whole database ---
mariadb-dump --no-defaults --socket="$DB_SOCKET" -uroot --hex-blob=0 --single-transaction "$DB_NAME" >"$T_TMP/dump.sql" 2>"$T_TMP/dump.err"
is "$?" 0 "mariadb-dump runs"
ok "$([[ -s $T_TMP/dump.sql ]] && grep -q 'INSERT INTO `messages`' "$T_TMP/dump.sql"; echo $?)" "the dump holds the messages table"
for m in "$SUBJ" "$BODY_M" "$NAME_M" "$FILE_M"; do
	is "$(grep -caF -- "$m" "$T_TMP/dump.sql")" 0 "${m%"$R"}: not in the dump"
done
# The sealed values are there, as binary: the dump holds ciphertext.
is "$(sql "SELECT COUNT(*) FROM messages WHERE thread_id='$T' AND ASCII(body) = 1")" 2 \
	"bodies are sealed values (format byte 1)"

# --- MariaDB's own files (tablespaces, redo log) and the logs ---
sql "FLUSH TABLES" >/dev/null 2>&1
for m in "$SUBJ" "$BODY_M" "$NAME_M" "$FILE_M"; do
	is "$(grep -rlaF -- "$m" "$ROOT/var/mysql" 2>/dev/null | wc -l)" 0 "${m%"$R"}: in no file of the data directory"
	is "$(grep -rlaF -- "$m" "$ROOT/var/log" "$ROOT/var/nginx" --exclude=access.log 2>/dev/null | wc -l)" 0 \
		"${m%"$R"}: in no log"
done

# --- the attachment store and nginx's temporary folders ---
for m in "$FILE_M" "$NAME_M" "$BODY_M"; do
	is "$(att_leaks "$m")" "" "${m%"$R"}: not in the attachment files nor nginx's temporary files"
done
N=$(sql "SELECT storage_name FROM attachments WHERE id='$A'")
unlike "$(att_path "$N")" "$NAME_M" "the file's path does not carry its name"

done_testing
