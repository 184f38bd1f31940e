/* concierge-waitingroom: virtual waiting room, provider presence and video sessions. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/waitingroom/waitingroom.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &waitingroom_worker);
}
