/*
 * The messaging worker: secure threads about one patient, their
 * messages and read receipts, and the attachment routes (files from
 * lib/attachment.h). Shared types and the handlers of routes.c.
 */
#ifndef CONCIERGE_W_MESSAGING_H
#define CONCIERGE_W_MESSAGING_H

#include "lib/ctx.h"
#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the messaging worker. */
extern const struct worker_def messaging_worker;

/* Handlers (attachments.c). */
int	msg_attachment_upload(struct ctx *);
int	msg_attachment_get(struct ctx *);

#endif
