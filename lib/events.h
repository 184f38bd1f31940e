/*
 * Realtime events for the events worker: ids and types only, written
 * in the command's transaction.
 */
#ifndef CONCIERGE_EVENTS_H
#define CONCIERGE_EVENTS_H

#include "lib/db.h"

/* Append an event for recipient_user_id. Returns an enum db_rc. */
int	events_append(struct db *, const char *recipient_user_id,
	    const char *type, const char *entity_type, const char *entity_id);

#endif
