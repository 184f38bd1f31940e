/* Route table of the audit worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/audit/audit.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/audit",
	"/api/v1/me/access-log",
	NULL,
};

const struct worker_def audit_worker = {
	"audit", NULL, 0, unbuilt,
};
