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
	/* Never for a client: "GET /api/v1/waiting-room?sweep+--once". */
	if (argc > 1 && strcmp(argv[1], "sweep") == 0 && !worker_args_from_client())
		return wr_sweep_main(argc - 1, argv + 1);
	return worker_main(argc, argv, &waitingroom_worker);
}
