/*
 * lib/graphql-exec.h: execution of a validated GraphQL document against
 * a checked schema (issue 18; docs/GRAPHQL.md), as the October 2021
 * specification's ExecuteRequest describes: the operation chosen by
 * name, variables coerced from JSON, fields collected with @skip and
 * @include and fragments, arguments coerced, values completed against
 * their types with null propagation, field errors with paths and
 * locations, and introspection (__schema, __type, __typename) answered
 * from the schema itself.
 *
 * Values are json-c objects. What a field's value is comes from a
 * resolver the caller gives; a resolver that declines gets the default:
 * the parent object's member named like the field (or, with
 * GQL_EXEC_SNAKE_KEYS, its snake_case spelling: "startAt" reads
 * "start_at"). Execution is bounded: the caller's limits on depth and
 * on completed fields are checked before any resolver runs.
 */
#ifndef CONCIERGE_GRAPHQL_EXEC_H
#define CONCIERGE_GRAPHQL_EXEC_H

#include <stddef.h>

#include <json.h>

#include "lib/graphql.h"
#include "lib/graphql-schema.h"
#include "lib/mem.h"

/* What a resolver is told about the field it resolves. */
struct gql_exec_field {
	const struct gql_ntype		*parent_type;
	const struct gql_field		*field;		/* its definition */
	const struct gql_selection	*node;		/* the first of its nodes */
	const char			*response_key;	/* alias or name */
	/*
	 * The coerced arguments: an object whose members are the arguments
	 * given or defaulted (an argument neither given nor defaulted is
	 * absent; one given as null is a JSON null). Int is an int64, Float
	 * a double, String and ID strings, Boolean a boolean, an enum value
	 * its name as a string, a list an array, an input object an object
	 * keyed by its field names. Owned by the executor.
	 */
	struct json_object		*args;
	/* Where in the response: "me.appointments.edges.0" (for logs). */
	const char			*path;
};

enum gql_resolve_rc {
	GQL_RESOLVE_DEFAULT = 0,	/* use the parent's member */
	GQL_RESOLVE_VALUE,		/* *out holds the value (NULL: null) */
	GQL_RESOLVE_ERROR,		/* a field error: *message, *extensions */
};

struct gql_resolver {
	void	*arg;
	/*
	 * Resolve field f of parent (the parent's value; NULL for a root
	 * field). GQL_RESOLVE_VALUE: *out is a new reference the executor
	 * then owns, or NULL for null. GQL_RESOLVE_ERROR: *message (in the
	 * arena) and optionally *extensions (a new reference) for the
	 * error's "extensions" member; the field is null. NULL resolve:
	 * every field gets its default.
	 */
	enum gql_resolve_rc (*resolve)(void *arg,
	    const struct gql_exec_field *f, struct json_object *parent,
	    struct json_object **out, const char **message,
	    struct json_object **extensions);
	/*
	 * The object type of value where the field's type is an interface or
	 * union, or NULL to use value's "__typename" member. NULL resolve_type:
	 * always "__typename".
	 */
	const char *(*resolve_type)(void *arg, const struct gql_ntype *abstract,
	    struct json_object *value);
};

/* Options and bounds of one execution. */
struct gql_exec_opts {
	unsigned int	 flags;		/* GQL_EXEC_* */
	unsigned int	 max_depth;	/* of selection sets, fragments expanded; 0: 15 */
	size_t		 max_fields;	/* fields in the operation, fragments
					 * expanded, counted before running; 0: 2000 */
	size_t		 max_completed;	/* values completed while running; 0: 100000 */
};

#define GQL_EXEC_SNAKE_KEYS	0x01	/* default reads "start_at" for startAt */
#define GQL_EXEC_NO_INTROSPECTION 0x02	/* __schema and __type are field errors */
/*
 * Enum values read from JSON strings case-insensitively, '-' taken as
 * '_' ("checked_in" and "no-show" complete CHECKED_IN and NO_SHOW).
 */
#define GQL_EXEC_ENUM_FOLD	0x04

/*
 * The static measure of an operation, fragments expanded (each fragment
 * measured once): its deepest selection set, the fields it selects in
 * all, and the fields of its root selection set after @skip/@include.
 */
struct gql_measure {
	unsigned int	 depth;
	size_t		 fields;
	size_t		 root_fields;
};

enum gql_exec_rc {
	GQL_EXEC_OK = 0,	/* *data is set (it may hold nulls), errors may follow */
	GQL_EXEC_REQUEST_ERROR,	/* no data: no such operation, bad variables,
				 * a limit passed; errors say why */
};

struct gql_exec_result {
	struct json_object	*data;		/* new reference, or NULL */
	struct json_object	*errors;	/* array (new reference), or NULL: none */
	enum gql_op		 op;		/* of the operation chosen */
	const struct gql_definition *operation;	/* chosen, or NULL */
	struct gql_measure	 measure;
};

/*
 * The operation of doc called name (NULL: the only one), or NULL with
 * *message set ("Must provide operation name if query contains multiple
 * operations.", "Unknown operation named "x".") as graphql-js says it.
 */
const struct gql_definition *gql_exec_operation(const struct gql_document *doc,
	    const char *name, const char **message);

/*
 * Measure op (of doc) with variables (for @skip/@include(if: $v)).
 * 0, or -1 when the depth passed max_depth (then measuring stops).
 */
int	gql_exec_measure(const struct gql_document *doc,
	    const struct gql_definition *op, struct json_object *variables,
	    unsigned int max_depth, struct gql_measure *out);

/*
 * Execute the operation called operation_name (NULL: the only one) of
 * doc, which gql_validate accepted against s, with variables (a JSON
 * object or NULL), resolving fields through r. Allocates messages in
 * a. Fills *res; the caller puts res->data and res->errors. Errors are
 * {"message", "locations": [{"line","column"}], "path": [...],
 * "extensions"?}, request errors without "path".
 */
enum gql_exec_rc gql_execute(struct arena *a, const struct gql_schema *s,
	    const struct gql_document *doc, const char *operation_name,
	    struct json_object *variables, const struct gql_resolver *r,
	    const struct gql_exec_opts *opts, struct gql_exec_result *res);

/* name in snake_case, in a: "labResultIds" gives "lab_result_ids". */
const char *gql_snake_case(struct arena *a, const char *name);

#endif
