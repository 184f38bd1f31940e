/*
 * The registry of JSON field tables one worker's fuzz target parses
 * (tests/fuzz/fuzz-json.c): tests/fuzz/tables-WORKER.c lists every table
 * the worker declares in cgi-bin/WORKER/fields.h. make check runs
 * tests/fuzz/tables-check.sh, which fails when a table in cgi-bin/ is in
 * no registry.
 */
#ifndef CONCIERGE_TESTS_FUZZ_TABLES_H
#define CONCIERGE_TESTS_FUZZ_TABLES_H

#include "lib/ctx.h"
#include "lib/json.h"

struct fuzz_json_table {
	const char		*name;	/* an input's first line selects it */
	/* The table: parsed with json_parse_body, its result checked. */
	const struct json_field	*fields;
	/*
	 * Or, for a table the worker completes at run time, the worker's
	 * own parse function (0, or -1 with a problem reply).
	 */
	int			(*parse)(struct ctx *);
};

/* Terminated by a NULL name. */
extern const struct fuzz_json_table fuzz_json_tables[];

#endif
