#!/usr/bin/env bash
# e2e-sec-db: lib/db after the connection dies inside a transaction. The
# server has rolled the transaction back; lib/db must then refuse every
# statement (DB_GONE) until the caller rolls back, instead of reconnecting
# and running the rest of the transaction in autocommit (which committed
# its second half alone). After the rollback, statements work again on a
# new connection. Driven by tests/e2e/db-lost (lib/db itself: no route
# goes on after a failed statement, so this is the contract's own test).
# Likewise when the server ends the transaction without an error reply
# (db-lost --ended): the status flags of the next reply say so, and lib/db
# treats the transaction as aborted (DB_DEADLOCK: run it again).
. "${srcdir:-.}/tests/e2e/lib.sh"

need_build
PROBE=$BUILD/tests/e2e/db-lost
[[ -x $PROBE ]] || bail "no $PROBE (make check builds it)"
TAG=e2e-lost-$(od -An -vtx1 -N6 /dev/urandom | tr -d ' \n')
rows() { sql "SELECT IFNULL(GROUP_CONCAT(CONVERT(subject USING ascii) ORDER BY subject), '') FROM login_throttle
	WHERE scope = 'login_email' AND subject LIKE '$TAG-%'"; }
on_exit "sql \"DELETE FROM login_throttle WHERE scope = 'login_email' AND subject LIKE '$TAG-%'\""

mkfifo "$T_TMP/probe.in"
CONCIERGE_CONFIG=$CONF "$PROBE" "$TAG" <"$T_TMP/probe.in" >"$T_TMP/probe.out" 2>"$T_TMP/probe.log" &
probe=$!
exec {IN}>"$T_TMP/probe.in"
wait_until 10 'grep -qs "^conn " "$T_TMP/probe.out"' || bail "the probe did not start: $(cat "$T_TMP/probe.log")"
conn=$(awk '/^conn / { print $2 }' "$T_TMP/probe.out")
is "$(rows)" "" "the first insert is not visible: its transaction is open"
sql "KILL $conn"
printf 'go\n' >&"$IN"
exec {IN}>&-
wait "$probe"
is "$?" 0 "the probe ran to its end"
res=$(grep '^b=' "$T_TMP/probe.out")
# DB_GONE is -4.
is "$res" "b=-4 c=-4 commit=-4 in_tx=0 rollback=0 after=0" \
	"after the loss: the next statement DB_GONE, the one after refused (not run), the commit refused (and the transaction ended), then statements work again"
is "$(rows)" "" "nothing of the transaction was committed, not even its tail"
like "$(cat "$T_TMP/probe.log")" "connection lost inside a transaction" "the loss is logged"

# --- the server ends the transaction and says nothing ---
CONCIERGE_CONFIG=$CONF "$PROBE" --ended "$TAG-e" >"$T_TMP/ended.out" 2>"$T_TMP/ended.log"
is "$?" 0 "the --ended probe ran to its end"
# DB_DEADLOCK is -3.
is "$(cat "$T_TMP/ended.out")" "ended=-3 b=-3 aborted=1 commit=-3 in_tx=0 rollback=0 after=0" \
	"a reply without the in-transaction flag: that statement DB_DEADLOCK, the next refused (not run in autocommit), the commit refused, then statements work again"
is "$(rows)" "" "nothing was committed: not the first insert, not the one after the end"
like "$(cat "$T_TMP/ended.log")" "the server ended the transaction" "the silent end is logged"

done_testing
