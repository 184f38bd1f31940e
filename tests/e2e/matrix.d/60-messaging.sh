# tests/e2e/matrix.d/60-messaging.sh: authorization rows of the messaging
# worker (issue 10), sourced by e2e-auth-matrix.sh after its actors exist.
#
# Threads: {THR} is patient1's thread with provider1 (on the team); staff
# are not on it. Patients start threads about themselves, providers
# about their team's patients, staff about anyone; admins, auditors and
# unverified providers take no part. Only participants read, post and
# mark read (404 for everyone else); staff add participants (403 for a
# participant who may not, 404 for one who does not see the thread).
# The DELETE rows come last: staff take provider1 off the thread, after
# which provider1 no longer sees it.
#
# Attachments: anyone but admins and auditors may upload (an empty JSON
# body shows the gate was passed: 415, not an upload); an unattached
# upload ({ATT}, patient1's) is its uploader's alone, 404 for everyone
# else; {MATT} is on a message of {THR}: its participants only.

ma_upload() { # TOKEN: upload a small PDF, print its id
	printf '%%PDF-1.4\nmatrix\n%%%%EOF\n' >"$T_TMP/matrix.pdf"
	curl -s -X POST "$BASE/api/v1/attachments" -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/pdf' -H 'X-Filename: matrix.pdf' \
		--data-binary "@$T_TMP/matrix.pdf" | jq -r .id
}
SUB[ATT]=$(ma_upload "${TOKEN[pat]}")
[[ ${SUB[ATT]} =~ ^[a-z2-7]{26}$ ]] || bail "matrix.d/60-messaging: no upload for the rows"
PRESENT[attach]=1
SUB[MATT]=$(ma_upload "${TOKEN[pat]}")
api POST /api/v1/threads "{\"patient_id\":\"$P1\",\"participant_ids\":[\"$PR1\"],\"subject\":\"matrix\"}" \
	-H "Authorization: Bearer ${TOKEN[pat]}"
[[ $STATUS == 201 ]] || bail "matrix.d/60-messaging: thread: $STATUS $BODY"
SUB[THR]=$(jq -r .id <<<"$BODY")
api POST "/api/v1/threads/${SUB[THR]}/messages" "{\"body\":\"matrix\",\"attachment_ids\":[\"${SUB[MATT]}\"]}" \
	-H "Authorization: Bearer ${TOKEN[pat]}"
[[ $STATUS == 201 ]] || bail "matrix.d/60-messaging: message: $STATUS $BODY"
SUB[MSG]=$(jq -r .id <<<"$BODY")
PRESENT[msg]=1

MATRIX+=$'\n'$(cat <<'TABLE'
# attachments: upload (raw body; the JSON body here is refused after the gate) and download
attach   anon  POST   /api/v1/attachments                           401     -  {}
attach   pat   POST   /api/v1/attachments                           415     -  {}
attach   opat  POST   /api/v1/attachments                           415     -  {}
attach   prct  POST   /api/v1/attachments                           415     -  {}
attach   prnc  POST   /api/v1/attachments                           415     -  {}
attach   prun  POST   /api/v1/attachments                           403     d  {}
attach   staff POST   /api/v1/attachments                           415     -  {}
attach   admin POST   /api/v1/attachments                           403     d  {}
attach   aud   POST   /api/v1/attachments                           403     d  {}
attach   anon  GET    /api/v1/attachments/{ATT}                     401     -  -
attach   pat   GET    /api/v1/attachments/{ATT}                     200     -  -
attach   opat  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   prct  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   prnc  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   prun  GET    /api/v1/attachments/{ATT}                     404     d  -
attach   staff GET    /api/v1/attachments/{ATT}                     404     d  -
attach   admin GET    /api/v1/attachments/{ATT}                     404     d  -
attach   aud   GET    /api/v1/attachments/{ATT}                     404     d  -
attach   anon  GET    /api/v1/attachments/{MATT}                    401     -  -
attach   pat   GET    /api/v1/attachments/{MATT}                    200     -  -
attach   opat  GET    /api/v1/attachments/{MATT}                    404     d  -
attach   prct  GET    /api/v1/attachments/{MATT}                    200     -  -
attach   prnc  GET    /api/v1/attachments/{MATT}                    404     d  -
attach   prun  GET    /api/v1/attachments/{MATT}                    404     d  -
attach   staff GET    /api/v1/attachments/{MATT}                    404     d  -
attach   admin GET    /api/v1/attachments/{MATT}                    404     d  -
attach   aud   GET    /api/v1/attachments/{MATT}                    404     d  -
# messaging: threads
msg      anon  POST   /api/v1/threads                               401     -  {"patient_id":"{P1}","participant_ids":["{PR1}"],"subject":"m"}
msg      pat   POST   /api/v1/threads                               201     -  {"patient_id":"{P1}","participant_ids":["{PR1}"],"subject":"m"}
msg      opat  POST   /api/v1/threads                               404     d  {"patient_id":"{P1}","participant_ids":["{PR1}"],"subject":"m"}
msg      prct  POST   /api/v1/threads                               201     -  {"patient_id":"{P1}","participant_ids":[],"subject":"m"}
msg      prnc  POST   /api/v1/threads                               404     d  {"patient_id":"{P1}","participant_ids":[],"subject":"m"}
msg      prun  POST   /api/v1/threads                               404     d  {"patient_id":"{P1}","participant_ids":[],"subject":"m"}
msg      staff POST   /api/v1/threads                               201     -  {"patient_id":"{P1}","participant_ids":[],"subject":"m"}
msg      admin POST   /api/v1/threads                               404     d  {"patient_id":"{P1}","participant_ids":["{PR1}"],"subject":"m"}
msg      aud   POST   /api/v1/threads                               404     d  {"patient_id":"{P1}","participant_ids":["{PR1}"],"subject":"m"}
msg      anon  GET    /api/v1/threads                               401     -  -
msg      pat   GET    /api/v1/threads                               200     -  -
msg      opat  GET    /api/v1/threads                               200     -  -
msg      prct  GET    /api/v1/threads                               200     -  -
msg      prnc  GET    /api/v1/threads                               200     -  -
msg      prun  GET    /api/v1/threads                               403     d  -
msg      staff GET    /api/v1/threads                               200     -  -
msg      admin GET    /api/v1/threads                               403     d  -
msg      aud    GET   /api/v1/threads                               403     d  -
msg      anon  GET    /api/v1/threads/{THR}                         401     -  -
msg      pat   GET    /api/v1/threads/{THR}                         200     -  -
msg      opat  GET    /api/v1/threads/{THR}                         404     d  -
msg      prct  GET    /api/v1/threads/{THR}                         200     -  -
msg      prnc  GET    /api/v1/threads/{THR}                         404     d  -
msg      prun  GET    /api/v1/threads/{THR}                         404     d  -
msg      staff GET    /api/v1/threads/{THR}                         404     d  -
msg      admin GET    /api/v1/threads/{THR}                         404     d  -
msg      aud   GET    /api/v1/threads/{THR}                         404     d  -
# messaging: messages, receipts, unread counts
msg      anon  GET    /api/v1/threads/{THR}/messages                401     -  -
msg      pat   GET    /api/v1/threads/{THR}/messages                200     -  -
msg      opat  GET    /api/v1/threads/{THR}/messages                404     d  -
msg      prct  GET    /api/v1/threads/{THR}/messages                200     -  -
msg      prnc  GET    /api/v1/threads/{THR}/messages                404     d  -
msg      prun  GET    /api/v1/threads/{THR}/messages                404     d  -
msg      staff GET    /api/v1/threads/{THR}/messages                404     d  -
msg      admin GET    /api/v1/threads/{THR}/messages                404     d  -
msg      aud   GET    /api/v1/threads/{THR}/messages                404     d  -
msg      anon  POST   /api/v1/threads/{THR}/messages                401     -  {"body":"matrix"}
msg      pat   POST   /api/v1/threads/{THR}/messages                201     -  {"body":"matrix"}
msg      opat  POST   /api/v1/threads/{THR}/messages                404     d  {"body":"matrix"}
msg      prct  POST   /api/v1/threads/{THR}/messages                201     -  {"body":"matrix"}
msg      prnc  POST   /api/v1/threads/{THR}/messages                404     d  {"body":"matrix"}
msg      prun  POST   /api/v1/threads/{THR}/messages                404     d  {"body":"matrix"}
msg      staff POST   /api/v1/threads/{THR}/messages                404     d  {"body":"matrix"}
msg      admin POST   /api/v1/threads/{THR}/messages                404     d  {"body":"matrix"}
msg      aud   POST   /api/v1/threads/{THR}/messages                404     d  {"body":"matrix"}
msg      anon  POST   /api/v1/threads/{THR}/read                    401     -  {"up_to_message_id":"{MSG}"}
msg      pat   POST   /api/v1/threads/{THR}/read                    200     -  {"up_to_message_id":"{MSG}"}
msg      opat  POST   /api/v1/threads/{THR}/read                    404     d  {"up_to_message_id":"{MSG}"}
msg      prct  POST   /api/v1/threads/{THR}/read                    200     -  {"up_to_message_id":"{MSG}"}
msg      prnc  POST   /api/v1/threads/{THR}/read                    404     d  {"up_to_message_id":"{MSG}"}
msg      prun  POST   /api/v1/threads/{THR}/read                    404     d  {"up_to_message_id":"{MSG}"}
msg      staff POST   /api/v1/threads/{THR}/read                    404     d  {"up_to_message_id":"{MSG}"}
msg      admin POST   /api/v1/threads/{THR}/read                    404     d  {"up_to_message_id":"{MSG}"}
msg      aud   POST   /api/v1/threads/{THR}/read                    404     d  {"up_to_message_id":"{MSG}"}
msg      anon  GET    /api/v1/messages/unread-count                 401     -  -
msg      pat   GET    /api/v1/messages/unread-count                 200     -  -
msg      opat  GET    /api/v1/messages/unread-count                 200     -  -
msg      prct  GET    /api/v1/messages/unread-count                 200     -  -
msg      prnc  GET    /api/v1/messages/unread-count                 200     -  -
msg      prun  GET    /api/v1/messages/unread-count                 403     d  -
msg      staff GET    /api/v1/messages/unread-count                 200     -  -
msg      admin GET    /api/v1/messages/unread-count                 403     d  -
msg      aud   GET    /api/v1/messages/unread-count                 403     d  -
# messaging: participants (staff add: provider1 is on it already, 409)
msg      anon  POST   /api/v1/threads/{THR}/participants            401     -  {"user_id":"{PR1}"}
msg      pat   POST   /api/v1/threads/{THR}/participants            403     d  {"user_id":"{PR1}"}
msg      opat  POST   /api/v1/threads/{THR}/participants            404     d  {"user_id":"{PR1}"}
msg      prct  POST   /api/v1/threads/{THR}/participants            403     d  {"user_id":"{PR1}"}
msg      prnc  POST   /api/v1/threads/{THR}/participants            404     d  {"user_id":"{PR1}"}
msg      prun  POST   /api/v1/threads/{THR}/participants            404     d  {"user_id":"{PR1}"}
msg      staff POST   /api/v1/threads/{THR}/participants            409     -  {"user_id":"{PR1}"}
msg      admin POST   /api/v1/threads/{THR}/participants            404     d  {"user_id":"{PR1}"}
msg      aud   POST   /api/v1/threads/{THR}/participants            404     d  {"user_id":"{PR1}"}
msg      anon  DELETE /api/v1/threads/{THR}/participants/{PR1}      401     -  -
msg      pat   DELETE /api/v1/threads/{THR}/participants/{PR1}      403     d  -
msg      opat  DELETE /api/v1/threads/{THR}/participants/{PR1}      404     d  -
msg      prnc  DELETE /api/v1/threads/{THR}/participants/{PR1}      404     d  -
msg      prun  DELETE /api/v1/threads/{THR}/participants/{PR1}      404     d  -
msg      admin DELETE /api/v1/threads/{THR}/participants/{PR1}      404     d  -
msg      aud   DELETE /api/v1/threads/{THR}/participants/{PR1}      404     d  -
msg      staff DELETE /api/v1/threads/{THR}/participants/{PR1}      204     -  -
msg      prct  DELETE /api/v1/threads/{THR}/participants/{PR1}      404     d  -
TABLE
)
