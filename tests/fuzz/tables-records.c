/* The records worker's JSON field tables, for fuzz-json-records. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/records/fields.h"
#include "tests/fuzz/tables.h"

const struct fuzz_json_table fuzz_json_tables[] = {
	{ "provider_patch_fields", provider_patch_fields, NULL },
	{ "patient_patch_fields", patient_patch_fields, NULL },
	{ "care_team_add_fields", care_team_add_fields, NULL },
	{ "lab_create_fields", lab_create_fields, NULL },
	{ "lab_patch_fields", lab_patch_fields, NULL },
	{ "lab_amend_fields", lab_amend_fields, NULL },
	{ "lab_status_fields", lab_status_fields, NULL },
	{ "lab_finalize_fields", lab_finalize_fields, NULL },
	{ "plan_goal_fields", plan_goal_fields, NULL },
	{ "plan_create_fields", plan_create_fields, NULL },
	{ "plan_patch_fields", plan_patch_fields, NULL },
	{ "plan_status_fields", plan_status_fields, NULL },
	{ NULL, NULL, NULL },
};
