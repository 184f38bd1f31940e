/* Route table of the GraphQL worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/graphql/graphql.h"

/* POST reads its body itself: the limit and the errors are GraphQL's. */
static const struct route routes[] = {
	{ HTTP_POST, "/api/v1/graphql", graphql_post, ROUTE_STREAM_BODY },
	{ HTTP_GET, "/api/v1/graphql", graphql_get, 0 },
};

const struct worker_def graphql_worker = {
	"graphql", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
