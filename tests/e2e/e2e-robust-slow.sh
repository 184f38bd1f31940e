#!/usr/bin/env bash
# e2e-robust-slow: slow and malformed clients (issue 15, part 4). Hundreds
# of clients from 127.0.0.3 trickle their headers or their bodies a byte
# every half second; requests from 127.0.0.1 are still served at a rate
# comparable to the unloaded one (nginx holds the slow ones; no worker
# waits on them). A body shorter than its Content-Length is ended by nginx
# after client_body_timeout and never reaches the worker.
. "${srcdir:-$(dirname -- "$0")/../..}/tests/e2e/lib.sh"

need_build
plan 9

PORT=${BASE##*:}
CLIENTS=$T_LIB_DIR/robust-clients.py
AUTH_LOG=$ROOT/var/log/auth.log
ACCESS=$ROOT/var/nginx/access.log
NGINX_CONF=$ROOT/var/nginx/nginx.conf
conf_secs() { sed -n "s/^ *$1 *\([0-9]*\)s;.*/\1/p" "$NGINX_CONF" | head -n1; }
BODY_TIMEOUT=$(conf_secs client_body_timeout)
[[ -n $BODY_TIMEOUT ]] || bail "no client_body_timeout in $NGINX_CONF"

# ---- 150 slow-header and 150 slow-body clients ----
# Served counts in two equal windows, one after the other: a ratio, measured
# again once if the machine was busy.
ratio_ok() { (($(jq -r .loaded <<<"$out") * 4 >= $(jq -r .unloaded <<<"$out"))); }
for try in 1 2; do
	out=$("$PYTHON" "$CLIENTS" slow "$PORT" 127.0.0.3 150 150 2) || bail "robust-clients.py slow failed"
	diag "slow clients, try $try: $out"
	ratio_ok && break
done
is "$(jq -r .slow_clients <<<"$out")" 300 "300 slow clients connected from 127.0.0.3"
ok "$(((($(jq -r .unloaded <<<"$out")) > 0) ? 0 : 1))" "unloaded: 127.0.0.1 served $(jq -r .unloaded <<<"$out") requests in 2 s"
ratio_ok
ok $? "loaded: $(jq -r .loaded <<<"$out") served in 2 s, at least a quarter of the unloaded count"
# Not one of the slow requests reached a worker (all still unsent).
tail -n 2000 "$AUTH_LOG" | grep -q 'X-Slow' && slow_seen=1 || slow_seen=0
is "$slow_seen" 0 "no worker logged anything of the slow clients"

# ---- a body shorter than its Content-Length ----
n_before=$(grep -c 'request: POST /api/v1/auth/login' "$AUTH_LOG")
out=$("$PYTHON" "$CLIENTS" short-body "$PORT" /api/v1/auth/login) || bail "robust-clients.py short-body failed"
diag "short body: $out"
is "$(jq -r .ended <<<"$out")" true "a body 90 bytes short: nginx ends the request"
secs=$(jq -r .seconds <<<"$out")
ok "$(awk -v s="$secs" -v t="$BODY_TIMEOUT" 'BEGIN { exit !(s >= t * 0.8 && s <= t * 3) }'; echo $?)" \
	"after client_body_timeout (${BODY_TIMEOUT}s configured, ended after ${secs}s)"
is "$(jq -r .reply <<<"$out")" "" "with no reply (the client stopped sending: 408 is only logged)"
wait_until 3 'grep -q "\"POST /api/v1/auth/login HTTP/1.1\" 408 .* up=- " "$ACCESS"'
ok $? "nginx logs 408 with no upstream"
is "$(grep -c 'request: POST /api/v1/auth/login' "$AUTH_LOG")" "$n_before" \
	"the auth worker never saw the request (nginx buffers bodies first)"

done_testing
