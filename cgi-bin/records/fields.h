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

#endif
