/* concierge-graphql: one GraphQL endpoint over the REST handlers (docs/GRAPHQL.md). */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/graphql/graphql.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &graphql_worker);
}
