/* The audit worker: its route table and handlers. */
#ifndef CONCIERGE_W_AUDIT_H
#define CONCIERGE_W_AUDIT_H

#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the audit worker. */
extern const struct worker_def audit_worker;

#endif
