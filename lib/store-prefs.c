/* SQL for notification preferences. */
#include "config.h"

#include <string.h>

#include "lib/store-prefs.h"

#define PREFS_COLS \
    "email_enabled, sms_enabled, quiet_start_min, quiet_end_min, timezone"

static const char SQL_PREFS_GET[] =
    "SELECT " PREFS_COLS " FROM notification_preferences WHERE user_id = ?";

static const char SQL_PREFS_ENSURE[] =
    "INSERT INTO notification_preferences (user_id, updated_at) VALUES (?, ?)"
    " ON DUPLICATE KEY UPDATE user_id = user_id";

static const char SQL_PREFS_LOCK[] =
    "SELECT " PREFS_COLS " FROM notification_preferences WHERE user_id = ?"
    " FOR UPDATE";

static const char SQL_PREFS_UPDATE[] =
    "UPDATE notification_preferences SET email_enabled = ?, sms_enabled = ?,"
    " quiet_start_min = ?, quiet_end_min = ?, timezone = ?, updated_at = ?"
    " WHERE user_id = ?";

void
prefs_default(struct notify_prefs *p)
{
	memset(p, 0, sizeof(*p));
	p->email_enabled = 1;
	p->sms_enabled = 1;
}

static int
row_to_prefs(const struct db_row *r, struct notify_prefs *p)
{
	long long	 e, s, qs, qe;

	prefs_default(p);
	if (db_cell_int(r->v[0], &e) == -1 || db_cell_int(r->v[1], &s) == -1)
		return -1;
	p->email_enabled = e != 0;
	p->sms_enabled = s != 0;
	if (r->v[2] != NULL && r->v[3] != NULL) {
		if (db_cell_int(r->v[2], &qs) == -1 ||
		    db_cell_int(r->v[3], &qe) == -1 || qs < 0 || qs > 1439 ||
		    qe < 0 || qe > 1439)
			return -1;
		p->has_quiet = 1;
		p->quiet_start_min = (int)qs;
		p->quiet_end_min = (int)qe;
	}
	p->timezone = r->v[4];
	return 0;
}

static int
prefs_query(struct db *db, struct arena *a, const char *sql,
    const char *user_id, struct notify_prefs *p)
{
	struct db_res	 res;
	int		 rc;

	prefs_default(p);
	if ((rc = db_query(db, a, sql, DB_ARGS(DB_TEXT(user_id)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	return row_to_prefs(&res.rows[0], p) == 0 ? DB_OK : DB_ERROR;
}

int
store_prefs_get(struct db *db, struct arena *a, const char *user_id,
    struct notify_prefs *p)
{
	return prefs_query(db, a, SQL_PREFS_GET, user_id, p);
}

int
store_prefs_lock(struct db *db, struct arena *a, const char *user_id,
    int64_t now, struct notify_prefs *p)
{
	int	 rc;

	if ((rc = db_exec(db, SQL_PREFS_ENSURE, DB_ARGS(DB_TEXT(user_id),
	    DB_TIME(now)), NULL)) != DB_OK)
		return rc;
	return prefs_query(db, a, SQL_PREFS_LOCK, user_id, p);
}

int
store_prefs_update(struct db *db, const char *user_id,
    const struct notify_prefs *p, int64_t now)
{
	return db_exec(db, SQL_PREFS_UPDATE, DB_ARGS(DB_INT(p->email_enabled),
	    DB_INT(p->sms_enabled),
	    p->has_quiet ? DB_INT(p->quiet_start_min) : DB_NULL,
	    p->has_quiet ? DB_INT(p->quiet_end_min) : DB_NULL,
	    DB_TEXT(p->timezone), DB_TIME(now), DB_TEXT(user_id)), NULL);
}
