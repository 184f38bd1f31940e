# matrix.d/60-sec-appointments.sh: every role on every appointment route
# (sourced by e2e-auth-matrix.sh). The point is the unverified provider
# (prun): the rule of lib/policy.c refuses them every appointment route,
# audited, whatever the resource; the other roles show the rule does not
# over-reach. Rows are written so that no allowed attempt changes state:
# the visit is completed (cancel, reschedule, no-show, complete: 409 once
# allowed), bookings start in the past and availability bodies are empty
# (422 once allowed).

# A completed visit of patient1 with provider1, made here and gone at exit.
MX_APPT=$(head -c 40 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | head -c 26)
sql "INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at, status,
	visit_type, reason, booked_by, created_at, updated_at) VALUES ('$MX_APPT', '$PR1', '$P1',
	'2026-01-05 15:00:00', '2026-01-05 15:30:00', 'completed', 'video', 'matrix visit',
	'$P1', NOW(6), NOW(6))" || bail "cannot create the matrix visit"
on_exit "sql \"DELETE FROM appointments WHERE id = '$MX_APPT'\""
SUB[APPT]=$MX_APPT
PRESENT[appointments]=1

MATRIX+=$'\n'$(cat <<'TABLE'
# appointments: list (scoped to the caller)
appointments anon  GET    /api/v1/appointments                          401     -  -
appointments pat   GET    /api/v1/appointments                          200     -  -
appointments opat  GET    /api/v1/appointments                          200     -  -
appointments prct  GET    /api/v1/appointments                          200     -  -
appointments prnc  GET    /api/v1/appointments                          200     -  -
appointments prun  GET    /api/v1/appointments                          403     d  -
appointments prun  GET    /api/v1/appointments?provider_id={UNV}        403     d  -
appointments staff GET    /api/v1/appointments                          200     -  -
appointments admin GET    /api/v1/appointments                          200     -  -
appointments aud   GET    /api/v1/appointments                          403     d  -
# appointments: one visit (404 where telling would leak it)
appointments anon  GET    /api/v1/appointments/{APPT}                   401     -  -
appointments pat   GET    /api/v1/appointments/{APPT}                   200     -  -
appointments opat  GET    /api/v1/appointments/{APPT}                   404     d  -
appointments prct  GET    /api/v1/appointments/{APPT}                   200     -  -
appointments prnc  GET    /api/v1/appointments/{APPT}                   404     d  -
appointments prun  GET    /api/v1/appointments/{APPT}                   404     d  -
appointments staff GET    /api/v1/appointments/{APPT}                   200     -  -
appointments admin GET    /api/v1/appointments/{APPT}                   200     -  -
appointments aud   GET    /api/v1/appointments/{APPT}                   404     d  -
# appointments: transitions of a completed visit (409 once allowed)
appointments anon  POST   /api/v1/appointments/{APPT}/cancel            401     -  {"reason":"matrix"}
appointments pat   POST   /api/v1/appointments/{APPT}/cancel            409     -  {"reason":"matrix"}
appointments opat  POST   /api/v1/appointments/{APPT}/cancel            404     d  {"reason":"matrix"}
appointments prct  POST   /api/v1/appointments/{APPT}/cancel            409     -  {"reason":"matrix"}
appointments prnc  POST   /api/v1/appointments/{APPT}/cancel            404     d  {"reason":"matrix"}
appointments prun  POST   /api/v1/appointments/{APPT}/cancel            404     d  {"reason":"matrix"}
appointments staff POST   /api/v1/appointments/{APPT}/cancel            409     -  {"reason":"matrix"}
appointments admin POST   /api/v1/appointments/{APPT}/cancel            409     -  {"reason":"matrix"}
appointments aud   POST   /api/v1/appointments/{APPT}/cancel            404     d  {"reason":"matrix"}
appointments anon  POST   /api/v1/appointments/{APPT}/reschedule        401     -  {"start_at":"2031-03-03T15:00:00Z"}
appointments pat   POST   /api/v1/appointments/{APPT}/reschedule        409     -  {"start_at":"2031-03-03T15:00:00Z"}
appointments opat  POST   /api/v1/appointments/{APPT}/reschedule        404     d  {"start_at":"2031-03-03T15:00:00Z"}
appointments prct  POST   /api/v1/appointments/{APPT}/reschedule        409     -  {"start_at":"2031-03-03T15:00:00Z"}
appointments prnc  POST   /api/v1/appointments/{APPT}/reschedule        404     d  {"start_at":"2031-03-03T15:00:00Z"}
appointments prun  POST   /api/v1/appointments/{APPT}/reschedule        404     d  {"start_at":"2031-03-03T15:00:00Z"}
appointments staff POST   /api/v1/appointments/{APPT}/reschedule        409     -  {"start_at":"2031-03-03T15:00:00Z"}
appointments admin POST   /api/v1/appointments/{APPT}/reschedule        409     -  {"start_at":"2031-03-03T15:00:00Z"}
appointments aud   POST   /api/v1/appointments/{APPT}/reschedule        404     d  {"start_at":"2031-03-03T15:00:00Z"}
appointments anon  POST   /api/v1/appointments/{APPT}/no-show           401     -  -
appointments pat   POST   /api/v1/appointments/{APPT}/no-show           403     d  -
appointments opat  POST   /api/v1/appointments/{APPT}/no-show           404     d  -
appointments prct  POST   /api/v1/appointments/{APPT}/no-show           409     -  -
appointments prnc  POST   /api/v1/appointments/{APPT}/no-show           404     d  -
appointments prun  POST   /api/v1/appointments/{APPT}/no-show           404     d  -
appointments staff POST   /api/v1/appointments/{APPT}/no-show           409     -  -
appointments admin POST   /api/v1/appointments/{APPT}/no-show           409     -  -
appointments aud   POST   /api/v1/appointments/{APPT}/no-show           404     d  -
appointments anon  POST   /api/v1/appointments/{APPT}/complete          401     -  -
appointments pat   POST   /api/v1/appointments/{APPT}/complete          403     d  -
appointments opat  POST   /api/v1/appointments/{APPT}/complete          404     d  -
appointments prct  POST   /api/v1/appointments/{APPT}/complete          409     -  -
appointments prnc  POST   /api/v1/appointments/{APPT}/complete          404     d  -
appointments prun  POST   /api/v1/appointments/{APPT}/complete          404     d  -
appointments staff POST   /api/v1/appointments/{APPT}/complete          409     -  -
appointments admin POST   /api/v1/appointments/{APPT}/complete          409     -  -
appointments aud   POST   /api/v1/appointments/{APPT}/complete          404     d  -
# appointments: booking (a start in the past: 422 once allowed)
appointments anon  POST   /api/v1/appointments                          401     -  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments pat   POST   /api/v1/appointments                          422     -  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments opat  POST   /api/v1/appointments                          403     d  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments prct  POST   /api/v1/appointments                          403     d  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments prnc  POST   /api/v1/appointments                          403     d  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments prun  POST   /api/v1/appointments                          403     d  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments staff POST   /api/v1/appointments                          422     -  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments admin POST   /api/v1/appointments                          422     -  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
appointments aud   POST   /api/v1/appointments                          403     d  {"provider_id":"{PR1}","patient_id":"{P1}","start_at":"2026-01-05T16:00:00Z","duration_minutes":30,"visit_type":"video"}
# appointments: availability (own, or staff/admin; an empty PUT body: 422 once allowed)
appointments anon  GET    /api/v1/availability/{PR1}                    401     -  -
appointments pat   GET    /api/v1/availability/{PR1}                    403     d  -
appointments opat  GET    /api/v1/availability/{PR1}                    403     d  -
appointments prct  GET    /api/v1/availability/{PR1}                    200     -  -
appointments prnc  GET    /api/v1/availability/{PR1}                    403     d  -
appointments prun  GET    /api/v1/availability/{PR1}                    403     d  -
appointments prun  GET    /api/v1/availability/{UNV}                    403     d  -
appointments staff GET    /api/v1/availability/{PR1}                    200     -  -
appointments admin GET    /api/v1/availability/{PR1}                    200     -  -
appointments aud   GET    /api/v1/availability/{PR1}                    403     d  -
appointments anon  PUT    /api/v1/availability/{PR1}                    401     -  {}
appointments pat   PUT    /api/v1/availability/{PR1}                    403     d  {}
appointments opat  PUT    /api/v1/availability/{PR1}                    403     d  {}
appointments prct  PUT    /api/v1/availability/{PR1}                    422     -  {}
appointments prnc  PUT    /api/v1/availability/{PR1}                    403     d  {}
appointments prun  PUT    /api/v1/availability/{PR1}                    403     d  {}
appointments prun  PUT    /api/v1/availability/{UNV}                    403     d  {}
appointments staff PUT    /api/v1/availability/{PR1}                    422     -  {}
appointments admin PUT    /api/v1/availability/{PR1}                    422     -  {}
appointments aud   PUT    /api/v1/availability/{PR1}                    403     d  {}
# appointments: free slots (everyone signed in, but an unverified provider)
appointments anon  GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  401  -  -
appointments pat   GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
appointments opat  GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
appointments prct  GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
appointments prnc  GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
appointments prun  GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  403  d  -
appointments staff GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
appointments admin GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
appointments aud   GET    /api/v1/slots?provider_id={PR1}&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z  200  -  -
TABLE
)
