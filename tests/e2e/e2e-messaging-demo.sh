#!/usr/bin/env bash
# e2e-messaging-demo: the demo data of concierge-seed. A thread between
# patient1 and provider1 ("Your lab results", three messages, the first
# with a PDF lab report), readable through the API like any other, its
# bodies and file sealed like any other; running the seed again changes
# nothing.
. "${srcdir:-.}/tests/e2e/lib.sh"
. "$T_LIB_DIR/attachments-lib.sh"
need_build

T=demothreadpatientoneaaaaaa
A=demoattachmentlabreportaaa
P1=$(login patient1@demo.test "$DEMO_PASSWORD") || bail "patient1 login"
D1=$(login provider1@demo.test "$DEMO_PASSWORD") || bail "provider1 login"
P1ID=$(sql "SELECT id FROM users WHERE email_norm='patient1@demo.test'")
D1ID=$(sql "SELECT id FROM users WHERE email_norm='provider1@demo.test'")

api GET "/api/v1/threads/$T" "" -H "Authorization: Bearer $P1"
is "$STATUS" 200 "patient1 sees the demo thread"
is "$(jq -r '[.subject, .patient_id, .message_count] | join("|")' <<<"$BODY")" "Your lab results|$P1ID|3" \
	"about patient1, three messages"
is "$(jq -r '[.participants[].user_id] | sort | join(" ")' <<<"$BODY")" \
	"$(printf '%s\n' "$P1ID" "$D1ID" | sort | tr '\n' ' ' | sed 's/ $//')" "between patient1 and provider1"
is "$(sql "SELECT COUNT(*) FROM care_team WHERE patient_id='$P1ID' AND provider_id='$D1ID'")" 1 \
	"provider1 is on patient1's care team"
api GET "/api/v1/threads/$T/messages" "" -H "Authorization: Bearer $D1"
is "$STATUS" 200 "provider1 reads its messages"
is "$(jq -r '[.data[].sender_id] | join(" ")' <<<"$BODY")" "$D1ID $P1ID $D1ID" "a conversation, newest first"
like "$(jq -r '.data[2].body' <<<"$BODY")" "^Hi Pat, your lab results" "bodies in clear for participants"
is "$(jq -r '.data[2].attachments[0] | [.id, .filename, .content_type] | join("|")' <<<"$BODY")" \
	"$A|lab-report.pdf|application/pdf" "the first message carries the PDF"
att_get "$P1" "/api/v1/attachments/$A" "$T_TMP/lab.pdf"
is "$STATUS" 200 "patient1 downloads the lab report"
is "$(head -c 5 "$T_TMP/lab.pdf")" "%PDF-" "a PDF"
is "$(sha256sum "$T_TMP/lab.pdf" | cut -d' ' -f1)" "$(sql "SELECT LOWER(HEX(sha256)) FROM attachments WHERE id='$A'")" \
	"matching its recorded SHA-256"
is "$(sql "SELECT COUNT(*) FROM messages WHERE thread_id='$T' AND INSTR(body, 'lab results') = 0")" 3 \
	"the demo bodies are sealed too"
is "$(att_leaks "Demo lab report")" "" "and the demo file"

before=$(sql "SELECT CONCAT((SELECT COUNT(*) FROM threads), ' ', (SELECT COUNT(*) FROM messages), ' ', (SELECT COUNT(*) FROM attachments))")
files=$(att_files)
out=$("$BUILD/tools/concierge-seed" --config "$CONF" 2>&1)
is "$?" 0 "the seed runs again"
like "$out" "demo thread present" "and finds the thread there"
is "$(sql "SELECT CONCAT((SELECT COUNT(*) FROM threads), ' ', (SELECT COUNT(*) FROM messages), ' ', (SELECT COUNT(*) FROM attachments))")" \
	"$before" "no second thread, message or attachment"
is "$(att_files)" "$files" "no second file"

done_testing
