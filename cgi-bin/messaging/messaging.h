/* The messaging worker: its route table and handlers. */
#ifndef CONCIERGE_W_MESSAGING_H
#define CONCIERGE_W_MESSAGING_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the messaging worker. */
extern const struct worker_def messaging_worker;

#endif
