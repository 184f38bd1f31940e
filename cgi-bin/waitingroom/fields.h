/*
 * The JSON field tables of the waiting-room worker, declared here so
 * that the fuzz target (tests/fuzz/tables-waitingroom.c) parses with the
 * very tables the handlers use. Each table is defined beside its
 * handler; a new table goes here and into tests/fuzz/tables-waitingroom.c
 * (make check fails if not).
 */
#ifndef CONCIERGE_W_WAITINGROOM_FIELDS_H
#define CONCIERGE_W_WAITINGROOM_FIELDS_H

#include "lib/json.h"

/* checkin.c: POST /waiting-room/check-in. */
extern const struct json_field check_in_fields[];
/* presence.c: PUT /waiting-room/presence. */
extern const struct json_field presence_fields[];
/* presence.c: POST /waiting-room/announcements. */
extern const struct json_field announce_fields[];
/* admit.c: POST /waiting-room/admit. */
extern const struct json_field admit_fields[];
/* session-log.c: POST /video-sessions/{id}/events. */
extern const struct json_field session_event_fields[];
/* session-log.c: POST /video-sessions/{id}/end. */
extern const struct json_field session_end_fields[];

#endif
