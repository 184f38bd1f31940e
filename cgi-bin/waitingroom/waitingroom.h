/* The waitingroom worker: its route table and handlers. */
#ifndef CONCIERGE_W_WAITINGROOM_H
#define CONCIERGE_W_WAITINGROOM_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the waitingroom worker. */
extern const struct worker_def waitingroom_worker;

#endif
