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

/*
 * patient1's clinical record: provider1 on their care team, three lab
 * results (one preliminary, one final, one amended with its two
 * versions) and one active treatment plan, unless they exist. 0, 1 if
 * they existed, or -1.
 */
int	seed_records(struct db *, struct arena *, const struct cfg *);

#endif
