# tests/e2e/cluster-lib.sh: helpers of the cluster tests (e2e-cluster-*.sh),
# sourced after lib.sh while `scripts/dev cluster up` runs (docs/SCALING.md):
#
#   CONCIERGE_CLUSTER_PORT   the cluster's nginx port (CPORT); nginx on
#                            CPORT+N serves only the worker copies bound
#                            to galera node N (N = 1..3)
#
# BASE and DB_SOCKET point at the cluster (front door, node 1) once sourced.
# node_url I: the nginx of node (I mod 3) + 1. node_sql N SQL: root on
# node N (after a causality barrier: wsrep_sync_wait, so it sees every
# commit the cluster made before). cburst N PATH BODY [TOKEN]: N POSTs at
# once (one curl --parallel), request i through node_url i; prints "STATUS:COUNT ..." sorted.
# barrier: wait until every node has applied everything committed so far.

CPORT=${CONCIERGE_CLUSTER_PORT:?cluster-lib.sh: no CONCIERGE_CLUSTER_PORT (scripts/dev cluster up)}
BASE=http://127.0.0.1:$CPORT
CLU_RUN=$ROOT/var/cluster/run
DB_SOCKET=$CLU_RUN/node-1.sock
export CONCIERGE_BASE_URL=$BASE CONCIERGE_DB_SOCKET=$DB_SOCKET

node_url() { printf 'http://127.0.0.1:%d' $((CPORT + 1 + $1 % 3)); }

node_sql() {
	mariadb --no-defaults --socket="$CLU_RUN/node-$1.sock" -uroot -N -B -r "$DB_NAME" \
		-e "SET SESSION wsrep_sync_wait = 15; $2"
}

barrier() {
	local n
	for n in 1 2 3; do
		node_sql "$n" "SELECT 1" >/dev/null || bail "node $n does not answer"
	done
}

# on_nodes SQL: the answer of every node, "a|b|c".
on_nodes() {
	printf '%s|%s|%s' "$(node_sql 1 "$1")" "$(node_sql 2 "$1")" "$(node_sql 3 "$1")"
}

# cert_failures: certification failures plus brute-force aborts, all nodes.
cert_failures() {
	local n t=0 v
	for n in 1 2 3; do
		for v in $(node_sql "$n" "SHOW GLOBAL STATUS WHERE Variable_name IN
		    ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')" | awk '{print $2}'); do
			t=$((t + v))
		done
	done
	printf '%d' "$t"
}

cburst() {
	local i auth=() args=()
	[[ -n ${4:-} ]] && auth=(-H "Authorization: Bearer $4")
	printf '%s' "$3" >"$T_TMP/body.cburst"
	rm -f "$T_TMP"/cbr.*
	# One curl, every request on its own connection at once (--parallel):
	# separate curl processes start too far apart to meet in a commit.
	for ((i = 0; i < $1; i++)); do
		((i > 0)) && args+=(--next)
		args+=(-s -o "$T_TMP/cbr.$i" -w '%{http_code}\n' --max-time 60 -X POST
			-H 'Content-Type: application/json' "${auth[@]}" "${CB_HEADERS[@]}"
			--data-binary "@$T_TMP/body.cburst" "$(node_url "$i")$2")
	done
	curl -s --parallel --parallel-immediate --parallel-max "$1" "${args[@]}" 2>/dev/null |
		sort | uniq -c | awk '{ printf "%s%s:%s", sep, $2, $1; sep = " " }'
}
CB_HEADERS=()

# count_of STATUS RESULT: how many replies of RESULT (from cburst) had STATUS.
count_of() {
	local r
	for r in $2; do
		[[ ${r%%:*} == "$1" ]] && { printf '%s' "${r#*:}"; return; }
	done
	printf 0
}
