# tests/e2e/matrix.d/60-waitingroom.sh: authorization rows of the waiting
# room and the video sessions (issue 11), sourced by e2e-auth-matrix.sh.
#
# Fixture, made in SQL and put back at exit: patient1 (pat) is checked in
# to two video visits with provider1 (prct): {WR_E} (for the reads,
# heartbeats and, last, admission) and {WR_L} (for leave); patient2
# (opat) is in a running session {VS} with provider2 (prnc). Rows run in
# order: leave by the patient comes after everyone else's attempt, the
# session ends after its events, and admission comes last.

wr_id() { head -c 40 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | head -c 26; }
WR_APPT=$(wr_id) WR_APPT_L=$(wr_id) WR_APPT_S=$(wr_id)
WR_E=$(wr_id) WR_L=$(wr_id) WR_S=$(wr_id) VS=$(wr_id)

# End whatever an interrupted earlier run left running for the two providers.
wr_matrix_release() {
	sql "UPDATE video_sessions SET status='ended', running_provider_id=NULL, ended_at=UTC_TIMESTAMP(6),
		end_reason='provider', duration_seconds=0 WHERE running_provider_id IN ('$PR1','$PR2');
	    UPDATE waiting_room_entries SET status='removed', ended_at=UTC_TIMESTAMP(6)
		WHERE id IN ('$WR_E','$WR_L') AND status IN ('waiting','away');
	    UPDATE appointments SET status='completed' WHERE id IN ('$WR_APPT','$WR_APPT_S') AND status='in_session';
	    UPDATE appointments SET status='cancelled' WHERE id IN ('$WR_APPT','$WR_APPT_L') AND status IN ('scheduled','checked_in');
	    UPDATE provider_presence SET status='offline' WHERE provider_id IN ('$PR1','$PR2')"
}
wr_matrix_release
on_exit wr_matrix_release

sql "INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at, status, visit_type,
	booked_by, created_at, updated_at) VALUES
	('$WR_APPT', '$PR1', '$P1', UTC_TIMESTAMP(6) + INTERVAL 5 MINUTE, UTC_TIMESTAMP(6) + INTERVAL 35 MINUTE,
	 'checked_in', 'video', '$P1', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
	('$WR_APPT_L', '$PR1', '$P1', UTC_TIMESTAMP(6) + INTERVAL 40 MINUTE, UTC_TIMESTAMP(6) + INTERVAL 50 MINUTE,
	 'checked_in', 'video', '$P1', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
	('$WR_APPT_S', '$PR2', '$P2', UTC_TIMESTAMP(6) - INTERVAL 5 MINUTE, UTC_TIMESTAMP(6) + INTERVAL 25 MINUTE,
	 'in_session', 'video', '$P2', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));
    INSERT INTO waiting_room_entries (id, appointment_id, provider_id, patient_id, status, appt_start_at,
	booked_minutes, checked_in_at, checked_in_by, last_heartbeat_at, video_session_id, updated_at) VALUES
	('$WR_E', '$WR_APPT', '$PR1', '$P1', 'waiting', UTC_TIMESTAMP(6) + INTERVAL 5 MINUTE, 30,
	 UTC_TIMESTAMP(6), '$P1', UTC_TIMESTAMP(6), NULL, UTC_TIMESTAMP(6)),
	('$WR_L', '$WR_APPT_L', '$PR1', '$P1', 'waiting', UTC_TIMESTAMP(6) + INTERVAL 40 MINUTE, 10,
	 UTC_TIMESTAMP(6), '$P1', UTC_TIMESTAMP(6), NULL, UTC_TIMESTAMP(6)),
	('$WR_S', '$WR_APPT_S', '$PR2', '$P2', 'admitted', UTC_TIMESTAMP(6) - INTERVAL 5 MINUTE, 30,
	 UTC_TIMESTAMP(6) - INTERVAL 6 MINUTE, '$P2', UTC_TIMESTAMP(6), '$VS', UTC_TIMESTAMP(6));
    INSERT INTO video_sessions (id, appointment_id, entry_id, provider_id, patient_id, room, status,
	running_provider_id, appt_start_at, booked_minutes, started_at, started_by, consent_snapshot) VALUES
	('$VS', '$WR_APPT_S', '$WR_S', '$PR2', '$P2', 'concierge-$VS', 'running', '$PR2',
	 UTC_TIMESTAMP(6) - INTERVAL 5 MINUTE, 30, UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE, '$PR2', '{}')" ||
	bail "matrix.d/60-waitingroom: cannot make the fixture"

SUB[WR_APPT]=$WR_APPT SUB[WR_E]=$WR_E SUB[WR_L]=$WR_L SUB[VS]=$VS
SUB[WR_NOW]=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SUB[WR_SOON]=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
PRESENT[waitingroom]=1

MATRIX+=$'\n'$(cat <<'TABLE'
# waitingroom: check-in (the entry exists: the same entry comes back)
waitingroom anon  POST   /api/v1/waiting-room/check-in                 401     -  {"appointment_id":"{WR_APPT}"}
waitingroom pat   POST   /api/v1/waiting-room/check-in                 200     -  {"appointment_id":"{WR_APPT}"}
waitingroom opat  POST   /api/v1/waiting-room/check-in                 404     d  {"appointment_id":"{WR_APPT}"}
waitingroom prct  POST   /api/v1/waiting-room/check-in                 403     d  {"appointment_id":"{WR_APPT}"}
waitingroom prnc  POST   /api/v1/waiting-room/check-in                 404     d  {"appointment_id":"{WR_APPT}"}
waitingroom prun  POST   /api/v1/waiting-room/check-in                 404     d  {"appointment_id":"{WR_APPT}"}
waitingroom staff POST   /api/v1/waiting-room/check-in                 200     -  {"appointment_id":"{WR_APPT}"}
waitingroom admin POST   /api/v1/waiting-room/check-in                 200     -  {"appointment_id":"{WR_APPT}"}
waitingroom aud   POST   /api/v1/waiting-room/check-in                 404     d  {"appointment_id":"{WR_APPT}"}
# waitingroom: one entry
waitingroom anon  GET    /api/v1/waiting-room/entries/{WR_E}           401     -  -
waitingroom pat   GET    /api/v1/waiting-room/entries/{WR_E}           200     -  -
waitingroom opat  GET    /api/v1/waiting-room/entries/{WR_E}           404     d  -
waitingroom prct  GET    /api/v1/waiting-room/entries/{WR_E}           200     -  -
waitingroom prnc  GET    /api/v1/waiting-room/entries/{WR_E}           404     d  -
waitingroom prun  GET    /api/v1/waiting-room/entries/{WR_E}           404     d  -
waitingroom staff GET    /api/v1/waiting-room/entries/{WR_E}           200     -  -
waitingroom admin GET    /api/v1/waiting-room/entries/{WR_E}           200     -  -
waitingroom aud   GET    /api/v1/waiting-room/entries/{WR_E}           404     d  -
waitingroom anon  POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 401     -  -
waitingroom pat   POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 200     -  -
waitingroom opat  POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 404     d  -
waitingroom prct  POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 403     d  -
waitingroom prnc  POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 404     d  -
waitingroom prun  POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 404     d  -
waitingroom staff POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 403     d  -
waitingroom admin POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 403     d  -
waitingroom aud   POST   /api/v1/waiting-room/entries/{WR_E}/heartbeat 404     d  -
waitingroom anon  POST   /api/v1/waiting-room/entries/{WR_L}/leave     401     -  -
waitingroom opat  POST   /api/v1/waiting-room/entries/{WR_L}/leave     404     d  -
waitingroom prct  POST   /api/v1/waiting-room/entries/{WR_L}/leave     403     d  -
waitingroom prnc  POST   /api/v1/waiting-room/entries/{WR_L}/leave     404     d  -
waitingroom prun  POST   /api/v1/waiting-room/entries/{WR_L}/leave     404     d  -
waitingroom staff POST   /api/v1/waiting-room/entries/{WR_L}/leave     403     d  -
waitingroom admin POST   /api/v1/waiting-room/entries/{WR_L}/leave     403     d  -
waitingroom aud   POST   /api/v1/waiting-room/entries/{WR_L}/leave     404     d  -
waitingroom pat   POST   /api/v1/waiting-room/entries/{WR_L}/leave     200     -  -
# waitingroom: the queue, presence, announcements
waitingroom anon  GET    /api/v1/waiting-room?provider_id={PR1}        401     -  -
waitingroom pat   GET    /api/v1/waiting-room?provider_id={PR1}        403     d  -
waitingroom opat  GET    /api/v1/waiting-room?provider_id={PR1}        403     d  -
waitingroom prct  GET    /api/v1/waiting-room?provider_id={PR1}        200     -  -
waitingroom prnc  GET    /api/v1/waiting-room?provider_id={PR1}        403     d  -
waitingroom prun  GET    /api/v1/waiting-room?provider_id={PR1}        403     d  -
waitingroom staff GET    /api/v1/waiting-room?provider_id={PR1}        200     -  -
waitingroom admin GET    /api/v1/waiting-room?provider_id={PR1}        200     -  -
waitingroom aud   GET    /api/v1/waiting-room?provider_id={PR1}        403     d  -
waitingroom anon  PUT    /api/v1/waiting-room/presence                 401     -  {"status":"available"}
waitingroom pat   PUT    /api/v1/waiting-room/presence                 403     d  {"status":"available"}
waitingroom opat  PUT    /api/v1/waiting-room/presence                 403     d  {"status":"available"}
waitingroom prct  PUT    /api/v1/waiting-room/presence                 200     -  {"status":"available"}
waitingroom prnc  PUT    /api/v1/waiting-room/presence                 200     -  {"status":"busy"}
waitingroom prun  PUT    /api/v1/waiting-room/presence                 403     d  {"status":"available"}
waitingroom staff PUT    /api/v1/waiting-room/presence                 403     d  {"status":"available"}
waitingroom admin PUT    /api/v1/waiting-room/presence                 403     d  {"status":"available"}
waitingroom aud   PUT    /api/v1/waiting-room/presence                 403     d  {"status":"available"}
waitingroom anon  POST   /api/v1/waiting-room/announcements            401     -  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom pat   POST   /api/v1/waiting-room/announcements            403     d  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom opat  POST   /api/v1/waiting-room/announcements            403     d  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom prct  POST   /api/v1/waiting-room/announcements            201     -  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom prnc  POST   /api/v1/waiting-room/announcements            403     d  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom prun  POST   /api/v1/waiting-room/announcements            403     d  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom staff POST   /api/v1/waiting-room/announcements            201     -  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom admin POST   /api/v1/waiting-room/announcements            201     -  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
waitingroom aud   POST   /api/v1/waiting-room/announcements            403     d  {"provider_id":"{PR1}","text":"Matrix notice","expires_at":"{WR_SOON}"}
# waitingroom: video sessions ({VS}: opat with prnc, running)
waitingroom anon  GET    /api/v1/video-sessions                        401     -  -
waitingroom pat   GET    /api/v1/video-sessions                        200     -  -
waitingroom opat  GET    /api/v1/video-sessions                        200     -  -
waitingroom prct  GET    /api/v1/video-sessions                        200     -  -
waitingroom prnc  GET    /api/v1/video-sessions                        200     -  -
waitingroom prun  GET    /api/v1/video-sessions                        403     d  -
waitingroom staff GET    /api/v1/video-sessions                        403     d  -
waitingroom admin GET    /api/v1/video-sessions                        200     -  -
waitingroom aud   GET    /api/v1/video-sessions                        403     d  -
waitingroom anon  GET    /api/v1/video-sessions/{VS}                   401     -  -
waitingroom pat   GET    /api/v1/video-sessions/{VS}                   404     d  -
waitingroom opat  GET    /api/v1/video-sessions/{VS}                   200     -  -
waitingroom prct  GET    /api/v1/video-sessions/{VS}                   404     d  -
waitingroom prnc  GET    /api/v1/video-sessions/{VS}                   200     -  -
waitingroom prun  GET    /api/v1/video-sessions/{VS}                   404     d  -
waitingroom staff GET    /api/v1/video-sessions/{VS}                   404     d  -
waitingroom admin GET    /api/v1/video-sessions/{VS}                   200     -  -
waitingroom aud   GET    /api/v1/video-sessions/{VS}                   404     d  -
waitingroom anon  GET    /api/v1/video-sessions/{VS}/join              401     -  -
waitingroom pat   GET    /api/v1/video-sessions/{VS}/join              404     d  -
waitingroom opat  GET    /api/v1/video-sessions/{VS}/join              200     -  -
waitingroom prct  GET    /api/v1/video-sessions/{VS}/join              404     d  -
waitingroom prnc  GET    /api/v1/video-sessions/{VS}/join              200     -  -
waitingroom prun  GET    /api/v1/video-sessions/{VS}/join              404     d  -
waitingroom staff GET    /api/v1/video-sessions/{VS}/join              404     d  -
waitingroom admin GET    /api/v1/video-sessions/{VS}/join              403     d  -
waitingroom aud   GET    /api/v1/video-sessions/{VS}/join              404     d  -
waitingroom anon  POST   /api/v1/video-sessions/{VS}/events            401     -  {"type":"joined","at":"{WR_NOW}"}
waitingroom pat   POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"joined","at":"{WR_NOW}"}
waitingroom opat  POST   /api/v1/video-sessions/{VS}/events            201     -  {"type":"joined","at":"{WR_NOW}"}
waitingroom prct  POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"joined","at":"{WR_NOW}"}
waitingroom prnc  POST   /api/v1/video-sessions/{VS}/events            201     -  {"type":"joined","at":"{WR_NOW}"}
waitingroom prun  POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"joined","at":"{WR_NOW}"}
waitingroom staff POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"joined","at":"{WR_NOW}"}
waitingroom admin POST   /api/v1/video-sessions/{VS}/events            403     d  {"type":"joined","at":"{WR_NOW}"}
waitingroom aud   POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"joined","at":"{WR_NOW}"}
waitingroom anon  POST   /api/v1/video-sessions/{VS}/events            401     -  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom pat   POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom opat  POST   /api/v1/video-sessions/{VS}/events            403     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom prct  POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom prnc  POST   /api/v1/video-sessions/{VS}/events            403     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom prun  POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom staff POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom admin POST   /api/v1/video-sessions/{VS}/events            201     -  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom aud   POST   /api/v1/video-sessions/{VS}/events            404     d  {"type":"amendment","at":"{WR_NOW}","detail":"matrix correction"}
waitingroom anon  POST   /api/v1/video-sessions/{VS}/end               401     -  {}
waitingroom pat   POST   /api/v1/video-sessions/{VS}/end               404     d  {}
waitingroom opat  POST   /api/v1/video-sessions/{VS}/end               403     d  {}
waitingroom prct  POST   /api/v1/video-sessions/{VS}/end               404     d  {}
waitingroom prun  POST   /api/v1/video-sessions/{VS}/end               404     d  {}
waitingroom staff POST   /api/v1/video-sessions/{VS}/end               404     d  {}
waitingroom admin POST   /api/v1/video-sessions/{VS}/end               403     d  {}
waitingroom aud   POST   /api/v1/video-sessions/{VS}/end               404     d  {}
waitingroom prnc  POST   /api/v1/video-sessions/{VS}/end               200     -  {}
# waitingroom: admission of {WR_E} (provider1's queue): the provider wins, staff and admin then find a session running
waitingroom anon  POST   /api/v1/waiting-room/admit                    401     -  {"entry_id":"{WR_E}"}
waitingroom pat   POST   /api/v1/waiting-room/admit                    403     d  {"entry_id":"{WR_E}"}
waitingroom opat  POST   /api/v1/waiting-room/admit                    403     d  {"entry_id":"{WR_E}"}
waitingroom prnc  POST   /api/v1/waiting-room/admit                    404     d  {"entry_id":"{WR_E}"}
waitingroom prun  POST   /api/v1/waiting-room/admit                    403     d  {"entry_id":"{WR_E}"}
waitingroom aud   POST   /api/v1/waiting-room/admit                    403     d  {"entry_id":"{WR_E}"}
waitingroom prct  POST   /api/v1/waiting-room/admit                    201     -  {"entry_id":"{WR_E}"}
waitingroom staff POST   /api/v1/waiting-room/admit                    409     -  {"entry_id":"{WR_E}"}
waitingroom admin POST   /api/v1/waiting-room/admit                    409     -  {"entry_id":"{WR_E}"}
TABLE
)
