/* concierge-seed: demo data beyond the accounts, one function per area. */
#ifndef CONCIERGE_TOOLS_SEED_H
#define CONCIERGE_TOOLS_SEED_H

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/mem.h"

/*
 * A secure-message thread between patient1 and provider1 (put on
 * patient1's care team) with a few messages and one PDF attachment,
 * unless it exists. 0, 1 if it existed, or -1.
 */
int	seed_messaging(struct db *, struct arena *, const struct cfg *);

#endif
