#!/usr/bin/env bash
# e2e-cluster-events: realtime delivery on the 3-node Galera cluster, with
# nchan over the cluster's Redis (docs/SCALING.md, "Realtime across
# hosts"). The relay runs on node 1 and publishes through the front
# door's nchan; clients subscribe through the per-node nginx instances:
#   - events committed on each of the three nodes reach an SSE client on
#     nginx-n2 and a WebSocket client on nginx-n3, each once, in id order;
#   - an event held open on node 3 while later ones commit there: the relay
#     (whose node cannot see node 3's lock) asks node 3 and waits instead
#     of skipping it as never committed; once it commits, both clients get
#     it and everything after it, in id order.
# Needs `scripts/dev cluster up` (scripts/dev cluster test and
# e2e-cluster-short.sh run it).
. "$(dirname -- "$0")/lib.sh"
[[ -n ${CONCIERGE_CLUSTER_PORT:-} ]] || { echo "1..0 # SKIP no cluster (scripts/dev cluster test)"; exit 0; }
. "$(dirname -- "$0")/cluster-lib.sh"
. "$(dirname -- "$0")/events-lib.sh"
need_build

CLU_ROOT=$ROOT/var/cluster
RELAY_LOG=$CLU_ROOT/log/relay.log
for name in nginx nginx-n1 nginx-n2 nginx-n3; do
	grep -q 'nchan_redis_pass concierge_nchan_redis;' "$CLU_ROOT/$name/nginx.conf" ||
		bail "$name is not rendered with nchan over Redis"
done
ok 0 "the four cluster nginx instances store nchan's channels in the cluster's Redis"

# on_node N CMD...: CMD with lib.sh's sql aimed at node N.
on_node() {
	local n=$1
	shift
	DB_SOCKET=$CLU_RUN/node-$n.sock "$@"
}
# ev_wake sends its datagram to the relay of CONF's events.wake_socket: node-1.conf's.

ev_new_patient
BASE=$(node_url 1) ev_client s2 sse "$EV_TOKEN"
BASE=$(node_url 2) ev_client w3 ws "$EV_TOKEN"
ev_opened s2 && ev_opened w3
ok $? "an SSE client on nginx-n2 and a WebSocket client on nginx-n3 are connected"
barrier
FROM=$(sql "SELECT COALESCE(MAX(id), 0) FROM events WHERE recipient_user_id = '$EV_ID'")
for n in 1 2 3; do
	on_node "$n" ev_insert "$EV_ID" >/dev/null
done
# both_get WHAT: once the relay is woken, both clients have every event of
# the user since FROM (as node 1 has them), each once, in id order.
both_get() {
	local want k
	barrier
	ev_wake
	want=$(ev_user_ids "$EV_ID" "$FROM")
	k=$(wc -w <<<"$want")
	ev_wait s2 "$k" 30
	ok $? "$1: the SSE client on nginx-n2 gets all $k"
	ev_wait w3 "$k" 30
	ok $? "$1: so does the WebSocket client on nginx-n3"
	is "$(ev_ids s2)" "$want" "$1: each once, in id order (SSE)"
	is "$(ev_ids w3)" "$want" "$1: each once, in id order (WebSocket)"
}
both_get "events committed on nodes 1, 2 and 3"

# --- an event held open on node 3 ---
on_node 3 ev_txn_open "$EV_ID" e2eclusterheldeventaaaaaa
L1=$(on_node 3 ev_insert "$EV_ID")
L2=$(on_node 3 ev_insert "$EV_ID")
barrier
ev_wake
# The relay's grace for a missing id is 250 ms: by now, without asking
# node 3, it would have skipped the held id and published L1 and L2.
sleep 1.5
PUB=$(sql "SELECT published_through FROM events_relay WHERE id = 1")
ok $((PUB < L1 ? 0 : 1)) "while an event is held open on node 3, the relay waits below it (published through $PUB, next committed $L1)"
ev_txn_commit
H=$(on_node 3 sql "SELECT id FROM events WHERE entity_id = 'e2eclusterheldeventaaaaaa'
	AND recipient_user_id = '$EV_ID'")
both_get "once committed, the held event $H, then $L1 and $L2"
skipped=$(sed -n 's/.*relay: ids \([0-9]*\)\.\.\([0-9]*\) never committed.*/\1 \2/p' "$RELAY_LOG" |
	awk -v h="$H" '$1 <= h && h <= $2' | wc -l)
is "$skipped" 0 "the relay never took id $H for rolled back"

done_testing
