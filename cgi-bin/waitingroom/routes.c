/* Route table of the waitingroom worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/waitingroom/waitingroom.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/waiting-room",
	"/api/v1/video-sessions",
	NULL,
};

const struct worker_def waitingroom_worker = {
	"waitingroom", NULL, 0, unbuilt,
};
