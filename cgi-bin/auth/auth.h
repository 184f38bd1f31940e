/* The auth worker: its route table and handlers. */
#ifndef CONCIERGE_W_AUTH_H
#define CONCIERGE_W_AUTH_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the auth worker. */
extern const struct worker_def auth_worker;

#endif
