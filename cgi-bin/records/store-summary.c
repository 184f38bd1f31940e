/* SQL of the dashboard's visits and unread messages. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/time.h"
#include "cgi-bin/records/store-summary.h"

/*
 * No visit is longer than this (APPT_DUR_MAX of the appointments
 * worker): a visit still running started at most this long ago, which
 * keeps the range on appointments_patient_start short.
 */
#define VISIT_MAX_MINUTES	240

static const char SQL_VISITS[] =
    "SELECT a.id, a.provider_id, u.full_name, a.start_at, a.end_at, a.status,"
    " a.visit_type, a.location FROM appointments a"
    " JOIN users u ON u.id = a.provider_id"
    " WHERE a.patient_id = ? AND a.start_at > ? AND a.end_at > ?"
    " AND a.status IN ('scheduled', 'checked_in', 'in_session')"
    " ORDER BY a.start_at, a.id LIMIT ?";

int
store_summary_visits(struct db *db, struct arena *a, const char *patient_id,
    int64_t now, long limit, struct visit_rec **out, size_t *n)
{
	struct db_res	 res;
	struct db_row	*r;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_VISITS, DB_ARGS(DB_TEXT(patient_id),
	    DB_TIME(now - VISIT_MAX_MINUTES * UTC_MIN), DB_TIME(now),
	    DB_INT(limit)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		r = &res.rows[i];
		if (r->ncols < 8 || r->v[0] == NULL ||
		    db_cell_time(r->v[3], &(*out)[i].start_at) == -1 ||
		    db_cell_time(r->v[4], &(*out)[i].end_at) == -1)
			return DB_ERROR;
		snprintf((*out)[i].id, sizeof((*out)[i].id), "%s", r->v[0]);
		(*out)[i].provider_id = r->v[1];
		(*out)[i].provider_name = r->v[2];
		(*out)[i].status = r->v[5];
		(*out)[i].visit_type = r->v[6];
		(*out)[i].location = r->v[7];
	}
	*n = res.nrows;
	return DB_OK;
}

/* From the patient's threads (a few) to the reader's row in each. */
static const char SQL_UNREAD[] =
    "SELECT STRAIGHT_JOIN IFNULL(SUM(p.unread_count), 0) FROM threads t"
    " JOIN thread_participants p ON p.thread_id = t.id AND p.user_id = ?"
    " WHERE t.patient_id = ? AND p.left_at IS NULL";

int
store_summary_unread(struct db *db, struct arena *a, const char *user_id,
    const char *patient_id, long long *n)
{
	struct db_res	 res;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_UNREAD, DB_ARGS(DB_TEXT(user_id),
	    DB_TEXT(patient_id)), &res)) != DB_OK)
		return rc;
	if (res.nrows != 1 || res.rows[0].ncols < 1 || res.rows[0].v[0] == NULL ||
	    db_cell_int(res.rows[0].v[0], n) == -1)
		return DB_ERROR;
	return DB_OK;
}
