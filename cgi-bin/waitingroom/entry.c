/*
 * GET /api/v1/waiting-room/entries/{id} and the patient's
 * POST .../heartbeat and .../leave. A patient polling their own entry
 * is not audited (it carries no clinical content and would write a row
 * every few seconds); reads by providers and staff are.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

/* Reply status with view v read at now. */
static int
view_reply(struct ctx *c, int status, const struct wr_entry_view *v,
    int64_t now)
{
	struct wr_snapshot	 s;
	struct json_object	*anv = NULL;
	const struct wr_place	*place = NULL;
	size_t			 i;

	if (wr_is_active(v->e.status)) {
		wr_snapshot_of(c, &v->q, now, &s);
		for (i = 0; i < s.n && place == NULL; i++)
			if (strcmp(s.p[i].entry_id, v->e.id) == 0)
				place = &s.p[i];
		anv = wr_announcements_view(v->an, v->nan);
	}
	json_reply(c, status, wr_entry_view(&v->e, place, v->q.prov.status, anv));
	return 0;
}

int
wr_entry_reply(struct ctx *c, int status, const struct wr_entry *e)
{
	struct wr_entry_view	 v;
	int64_t			 now = utc_now();
	int			 found = 0;

	/*
	 * After a committed write the entry as written is the answer when it
	 * cannot be read again (a committed write never turns into a 5xx).
	 */
	if (wr_store_entry_view(c->db, c->arena, e->id, now, &v, &found) !=
	    DB_OK || !found) {
		json_reply(c, status, wr_entry_view(e, NULL, NULL, NULL));
		return 0;
	}
	return view_reply(c, status, &v, now);
}

/*
 * The poll: one query reads the entry and everything its reply shows;
 * policy is then checked on the entry read (the rest is only sent when
 * it passes).
 */
int
wr_entry_get(struct ctx *c)
{
	struct wr_entry_view	 v;
	const char		*ids[1];
	int64_t			 now = utc_now();
	int			 found = 0;

	if (id_is_valid(c->cap[0]) && wr_store_entry_view(c->db, c->arena,
	    c->cap[0], now, &v, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such waiting-room entry");
		return 0;
	}
	if (wr_allowed(c, POL_WR_ENTRY_READ, POL_WR_ENTRY_READ, "read",
	    "waiting_room_entry", v.e.id, v.e.patient_id, v.e.provider_id) == -1)
		return 0;
	ids[0] = v.e.id;
	if (strcmp(v.e.patient_id, c->actor.user_id) != 0 &&
	    audit_append_read(c, "waiting_room_entry", ids, 1, v.e.patient_id,
	    "waiting-room entry read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return view_reply(c, 200, &v, now);
}

/* An entry's transition at now, for tx_run. */
struct move_args {
	struct wr_entry	*e;
	const char	*from;	/* its status before (e's may change) */
	int64_t		 now;
};

/* away -> waiting, same place: audit and events. An enum db_rc, or 2 if not away. */
static int
back_tx(struct ctx *c, void *arg)
{
	const struct move_args	*a = arg;
	const struct wr_entry	*e = a->e;
	struct wr_snapshot	 before;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = wr_snapshot_take(c, e->provider_id, a->now, &before)) != DB_OK ||
	    (rc = wr_store_entry_back(c->db, e->id, a->now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 2;
	if ((rc = wr_audit(c, "return", "waiting_room_entry", e->id,
	    e->patient_id, "patient back in the waiting room", NULL)) != DB_OK)
		return rc;
	return wr_notify_queue(c, e->provider_id, &before, a->now, NULL);
}

/* waiting or away -> left: wr_close_entry. An enum db_rc, or 2 if it moved. */
static int
leave_tx(struct ctx *c, void *arg)
{
	const struct move_args	*a = arg;

	return wr_close_entry(c, a->e, a->from, "left", a->now, 0);
}

static int
closed(struct ctx *c)
{
	return wr_conflict(c, "entry_closed", "this waiting-room entry has ended;"
	    " check in again");
}

int
wr_heartbeat(struct ctx *c)
{
	struct wr_entry		 e;
	struct move_args	 a;
	unsigned long long	 n = 0;
	int			 tries, found, rc = DB_OK;

	if (wr_entry_load(c, POL_WR_ENTRY_PRESENCE, "heartbeat", &e) == -1)
		return 0;
	for (tries = 0; tries <= WR_TX_TRIES; tries++) {
		if (!wr_is_active(e.status))
			return closed(c);
		a.e = &e;
		a.from = e.status;
		a.now = utc_now();
		if (strcmp(e.status, "waiting") == 0)
			rc = wr_store_entry_beat(c->db, e.id, a.now, &n);
		else if ((rc = tx_run(c, back_tx, &a)) == DB_OK)
			n = 1;
		if (rc == DB_OK && n == 1)
			break;
		if (rc != DB_OK && rc != 2 && rc != DB_DEADLOCK) {
			problem_unavailable(c);
			return 0;
		}
		/* The sweeper moved it meanwhile: look again. */
		if (wr_store_entry_get(c->db, c->arena, e.id, 0, &e, &found) !=
		    DB_OK || !found) {
			problem_unavailable(c);
			return 0;
		}
	}
	return wr_entry_reply(c, 200, &e);
}

static int
leave(struct ctx *c)
{
	struct wr_entry		 e;
	struct move_args	 a;
	int			 tries, found, rc = DB_OK;

	if (wr_entry_load(c, POL_WR_ENTRY_PRESENCE, "leave", &e) == -1)
		return 0;
	for (tries = 0; tries <= WR_TX_TRIES; tries++) {
		if (!wr_is_active(e.status))
			return closed(c);
		a.e = &e;
		a.from = e.status;
		a.now = utc_now();
		if ((rc = tx_run(c, leave_tx, &a)) == DB_OK)
			break;
		/* 2: the sweeper (or another tab) moved it meanwhile: look again. */
		if (rc != 2) {
			problem_unavailable(c);
			return 0;
		}
		if (wr_store_entry_get(c->db, c->arena, e.id, 0, &e, &found) !=
		    DB_OK || !found) {
			problem_unavailable(c);
			return 0;
		}
	}
	if (rc != DB_OK)
		return wr_conflict(c, "conflict", "the entry changed meanwhile");
	return wr_entry_reply(c, 200, &e);
}

int
wr_leave(struct ctx *c)
{
	return idem_run(c, leave);
}
