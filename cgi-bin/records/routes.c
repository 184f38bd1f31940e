/* Route table of the records worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/records/records.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/patients",
	"/api/v1/providers",
	"/api/v1/lab-results",
	"/api/v1/treatment-plans",
	NULL,
};

const struct worker_def records_worker = {
	"records", NULL, 0, unbuilt,
};
