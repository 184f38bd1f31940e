/* concierge-audit: what the command-line front end hands to its commands. */
#ifndef CONCIERGE_TOOLS_AUDIT_H
#define CONCIERGE_TOOLS_AUDIT_H

#include <stdint.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/seal-key.h"

/* Exit statuses of concierge-audit. */
#define AUDIT_EXIT_OK		0
#define AUDIT_EXIT_BAD		1	/* verify, head: the chain does not hold */
#define AUDIT_EXIT_USAGE	2
#define AUDIT_EXIT_FAIL		3	/* config, key, database, or another sealer */

struct seal_opts {
	int		 is_follow;
	int64_t		 interval;	/* usec between polls with --follow */
	int64_t		 gap_timeout;	/* usec before a missing id counts as rolled back */
	long		 batch;		/* rows read per sealing transaction */
	long		 lease;		/* seconds of the sealer's lease (renewed each pass) */
};

/*
 * Seal committed rows in id order (once, or with is_follow until SIGTERM
 * or SIGINT), signing each checkpoint with signer; ring holds the public
 * keys the seal's checkpoints were signed with (the signer's among them).
 * The database connection is opened from cfg with role. Returns an
 * AUDIT_EXIT_* status.
 */
int	audit_seal_run(const struct cfg *, enum db_role,
	    const struct seal_key *signer, const struct seal_keyring *ring,
	    const struct seal_opts *);

#endif
