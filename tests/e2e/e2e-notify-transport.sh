#!/usr/bin/env bash
# e2e-notify-transport: how concierge-notify reaches its servers. SMTP with
# STARTTLS and AUTH, SMTPS (TLS from the start) with AUTH, refused
# credentials (temporary: our configuration, not the message), a server
# that demands AUTH when none is configured; the SMS gateway over HTTPS with
# basic auth, and a 401. Configurations that could not send safely are
# refused at start (exit 3), bad usage is exit 2. Real servers on loopback
# with a throwaway self-signed certificate (loopback: not verified). Named
# by a host name instead of a loopback address (this host's own name, where
# it resolves to 127.0.0.0/8), the same servers are not trusted: the
# certificate is verified and refused, plain SMTP without STARTTLS is
# refused, and nothing reaches them.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/notify-lib.sh"

notify_pause
drain

command -v openssl >/dev/null || bail "openssl is not installed"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" >"$T_TMP/openssl.log" 2>&1 ||
	bail "openssl could not make a certificate"
TLS=(--tls-cert "$T_TMP/cert.pem" --tls-key "$T_TMP/key.pem")
read -r U _ E <<<"$(nuser patient +15550175001)"

# ---- STARTTLS + AUTH ----
sink_smtp starttls "${TLS[@]}" --auth mailer:s3cret
P1=$SMTP_PORT
C1=$T_TMP/starttls.conf
notify_conf "$C1" "notify.smtp_url=smtp://127.0.0.1:$P1" "notify.smtp_user=mailer" "notify.smtp_password=s3cret"
M1=$(enqueue "$U" email new_secure_message)
notify_run "$C1"
is "$(row "$M1")" "sent 1 -" "STARTTLS then AUTH: sent"
is "$(mails_to "$T_TMP/starttls" "$E" | jq -r .subject)" "Concierge: you have a new secure message" "the server has it"
C1b=$T_TMP/badpw.conf
notify_conf "$C1b" "notify.smtp_url=smtp://127.0.0.1:$P1" "notify.smtp_user=mailer" "notify.smtp_password=wrong"
M2=$(enqueue "$U" email new_secure_message)
notify_run "$C1b"
like "$(row "$M2")" "^pending 1 SMTP 535: authentication failed" "a refused login is temporary (the row waits for a fixed config)"
like "$(cat "$T_TMP/notify.log")" "refuses our login \(check notify.smtp_user" "and is logged as a configuration error"
unlike "$(cat "$T_TMP/notify.log")" "wrong|s3cret" "the password is never logged"
C1c=$T_TMP/noauth.conf
notify_conf "$C1c" "notify.smtp_url=smtp://127.0.0.1:$P1"
M3=$(enqueue "$U" email new_secure_message)
notify_run "$C1c"
like "$(row "$M3")" "^pending 1 SMTP 530" "a server that wants AUTH when none is set: temporary"

# ---- SMTPS + AUTH ----
sink_smtp smtps "${TLS[@]}" --smtps --auth mailer:s3cret
C2=$T_TMP/smtps.conf
notify_conf "$C2" "notify.smtp_url=smtps://127.0.0.1:$SMTP_PORT" "notify.smtp_user=mailer" "notify.smtp_password=s3cret"
M4=$(enqueue "$U" email mfa_replay)
notify_run "$C2"
is "$(row "$M4")" "sent 1 -" "SMTPS with AUTH: sent"
is "$(mails_to "$T_TMP/smtps" "$E" | wc -l)" 1 "the server has it"
# plain smtp:// to a TLS-only port: a temporary failure, not a plaintext send
C2b=$T_TMP/plain.conf
notify_conf "$C2b" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT"
M5=$(enqueue "$U" email mfa_replay)
notify_run "$C2b"
like "$(row "$M5")" "^pending 1 " "smtp:// against an SMTPS port: pending again"

# ---- the SMS gateway over HTTPS with basic auth ----
sink_sms https "${TLS[@]}" --auth ACx:tok
C3=$T_TMP/https.conf
notify_conf "$C3" "notify.sms_url=https://127.0.0.1:$SMS_PORT/2010-04-01/Accounts/ACx/Messages.json" \
	"notify.sms_user=ACx" "notify.sms_password=tok" "notify.sms_from=MG0123456789abcdef0123456789abcdef"
S1=$(enqueue "$U" sms new_secure_message)
notify_run "$C3"
is "$(row "$S1")" "sent 1 -" "HTTPS POST with basic auth: sent"
r=$(sms_to "$T_TMP/https.jsonl" +15550175001)
is "$(jq -r '[.user, .form.MessagingServiceSid, (.form | has("From"))] | map(tostring) | join(" ")' <<<"$r")" \
	"ACx MG0123456789abcdef0123456789abcdef false" "a messaging service id goes as MessagingServiceSid"
C3b=$T_TMP/https401.conf
notify_conf "$C3b" "notify.sms_url=https://127.0.0.1:$SMS_PORT/x" "notify.sms_user=ACx" "notify.sms_password=nope"
S2=$(enqueue "$U" sms new_secure_message)
notify_run "$C3b"
is "$(row "$S2")" "pending 1 HTTP 401: authentication failed" "gateway 401: temporary (our credentials), logged"
like "$(cat "$T_TMP/notify.log")" "refuses our credentials" "the log says what to fix"
unlike "$(cat "$T_TMP/notify.log")" "nope" "without the secret"

# ---- a URL that does not say loopback: TLS verified, STARTTLS required ----
NAME=$(hostname 2>/dev/null)
ADDR=$(getent ahostsv4 "$NAME" 2>/dev/null | awk 'NR == 1 { print $1 }')
if [[ $NAME =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ && ${NAME,,} != localhost && $ADDR == 127.* ]]; then
	read -r V _ VE <<<"$(nuser patient +15550175002)"
	sink_smtp vsmtps "${TLS[@]}" --smtps --bind "$ADDR"
	C4=$T_TMP/vsmtps.conf
	notify_conf "$C4" "notify.smtp_url=smtps://$NAME:$SMTP_PORT"
	V1=$(enqueue "$V" email mfa_replay)
	notify_run "$C4"
	like "$(row "$V1")" "^pending 1 SSL certificate problem" "smtps://$NAME (not a loopback name): the self-signed certificate is refused"
	is "$(mails_to "$T_TMP/vsmtps" "$VE" | wc -l)" 0 "and the server got nothing"
	sink_smtp vplain --bind "$ADDR"
	C5=$T_TMP/vplain.conf
	notify_conf "$C5" "notify.smtp_url=smtp://$NAME:$SMTP_PORT"
	V2=$(enqueue "$V" email mfa_replay)
	notify_run "$C5"
	like "$(row "$V2")" "^pending 1 STARTTLS" "smtp://$NAME to a server without STARTTLS: not sent in plain text"
	is "$(mails_to "$T_TMP/vplain" "$VE" | wc -l)" 0 "and the server got nothing"
	sink_sms vhttps "${TLS[@]}" --bind "$ADDR"
	C6=$T_TMP/vhttps.conf
	notify_conf "$C6" "notify.sms_url=https://$NAME:$SMS_PORT/sms"
	V3=$(enqueue "$V" sms new_secure_message)
	notify_run "$C6"
	like "$(row "$V3")" "^pending 1 SSL certificate problem" "https://$NAME gateway: the self-signed certificate is refused"
	is "$(wc -l <"$T_TMP/vhttps.jsonl")" 0 "and the gateway got no request"
	diag "errors: $(row "$V1") | $(row "$V2") | $(row "$V3")"
	sql "UPDATE outbox SET status = 'cancelled', last_error = 'test done' WHERE id IN ($V1, $V2, $V3)"
else
	diag "this host's name '$NAME' does not resolve to a loopback address ($ADDR): the verified-TLS checks need one"
	ok 0 "# SKIP no host name resolving to loopback"
fi

# ---- configurations refused at start, usage ----
refused() {	# NAME KEY=VALUE...
	local name=$1 c=$T_TMP/refused.conf
	shift
	notify_conf "$c" "notify.smtp_url=smtp://127.0.0.1:$P1" "$@"
	"$NOTIFY_BIN" --config "$c" --once >/dev/null 2>"$T_TMP/refused.log"
	is "$?" 3 "refused at start: $name"
}
refused "no mail_from" "notify.mail_from="
sed -i '/^notify.mail_from/d' "$T_TMP/refused.conf"
"$NOTIFY_BIN" --config "$T_TMP/refused.conf" --once >/dev/null 2>&1
is "$?" 3 "refused at start: mail_from missing"
refused "mail_from not an address" "notify.mail_from=noreply"
refused "no portal_url" "notify.portal_url=portal.example.test"
refused "plain http portal" "notify.portal_url=http://portal.example.test"
refused "plain http SMS gateway" "notify.sms_url=http://api.example.test/sms"
refused "SMS gateway without a sender" "notify.sms_url=https://api.example.test/sms" "notify.sms_from=someone"
refused "not an SMTP url" "notify.smtp_url=http://127.0.0.1:25"
refused "lease shorter than two sends" "notify.lease_seconds=20" "notify.timeout_seconds=10"
refused "control bytes in from_name" "notify.from_name=$(printf 'A\tB')"
like "$(cat "$T_TMP/refused.log")" "notify.from_name" "the reason is logged"
"$NOTIFY_BIN" >/dev/null 2>&1
is "$?" 2 "no mode: usage, exit 2"
"$NOTIFY_BIN" --once --follow >/dev/null 2>&1
is "$?" 2 "both modes: usage"
"$NOTIFY_BIN" --once --bogus >/dev/null 2>&1
is "$?" 2 "an unknown option: usage"
C4=$T_TMP/nodb.conf
notify_conf "$C4" "notify.smtp_url=smtp://127.0.0.1:$P1" "db.socket=$T_TMP/no.sock"
"$NOTIFY_BIN" --config "$C4" --once >/dev/null 2>&1
is "$?" 3 "no database: exit 3"
done_testing
