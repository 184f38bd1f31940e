/* Route table of the auth worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/auth/auth.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/auth/",
	"/api/v1/me",
	"/api/v1/users",
	NULL,
};

const struct worker_def auth_worker = {
	"auth", NULL, 0, unbuilt,
};
