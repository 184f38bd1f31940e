/*
 * Ending a session everywhere: a revoked session's open event streams
 * (SSE, WebSocket, long-poll held by nchan) end too. Each revoked session
 * gets a session.revoked event for its user, in the revoking transaction;
 * the relay publishes it and then deletes the session's nchan channel,
 * which closes the streams subscribed with it (docs/EVENTS.md).
 */
#ifndef CONCIERGE_STORE_SESSION_END_H
#define CONCIERGE_STORE_SESSION_END_H

#include <stdint.h>

#include "lib/db.h"

/* The event for one revoked session of user_id. Returns an enum db_rc. */
int	store_session_end_one(struct db *, const char *user_id,
	    const char *session_id);
/*
 * The events for every session of user_id revoked at exactly `at` (the
 * time the caller's transaction wrote). Returns an enum db_rc.
 */
int	store_session_end_revoked_at(struct db *, const char *user_id, int64_t at);

#endif
