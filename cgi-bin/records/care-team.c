/*
 * Care teams: GET /api/v1/patients/{id}/care-team (the patient, their
 * care team, staff, admin), POST (add an active provider, by the one
 * rule in lib/store-user.c that booking uses too) and DELETE
 * .../care-team/{provider_id} (staff and admin). Changes are audited and
 * tell the patient and the provider through events.
 *
 * A member who is no longer active (verified again after a license
 * change, or disabled) keeps the row but has no access through it; the
 * patient and the care team see only active members, while those who may
 * see unlisted providers (staff, admin) see every row, "active" saying
 * which count.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/fields.h"
#include "cgi-bin/records/store-records.h"

struct records_care_team_add_req {
	struct jv	 provider_id;
};

#define F(n)	offsetof(struct records_care_team_add_req, n)
const struct json_field care_team_add_fields[] = {
	{ "provider_id", JF_ID, JF_REQUIRED, F(provider_id), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

static struct json_object *
member_json(const struct provider_rec *p, int64_t added_at)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "provider_id", p->id);
	jset_str(o, "full_name", p->full_name);
	jset_str(o, "specialty", p->p.specialty);
	jset_bool(o, "telehealth_enabled", p->p.telehealth_enabled);
	jset_bool(o, "active", p->p.is_verified && !p->is_disabled);
	jset_time(o, "added_at", added_at);
	return o;
}

/* 1 if c->cap[0] is a patient, else 0 after a 404 or 503 reply. */
static int
patient_exists(struct ctx *c)
{
	struct patient_row	 p;
	int			 found = 0;

	if (store_patient_get(c->db, c->arena, c->cap[0], &p, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found)
		problem(c, 404, "not_found", "no such record");
	return found;
}

/* The read of a care team, audited with the provider ids shown. */
static int
audit_team_read(struct ctx *c, const struct care_team_rec *rows, size_t n)
{
	struct audit_entry	 e;
	const char		**ids;
	size_t			 i;
	int			 rc;

	ids = arena_alloc(c->arena, (n + 1) * sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = rows[i].provider.id;
	memset(&e, 0, sizeof(e));
	e.action = "read";
	e.entity_type = "care_team";
	e.entity_id = c->cap[0];
	e.patient_id = c->cap[0];
	e.outcome = AUDIT_SUCCESS;
	e.summary = "care team read";
	e.metadata = records_ids_meta("provider_ids", ids, n);
	rc = audit_append(c, &e);
	json_object_put(e.metadata);
	return rc;
}

int
records_care_team_list(struct ctx *c)
{
	struct records_after	 k;
	struct care_team_rec	*rows;
	struct page		 pg;
	struct json_object	*data;
	const char		*next = NULL;
	size_t			 i, n, shown;

	if (page_parse(c, &pg) == -1 ||
	    records_page_after(c, &pg, &k.id, &k.name) == -1)
		return 0;
	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (!records_patient_allowed(c, POL_CARETEAM_READ, c->cap[0], "read",
	    "care_team", NULL) || !patient_exists(c))
		return 0;
	/* Inactive members only for those who may see unlisted providers. */
	if (store_care_team_list(c->db, c->arena, c->cap[0],
	    pol_check(&c->actor, POL_PROVIDER_READ_UNLISTED, NULL) != POL_ALLOW,
	    &k, pg.limit + 1, &rows, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	shown = n > (size_t)pg.limit ? (size_t)pg.limit : n;
	if (audit_team_read(c, rows, shown) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = json_object_new_array();
	for (i = 0; i < shown; i++)
		json_object_array_add(data, member_json(&rows[i].provider,
		    rows[i].added_at));
	if (n > shown)
		next = records_page_next(c, rows[shown - 1].provider.id,
		    rows[shown - 1].provider.full_name);
	page_reply(c, data, next);
	return 0;
}

/*
 * The audit row and the events of a care-team change, inside the open
 * transaction. Returns an enum db_rc.
 */
static int
team_changed(struct ctx *c, const char *provider_id, int is_add)
{
	struct audit_entry	 e;
	const char		*type = is_add ? "care_team.added" :
				    "care_team.removed";
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = is_add ? "add" : "remove";
	e.entity_type = "care_team";
	e.entity_id = c->cap[0];
	e.patient_id = c->cap[0];
	e.outcome = AUDIT_SUCCESS;
	e.summary = is_add ? "provider added to care team" :
	    "provider removed from care team";
	e.metadata = json_object_new_object();
	jset_str(e.metadata, "provider_id", provider_id);
	if ((rc = audit_append(c, &e)) == DB_OK &&
	    (rc = events_append(c->db, c->cap[0], type, "patient",
	    c->cap[0])) == DB_OK)
		rc = events_append(c->db, provider_id, type, "patient", c->cap[0]);
	json_object_put(e.metadata);
	return rc;
}

struct team_add {
	const char		*provider_id;
	int64_t			 now;
	struct provider_rec	 p;	/* the member as written, for the reply */
};

/*
 * The addition: the rule of lib/store-user.c, the audit row and the
 * events, and the member read back inside the transaction (so a failed
 * read is a rolled-back 503, never a committed change answered 5xx).
 * 1 when the provider does not qualify, 2 when already there.
 */
static int
team_add_tx(struct ctx *c, void *arg)
{
	struct team_add		*t = arg;
	enum care_team_add	 done;
	int			 found = 0, rc;

	if ((rc = store_care_team_add(c->db, c->arena, c->cap[0],
	    t->provider_id, c->actor.user_id, t->now, &done)) != DB_OK)
		return rc;
	if (done != CARE_TEAM_ADDED)
		return done == CARE_TEAM_PRESENT ? 2 : 1;
	if ((rc = team_changed(c, t->provider_id, 1)) != DB_OK ||
	    (rc = store_provider_rec(c->db, c->arena, t->provider_id, &t->p,
	    &found)) != DB_OK)
		return rc;
	return found ? DB_OK : DB_ERROR;
}

int
records_care_team_add(struct ctx *c)
{
	struct records_care_team_add_req q;
	struct team_add		 t;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, care_team_add_fields, &q) == -1)
		return 0;
	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (!records_patient_allowed(c, POL_CARETEAM_WRITE, c->cap[0], "add",
	    "care_team", NULL) || !patient_exists(c))
		return 0;
	memset(&t, 0, sizeof(t));
	t.provider_id = q.provider_id.s;
	t.now = utc_now();
	if ((rc = tx_run(c, team_add_tx, &t)) == 2) {
		problem(c, 409, "already_on_care_team",
		    "this provider is already on the care team");
		return 0;
	} else if (rc == 1) {
		ctx_error(c, "provider_id", "must be a verified, active provider");
		problem_validation(c);
		return 0;
	} else if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 201, member_json(&t.p, t.now));
	return 0;
}

/* The removal with its audit row and events; 1 if not on the team. */
static int
team_remove_tx(struct ctx *c, void *arg)
{
	int	 removed = 0, rc;

	if ((rc = store_care_team_remove(c->db, c->cap[0], c->cap[1],
	    &removed)) != DB_OK)
		return rc;
	if (!removed)
		return 1;
	return team_changed(c, c->cap[1], 0);
}

int
records_care_team_remove(struct ctx *c)
{
	int	 rc;

	if (!id_is_valid(c->cap[0]) || !id_is_valid(c->cap[1])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (!records_patient_allowed(c, POL_CARETEAM_WRITE, c->cap[0], "remove",
	    "care_team", NULL))
		return 0;
	if ((rc = tx_run(c, team_remove_tx, NULL)) != DB_OK) {
		if (rc == 1)
			problem(c, 404, "not_found",
			    "this provider is not on the care team");
		else
			problem_unavailable(c);
		return 0;
	}
	json_reply_empty(c, 204);
	return 0;
}
