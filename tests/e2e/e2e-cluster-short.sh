#!/usr/bin/env bash
# e2e-cluster-short: the short form of the cluster tests, in the normal
# pass of scripts/dev test (ONCE_TESTS): `scripts/dev cluster up` (a
# 3-node Galera cluster, a copy of every worker per node, from this
# build's binaries), the cross-node races of e2e-cluster-races.sh for
# bookings of one slot, idempotency keys, the password-reset token, the
# waiting-room admit and the notification claims, the audit chain of
# e2e-cluster-audit.sh, realtime over Redis (e2e-cluster-events.sh), then
# `cluster down` (docs/SCALING.md).
# The full form is `scripts/dev cluster test` (docs/SCALING.md).
# lib.sh is not sourced here (its e2e lock would block the races script,
# which sources it): this script only frames the run.
set -u
if [[ -z ${CONCIERGE_E2E:-} || ${CONCIERGE_E2E} == 0 ]]; then
	echo "1..0 # SKIP no running stack (use scripts/dev test)"
	exit 0
fi
here=$(cd -- "$(dirname -- "$0")" && pwd -P)
root=${CONCIERGE_ROOT:?}
port=${CONCIERGE_BASE_URL##*:}
port=${port%%/*}
build=${CONCIERGE_BUILD_DIR:-$PWD}
log=$root/var/cluster-short.log
dev() { NO_BUILD=1 BUILD_DIR=$build PORT=$port "$root/scripts/dev" cluster "$@" >>"$log" 2>&1; }

: >"$log"
trap 'dev down' EXIT
if ! dev up; then
	echo "Bail out! scripts/dev cluster up failed (var/cluster-short.log)"
	tail -n 30 "$log" | sed 's/^/# /'
	exit 1
fi
export CONCIERGE_CLUSTER_PORT=$(<"$root/var/cluster/run/port") CONCIERGE_CONFIG=$root/var/cluster/node-1.conf
# Two scripts, one TAP stream: their tests numbered on, one plan at the end.
{
	CLUSTER_SECTIONS="booking idempotency reset admit notify" bash "$here/e2e-cluster-races.sh" ||
		echo "not ok - e2e-cluster-races.sh exited $?"
	bash "$here/e2e-cluster-audit.sh" || echo "not ok - e2e-cluster-audit.sh exited $?"
	bash "$here/e2e-cluster-events.sh" || echo "not ok - e2e-cluster-events.sh exited $?"
} | awk '/^1\.\.[0-9]+/ { next }
	/^(not )?ok( |$)/ { n++; sub(/ok( [0-9]+)?/, "ok " n) }
	{ print; fflush() }
	END { print "1.." n }'
