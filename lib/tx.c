/* Transactions run again, whole, after a deadlock. */
#include "config.h"

#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/tx.h"

/*
 * Pause before attempt n (1-based): random, up to 2^n ms, so that the
 * transactions that collided do not collide again in step.
 */
static void
tx_pause(int n)
{
	struct timespec	 ts;
	unsigned int	 r = 0;
	long		 max_us = 1000L << (n < 6 ? n : 6);

	if (crypto_random(&r, sizeof(r)) == -1)
		r = (unsigned int)n * 7919u;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(r % (unsigned long)max_us) * 1000L;
	(void)nanosleep(&ts, NULL);
}

int
tx_run(struct ctx *c, int (*fn)(struct ctx *, void *), void *arg)
{
	int	 rc = DB_ERROR, n;

	for (n = 0; n < TX_TRIES; n++) {
		if (n > 0) {
			tx_pause(n);
			c->nerrs = 0;
		}
		if ((rc = db_begin(c->db)) == DB_OK &&
		    (rc = fn(c, arg)) == DB_OK)
			rc = db_commit(c->db);
		/*
		 * However fn mapped the error (a helper's DB_ERROR, or an
		 * answer drawn from a read the abort cut short), a
		 * transaction the server rolled back is run again.
		 */
		if (rc != DB_OK && db_tx_aborted(c->db))
			rc = DB_DEADLOCK;
		if (rc != DB_OK)
			db_rollback(c->db);
		if (rc != DB_DEADLOCK)
			break;
	}
	if (rc == DB_DEADLOCK)
		log_warnx("tx: still deadlocked after %d attempts", TX_TRIES);
	return rc;
}
