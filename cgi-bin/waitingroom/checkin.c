/*
 * POST /api/v1/waiting-room/check-in {appointment_id}: the patient (or
 * staff, admin) checks in to a video visit, from
 * waitingroom.checkin_before_minutes before its start until
 * waitingroom.checkin_after_end_minutes after its end. The appointment
 * moves scheduled -> checked_in by compare-and-swap and the entry is
 * created (or, after a leave or a removal, opened again) in the same
 * transaction. One entry per appointment: checking in again while the
 * entry is active answers 200 with the same entry, also when two
 * check-ins race (the loser's CAS fails, it reads the winner's entry).
 */
#include "config.h"

#include <string.h>

#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/store-appointment.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/fields.h"
#include "lib/tx.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

struct wr_check_in_req {
	struct jv	 appointment_id;
};

const struct json_field check_in_fields[] = {
	{ "appointment_id", JF_ID, JF_REQUIRED,
	  offsetof(struct wr_check_in_req, appointment_id), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

/* The time window and the visit type. 0, or -1 with the reply set. */
static int
window_ok(struct ctx *c, const struct appt_row *a, int64_t now)
{
	if (strcmp(a->visit_type, "video") != 0) {
		ctx_error(c, "appointment_id", "is not a video visit");
		problem(c, 422, "not_a_video_visit",
		    "only video visits have a waiting room");
		return -1;
	}
	if (now < a->start_at - c->cfg->wr_checkin_before_minutes * UTC_MIN) {
		wr_conflict(c, "check_in_too_early",
		    "check-in opens shortly before the visit starts");
		return -1;
	}
	if (now > a->end_at + c->cfg->wr_checkin_after_end_minutes * UTC_MIN) {
		wr_conflict(c, "check_in_closed", "this visit is over");
		return -1;
	}
	return 0;
}

struct check_in_args {
	const struct appt_row	*a;
	struct wr_entry		*e;	/* new, or the closed one to reopen */
	int			 reopen;
	int64_t			 now;
};

/*
 * tx_run's step: CAS the appointment, create or reopen the entry, audit,
 * events. Returns an enum db_rc, or 2 when the appointment or entry
 * moved meanwhile.
 */
static int
check_in_tx(struct ctx *c, void *arg)
{
	const struct check_in_args *t = arg;
	const struct appt_row	*a = t->a;
	struct wr_snapshot	 before;
	struct json_object	*meta;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = wr_snapshot_take(c, a->provider_id, t->now, &before)) != DB_OK ||
	    (rc = store_appt_set_status(c->db, a->id, "scheduled", "checked_in",
	    t->now, &n)) != DB_OK)
		return rc;
	if (n == 1 && t->reopen)
		rc = wr_store_entry_reopen(c->db, t->e->id, t->e->status,
		    c->actor.user_id, t->now, &n);
	else if (n == 1)
		rc = wr_store_entry_insert(c->db, t->e);
	if (rc == DB_DUPLICATE || (rc == DB_OK && n != 1))
		return 2;
	if (rc != DB_OK)
		return rc;
	meta = json_object_new_object();
	jset_str(meta, "appointment_id", a->id);
	jset_bool(meta, "by_patient", c->actor.role == ROLE_PATIENT);
	rc = wr_audit(c, "check_in", "waiting_room_entry", t->e->id,
	    a->patient_id, "patient checked in", meta);
	json_object_put(meta);
	if (rc != DB_OK || (rc = wr_audit(c, "check_in", "appointment", a->id,
	    a->patient_id, "appointment checked in", NULL)) != DB_OK)
		return rc;
	return wr_notify_queue(c, a->provider_id, &before, t->now, NULL);
}

/* e as the reopening wrote it (the reply's fallback if it cannot be read). */
static void
reopened(struct ctx *c, struct wr_entry *e, int64_t now)
{
	e->status = "waiting";
	e->checked_in_at = e->last_heartbeat_at = e->updated_at = now;
	e->checked_in_by = c->actor.user_id;
	e->away_since = e->ended_at = JTIME_NULL;
}

/* A fresh entry for appointment a at now. 0 or -1. */
static int
new_entry(struct ctx *c, const struct appt_row *a, int64_t now,
    struct wr_entry *e)
{
	memset(e, 0, sizeof(*e));
	if (id_new(e->id) == -1)
		return -1;
	e->appointment_id = a->id;
	e->provider_id = a->provider_id;
	e->patient_id = a->patient_id;
	e->status = "waiting";
	e->appt_start_at = a->start_at;
	e->booked_minutes = (long)((a->end_at - a->start_at) / UTC_MIN);
	e->checked_in_at = e->last_heartbeat_at = e->updated_at = now;
	e->checked_in_by = c->actor.user_id;
	e->away_since = e->ended_at = JTIME_NULL;
	return 0;
}

/*
 * Decide what one attempt does with the appointment's entry: 1 replied
 * (an active entry, or a problem), 0 go on (reopen tells how).
 */
static int
plan(struct ctx *c, const struct appt_row *a, struct wr_entry *e,
    int *reopen, int64_t now)
{
	int	 found = 0;

	if (wr_store_entry_get(c->db, c->arena, a->id, 1, e, &found) != DB_OK) {
		problem_unavailable(c);
		return 1;
	}
	if (found && wr_is_active(e->status)) {
		wr_entry_reply(c, 200, e);
		return 1;
	}
	if (found && strcmp(e->status, "admitted") == 0) {
		wr_conflict(c, "already_admitted", "this visit has started");
		return 1;
	}
	if (strcmp(a->status, "scheduled") != 0) {
		wr_conflict(c, "invalid_transition",
		    "only a scheduled visit can be checked in");
		return 1;
	}
	if (window_ok(c, a, now) == -1)
		return 1;
	*reopen = found;
	if (!found && new_entry(c, a, now, e) == -1) {
		problem(c, 500, "internal", "no randomness");
		return 1;
	}
	return 0;
}

static int
check_in(struct ctx *c)
{
	struct wr_check_in_req	 r;
	struct appt_row		 a;
	struct wr_entry		 e;
	struct check_in_args	 t;
	int64_t			 now;
	int			 found = 0, reopen = 0, rc = DB_OK, tries;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, check_in_fields, &r) == -1)
		return 0;
	for (tries = 0; tries <= WR_TX_TRIES; tries++) {
		now = utc_now();
		if (store_appt_get(c->db, c->arena, r.appointment_id.s, &a,
		    &found) != DB_OK) {
			problem_unavailable(c);
			return 0;
		}
		if (!found) {
			problem(c, 404, "not_found", "no such appointment");
			return 0;
		}
		if (tries == 0 && wr_allowed(c, POL_WR_ENTRY_READ, POL_WR_CHECK_IN,
		    "check_in", "appointment", a.id, a.patient_id,
		    a.provider_id) == -1)
			return 0;
		if (plan(c, &a, &e, &reopen, now) == 1)
			return 0;
		t.a = &a;
		t.e = &e;
		t.reopen = reopen;
		t.now = now;
		/* 2: another check-in won the race; the next round finds its entry. */
		if ((rc = tx_run(c, check_in_tx, &t)) != 2)
			break;
	}
	if (rc != DB_OK) {
		if (rc == 2)
			return wr_conflict(c, "conflict", "the visit changed meanwhile");
		problem_unavailable(c);
		return 0;
	}
	if (reopen)
		reopened(c, &e, now);
	return wr_entry_reply(c, reopen ? 200 : 201, &e);
}

int
wr_check_in(struct ctx *c)
{
	return idem_run(c, check_in);
}
