#!/usr/bin/env bash
# e2e-events-json: GET /api/v1/events as JSON at once (?after=, ?limit=,
# the cursor), long-polls (&wait=: the worker holds the short ones, nchan
# the long ones; at most events.max_waiting held, then 429), bad input
# (422, nothing written), and the worker without nchan (a config with no
# events.nchan_socket): the same answers, out-of-order commits held back,
# held SSE, WebSocket refused.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/events-lib.sh"
need_build

read -r U U_TOK <<<"$(mkuser patient)"
read -r OTHER OTHER_TOK <<<"$(mkuser patient)"
read -r QUIET QUIET_TOK <<<"$(mkuser patient)"
AUTH=(-H "Authorization: Bearer $U_TOK")

# nchan's own long-poll time runs out after 25 s: started now (for a user
# who gets no events), checked at the end.
curl -s --max-time 40 -H "Authorization: Bearer $QUIET_TOK" -o "$T_TMP/nchan-timeout.json" \
	-w '%{http_code}' "$BASE/api/v1/events?wait=25" >"$T_TMP/nchan-timeout.code" &
on_exit "kill $!"

e1=$(ev_insert "$U")
ev_insert "$OTHER" >/dev/null
e2=$(ev_insert "$U")
e3=$(ev_insert "$U" appointment.cancelled)
ev_wake
ev_relay_caught_up
ok $? "the relay is caught up"

# ---- JSON at once ----
api GET "/api/v1/events?after=$((e1 - 1))" "" "${AUTH[@]}"
is "$STATUS" 200 "GET ?after="
is "$(jq -c '[.data[].id]' <<<"$BODY")" "[$e1,$e2,$e3]" "the caller's events after the cursor, in id order"
is "$(jq -c '.data[2] | [.type, .entity_type, .entity_id]' <<<"$BODY")" \
	'["appointment.cancelled","appointment","e2eeventsentityaaaaaaaaaa"]' "fields from the row"
is "$(jq -r '.last_id' <<<"$BODY")" "$(ev_published_through)" \
	"last_id: the relay's line (nothing of the caller's left before it)"
api GET "/api/v1/events?after=$e1" "" "${AUTH[@]}"
is "$(jq -c '[.data[].id]' <<<"$BODY")" "[$e2,$e3]" "after the first"
api GET "/api/v1/events?after=$((e1 - 1))&limit=2" "" "${AUTH[@]}"
is "$(jq -c '[.data[].id, .last_id]' <<<"$BODY")" "[$e1,$e2,$e2]" "limit=2: two, and the cursor after them"
api GET "/api/v1/events?after=$e2&limit=2" "" "${AUTH[@]}"
is "$(jq -c '[.data[].id]' <<<"$BODY")" "[$e3]" "the next page"
api GET /api/v1/events "" "${AUTH[@]}"
is "$(jq -c '[.data, .last_id]' <<<"$BODY")" "[[],$(ev_published_through)]" \
	"no cursor: nothing old, and the head as the cursor"
api GET "/api/v1/events?after=$((e1 - 1))" "" -H "Authorization: Bearer $OTHER_TOK"
is "$(jq -r '.data | length' <<<"$BODY")" 1 "the other user sees only their one"
api GET /api/v1/events
is "$STATUS" 401 "no token: 401"
api GET /api/v1/events "" -H "Authorization: Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
is "$STATUS" 401 "a wrong token: 401"

# ---- bad input: 422, nothing written ----
before=$(counts)
for q in limit=0 limit=201 limit=x wait=0 wait=26 wait=2.5 after=abc after=99999999999999999999 \
	"after=1&after=2" "after=1&wait=1&wait=2" "after=+1" "after=%201" from=2026-01-01T00:00:00Z; do
	api GET "/api/v1/events?$q" "" "${AUTH[@]}"
	is "$STATUS" 422 "?$q: 422"
done
api GET "/api/v1/events?wait=5" "" "${AUTH[@]}" -H 'Accept: text/event-stream'
is "$STATUS" 422 "wait with SSE: 422"
is "$(jq -r '.errors[0].field' <<<"$BODY")" wait "names the field"
api GET /api/v1/events "" "${AUTH[@]}" -H 'Last-Event-ID: x1'
is "$(jq -r '[.status, .errors[0].field] | join(" ")' <<<"$BODY")" "422 Last-Event-ID" \
	"a malformed Last-Event-ID: 422 naming it"
api GET "/api/v1/events?after=abc" "" "${AUTH[@]}" -H "Last-Event-ID: $e1"
is "$(jq -r '[.status, .errors[0].field] | join(" ")' <<<"$BODY")" "422 after" \
	"a malformed ?after= is refused even with a Last-Event-ID"
is "$(delta "$before" "$(counts)")" none "bad requests write nothing"

# ---- long-polls the worker holds (shorter than nchan's 25 s) ----
curl -s --max-time 20 "${AUTH[@]}" "$BASE/api/v1/events?after=$e3&wait=10" >"$T_TMP/held.json" &
held=$!
sleep 0.3
e4=$(ev_insert "$U")
ev_wake
wait "$held"
is "$(jq -c '[.data[].id, .last_id]' "$T_TMP/held.json")" "[$e4,$e4]" "a held long-poll answers with the event"
api GET "/api/v1/events?after=$e4&wait=1" "" "${AUTH[@]}"
is "$(jq -c '[.data, (.last_id >= '"$e4"')]' <<<"$BODY")" "[[],true]" "nothing within the wait: an empty batch"
max=$(conf_get events.max_waiting)
((max >= 1)) || bail "events.max_waiting is $max"
pids=()
for ((i = 0; i < max; i++)); do
	curl -s --max-time 40 "${AUTH[@]}" -o /dev/null "$BASE/api/v1/events?after=$e4&wait=20" &
	pids+=($!)
done
on_exit "kill ${pids[*]}"
wait_until 20 "(( \$(ev_held $(cat "$ROOT/var/run/events.pid")) >= $max ))"
ok $? "the worker holds $max long-polls"
api GET "/api/v1/events?after=$e4&wait=8" "" "${AUTH[@]}"
is "$STATUS" 429 "one more than events.max_waiting ($max) held: 429"
like "$(header Retry-After)" '^[0-9]+$' "with Retry-After"
api GET "/api/v1/events?after=$e4" "" "${AUTH[@]}"
is "$STATUS" 200 "JSON at once still answers meanwhile"
api GET "/api/v1/events?after=$e4&wait=25" "" "${AUTH[@]}" --max-time 1
isnt "$STATUS" 429 "a long-poll nchan holds does not count"
ev_insert "$U" >/dev/null
ev_wake
wait "${pids[@]}"

# ===== the worker without nchan =====
NOCONF=$T_TMP/no-nchan.conf
grep -v -E '^[[:space:]]*events\.(nchan_socket|max_waiting|poll_ms)' "$CONF" >"$NOCONF"
printf 'events.max_waiting = 1\nevents.poll_ms = 50\n' >>"$NOCONF"
SOCK=$T_TMP/ev.sock
pid=$(ev_spawn "$T_TMP/noworker.log" "$BUILD/cgi-bin/events/concierge-events" --config "$NOCONF" \
	--listen "unix:$SOCK" --children 3 --socket-mode 0600)
on_exit "kill $pid"
wait_until 10 test -S "$SOCK"
ok $? "an events worker without nchan is up"
ev() { fcgi "$SOCK" -u "/api/v1/events$1" -H "Authorization: Bearer $U_TOK" "${@:2}"; }

ev "?after=$((e1 - 1))&limit=3"
is "$STATUS" 200 "JSON without nchan"
is "$(jq -c '[.data[].id]' <<<"$BODY")" "[$e1,$e2,$e3]" "the same events, the same order"
# An event of the caller still being committed holds back the later ones.
last=$(sql "SELECT MAX(id) FROM events WHERE recipient_user_id='$U'")
ev_txn_open "$U" slowslowslowslowslowslows
fast=$(ev_insert "$U")
ev "?after=$last"
is "$(jq -c '[.data, .last_id]' <<<"$BODY")" "[[],$last]" \
	"a later event is not sent while an earlier one of the caller is uncommitted"
ev_txn_commit
ev "?after=$last"
is "$(jq -c '[.data[].entity_id]' <<<"$BODY")" '["slowslowslowslowslowslows","e2eeventsentityaaaaaaaaaa"]' \
	"once it commits, both, in id order"
is "$(jq -r '.last_id' <<<"$BODY")" "$fast" "and the cursor after them"
# Held long-polls and SSE.
( sleep 0.5; ev_insert "$U" >/dev/null ) &
ev "?after=$fast&wait=5"
is "$(jq -r '.data | length' <<<"$BODY")" 1 "a long-poll held without nchan gets the event"
cursor=$(jq -r '.last_id' <<<"$BODY")
fcgi "$SOCK" -u "/api/v1/events?after=$cursor&wait=20" -H "Authorization: Bearer $U_TOK" >/dev/null &
holder=$!
wait_until 20 "(( \$(ev_held $pid) >= 1 ))"
ok $? "the worker without nchan holds one long-poll"
ev "?after=$cursor&wait=4"
is "$STATUS" 429 "events.max_waiting = 1: the second held request gets 429"
cursor=$(ev_insert "$U")	# releases the held one
wait "$holder"
( sleep 0.5; ev_insert_many "$U" 2 >/dev/null ) &
ev "" -H 'Accept: text/event-stream' -H "Last-Event-ID: $cursor"
is "$STATUS" 200 "SSE without nchan: a stream the worker holds"
like "$(header Content-Type)" '^text/event-stream' "as text/event-stream"
like "$BODY" $'^retry: [0-9]+\n\n' "it starts with retry:"
is "$(grep -c '^id: ' <<<"$BODY")" 2 "and ends after the events that came"
like "$(grep '^data: ' <<<"$BODY" | head -1)" '^data: \{"id":[0-9]+,"type":"appointment\.' "each a data line with the event"
ev "" -H 'Upgrade: websocket' -H 'Connection: Upgrade'
is "$STATUS" 501 "WebSocket without nchan: 501"

# ---- nchan's long-poll timed out: an empty batch, not nchan's 408 ----
wait_until 40 "[[ -s '$T_TMP/nchan-timeout.code' ]]"
ok $? "the long-poll nchan held came back"
is "$(cat "$T_TMP/nchan-timeout.code") $(jq -c '[(.data | length), (.last_id | type)]' "$T_TMP/nchan-timeout.json")" \
	'200 [0,"number"]' "timed out: 200 with an empty batch and the cursor"
is "$(jq -c 'keys' "$T_TMP/nchan-timeout.json")" '["data","last_id"]' "the shape of every JSON reply"


done_testing
