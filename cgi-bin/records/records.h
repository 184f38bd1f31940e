/* The records worker: its route table and handlers. */
#ifndef CONCIERGE_W_RECORDS_H
#define CONCIERGE_W_RECORDS_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the records worker. */
extern const struct worker_def records_worker;

#endif
