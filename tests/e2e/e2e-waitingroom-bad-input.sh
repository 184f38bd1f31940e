#!/usr/bin/env bash
# e2e-waitingroom-bad-input: every bad input of the waiting room and the
# video sessions gets a clear RFC 9457 problem and writes nothing (the
# database is compared before and after each; a denial writes exactly
# its one audit row and nothing else).
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/waitingroom-lib.sh"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r OPROV OPROV_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
read -r OPAT OPAT_TOK <<<"$(mkuser patient)"
denied() { sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied'"; }

# bad TOKEN METHOD PATH BODY STATUS CODE NAME: the problem, and nothing written.
bad() {
	local tok=$1 m=$2 p=$3 b=$4 st=$5 code=$6 name=$7 before
	before=$(wr_counts)
	as "$tok" "$m" "$p" "$b"
	is "$STATUS $(jq -r .code <<<"$BODY")" "$st $code" "$name: $st $code"
	is "$(header Content-Type)" "application/problem+json" "$name: a problem document"
	is "$(wr_counts)" "$before" "$name: nothing written"
}
# denial ...: as bad, but exactly one denied audit row is written.
denial() {
	local tok=$1 m=$2 p=$3 b=$4 st=$5 code=$6 name=$7 d0 e0
	d0=$(denied)
	e0=$(sql "SELECT CONCAT((SELECT COUNT(*) FROM waiting_room_entries), '/', (SELECT COUNT(*) FROM video_session_events), '/', (SELECT COUNT(*) FROM events), '/', (SELECT COUNT(*) FROM outbox))")
	as "$tok" "$m" "$p" "$b"
	is "$STATUS $(jq -r .code <<<"$BODY")" "$st $code" "$name: $st $code"
	is "$(($(denied) - d0))" 1 "$name: one denial audited"
	is "$(sql "SELECT CONCAT((SELECT COUNT(*) FROM waiting_room_entries), '/', (SELECT COUNT(*) FROM video_session_events), '/', (SELECT COUNT(*) FROM events), '/', (SELECT COUNT(*) FROM outbox))")" "$e0" "$name: nothing else written"
}

CI=/api/v1/waiting-room/check-in
AV=$(mkappt "$PROV" "$PAT" 300 30)
AIP=$(mkappt "$PROV" "$PAT" 3600 30 in_person)
AIP2=$(mkappt "$PROV" "$PAT" 600 30 in_person)

# --- check-in ---
bad "$PAT_TOK" POST $CI '{"appointment_id":' 400 malformed_json "malformed JSON"
bad "$PAT_TOK" POST $CI '{}' 422 validation "missing appointment_id"
bad "$PAT_TOK" POST $CI "{\"appointment_id\":\"$AV\",\"extra\":1}" 422 validation "unknown field"
bad "$PAT_TOK" POST $CI '{"appointment_id":"not-an-id"}' 422 validation "a malformed id"
bad "$PAT_TOK" POST $CI '{"appointment_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}' 404 not_found "an unknown appointment"
bad "$PAT_TOK" POST $CI "{\"appointment_id\":\"$AIP2\"}" 422 not_a_video_visit "an in-person visit"
like "$(jq -r '.errors[0].field' <<<"$BODY")" appointment_id "... naming the field"
denial "$OPAT_TOK" POST $CI "{\"appointment_id\":\"$AV\"}" 404 not_found "someone else's appointment"
denial "$PROV_TOK" POST $CI "{\"appointment_id\":\"$AV\"}" 403 forbidden "the provider checks the patient in"
bad "$PAT_TOK" POST $CI "{\"appointment_id\":\"$AIP\"}" 422 not_a_video_visit "an in-person visit, later"
ATOOEARLY=$(mkappt "$PROV" "$PAT" 3600 30)
bad "$PAT_TOK" POST $CI "{\"appointment_id\":\"$ATOOEARLY\"}" 409 check_in_too_early "an hour early"
ALATE=$(mkappt "$PROV" "$PAT" -3600 30)
bad "$PAT_TOK" POST $CI "{\"appointment_id\":\"$ALATE\"}" 409 check_in_closed "after the visit"
ACANC=$(mkappt "$PROV" "$PAT" 200 30)
sql "UPDATE appointments SET status='cancelled' WHERE id='$ACANC'"
bad "$PAT_TOK" POST $CI "{\"appointment_id\":\"$ACANC\"}" 409 invalid_transition "a cancelled visit"
checkin "$PAT_TOK" "$AV"
is "$STATUS" 201 "a good check-in"
ENTRY=$(jq -r .id <<<"$BODY")

# --- entries ---
EP=/api/v1/waiting-room/entries/$ENTRY
denial "$OPAT_TOK" GET "$EP" "" 404 not_found "another patient's entry"
denial "$OPROV_TOK" GET "$EP" "" 404 not_found "another provider's entry"
denial "$PROV_TOK" POST "$EP/heartbeat" "" 403 forbidden "the provider heartbeats for the patient"
denial "$STAFF_TOK" POST "$EP/leave" "" 403 forbidden "staff leave for the patient"
bad "$PAT_TOK" GET /api/v1/waiting-room/entries/aaaaaaaaaaaaaaaaaaaaaaaaaa "" 404 not_found "an unknown entry"

# --- queue, presence, announcements ---
bad "$STAFF_TOK" GET /api/v1/waiting-room "" 422 validation "staff without provider_id"
bad "$STAFF_TOK" GET "/api/v1/waiting-room?provider_id=bad" "" 422 validation "a malformed provider_id"
bad "$STAFF_TOK" GET "/api/v1/waiting-room?provider_id=$PAT" "" 404 not_found "a patient's id as provider"
denial "$OPROV_TOK" GET "/api/v1/waiting-room?provider_id=$PROV" "" 403 forbidden "another provider's queue"
denial "$PAT_TOK" GET "/api/v1/waiting-room?provider_id=$PROV" "" 403 forbidden "a patient reads the queue"
bad "$PROV_TOK" PUT /api/v1/waiting-room/presence '{"status":"asleep"}' 422 validation "an unknown presence"
bad "$PROV_TOK" PUT /api/v1/waiting-room/presence '{}' 422 validation "no presence"
denial "$PAT_TOK" PUT /api/v1/waiting-room/presence '{"status":"busy"}' 403 forbidden "a patient sets presence"
AN=/api/v1/waiting-room/announcements
long=$(printf 'x%.0s' $(seq 1 281))
bad "$PROV_TOK" POST $AN "{\"provider_id\":\"$PROV\",\"text\":\"$long\"}" 422 validation "a 281-character announcement"
bad "$PROV_TOK" POST $AN "{\"provider_id\":\"$PROV\",\"text\":\"\"}" 422 validation "an empty announcement"
bad "$PROV_TOK" POST $AN "{\"provider_id\":\"$PROV\",\"text\":\"late\",\"expires_at\":\"2020-01-01T00:00:00Z\"}" 422 validation "an announcement expired already"
bad "$PROV_TOK" POST $AN "{\"provider_id\":\"$PROV\",\"text\":\"late\",\"expires_at\":\"2099-01-01T00:00:00Z\"}" 422 validation "an announcement too far ahead"
bad "$STAFF_TOK" POST $AN "{\"provider_id\":\"$PAT\",\"text\":\"late\"}" 422 validation "an announcement for a non-provider"
denial "$OPROV_TOK" POST $AN "{\"provider_id\":\"$PROV\",\"text\":\"late\"}" 403 forbidden "another provider's announcement"
denial "$PAT_TOK" POST $AN "{\"provider_id\":\"$PROV\",\"text\":\"late\"}" 403 forbidden "a patient's announcement"

# --- admission ---
AD=/api/v1/waiting-room/admit
bad "$OPROV_TOK" POST $AD '{}' 409 queue_empty "admit with nobody waiting"
denial "$OPROV_TOK" POST $AD "{\"entry_id\":\"$ENTRY\"}" 404 not_found "admitting from another provider's queue"
denial "$OPROV_TOK" POST $AD "{\"provider_id\":\"$PROV\"}" 403 forbidden "admitting another provider's next patient"
denial "$PAT_TOK" POST $AD '{}' 403 forbidden "a patient admits"
bad "$STAFF_TOK" POST $AD '{}' 422 validation "staff without entry or provider"
bad "$STAFF_TOK" POST $AD "{\"entry_id\":\"$ENTRY\",\"provider_id\":\"$OPROV\"}" 422 validation "entry and provider that do not match"
bad "$PROV_TOK" POST $AD '{"entry_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}' 404 not_found "an unknown entry"
as "$PROV_TOK" POST $AD '{}'
is "$STATUS" 201 "a good admission"
S=$(jq -r .video_session.id <<<"$BODY")
read -r P2 P2_TOK <<<"$(mkuser patient)"
A2=$(mkappt "$PROV" "$P2" 400 30)
checkin "$P2_TOK" "$A2"
bad "$PROV_TOK" POST $AD '{}' 409 session_running "a second session while one runs"
bad "$PROV_TOK" POST $AD "{\"entry_id\":\"$ENTRY\"}" 409 session_running "the admitted entry again, a session running"
bad "$PAT_TOK" POST "$EP/heartbeat" "" 409 entry_closed "a heartbeat once admitted"

# --- session events ---
SE=/api/v1/video-sessions/$S/events
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
FUT=$(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%SZ)
PAST=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)
bad "$PAT_TOK" POST "$SE" "{\"type\":\"danced\",\"at\":\"$NOW\"}" 422 validation "an unknown event type"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"ended\",\"at\":\"$NOW\"}" 422 validation "a server-only event type"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"$FUT\"}" 422 validation "a time in the future"
like "$(jq -r '.errors[0].message' <<<"$BODY")" "future" "... says so"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"$PAST\"}" 422 validation "a time before the session"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"joined\"}" 422 validation "no time"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"yesterday\"}" 422 validation "a malformed time"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"$NOW\",\"amends_event_id\":\"$S\"}" 422 validation "a non-amendment that amends"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"$NOW\",\"detail\":\"$(printf 'y%.0s' $(seq 1 2001))\"}" 422 validation "a 2001-character detail"
denial "$PAT_TOK" POST "$SE" "{\"type\":\"amendment\",\"at\":\"$NOW\",\"detail\":\"x\"}" 403 forbidden "a patient amends"
denial "$ADMIN_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"$NOW\"}" 403 forbidden "an admin logs a participant event"
denial "$P2_TOK" POST "$SE" "{\"type\":\"joined\",\"at\":\"$NOW\"}" 404 not_found "a stranger logs an event"
bad "$ADMIN_TOK" POST "$SE" "{\"type\":\"amendment\",\"at\":\"$NOW\"}" 422 validation "an amendment without detail"
bad "$ADMIN_TOK" POST "$SE" "{\"type\":\"amendment\",\"at\":\"$NOW\",\"detail\":\"x\",\"amends_event_id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaa\"}" 422 validation "an amendment of no such event"

# --- end ---
denial "$PAT_TOK" POST "/api/v1/video-sessions/$S/end" '{}' 403 forbidden "the patient ends the session"
bad "$PROV_TOK" POST "/api/v1/video-sessions/$S/end" '{"notes_summary":""}' 422 validation "empty notes"
bad "$PROV_TOK" POST "/api/v1/video-sessions/$S/end" '{"notes":"x"}' 422 validation "an unknown field"
as "$PROV_TOK" POST "/api/v1/video-sessions/$S/end"
is "$STATUS" 200 "ending without a body"
bad "$PROV_TOK" POST "/api/v1/video-sessions/$S/end" '{}' 409 session_ended "ending twice"
bad "$PROV_TOK" POST $AD "{\"entry_id\":\"$ENTRY\"}" 409 entry_not_waiting "admitting an admitted entry again"
bad "$PAT_TOK" POST "$SE" "{\"type\":\"left\",\"at\":\"$NOW\"}" 409 session_ended "an event on an ended session"
bad "$PAT_TOK" GET "/api/v1/video-sessions/$S/join" "" 409 session_ended "a join credential after the end"
denial "$P2_TOK" GET "/api/v1/video-sessions/$S" "" 404 not_found "a stranger reads the session"
bad "$PAT_TOK" GET "/api/v1/video-sessions?appointment_id=bad" "" 422 validation "a malformed appointment_id filter"
bad "$PAT_TOK" GET "/api/v1/video-sessions?cursor=bad" "" 422 validation "a forged cursor"
denial "$STAFF_TOK" GET "/api/v1/video-sessions" "" 403 forbidden "staff list sessions"

done_testing
