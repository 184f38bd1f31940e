# scripts/dev-cluster.sh: `scripts/dev cluster up|down|status|test|bench`,
# sourced by scripts/dev (it uses its helpers: start_bg, stop_names,
# stack_pid, render_nginx, build, db_setup...). docs/SCALING.md explains
# the settings.
#
# A 3-node MariaDB Galera cluster on loopback and, for every worker, one
# copy per node (each copy's config names its own node first in db.hosts,
# then the two others: it fails over to them). Four nginx instances:
#   CPORT      every copy of each worker in its upstream (the cluster's
#              front door)
#   CPORT+N    only the copies bound to node N (N = 1..3): the race tests
#              spread their requests over the nodes through these.
# Everything lives in var/cluster/: node-N/ (datadir), run/ (sockets, pid
# files), log/, nginx-*/ (prefixes), node-N.cnf (mariadbd), node-N.conf
# (the copies' config).
#
# Ports, all derived from PORT (the single stack's; default 8080) and
# checked free before anything starts: CPORT = CLUSTER_PORT or PORT+100;
# nginx CPORT..CPORT+3, MariaDB TCP CPORT+4..+6 (loopback only), Galera
# group communication CPORT+7..+9, IST CPORT+10..+12, SST (mariabackup)
# CPORT+13..+15, Redis (nchan's shared store, password in
# var/cluster/redis.secret) CPORT+16.

CLU=$VAR/cluster
CLU_NODES=(1 2 3)
CLU_GALERA=/usr/lib/galera/libgalera_smm.so
# Children per worker copy (3 copies, so 6 per worker in all at CHILDREN=2).
CLU_CHILDREN=${CLU_CHILDREN:-2}

clu_paths() {
	RUN=$CLU/run
	LOGD=$CLU/log
	mkdir -p "$RUN" "$LOGD" || die "cannot create $CLU"
	CPORT=${CLUSTER_PORT:-$((PORT + 100))}
	((CPORT + 16 <= 65535)) || die "cluster ports CPORT..CPORT+16 out of range (CPORT=$CPORT)"
	CLU_URL=http://127.0.0.1:$CPORT
}

clu_sock() { printf '%s\n' "$CLU/run/node-$1.sock"; }
clu_myport() { echo $((CPORT + 3 + $1)); }
clu_gport() { echo $((CPORT + 6 + $1)); }
clu_iport() { echo $((CPORT + 9 + $1)); }
clu_sport() { echo $((CPORT + 12 + $1)); }
clu_rport() { echo $((CPORT + 16)); }

# port_busy PORT: something listens on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

clu_check_ports() {
	local p
	for ((p = CPORT; p <= CPORT + 16; p++)); do
		port_busy "$p" && die "port $p (cluster block $CPORT..$((CPORT + 16))) is in use: set CLUSTER_PORT"
	done
	return 0
}

# clu_cnf N: the option file of node N.
clu_cnf() {
	local n=$1 addr="" m
	for m in "${CLU_NODES[@]}"; do
		addr+="${addr:+,}127.0.0.1:$(clu_gport "$m")"
	done
	cat >"$CLU/node-$n.cnf" <<EOF || die "cannot write var/cluster/node-$n.cnf"
# Galera node $n of the dev cluster, written by scripts/dev cluster up.
[mysqld]
datadir = $CLU/node-$n
socket = $(clu_sock "$n")
port = $(clu_myport "$n")
bind-address = 127.0.0.1
pid-file = $CLU/run/mysqld-$n.pidfile
log-error = $CLU/log/mysqld-$n.log
user = $(id -un)
skip-name-resolve
innodb_buffer_pool_size = 64M
innodb_log_file_size = 48M
innodb_flush_log_at_trx_commit = 2
max_connections = 300
# Galera replicates InnoDB row events only.
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
# Each node hands out its own residue class of AUTO_INCREMENT ids, so two
# nodes never generate the same id (fixed here rather than left to
# wsrep_auto_increment_control, so ids say which node wrote them).
wsrep_auto_increment_control = OFF
auto_increment_increment = 3
auto_increment_offset = $n
wsrep_on = ON
wsrep_provider = $CLU_GALERA
wsrep_cluster_name = concierge-dev-$CPORT
wsrep_cluster_address = gcomm://$addr
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(clu_gport "$n")
wsrep_node_incoming_address = 127.0.0.1:$(clu_myport "$n")
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(clu_gport "$n");ist.recv_addr=127.0.0.1:$(clu_iport "$n");gcache.size=64M"
# mariabackup (hot copy, the donor keeps serving): rsync SST runs an rsync
# daemon that drops to "nobody" under root and cannot enter var/ (0700).
wsrep_sst_method = mariabackup
wsrep_sst_auth = root:
wsrep_sst_receive_address = 127.0.0.1:$(clu_sport "$n")
wsrep_slave_threads = 2
EOF
}

clu_ping() { mariadb-admin --no-defaults --socket="$(clu_sock "$1")" --connect-timeout=2 ping >/dev/null 2>&1; }

# clu_sql N SQL...: root on node N.
clu_sql() {
	local n=$1
	shift
	mariadb --no-defaults --socket="$(clu_sock "$n")" -uroot -N -B "$@"
}

clu_wsrep() { clu_sql "$1" -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'; }

# clu_node_start N [--wsrep-new-cluster]: start node N; wait until it is
# Synced (a joiner first receives a state transfer: SST or IST).
clu_node_start() {
	local n=$1 pid i state
	shift
	if pid=$(stack_pid "mysqld-$n"); then
		say "node $n already running (pid $pid)"
		return 0
	fi
	clu_cnf "$n"
	if [[ ! -d $CLU/node-$n/mysql ]]; then
		mkdir -p "$CLU/node-$n"
		if (($# > 0)); then
			mariadb-install-db --no-defaults --datadir="$CLU/node-$n" --user="$(id -un)" \
				--auth-root-authentication-method=normal >"$LOGD/install-$n.log" 2>&1 ||
				fail "mariadb-install-db failed for node $n" "$LOGD/install-$n.log"
		fi
	fi
	rm -f "$(clu_sock "$n")"
	say "starting galera node $n${1:+ ($1)}"
	start_bg "mysqld-$n" "$LOGD/mysqld-$n.out" mariadbd --defaults-file="$CLU/node-$n.cnf" "$@"
	pid=$(<"$RUN/mysqld-$n.pid")
	for ((i = 0; i < 1200; i++)); do
		if clu_ping "$n"; then
			state=$(clu_wsrep "$n" wsrep_local_state_comment)
			if [[ $state == Synced ]]; then
				say "node $n synced (pid $pid, cluster size $(clu_wsrep "$n" wsrep_cluster_size))"
				return 0
			fi
		fi
		proc_alive "$pid" || fail "node $n exited during start-up" "$LOGD/mysqld-$n.log" "$LOGD/mysqld-$n.out"
		sleep 0.1
	done
	fail "node $n not synced within 120s" "$LOGD/mysqld-$n.log"
}

# clu_conf N: the config of the worker copies bound to node N: the dev
# config with db.hosts = node N, then the others (failover order).
clu_conf() {
	local n=$1 m hosts
	hosts=$(clu_sock "$n")
	for m in "${CLU_NODES[@]}"; do
		((m == n)) || hosts+=",$(clu_sock "$m")"
	done
	{
		echo "# Worker copies bound to galera node $n (scripts/dev cluster up)."
		grep -vE '^[[:space:]]*(db\.(socket|host|port|hosts)|events\.(nchan_socket|wake_socket))[[:space:]]*=' "$CONF"
		echo "db.hosts = $hosts"
		echo "events.nchan_socket = $CLU/run/nchan.sock"
		echo "events.wake_socket = $CLU/run/relay.sock"
	} >"$CLU/node-$n.conf.tmp" && chmod 0600 "$CLU/node-$n.conf.tmp" &&
		mv "$CLU/node-$n.conf.tmp" "$CLU/node-$n.conf" || die "cannot write var/cluster/node-$n.conf"
}

# clu_setup: accounts, migrations, roles and demo data, once, on node 1
# (Galera replicates DDL and account statements to the others).
clu_setup() {
	local conf_saved=$CONF sock_saved=$DB_SOCK run_saved=$RUN
	CONF=$CLU/setup.conf
	DB_SOCK=$(clu_sock 1)
	grep -vE '^[[:space:]]*db\.(socket|host|port|hosts)[[:space:]]*=' "$conf_saved" >"$CONF" &&
		echo "db.socket = $DB_SOCK" >>"$CONF" && chmod 0600 "$CONF" || die "cannot write $CONF"
	# db_setup reads var/relay.secret.
	(db_setup) || exit 1
	CONF=$conf_saved
	DB_SOCK=$sock_saved
	RUN=$run_saved
	rm -f "$CLU/setup.conf"
}

clu_copy_names() {
	local w n
	for w in "${WORKERS[@]}"; do
		for n in "${CLU_NODES[@]}"; do
			printf '%s\n' "$w-n$n"
		done
	done
}

clu_workers_start() {
	local w n name bin pid
	local -a started=()
	for w in "${WORKERS[@]}"; do
		bin=$B/cgi-bin/$w/concierge-$w
		[[ -x $bin ]] || die "worker binary ${bin#"$ROOT"/} is missing (not built?)"
		for n in "${CLU_NODES[@]}"; do
			name=$w-n$n
			if pid=$(stack_pid "$name"); then
				[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$bin" ]] && continue
				say "restarting $name (binary rebuilt)"
				stop_names "$name"
			fi
			rm -f "$RUN/$name.sock"
			start_bg "$name" "$LOGD/$name.log" "$bin" --config "$CLU/node-$n.conf" \
				--listen "unix:$RUN/$name.sock" --children "$CLU_CHILDREN" \
				--max-requests "$MAX_REQUESTS" --socket-mode 0666
			started+=("$name")
		done
	done
	for name in "${started[@]}"; do
		wait_socket "$name" "$RUN/$name.sock" "$LOGD/$name.log" 20 || exit 1
	done
	say "worker copies started: ${#started[@]}"
}

# clu_render NAME PORT NODES...: an nginx config whose upstreams hold the
# copies bound to NODES.
clu_render() {
	local name=$1 port=$2 w n list expr=()
	shift 2
	mkdir -p "$CLU/$name"
	# nchan over the cluster's Redis: a client on any instance gets what is
	# published through another (the relay publishes through the front door).
	RENDER_PORT=$port RENDER_NGX=$CLU/$name RENDER_NCHAN_SOCK=$RUN/$name-nchan.sock \
		RENDER_EVENTS_SOCK=$ROOT/var/run/events.sock \
		RENDER_NCHAN_REDIS="redis://:$(<"$CLU/redis.secret")@127.0.0.1:$(clu_rport)" \
		render_nginx "$CLU/$name/nginx.conf.new"
	[[ $name == nginx ]] && sed -i "s|$RUN/nginx-nchan.sock|$RUN/nchan.sock|" "$CLU/$name/nginx.conf.new"
	for w in "${WORKERS[@]}"; do
		list=""
		for n; do
			list+="server unix:$RUN/$w-n$n.sock; "
		done
		if [[ $w == records ]]; then
			expr+=(-e "s|server unix:$ROOT/var/run/records-1.sock;|$list|" -e "\|$ROOT/var/run/records-2.sock;|d")
		else
			expr+=(-e "s|server unix:$ROOT/var/run/$w.sock;|$list|")
		fi
	done
	sed -i "${expr[@]}" "$CLU/$name/nginx.conf.new" || die "cannot render $name"
	mv "$CLU/$name/nginx.conf.new" "$CLU/$name/nginx.conf"
	nginx -t -q -p "$CLU/$name/" -c "$CLU/$name/nginx.conf" -e "$CLU/$name/error.log" \
		>"$LOGD/$name-t.log" 2>&1 || fail "nginx rejects the cluster config $name" "$LOGD/$name-t.log"
}

clu_nginx_start() {
	local name port i
	for name in nginx nginx-n1 nginx-n2 nginx-n3; do
		case $name in
		nginx) port=$CPORT; clu_render "$name" "$port" "${CLU_NODES[@]}" ;;
		*) port=$((CPORT + ${name#nginx-n})); clu_render "$name" "$port" "${name#nginx-n}" ;;
		esac
		stack_pid "$name" >/dev/null && continue
		# (the front door's is nchan.sock, where the relay publishes; the
		# others' must not remove it)
		rm -f "$RUN/$name-nchan.sock"
		[[ $name == nginx ]] && rm -f "$RUN/nchan.sock"
		start_bg "$name" "$LOGD/$name.out" nginx -p "$CLU/$name/" -c "$CLU/$name/nginx.conf" -e "$CLU/$name/error.log"
		for ((i = 0; i < 100; i++)); do
			curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break
			sleep 0.1
		done
		((i < 100)) || fail "cluster $name does not answer on port $port" "$CLU/$name/error.log"
	done
	say "cluster nginx on $CLU_URL (per node: $((CPORT + 1)) $((CPORT + 2)) $((CPORT + 3)))"
}

clu_wait_healthy() {
	local w port deadline=$((SECONDS + 30))
	for port in "$CPORT" $((CPORT + 1)) $((CPORT + 2)) $((CPORT + 3)); do
		for w in "${WORKERS[@]}"; do
			until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz/$w" 2>/dev/null; do
				((SECONDS < deadline)) || fail "cluster: $w unhealthy on port $port" "$LOGD/$w-n1.log"
				sleep 0.2
			done
		done
	done
	say "cluster healthy: every worker on every node"
}

# clu_redis_start: the Redis nchan stores in (TCP on loopback, which nchan
# needs; a unix socket for redis-cli; a password either way). Redis sets
# its own process title: the template keeps var/ in it, so scripts/dev
# knows the process for its own (proc_is_ours).
clu_redis_start() {
	local i
	[[ -s $CLU/redis.secret ]] || { rand_hex 16 >"$CLU/redis.secret" && chmod 0600 "$CLU/redis.secret"; } ||
		die "cannot write var/cluster/redis.secret"
	stack_pid redis >/dev/null && return 0
	command -v redis-server >/dev/null || die "redis-server is not installed"
	start_bg redis "$LOGD/redis.log" redis-server --bind 127.0.0.1 --port "$(clu_rport)" \
		--unixsocket "$RUN/redis.sock" --unixsocketperm 700 --requirepass "$(<"$CLU/redis.secret")" \
		--save "" --appendonly no --dir "$CLU" --daemonize no \
		--proc-title-template "{title} {listen-addr} $CLU/"
	for ((i = 0; i < 100; i++)); do
		redis-cli -s "$RUN/redis.sock" -a "$(<"$CLU/redis.secret")" --no-auth-warning ping 2>/dev/null |
			grep -q PONG && return 0
		sleep 0.1
	done
	fail "the cluster's Redis does not answer" "$LOGD/redis.log"
}

clu_relay_start() {
	local bin=$B/tools/concierge-events
	stack_pid relay >/dev/null && return 0
	{
		grep -vE '^[[:space:]]*(db\.(socket|host|port|hosts|user|password)|events\.(nchan_socket|wake_socket))[[:space:]]*=' "$VAR/relay.conf"
		# Every node: a missing id is asked about on each (lib/cluster.c).
		echo "db.hosts = $(clu_sock 1),$(clu_sock 2),$(clu_sock 3)"
		echo "db.user = concierge_relay"
		echo "db.password = $(<"$VAR/relay.secret")"
		echo "events.nchan_socket = $RUN/nchan.sock"
		echo "events.wake_socket = $RUN/relay.sock"
	} >"$CLU/relay.conf" && chmod 0600 "$CLU/relay.conf" || die "cannot write var/cluster/relay.conf"
	start_bg relay "$LOGD/relay.log" "$bin" --config "$CLU/relay.conf" relay
	sleep 0.2
	stack_pid relay >/dev/null || fail "the cluster's events relay exited at start" "$LOGD/relay.log"
}

clu_up() {
	local n
	ensure_packages
	write_config
	if [[ $NO_BUILD == 1 ]]; then
		say "NO_BUILD=1: using the binaries in ${B#"$ROOT"/}"
	else
		build "$B"
	fi
	[[ -f $CLU_GALERA ]] || die "$CLU_GALERA is missing (Debian package galera-4)"
	stack_pid mysqld-1 >/dev/null || clu_check_ports
	# Node 1 bootstraps a new cluster when none of the nodes runs.
	if ! stack_pid mysqld-1 >/dev/null && ! stack_pid mysqld-2 >/dev/null &&
	    ! stack_pid mysqld-3 >/dev/null; then
		# safe_to_bootstrap: this node was the last one down (or is new).
		[[ -f $CLU/node-1/grastate.dat ]] &&
			sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$CLU/node-1/grastate.dat"
		clu_node_start 1 --wsrep-new-cluster
		clu_setup
	fi
	for n in 2 3; do
		clu_node_start "$n"
	done
	for n in "${CLU_NODES[@]}"; do
		clu_conf "$n"
	done
	clu_workers_start
	clu_redis_start
	clu_nginx_start
	clu_relay_start
	clu_wait_healthy
	printf '%s\n' "$CPORT" >"$RUN/port"
}

clu_down() {
	local -a names
	mapfile -t names < <(clu_copy_names)
	stop_names relay nginx nginx-n1 nginx-n2 nginx-n3 redis
	stop_names "${names[@]}"
	# The last node down is the one that may bootstrap: stop 3, 2, then 1.
	STOP_TIMEOUT=60 stop_names mysqld-3
	STOP_TIMEOUT=60 stop_names mysqld-2
	STOP_TIMEOUT=60 stop_names mysqld-1
	rm -f "$RUN/port"
	say "cluster stopped"
}

clu_status() {
	local n pid name rc=0
	printf '%-18s %-8s %s\n' COMPONENT PID STATE
	for n in "${CLU_NODES[@]}"; do
		if pid=$(stack_pid "mysqld-$n"); then
			printf '%-18s %-8s %s\n' "node $n" "$pid" "$(clu_wsrep "$n" wsrep_local_state_comment) size=$(clu_wsrep "$n" wsrep_cluster_size) port=$(clu_myport "$n")"
		else
			printf '%-18s %-8s %s\n' "node $n" - stopped
			rc=3
		fi
	done
	while read -r name; do
		if pid=$(stack_pid "$name"); then
			printf '%-18s %-8s %s\n' "$name" "$pid" running
		else
			printf '%-18s %-8s %s\n' "$name" - stopped
			rc=3
		fi
	done < <(clu_copy_names; printf '%s\n' relay redis nginx nginx-n1 nginx-n2 nginx-n3)
	return "$rc"
}

# The full form of the cluster tests, against a cluster it brings up (and
# stops again unless KEEP=1).
CLU_TESTS=(tests/e2e/e2e-cluster-races.sh tests/e2e/e2e-cluster-audit.sh tests/e2e/e2e-cluster-events.sh
	tests/e2e/e2e-cluster-failover.sh)

clu_test() {
	local rc=0 t
	clu_up
	export CONCIERGE_E2E=1 CONCIERGE_ROOT=$ROOT CONCIERGE_CLUSTER_LOCKED=1 CONCIERGE_BUILD_DIR=$B
	export CONCIERGE_BASE_URL=$CLU_URL CONCIERGE_CLUSTER_PORT=$CPORT
	export CONCIERGE_DB_SOCKET=$(clu_sock 1) CONCIERGE_CONFIG=$CLU/node-1.conf
	for t in "${CLU_TESTS[@]}"; do
		[[ -f $ROOT/$t ]] || continue
		say "cluster test: $t"
		(cd "$B" && CLUSTER_FULL=1 bash "$ROOT/$t") | tee "$LOGD/$(basename "$t").log" |
			grep -E '^(not ok|# |Bail|1\.\.)' | sed 's/^/  /'
		[[ ${PIPESTATUS[0]} == 0 ]] || rc=1
		say "$t: $(grep -c '^ok ' "$LOGD/$(basename "$t").log") ok, $(grep -c '^not ok ' "$LOGD/$(basename "$t").log") not ok"
	done
	[[ $KEEP == 1 ]] || clu_down
	return "$rc"
}

cmd_cluster() {
	local sub=${1:-}
	shift || true
	clu_paths
	exec 9>"$RUN/cluster.lock" || die "cannot open var/cluster/run/cluster.lock"
	# scripts/dev cluster test holds the lock while its tests run; they may
	# call cluster up again (the failover test restarts a node).
	[[ $sub == status || -n ${CONCIERGE_CLUSTER_LOCKED:-} ]] || flock -n 9 ||
		die "another scripts/dev cluster command is running"
	case $sub in
	up) clu_up && say "cluster up on $CLU_URL (scripts/dev cluster status|down)" ;;
	down) clu_down ;;
	status) clu_status ;;
	test) clu_test ;;
	bench) clu_bench "$@" ;;
	*) die "usage: scripts/dev cluster up|down|status|test|bench" ;;
	esac
}

# clu_bench: see bench/cluster.sh.
clu_bench() {
	[[ -x $ROOT/bench/cluster.sh ]] || die "bench/cluster.sh is missing"
	clu_up
	CONCIERGE_ROOT=$ROOT CONCIERGE_CLUSTER_PORT=$CPORT PORT=$PORT "$ROOT/bench/cluster.sh" "$@"
}
