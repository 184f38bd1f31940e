# tests/e2e/lib.sh: TAP helpers for the end-to-end tests, sourced by each
# tests/e2e/e2e-*.sh. The tests talk to a running stack (real nginx, real
# workers, real MariaDB) that `scripts/dev test` starts and describes with:
#
#   CONCIERGE_E2E=1           run (unset: every script skips, as in distcheck)
#   CONCIERGE_BASE_URL        http://127.0.0.1:PORT
#   CONCIERGE_ROOT            the checkout the stack runs from (var/ lives there)
#   CONCIERGE_DB_SOCKET       MariaDB unix socket (root, no password)
#   CONCIERGE_CONFIG          the workers' config file
#   CONCIERGE_BUILD_DIR       optional: the build whose binaries are tested;
#                             default: the directory the test starts in (make
#                             check runs tests from the build directory)
#   CONCIERGE_RECORD_DIR      optional: record every api/api_raw exchange there
#                             (tests/contract/responses.contract validates them)
#
# TAP: plan N | done_testing, ok STATUS NAME, is GOT WANT NAME, isnt, like
# GOT ERE NAME, unlike, diag, bail. HTTP through nginx: api, api_raw (set
# STATUS, BODY, HEADERS), header NAME, login. Straight to a worker socket:
# fcgi (tests/e2e/fcgi-client.py), fcgi_parse. Database: sql, sql_str,
# counts, delta BEFORE AFTER. Misc: uniq_email, conf_get, on_exit CMD,
# wait_until SECONDS CMD..., proc_alive, proc_gone, hex_of, need_build,
# clock_shift SECONDS / clock_reset (the dev-mode clock of every process).
# Globals: BASE ROOT DB_SOCKET DB_NAME CONF SRCDIR BUILD T_TMP PYTHON
# DEMO_PASSWORD.
#
# The scripts share the stack and its database, so they take a lock
# (var/run/e2e.lock) and run one at a time even under make -j check.

set -u
export LC_ALL=C

if [[ -z ${CONCIERGE_E2E:-} || ${CONCIERGE_E2E} == 0 ]]; then
	echo "1..0 # SKIP no running stack (use scripts/dev test)"
	exit 0
fi

T_NUM=0
T_FAILED=0
T_PLANNED=
T_BUILD_START=$PWD
T_LIB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
T_CLEANUPS=()
T_REC_NAME=$(basename -- "$0" .sh)

# ---------------------------------------------------------------------------
# TAP

# bail MESSAGE: stop the whole run (the tap driver reports an error).
bail() {
	printf 'Bail out! %s\n' "$*"
	exit 1
}

# diag TEXT...: a TAP comment, one per line of TEXT.
diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

plan() {
	T_PLANNED=$1
	printf '1..%d\n' "$1"
}

done_testing() {
	[[ -n $T_PLANNED ]] || printf '1..%d\n' "$T_NUM"
	T_PLANNED="done"
}

# ok STATUS NAME: STATUS is an exit status (0 passes).
ok() {
	local st=$1 name=${2:-}
	name=${name//\\/\\\\}
	name=${name//#/\\#}
	T_NUM=$((T_NUM + 1))
	if [[ $st == 0 ]]; then
		printf 'ok %d - %s\n' "$T_NUM" "$name"
		return 0
	fi
	T_FAILED=$((T_FAILED + 1))
	printf 'not ok %d - %s\n' "$T_NUM" "$name"
	return 1
}

# show a value for diagnostics: cut long ones, make control bytes visible.
t_show() {
	local v=$1
	((${#v} > 600)) && v="${v:0:600}... (${#1} bytes)"
	printf "'%s'" "$(printf '%s' "$v" | tr '\r\n\t' '   ')"
}

# is GOT WANT NAME
is() {
	if [[ $1 == "$2" ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "     got: $(t_show "$1")"
	diag "expected: $(t_show "$2")"
	return 1
}

# isnt GOT UNWANTED NAME
isnt() {
	if [[ $1 != "$2" ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "     got: $(t_show "$1") (must differ)"
	return 1
}

# like GOT REGEX NAME (bash ERE)
like() {
	if [[ $1 =~ $2 ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "     got: $(t_show "$1")"
	diag "    want: /$2/"
	return 1
}

# unlike GOT REGEX NAME
unlike() {
	if ! [[ $1 =~ $2 ]]; then
		ok 0 "$3"
		return 0
	fi
	ok 1 "$3"
	diag "     got: $(t_show "$1")"
	diag "must not match: /$2/"
	return 1
}

# ---------------------------------------------------------------------------
# clean-up: on_exit CMD registers CMD (a string for eval); they run in reverse
# order at exit, then the temp directory goes.

on_exit() { T_CLEANUPS+=("$1"); }

t_exit() {
	local rc=$? i f
	trap - EXIT
	for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUPS[$i]}" >/dev/null 2>&1
	done
	if ((T_FAILED > 0)); then
		# Logs of private processes the test started, for the failure.
		for f in "$T_TMP"/*.log; do
			[[ -s $f ]] || continue
			printf '# --- last lines of %s ---\n' "${f##*/}"
			tail -n 15 -- "$f" | sed 's/^/#   /'
		done
	fi
	rm -rf -- "$T_TMP"
	if [[ -n $T_PLANNED && $T_PLANNED != "done" && $T_NUM != "$T_PLANNED" ]]; then
		printf '# planned %s tests, ran %d\n' "$T_PLANNED" "$T_NUM"
	fi
	# Failures are reported by the "not ok" lines; the exit status only
	# says whether the script itself died (else the driver counts twice).
	((T_FAILED == 0)) || printf '# failed %d of %d tests\n' "$T_FAILED" "$T_NUM"
	exit "$rc"
}

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX") || bail "mktemp failed"
trap t_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_until SECONDS CMD [ARGS...]: run CMD every 50 ms until it succeeds; 1
# on timeout. With a single argument, CMD is shell code, evaluated each time
# (so command substitutions in it are re-run): wait_until 5 '(( $(f) > 2 ))'.
wait_until() {
	local secs=$1 end
	shift
	end=$(($(date +%s%N) + secs * 1000000000))
	until if (($# == 1)); then eval "$1"; else "$@"; fi; do
		(($(date +%s%N) >= end)) && return 1
		sleep 0.05
	done
	return 0
}

# proc_alive PID: running and not a zombie.
proc_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != [ZX] ]]
}
proc_gone() { ! proc_alive "$1"; }

# clock_shift SECONDS: move the clock of every worker and tool of the stack
# (utc_now reads var/clock-offset, dev mode only) to now + SECONDS; the
# first call registers clock_reset at exit. Use it instead of sleeping.
T_CLOCK_SHIFTED=0
clock_shift() {
	local f=$ROOT/var/clock-offset
	[[ $(conf_get dev.clock_offset_file) == "$f" ]] ||
		bail "the config does not name $f as dev.clock_offset_file"
	{ printf '%d\n' "$1" >"$f.new" && mv "$f.new" "$f"; } || bail "cannot write $f"
	if ((!T_CLOCK_SHIFTED)); then
		T_CLOCK_SHIFTED=1
		on_exit clock_reset
	fi
}
clock_reset() { rm -f "$ROOT/var/clock-offset"; }

# hex_of STRING: its bytes as upper-case hex (what SQL HEX() prints).
hex_of() { printf '%s' "$1" | od -An -vtx1 | tr -d ' \n' | tr a-f A-F; }

# ---------------------------------------------------------------------------
# environment

for v in CONCIERGE_BASE_URL CONCIERGE_ROOT CONCIERGE_DB_SOCKET CONCIERGE_CONFIG; do
	[[ -n ${!v:-} ]] || bail "CONCIERGE_E2E is set but $v is not (run through scripts/dev test)"
done
BASE=${CONCIERGE_BASE_URL%/}
ROOT=$CONCIERGE_ROOT
DB_SOCKET=$CONCIERGE_DB_SOCKET
CONF=$CONCIERGE_CONFIG
[[ -r $CONF ]] || bail "cannot read CONCIERGE_CONFIG=$CONF"
# The source tree: automake exports srcdir (relative to the build dir).
SRCDIR=${srcdir:-$T_LIB_DIR/../..}
SRCDIR=$(cd -- "$SRCDIR" && pwd -P) || bail "cannot enter srcdir"
BUILD=${CONCIERGE_BUILD_DIR:-$T_BUILD_START}
DEMO_PASSWORD='Concierge-Dev-2026!'

# conf_get KEY: the value of "KEY = value" in the config file (last wins).
conf_get() {
	awk -v k="$1" '
		/^[ \t]*(#|$)/ { next }
		{
			i = index($0, "="); if (i == 0) next
			key = substr($0, 1, i - 1); val = substr($0, i + 1)
			gsub(/^[ \t]+|[ \t]+$/, "", key); gsub(/^[ \t]+|[ \t]+$/, "", val)
			if (key == k) v = val
		}
		END { print v }' "$CONF"
}
DB_NAME=$(conf_get db.name)
DB_NAME=${DB_NAME:-concierge}

# need_build: bail unless BUILD holds the binaries (runtime, migrate tests).
need_build() {
	BUILD=$(cd -- "$BUILD" 2>/dev/null && pwd -P) || bail "no build directory '$BUILD'"
	[[ -x $BUILD/cgi-bin/auth/concierge-auth && -x $BUILD/tools/concierge-migrate ]] ||
		bail "no binaries under $BUILD (set CONCIERGE_BUILD_DIR or run from the build directory)"
}

# ---------------------------------------------------------------------------
# database

# sql QUERY: run as root; rows on stdout, tab-separated, unescaped (--raw).
sql() {
	mariadb --no-defaults --socket="$DB_SOCKET" -uroot -N -B -r "$DB_NAME" -e "$1"
}

# innodb_view SQL: a query of information_schema's InnoDB transaction and
# lock tables (INNODB_TRX, INNODB_LOCKS, INNODB_LOCK_WAITS). MariaDB refills
# the cache behind them only when it was last read over 100 ms ago, so a
# loop polling faster reads the same stale answer for as long as it polls:
# this waits 150 ms before each read.
innodb_view() {
	sleep 0.15
	sql "$1"
}

# counts: row counts of the tables the foundation writes, on one line.
counts() {
	sql "SELECT CONCAT('users=', (SELECT COUNT(*) FROM users),
		' sessions=', (SELECT COUNT(*) FROM sessions),
		' patient_profiles=', (SELECT COUNT(*) FROM patient_profiles),
		' provider_profiles=', (SELECT COUNT(*) FROM provider_profiles),
		' care_team=', (SELECT COUNT(*) FROM care_team),
		' audit_log=', (SELECT COUNT(*) FROM audit_log),
		' outbox=', (SELECT COUNT(*) FROM outbox),
		' events=', (SELECT COUNT(*) FROM events))" 2>&1
}

# delta BEFORE AFTER: the tables whose counts changed between two `counts`
# lines, as "users=+1 audit_log=+1" (in counts' order), or "none". Lines
# that add more "name=N" words (an area's own tables) work alike.
delta() {
	local -a a b
	local i out=
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	if ((${#a[@]} < 8 || ${#a[@]} != ${#b[@]})); then
		printf 'unusable counts: %s / %s' "$1" "$2"
		return 0
	fi
	for i in "${!a[@]}"; do
		local n=${a[$i]%%=*} x=${a[$i]#*=} y=${b[$i]#*=}
		((x == y)) && continue
		((y > x)) && out+=" $n=+$((y - x))" || out+=" $n=$((y - x))"
	done
	out=${out# }
	printf '%s' "${out:-none}"
}

# sql_str S: S as a SQL string literal (for test values in WHERE clauses).
sql_str() {
	local s=${1//\\/\\\\}
	s=${s//\'/\'\'}
	printf "'%s'" "$s"
}

# ---------------------------------------------------------------------------
# HTTP

# api_raw METHOD PATH [curl args...]: STATUS (000 if no reply), BODY, HEADERS,
# RESP_BODY_FILE (the file holding the body, for binary comparisons).
# With CONCIERGE_RECORD_DIR set (scripts/dev test, normal pass), curl writes
# the response straight into that folder, next to a PREFIX.req line
# "METHOD PATH": tests/contract/responses.contract validates every recording
# against docs/openapi.yaml once the e2e tests are done. No extra process
# per request.
api_raw() {
	local method=$1 path=$2 h=$T_TMP/resp.h b=$T_TMP/resp.b
	shift 2
	if [[ -n ${CONCIERGE_RECORD_DIR:-} ]]; then
		T_REC_N=$((${T_REC_N:-0} + 1))
		h=$CONCIERGE_RECORD_DIR/${T_REC_NAME}.$BASHPID.$T_REC_N.$SRANDOM
		printf '%s %s\n' "$method" "$path" >"$h.req"
		b=$h.b h=$h.h
	fi
	rm -f "$h" "$b"
	STATUS=$(curl -sS -X "$method" -D "$h" -o "$b" \
		-w '%{http_code}' --max-time 30 -H 'Expect:' "$@" "$BASE$path" 2>"$T_TMP/curl.err")
	[[ -n $STATUS ]] || STATUS=000
	BODY=
	HEADERS=
	RESP_BODY_FILE=$b
	[[ -f $b ]] && BODY=$(<"$b")
	[[ -f $h ]] && HEADERS=$(tr -d '\r' <"$h")
	if [[ $STATUS == 000 ]]; then
		diag "curl $method $path: $(cat "$T_TMP/curl.err")"
	fi
	return 0
}

# api METHOD PATH [BODY [curl args...]]: a JSON body when BODY is non-empty.
api() {
	local method=$1 path=$2 body=${3-}
	shift 2
	(($#)) && shift
	if [[ -n $body ]]; then
		printf '%s' "$body" >"$T_TMP/req.json"
		api_raw "$method" "$path" -H 'Content-Type: application/json' \
			--data-binary "@$T_TMP/req.json" "$@"
	else
		api_raw "$method" "$path" "$@"
	fi
}

# header NAME: the value of response header NAME (case-insensitive; last one).
header() {
	local name=${1,,} line v=
	while IFS= read -r line; do
		[[ ${line,,} == "$name:"* ]] && v=${line#*:}
	done <<<"$HEADERS"
	v=${v#"${v%%[! ]*}"}
	printf '%s' "$v"
}

# login EMAIL PASSWORD: print the token (nothing, status 1, on failure).
login() {
	local body
	body=$(jq -cn --arg e "$1" --arg p "$2" '{email:$e,password:$p}')
	api POST /api/v1/auth/login "$body"
	if [[ $STATUS != 200 ]]; then
		diag "login $1: HTTP $STATUS $BODY"
		return 1
	fi
	jq -er .token <<<"$BODY"
}

# fcgi SOCKET [fcgi-client.py args...]: one FastCGI request straight to a
# worker's socket, bypassing nginx. Sets STATUS (000 without a Status line),
# HEADERS, BODY, FCGI_RC (the client's exit status: 0 = ended normally) and
# FCGI_COMPLETE (1 when the body holds exactly Content-Length bytes).
fcgi() {
	"$PYTHON" "$T_LIB_DIR/fcgi-client.py" "$@" >"$T_TMP/fcgi.out" 2>"$T_TMP/fcgi.err"
	FCGI_RC=$?
	fcgi_parse "$T_TMP/fcgi.out"
	((FCGI_RC == 0)) || diag "fcgi-client $*: exit $FCGI_RC: $(head -c 300 "$T_TMP/fcgi.err")"
	return 0
}

# fcgi_parse FILE: STATUS, HEADERS, BODY, FCGI_COMPLETE from a CGI response.
fcgi_parse() {
	local raw len
	raw=$(cat -- "$1"; printf x)
	raw=${raw%x}
	STATUS=000
	HEADERS=
	BODY=$raw
	FCGI_COMPLETE=0
	[[ $raw == *$'\r\n\r\n'* ]] || return 0
	HEADERS=${raw%%$'\r\n\r\n'*}
	BODY=${raw#*$'\r\n\r\n'}
	HEADERS=${HEADERS//$'\r'/}
	[[ $HEADERS =~ ^Status:\ ([0-9]{3}) ]] && STATUS=${BASH_REMATCH[1]}
	len=$(header Content-Length)
	[[ -n $len && $len == "${#BODY}" ]] && FCGI_COMPLETE=1
	return 0
}

# uniq_email: a fresh address nobody has used.
uniq_email() {
	printf 'e2e-%s@example.test\n' "$(od -An -vtx1 -N8 /dev/urandom | tr -d ' \n')"
}

# ---------------------------------------------------------------------------
# is the stack there?

# The e2e tests share one stack and one database (they count rows, stop
# workers, kill connections): one at a time, even under make -j check.
if [[ -d $ROOT/var/run ]]; then
	exec {T_LOCK_FD}>>"$ROOT/var/run/e2e.lock" || bail "cannot open $ROOT/var/run/e2e.lock"
	flock -w 600 "$T_LOCK_FD" || bail "another e2e test held var/run/e2e.lock for 10 minutes"
fi

command -v jq >/dev/null || bail "jq is not installed"
command -v curl >/dev/null || bail "curl is not installed"
command -v mariadb >/dev/null || bail "the mariadb client is not installed"
# The system python3 if there is one: a version manager's shim (pyenv) can
# cost 100+ ms per start.
if [[ -x /usr/bin/python3 ]]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=$(command -v python3) || bail "python3 is not installed"
fi
t_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz/auth" 2>/dev/null)
[[ $t_code != 000 && -n $t_code ]] || bail "nothing answers at $BASE (is the stack up?)"
[[ $(sql "SELECT 1" 2>&1) == 1 ]] || bail "cannot query MariaDB at $DB_SOCKET as root: $(sql 'SELECT 1' 2>&1 | head -1)"
unset t_code
