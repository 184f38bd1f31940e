/* concierge-events: what the command-line front end hands to the relay. */
#ifndef CONCIERGE_TOOLS_EVENTS_H
#define CONCIERGE_TOOLS_EVENTS_H

#include "lib/cfg.h"
#include "lib/db.h"

/* Exit statuses of concierge-events. */
#define EVENTS_EXIT_OK		0
#define EVENTS_EXIT_USAGE	2
#define EVENTS_EXIT_FAIL	3	/* config, database, nchan, another relay */

struct relay_opts {
	int	 is_once;	/* publish what is committed now, then exit */
};

/*
 * Publish committed events rows in id order to nchan (docs/EVENTS.md,
 * "The relay"): as a daemon until SIGTERM or SIGINT, or once. Returns
 * an EVENTS_EXIT_* status.
 */
int	events_relay_run(const struct cfg *, enum db_role,
	    const struct relay_opts *);

#endif
