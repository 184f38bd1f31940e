#!/usr/bin/env bash
# e2e-waitingroom-race: admission is atomic. Six patients wait for one
# provider; 45 admits fire at once through nginx (to several worker
# processes): "admit next" from two browser tabs of the provider (two
# sessions of one account), staff admitting the next patient of that
# provider, and staff and both tabs admitting one given entry. Exactly
# one wins: one 201, every other 409; one running session, one admitted
# entry, one appointment in session: the provider never has two
# sessions. After the end, 30 admits of one given entry race again:
# that entry is admitted once.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

read -r PROV TAB1 <<<"$(mkuser provider)"
# A second tab: another session of the same provider.
TAB2=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | head -c 43)
sql "INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at)
	VALUES (LEFT(CONCAT(MD5(RAND()), MD5(RAND())), 26), '$PROV', UNHEX(SHA2('$TAB2', 256)),
	NOW(6), NOW(6), NOW(6) + INTERVAL 1 DAY)" || bail "second tab"

N=6
entries=() appts=()
for ((i = 0; i < N; i++)); do
	read -r p ptok <<<"$(mkuser patient)"
	a=$(mkappt "$PROV" "$p" $((300 + i * 60)) 20)
	checkin "$ptok" "$a"
	[[ $STATUS == 201 ]] || bail "check-in $i: $STATUS $BODY"
	entries+=("$(jq -r .id <<<"$BODY")")
	appts+=("'$a'")
done
IN_APPTS=$(IFS=,; echo "${appts[*]}")
IN_ENTRIES=$(printf "'%s'," "${entries[@]}"); IN_ENTRIES=${IN_ENTRIES%,}
TARGET=${entries[2]}

# fire JOBS: one curl per line "TOKEN BODY", all at once; codes in out.N.
fire() {
	local i=0 tok body
	rm -f "$T_TMP"/out.* "$T_TMP"/resp.*
	while read -r tok body; do
		printf '%s\n' "$body" >"$T_TMP/body.$i"
		printf '%s %s %s\n' "$i" "$tok" "$T_TMP/body.$i"
		i=$((i + 1))
	done <"$1" | xargs -P 45 -n 3 sh -c 'curl -s -o "'"$T_TMP"'/resp.$0" -w "%{http_code}\\n" --max-time 60 \
		-X POST -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
		--data-binary "@$2" "'"$BASE"'/api/v1/waiting-room/admit" >"'"$T_TMP"'/out.$0"'
}
codes() { cat "$T_TMP"/out.* | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' '; }

: >"$T_TMP/jobs"
for ((i = 0; i < 15; i++)); do
	echo "$TAB1 {}" >>"$T_TMP/jobs"
	echo "$TAB2 {}" >>"$T_TMP/jobs"
	echo "$STAFF_TOK {\"provider_id\":\"$PROV\"}" >>"$T_TMP/jobs"
done
for ((i = 0; i < 5; i++)); do
	echo "$STAFF_TOK {\"entry_id\":\"$TARGET\"}" >>"$T_TMP/jobs"
	echo "$TAB1 {\"entry_id\":\"$TARGET\"}" >>"$T_TMP/jobs"
done
log_before=$(wc -l <"$ROOT/var/log/waitingroom.log" 2>/dev/null || echo 0)
fire "$T_TMP/jobs"
total=$(wc -l <"$T_TMP/jobs")
is "$(cat "$T_TMP"/out.* | grep -c '^201$')" 1 "$total concurrent admits: exactly one 201 ($(codes))"
is "$(cat "$T_TMP"/out.* | grep -c '^409$')" $((total - 1)) "every other one 409"
is "$(sql "SELECT COUNT(*) FROM video_sessions WHERE provider_id='$PROV'")" 1 "one video session"
is "$(sql "SELECT COUNT(*) FROM video_sessions WHERE provider_id='$PROV' AND status='running'")" 1 "the provider runs one session"
is "$(sql "SELECT COUNT(*) FROM waiting_room_entries WHERE provider_id='$PROV' AND status='admitted'")" 1 "one entry admitted"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE id IN ($IN_APPTS) AND status='in_session'")" 1 "one appointment in session"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE action='admit' AND entity_id IN ($IN_ENTRIES)")" 1 "one admission audit row"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE template='provider_ready' AND recipient_user_id IN (SELECT patient_id FROM waiting_room_entries WHERE provider_id='$PROV')")" 1 \
	"one provider_ready notice"
like "$(cat "$T_TMP"/resp.* | grep -m1 '"status":409')" 'session_running|entry_not_waiting|conflict' "a loser says why"
pids=$(tail -n +"$((log_before + 1))" "$ROOT/var/log/waitingroom.log" 2>/dev/null |
	grep 'POST /api/v1/waiting-room/admit' | sed -n 's/.* pid=\([0-9]*\) .*/\1/p' | sort -u | wc -l)
ok $((pids >= 2 ? 0 : 1)) "served by $pids worker processes"

SESSION=$(sql "SELECT id FROM video_sessions WHERE provider_id='$PROV'")
WINNER=$(sql "SELECT id FROM waiting_room_entries WHERE provider_id='$PROV' AND status='admitted'")
as "$TAB2" POST "/api/v1/video-sessions/$SESSION/end" '{}'
is "$STATUS" 200 "the provider ends it (from the other tab)"

# One given entry, 30 admits at once from staff and both tabs.
[[ $WINNER == "$TARGET" ]] && TARGET=${entries[3]}
: >"$T_TMP/jobs"
for ((i = 0; i < 10; i++)); do
	for t in "$STAFF_TOK" "$TAB1" "$TAB2"; do
		echo "$t {\"entry_id\":\"$TARGET\"}" >>"$T_TMP/jobs"
	done
done
fire "$T_TMP/jobs"
is "$(cat "$T_TMP"/out.* | grep -c '^201$')" 1 "30 admits of one entry: one 201 ($(codes))"
is "$(sql "SELECT status FROM waiting_room_entries WHERE id='$TARGET'")" admitted "that entry is admitted"
is "$(sql "SELECT COUNT(*) FROM video_sessions WHERE entry_id='$TARGET'")" 1 "once"
is "$(sql "SELECT COUNT(*) FROM video_sessions WHERE provider_id='$PROV' AND status='running'")" 1 "still one running session"
is "$(sql "SELECT COUNT(*) FROM appointments WHERE id IN ($IN_APPTS) AND status='in_session'")" 1 "one appointment in session"
S2=$(sql "SELECT id FROM video_sessions WHERE entry_id='$TARGET'")
as "$TAB1" POST "/api/v1/video-sessions/$S2/end" '{}'
is "$STATUS" 200 "ended"

# Concurrent ends of one session: one 200.
as "$TAB1" POST /api/v1/waiting-room/admit '{}'
S3=$(jq -r .video_session.id <<<"$BODY")
rm -f "$T_TMP"/e.*
seq 1 20 | xargs -P 20 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\\n" -X POST \
	-H "Authorization: Bearer '"$TAB2"'" "'"$BASE"'/api/v1/video-sessions/'"$S3"'/end" >"'"$T_TMP"'/e.{}"'
is "$(cat "$T_TMP"/e.* | grep -c '^200$') $(cat "$T_TMP"/e.* | grep -c '^409$')" "1 19" "20 concurrent ends: one 200, nineteen 409"
is "$(sql "SELECT COUNT(*) FROM video_session_events WHERE session_id='$S3' AND type='ended'")" 1 "one 'ended' log event"

done_testing
