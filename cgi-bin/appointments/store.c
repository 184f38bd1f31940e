/* SQL of the appointments worker. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/store-user.h"
#include "lib/time.h"
#include "cgi-bin/appointments/store.h"

/* ---- availability ---- */

static const char SQL_AVAIL_ZONE[] =
    "SELECT timezone FROM provider_availability WHERE provider_id = ?";
static const char SQL_AVAIL_WEEKLY[] =
    "SELECT weekday, start_min, end_min FROM availability_weekly"
    " WHERE provider_id = ? ORDER BY weekday, start_min";
static const char SQL_AVAIL_EXC[] =
    "SELECT DATE_FORMAT(day, '%Y-%m-%d'), is_available, start_min, end_min"
    " FROM availability_exceptions WHERE provider_id = ?"
    " ORDER BY day, start_min";

static int
cell_int(const char *s, int dflt)
{
	long long	 v;

	return s != NULL && db_cell_int(s, &v) == 0 ? (int)v : dflt;
}

int
store_avail_get(struct db *db, struct arena *a, const char *pid,
    struct avail *av, int *found)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	memset(av, 0, sizeof(*av));
	*found = 0;
	if ((rc = db_query(db, a, SQL_AVAIL_ZONE, DB_ARGS(DB_TEXT(pid)), &res)) !=
	    DB_OK || res.nrows == 0)
		return rc;
	*found = 1;
	av->timezone = res.rows[0].v[0];
	if ((rc = db_query(db, a, SQL_AVAIL_WEEKLY, DB_ARGS(DB_TEXT(pid)),
	    &res)) != DB_OK)
		return rc;
	av->weekly = arena_alloc(a, (res.nrows + 1) * sizeof(*av->weekly));
	for (i = 0; i < res.nrows; i++) {
		av->weekly[i].weekday = cell_int(res.rows[i].v[0], 0);
		av->weekly[i].start_min = cell_int(res.rows[i].v[1], 0);
		av->weekly[i].end_min = cell_int(res.rows[i].v[2], 0);
	}
	av->nweekly = res.nrows;
	if ((rc = db_query(db, a, SQL_AVAIL_EXC, DB_ARGS(DB_TEXT(pid)), &res)) !=
	    DB_OK)
		return rc;
	av->exc = arena_alloc(a, (res.nrows + 1) * sizeof(*av->exc));
	for (i = 0; i < res.nrows; i++) {
		if (utc_parse_date(res.rows[i].v[0], &av->exc[i].year,
		    &av->exc[i].month, &av->exc[i].day) == -1)
			return DB_ERROR;
		av->exc[i].is_available = cell_int(res.rows[i].v[1], 0);
		av->exc[i].start_min = cell_int(res.rows[i].v[2], -1);
		av->exc[i].end_min = cell_int(res.rows[i].v[3], -1);
	}
	av->nexc = res.nrows;
	return DB_OK;
}

static const char SQL_AVAIL_UPSERT[] =
    "INSERT INTO provider_availability (provider_id, timezone, updated_by,"
    " updated_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
    " timezone = VALUES(timezone), updated_by = VALUES(updated_by),"
    " updated_at = VALUES(updated_at)";
static const char SQL_WEEKLY_CLEAR[] =
    "DELETE FROM availability_weekly WHERE provider_id = ?";
static const char SQL_EXC_CLEAR[] =
    "DELETE FROM availability_exceptions WHERE provider_id = ?";
static const char SQL_WEEKLY_ADD[] =
    "INSERT INTO availability_weekly (provider_id, weekday, start_min, end_min)"
    " VALUES (?, ?, ?, ?)";
static const char SQL_EXC_ADD[] =
    "INSERT INTO availability_exceptions (provider_id, day, is_available,"
    " start_min, end_min) VALUES (?, ?, ?, ?, ?)";

int
store_avail_put(struct db *db, const char *pid, const struct avail *av,
    const char *actor, int64_t now)
{
	const struct avail_exception *e;
	char		 day[16];
	size_t		 i;
	int		 rc;

	if ((rc = db_exec(db, SQL_AVAIL_UPSERT, DB_ARGS(DB_TEXT(pid),
	    DB_TEXT(av->timezone), DB_TEXT(actor), DB_TIME(now)), NULL)) != DB_OK ||
	    (rc = db_exec(db, SQL_WEEKLY_CLEAR, DB_ARGS(DB_TEXT(pid)), NULL)) != DB_OK ||
	    (rc = db_exec(db, SQL_EXC_CLEAR, DB_ARGS(DB_TEXT(pid)), NULL)) != DB_OK)
		return rc;
	for (i = 0; i < av->nweekly; i++)
		if ((rc = db_exec(db, SQL_WEEKLY_ADD, DB_ARGS(DB_TEXT(pid),
		    DB_INT(av->weekly[i].weekday), DB_INT(av->weekly[i].start_min),
		    DB_INT(av->weekly[i].end_min)), NULL)) != DB_OK)
			return rc;
	for (i = 0; i < av->nexc; i++) {
		e = &av->exc[i];
		snprintf(day, sizeof(day), "%04d-%02d-%02d", e->year, e->month,
		    e->day);
		if ((rc = db_exec(db, SQL_EXC_ADD, DB_ARGS(DB_TEXT(pid),
		    DB_TEXT(day), DB_INT(e->is_available),
		    e->start_min < 0 ? DB_NULL : DB_INT(e->start_min),
		    e->start_min < 0 ? DB_NULL : DB_INT(e->end_min)), NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* ---- locks and overlap ---- */

/* Active: the rule of lib/store-user.h. The lock holds both rows. */
#define PROVIDER_STATE \
    "SELECT " STORE_PROVIDER_ACTIVE ", p.telehealth_enabled" \
    " FROM provider_profiles p JOIN users u ON u.id = p.user_id" \
    " WHERE p.user_id = ?"
static const char SQL_PROVIDER[] = PROVIDER_STATE;
static const char SQL_PROVIDER_LOCK[] = PROVIDER_STATE " FOR UPDATE";
static const char SQL_PATIENT_LOCK[] =
    "SELECT user_id FROM patient_profiles WHERE user_id = ? FOR UPDATE";

int
store_provider_state(struct db *db, struct arena *a, const char *id, int lock,
    int *found, int *is_active, int *telehealth)
{
	struct db_res	 res;
	int		 rc;

	*found = *is_active = *telehealth = 0;
	if ((rc = db_query(db, a, lock ? SQL_PROVIDER_LOCK : SQL_PROVIDER,
	    DB_ARGS(DB_TEXT(id)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	*found = 1;
	*is_active = cell_int(res.rows[0].v[0], 0);
	*telehealth = cell_int(res.rows[0].v[1], 0);
	return DB_OK;
}

int
store_patient_lock(struct db *db, struct arena *a, const char *id, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_PATIENT_LOCK, DB_ARGS(DB_TEXT(id)), &res)) ==
	    DB_OK)
		*found = res.nrows > 0;
	return rc;
}

static const char SQL_FENCE_PROVIDER[] =
    "UPDATE provider_profiles SET booking_version = booking_version + 1"
    " WHERE user_id = ?";
static const char SQL_FENCE_PATIENT[] =
    "UPDATE patient_profiles SET booking_version = booking_version + 1"
    " WHERE user_id = ?";

int
store_booking_fence(struct db *db, int is_patient, const char *user_id)
{
	return db_exec(db, is_patient ? SQL_FENCE_PATIENT : SQL_FENCE_PROVIDER,
	    DB_ARGS(DB_TEXT(user_id)), NULL);
}

/*
 * Overlap: start_at < end AND end_at > start. The lower bound on
 * start_at (no visit is longer than APPT_DUR_MAX) keeps the index range
 * on (provider_id, start_at) or (patient_id, start_at) short.
 */
static const char SQL_BUSY_PROVIDER[] =
    "SELECT id FROM appointments WHERE provider_id = ?"
    " AND start_at > ? AND start_at < ? AND end_at > ?"
    " AND status <> 'cancelled' AND id <> ? LIMIT 1";
static const char SQL_BUSY_PATIENT[] =
    "SELECT id FROM appointments WHERE patient_id = ?"
    " AND start_at > ? AND start_at < ? AND end_at > ?"
    " AND status <> 'cancelled' AND id <> ? LIMIT 1";

int
store_busy(struct db *db, struct arena *a, int is_patient, const char *who,
    int64_t start, int64_t end, const char *exclude_id, int *busy)
{
	struct db_res	 res;
	int		 rc;

	*busy = 0;
	rc = db_query(db, a, is_patient ? SQL_BUSY_PATIENT : SQL_BUSY_PROVIDER,
	    DB_ARGS(DB_TEXT(who), DB_TIME(start - APPT_DUR_MAX * UTC_MIN - 1),
	    DB_TIME(end), DB_TIME(start), DB_TEXT(exclude_id ? exclude_id : "")),
	    &res);
	if (rc == DB_OK)
		*busy = res.nrows > 0;
	return rc;
}

/* ---- appointments ---- */

static const char SQL_INSERT[] =
    "INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at,"
    " status, visit_type, location, reason, booked_by, override_reason,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?,"
    " ?, ?, ?)";

int
store_appt_insert(struct db *db, const struct appt_row *r)
{
	return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(r->id),
	    DB_TEXT(r->provider_id), DB_TEXT(r->patient_id), DB_TIME(r->start_at),
	    DB_TIME(r->end_at), DB_TEXT(r->visit_type), DB_TEXT(r->location),
	    DB_TEXT(r->reason), DB_TEXT(r->booked_by), DB_TEXT(r->override_reason),
	    DB_TIME(r->created_at), DB_TIME(r->updated_at)), NULL);
}

static const char SQL_RESCHEDULE[] =
    "UPDATE appointments SET start_at = ?, end_at = ?, updated_at = ?"
    " WHERE id = ? AND status = 'scheduled' AND start_at = ?";
static const char SQL_CANCEL[] =
    "UPDATE appointments SET status = 'cancelled', cancel_reason = ?,"
    " cancelled_by = ?, cancelled_at = ?, updated_at = ?"
    " WHERE id = ? AND status = ?";

int
store_appt_reschedule(struct db *db, const char *id, int64_t old_start,
    int64_t start, int64_t end, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_RESCHEDULE, DB_ARGS(DB_TIME(start), DB_TIME(end),
	    DB_TIME(now), DB_TEXT(id), DB_TIME(old_start)), n);
}

int
store_appt_cancel(struct db *db, const char *id, const char *from,
    const char *reason, const char *by, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_CANCEL, DB_ARGS(DB_TEXT(reason), DB_TEXT(by),
	    DB_TIME(now), DB_TIME(now), DB_TEXT(id), DB_TEXT(from)), n);
}

/*
 * A reminder is due exactly 24 h before the start it was made for, so
 * outbox_due (status, due_at) finds it by equality; the rest only
 * filters those few rows (email and SMS alike). A reminder this misses
 * (claimed by concierge-notify just now, or held back by quiet hours
 * and so due later) is cancelled by the sender, which checks the visit
 * before it sends a reminder.
 */
static const char SQL_REMINDERS_DROP[] =
    "UPDATE outbox SET status = 'cancelled', last_error = 'superseded'"
    " WHERE status = 'pending' AND due_at = ?"
    " AND recipient_user_id IN (?, ?) AND template = 'appointment_reminder'"
    " AND JSON_VALUE(payload, '$.appointment_id') = ?";

int
store_reminders_drop(struct db *db, const struct appt_row *r)
{
	int64_t	 start = r->prev_start_at != 0 ? r->prev_start_at : r->start_at;

	return db_exec(db, SQL_REMINDERS_DROP, DB_ARGS(DB_TIME(start - UTC_DAY),
	    DB_TEXT(r->patient_id), DB_TEXT(r->provider_id), DB_TEXT(r->id)), NULL);
}

static const char SQL_BOOKED[] =
    "SELECT start_at, end_at FROM appointments WHERE provider_id = ?"
    " AND start_at > ? AND start_at < ? AND end_at > ?"
    " AND status <> 'cancelled' ORDER BY start_at";

int
store_booked(struct db *db, struct arena *a, const char *pid, int64_t from,
    int64_t to, struct interval **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_BOOKED, DB_ARGS(DB_TEXT(pid),
	    DB_TIME(from - APPT_DUR_MAX * UTC_MIN - 1), DB_TIME(to),
	    DB_TIME(from)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (db_cell_time(res.rows[i].v[0], &(*out)[i].start) == -1 ||
		    db_cell_time(res.rows[i].v[1], &(*out)[i].end) == -1)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}

/* ---- lists: keyset pagination on (start_at, id) ---- */

#define LIST_FILTERS \
    " AND (? IS NULL OR status = ?) AND start_at >= ? AND start_at <= ?"
#define LIST_ASC \
    " AND (start_at > ? OR id > ?) ORDER BY start_at, id LIMIT ?"
#define LIST_DESC \
    " AND (start_at < ? OR id < ?) ORDER BY start_at DESC, id DESC LIMIT ?"

static const char SQL_LIST_PATIENT_ASC[] = STORE_APPT_COLS
    " WHERE patient_id = ? AND (? IS NULL OR provider_id = ?)"
    LIST_FILTERS LIST_ASC;
static const char SQL_LIST_PATIENT_DESC[] = STORE_APPT_COLS
    " WHERE patient_id = ? AND (? IS NULL OR provider_id = ?)"
    LIST_FILTERS LIST_DESC;
static const char SQL_LIST_PROVIDER_ASC[] = STORE_APPT_COLS
    " WHERE provider_id = ? AND (? IS NULL OR patient_id = ?)"
    LIST_FILTERS LIST_ASC;
static const char SQL_LIST_PROVIDER_DESC[] = STORE_APPT_COLS
    " WHERE provider_id = ? AND (? IS NULL OR patient_id = ?)"
    LIST_FILTERS LIST_DESC;
static const char SQL_LIST_ALL_ASC[] = STORE_APPT_COLS
    " WHERE ? IS NULL AND (? IS NULL OR patient_id = ?)"
    LIST_FILTERS LIST_ASC;
static const char SQL_LIST_ALL_DESC[] = STORE_APPT_COLS
    " WHERE ? IS NULL AND (? IS NULL OR patient_id = ?)"
    LIST_FILTERS LIST_DESC;

static const char *const list_sql[3][2] = {
	{ SQL_LIST_PATIENT_DESC, SQL_LIST_PATIENT_ASC },
	{ SQL_LIST_PROVIDER_DESC, SQL_LIST_PROVIDER_ASC },
	{ SQL_LIST_ALL_DESC, SQL_LIST_ALL_ASC },
};

int
store_appt_list(struct db *db, struct arena *a, const struct appt_query *q,
    struct appt_row **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	rc = db_query(db, a, list_sql[q->scope][q->is_ascending != 0],
	    DB_ARGS(DB_TEXT(q->scope == APPT_SCOPE_ALL ? NULL : q->scope_id),
	    DB_TEXT(q->other_id), DB_TEXT(q->other_id), DB_TEXT(q->status),
	    DB_TEXT(q->status), DB_TIME(q->lo), DB_TIME(q->hi),
	    DB_TIME(q->cur_start), DB_TEXT(q->cur_id), DB_INT(q->limit + 1)),
	    &res);
	if (rc != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (store_appt_row(&res.rows[i], &(*out)[i]) == -1)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}
