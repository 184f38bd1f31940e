#!/usr/bin/env bash
# e2e-notify-delivery: concierge-notify against a real SMTP server and a
# Twilio-shaped SMS gateway on loopback (scripts/sink-*.py). Success, with
# the mail read back by Python's email package (Date, Message-ID stable per
# row, RFC 2047 UTF-8 subject, one text part, Auto-Submitted); SMTP down
# then up (retried, delivered once); SMTP 4xx (retried) and 5xx (dead);
# gateway 500 then 200, 429 with Retry-After, 400 (dead); the last attempt;
# a mail server and a gateway that accept the connection and never answer
# (timeouts: temporary); rows that cannot be sent (unknown template, bad
# payload, no gateway); the sender on an account with only the role
# concierge_notifier (migration 0013).
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/notify-lib.sh"

notify_pause
drain

read -r U1 _ E1 <<<"$(nuser patient +15550170001)"
sink_smtp mail --control "$T_TMP/mail.ctl"
MAIL_PORT=$SMTP_PORT
sink_sms sms --auth ACtest:sekrit --control "$T_TMP/sms.ctl"
SMSP=$SMS_PORT
C=$T_TMP/notify.conf
notify_conf "$C" "notify.smtp_url=smtp://127.0.0.1:$MAIL_PORT" \
	"notify.sms_url=http://127.0.0.1:$SMSP/2010-04-01/Accounts/ACtest/Messages.json" \
	"notify.sms_user=ACtest" "notify.sms_password=sekrit" \
	"notify.from_name=Clínica Concierge" "notify.backoff_seconds=60" \
	"notify.max_attempts=3"

# dev_now: the stack's clock (with the dev offset) in whole seconds.
dev_now() { echo $(($(date +%s) + $(clock_offset))); }
# due_in ID: seconds from the stack's now to the row's due_at.
due_at_s() { echo $(($(usec_of "$1" due_at) / 1000000)); }
SHIFT=0
# later SECONDS: move the stack's clock SECONDS further on.
later() {
	SHIFT=$((SHIFT + $1))
	clock_shift "$SHIFT"
}

# ---- success: one mail, one SMS ----
M1=$(enqueue "$U1" email new_secure_message '{"thread_id":"x"}')
S1=$(enqueue "$U1" sms new_secure_message '{"thread_id":"x"}')
TOKEN=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCde
R1=$(enqueue "$U1" email password_reset "{\"token\":\"$TOKEN\",\"expires_minutes\":30}")
notify_run "$C"
is "$NOTIFY_RC" 0 "--once exits 0 when nothing more is due"
is "$(row "$M1") | $(row "$S1") | $(row "$R1")" "sent 1 - | sent 1 - | sent 1 -" "the rows are sent, one attempt each"
like "$NOTIFY_OUT" '^notify: sent [0-9]+, retried 0, dead 0' "the run reports what it did"
ok "$(sql "SELECT sent_at IS NOT NULL AND locked_until IS NULL AND claim_token IS NULL FROM outbox WHERE id = $M1" | grep -qx 1; echo $?)" \
	"sent_at recorded, lease and claim token cleared"

mapfile -t MAILS < <(mails_to "$T_TMP/mail" "$E1")
is "${#MAILS[@]}" 2 "the SMTP server received two mails for the user"
m=$(printf '%s\n' "${MAILS[@]}" | jq -c 'select(.subject | test("secure message"))')
is "$(jq -r .message_id <<<"$m")" "<outbox.$M1.$(usec_of "$M1" created_at)@concierge.test>" "Message-ID is made of the row id and creation time (stable per row)"
is "$(jq -r .subject <<<"$m")" "Clínica Concierge: you have a new secure message" "the UTF-8 subject decodes"
like "$(jq -r .subject_raw <<<"$m")" '^=\?UTF-8\?B\?' "and is sent as RFC 2047 encoded words"
is "$(jq -r .from <<<"$m")" "Clínica Concierge <noreply@concierge.test>" "From: the configured name and address"
is "$(jq -r '[.date_ok, .auto_submitted, .mime_version, .content_type, .charset, .cte] | join(" ")' <<<"$m")" \
	"true auto-generated 1.0 text/plain utf-8 quoted-printable" "Date parses; Auto-Submitted, MIME-Version, one UTF-8 text part"
is "$(jq -c '[.defects, .long_lines, .bare_lf]' <<<"$m")" '[[],0,0]' "no MIME defects, no line over 78, CRLF only"
like "$(jq -r .body <<<"$m")" "You have a new secure message.*https://portal.example.test" "the text part: the notice and the portal link"
like "$(jq -r .body <<<"$m")" "sent automatically by Clínica Concierge" "the body decodes from quoted-printable"
unlike "$(jq -r .body <<<"$m")" 'thread|x"' "nothing from the payload in the text"
m=$(printf '%s\n' "${MAILS[@]}" | jq -c 'select(.subject | test("reset"))')
like "$(jq -r .body <<<"$m")" "within 30 minutes.*https://portal.example.test/reset-password#token=$TOKEN" "the reset mail carries the link with the token"
is "$(jq -r '"\(.auto_submitted) \(.date_ok)"' <<<"$m")" "auto-generated true" "reset mail headers"

mapfile -t SMS < <(sms_to "$T_TMP/sms.jsonl" +15550170001)
is "${#SMS[@]}" 1 "the gateway received one SMS"
is "$(jq -r '[.user, .form.From, .path] | join(" ")' <<<"${SMS[0]}")" \
	"ACtest +15550009999 /2010-04-01/Accounts/ACtest/Messages.json" "basic auth user, From number, Twilio-style path"
like "$(jq -r .form.Body <<<"${SMS[0]}")" "^Clínica Concierge: you have a new secure message\. Sign in to read it: https://portal\.example\.test$" "the SMS text"
is "$(jq -r .idempotency_key <<<"${SMS[0]}")" "outbox-$S1-$(usec_of "$S1" created_at)" "an Idempotency-Key per row"
like "$(sql "SELECT provider_ref FROM outbox WHERE id = $S1")" '^SM[0-9a-f]{32}$' "the gateway's message sid is kept"

# ---- SMTP down, then up: retried after the backoff, delivered once ----
DOWN=$(free_port)
C2=$T_TMP/down.conf
notify_conf "$C2" "notify.smtp_url=smtp://127.0.0.1:$DOWN" "notify.backoff_seconds=60"
M2=$(enqueue "$U1" email mfa_replay)
t0=$(dev_now)
notify_run "$C2"
t1=$(dev_now)
like "$(row "$M2")" "^pending 1 .*(onnect|refused)" "connection refused: pending again, attempt 1, the error kept"
d=$(due_at_s "$M2")
ok $((d >= t0 + 29 && d <= t1 + 61 ? 0 : 1)) "next try after the backoff with jitter (30-60 s; got $((d - t0)) s)"
sink_smtp mail2 --port "$DOWN"
notify_run "$C2"
is "$(row "$M2")" "pending 1 $(sql "SELECT last_error FROM outbox WHERE id = $M2")" "not tried again before its time"
is "$(mails_to "$T_TMP/mail2" "$E1" | wc -l)" 0 "nothing sent yet"
later 61
notify_run "$C2"
is "$(row "$M2")" "sent 2 -" "after the backoff: sent on attempt 2"
is "$(mails_to "$T_TMP/mail2" "$E1" | wc -l)" 1 "delivered once"
notify_run "$C2"
is "$(mails_to "$T_TMP/mail2" "$E1" | wc -l)" 1 "and never again"

# ---- SMTP 450 on RCPT: temporary; 550: dead; 554 after DATA: dead ----
echo "rcpt 450 $E1" >"$T_TMP/mail.ctl"
M3=$(enqueue "$U1" email mfa_replay)
notify_run "$C"
like "$(row "$M3")" "^pending 1 SMTP 450" "SMTP 450: temporary, pending again"
later 61
notify_run "$C"
is "$(row "$M3")" "sent 2 -" "then sent"
echo "rcpt 550 $E1" >"$T_TMP/mail.ctl"
M4=$(enqueue "$U1" email mfa_replay)
notify_run "$C"
like "$(row "$M4")" "^dead 1 SMTP 550" "SMTP 550: permanent, dead with the error"
echo "data 554 $E1" >"$T_TMP/mail.ctl"
M5=$(enqueue "$U1" email mfa_replay)
notify_run "$C"
like "$(row "$M5")" "^dead 1 SMTP 554" "SMTP 554 after DATA: dead"
later 3600
n0=$(mails_to "$T_TMP/mail" "$E1" | wc -l)
notify_run "$C"
is "$(row "$M4") | $(mails_to "$T_TMP/mail" "$E1" | wc -l)" "$(row "$M4") | $n0" "dead rows are not tried again"

# ---- gateway 500, then 200 ----
echo "500 to=+15550170001" >"$T_TMP/sms.ctl"
S2=$(enqueue "$U1" sms lab_result_available '{"lab_result_id":"x"}')
notify_run "$C"
is "$(row "$S2")" "pending 1 HTTP 500" "gateway 500: pending again"
later 61
notify_run "$C"
is "$(row "$S2")" "sent 2 -" "then 200: sent"
is "$(jq -r "select(.idempotency_key | startswith(\"outbox-$S2-\")) | .status" "$T_TMP/sms.jsonl" | tr '\n' ' ')" \
	"500 201 " "the gateway saw the failed try and one accepted one, with the same key"

# ---- 429 with Retry-After beyond the backoff ----
echo "429 7200 to=+15550170001" >"$T_TMP/sms.ctl"
S3=$(enqueue "$U1" sms new_secure_message)
t0=$(dev_now)
notify_run "$C"
is "$(row "$S3")" "pending 1 HTTP 429" "429: pending again"
d=$(due_at_s "$S3")
ok $((d >= t0 + 7200 ? 0 : 1)) "Retry-After (2 h) is honoured ($((d - t0)) s)"

# ---- gateway 400: dead ----
echo "400 to=+15550170001" >"$T_TMP/sms.ctl"
S4=$(enqueue "$U1" sms new_secure_message)
notify_run "$C"
is "$(row "$S4")" "dead 1 HTTP 400 (gateway code 21211)" "gateway 400: dead, with the gateway's code"
later 7300
notify_run "$C"
is "$(jq -r "select(.idempotency_key | startswith(\"outbox-$S4-\")) | .status" "$T_TMP/sms.jsonl" | tr '\n' ' ')" \
	"400 " "a dead row is not sent again"
is "$(row "$S3")" "sent 2 -" "the 429 row went after its Retry-After"

# ---- out of attempts (max 3): dead with the last error ----
printf '%s to=+15550170001\n' 500 503 502 >"$T_TMP/sms.ctl"
S5=$(enqueue "$U1" sms new_secure_message)
notify_run "$C"
is "$(row "$S5")" "pending 1 HTTP 500" "attempt 1 fails"
later 200
notify_run "$C"
is "$(row "$S5")" "pending 2 HTTP 503" "attempt 2 fails"
later 400
notify_run "$C"
is "$(row "$S5")" "dead 3 gave up after 3 attempts: HTTP 502" "attempt 3 fails: dead, with the last error"

# ---- timeouts: a server that accepts and never says a word ----
# (a listening socket nobody accepts on: the kernel completes the
# handshake, then nothing comes, however long the sender waits)
"$PYTHON" -c 'import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.replace(sys.argv[1] + ".tmp", sys.argv[1]); time.sleep(3600)' "$T_TMP/silent.port" &
SILENT=$!
on_exit "stop_pid $SILENT"
wait_until 15 "[[ -s '$T_TMP/silent.port' ]]" || bail "the silent listener did not start"
SP=$(<"$T_TMP/silent.port")
C4=$T_TMP/silent.conf
notify_conf "$C4" "notify.smtp_url=smtp://127.0.0.1:$SP" "notify.sms_url=http://127.0.0.1:$SP/sms" \
	"notify.timeout_seconds=1" "notify.connect_timeout_seconds=1"
M6=$(enqueue "$U1" email mfa_replay)
S7=$(enqueue "$U1" sms new_secure_message)
notify_run "$C4"
is "$NOTIFY_RC" 0 "a run against servers that never answer ends"
like "$(row "$M6")" "^pending 1 .*[Tt]ime(d)? ?out" "SMTP server silent past notify.timeout_seconds: temporary, pending again"
like "$(row "$S7")" "^pending 1 .*[Tt]ime(d)? ?out" "gateway silent past notify.timeout_seconds: temporary, pending again"
ok $((($(usec_of "$M6" due_at) > $(usec_of "$M6" created_at)) && ($(usec_of "$S7" due_at) > $(usec_of "$S7" created_at)) ? 0 : 1)) \
	"both wait for the backoff before the next try"
stop_pid "$SILENT"
sql "UPDATE outbox SET status = 'cancelled', last_error = 'test done' WHERE id IN ($M6, $S7)"

# ---- rows that cannot be sent ----
X1=$(enqueue "$U1" email no_such_template)
X2=$(enqueue "$U1" sms password_reset "{\"token\":\"$TOKEN\"}")
X3=$(enqueue "$U1" email password_reset '{"token":"too-short"}')
X4=$(enqueue "$U1" email appointment_reminder '{"appointment_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}')
X5=$(enqueue zzzzzzzzzzzzzzzzzzzzzzzzzz email new_secure_message)
notify_run "$C"
is "$(row "$X1")" "dead 1 unknown template" "an unknown template: dead"
is "$(row "$X2")" "dead 1 the template has no SMS text" "a security text by SMS: dead"
is "$(row "$X3")" "dead 1 payload unusable for the template" "a reset without a usable token: dead"
is "$(row "$X4")" "dead 1 no such appointment" "a notice of an appointment that does not exist: dead"
is "$(row "$X5")" "dead 1 no such recipient" "a row for no user: dead"
C3=$T_TMP/nosms.conf
notify_conf "$C3" "notify.smtp_url=smtp://127.0.0.1:$MAIL_PORT"
S6=$(enqueue "$U1" sms new_secure_message)
notify_run "$C3"
is "$(row "$S6")" "cancelled 1 no SMS gateway configured" "SMS without a gateway configured: cancelled, reason kept"

# ---- its own database account: role concierge_notifier is enough ----
NU=notify_t_$$
NPW=$(od -An -vtx1 -N12 /dev/urandom | tr -d ' \n')
sql "CREATE USER IF NOT EXISTS '$NU'@'localhost' IDENTIFIED BY '$NPW';
	GRANT concierge_notifier TO '$NU'@'localhost';
	SET DEFAULT ROLE concierge_notifier FOR '$NU'@'localhost';" || bail "cannot create the notifier account"
on_exit "sql \"DROP USER IF EXISTS '$NU'@'localhost'\""
C5=$T_TMP/role.conf
notify_conf "$C5.in" "notify.smtp_url=smtp://127.0.0.1:$MAIL_PORT" \
	"notify.sms_url=http://127.0.0.1:$SMSP/2010-04-01/Accounts/ACtest/Messages.json" \
	"notify.sms_user=ACtest" "notify.sms_password=sekrit"
{ grep -Ev '^[[:space:]]*db\.(user|password|admin_user|admin_password)[[:space:]]*=' "$C5.in"
  printf 'db.user = %s\ndb.password = %s\n' "$NU" "$NPW"; } >"$C5"
APPT=$(sql "SELECT id FROM appointments ORDER BY created_at LIMIT 1")
[[ -n $APPT ]] || bail "no appointment in the database (demo data)"
R1=$(enqueue "$U1" email appointment_confirmation "{\"appointment_id\":\"$APPT\"}")
R2=$(enqueue "$U1" sms new_secure_message)
notify_run "$C5"
is "$NOTIFY_RC $(row "$R1") | $(row "$R2")" "0 sent 1 - | sent 1 -" \
	"as concierge_notifier: claims, reads user, preferences and appointment, sends, records"
mariadb --no-defaults --socket="$DB_SOCKET" -u"$NU" -p"$NPW" -N -B "$DB_NAME" \
	-e "SELECT COUNT(*) FROM sessions" >/dev/null 2>&1
is "$?" 1 "the role reads nothing else (sessions refused)"
mariadb --no-defaults --socket="$DB_SOCKET" -u"$NU" -p"$NPW" -N -B "$DB_NAME" \
	-e "INSERT INTO outbox (channel, recipient_user_id, template, due_at, created_at)
	    VALUES ('email', '$U1', 'mfa_replay', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" >/dev/null 2>&1
is "$?" 1 "and cannot queue rows of its own"

# ---- what the log says: ids, never addresses or texts ----
unlike "$(cat "$T_TMP/notify.log")" "$E1|15550170001|secure message|$TOKEN" "the sender's log has ids, no addresses, numbers, texts or tokens"
done_testing
