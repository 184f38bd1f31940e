/* concierge-events: realtime events as server-sent events and JSON polling. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/events/events.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &events_worker);
}
