/*
 * cgi-bin/graphql/roots.h: the product schema of the GraphQL worker and
 * how each of its root fields maps onto the REST route that answers it
 * (docs/GRAPHQL.md). A root field is run as an in-process request to
 * the REST handler itself (same policy checks, stores, audit rows and
 * problem codes); everything below a root field is read from the JSON
 * that handler replied, camelCase field names reading snake_case
 * members. So a document costs one REST request per root field, however
 * deep it nests: there is no per-row resolver to fan out.
 */
#ifndef CONCIERGE_GQL_ROOTS_H
#define CONCIERGE_GQL_ROOTS_H

#include "lib/graphql-schema.h"
#include "lib/http.h"

/* Where a GraphQL argument goes in the REST request. */
enum gql_root_where {
	RA_PATH = 0,	/* the {rest} capture of the path */
	RA_QUERY,	/* the query parameter rest */
	RA_BODY,	/* the member rest of the JSON body */
	/*
	 * An input object whose fields become the body's members, their
	 * names in snake_case (rest unused). Enum values go lowercase.
	 */
	RA_BODY_ALL,
	RA_HEADER_IDEMPOTENCY,	/* unused: Idempotency-Key comes from the request */
};

struct gql_root_arg {
	const char		*arg;	/* GraphQL argument name; NULL ends the list */
	enum gql_root_where	 where;
	const char		*rest;	/* REST name (capture, parameter, member) */
};

/* What the REST reply becomes. */
enum gql_root_shape {
	ROOT_OBJECT = 0,	/* the reply object is the field's value */
	/*
	 * A page {"data":[...],"next_cursor":...} becomes a connection:
	 * {"edges":[{"cursor","node"}],"nodes":[...],
	 *  "page_info":{"has_next_page","end_cursor"}}; the last edge's
	 * cursor is next_cursor, the others' null. Arguments "first" and
	 * "after" are REST's limit and cursor (declare them RA_QUERY with
	 * rest "limit" and "cursor").
	 */
	ROOT_PAGE,
	ROOT_MEMBER,		/* the reply's member named member */
	ROOT_ARRAY,		/* the reply's "data" array (a list without cursor) */
	ROOT_EMPTY,		/* 204 and no body: the field (Boolean!) is true */
};

struct gql_root {
	const char		*type;		/* "Query" or "Mutation"; NULL ends */
	const char		*field;
	enum http_method	 method;
	const char		*path;		/* "/api/v1/patients/{id}/summary" */
	const struct gql_root_arg *args;	/* every argument of the field */
	enum gql_root_shape	 shape;
	const char		*member;	/* ROOT_MEMBER */
};

/* The product schema's tables (cgi-bin/graphql/schema.c). */
extern const struct gql_schema_def gql_product_schema;

/* Every root field of Query and Mutation, in schema order (roots.c). */
extern const struct gql_root gql_product_roots[];

/* The root entry for type.field, or NULL. */
const struct gql_root *gql_root_find(const char *type, const char *field);

#endif
