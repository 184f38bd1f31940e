#!/usr/bin/env bash
# test-contract: the real responses of the end-to-end suite, recorded by
# tests/e2e/lib.sh under CONCIERGE_RECORD_DIR, validated against
# docs/openapi.yaml by Stoplight Prism's proxy pipeline
# (tests/node/prism/validate-recordings.mjs): every mismatch fails. Prints
# the number of distinct (operation, status) pairs validated. Makefile.am
# runs it after every e2e test of the same make check. First it proves the
# validator can fail, on recordings it makes up. TAP. Skips without
# recordings to read (distcheck, make check without scripts/dev) or without
# the pinned Prism (tests/node/prism, installed by scripts/dev).
set -u
SRC=$(cd -- "${srcdir:-$(dirname -- "$0")/../..}" && pwd -P)
DOC=$SRC/docs/openapi.yaml
VAL=$SRC/tests/node/prism/validate-recordings.mjs
DIR=${CONCIERGE_RECORD_DIR:-}
[[ -n $DIR ]] || { echo "1..0 # SKIP CONCIERGE_RECORD_DIR is not set (scripts/dev test sets it)"; exit 0; }
[[ -d $SRC/tests/node/prism/node_modules ]] ||
	{ echo "1..0 # SKIP no tests/node/prism/node_modules (scripts/dev installs it)"; exit 0; }
command -v node >/dev/null || { echo "1..0 # SKIP node is not installed"; exit 0; }
n=0 failed=0
ok() {	# ok STATUS NAME
	n=$((n + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# rec DIR NAME "METHOD PATH" STATUS CONTENT-TYPE BODY: one made-up recording.
rec() {
	printf '%s\n' "$3" >"$1/$2.req"
	printf 'HTTP/1.1 %s X\r\nContent-Type: %s\r\nX-Request-Id: r1\r\n\r\n' "$4" "$5" >"$1/$2.h"
	printf '%s' "$6" >"$1/$2.b"
}
# ---- the validator can fail ----
mkdir "$tmp/good" "$tmp/bad"
rec "$tmp/good" a 'GET /healthz/auth' 200 application/json '{"status":"ok","worker":"auth","db":"ok"}'
rec "$tmp/good" b 'GET /api/v1/nope' 404 text/html '<html></html>'
node "$VAL" "$DOC" "$tmp/good" >"$tmp/good.out" 2>&1
ok $? "a response that matches passes (and a 404 off the API is only counted)"
grep -q '^# distinct (operation, status) pairs validated: 1$' "$tmp/good.out"
ok $? "... as one (operation, status) pair"
rec "$tmp/bad" type 'GET /healthz/auth' 200 application/json '{"status":5,"worker":"auth","db":"ok"}'
rec "$tmp/bad" code 'GET /healthz/auth' 418 application/json '{}'
rec "$tmp/bad" media 'GET /healthz/auth' 200 text/plain 'ok'
rec "$tmp/bad" route 'GET /api/v1/nope' 200 application/json '{}'
rec "$tmp/bad" json 'GET /healthz/auth' 200 application/json '{"status":'
rec "$tmp/bad" extra 'POST /api/v1/auth/logout' 204 application/json '{"x":1}'
node "$VAL" "$DOC" "$tmp/bad" >"$tmp/bad.out" 2>&1
ok $(( $? == 0 )) "responses that do not match fail"
for k in type code media route json extra; do
	grep -q "^mismatch $k: " "$tmp/bad.out"
	ok $? "... flagging the $k mismatch"
done
grep -q '^mismatch' "$tmp/bad.out" && sed 's/^/# /' "$tmp/bad.out" | grep '^# mismatch' | head -20

# ---- the live suite's recordings ----
total=$(find "$DIR" -name '*.req' 2>/dev/null | wc -l)
if ((total == 0)) && [[ -z ${CONCIERGE_CONTRACT_FULL:-} ]]; then
	n=$((n + 1))
	echo "ok $n # SKIP nothing recorded (run it with e2e tests: scripts/dev check tests/e2e/... $0)"
else
	ok $(( total == 0 )) "the e2e tests recorded exchanges ($total)"
	node "$VAL" "$DOC" "$DIR" >"$tmp/live.out" 2>&1
	ok $? "every recorded response matches docs/openapi.yaml"
	sed 's/^/# /' "$tmp/live.out"
	pairs=$(sed -n 's/^# distinct (operation, status) pairs validated: //p' "$tmp/live.out")
	if [[ -n ${CONCIERGE_CONTRACT_FULL:-} ]]; then
		# The whole suite exercises far more; a floor catches a recorder
		# that stopped recording.
		ok $(( ${pairs:-0} < 150 )) "the whole suite validates at least 150 (operation, status) pairs (${pairs:-0})"
	fi
fi
echo "1..$n"
exit $((failed != 0))
