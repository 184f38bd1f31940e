#!/usr/bin/env bash
# e2e-robust-backup: scripts/dev backup and restore (issue 15, part 6).
# A backup taken while a write load runs, then more data written after it,
# then the database, the attachment store and the keys in var/ wiped:
# restore brings back exactly the backup's state. The audit chain
# verifies, every sealed value (lab result values) reads back equal
# through the API, every attachment downloads with its recorded SHA-256,
# what was written after the backup is gone. A backup with one byte
# changed is refused with nothing touched. The state of the start (a
# backup taken first) is restored at the end, so later tests see the
# stack as it was.
. "${srcdir:-.}/tests/e2e/lib.sh"

need_build
. "$T_LIB_DIR/runtime-lib.sh"
plan 26

PORT=${BASE##*:}
export PORT
# scripts/dev from the build under test, without building, with no fd of
# ours open (the daemons it starts must not hold the e2e lock or make's
# pipes); CONCIERGE_DEV_LOCKED, inherited, reuses the parent's lock.
dev() { (close_fds; NO_BUILD=1 BUILD_DIR=$BUILD exec "$ROOT/scripts/dev" "$@"); }
SIGNING=$(conf_get audit.signing_key_file)
VERIFYK=$(conf_get audit.verify_key_file)
sums() { sha256sum "$@" | cut -c1-64; }

# The state of the start, put back at the end (and if this script dies).
START=$T_TMP/start
out=$(dev backup "$START" 2>&1) || bail "backup of the start state failed: $out"
on_exit "[[ -f '$T_TMP/restored-start' ]] || dev restore '$START' --yes"

. "$T_LIB_DIR/records-lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"

# ---------------------------------------------------------------------------
# data: sealed lab values, attachments (one linked to a result)

MARK="BACKUP-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')"
make_pdf "$T_TMP/report.pdf" 150000 "$MARK"
make_png "$T_TMP/scan.png" "$MARK"
upload() {
	att_upload "$PROV_TOK" "$1" "$(basename "$2")" "$2"
	[[ $STATUS == 201 ]] || bail "upload $2: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
A1=$(upload application/pdf "$T_TMP/report.pdf")
A2=$(upload image/png "$T_TMP/scan.png")
L1=$(lab_final "$PROV_TOK" "$(jq -cn --arg v "7.1 $MARK" --arg a "$A1" \
	'{result_value:$v, notes:"fasting sample", attachment_ids:[$a]}')")
L2=$(lab_new "$PROV_TOK" '{"result_value":"4.2 sealed too"}')
as "$PROV_TOK" GET "/api/v1/lab-results/$L1"
L1_BODY=$(jq -cS '{result_value, notes, attachment_ids}' <<<"$BODY")
as "$PROV_TOK" GET "/api/v1/lab-results/$L2"
L2_BODY=$(jq -cS '{result_value, notes}' <<<"$BODY")
is "$(jq -r .result_value <<<"$L1_BODY")" "7.1 $MARK" "a lab result with a sealed value and a file"
is "$(sql "SELECT INSTR(result_value, '$MARK') FROM lab_results WHERE id = '$L1'")" 0 \
	"its value is not in the database in clear"
SHA_PDF=$(sums "$T_TMP/report.pdf")
SHA_PNG=$(sums "$T_TMP/scan.png")
is "$(sql "SELECT CONCAT(LOWER(HEX(a.sha256)), ' ', LOWER(HEX(b.sha256))) FROM attachments a, attachments b
	WHERE a.id = '$A1' AND b.id = '$A2'")" "$SHA_PDF $SHA_PNG" "the rows record the files' SHA-256"

# ---------------------------------------------------------------------------
# backup, online, under a small write load

load() {
	local i
	for ((i = 0; i < 40; i++)); do
		as "$PROV_TOK" POST /api/v1/lab-results "$(jq -cn --arg p "$PAT_ID" --arg i "$i" \
			'{patient_id:$p,test_code:"2345-7",test_name:"Load",result_value:("load " + $i)}')"
		printf '%s\n' "$STATUS" >>"$T_TMP/load.codes"
	done
}
load &
LOAD=$!
on_exit "kill $LOAD 2>/dev/null"
wait_until 10 '[[ -s $T_TMP/load.codes ]]' || bail "the write load does not start"
BK=$T_TMP/bk
out=$(dev backup "$BK" 2>&1)
is "$?" 0 "scripts/dev backup while lab results are being written"
like "$out" "[1-9][0-9]* attachment rows in the dump, each with its file" \
	"it checks that every attachment row in the dump has its file in the copy"
wait "$LOAD"
is "$(sort -u "$T_TMP/load.codes" | tr '\n' ' ')" "201 " "every write of the load succeeded"
is "$(stat -c %a "$BK") $(find "$BK" -type f ! -perm 0600 | wc -l) $(find "$BK" -type d ! -perm 0700 | wc -l)" \
	"700 0 0" "the backup folder is 0700, every file in it 0600"
(cd "$BK" && sha256sum --check --quiet --strict MANIFEST) >/dev/null 2>&1
ok $? "its MANIFEST lists every file with its SHA-256"
# Rows in the dump (extended inserts: one statement, many "(...)" rows).
BK_LABS=$(awk '/^INSERT INTO `lab_results` VALUES/ { on = 1; next }
	on && /^\(/ { n++ } on && /;$/ { on = 0 } END { print n + 0 }' "$BK/database.sql")
diag "backup: $(wc -l <"$BK/MANIFEST") files, $(du -sh "$BK" | cut -f1); $BK_LABS lab results in the dump, $(grep -c 201 "$T_TMP/load.codes") load writes done"

# After the backup: gone after the restore.
L3=$(lab_new "$PROV_TOK" '{"result_value":"after the backup"}')
A3=$(upload application/pdf "$T_TMP/report.pdf")
LABS_NOW=$(sql "SELECT COUNT(*) FROM lab_results")

# ---------------------------------------------------------------------------
# a corrupted backup is refused, nothing changed

cp -a "$BK" "$T_TMP/bad"
f=$(find "$T_TMP/bad/attachments" -type f | head -n 1)
printf '\x5a' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
before="$(att_state) $(sums "$CONF" "$SIGNING" | tr '\n' ' ')"
out=$(dev restore "$T_TMP/bad" --yes 2>&1)
rc=$?
isnt "$rc" 0 "restore of a backup with one byte changed fails"
like "$out" "corrupted" "with a clear error: $(grep -m1 error <<<"$out")"
is "$(att_state) $(sums "$CONF" "$SIGNING" | tr '\n' ' ') $(sql "SELECT COUNT(*) FROM lab_results")" \
	"$before $LABS_NOW" "nothing changed: database, attachments, config and keys as they were"
out=$(dev restore "$BK" 2>&1)
isnt "$?" 0 "restore without --yes refuses"
api GET "/api/v1/lab-results/$L3" "" -H "Authorization: Bearer $PROV_TOK"
is "$STATUS" 200 "the stack still serves what was written after the backup"

# ---------------------------------------------------------------------------
# a fresh state: no database, no attachments, other keys in var/

sql "DROP DATABASE \`$DB_NAME\`"
rm -rf -- "${ATT_DIR:?}"/*
rm -f -- "$SIGNING" "$VERIFYK"
sed -i -E "s/^crypto\.data_key = .*/crypto.data_key = $(od -An -vtx1 -N32 /dev/urandom | tr -d ' \n')/" "$CONF"
out=$(dev restore "$BK" --yes 2>&1)
rc=$?
is "$rc" 0 "scripts/dev restore --yes into the wiped state"
((rc == 0)) || diag "$(tail -n 20 <<<"$out")"
is "$(stat -c %a "$SIGNING" 2>/dev/null) $(sums "$SIGNING") $(sums "$VERIFYK")" \
	"600 $(sums "$BK/keys/audit.signing_key_file") $(sums "$BK/keys/audit.verify_key_file")" \
	"the audit key pair comes from the backup"

V=$("$BUILD/tools/concierge-audit" --config "$CONF" verify 2>"$T_TMP/verify.err")
is "$? $(jq -c .ok <<<"$V")" "0 true" "concierge-audit verify passes on the restored database"
as "$PROV_TOK" GET "/api/v1/lab-results/$L1"
is "$STATUS $(jq -cS '{result_value, notes, attachment_ids}' <<<"$BODY")" "200 $L1_BODY" \
	"the sealed lab value decrypts, equal to before"
as "$PROV_TOK" GET "/api/v1/lab-results/$L2"
is "$STATUS $(jq -cS '{result_value, notes}' <<<"$BODY")" "200 $L2_BODY" "so does the other one"
bad=0
for id in $(sql "SELECT id FROM lab_results WHERE patient_id = '$PAT_ID'"); do
	as "$PROV_TOK" GET "/api/v1/lab-results/$id"
	[[ $STATUS == 200 && -n $(jq -r '.result_value // empty' <<<"$BODY") ]] || bad=$((bad + 1))
done
is "$bad" 0 "every lab result of the patient (the load's included) reads back with its value"
att_get "$PROV_TOK" "/api/v1/lab-results/$L1/attachments/$A1" "$T_TMP/got.pdf"
is "$STATUS $(sums "$T_TMP/got.pdf")" "200 $SHA_PDF" "the linked attachment downloads with its SHA-256"
att_get "$PROV_TOK" "/api/v1/attachments/$A2" "$T_TMP/got.png"
is "$STATUS $(sums "$T_TMP/got.png")" "200 $SHA_PNG" "the unlinked one too"
missing=0
while read -r name; do
	[[ -f $(att_path "$name") ]] || missing=$((missing + 1))
done < <(sql "SELECT storage_name FROM attachments")
is "$missing" 0 "every attachment row has its file"
as "$PROV_TOK" GET "/api/v1/lab-results/$L3"
is "$STATUS" 404 "the lab result written after the backup is gone"
is "$(sql "SELECT COUNT(*) FROM attachments WHERE id = '$A3'") $(sql "SELECT COUNT(*) FROM lab_results")" \
	"0 $BK_LABS" "so is the attachment; as many lab results as the dump holds"

# ---------------------------------------------------------------------------
# back to the start

out=$(dev restore "$START" --yes 2>&1)
is "$?" 0 "the start state restored"
: >"$T_TMP/restored-start"
api GET "/api/v1/lab-results/$L1" "" -H "Authorization: Bearer $PROV_TOK"
is "$STATUS $(curl -s -o /dev/null -w '%{http_code}' "$BASE/healthz/records")" "401 200" \
	"the stack serves, without this test's users"

done_testing
