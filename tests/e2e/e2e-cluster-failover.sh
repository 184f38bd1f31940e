#!/usr/bin/env bash
# e2e-cluster-failover: kill one Galera node (SIGKILL) under a mixed load
# through the cluster's nginx (GET /api/v1/me and bookings from two
# clients); the worker copies bound to it reconnect to the next node of
# their db.hosts. Then the node is started again and rejoins by IST.
# Proves: the only failures are clean 503 problems, within a bounded
# window (the requests after it all succeed); every acknowledged booking
# (201) is on every node afterwards, the rejoined one included; the node
# is Synced again, by an incremental state transfer. Needs the cluster
# (scripts/dev cluster test).
. "$(dirname -- "$0")/lib.sh"
[[ -n ${CONCIERGE_CLUSTER_PORT:-} ]] || { echo "1..0 # SKIP no cluster (scripts/dev cluster test)"; exit 0; }
. "$(dirname -- "$0")/cluster-lib.sh"
. "$(dirname -- "$0")/appointments-lib.sh"

PER=${E2E_FAILOVER_REQUESTS:-60}
VICTIM=2

# client K: PER rounds of GET /me and one booking (its own provider and
# patient, Mondays 14:00Z-22:00Z, one 30-minute slot each); one line per
# reply: "KIND STATUS CONTENT-TYPE ID".
client() {
	local k=$1 prov=$2 ptok=$3 j wk start out code ctype id
	for ((j = 0; j < PER; j++)); do
		out=$(curl -s --max-time 30 -o "$T_TMP/me.$k" -w '%{http_code} %{content_type}' \
			-H "Authorization: Bearer $ptok" "$BASE/api/v1/me")
		printf 'me %s -\n' "$out" >>"$T_TMP/load.$k"
		wk=$((j / 16))
		start=$(date -u -d "2027-02-01 14:00 UTC + $((wk * 7)) days + $((j % 16 * 30)) minutes" +%Y-%m-%dT%H:%M:00Z)
		out=$(curl -s --max-time 30 -o "$T_TMP/bk.$k" -w '%{http_code} %{content_type}' -X POST \
			-H "Authorization: Bearer $ptok" -H 'Content-Type: application/json' \
			--data-binary "$(jq -cn --arg p "$prov" --arg s "$start" \
			'{provider_id:$p, start_at:$s, duration_minutes:30, visit_type:"video"}')" \
			"$BASE/api/v1/appointments")
		id=-
		[[ $out == 201* ]] && id=$(jq -r .id "$T_TMP/bk.$k")
		printf 'book %s %s\n' "$out" "$id" >>"$T_TMP/load.$k"
	done
}

pids=()
for k in 1 2; do
	read -r prov ptok_p <<<"$(mkuser provider)"
	as "$ptok_p" PUT "/api/v1/availability/$prov" "$(weekdays_9to5 America/New_York)" >/dev/null
	read -r pat ptok <<<"$(mkuser patient)"
	: >"$T_TMP/load.$k"
	barrier
	client "$k" "$prov" "$ptok" &
	pids+=($!)
done

wait_until 120 '(( $(cat "$T_TMP"/load.* | wc -l) >= PER / 2 ))' || bail "the load did not start"
vpid=$(<"$CLU_RUN/mysqld-$VICTIM.pid")
kill -KILL "$vpid"
killed_at=$(cat "$T_TMP"/load.* | wc -l)
diag "node $VICTIM (pid $vpid) killed after $killed_at replies"
wait "${pids[@]}"

all=$(cat "$T_TMP"/load.*)
total=$(wc -l <<<"$all")
fails=$(grep -vE '^(me 200|book 201|book 409) ' <<<"$all")
nfail=$( [[ -z $fails ]] && echo 0 || wc -l <<<"$fails")
diag "$total replies, $nfail failed${fails:+: $(awk '{print $1 "-" $2}' <<<"$fails" | sort | uniq -c | tr '\n' ' ')}"
is "$(grep -vcE '^(me|book) 503 application/problem\+json' <<<"${fails:-me 503 application/problem+json}")" 0 \
	"every failure is a 503 problem"
ok $((nfail <= 10 ? 0 : 1)) "failures are bounded ($nfail of $total, at most 10)"
# The bounded window: each client's last 10 rounds all succeed.
for k in 1 2; do
	is "$(tail -n 20 "$T_TMP/load.$k" | grep -cE '^(me 200|book 201) ')" 20 \
		"client $k: its last 10 rounds all succeed with node $VICTIM down"
done
like "$(grep -h 'connected to db.hosts entry' "$ROOT"/var/cluster/log/*-n$VICTIM.log | tail -n 1)" \
	'connected to db.hosts entry' "a copy bound to node $VICTIM failed over to another node"

mapfile -t ids < <(awk '$1 == "book" && $2 == 201 {print $4}' <<<"$all")
ok $((${#ids[@]} >= PER ? 0 : 1)) "${#ids[@]} bookings acknowledged"

# The node comes back and catches up by IST (its gcache holds the gap).
CLUSTER_PORT=$CPORT NO_BUILD=1 BUILD_DIR=$BUILD "$ROOT/scripts/dev" cluster up >"$T_TMP/rejoin.log" 2>&1
is "$?" 0 "scripts/dev cluster up starts node $VICTIM again"
is "$(node_sql "$VICTIM" "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" | awk '{print $2}')" Synced \
	"node $VICTIM is Synced"
is "$(node_sql 1 "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'" | awk '{print $2}')" 3 "the cluster has 3 nodes again"
like "$(grep -E 'IST received|Receiving IST' "$ROOT/var/cluster/log/mysqld-$VICTIM.log" | tail -n 1)" 'IST' \
	"node $VICTIM rejoined by incremental state transfer"
list=$(printf "'%s'," "${ids[@]}")
list=${list%,}
n=${#ids[@]}
is "$(on_nodes "SELECT COUNT(*) FROM appointments WHERE id IN ($list)")" "$n|$n|$n" \
	"every acknowledged booking is on every node, the rejoined one included"
done_testing
