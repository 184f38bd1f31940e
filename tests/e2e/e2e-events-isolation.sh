#!/usr/bin/env bash
# e2e-events-isolation: no client reaches another user's channel, by any
# trick of path, query or header, and nchan's publisher is not reachable
# through the public server. The victim's events flow all the while; the
# attacker, signed in as themself, must get only their own.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/events-lib.sh"

read -r A A_TOK <<<"$(mkuser patient)"
read -r V V_TOK <<<"$(mkuser patient)"
SV=$V	# mkuser gives the session the user's id

ev_client victim sse "$V_TOK"
ev_client attacker sse "$A_TOK"
ev_client attacker_ws ws "$A_TOK"
for c in victim attacker attacker_ws; do
	ev_opened "$c"
	ok $? "$c connected"
done

# ---- the internal nchan locations answer 404 to a client ----
before=$(counts)
for path in "/.nchan/sse/$V/$SV" "/.nchan/ws/$V/$SV" "/.nchan/poll/$V/$SV?pos=" \
	"/.nchan/empty?after=0" "/api/v1/events/../.nchan/sse/$V/$SV" \
	"/api/v1/events/%2e%2e/%2e%2e/.nchan/sse/$V/$SV" "//.nchan/sse/$V/$SV" \
	"/%2enchan/sse/$V/$SV" "/api/v1/events/$V" "/api/v1/events/s.$V" \
	"/pub/s/$V" "/pub/x/$SV" "/walk/s/$V?pos=0:0" "/peek/j/$V" "/poll/$V/$SV"; do
	api GET "$path" "" -H "Authorization: Bearer $A_TOK" -H 'Accept: text/event-stream'
	like "$STATUS" '^(400|404)$' "GET $path: $STATUS"
	[[ $BODY != *'data:'* && $BODY != *"\"id\":"* ]]
	ok $? "GET $path: no event in the reply"
done
# The publisher: a unix socket, not the public port, whatever the Host.
for h in "Host: nchan" "Host: localhost" "Host: 127.0.0.1"; do
	api POST "/pub/s/$V" '{"data":[]}' -H "$h"
	is "$STATUS" 404 "POST /pub/s/<victim> with $h: 404"
	api DELETE "/pub/x/$SV" "" -H "$h"
	is "$STATUS" 404 "DELETE /pub/x/<victim session> with $h: 404"
done
is "$(stat -c %a "$ROOT/var")" 700 "the publisher's socket is in a directory only its owner enters"
[[ $(conf_get events.nchan_socket) == "$ROOT"/var/run/* ]]
ok $? "events.nchan_socket lives under var/run"

# ---- query and header tricks on the real route ----
for q in "channel=s.$V" "user_id=$V" "user=$V" "pos=0:0" "last_event_id=1" \
	"after=0&channel_id=$V" "after=$V" "after=-1" "after=1796152772:0" "after=0x10"; do
	api GET "/api/v1/events?$q" "" -H "Authorization: Bearer $A_TOK"
	is "$STATUS" 422 "?$q: 422"
done
for h in "Last-Event-ID: 1796152772:0" "Last-Event-ID: $V" "Last-Event-ID: 1 2"; do
	api GET /api/v1/events "" -H "Authorization: Bearer $A_TOK" -H "$h"
	is "$STATUS" 422 "$h: 422"
done
is "$(delta "$before" "$(counts)")" none "nothing written by any of it"

# Headers a proxy might trust: the stream stays the attacker's own.
curl -sN --max-time 120 -D "$T_TMP/tricky.hdr" -H 'Accept: text/event-stream' -H "Authorization: Bearer $A_TOK" \
	-H "X-Accel-Redirect: /.nchan/sse/$V/$SV" -H "X-Channel-Id: s.$V" \
	-H "X-Forwarded-For: 10.0.0.1" \
	"$BASE/api/v1/events" >"$T_TMP/tricky.sse" 2>/dev/null &
on_exit "kill $!"
# nchan answers the headers once the stream is subscribed.
wait_until 30 "grep -q '^HTTP/1.1 200' '$T_TMP/tricky.hdr'"
ok $? "the stream with forged headers is open"

# ---- the victim's events flow; the attacker gets only their own ----
for i in 1 2 3 4 5; do ev_insert "$V" >/dev/null; done
mine=$(ev_insert "$A")
ev_wake
ev_wait victim 5
ok $? "the victim gets their 5 events"
# The attacker's event has the largest id: the relay publishes in id order,
# each channel over one connection, so anything misrouted to the attacker's
# channel would arrive before it.
has_mine() { wait_until 30 "grep -q '\"id\":$mine,' '$1'"; }
has_mine "$T_TMP/attacker.out" && has_mine "$T_TMP/attacker_ws.out"
ok $? "the attacker gets their own"
has_mine "$T_TMP/tricky.sse"
ok $? "so does the stream with forged headers"
is "$(ev_ids attacker)" "$mine" "SSE: only the attacker's own event"
is "$(ev_ids attacker_ws)" "$mine" "WebSocket: only the attacker's own event"
is "$(grep -c '^data: ' "$T_TMP/tricky.sse")" 1 "the stream with forged headers got one event"
grep -q "\"id\":$mine," "$T_TMP/tricky.sse"
ok $? "and it is the attacker's"
api GET "/api/v1/events?after=0&limit=100" "" -H "Authorization: Bearer $A_TOK"
is "$(jq -c '[.data[].id]' <<<"$BODY")" "[$mine]" "JSON from the start of time: only the attacker's"

# ---- conditional headers: nchan would take the start from them ----
# nchan reads a stream's first message from If-None-Match and
# If-Modified-Since before ?pos=, and the redirect keeps the client's
# headers. A position nchan does not hold aborted its worker (every
# stream of every user dropped): two such requests sufficed.
ERRLOG=$ROOT/var/nginx/error.log
died=$(grep -ac 'exited on signal' "$ERRLOG")
read -r F F_TOK <<<"$(mkuser patient)"
ims="If-Modified-Since: $(date -u -d '-1 min' '+%a, %d %b %Y %H:%M:%S GMT')"
for i in 1 2; do
	api GET /api/v1/events "" -H "Authorization: Bearer $F_TOK" -H 'Accept: text/event-stream' \
		-H "$ims" -H 'If-None-Match: 0'
	is "$STATUS" 422 "SSE with If-Modified-Since and If-None-Match ($i): 422"
	is "$(jq -r '.errors[0].field' <<<"$BODY")" If-None-Match "the problem names the header"
done
api GET /api/v1/events "" -H "Authorization: Bearer $F_TOK" -H 'Accept: text/event-stream' -H "$ims"
is "$STATUS" 422 "SSE with If-Modified-Since alone: 422"
api GET /api/v1/events "" -H "Authorization: Bearer $F_TOK" -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
	-H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'If-None-Match: 1:0'
is "$STATUS" 422 "WebSocket with If-None-Match: 422"
# The long-poll's proxy drops them: the cursor decides, not the headers
# (which would point before the attacker's first event and send it again).
curl -s --max-time 20 -H "Authorization: Bearer $A_TOK" -H 'If-None-Match: 0:0' \
	-H 'If-Modified-Since: Thu, 01 Jan 1970 00:00:01 GMT' \
	"$BASE/api/v1/events?after=$mine&wait=15" >"$T_TMP/cond.poll" 2>/dev/null &
on_exit "kill $!"
sleep 0.5
mine2=$(ev_insert "$A")
ev_wake
wait_until 15 "[[ -s '$T_TMP/cond.poll' ]]"
is "$(jq -c '[.data[].id]' "$T_TMP/cond.poll" 2>/dev/null)" "[$mine2]" \
	"a long-poll with conditional headers gets the event after its cursor, and only that"
is "$(grep -ac 'exited on signal' "$ERRLOG")" "$died" "no nginx worker died"
ev_client fresh sse "$F_TOK"
ev_opened fresh
ok $? "the refused client's own stream opens"

done_testing
