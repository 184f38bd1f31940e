#!/usr/bin/env bash
# e2e-waitingroom-visit: the full video visit through nginx. Staff book a
# video visit; the patient checks in (twice: same entry); a second
# patient queues behind; the provider goes available and staff announce
# a delay; the provider reads the queue and admits the next patient; the
# join tokens of both participants are verified with the official
# LiveKit SDK (livekit-server-sdk), and a token signed with another
# secret is refused by it; participants log session events (sealed at
# rest); the provider ends the session with notes; the appointment is
# completed; an admin amends the log; the log is append-only.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

command -v node >/dev/null || bail "node is not installed (needed for the LiveKit SDK)"
[[ -d $LK_DIR/node_modules/livekit-server-sdk ]] || bail "tests/node/livekit has no node_modules (scripts/dev runs npm ci there)"
[[ $(conf_get video.provider) == livekit ]] || bail "the dev config must say video.provider = livekit"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
read -r PAT2 PAT2_TOK <<<"$(mkuser patient)"
sql "UPDATE patient_profiles SET consent_signed_at = '2026-01-02 03:04:05' WHERE user_id = '$PAT'"

# --- booking (staff, outside availability with an override) and check-in ---
START=$(iso_in 600)
as "$STAFF_TOK" POST /api/v1/appointments "$(jq -cn --arg p "$PROV" --arg pt "$PAT" --arg s "$START" \
	'{provider_id:$p, patient_id:$pt, start_at:$s, duration_minutes:30, visit_type:"video", override_reason:"e2e visit"}')"
is "$STATUS" 201 "staff book a video visit in 10 minutes"
APPT=$(jq -r .id <<<"$BODY")

ev0=$(sql "SELECT COALESCE(MAX(id), 0) FROM events")
checkin "$PAT_TOK" "$APPT"
is "$STATUS" 201 "the patient checks in"
ENTRY=$(jq -r .id <<<"$BODY")
is "$(jq -r '.status, .position, .provider_status' <<<"$BODY" | tr '\n' ' ')" "waiting 1 offline " "waiting, first in line, provider offline"
est1=$(jq -r .estimated_wait_minutes <<<"$BODY")
ok $((est1 >= 9 && est1 <= 10 ? 0 : 1)) "the estimate waits for the booked start ($est1 minutes)"
is "$(sql "SELECT status FROM appointments WHERE id='$APPT'")" checked_in "appointment scheduled -> checked_in"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE action='check_in' AND entity_id IN ('$APPT','$ENTRY')")" 2 "check-in audited (entry and appointment)"
is "$(sql "SELECT COUNT(*) FROM events WHERE id > $ev0 AND type='waiting_room.updated' AND recipient_user_id='$PROV'")" 1 "the provider is told the queue changed"
is "$(sql "SELECT COUNT(*) FROM events WHERE id > $ev0 AND type='waiting_room.updated' AND recipient_user_id='$PAT' AND entity_id='$ENTRY'")" 1 "the patient is told about their entry"

checkin "$PAT_TOK" "$APPT"
is "$STATUS" 200 "checking in again answers 200"
is "$(jq -r .id <<<"$BODY")" "$ENTRY" "... with the same entry"
is "$(sql "SELECT COUNT(*) FROM waiting_room_entries WHERE appointment_id='$APPT'")" 1 "one entry per appointment"

# A second patient, booked right after: queued behind the first.
APPT2=$(mkappt "$PROV" "$PAT2" 840 20)
ev1=$(sql "SELECT MAX(id) FROM events")
checkin "$PAT2_TOK" "$APPT2"
is "$STATUS" 201 "a second patient checks in"
ENTRY2=$(jq -r .id <<<"$BODY")
is "$(jq -r .position <<<"$BODY")" 2 "second in line"
est2=$(jq -r .estimated_wait_minutes <<<"$BODY")
ok $((est2 - est1 >= 29 && est2 - est1 <= 31 ? 0 : 1)) "the second waits for the first visit's 30 booked minutes ($est1 -> $est2)"
is "$(sql "SELECT COUNT(*) FROM events WHERE id > $ev1 AND type='waiting_room.updated' AND recipient_user_id='$PAT'")" 0 \
	"the first patient, whose place did not change, is not told"
as "$PAT_TOK" GET "/api/v1/waiting-room/entries/$ENTRY2"
is "$STATUS" 404 "a patient cannot see another patient's entry"

# --- presence and announcements ---
as "$PROV_TOK" PUT /api/v1/waiting-room/presence '{"status":"available"}'
is "$STATUS $(jq -r .status <<<"$BODY")" "200 available" "the provider is available"
is "$(sql "SELECT status FROM provider_presence WHERE provider_id='$PROV'")" available "presence stored"
ev2=$(sql "SELECT MAX(id) FROM events")
as "$STAFF_TOK" POST /api/v1/waiting-room/announcements "$(jq -cn --arg p "$PROV" '{provider_id:$p, text:"Running 10 minutes late"}')"
is "$STATUS" 201 "staff announce a delay"
ANN=$(jq -r .id <<<"$BODY")
is "$(sql "SELECT COUNT(DISTINCT recipient_user_id) FROM events WHERE id > $ev2 AND type='waiting_room.updated' AND recipient_user_id IN ('$PAT','$PAT2','$PROV')")" 3 \
	"both patients and the provider are told"
as "$PAT2_TOK" GET "/api/v1/waiting-room/entries/$ENTRY2"
is "$(jq -r '.announcements[0].text, .provider_status' <<<"$BODY" | tr '\n' '|')" "Running 10 minutes late|available|" "the waiting patient sees the announcement and the provider's status"
a0=$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_type='waiting_room_entry' AND action='read'")
as "$PAT2_TOK" POST "/api/v1/waiting-room/entries/$ENTRY2/heartbeat"
is "$STATUS $(jq -r .status <<<"$BODY")" "200 waiting" "heartbeat"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_type='waiting_room_entry' AND action='read'")" "$a0" "a patient's own polling writes no audit row"

# --- the provider's queue ---
as "$PROV_TOK" GET /api/v1/waiting-room
is "$STATUS" 200 "the provider reads the queue"
is "$(jq -r '[.data[].id] | join(",")' <<<"$BODY")" "$ENTRY,$ENTRY2" "in order of appointment start"
is "$(jq -r '.announcements | length' <<<"$BODY")" 1 "with the announcement"
is "$(sql "SELECT JSON_VALUE(metadata, '\$.count') FROM audit_log WHERE actor_id='$PROV' AND action='read' AND entity_type='waiting_room_entry' ORDER BY id DESC LIMIT 1")" 2 \
	"the queue read is audited with both entries"

# --- admission ---
ev3=$(sql "SELECT MAX(id) FROM events")
as "$PROV_TOK" POST /api/v1/waiting-room/admit '{}'
is "$STATUS" 201 "the provider admits the next patient"
SESSION=$(jq -r .video_session.id <<<"$BODY")
ROOM=$(jq -r .video_session.room <<<"$BODY")
is "$(jq -r .waiting_room_entry_id <<<"$BODY")" "$ENTRY" "the first in line"
is "$(jq -r .video_session.consent_snapshot.consent_signed_at <<<"$BODY")" "2026-01-02T03:04:05Z" "consent snapshot copied from the profile"
PTOKEN=$(jq -r .join.token <<<"$BODY")
claims=$(lk_verify "$PTOKEN")
is "$?" 0 "the provider's join token verifies with livekit-server-sdk's TokenVerifier"
is "$(jq -r '[.sub, .iss, .video.room, .video.roomJoin] | join(" ")' <<<"$claims")" \
	"$PROV $(conf_get video.api_key) $ROOM true" "claims: sub = provider, iss = api key, room-scoped join grant"
want_ttl=$(conf_get video.token_ttl_seconds)
is "$(jq -r '.exp - .nbf' <<<"$claims")" "${want_ttl:-600}" "exp - nbf = video.token_ttl_seconds"
lk_verify "$PTOKEN" "not-the-secret-$(od -An -vtx1 -N8 /dev/urandom | tr -d ' \n')" >/dev/null 2>&1
isnt "$?" 0 "the SDK refuses the token under another secret"
tampered=$(jq -r '.join.token' <<<"$BODY" | awk -F. '{print $1"."$2"x."$3}')
lk_verify "$tampered" >/dev/null 2>&1
isnt "$?" 0 "the SDK refuses a tampered token"

is "$(sql "SELECT status, video_session_id FROM waiting_room_entries WHERE id='$ENTRY'" | tr '\t' ' ')" "admitted $SESSION" "entry admitted into the session"
is "$(sql "SELECT status FROM appointments WHERE id='$APPT'")" in_session "appointment -> in_session"
is "$(sql "SELECT status FROM video_sessions WHERE id='$SESSION'") $(sql "SELECT running_provider_id FROM video_sessions WHERE id='$SESSION'")" "running $PROV" "the session runs"
is "$(sql "SELECT status FROM provider_presence WHERE provider_id='$PROV'")" busy "the provider is busy"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE template='provider_ready' AND recipient_user_id='$PAT' AND JSON_VALUE(payload,'\$.video_session_id')='$SESSION'")" 1 \
	"outbox: provider_ready to the admitted patient"
is "$(sql "SELECT GROUP_CONCAT(DISTINCT type ORDER BY type) FROM events WHERE id > $ev3 AND recipient_user_id='$PAT'")" \
	"video_session.started,waiting_room.admitted" "the admitted patient gets waiting_room.admitted and video_session.started"
is "$(sql "SELECT COUNT(*) FROM events WHERE id > $ev3 AND recipient_user_id='$PAT2' AND type='waiting_room.updated'")" 1 \
	"the patient behind is told (position and estimate changed)"
is "$(sql "SELECT COUNT(*) FROM audit_log WHERE entity_id IN ('$ENTRY','$SESSION','$APPT') AND action IN ('admit','start')")" 3 \
	"admission audited (entry, session, appointment)"
as "$PAT2_TOK" GET "/api/v1/waiting-room/entries/$ENTRY2"
is "$(jq -r .position <<<"$BODY")" 1 "the second patient moves up"
as "$PAT_TOK" GET "/api/v1/waiting-room/entries/$ENTRY"
is "$(jq -r '.status, .video_session_id' <<<"$BODY" | tr '\n' ' ')" "admitted $SESSION " "the admitted patient's poll names the session"

as "$PAT_TOK" GET "/api/v1/video-sessions/$SESSION/join"
is "$STATUS" 200 "the patient gets a join credential"
claims=$(lk_verify "$(jq -r .token <<<"$BODY")")
is "$(jq -r '[.sub, .video.room, .video.roomJoin] | join(" ")' <<<"$claims")" "$PAT $ROOM true" "the patient's token verifies: own identity, same room"
is "$(jq -r .url <<<"$BODY")" "$(conf_get video.url)" "the url from video.url"
as "$PAT2_TOK" GET "/api/v1/video-sessions/$SESSION/join"
is "$STATUS" 404 "someone else gets no credential (404)"

# --- the session log ---
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
as "$PAT_TOK" POST "/api/v1/video-sessions/$SESSION/events" "{\"type\":\"joined\",\"at\":\"$NOW\",\"detail\":\"Patient camera on; mentions chest pain\"}"
is "$STATUS" 201 "the patient logs joined"
EV_JOIN=$(jq -r .id <<<"$BODY")
as "$PROV_TOK" POST "/api/v1/video-sessions/$SESSION/events" "{\"type\":\"media_quality\",\"at\":\"$NOW\",\"detail\":\"{\\\"packet_loss\\\":0.02}\"}"
is "$STATUS" 201 "the provider logs media_quality"
as "$PROV_TOK" POST "/api/v1/video-sessions/$SESSION/events" "{\"type\":\"consent_captured\",\"at\":\"$NOW\"}"
is "$STATUS" 201 "consent_captured without detail"
plain=$(hex_of "chest pain")
is "$(sql "SELECT COUNT(*) FROM video_session_events WHERE id='$EV_JOIN' AND detail IS NOT NULL AND LOCATE(UNHEX('$plain'), detail) = 0 AND HEX(LEFT(detail, 1)) = '01'")" 1 \
	"event detail is sealed at rest (vault format 1, no plaintext)"

as "$PROV_TOK" POST "/api/v1/video-sessions/$SESSION/end" '{"notes_summary":"Reviewed symptoms; follow-up in two weeks"}'
is "$STATUS" 200 "the provider ends the session"
is "$(jq -r '.status, .end_reason' <<<"$BODY" | tr '\n' ' ')" "ended provider " "ended by the provider"
dur=$(jq -r .duration_seconds <<<"$BODY")
is "$dur" "$(sql "SELECT TIMESTAMPDIFF(SECOND, started_at, ended_at) FROM video_sessions WHERE id='$SESSION'")" "duration computed from start and end ($dur s)"
is "$(sql "SELECT status FROM appointments WHERE id='$APPT'")" completed "appointment -> completed"
is "$(sql "SELECT status, sessions_measured FROM provider_presence WHERE provider_id='$PROV'" | tr '\t' ' ')" "available 1" \
	"the provider is available again; the session is learnt for the estimate"
is "$(sql "SELECT running_provider_id IS NULL FROM video_sessions WHERE id='$SESSION'")" 1 "no session runs"
is "$(sql "SELECT COUNT(*) FROM video_session_events WHERE session_id='$SESSION' AND type='ended' AND notes IS NOT NULL AND LOCATE(UNHEX('$(hex_of follow-up)'), notes) = 0")" 1 \
	"the notes are sealed in the 'ended' event"
is "$(sql "SELECT COUNT(*) FROM events WHERE recipient_user_id IN ('$PAT','$PROV') AND entity_id='$SESSION' AND type='video_session.ended'")" 2 \
	"video_session.ended to both participants"

as "$PAT_TOK" POST "/api/v1/video-sessions/$SESSION/events" "{\"type\":\"left\",\"at\":\"$NOW\"}"
is "$STATUS" 409 "no participant event after the end"
as "$ADMIN_TOK" POST "/api/v1/video-sessions/$SESSION/events" "$(jq -cn --arg e "$EV_JOIN" --arg at "$NOW" \
	'{type:"amendment", at:$at, amends_event_id:$e, detail:"joined two minutes later than logged"}')"
is "$STATUS" 201 "an admin amends the ended session's log"
is "$(sql "SELECT COUNT(*) FROM video_session_events WHERE session_id='$SESSION' AND type='amendment' AND amends_event_id='$EV_JOIN'")" 1 "the amendment is a new event naming the corrected one"

as "$PROV_TOK" GET "/api/v1/video-sessions/$SESSION"
is "$STATUS" 200 "the provider reads the session"
is "$(jq -r '[.events[].type] | join(",")' <<<"$BODY")" "started,joined,media_quality,consent_captured,ended,amendment" "the whole log, in order"
is "$(jq -r '.events[1].detail' <<<"$BODY")" "Patient camera on; mentions chest pain" "detail opened for a participant"
is "$(jq -r '.events[] | select(.type=="ended") | .notes_summary' <<<"$BODY")" "Reviewed symptoms; follow-up in two weeks" "notes opened"
is "$(jq -r '.participants | length' <<<"$BODY")" 2 "two participants"
as "$PAT_TOK" GET "/api/v1/video-sessions?appointment_id=$APPT"
is "$(jq -r '.data | length' <<<"$BODY") $(jq -r '.data[0].id' <<<"$BODY")" "1 $SESSION" "the patient lists the session of the appointment"
as "$PAT_TOK" GET "/api/v1/video-sessions/$SESSION/join"
is "$STATUS" 409 "no credential once the session ended"

# --- append-only, for the workers' account and for root ---
out=$(sql "UPDATE video_session_events SET type='left' WHERE session_id='$SESSION'" 2>&1)
like "$out" "append-only" "an UPDATE of the log is refused (even as root)"
out=$(sql "DELETE FROM video_session_events WHERE session_id='$SESSION'" 2>&1)
like "$out" "append-only" "a DELETE of the log is refused (even as root)"
grants=$(sql "SHOW GRANTS FOR concierge_worker" | grep 'video_session_events')
like "$grants" "SELECT, INSERT ON" "the workers' role may SELECT and INSERT the log"
unlike "$grants" "UPDATE|DELETE" "... and nothing else"

done_testing
