#!/usr/bin/env bash
# e2e-notify-reminders: appointments booked, moved and cancelled through
# nginx; concierge-notify sends their notices to real loopback servers on
# the dev-mode clock. Reminders 24 h ahead go out at their time and not
# before, with the date and time in the recipient's zone; a moved visit's
# old reminder and a cancelled visit's reminder never go out, also when the
# visit changed behind the outbox's back. No PHI in any text: patient and
# provider names, specialty, reason, location and payload values are
# marker strings, and none reaches a mail or an SMS.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/notify-lib.sh"

notify_pause
drain

sink_smtp mail
sink_sms sms
C=$T_TMP/notify.conf
notify_conf "$C" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" "notify.sms_url=http://127.0.0.1:$SMS_PORT/sms"

as() {	# TOKEN METHOD PATH [BODY]
	local t=$1 m=$2 p=$3
	shift 3
	sql "UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) + INTERVAL $(clock_offset) SECOND
		WHERE token_hash = UNHEX(SHA2('$t', 256))"
	api "$m" "$p" "${1-}" -H "Authorization: Bearer $t"
}
dev_now() { echo $(($(date +%s) + $(clock_offset))); }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:00Z; }
at_dev() { clock_shift $(($1 - $(date +%s))); }	# at_dev EPOCH: the stack's clock reads EPOCH
book() {	# PATIENT START [LOCATION REASON]: prints the appointment id
	local body
	body=$(jq -cn --arg p "$PRV" --arg q "$1" --arg s "$(iso "$2")" --arg l "${3:-}" --arg r "${4:-}" \
		'{provider_id:$p, patient_id:$q, start_at:$s, duration_minutes:30, override_reason:"test"} +
		(if $l == "" then {visit_type:"video"} else {visit_type:"in_person", location:$l} end) +
		(if $r == "" then {} else {reason:$r} end)')
	as "$ST" POST /api/v1/appointments "$body"
	[[ $STATUS == 201 ]] || bail "cannot book: $STATUS $BODY"
	jq -r .id <<<"$BODY"
}
# rows APPT TEMPLATE: "status" of its rows of that template, in id order.
rows_of() {
	sql "SELECT GROUP_CONCAT(CONCAT(status, IF(last_error IS NULL, '', CONCAT(':', last_error))) ORDER BY id SEPARATOR ',')
		FROM outbox WHERE template = '$2' AND JSON_VALUE(payload, '\$.appointment_id') = '$1'"
}
# mail_appts ADDRESS SUBJECT-ERE: appointment ids of the mails to ADDRESS with such a subject.
mail_appts() {
	local id
	for id in $(mails_to "$T_TMP/mail" "$1" | jq -r --arg s "$2" 'select(.subject | test($s)) | .message_id' |
		sed -n 's/^<outbox\.\([0-9]*\)\..*/\1/p'); do
		sql "SELECT JSON_VALUE(payload, '\$.appointment_id') FROM outbox WHERE id = $id"
	done
}
long_when() { TZ=$2 date -d "@$1" "+%A %-d %B %Y at %H:%M ($2)"; }
short_when() { TZ=$2 date -d "@$1" "+%a %-d %b %H:%M ($2)"; }

read -r ST STT _ <<<"$(nuser staff)"
ST=$STT
read -r PRV PRVT PRVE <<<"$(nuser provider +15550190001)"
as "$PRVT" PUT "/api/v1/availability/$PRV" \
	'{"timezone":"America/New_York","weekly":[{"weekday":"mon","start":"09:00","end":"17:00"}],"exceptions":[]}'
is "$STATUS" 200 "the provider works in America/New_York"
read -r X XT XE <<<"$(nuser patient +15550190002)"
as "$XT" PATCH /api/v1/me '{"notification_preferences":{"timezone":"Europe/Berlin"}}'
is "$STATUS" 200 "the patient reads times in Europe/Berlin"

# ---- booked: confirmations now, the reminder 24 h before ----
NOW=$(dev_now)
SA=$(( (NOW / 60 + 1) * 60 + 86400 + 1200 ))
A=$(book "$X" "$SA")
notify_run "$C"
is "$(rows_of "$A" appointment_confirmation)" "sent,sent,sent,sent" "confirmations by email and SMS to patient and provider"
is "$(rows_of "$A" appointment_reminder)" "pending,pending,pending,pending" "reminders wait"
m=$(mails_to "$T_TMP/mail" "$XE" | jq -c 'select(.subject | test("booked"))')
is "$(jq -r .subject <<<"$m")" "Concierge: your appointment is booked" "the patient's confirmation"
has "$(jq -r .body <<<"$m")" "Your appointment on $(long_when "$SA" Europe/Berlin) is booked." \
	"its date and time in the patient's zone"
has "$(mails_to "$T_TMP/mail" "$PRVE" | jq -r 'select(.subject | test("booked")) | .body')" \
	"on $(long_when "$SA" America/New_York) is booked" "the provider's, in the provider's zone"
has "$(sms_to "$T_TMP/sms.jsonl" +15550190002 | jq -r .form.Body)" "booked for $(short_when "$SA" Europe/Berlin)." \
	"the SMS: short date and time"
at_dev $((SA - 86400 - 60))
notify_run "$C"
is "$(rows_of "$A" appointment_reminder)" "pending,pending,pending,pending" "a minute before: not yet"
at_dev $((SA - 86400 + 5))
notify_run "$C"
is "$(rows_of "$A" appointment_reminder)" "sent,sent,sent,sent" "at 24 h before the visit: reminders sent"
is "$(sql "SELECT COUNT(*) FROM outbox WHERE template = 'appointment_reminder' AND sent_at < due_at
	AND JSON_VALUE(payload, '\$.appointment_id') = '$A'")" 0 "none before its time"
has "$(mails_to "$T_TMP/mail" "$XE" | jq -r 'select(.subject | test("reminder")) | .body')" \
	"reminder of your appointment on $(long_when "$SA" Europe/Berlin)." "the reminder mail"
has "$(sms_to "$T_TMP/sms.jsonl" +15550190001 | jq -r .form.Body | grep reminder)" \
	"reminder, appointment $(short_when "$SA" America/New_York)." "the provider's reminder SMS"

# ---- moved: the old reminder never goes, the new one at its time ----
NOW=$(dev_now)
SB=$(( (NOW / 60 + 1) * 60 + 86400 + 2400 ))
SB2=$((SB + 3 * 3600))
B=$(book "$X" "$SB")
as "$ST" POST "/api/v1/appointments/$B/reschedule" "{\"start_at\":\"$(iso "$SB2")\",\"override_reason\":\"test\"}"
is "$STATUS" 200 "the visit moves 3 h later"
is "$(rows_of "$B" appointment_reminder)" \
	"cancelled:superseded,cancelled:superseded,cancelled:superseded,cancelled:superseded,pending,pending,pending,pending" \
	"its first reminders are cancelled as superseded"
at_dev $((SB - 86400 + 5))
notify_run "$C"
is "$(mail_appts "$XE" reminder | grep -c "$B")" 0 "at the old reminder time: nothing"
has "$(mails_to "$T_TMP/mail" "$XE" | jq -r 'select(.subject | test("moved")) | .body')" \
	"moved to $(long_when "$SB2" Europe/Berlin)." "the change notice names the new time"
at_dev $((SB2 - 86400 + 5))
notify_run "$C"
is "$(rows_of "$B" appointment_reminder | cut -d, -f5-)" "sent,sent,sent,sent" "at the new time: the new reminders"
is "$(mail_appts "$XE" reminder | grep -c "$B")" 1 "one reminder mail for the moved visit"
has "$(mails_to "$T_TMP/mail" "$XE" | jq -r 'select(.subject | test("reminder")) | .body' | tail -n +1)" \
	"$(long_when "$SB2" Europe/Berlin)" "for its new time"

# ---- cancelled: never reminded ----
NOW=$(dev_now)
SC=$(( (NOW / 60 + 1) * 60 + 86400 + 7200 ))
Cx=$(book "$X" "$SC")
as "$ST" POST "/api/v1/appointments/$Cx/cancel" '{"reason":"clinic closed"}'
is "$STATUS" 200 "a visit is cancelled"
at_dev $((SC - 86400 + 5))
notify_run "$C"
is "$(rows_of "$Cx" appointment_reminder)" \
	"cancelled:superseded,cancelled:superseded,cancelled:superseded,cancelled:superseded" "its reminders never went"
is "$(mail_appts "$XE" reminder | grep -c "$Cx")" 0 "no reminder mail"
is "$(mail_appts "$XE" cancelled | grep -c "$Cx")" 1 "the cancellation notice went"
unlike "$(mails_to "$T_TMP/mail" "$XE" | jq -r 'select(.subject | test("cancelled")) | .body')" "clinic closed" \
	"without the reason"

# ---- changed behind the outbox's back: the sender checks the visit ----
NOW=$(dev_now)
SD=$(( (NOW / 60 + 1) * 60 + 86400 + 7200 ))
D=$(book "$X" "$SD")
E=$(book "$X" $((SD + 3600)))
sql "UPDATE appointments SET status = 'cancelled' WHERE id = '$D';
     UPDATE appointments SET start_at = start_at + INTERVAL 2 HOUR, end_at = end_at + INTERVAL 2 HOUR WHERE id = '$E'"
at_dev $((SD + 3600 - 86400 + 5))
notify_run "$C"
is "$(rows_of "$D" appointment_reminder)" \
	"cancelled:superseded,cancelled:superseded,cancelled:superseded,cancelled:superseded" \
	"a visit cancelled without dropping its reminders: the sender cancels them"
is "$(rows_of "$E" appointment_reminder)" \
	"cancelled:superseded,cancelled:superseded,cancelled:superseded,cancelled:superseded" \
	"a visit moved the same way: its reminders for the old time are cancelled"
is "$(mail_appts "$XE" reminder | grep -c -e "$D" -e "$E")" 0 "no reminder mail for either"

# ---- no PHI in any text ----
read -r MP MPT MPE <<<"$(nuser provider +15550190003)"
read -r MX MXT MXE <<<"$(nuser patient +15550190004)"
sql "UPDATE users SET full_name = 'Dr MARKER-PROVIDER-NAME' WHERE id = '$MP';
     UPDATE users SET full_name = 'MARKER-PATIENT-NAME' WHERE id = '$MX';
     UPDATE provider_profiles SET specialty = 'MARKER-ONCOLOGY', bio = 'MARKER-BIO' WHERE user_id = '$MP';
     UPDATE patient_profiles SET primary_clinic = 'MARKER-CLINIC', date_of_birth = '1971-02-03' WHERE user_id = '$MX'"
PRV_SAVE=$PRV
PRV=$MP
NOW=$(dev_now)
SM=$(( (NOW / 60 + 1) * 60 + 2 * 86400 ))
M=$(book "$MX" "$SM" "MARKER-LOCATION Room 4" "MARKER-REASON chest pain")
as "$ST" POST "/api/v1/appointments/$M/reschedule" "{\"start_at\":\"$(iso $((SM + 3600)))\",\"override_reason\":\"test\"}"
as "$ST" POST "/api/v1/appointments/$M/cancel" '{"reason":"MARKER-CANCEL-REASON"}'
M2=$(book "$MX" $((SM + 86400)) "MARKER-LOCATION" "MARKER-REASON")
PRV=$PRV_SAVE
TOKEN=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCde
MARKS='{"thread_id":"MARKER-THREAD","message_id":"MARKER-MSG","body":"MARKER-BODY","lab_result_id":"MARKER-LAB","test_code":"MARKER-TEST","value":"MARKER-VALUE","specialty":"MARKER-SPEC","full_name":"MARKER-FULL"}'
for u in "$MX" "$MP"; do
	for t in lab_result_available new_secure_message provider_ready; do
		enqueue "$u" email "$t" "$MARKS" >/dev/null
		enqueue "$u" sms "$t" "$MARKS" >/dev/null
	done
	enqueue "$u" email password_reset "{\"token\":\"$TOKEN\",\"full_name\":\"MARKER-FULL\"}" >/dev/null
	enqueue "$u" email mfa_replay "$MARKS" >/dev/null
done
at_dev $((SM + 86400 - 86400 + 5))
notify_run "$C"
texts=$( { mails_to "$T_TMP/mail" "$MXE"; mails_to "$T_TMP/mail" "$MPE"; } | jq -r '.subject, .body')
sms=$( { sms_to "$T_TMP/sms.jsonl" +15550190004; sms_to "$T_TMP/sms.jsonl" +15550190003; } | jq -r .form.Body)
nm=$( { mails_to "$T_TMP/mail" "$MXE"; mails_to "$T_TMP/mail" "$MPE"; } | wc -l)
ns=$(wc -l <<<"$sms")
diag "$nm mails and $ns SMS for the marker patient and provider"
# 3 appointment notices and 1 reminder of M2, 3 more templates and 2 security mails, each for 2 people
ok $((nm >= 2 * 8 && ns >= 2 * 6 ? 0 : 1)) "every template was sent to them (mails $nm, SMS $ns)"
is "$(grep -c MARKER <<<"$texts$sms")" 0 "no marker in any subject, mail body or SMS"
unlike "$texts$sms" "chest|Room 4|1971|oncology|$MXE|$MPE|$MX|$MP" "no reason, location, birth date, address or id either"
has "$texts" "$(long_when $((SM + 3600)) UTC)" "the date and time are there (UTC: no zone known for either)"
done_testing
