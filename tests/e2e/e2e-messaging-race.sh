#!/usr/bin/env bash
# e2e-messaging-race: concurrency through nginx. (a) 40 messages posted at
# once by two participants into one thread are numbered 1..40 without a
# gap or a repeat, and the unread counts equal the unread receipts. (b)
# Read receipts racing new messages never lose a count. (c) Uploads being
# linked to messages while the purge runs: each is either linked (and its
# file kept) or purged (and its post refused), never both or neither.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
. "$T_LIB_DIR/messaging-lib.sh"
need_build

mk_patient PA
mk_provider DR
team_add "$PA" "$DR"
on_exit "sql \"DELETE FROM care_team WHERE patient_id='$PA'\""
mk_thread "$PA_TOK" "$PA" "race" "$DR"
[[ $STATUS == 201 ]] || bail "thread: $STATUS $BODY"
T=$(jq -r .id <<<"$BODY")

# fire N TOKEN_A TOKEN_B: N posts at once, alternating senders; codes in fire.out
fire() {
	local n=$1 i tok
	: >"$T_TMP/fire.out"
	for ((i = 0; i < n; i++)); do
		((i % 2)) && tok=$3 || tok=$2
		curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/api/v1/threads/$T/messages" \
			-H "$(auth "$tok")" -H 'Content-Type: application/json' \
			--data-binary "{\"body\":\"race $i\"}" >>"$T_TMP/fire.out" &
	done
	wait
}

# --- (a) numbering under concurrent posts ---
fire 40 "$PA_TOK" "$DR_TOK"
is "$(sort "$T_TMP/fire.out" | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" "201x40 " "40 concurrent posts: all 201"
is "$(sql "SELECT CONCAT_WS(' ', COUNT(*), COUNT(DISTINCT seq), MIN(seq), MAX(seq)) FROM messages WHERE thread_id='$T'")" \
	"40 40 1 40" "numbered 1..40: no gap, no repeat"
is "$(sql "SELECT message_count FROM threads WHERE id='$T'")" 40 "the thread's count agrees"
is "$(sql "SELECT COUNT(*) FROM message_receipts WHERE thread_id='$T'")" 40 "one receipt per message (one recipient each)"
for who in PA DR; do
	id=${!who}
	is "$(sql "SELECT unread_count FROM thread_participants WHERE thread_id='$T' AND user_id='$id'")" \
		"$(sql "SELECT COUNT(*) FROM message_receipts WHERE thread_id='$T' AND recipient_id='$id' AND status <> 'read'")" \
		"$who: the unread count equals the unread receipts (20)"
done

# --- (b) read receipts racing new messages ---
last=$(sql "SELECT id FROM messages WHERE thread_id='$T' ORDER BY seq DESC LIMIT 1")
(
	for i in 1 2 3 4 5; do
		curl -s -o /dev/null -X POST "$BASE/api/v1/threads/$T/read" -H "$(auth "$DR_TOK")" \
			-H 'Content-Type: application/json' --data-binary "{\"up_to_message_id\":\"$last\"}" &
	done
	wait
) &
fire 20 "$PA_TOK" "$PA_TOK"
wait
is "$(sql "SELECT unread_count FROM thread_participants WHERE thread_id='$T' AND user_id='$DR'")" \
	"$(sql "SELECT COUNT(*) FROM message_receipts WHERE thread_id='$T' AND recipient_id='$DR' AND status <> 'read'")" \
	"after racing reads and posts the provider's unread count still equals the unread receipts"
is "$(sql "SELECT COUNT(*) FROM message_receipts r JOIN messages m ON m.id = r.message_id
	WHERE r.thread_id='$T' AND r.recipient_id='$DR' AND m.seq <= 40 AND r.status <> 'read'")" 0 \
	"everything up to the marked message is read"

# --- (c) linking against the purge ---
make_pdf "$T_TMP/p.pdf" 2000
ids=()
for i in $(seq 1 16); do
	att_upload "$PA_TOK" application/pdf "race-$i.pdf" "$T_TMP/p.pdf"
	[[ $STATUS == 201 ]] || bail "upload $i: $STATUS"
	ids+=("$(jq -r .id <<<"$BODY")")
done
# A day later they are all stale: the purge and the posts race for them.
clock_shift $((25 * 3600))
PA_TOK=$(login "$(sql "SELECT email FROM users WHERE id='$PA'")" "$MSG_PW") || bail "login"
: >"$T_TMP/link.out"
for a in "${ids[@]}"; do
	curl -s -o /dev/null -w "$a %{http_code}\n" -X POST "$BASE/api/v1/threads/$T/messages" \
		-H "$(auth "$PA_TOK")" -H 'Content-Type: application/json' \
		--data-binary "{\"body\":\"file\",\"attachment_ids\":[\"$a\"]}" >>"$T_TMP/link.out" &
	if [[ $a == "${ids[5]}" ]]; then
		"$BUILD/tools/concierge-attachments" --config "$CONF" purge >"$T_TMP/purge.out" 2>&1 &
	fi
done
wait
clock_reset
linked=0 purged=0 broken=0
for a in "${ids[@]}"; do
	code=$(awk -v a="$a" '$1 == a { print $2 }' "$T_TMP/link.out")
	row=$(sql "SELECT CONCAT(IFNULL(attached_kind, 'none'), ' ', storage_name) FROM attachments WHERE id='$a'")
	msgs=$(sql "SELECT COUNT(*) FROM attachments a JOIN messages m ON m.id = a.attached_id WHERE a.id='$a'")
	if [[ $code == 201 && $row == message\ * && $msgs == 1 && -f $(att_path "${row#* }") ]]; then
		linked=$((linked + 1))
	elif [[ $code == 422 && -z $row ]]; then
		purged=$((purged + 1))
	else
		broken=$((broken + 1))
		diag "$a: post $code, row '$row', messages $msgs"
	fi
done
diag "linked $linked, purged $purged: $(cat "$T_TMP/purge.out")"
is "$broken" 0 "each upload is either linked with its file or purged with its post refused"
is "$((linked + purged))" 16 "all 16 accounted for"
is "$(sql "SELECT COUNT(*) FROM messages WHERE thread_id='$T' AND attachment_count > 0")" "$linked" \
	"a message with an attachment for each one linked, none for the purged"

done_testing
