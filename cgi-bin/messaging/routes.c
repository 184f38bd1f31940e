/* Route table of the messaging worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/messaging/messaging.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/threads",
	"/api/v1/messages",
	"/api/v1/attachments",
	NULL,
};

const struct worker_def messaging_worker = {
	"messaging", NULL, 0, unbuilt,
};
