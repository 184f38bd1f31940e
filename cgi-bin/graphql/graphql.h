/*
 * cgi-bin/graphql/graphql.h: the GraphQL worker (docs/GRAPHQL.md).
 * POST and GET /api/v1/graphql (GraphQL over HTTP), answered by parsing,
 * validating and executing the document against the product schema
 * (roots.h), each root field being an in-process REST request.
 */
#ifndef CONCIERGE_W_GRAPHQL_H
#define CONCIERGE_W_GRAPHQL_H

#include <stddef.h>

#include <json.h>

#include "lib/ctx.h"
#include "lib/graphql-exec.h"
#include "lib/worker.h"

extern const struct worker_def graphql_worker;

/* POST /api/v1/graphql and GET /api/v1/graphql. */
int	graphql_post(struct ctx *);
int	graphql_get(struct ctx *);

/* One in-process REST request. */
struct gql_subreq {
	enum http_method	 method;
	const char		*path;		/* decoded, captures filled */
	struct http_query_pair	*qv;		/* query parameters */
	size_t			 nqv;
	struct json_object	*body;		/* NULL: none */
};

/*
 * Run q through the REST handler of its route with c's actor, database
 * and request identity. *status is the reply's status (404 when no
 * JSON route matches) and *reply its object (a new reference, NULL for
 * a 204). 0, or -1 if the body could not be encoded.
 */
int	gql_subreq(struct ctx *c, const struct gql_subreq *q, int *status,
	    struct json_object **reply);

/*
 * The resolver of the product schema for request c: root fields run
 * their REST route, everything else is read from the reply.
 * requests counts the REST requests made.
 */
struct gql_product {
	struct ctx	*c;
	size_t		 requests;
};
void	gql_product_resolver(struct gql_product *, struct gql_resolver *out);

#endif
