# tests/e2e/notify-lib.sh: helpers shared by the e2e-notify-*.sh scripts,
# sourced after lib.sh.
#
# The stack's own concierge-notify (scripts/dev starts it against the dev
# sinks) would race the senders a test starts, so notify_pause stops it and
# puts it back, started exactly as before, when the script ends. Each test
# then runs private senders (notify_run) against private sinks on free
# loopback ports (sink_smtp, sink_sms): real servers, scripts/sink-*.py.
# Rows of other tests may also fall due while one runs, so assertions look
# only at this script's users (nuser) and rows.
#
#   notify_pause                    stop the stack's sender until exit
#   sink_smtp NAME [ARGS]           SMTP sink in $T_TMP/NAME; SMTP_PORT, SMTP_PID
#   sink_sms NAME [ARGS]            SMS sink, log $T_TMP/NAME.jsonl; SMS_PORT, SMS_PID
#   free_port                       a free TCP port on 127.0.0.1
#   notify_conf FILE [KEY=VALUE...] a config: the stack's plus test keys
#   notify_run CONF [ARGS]          concierge-notify --once; NOTIFY_OUT, NOTIFY_RC
#   notify_bg NAME CONF [ARGS]      concierge-notify in the background; BG_PID
#   nuser ROLE [PHONE]              a fresh user (made in SQL); "ID TOKEN EMAIL"
#   enqueue USER CHANNEL TEMPLATE [PAYLOAD [DUE_SQL]]   an outbox row; its id
#   row ID                          "status attempts last_error" of a row
#   has GOT TEXT NAME               TAP: GOT contains TEXT
#   mails DIR                       one JSON line per message in DIR (parsed
#                                   by Python's email package)
#   mails_to DIR ADDRESS            the same, only those to ADDRESS
#   sms_to LOG NUMBER               accepted requests (201) to NUMBER, as JSON lines

NOTIFY_BIN=$BUILD/tools/concierge-notify
[[ -x $NOTIFY_BIN ]] || bail "no $NOTIFY_BIN (run from the build directory)"
SINK_SMTP=$SRCDIR/scripts/sink-smtp.py
SINK_SMS=$SRCDIR/scripts/sink-sms.py

# close_fds: in a subshell about to exec a daemon, close every fd above 2.
close_fds() {
	local fd
	for fd in "/proc/$BASHPID/fd/"*; do
		fd=${fd##*/}
		if ((fd > 2)) && [[ -e /proc/$BASHPID/fd/$fd ]]; then
			eval "exec $fd>&-"
		fi
	done
}

# stop_pid PID: SIGTERM, SIGKILL after 10 s; reaped.
stop_pid() {
	local pid=$1
	proc_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	wait_until 10 proc_gone "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

NP_PIDFILE=$ROOT/var/run/notify.pid
NP_ARGV=()
NP_ENV=()
NP_CWD=/
notify_restore() {
	local p
	p=$(cat "$NP_PIDFILE" 2>/dev/null)
	[[ $p =~ ^[0-9]+$ ]] && proc_alive "$p" && return 0
	((${#NP_ARGV[@]})) || return 0
	(
		cd "$NP_CWD" 2>/dev/null || cd /
		close_fds
		exec setsid env -i "${NP_ENV[@]}" "${NP_ARGV[@]}"
	) >>"$ROOT/var/log/notify.log" 2>&1 </dev/null &
	printf '%s\n' "$!" >"$NP_PIDFILE"
}
notify_pause() {
	local pid
	pid=$(cat "$NP_PIDFILE" 2>/dev/null)
	if [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" &&
	    [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *concierge-notify* ]]; then
		mapfile -d '' NP_ARGV <"/proc/$pid/cmdline"
		mapfile -d '' NP_ENV <"/proc/$pid/environ"
		NP_CWD=$(readlink "/proc/$pid/cwd")
		on_exit notify_restore
		kill -TERM "$pid"
		wait_until 20 proc_gone "$pid" || bail "the stack's concierge-notify ignores SIGTERM"
	fi
}

free_port() {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

sink_smtp() {
	local name=$1
	shift
	mkdir -p "$T_TMP/$name"
	rm -f "$T_TMP/$name.port"
	"$PYTHON" "$SINK_SMTP" --dir "$T_TMP/$name" --port-file "$T_TMP/$name.port" "$@" \
		>"$T_TMP/$name.log" 2>&1 </dev/null &
	SMTP_PID=$!
	on_exit "stop_pid $SMTP_PID"
	wait_until 15 "[[ -s '$T_TMP/$name.port' ]] || proc_gone $SMTP_PID"
	[[ -s $T_TMP/$name.port ]] || bail "the SMTP sink $name did not start: $(cat "$T_TMP/$name.log")"
	SMTP_PORT=$(<"$T_TMP/$name.port")
}

sink_sms() {
	local name=$1
	shift
	rm -f "$T_TMP/$name.port"
	"$PYTHON" "$SINK_SMS" --log "$T_TMP/$name.jsonl" --port-file "$T_TMP/$name.port" "$@" \
		>"$T_TMP/$name.log" 2>&1 </dev/null &
	SMS_PID=$!
	on_exit "stop_pid $SMS_PID"
	wait_until 15 "[[ -s '$T_TMP/$name.port' ]] || proc_gone $SMS_PID"
	[[ -s $T_TMP/$name.port ]] || bail "the SMS sink $name did not start: $(cat "$T_TMP/$name.log")"
	SMS_PORT=$(<"$T_TMP/$name.port")
	touch "$T_TMP/$name.jsonl"
}

# notify_conf FILE KEY=VALUE...: the stack's config with these keys (last wins).
notify_conf() {
	local f=$1 kv
	shift
	(
		umask 077
		grep -Ev '^[[:space:]]*notify\.' "$CONF"
		printf '%s\n' "notify.mail_from = noreply@concierge.test" \
			"notify.from_name = Concierge" \
			"notify.portal_url = https://portal.example.test" \
			"notify.sms_from = +15550009999" \
			"notify.timeout_seconds = 5" "notify.connect_timeout_seconds = 2" \
			"notify.lease_seconds = 30"
		for kv; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
	) >"$f"
}

notify_run() {
	local conf=$1
	shift
	NOTIFY_OUT=$("$NOTIFY_BIN" --config "$conf" --once "$@" 2>>"$T_TMP/notify.log")
	NOTIFY_RC=$?
	((NOTIFY_RC == 0)) || diag "concierge-notify --once exited $NOTIFY_RC: $(tail -n 5 "$T_TMP/notify.log")"
	return 0
}

# notify_bg NAME CONF [ARGS]: a sender in the background, log $T_TMP/NAME.log.
notify_bg() {
	local name=$1 conf=$2
	shift 2
	(
		close_fds
		exec "$NOTIFY_BIN" --config "$conf" "$@"
	) >"$T_TMP/$name.out" 2>"$T_TMP/$name.log" </dev/null &
	BG_PID=$!
	on_exit "stop_pid $BG_PID"
}

# nuser ROLE [PHONE]: a user with a session, made in SQL; prints "ID TOKEN EMAIL".
nuser() {
	local role=$1 phone=${2:-} id tok email
	id=$(head -c 40 /dev/urandom | base32 | tr 'A-Z' 'a-z' | tr -d '=\n' | head -c 26)
	tok=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | head -c 43)
	email=$id@notify.test
	sql "INSERT INTO users (id, email, email_norm, role, password_hash, full_name,
		phone, created_at, updated_at) VALUES ('$id', '$email', '$email', '$role', 'x',
		'Notify Test', $([[ -n $phone ]] && echo "'$phone'" || echo NULL), UTC_TIMESTAMP(6),
		UTC_TIMESTAMP(6));
	    INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at,
		expires_at) VALUES ('$id', '$id', UNHEX(SHA2('$tok', 256)), UTC_TIMESTAMP(6),
		UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 3 DAY);" || bail "cannot create a $role"
	case $role in
	patient) sql "INSERT INTO patient_profiles (user_id, medical_record_number)
		VALUES ('$id', 'MRN${id:0:9}')" ;;
	provider) sql "INSERT INTO provider_profiles (user_id, is_verified,
		telehealth_enabled) VALUES ('$id', 1, 1)" ;;
	esac
	printf '%s %s %s\n' "$id" "$tok" "$email"
}

# enqueue USER CHANNEL TEMPLATE [PAYLOAD [DUE_SQL]]: an outbox row, due now
# (by the stack's clock) unless DUE_SQL says otherwise; prints its id.
enqueue() {
	local payload=${4:-} due=${5:-}
	[[ -n $payload ]] && payload=$(sql_str "$payload") || payload=NULL
	[[ -n $due ]] || due="UTC_TIMESTAMP(6) + INTERVAL $(clock_offset) SECOND"
	sql "INSERT INTO outbox (channel, recipient_user_id, template, payload, due_at,
		created_at) VALUES ('$2', '$1', '$3', $payload, $due, $due);
	    SELECT LAST_INSERT_ID()"
}

# clock_offset: the seconds clock_shift added (0 if none).
clock_offset() {
	local v
	v=$(cat "$ROOT/var/clock-offset" 2>/dev/null)
	[[ $v =~ ^-?[0-9]+$ ]] && echo "$v" || echo 0
}

# usec_of ID COLUMN: a time column of a row in microseconds since the epoch.
usec_of() {
	sql "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', $2) FROM outbox WHERE id = $1"
}

# has GOT TEXT NAME: GOT contains TEXT (no pattern characters).
has() {
	if [[ $1 == *"$2"* ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "     got: $(t_show "$1")"
	diag "    want: ...$2..."
	return 1
}

row() {
	sql "SELECT CONCAT_WS(' ', status, attempts, IFNULL(last_error, '-')) FROM outbox WHERE id = $1"
}

mails() {
	"$PYTHON" "$T_LIB_DIR/notify-mail.py" "$1"
}

mails_to() {
	mails "$1" | jq -c --arg a "$2" 'select(.to == $a)'
}

sms_to() {
	jq -c --arg n "$2" 'select(.status == 201 and .form.To == $n)' "$1"
}

# drain: send whatever is due now to a throwaway sink, so rows of other
# tests do not reach this script's sinks.
drain() {
	local c=$T_TMP/drain.conf
	sink_smtp drain-mail
	sink_sms drain-sms
	notify_conf "$c" "notify.smtp_url=smtp://127.0.0.1:$SMTP_PORT" \
		"notify.sms_url=http://127.0.0.1:$SMS_PORT/sms"
	notify_run "$c"
	stop_pid "$SMTP_PID"
	stop_pid "$SMS_PID"
}
