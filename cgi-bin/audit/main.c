/* concierge-audit: audit trail query, export and verification; patient access log. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/audit/audit.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &audit_worker);
}
