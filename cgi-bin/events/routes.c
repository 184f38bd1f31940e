/* Route table of the events worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/events/events.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/events",
	NULL,
};

const struct worker_def events_worker = {
	"events", NULL, 0, unbuilt,
};
