/* SQL of realtime delivery: events rows, lock probes, the relay's row. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/store-events.h"

#define EVENT_COLS	"id, recipient_user_id, type, entity_type, entity_id, at"

static const char SQL_STATE[] =
    "SELECT started_through, published_through, scan_through, scan_at,"
    " owner, lease_until FROM events_relay WHERE id = 1";

static const char SQL_AFTER[] =
    "SELECT " EVENT_COLS " FROM events WHERE id > ? ORDER BY id LIMIT ?";

static const char SQL_OF_USER[] =
    "SELECT " EVENT_COLS " FROM events"
    " WHERE recipient_user_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?";

/*
 * A locking read waits for the row lock an uncommitted insert holds;
 * NOWAIT turns that wait into an immediate lock error. The result goes
 * INTO a variable, so the statement sends no rows and the error comes
 * with its execution (a result set would carry it to a later fetch).
 * COUNT(*) makes it read every row of the range (MAX alone reads one).
 */
static const char SQL_BUSY[] =
    "SELECT COUNT(*) INTO @concierge_busy FROM events"
    " WHERE id BETWEEN ? AND ? LOCK IN SHARE MODE NOWAIT";

static const char SQL_USER_BUSY[] =
    "SELECT COUNT(*), COALESCE(MAX(id), 0) INTO @concierge_busy,"
    " @concierge_through FROM events WHERE recipient_user_id = ? AND id > ?"
    " LOCK IN SHARE MODE NOWAIT";

static const char SQL_USER_THROUGH[] = "SELECT @concierge_through";
static const char SQL_BUSY_ROWS[] = "SELECT @concierge_busy";

static const char SQL_MAX_ID[] =
    "SELECT COALESCE(MAX(id), 0) FROM events";

static const char SQL_LEASE[] =
    "UPDATE events_relay SET owner = ?, lease_until = ?, updated_at = ?"
    " WHERE id = 1 AND (owner IS NULL OR owner = ? OR lease_until IS NULL"
    " OR lease_until < ?)";

static const char SQL_LEASE_DROP[] =
    "UPDATE events_relay SET owner = NULL, lease_until = NULL,"
    " updated_at = UTC_TIMESTAMP(6) WHERE id = 1 AND owner = ?";

static const char SQL_MARK_STARTED[] =
    "UPDATE events_relay SET started_through = ?, lease_until = ?,"
    " updated_at = UTC_TIMESTAMP(6)"
    " WHERE id = 1 AND owner = ? AND published_through = ?"
    " AND started_through = ?";

static const char SQL_MARK_PUBLISHED[] =
    "UPDATE events_relay SET published_through = ?,"
    " started_through = GREATEST(started_through, ?), scan_through = ?,"
    " scan_at = ?, lease_until = ?, updated_at = UTC_TIMESTAMP(6)"
    " WHERE id = 1 AND owner = ? AND started_through = ?";

static int
cell_ull(const char *s, unsigned long long *out)
{
	long long	 v;

	if (s == NULL || db_cell_int(s, &v) == -1 || v < 0)
		return -1;
	*out = (unsigned long long)v;
	return 0;
}

/* NULL cells give 0. */
static int
cell_time_or_zero(const char *s, int64_t *out)
{
	*out = 0;
	return s == NULL ? 0 : db_cell_time(s, out);
}

int
store_events_state(struct db *db, struct arena *a, struct relay_state *st)
{
	struct db_res	 res;
	struct db_row	*r;
	int		 rc;

	memset(st, 0, sizeof(*st));
	if ((rc = db_query(db, a, SQL_STATE, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows != 1) {
		log_errx("events: the events_relay row is missing (migration 0012)");
		return DB_ERROR;
	}
	r = &res.rows[0];
	if (cell_ull(r->v[0], &st->started) == -1 ||
	    cell_ull(r->v[1], &st->published) == -1 ||
	    cell_ull(r->v[2], &st->scan_through) == -1 ||
	    cell_time_or_zero(r->v[3], &st->scan_at) == -1 ||
	    cell_time_or_zero(r->v[5], &st->lease_until) == -1) {
		log_errx("events: the events_relay row is malformed");
		return DB_ERROR;
	}
	if (r->v[4] != NULL)
		snprintf(st->owner, sizeof(st->owner), "%s", r->v[4]);
	return DB_OK;
}

/* Copy the rows of res (EVENT_COLS) into an arena array. */
static int
rows_of(struct arena *a, const struct db_res *res, struct event_row **rows,
    size_t *n)
{
	struct event_row	*e;
	size_t			 i;

	*rows = e = arena_alloc(a, (res->nrows ? res->nrows : 1) * sizeof(*e));
	*n = 0;
	for (i = 0; i < res->nrows; i++) {
		char **v = res->rows[i].v;

		if (cell_ull(v[0], &e[i].id) == -1 || v[1] == NULL ||
		    v[2] == NULL || v[3] == NULL || v[4] == NULL ||
		    v[5] == NULL || db_cell_time(v[5], &e[i].at) == -1) {
			log_errx("events: row %s is malformed", v[0] ? v[0] : "?");
			return DB_ERROR;
		}
		e[i].recipient = v[1];
		e[i].type = v[2];
		e[i].entity_type = v[3];
		e[i].entity_id = v[4];
	}
	*n = res->nrows;
	return DB_OK;
}

int
store_events_after(struct db *db, struct arena *a, unsigned long long after,
    long limit, struct event_row **rows, size_t *n)
{
	struct db_res	 res;
	int		 rc;

	*rows = NULL;
	*n = 0;
	if ((rc = db_query(db, a, SQL_AFTER, DB_ARGS(DB_INT(after),
	    DB_INT(limit)), &res)) != DB_OK)
		return rc;
	return rows_of(a, &res, rows, n);
}

int
store_events_of_user(struct db *db, struct arena *a, const char *user_id,
    unsigned long long after, unsigned long long through, long limit,
    struct event_row **rows, size_t *n)
{
	struct db_res	 res;
	int		 rc;

	*rows = NULL;
	*n = 0;
	if (through <= after)
		return DB_OK;
	if ((rc = db_query(db, a, SQL_OF_USER, DB_ARGS(DB_TEXT(user_id),
	    DB_INT(after), DB_INT(through), DB_INT(limit)), &res)) != DB_OK)
		return rc;
	return rows_of(a, &res, rows, n);
}

int
store_events_busy(struct db *db, struct arena *a, unsigned long long lo,
    unsigned long long hi, int *is_busy, int *has_rows)
{
	struct db_res		 res;
	unsigned long long	 n;
	int			 rc;

	*is_busy = *has_rows = 0;
	db_expect_lock_conflict(db);
	rc = db_exec(db, SQL_BUSY, DB_ARGS(DB_INT(lo), DB_INT(hi)), NULL);
	if (rc == DB_DEADLOCK) {
		*is_busy = 1;
		return DB_OK;
	}
	/*
	 * Rows there now committed after the caller read the range: not a
	 * gap to skip (the next read has them). Seen on a cluster, where the
	 * nodes are asked one after another and a commit falls in between;
	 * on one server a commit between the read and the probe does it.
	 */
	if (rc != DB_OK || (rc = db_query(db, a, SQL_BUSY_ROWS, DB_NOARGS,
	    &res)) != DB_OK)
		return rc;
	if (res.nrows != 1 || cell_ull(res.rows[0].v[0], &n) == -1)
		return DB_ERROR;
	*has_rows = n > 0;
	return DB_OK;
}

int
store_events_user_busy(struct db *db, struct arena *a, const char *user_id,
    unsigned long long after, int *is_busy, unsigned long long *through)
{
	struct db_res	 res;
	int		 rc;

	*is_busy = 0;
	*through = after;
	db_expect_lock_conflict(db);
	rc = db_exec(db, SQL_USER_BUSY, DB_ARGS(DB_TEXT(user_id), DB_INT(after)),
	    NULL);
	if (rc == DB_DEADLOCK) {
		*is_busy = 1;
		return DB_OK;
	}
	if (rc != DB_OK || (rc = db_query(db, a, SQL_USER_THROUGH, DB_NOARGS,
	    &res)) != DB_OK)
		return rc;
	if (res.nrows != 1 || cell_ull(res.rows[0].v[0], through) == -1)
		return DB_ERROR;
	if (*through < after)
		*through = after;
	return DB_OK;
}

int
store_events_max_id(struct db *db, struct arena *a, unsigned long long *max)
{
	struct db_res	 res;
	int		 rc;

	*max = 0;
	if ((rc = db_query(db, a, SQL_MAX_ID, DB_NOARGS, &res)) != DB_OK)
		return rc;
	return res.nrows == 1 && cell_ull(res.rows[0].v[0], max) == 0 ?
	    DB_OK : DB_ERROR;
}

int
store_events_lease(struct db *db, const char *owner, int64_t now,
    int64_t lease_until, int *got)
{
	unsigned long long	 n = 0;
	int			 rc;

	*got = 0;
	rc = db_exec(db, SQL_LEASE, DB_ARGS(DB_TEXT(owner), DB_TIME(lease_until),
	    DB_TIME(now), DB_TEXT(owner), DB_TIME(now)), &n);
	*got = rc == DB_OK && n == 1;
	return rc;
}

int
store_events_lease_drop(struct db *db, const char *owner)
{
	return db_exec(db, SQL_LEASE_DROP, DB_ARGS(DB_TEXT(owner)), NULL);
}

int
store_events_mark_started(struct db *db, const char *owner,
    unsigned long long published, unsigned long long was,
    unsigned long long to, int64_t lease_until, int *ok)
{
	unsigned long long	 n = 0;
	int			 rc;

	rc = db_exec(db, SQL_MARK_STARTED, DB_ARGS(DB_INT(to),
	    DB_TIME(lease_until), DB_TEXT(owner), DB_INT(published),
	    DB_INT(was)), &n);
	*ok = rc == DB_OK && n == 1;
	return rc;
}

int
store_events_mark_published(struct db *db, const char *owner,
    unsigned long long started, unsigned long long to,
    unsigned long long scan_through, int64_t scan_at, int64_t lease_until,
    int *ok)
{
	unsigned long long	 n = 0;
	int			 rc;

	rc = db_exec(db, SQL_MARK_PUBLISHED, DB_ARGS(DB_INT(to), DB_INT(to),
	    DB_INT(scan_through), scan_at ? DB_TIME(scan_at) : DB_NULL,
	    DB_TIME(lease_until), DB_TEXT(owner), DB_INT(started)), &n);
	*ok = rc == DB_OK && n == 1;
	return rc;
}
