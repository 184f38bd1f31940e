/* concierge-events: the events worker (docs/EVENTS.md). */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/events/events.h"

int
main(int argc, char *argv[])
{
	/* Before worker_main forks: every child shares the count of held requests. */
	events_hold_init();
	return worker_main(argc, argv, &events_worker);
}
