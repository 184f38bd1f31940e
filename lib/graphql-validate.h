/*
 * lib/graphql-validate.h: validation of a parsed executable document
 * against a checked schema (issue 18; docs/GRAPHQL.md), the rules of
 * graphql-js 16's specifiedRules with its error messages. A document is
 * untrusted: every rule is linear or bounded, fragment spreads are
 * followed iteratively or to a bounded depth, and errors stop at a
 * limit as graphql-js's maxErrors does.
 */
#ifndef CONCIERGE_GRAPHQL_VALIDATE_H
#define CONCIERGE_GRAPHQL_VALIDATE_H

#include <stddef.h>

#include "lib/graphql.h"
#include "lib/graphql-schema.h"
#include "lib/mem.h"

/* graphql-js's default maxErrors. */
#define GQL_MAX_ERRORS		100
/* Fragment spreads followed inside fragment spreads, at most. */
#define GQL_MAX_SPREAD_DEPTH	64
/* Fields the field-merging check may collect for one document. */
#define GQL_MAX_MERGE_WORK	100000

/*
 * One validation error: graphql-js's message and the first two of its
 * locations (line2 0: one location only; line 0: none, the "Too many
 * validation errors" error).
 */
struct gql_verror {
	const char	*message;	/* in the arena */
	unsigned int	 line, column;
	unsigned int	 line2, column2;
};

struct gql_verrors {
	struct gql_verror	*items;	/* in the arena, n of them */
	size_t			 n;
};

/*
 * Validate doc against s. Errors (at most max_errors, 0 meaning
 * GQL_MAX_ERRORS, then "Too many validation errors, error limit
 * reached. Validation aborted.") go to *out, allocated in a with their
 * messages. 0: valid; -1: *out holds at least one error.
 */
int	gql_validate(struct arena *a, const struct gql_schema *s,
	    const struct gql_document *doc, size_t max_errors,
	    struct gql_verrors *out);

#endif
