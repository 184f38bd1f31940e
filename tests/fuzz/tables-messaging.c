/* The messaging worker's JSON field tables, for fuzz-json-messaging. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/messaging/fields.h"
#include "tests/fuzz/tables.h"

const struct fuzz_json_table fuzz_json_tables[] = {
	{ "thread_create_fields", thread_create_fields, NULL },
	{ "participant_add_fields", participant_add_fields, NULL },
	{ "message_post_fields", message_post_fields, NULL },
	{ "receipt_read_fields", receipt_read_fields, NULL },
	{ NULL, NULL, NULL },
};
