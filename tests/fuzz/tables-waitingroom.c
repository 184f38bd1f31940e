/* The waiting-room worker's JSON field tables, for fuzz-json-waitingroom. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/waitingroom/fields.h"
#include "tests/fuzz/tables.h"

const struct fuzz_json_table fuzz_json_tables[] = {
	{ "check_in_fields", check_in_fields, NULL },
	{ "presence_fields", presence_fields, NULL },
	{ "announce_fields", announce_fields, NULL },
	{ "admit_fields", admit_fields, NULL },
	{ "session_event_fields", session_event_fields, NULL },
	{ "session_end_fields", session_end_fields, NULL },
	{ NULL, NULL, NULL },
};
