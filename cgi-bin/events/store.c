/* SQL of the events worker's own: is the caller's session still live? */
#include "config.h"

#include "lib/time.h"
#include "cgi-bin/events/events.h"

/* The same conditions as session_require, for a request being held. */
static const char SQL_SESSION_LIVE[] =
    "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
    " AND s.last_seen_at > ? AND u.is_disabled = 0";

int
events_store_session_live(struct ctx *c, int *is_live)
{
	struct db_res	 res;
	int64_t		 now = utc_now();
	long long	 n;
	int		 rc;

	*is_live = 0;
	if ((rc = db_query(c->db, c->arena, SQL_SESSION_LIVE,
	    DB_ARGS(DB_TEXT(c->actor.session_id), DB_TIME(now),
	    DB_TIME(now - c->cfg->session_idle_minutes * UTC_MIN)), &res)) != DB_OK)
		return rc;
	if (res.nrows != 1 || db_cell_int(res.rows[0].v[0], &n) == -1)
		return DB_ERROR;
	*is_live = n == 1;
	return DB_OK;
}
