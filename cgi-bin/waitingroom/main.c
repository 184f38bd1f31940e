/*
 * concierge-waitingroom: virtual waiting room, provider presence and
 * video sessions. `concierge-waitingroom sweep ...` runs the sweeper
 * (sweep.c) instead of the FastCGI worker.
 */
#include "config.h"

#include <string.h>

#include "lib/worker.h"
#include "cgi-bin/waitingroom/waitingroom.h"

int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "sweep") == 0)
		return wr_sweep_main(argc - 1, argv + 1);
	return worker_main(argc, argv, &waitingroom_worker);
}
