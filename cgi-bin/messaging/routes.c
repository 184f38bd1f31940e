/* Route table of the messaging worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/messaging/messaging.h"

static const struct route routes[] = {
	{ HTTP_POST, "/api/v1/attachments", msg_attachment_upload,
	  ROUTE_STREAM_BODY },
	{ HTTP_GET, "/api/v1/attachments/{id}", msg_attachment_get, ROUTE_STREAM },
};

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/threads",
	"/api/v1/messages",
	NULL,
};

const struct worker_def messaging_worker = {
	"messaging", routes, sizeof(routes) / sizeof(routes[0]), unbuilt,
};
