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

/*
 * A video visit of patient1 with provider1 starting a few minutes from
 * now, so check-in is open; an unused one whose check-in is not open is
 * moved forward again (tools/seed-waitingroom.c). 0 created, 1 present
 * (in use, or open already), 2 moved, or -1.
 */
int	seed_waitingroom(struct db *, struct arena *, const struct cfg *);

#endif
