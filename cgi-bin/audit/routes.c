/* Route table of the audit worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/audit/audit.h"

static const struct route routes[] = {
	{ HTTP_GET, "/api/v1/audit", audit_list_get, 0 },
	{ HTTP_GET, "/api/v1/audit/verify", audit_verify_get, 0 },
	{ HTTP_GET, "/api/v1/audit/export", audit_export_get, ROUTE_STREAM },
	{ HTTP_GET, "/api/v1/me/access-log", audit_access_log_get, 0 },
};

const struct worker_def audit_worker = {
	"audit", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
