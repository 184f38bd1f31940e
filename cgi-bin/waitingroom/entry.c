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
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

int
wr_entry_reply(struct ctx *c, int status, const struct wr_entry *e)
{
	struct wr_queue		 q;
	struct wr_snapshot	 s;
	struct wr_announcement	*an = NULL;
	struct json_object	*anv = NULL;
	const struct wr_place	*place = NULL;
	size_t			 i, nan = 0;
	int64_t			 now = utc_now();

	if (wr_is_active(e->status)) {
		if (wr_queue_load(c, e->provider_id, &q) != DB_OK ||
		    wr_store_announcements(c->db, c->arena, e->provider_id, now,
		    &an, &nan) != DB_OK)
			goto fail;
		wr_snapshot_of(c, &q, now, &s);
		for (i = 0; i < s.n && place == NULL; i++)
			if (strcmp(s.p[i].entry_id, e->id) == 0)
				place = &s.p[i];
		anv = wr_announcements_view(an, nan);
	} else if (wr_store_provider(c->db, c->arena, e->provider_id, &q.prov) !=
	    DB_OK)
		goto fail;
	json_reply(c, status, wr_entry_view(e, place, q.prov.status, anv));
	return 0;
fail:
	problem_unavailable(c);
	return 0;
}

int
wr_entry_get(struct ctx *c)
{
	struct wr_entry	 e;
	const char	*ids[1];

	if (wr_entry_load(c, POL_WR_ENTRY_READ, "read", &e) == -1)
		return 0;
	ids[0] = e.id;
	if (strcmp(e.patient_id, c->actor.user_id) != 0 &&
	    audit_append_read(c, "waiting_room_entry", ids, 1, e.patient_id,
	    "waiting-room entry read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return wr_entry_reply(c, 200, &e);
}

/* away -> waiting, same place: audit and events. An enum db_rc, or 2 if not away. */
static int
back_tx(struct ctx *c, struct wr_entry *e, int64_t now)
{
	struct wr_snapshot	 before;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = db_begin(c->db)) != DB_OK)
		return rc;
	if ((rc = wr_snapshot_take(c, e->provider_id, now, &before)) == DB_OK &&
	    (rc = wr_store_entry_back(c->db, e->id, now, &n)) == DB_OK) {
		if (n != 1)
			rc = 2;
		else if ((rc = wr_audit(c, "return", "waiting_room_entry", e->id,
		    e->patient_id, "patient back in the waiting room", NULL)) ==
		    DB_OK && (rc = wr_notify_queue(c, e->provider_id, &before, now,
		    NULL)) == DB_OK)
			rc = db_commit(c->db);
	}
	if (rc != DB_OK)
		db_rollback(c->db);
	return rc;
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
	unsigned long long	 n = 0;
	int64_t			 now;
	int			 tries, found, rc = DB_OK;

	if (wr_entry_load(c, POL_WR_ENTRY_PRESENCE, "heartbeat", &e) == -1)
		return 0;
	for (tries = 0; tries <= WR_TX_TRIES; tries++) {
		if (!wr_is_active(e.status))
			return closed(c);
		now = utc_now();
		if (strcmp(e.status, "waiting") == 0)
			rc = wr_store_entry_beat(c->db, e.id, now, &n);
		else if ((rc = back_tx(c, &e, now)) == DB_OK)
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
	if (wr_store_entry_get(c->db, c->arena, e.id, 0, &e, &found) != DB_OK ||
	    !found) {
		problem_unavailable(c);
		return 0;
	}
	return wr_entry_reply(c, 200, &e);
}

static int
leave(struct ctx *c)
{
	struct wr_entry	 e;
	int64_t		 now;
	int		 tries, found, rc = DB_OK;

	if (wr_entry_load(c, POL_WR_ENTRY_PRESENCE, "leave", &e) == -1)
		return 0;
	for (tries = 0; tries <= WR_TX_TRIES; tries++) {
		if (!wr_is_active(e.status))
			return closed(c);
		now = utc_now();
		if ((rc = db_begin(c->db)) == DB_OK &&
		    (rc = wr_close_entry(c, &e, e.status, "left", now, 0)) == DB_OK)
			rc = db_commit(c->db);
		if (rc == DB_OK)
			break;
		db_rollback(c->db);
		if (rc != 2 && rc != DB_DEADLOCK) {
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
