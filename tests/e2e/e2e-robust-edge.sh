#!/usr/bin/env bash
# e2e-robust-edge: what nginx answers itself (issue 15, part 3). Every error
# the edge makes is problem+json (raw requests: 400, 405, 413, 414, 494,
# 501, 505); HTTP/0.9 is refused with no reply and never reaches a worker;
# limit_conn caps the requests one address has in progress (429
# problem+json past it) while another address is still served, and
# thousands of idle connections from one address starve nobody and are
# closed after client_header_timeout.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
plan 38
# `printf ... | raw` runs raw in this shell, so it can set R_*.
shopt -s lastpipe

PORT=${BASE##*:}
CLIENTS=$T_LIB_DIR/robust-clients.py
AUTH_LOG=$ROOT/var/log/auth.log
ACCESS=$ROOT/var/nginx/access.log

# raw NAME: send stdin as one request; sets R_STATUS R_TYPE R_BODY R_CLOSED.
raw() {
	local out reply
	out=$("$PYTHON" "$CLIENTS" raw "$PORT") || bail "robust-clients.py raw failed"
	reply=$(jq -r .reply <<<"$out")
	R_CLOSED=$(jq -r .closed_without_reply <<<"$out")
	R_STATUS=$(sed -n '1s/^HTTP\/1\.1 \([0-9]*\).*/\1/p' <<<"$reply")
	R_TYPE=$(tr -d '\r' <<<"$reply" | sed -n 's/^Content-Type: //Ip' | head -n1)
	R_BODY=${reply#*$'\r\n\r\n'}
}
# edge_problem STATUS NAME: the last raw reply is a problem+json STATUS.
edge_problem() {
	is "$R_STATUS" "$1" "$2: $1"
	is "$R_TYPE:$(jq -r .status <<<"$R_BODY" 2>/dev/null)" "application/problem+json:$1" \
		"$2: problem+json with status $1"
}

# ---- nginx's own errors ----
printf 'GET / HTTP/2.0\r\nHost: localhost\r\n\r\n' | raw
edge_problem 505 "an HTTP/2.0 request line over HTTP/1"
printf 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n' | raw
edge_problem 501 "an unknown Transfer-Encoding"
printf 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n' | raw
edge_problem 400 "two Content-Length headers"
printf 'GET /api/v1/me HTTP/1.1\r\nConnection: close\r\n\r\n' | raw
edge_problem 400 "HTTP/1.1 without Host"
{ printf 'GET /'; head -c 9000 /dev/zero | tr '\0' a; printf ' HTTP/1.1\r\nHost: localhost\r\n\r\n'; } | raw
edge_problem 414 "a 9,000-byte URI"
{ printf 'GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nX-Big: '; head -c 9000 /dev/zero | tr '\0' a; printf '\r\nConnection: close\r\n\r\n'; } | raw
edge_problem 400 "a 9,000-byte header (nginx's 494)"
printf 'TRACE /api/v1/me HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' | raw
edge_problem 405 "TRACE"
printf 'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n' | raw
edge_problem 413 "a 2 MB JSON body announced"

# ---- HTTP/0.9 ----
n_before=$(grep -c 'request: GET /healthz/auth' "$AUTH_LOG")
printf 'GET /healthz/auth\r\n' | raw
is "$R_CLOSED" true "HTTP/0.9: the connection is closed without a byte"
wait_until 3 'grep -q "\"GET /healthz/auth\" 444 " "$ACCESS"'
ok $? "nginx logs it as 444 (closed)"
is "$(grep -c 'request: GET /healthz/auth' "$AUTH_LOG")" "$n_before" "the auth worker never saw it"
printf 'GET /healthz/auth HTTP/1.0\r\n\r\n' | raw
is "$R_STATUS" 200 "HTTP/1.0 is still served"

# ---- limit_conn: one address cannot starve another ----
# 512 requests from 127.0.0.2 hold their bodies back (in progress), 30 more
# are refused; 2,200 connections from it then send nothing at all.
out=$("$PYTHON" "$CLIENTS" limit "$PORT" 127.0.0.2 512 30 2200) || bail "robust-clients.py limit failed"
diag "limit: $out"
j() { jq -r ".$1" <<<"$out"; }
is "$(j held)" 512 "127.0.0.2: 512 requests in progress are held (the limit)"
is "$(j refused_429)" 30 "the 30 past the limit: 429"
is "$(j refused_problem)" 30 "each as problem+json"
is "$(j local_200)" 20 "meanwhile 127.0.0.1: 20 of 20 requests served"
is "$(j same_addr_while_full)" 429 "and 127.0.0.2's next request: 429"
is "$(j same_addr_after)" 200 "once its requests end, 127.0.0.2 is served again"
is "$(j idle_local_200)" 20 "with 2,200 idle connections from 127.0.0.2: 127.0.0.1 still served (20 of 20)"
is "$(j idle_same_addr)" 200 "idle connections are not requests: 127.0.0.2 too"
is "$(j idle_closed_by_server)" 2200 "nginx closes all 2,200 idle connections (client_header_timeout)"
grep -q 'limiting connections by zone "concierge_addr"' "$ROOT/var/nginx/error.log"
ok $? "nginx logs the refusals (limit_conn_log_level warn)"

# ---- the configurations ----
for f in nginx/dev.conf.in nginx/production.conf; do
	c=$(sed 's/#.*//' "$SRCDIR/$f")
	like "$c" 'limit_conn_zone \$binary_remote_addr zone=concierge_addr' "$f: a per-address limit_conn zone"
	like "$c" 'limit_conn concierge_addr [0-9]+;' "$f: applied to the API server"
	like "$c" 'error_page 505 +/\.problem/505;' "$f: 505 as problem+json"
done
like "$(sed 's/#.*//' "$SRCDIR/nginx/dev.conf.in")" 'worker_connections 10000;' "dev: worker_connections sized"
like "$(sed -n '1,/^limit_conn_zone/p' "$SRCDIR/nginx/production.conf")" 'worker_connections 20000' \
	"production: the worker_connections nginx.conf must hold, in its header"

done_testing
