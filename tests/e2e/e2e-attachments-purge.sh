#!/usr/bin/env bash
# e2e-attachments-purge: `concierge-attachments purge` removes uploads
# never linked to a record once older than a day (row, then file, one
# audit row per batch), files no row names and dead temporary files;
# it keeps young uploads and everything linked. The triggers of
# migration 0008 keep a linked attachment from changing or going away.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
need_build
PURGE=$BUILD/tools/concierge-attachments
[[ -x $PURGE ]] || bail "no $PURGE"

PAT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
make_pdf "$T_TMP/a.pdf" 5000

upload() { # prints the id of a fresh upload
	att_upload "$PAT" application/pdf "purge-$1.pdf" "$T_TMP/a.pdf"
	[[ $STATUS == 201 ]] || bail "upload $1: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
name_of() { sql "SELECT storage_name FROM attachments WHERE id='$1'"; }
exists() { [[ -f $(att_path "$1") ]] && echo yes || echo no; }

OLD=$(upload old)
OLD_NAME=$(name_of "$OLD")
LINKED=$(upload linked)
LINKED_NAME=$(name_of "$LINKED")
# Linked the way a worker does: once, from unattached.
sql "UPDATE attachments SET attached_kind='lab_result', attached_id='purgetestrecordaaaaaaaaaaa',
	attached_at=UTC_TIMESTAMP(6) WHERE id='$LINKED' AND attached_kind IS NULL"
# Left behind by crashes: a file no row names, a temporary file.
ORPHAN=$(od -An -vtx1 -N16 /dev/urandom | tr -d ' \n')
mkdir -p "$ATT_DIR/${ORPHAN:0:2}" && printf 'junk' >"$(att_path "$ORPHAN")"
PART=$ATT_DIR/tmp/$(od -An -vtx1 -N16 /dev/urandom | tr -d ' \n').part
printf 'junk' >"$PART"
on_exit "rm -f '$(att_path "$ORPHAN")' '$PART'"

# --- young: nothing goes ---
out=$("$PURGE" --config "$CONF" purge 2>"$T_TMP/purge.log")
is "$?" 0 "purge exits 0"
like "$out" '^concierge-attachments: purged [0-9]+ unattached uploads, [0-9]+ orphan files, [0-9]+ temporary files$' \
	"one line of counts"
is "$(exists "$OLD_NAME")$(exists "$ORPHAN")$([[ -f $PART ]] && echo yes)" yesyesyes "a fresh upload, orphan and temporary file stay"
is "$(sql "SELECT COUNT(*) FROM attachments WHERE id='$OLD'")" 1 "the fresh upload's row stays"

# --- a day and an hour later ---
clock_shift $((25 * 3600))
# Sessions do not live a day: sign in again at the shifted clock.
PAT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
YOUNG=$(upload young)	# made "now", at the shifted clock
like "$YOUNG" '^[a-z2-7]{26}$' "an upload made a day later"
YOUNG_NAME=$(name_of "$YOUNG")
before=$(counts)
out=$("$PURGE" --config "$CONF" purge --dry-run 2>>"$T_TMP/purge.log")
is "$?" 0 "dry run exits 0"
like "$out" '^concierge-attachments: would purge [1-9][0-9]* unattached uploads' "dry run says what it would do"
is "$(delta "$before" "$(counts)")" none "dry run writes nothing"
is "$(exists "$OLD_NAME")" yes "dry run removes nothing"

before=$(counts)
out=$("$PURGE" --config "$CONF" purge 2>>"$T_TMP/purge.log")
is "$?" 0 "purge exits 0"
diag "$out"
is "$(sql "SELECT COUNT(*) FROM attachments WHERE id='$OLD'")" 0 "the day-old unattached upload's row is gone"
is "$(exists "$OLD_NAME")" no "and its file"
is "$(sql "SELECT COUNT(*) FROM attachments WHERE id IN ('$LINKED', '$YOUNG')")" 2 "linked and young uploads stay"
is "$(exists "$LINKED_NAME")$(exists "$YOUNG_NAME")" yesyes "with their files"
is "$(exists "$ORPHAN")" no "a file no row names is removed"
ok "$([[ ! -e $PART ]]; echo $?)" "a dead temporary file is removed"
is "$(sql "SELECT COUNT(*) FROM attachments WHERE attached_kind IS NULL AND created_at < UTC_TIMESTAMP(6) + INTERVAL 1 HOUR")" 0 \
	"no unattached upload older than a day is left"
is "$(sql "SELECT CONCAT_WS(' ', action, entity_type, IFNULL(actor_id, '-'), actor_role, outcome)
	FROM audit_log WHERE action='purge' ORDER BY id DESC LIMIT 1")" "purge attachment - system success" \
	"the purge is audited as the system"
is "$(sql "SELECT JSON_CONTAINS(metadata, JSON_QUOTE('$OLD'), '\$.ids') FROM audit_log WHERE action='purge' ORDER BY id DESC LIMIT 1")" 1 \
	"its audit row lists the purged id"
out=$("$PURGE" --config "$CONF" purge 2>>"$T_TMP/purge.log")
is "$out" "concierge-attachments: purged 0 unattached uploads, 0 orphan files, 0 temporary files" \
	"a second run finds nothing (cron may run it any time)"
clock_reset

# --- a lab result's file is served by the records worker, not here ---
PAT=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
api GET "/api/v1/attachments/$LINKED" "" -H "Authorization: Bearer $PAT"
is "$STATUS" 404 "a lab-result attachment is 404 here, even to its uploader"

# --- usage ---
"$PURGE" --config "$CONF" 2>/dev/null
is "$?" 2 "no command: exit 2"
"$PURGE" --config "$CONF" purge --hours 0 2>/dev/null
is "$?" 2 "--hours 0: exit 2"

# --- a linked attachment never changes or goes away, even for root ---
sql "DELETE FROM attachments WHERE id='$LINKED'" 2>"$T_TMP/sql.err"
isnt "$?" 0 "DELETE of a linked attachment is refused"
like "$(cat "$T_TMP/sql.err")" "part of its record" "by the trigger"
sql "UPDATE attachments SET attached_id='othertestrecordaaaaaaaaaaa' WHERE id='$LINKED'" 2>"$T_TMP/sql.err"
isnt "$?" 0 "moving a linked attachment to another record is refused"
sql "UPDATE attachments SET sha256=UNHEX(SHA2('x', 256)) WHERE id='$YOUNG'" 2>"$T_TMP/sql.err"
isnt "$?" 0 "what a file is (its digest) never changes"
is "$(sql "SELECT attached_id FROM attachments WHERE id='$LINKED'")" purgetestrecordaaaaaaaaaaa "the link is as it was"

done_testing
