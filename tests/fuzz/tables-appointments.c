/* The appointments worker's JSON field tables, for fuzz-json-appointments. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/appointments/fields.h"
#include "tests/fuzz/tables.h"

const struct fuzz_json_table fuzz_json_tables[] = {
	{ "availability_fields", availability_fields, NULL },
	{ "weekly_fields", weekly_fields, NULL },
	{ "exception_fields", exception_fields, NULL },
	{ "book_fields", book_fields, NULL },
	{ "reschedule_fields", reschedule_fields, NULL },
	{ "cancel_fields", cancel_fields, NULL },
	{ NULL, NULL, NULL },
};
