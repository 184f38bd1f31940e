/* The events worker: its route table and handlers. */
#ifndef CONCIERGE_W_EVENTS_H
#define CONCIERGE_W_EVENTS_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the events worker. */
extern const struct worker_def events_worker;

#endif
