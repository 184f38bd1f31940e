/*
 * Realtime events: rows of the events table, written in the command's
 * transaction (ids and types only, never PHI), and the one form clients
 * see, {id, type, entity_type, entity_id, at}. The id is the events
 * table's id: the resume cursor of every transport (docs/EVENTS.md).
 */
#ifndef CONCIERGE_EVENTS_H
#define CONCIERGE_EVENTS_H

#include <stdint.h>

#include <json.h>

#include "lib/buf.h"
#include "lib/cfg.h"
#include "lib/db.h"

/* Largest event id a client may send (ids are BIGINT, kept below 2^63). */
#define EVENTS_ID_MAX	0x7fffffffffffffffULL

/* One events row; strings belong to whoever filled it (an arena). */
struct event_row {
	unsigned long long	 id;
	const char		*recipient;	/* user id */
	const char		*type;		/* "appointment.booked" */
	const char		*entity_type;	/* "appointment" */
	const char		*entity_id;
	int64_t			 at;		/* when it was written, usec */
};

/*
 * Append an event for recipient_user_id inside the caller's transaction,
 * and remember that this process has news for the relay (events_wake).
 * Returns an enum db_rc.
 */
int	events_append(struct db *, const char *recipient_user_id,
	    const char *type, const char *entity_type, const char *entity_id);
/*
 * Call after a commit: if events were appended since the last call, send
 * the relay a wake-up datagram on events.wake_socket so it publishes now
 * rather than at its next poll. Best effort and non-blocking: a lost
 * wake-up only adds latency, never loses an event.
 */
void	events_wake(const struct cfg *);

/* The client-visible object of an event (a new reference). */
struct json_object *events_json(const struct event_row *);
/* Append the event as JSON text to b. 0, or -1 past b's maximum. */
int	events_json_text(struct buf *, const struct event_row *);
/* Append one SSE frame "id: N\ndata: {...}\n\n" to b. 0 or -1. */
int	events_sse_frame(struct buf *, const struct event_row *);
/*
 * Parse a client's cursor: decimal digits only, 0..EVENTS_ID_MAX, no
 * sign, no spaces, at most 19 digits. 0, or -1 if malformed.
 */
int	events_parse_id(const char *, unsigned long long *);

#endif
