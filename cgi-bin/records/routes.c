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
	{ HTTP_GET, "/api/v1/patients/{id}/summary", records_patient_summary, 0 },
	{ HTTP_GET, "/api/v1/lab-results", records_lab_list, 0 },
	{ HTTP_POST, "/api/v1/lab-results", records_lab_create, 0 },
	{ HTTP_GET, "/api/v1/lab-results/{id}", records_lab_get, 0 },
	{ HTTP_PATCH, "/api/v1/lab-results/{id}", records_lab_patch, 0 },
	{ HTTP_POST, "/api/v1/lab-results/{id}/finalize", records_lab_finalize, 0 },
	{ HTTP_POST, "/api/v1/lab-results/{id}/amend", records_lab_amend, 0 },
	{ HTTP_POST, "/api/v1/lab-results/{id}/status", records_lab_status, 0 },
	{ HTTP_GET, "/api/v1/lab-results/{id}/versions", records_lab_versions, 0 },
	{ HTTP_GET, "/api/v1/lab-results/{id}/attachments/{attachment_id}",
	    records_lab_attachment, ROUTE_STREAM },
	{ HTTP_GET, "/api/v1/treatment-plans", records_plan_list, 0 },
	{ HTTP_POST, "/api/v1/treatment-plans", records_plan_create, 0 },
	{ HTTP_GET, "/api/v1/treatment-plans/{id}", records_plan_get, 0 },
	{ HTTP_PATCH, "/api/v1/treatment-plans/{id}", records_plan_patch, 0 },
	{ HTTP_POST, "/api/v1/treatment-plans/{id}/status", records_plan_status, 0 },
};

const struct worker_def records_worker = {
	"records", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
