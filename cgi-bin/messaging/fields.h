/*
 * The JSON field tables of the messaging worker, declared here so that
 * the fuzz target (tests/fuzz/tables-messaging.c) parses with the very
 * tables the handlers use. Each table is defined beside its handler; a
 * new table goes here and into tests/fuzz/tables-messaging.c (make
 * check fails if not).
 */
#ifndef CONCIERGE_W_MESSAGING_FIELDS_H
#define CONCIERGE_W_MESSAGING_FIELDS_H

#include "lib/json.h"

/* threads.c: POST /threads. */
extern const struct json_field thread_create_fields[];
/* participants.c: POST /threads/{id}/participants. */
extern const struct json_field participant_add_fields[];
/* messages.c: POST /threads/{id}/messages. */
extern const struct json_field message_post_fields[];
/* receipts.c: POST /threads/{id}/read. */
extern const struct json_field receipt_read_fields[];

#endif
