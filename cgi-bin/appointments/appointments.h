/* The appointments worker: its route table and handlers. */
#ifndef CONCIERGE_W_APPOINTMENTS_H
#define CONCIERGE_W_APPOINTMENTS_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the appointments worker. */
extern const struct worker_def appointments_worker;

#endif
