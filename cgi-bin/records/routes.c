/* Route table of the records worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/records/records.h"

static const struct route routes[] = {
	{ HTTP_GET, "/api/v1/providers", records_providers_list, 0 },
	{ HTTP_GET, "/api/v1/providers/{id}", records_provider_get, 0 },
	{ HTTP_PATCH, "/api/v1/providers/{id}", records_provider_patch, 0 },
	{ HTTP_GET, "/api/v1/patients", records_patients_search, 0 },
	{ HTTP_GET, "/api/v1/patients/{id}", records_patient_get, 0 },
	{ HTTP_PATCH, "/api/v1/patients/{id}", records_patient_patch, 0 },
	{ HTTP_GET, "/api/v1/patients/{id}/care-team", records_care_team_list, 0 },
	{ HTTP_POST, "/api/v1/patients/{id}/care-team", records_care_team_add, 0 },
	{ HTTP_DELETE, "/api/v1/patients/{id}/care-team/{provider_id}",
	    records_care_team_remove, 0 },
};

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/lab-results",
	"/api/v1/treatment-plans",
	NULL,
};

const struct worker_def records_worker = {
	"records", routes, sizeof(routes) / sizeof(routes[0]), unbuilt,
};
