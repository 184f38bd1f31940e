/* Route table of the events worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/events/events.h"

static const struct route routes[] = {
	/* Writes its own SSE stream when it holds one without nchan. */
	{ HTTP_GET, "/api/v1/events", events_get, ROUTE_STREAM },
};

const struct worker_def events_worker = {
	"events", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
