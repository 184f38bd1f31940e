/*
 * Demo waiting-room data: a 30-minute video visit of patient1 with
 * provider1 that starts DEMO_LEAD_MINUTES after the seed runs, so that
 * check-in is open right after `scripts/dev up` (it opens
 * waitingroom.checkin_before_minutes before the start). A fixed id makes
 * it idempotent: a re-seed leaves a visit in use (checked in, in
 * session, seen, cancelled...) alone, and moves an unused one (still
 * scheduled; its waiting-room entry, if any, left or removed) forward
 * again when its check-in is not open, the entry's copy of the start
 * with it, so the demo can be tried again after leaving the room.
 * Written in SQL like the other demo data: no availability rule applies
 * and no reminder is queued.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/store-user.h"
#include "lib/time.h"
#include "tools/seed.h"

#define APPT_ID			"demoappointmentvideovisita"
#define DEMO_LEAD_MINUTES	5
#define DEMO_MINUTES		30

static const char SQL_APPT[] =
    "SELECT a.status, a.start_at, a.end_at, e.status FROM appointments a"
    " LEFT JOIN waiting_room_entries e ON e.appointment_id = a.id"
    " WHERE a.id = ?";
static const char SQL_INSERT[] =
    "INSERT INTO appointments (id, provider_id, patient_id, start_at, end_at,"
    " status, visit_type, reason, booked_by, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, 'scheduled', 'video', ?, ?, ?, ?)";
/* Only an unused visit moves (the conditions of the read again, against a race). */
static const char SQL_MOVE[] =
    "UPDATE appointments a SET a.start_at = ?, a.end_at = ?, a.updated_at = ?"
    " WHERE a.id = ? AND a.status = 'scheduled' AND NOT EXISTS"
    " (SELECT 1 FROM waiting_room_entries e WHERE e.appointment_id = a.id"
    " AND e.status NOT IN ('left', 'removed'))";
static const char SQL_MOVE_ENTRY[] =
    "UPDATE waiting_room_entries SET appt_start_at = ?, booked_minutes = ?"
    " WHERE appointment_id = ? AND status IN ('left', 'removed')";

/* 1 if check-in to a visit from start to end is open at now. */
static int
check_in_open(const struct cfg *cfg, int64_t start, int64_t end, int64_t now)
{
	return now >= start - cfg->wr_checkin_before_minutes * UTC_MIN &&
	    now <= end + cfg->wr_checkin_after_end_minutes * UTC_MIN;
}

int
seed_waitingroom(struct db *db, struct arena *ar, const struct cfg *cfg)
{
	struct user_row		 pat, prov;
	struct db_res		 res;
	const struct db_row	*r;
	unsigned long long	 n = 0;
	int64_t			 now = utc_now(), start, end, s0, e0;
	int			 f1, f2;

	start = now + DEMO_LEAD_MINUTES * UTC_MIN;
	end = start + DEMO_MINUTES * UTC_MIN;
	if (store_user_by_email(db, ar, "patient1@demo.test", &pat, &f1) != DB_OK ||
	    store_user_by_email(db, ar, "provider1@demo.test", &prov, &f2) != DB_OK ||
	    !f1 || !f2 ||
	    db_query(db, ar, SQL_APPT, DB_ARGS(DB_TEXT(APPT_ID)), &res) != DB_OK)
		return -1;
	if (res.nrows == 0)
		return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(APPT_ID),
		    DB_TEXT(prov.id), DB_TEXT(pat.id), DB_TIME(start), DB_TIME(end),
		    DB_TEXT("Demo video visit: check in to the waiting room"),
		    DB_TEXT(pat.id), DB_TIME(now), DB_TIME(now)), NULL) == DB_OK ?
		    0 : -1;
	r = &res.rows[0];
	if (strcmp(r->v[0], "scheduled") != 0 || (r->v[3] != NULL &&
	    strcmp(r->v[3], "left") != 0 && strcmp(r->v[3], "removed") != 0) ||
	    db_cell_time(r->v[1], &s0) == -1 || db_cell_time(r->v[2], &e0) == -1 ||
	    check_in_open(cfg, s0, e0, now))
		return 1;
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, SQL_MOVE, DB_ARGS(DB_TIME(start), DB_TIME(end),
	    DB_TIME(now), DB_TEXT(APPT_ID)), &n) != DB_OK || (n == 1 &&
	    db_exec(db, SQL_MOVE_ENTRY, DB_ARGS(DB_TIME(start),
	    DB_INT(DEMO_MINUTES), DB_TEXT(APPT_ID)), NULL) != DB_OK) ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return n == 1 ? 2 : 1;
}
