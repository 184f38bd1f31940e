/* session.revoked events for revoked sessions (see store-session-end.h). */
#include "config.h"

#include "lib/events.h"
#include "lib/mem.h"
#include "lib/store-session-end.h"

/* Our own transaction's revocations are visible to us, and only they carry this time. */
static const char SQL_REVOKED_AT[] =
    "SELECT id FROM sessions WHERE user_id = ? AND revoked_at = ?";

int
store_session_end_one(struct db *db, const char *user_id,
    const char *session_id)
{
	return events_append(db, user_id, "session.revoked", "session",
	    session_id);
}

int
store_session_end_revoked_at(struct db *db, const char *user_id, int64_t at)
{
	struct arena	 a;
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	arena_init(&a);
	rc = db_query(db, &a, SQL_REVOKED_AT, DB_ARGS(DB_TEXT(user_id),
	    DB_TIME(at)), &res);
	for (i = 0; rc == DB_OK && i < res.nrows; i++)
		rc = store_session_end_one(db, user_id, res.rows[i].v[0]);
	arena_release(&a);
	return rc;
}
