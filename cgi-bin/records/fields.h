/*
 * The JSON field tables of the records worker, declared here so that the
 * fuzz targets (tests/fuzz/tables-records.c) parse with the very tables
 * the handlers use. Each table is defined beside its handler; a new
 * table goes here and into tests/fuzz/tables-records.c (make check fails
 * if not).
 */
#ifndef CONCIERGE_W_RECORDS_FIELDS_H
#define CONCIERGE_W_RECORDS_FIELDS_H

#include "lib/json.h"

/* providers.c: PATCH /providers/{id}. */
extern const struct json_field provider_patch_fields[];
/* patients.c: PATCH /patients/{id}. */
extern const struct json_field patient_patch_fields[];
/* care-team.c: POST /patients/{id}/care-team. */
extern const struct json_field care_team_add_fields[];
/* labs-write.c: POST /lab-results. */
extern const struct json_field lab_create_fields[];
/* labs-write.c: PATCH /lab-results/{id} (preliminary results). */
extern const struct json_field lab_patch_fields[];
/* labs-write.c: POST /lab-results/{id}/amend. */
extern const struct json_field lab_amend_fields[];
/* labs-status.c: POST /lab-results/{id}/status. */
extern const struct json_field lab_status_fields[];
/* labs-status.c: POST /lab-results/{id}/finalize (no body, or {}). */
extern const struct json_field lab_finalize_fields[];
/* plans-write.c: one element of a treatment plan's "goals". */
extern const struct json_field plan_goal_fields[];
/* plans-write.c: POST /treatment-plans. */
extern const struct json_field plan_create_fields[];
/* plans-write.c: PATCH /treatment-plans/{id}. */
extern const struct json_field plan_patch_fields[];
/* plans-write.c: POST /treatment-plans/{id}/status. */
extern const struct json_field plan_status_fields[];

#endif
