/* Shared SQL of the appointments table (lib/store-appointment.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/store-appointment.h"

int
store_appt_row(const struct db_row *r, struct appt_row *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", r->v[0]);
	out->provider_id = r->v[1];
	out->patient_id = r->v[2];
	out->status = r->v[5];
	out->visit_type = r->v[6];
	out->location = r->v[7];
	out->reason = r->v[8];
	out->booked_by = r->v[9];
	out->override_reason = r->v[10];
	out->cancel_reason = r->v[11];
	out->cancelled_by = r->v[12];
	out->cancelled_at = INT64_MIN;
	if (r->v[13] != NULL && db_cell_time(r->v[13], &out->cancelled_at) == -1)
		return -1;
	if (db_cell_time(r->v[3], &out->start_at) == -1 ||
	    db_cell_time(r->v[4], &out->end_at) == -1 ||
	    db_cell_time(r->v[14], &out->created_at) == -1 ||
	    db_cell_time(r->v[15], &out->updated_at) == -1)
		return -1;
	return 0;
}

static const char SQL_GET[] = STORE_APPT_COLS " WHERE id = ?";

int
store_appt_get(struct db *db, struct arena *a, const char *id,
    struct appt_row *out, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_GET, DB_ARGS(DB_TEXT(id)), &res)) != DB_OK ||
	    res.nrows == 0)
		return rc;
	if (store_appt_row(&res.rows[0], out) == -1)
		return DB_ERROR;
	*found = 1;
	return DB_OK;
}

static const char SQL_SET_STATUS[] =
    "UPDATE appointments SET status = ?, updated_at = ?"
    " WHERE id = ? AND status = ?";

int
store_appt_set_status(struct db *db, const char *id, const char *from,
    const char *to, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_SET_STATUS, DB_ARGS(DB_TEXT(to), DB_TIME(now),
	    DB_TEXT(id), DB_TEXT(from)), n);
}
