/*
 * Transactions that survive contention: run a command's transaction and
 * run it again, whole, when the server picks it as a deadlock victim (or
 * a lock wait times out), a bounded number of times.
 */
#ifndef CONCIERGE_TX_H
#define CONCIERGE_TX_H

#include "lib/ctx.h"

/* Attempts tx_run makes at most (the first one included). */
#define TX_TRIES	5

/*
 * Begin a transaction, call fn(c, arg) and commit. fn returns DB_OK to
 * commit, another enum db_rc to roll back, or a positive value of its
 * own (an answer already set, e.g. a 409) to roll back and return it.
 * On DB_DEADLOCK, from fn or from the commit, or whenever the server has
 * rolled the transaction back (db_tx_aborted), everything is rolled back
 * and, after a short random pause, run again from the start with the
 * validation errors of c cleared, at most TX_TRIES times in all; so fn
 * must draw anything random (tokens, ids) itself and may not rely on a
 * previous attempt. No transaction is open afterwards. Returns DB_OK,
 * fn's positive value, or the last enum db_rc.
 */
int	tx_run(struct ctx *, int (*fn)(struct ctx *, void *), void *arg);

#endif
