/* The records worker's JSON field tables, for fuzz-json-records. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/records/fields.h"
#include "tests/fuzz/tables.h"

const struct fuzz_json_table fuzz_json_tables[] = {
	{ "provider_patch_fields", provider_patch_fields, NULL },
	{ "patient_patch_fields", patient_patch_fields, NULL },
	{ "care_team_add_fields", care_team_add_fields, NULL },
	{ NULL, NULL, NULL },
};
