/*
 * lib/graphql-introspect.h: internal to the executor (lib/graphql-exec.c):
 * the values of __schema and __type and the fields of the introspection
 * types, answered from a struct gql_schema as graphql-js 16.9 answers
 * them (lib/graphql-introspect.c). Not for other callers.
 */
#ifndef CONCIERGE_GRAPHQL_INTROSPECT_H
#define CONCIERGE_GRAPHQL_INTROSPECT_H

#include <json.h>

#include "lib/graphql.h"
#include "lib/graphql-schema.h"
#include "lib/mem.h"

/*
 * An introspection value is a JSON object with no members whose json-c
 * userdata points at one of these (in the arena): what it describes.
 */
enum gqli_kind {
	GQLI_SCHEMA = 0,
	GQLI_TYPE,
	GQLI_FIELD,
	GQLI_INPUT_VALUE,
	GQLI_ENUM_VALUE,
	GQLI_DIRECTIVE,
};

/* Whether t is one of the introspection object types (__Schema ...). */
int	gqli_is_meta_type(const struct gql_ntype *t);

/* The value of __schema: a new reference. */
struct json_object *gqli_schema_value(struct arena *a,
	    const struct gql_schema *s);

/* The value of __type(name: name): a new reference, or NULL (null). */
struct json_object *gqli_type_value(struct arena *a,
	    const struct gql_schema *s, const char *name);

/*
 * The field called name of parent, a value of the introspection type t
 * made here, with the coerced args. 0 with *out a new reference or NULL
 * (null); -1 if parent is not an introspection value.
 */
int	gqli_resolve(struct arena *a, const struct gql_schema *s,
	    const struct gql_ntype *t, const char *name,
	    struct json_object *parent, struct json_object *args,
	    struct json_object **out);

/*
 * From the executor: the literal v (no variables) coerced to the input
 * type t as graphql-js's valueFromAST does. 0 with *out a new reference
 * or NULL (null), or -1 if v is not a value of t.
 */
int	gqlx_literal_json(const struct gql_tref *t, const struct gql_value *v,
	    struct json_object **out);

/* A new json-c value, or abort() on exhaustion (as xmalloc does). */
struct json_object *jcheck(struct json_object *o);

#endif
