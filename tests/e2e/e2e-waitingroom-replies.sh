#!/usr/bin/env bash
# e2e-waitingroom-replies: what the replies are made from.
#  - A patient's poll (GET /api/v1/waiting-room/entries/{id}) reads the
#    entry, the queue, the presence with the running session and the
#    announcements in one query: its position, estimate, provider status
#    and announcements agree with the provider's queue view (read the
#    old way, one query each) for waiting and away entries, a corrected
#    pace and lateness, a running session and an expired announcement;
#    an entry that left shows no place and no announcements.
#  - Staff check a patient in: a new entry in the queue, checked in by
#    staff, audited so, seen by the patient.
#  - A committed admission answers 201 from what was written: a provider
#    whose full name is 200 three-byte characters (600 bytes, more than a
#    token field holds) still gets a join token, which the LiveKit SDK
#    verifies, with the name cut at a character boundary.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

command -v node >/dev/null || bail "node is not installed (needed for the LiveKit SDK)"
[[ -d $LK_DIR/node_modules/livekit-server-sdk ]] || bail "tests/node/livekit has no node_modules (scripts/dev runs npm ci there)"
[[ $(conf_get video.provider) == livekit ]] || bail "the dev config must say video.provider = livekit"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PAT1 PAT1_TOK <<<"$(mkuser patient)"
read -r PAT2 PAT2_TOK <<<"$(mkuser patient)"
read -r PAT3 PAT3_TOK <<<"$(mkuser patient)"
read -r PAT4 PAT4_TOK <<<"$(mkuser patient)"

# Four visits: 1 first; 2 and 3 at the same start (check-in order decides); 4 last.
A1=$(mkappt "$PROV" "$PAT1" 300 20)
A2=$(mkappt "$PROV" "$PAT2" 600 30)
A3=$(mkappt "$PROV" "$PAT3" 600 15)
A4=$(mkappt "$PROV" "$PAT4" 840 45)
checkin "$PAT1_TOK" "$A1"; E1=$(jq -r .id <<<"$BODY")
checkin "$PAT2_TOK" "$A2"; E2=$(jq -r .id <<<"$BODY")
checkin "$PAT3_TOK" "$A3"; E3=$(jq -r .id <<<"$BODY")
checkin "$PAT4_TOK" "$A4"; E4=$(jq -r .id <<<"$BODY")
is "$STATUS" 201 "four patients check in"

# The provider's figures as sessions leave them, and announcements: two current, one expired.
sql "UPDATE provider_presence SET pace_ratio = 1.375, lateness_seconds = 150.5, sessions_measured = 4 WHERE provider_id = '$PROV'"
[[ $(sql "SELECT COUNT(*) FROM provider_presence WHERE provider_id = '$PROV'") == 1 ]] ||
	sql "INSERT INTO provider_presence (provider_id, status, pace_ratio, lateness_seconds, sessions_measured, updated_at)
		VALUES ('$PROV', 'offline', 1.375, 150.5, 4, UTC_TIMESTAMP(6))"
as "$PROV_TOK" PUT /api/v1/waiting-room/presence '{"status":"available"}'
is "$STATUS" 200 "the provider is available"
as "$STAFF_TOK" POST /api/v1/waiting-room/announcements "$(jq -cn --arg p "$PROV" '{provider_id:$p, text:"First notice"}')"
as "$PROV_TOK" POST /api/v1/waiting-room/announcements "$(jq -cn --arg p "$PROV" '{provider_id:$p, text:"Second notice, with ünïcödé"}')"
is "$STATUS" 201 "two announcements"
sql "UPDATE waiting_room_announcements SET created_at = created_at - INTERVAL 1 MINUTE WHERE provider_id = '$PROV' AND text = 'First notice'"
sql "INSERT INTO waiting_room_announcements (id, provider_id, text, created_by, created_at, expires_at)
	VALUES ('$(head -c 40 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | head -c 26)', '$PROV',
	'Expired notice', '$PROV', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)"

# Patient 1 is admitted (a running session, presence busy); patient 3 is away.
as "$PROV_TOK" POST /api/v1/waiting-room/admit '{}'
is "$STATUS $(jq -r .waiting_room_entry_id <<<"$BODY")" "201 $E1" "the provider admits patient 1"
sql "UPDATE waiting_room_entries SET status = 'away', away_since = UTC_TIMESTAMP(6) WHERE id = '$E3'"

# poll_vs_queue PATIENT_TOKEN ENTRY: the poll's place and extras against the queue view's.
as "$PROV_TOK" GET /api/v1/waiting-room
is "$STATUS" 200 "the provider reads the queue"
QUEUE=$BODY
is "$(jq -r '[.data[].id] | join(",")' <<<"$QUEUE")" "$E2,$E3,$E4" "queue: start, then check-in time; away keeps its place"
is "$(jq -r '.provider_status, (.current_session != null)' <<<"$QUEUE" | tr '\n' ' ')" "busy true " "queue: busy, in a session"
poll_vs_queue() {
	local tok=$1 entry=$2 want got a0
	a0=$(sql "SELECT COUNT(*) FROM audit_log")
	as "$tok" GET "/api/v1/waiting-room/entries/$entry"
	is "$STATUS" 200 "poll of $entry"
	got=$(jq -c '{status, position, estimated_wait_minutes, provider_status, appointment_start_at, booked_minutes, checked_in_at}' <<<"$BODY")
	want=$(jq -c --arg id "$entry" '.data[] | select(.id == $id) | {status, position, estimated_wait_minutes, provider_status, appointment_start_at, booked_minutes, checked_in_at}' <<<"$QUEUE")
	is "$got" "$want" "the poll's place and estimate are the queue's ($(jq -r '.position, .estimated_wait_minutes' <<<"$BODY" | tr '\n' ' '))"
	is "$(jq -c '[.announcements[] | {id, text, expires_at}]' <<<"$BODY")" \
		"$(jq -c '[.announcements[] | {id, text, expires_at}]' <<<"$QUEUE")" "the poll's announcements are the queue's"
	is "$(sql "SELECT COUNT(*) FROM audit_log")" "$a0" "a patient's poll writes nothing"
}
poll_vs_queue "$PAT2_TOK" "$E2"
poll_vs_queue "$PAT3_TOK" "$E3"
poll_vs_queue "$PAT4_TOK" "$E4"
as "$PAT4_TOK" GET "/api/v1/waiting-room/entries/$E4"
is "$(jq -r '[.announcements[].text] | join("|")' <<<"$BODY")" "Second notice, with ünïcödé|First notice" \
	"current announcements only, newest first"
est2=$(jq -r --arg id "$E2" '.data[] | select(.id == $id) | .estimated_wait_minutes' <<<"$QUEUE")
est4=$(jq -r --arg id "$E4" '.data[] | select(.id == $id) | .estimated_wait_minutes' <<<"$QUEUE")
(( est2 >= 1 && est4 > est2 )); ok $? "estimates grow along the queue ($est2 < $est4 minutes)"

# Someone else's entry is 404 and audited as a denial, as before the single query.
d0=$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND entity_id = '$E2'")
as "$PAT4_TOK" GET "/api/v1/waiting-room/entries/$E2"
is "$STATUS" 404 "another patient's entry is not found"
is "$(jq -r '.position // "none"' <<<"$BODY")" none "and tells nothing of it"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND entity_id = '$E2'")" "$((d0 + 1))" "one denial row"

# An entry that left: no place, no announcements, the provider's status still shown.
as "$PAT4_TOK" POST "/api/v1/waiting-room/entries/$E4/leave"
is "$STATUS $(jq -r .status <<<"$BODY")" "200 left" "patient 4 leaves"
as "$PAT4_TOK" GET "/api/v1/waiting-room/entries/$E4"
is "$(jq -c '[.status, .position, .estimated_wait_minutes, (.announcements | length), .provider_status]' <<<"$BODY")" \
	'["left",null,null,0,"busy"]' "a closed entry: no place, no announcements, provider busy"
is "$(sql "SELECT status FROM waiting_room_entries WHERE id = '$E4'")" left "stored as left"

# --- staff check a patient in: a new entry, by staff, in the queue ---
read -r PAT5 PAT5_TOK <<<"$(mkuser patient)"
A5=$(mkappt "$PROV" "$PAT5" 900 15)
checkin "$STAFF_TOK" "$A5"
is "$STATUS $(jq -r '.status, .checked_in_by, .position' <<<"$BODY" | tr '\n' ' ')" "201 waiting $STAFF_ID 3 " \
	"staff check a patient in: a new entry, third in line"
E5=$(jq -r .id <<<"$BODY")
is "$(sql "SELECT CONCAT_WS(' ', e.patient_id = '$PAT5', e.checked_in_by, a.status) FROM waiting_room_entries e JOIN appointments a ON a.id = e.appointment_id WHERE e.id = '$E5'")" \
	"1 $STAFF_ID checked_in" "stored: the patient's entry, checked in by staff; the appointment checked in"
like "$(sql "SELECT JSON_VALUE(metadata, '\$.by_patient') FROM audit_log WHERE actor_id = '$STAFF_ID' AND action = 'check_in' AND entity_id = '$E5'")" "^(0|false)$" \
	"audited as checked in by staff"
as "$PAT5_TOK" GET "/api/v1/waiting-room/entries/$E5"
is "$STATUS $(jq -r .position <<<"$BODY")" "200 3" "the patient sees the entry staff made"

# --- a committed admission answers 201 whatever the provider's name ---
read -r PROVL PROVL_TOK <<<"$(mkuser provider)"
read -r PATL PATL_TOK <<<"$(mkuser patient)"
LONG=$(printf '€%.0s' $(seq 200))
sql "UPDATE users SET full_name = REPEAT(CONVERT(0xE282AC USING utf8mb4), 200) WHERE id = '$PROVL'"
is "$(sql "SELECT CHAR_LENGTH(full_name), LENGTH(full_name) FROM users WHERE id = '$PROVL'" | tr '\t' ' ')" "200 600" \
	"a provider named with 200 three-byte characters (600 bytes)"
AL=$(mkappt "$PROVL" "$PATL" 120 20)
checkin "$PATL_TOK" "$AL"; EL=$(jq -r .id <<<"$BODY")
as "$PROVL_TOK" POST /api/v1/waiting-room/admit '{}'
is "$STATUS" 201 "the admission answers 201"
SL=$(jq -r .video_session.id <<<"$BODY")
is "$(sql "SELECT status FROM video_sessions WHERE id = '$SL'") $(sql "SELECT status FROM waiting_room_entries WHERE id = '$EL'") $(sql "SELECT status FROM appointments WHERE id = '$AL'")" \
	"running admitted in_session" "session running, entry admitted, appointment in session"
claims=$(lk_verify "$(jq -r .join.token <<<"$BODY")")
is "$?" 0 "the provider's join token verifies with livekit-server-sdk"
name=$(jq -r .name <<<"$claims")
is "$(printf '%s' "$name" | wc -c) ${LONG#"$name"}" "255 $(printf '€%.0s' $(seq 115))" \
	"the display name is the first 85 characters (255 of at most 256 bytes: cut at a character boundary)"
as "$PROVL_TOK" GET "/api/v1/video-sessions/$SL/join"
is "$STATUS" 200 "GET .../join issues one too"
lk_verify "$(jq -r .token <<<"$BODY")" >/dev/null
is "$?" 0 "and it verifies"

done_testing
