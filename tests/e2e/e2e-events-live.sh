#!/usr/bin/env bash
# e2e-events-live: an appointment booking reaches the patient and the
# provider live, through nginx and nchan, on every transport with a real
# client: SSE (npm eventsource), WebSocket (npm ws) and long-poll (curl);
# the payload is {id, type, entity_type, entity_id, at} and nothing else;
# the SSE id is the events table's id; comment heartbeats every 15 s.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"
. "$(dirname -- "$0")/events-lib.sh"

read -r PROV PROV_TOK <<<"$(mkuser provider)"
read -r PAT PAT_TOK <<<"$(mkuser patient)"
as "$PROV_TOK" PUT "/api/v1/availability/$PROV" "$(weekdays_9to5 America/New_York)"
is "$STATUS" 200 "the provider has office hours"

# A raw stream for the heartbeat: started first, it has 15 s by the end.
curl -sN --max-time 25 -H 'Accept: text/event-stream' -H "Authorization: Bearer $PAT_TOK" \
	"$BASE/api/v1/events" >"$T_TMP/raw.sse" 2>/dev/null &
on_exit "kill $!"

ev_client pat_sse sse "$PAT_TOK"
ev_client pat_ws ws "$PAT_TOK"
ev_client prov_sse sse "$PROV_TOK"
ev_client prov_ws ws "$PROV_TOK"
for c in pat_sse pat_ws prov_sse prov_ws; do
	ev_opened "$c"
	ok $? "$c: connected"
done
# Long-polls: the worker hands wait=25 to nchan.
head=$(ev_published_through)
for who in PAT PROV; do
	tok=${who}_TOK
	curl -s --max-time 30 -H "Authorization: Bearer ${!tok}" \
		"$BASE/api/v1/events?after=$head&wait=25" >"$T_TMP/$who.poll" 2>/dev/null &
	on_exit "kill $!"
done
sleep 0.3	# let the long-polls reach nchan; a late one gets the event from the table

# ---- book ----
as "$PAT_TOK" POST /api/v1/appointments "$(jq -cn --arg p "$PROV" \
	'{provider_id:$p, start_at:"2027-01-11T15:00:00Z", duration_minutes:30,
	  visit_type:"video", reason:"persistent cough"}')"
is "$STATUS" 201 "the patient books"
A1=$(jq -r .id <<<"$BODY")
E_PAT=$(sql "SELECT id FROM events WHERE recipient_user_id='$PAT' AND entity_id='$A1' AND type='appointment.booked'")
E_PROV=$(sql "SELECT id FROM events WHERE recipient_user_id='$PROV' AND entity_id='$A1' AND type='appointment.booked'")
like "$E_PAT $E_PROV" '^[0-9]+ [0-9]+$' "one appointment.booked row each for patient and provider"

for c in pat_sse pat_ws prov_sse prov_ws; do
	ev_wait "$c" 1
	ok $? "$c: the booking arrives"
done
is "$(ev_ids pat_sse)" "$E_PAT" "SSE: the patient gets exactly their event"
is "$(ev_ids pat_ws)" "$E_PAT" "WebSocket: the patient gets exactly their event"
is "$(ev_ids prov_sse)" "$E_PROV" "SSE: the provider gets exactly theirs"
is "$(ev_ids prov_ws)" "$E_PROV" "WebSocket: the provider gets exactly theirs"

ev=$(jq -c 'select(.ev == "event")' "$T_TMP/pat_sse.out")
is "$(jq -r '.last_event_id' <<<"$ev")" "$E_PAT" "the SSE id (Last-Event-ID) is the events table id"
is "$(jq -r '[.type, .entity_type, .entity_id] | join(" ")' <<<"$ev")" \
	"appointment.booked appointment $A1" "type and entity"
is "$(jq -r '.at' <<<"$ev")" \
	"$(sql "SELECT DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%fZ') FROM events WHERE id=$E_PAT")" \
	"at is the row's time, RFC 3339 UTC"
# The payload on the wire, not the client's view of it.
wait_until 5 "grep -q '^data: ' '$T_TMP/raw.sse'"
ok $? "the raw stream got the event too"
raw=$(grep -a '^data: ' "$T_TMP/raw.sse" | head -1 | tr -d '\r')
raw=${raw#data: }
raw=${raw%%$'\r'*}
is "$(jq -c 'keys' <<<"${raw%%id: *}" 2>/dev/null)" '["at","entity_id","entity_type","id","type"]' \
	"the payload has exactly id, type, entity_type, entity_id, at"
unlike "$(cat "$T_TMP"/*.out "$T_TMP/raw.sse")" "cough|Appt Test|appt\\.test" "no PHI on any stream"

for who in PAT PROV; do
	wait_until 10 "[[ -s '$T_TMP/$who.poll' ]]"
	ok $? "long-poll ($who): answered"
	want=E_$who
	is "$(jq -c '[.data[].id, .last_id]' "$T_TMP/$who.poll" 2>/dev/null)" "[${!want},${!want}]" \
		"long-poll ($who): {data:[the event], last_id}"
done

# ---- a cancellation follows on the same connections, in order ----
as "$PAT_TOK" POST "/api/v1/appointments/$A1/cancel" '{"reason":"feeling better"}'
is "$STATUS" 200 "the patient cancels"
E2=$(sql "SELECT id FROM events WHERE recipient_user_id='$PAT' AND entity_id='$A1' AND type='appointment.cancelled'")
ev_wait pat_sse 2 && ev_wait pat_ws 2
ok $? "the cancellation arrives on both"
is "$(ev_ids pat_sse)" "$E_PAT $E2" "SSE: in order"
is "$(ev_ids pat_ws)" "$E_PAT $E2" "WebSocket: in order"
is "$(jq -r 'select(.ev == "event") | .type' "$T_TMP/prov_ws.out" | tail -1)" \
	"appointment.cancelled" "the provider sees the cancellation"

# ---- heartbeat ----
wait_until 20 "grep -q '^:heartbeat' '$T_TMP/raw.sse'"
ok $? "an idle SSE stream gets a comment heartbeat within 15 s"

done_testing
