/* Realtime event rows. */
#include "config.h"

#include <string.h>

#include "lib/events.h"
#include "lib/time.h"

static const char SQL_APPEND[] =
    "INSERT INTO events (recipient_user_id, type, entity_type, entity_id, at)"
    " VALUES (?, ?, ?, ?, ?)";

int
events_append(struct db *db, const char *recipient, const char *type,
    const char *entity_type, const char *entity_id)
{
	return db_exec(db, SQL_APPEND, DB_ARGS(DB_TEXT(recipient),
	    DB_TEXT(type), DB_TEXT(entity_type), DB_TEXT(entity_id),
	    DB_TIME(utc_now())), NULL);
}
