/*
 * Writing treatment plans: POST /api/v1/treatment-plans (a draft, or
 * shared at once as active), PATCH /api/v1/treatment-plans/{id} (while
 * draft, active or on hold) and POST /api/v1/treatment-plans/{id}/status
 * {status}, the life cycle of a narrowed FHIR CarePlan:
 *
 *   draft -> active -> on_hold -> active
 *   active | on_hold -> completed | revoked
 *   any -> entered_in_error (and nothing after it)
 *
 * Only verified providers on the patient's care team write plans. Each
 * change is one transaction with its audit row and, once the patient
 * can see the plan, an event to them.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/valid.h"
#include "cgi-bin/records/clinical.h"
#include "cgi-bin/records/fields.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/store-plans.h"

struct plan_goal_req {
	struct jv	 description;
	struct jv	 due_date;
};

struct plan_edit_req {
	struct jv	 patient_id;
	struct jv	 title;
	struct jv	 details;
	struct jv	 goals;
	struct jv	 start_date;
	struct jv	 end_date;
	struct jv	 status;
};

/* A plan starts as a draft, or shared at once. */
static const char *const create_statuses[] = { "draft", "active", NULL };

#define G(n)	offsetof(struct plan_goal_req, n)
const struct json_field plan_goal_fields[] = {
	{ "description", JF_STRING, JF_REQUIRED | JF_MULTILINE, G(description),
	  1, CLIN_GOAL_CHARS, clin_valid_text, NULL, NULL, 0 },
	{ "due_date", JF_DATE, JF_NULLABLE, G(due_date), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef G

#define F(n)	offsetof(struct plan_edit_req, n)
#define PLAN_CONTENT(req) \
	{ "title", JF_STRING, req, F(title), 1, 200, valid_name, NULL, NULL, 0 }, \
	{ "details", JF_STRING, JF_NULLABLE | JF_MULTILINE, F(details), 1, 0, \
	  clin_valid_text, NULL, NULL, 0 }, \
	{ "goals", JF_OBJECTS, JF_NULLABLE, F(goals), 0, CLIN_GOALS_MAX, NULL, \
	  NULL, plan_goal_fields, sizeof(struct plan_goal_req) }, \
	{ "start_date", JF_DATE, req, F(start_date), 0, 0, NULL, NULL, NULL, 0 }, \
	{ "end_date", JF_DATE, JF_NULLABLE, F(end_date), 0, 0, NULL, NULL, NULL, 0 }

const struct json_field plan_create_fields[] = {
	{ "patient_id", JF_ID, JF_REQUIRED, F(patient_id), 0, 0, NULL, NULL, NULL, 0 },
	PLAN_CONTENT(JF_REQUIRED),
	{ "status", JF_ENUM, 0, F(status), 0, 0, NULL, create_statuses, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

const struct json_field plan_patch_fields[] = {
	PLAN_CONTENT(0),
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

const struct json_field plan_status_fields[] = {
	{ "status", JF_ENUM, JF_REQUIRED, F(status), 0, 0, NULL, plan_statuses,
	  NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F
#undef PLAN_CONTENT

/* The steps of the life cycle: to, from any of. */
static const struct {
	const char		*to;
	const char *const	 from[6];
} steps[] = {
	{ "active", { "draft", "on_hold", NULL } },
	{ "on_hold", { "active", NULL } },
	{ "completed", { "active", "on_hold", NULL } },
	{ "revoked", { "active", "on_hold", NULL } },
	{ "entered_in_error", { "draft", "active", "on_hold", "completed",
	  "revoked", NULL } },
};

/* 1 if a plan may go from status from to status to. */
static int
step_ok(const char *from, const char *to)
{
	size_t	 i, j;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (strcmp(steps[i].to, to) != 0)
			continue;
		for (j = 0; steps[i].from[j] != NULL; j++)
			if (strcmp(steps[i].from[j], from) == 0)
				return 1;
	}
	return 0;
}

/* 1 while a plan's content may change. */
static int
is_editable(const char *status)
{
	return strcmp(status, "draft") == 0 || strcmp(status, "active") == 0 ||
	    strcmp(status, "on_hold") == 0;
}

/* The goals as the JSON array that is sealed (arena), or NULL for none. */
static const char *
goals_text(struct ctx *c, const struct jv *goals)
{
	const struct plan_goal_req	*g = goals->items;
	struct json_object		*a, *o;
	const char			*s;
	size_t				 i;

	if (!goals->is_set || goals->is_null || goals->n == 0)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < goals->n; i++) {
		o = json_object_new_object();
		jset_str(o, "description", g[i].description.s);
		jset_str(o, "due_date", g[i].due_date.is_null ? NULL :
		    g[i].due_date.s);
		json_object_array_add(a, o);
	}
	s = arena_strdup(c->arena, json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
	return s;
}

/* Apply the fields present in q to p; names gets what changed. */
static void
plan_merge(struct ctx *c, const struct plan_edit_req *q, struct plan_rec *p,
    const char **names, size_t *n)
{
	*n = 0;
	if (q->title.is_set) {
		p->title = q->title.s;
		names[(*n)++] = "title";
	}
	if (q->details.is_set) {
		p->details = q->details.is_null ? NULL : q->details.s;
		names[(*n)++] = "details";
	}
	if (q->goals.is_set) {
		p->goals = goals_text(c, &q->goals);
		names[(*n)++] = "goals";
	}
	if (q->start_date.is_set) {
		p->start_date = q->start_date.s;
		names[(*n)++] = "start_date";
	}
	if (q->end_date.is_set) {
		p->end_date = q->end_date.is_null ? NULL : q->end_date.s;
		names[(*n)++] = "end_date";
	}
}

/* Limits, and a plan that ends before it starts. 0, or -1 after a 422. */
static int
plan_check(struct ctx *c, const struct plan_edit_req *q, const char *start,
    const char *end, int is_edit)
{
	(void)clin_text_fits(c, "details", q->details.s,
	    c->cfg->records_text_max_chars);
	/* Dates are checked "YYYY-MM-DD" strings: they sort as days do. */
	if (start != NULL && end != NULL && strcmp(end, start) < 0)
		ctx_error(c, "end_date", "must not be before start_date");
	if (is_edit && c->nerrs == 0 && !q->title.is_set &&
	    !q->details.is_set && !q->goals.is_set && !q->start_date.is_set &&
	    !q->end_date.is_set)
		ctx_error(c, "", "name at least one field to change");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

static int
write_reply(struct ctx *c, int rc, int status, const struct plan_rec *p)
{
	if (rc == 1)
		return 0;
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, status, plan_view(p));
	return 0;
}

/* ---- POST /api/v1/treatment-plans ---- */

static int
create_tx(struct ctx *c, void *arg)
{
	struct plan_rec	*p = arg;
	int		 rc;

	if ((rc = store_plan_insert(c->db, p)) != DB_OK)
		return rc;
	return plan_effects(c, p, PLAN_CREATED, 0, NULL);
}

static int
create(struct ctx *c)
{
	struct plan_edit_req	 q;
	struct pol_resource	 res;
	struct plan_rec		 p;
	const char		*names[8];
	size_t			 n;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, plan_create_fields, &q) == -1 ||
	    plan_check(c, &q, q.start_date.s, q.end_date.s, 0) == -1)
		return 0;
	if (!clin_patient_visible(c, POL_PATIENT_READ, q.patient_id.s, "create",
	    "treatment_plan", NULL, &res) ||
	    !clin_may(c, POL_PLAN_WRITE, &res, "create", "treatment_plan", NULL,
	    q.patient_id.s))
		return 0;
	memset(&p, 0, sizeof(p));
	if (id_new(p.id) == -1)
		return -1;
	p.patient_id = q.patient_id.s;
	plan_merge(c, &q, &p, names, &n);
	p.status = q.status.is_set ? q.status.s : "draft";
	p.created_by = p.updated_by = c->actor.user_id;
	p.created_at = p.updated_at = utc_now();
	if (plan_seal(c, &p) == -1)
		return -1;
	return write_reply(c, tx_run(c, create_tx, &p), 201, &p);
}

int
records_plan_create(struct ctx *c)
{
	return idem_run(c, create);
}

/* ---- changes of an existing plan ---- */

struct change_args {
	const struct plan_edit_req	*q;
	const char			*to;	/* a status change; NULL: content */
	struct plan_rec			 p;
};

/*
 * Load plan c->cap[0] and check the actor may see it (else 404) and
 * write it (else 403). 1, 0 answered, or -1 (its text does not open).
 */
static int
plan_load_for(struct ctx *c, const char *verb, struct plan_rec *p)
{
	struct pol_resource	 res;
	int			 found = 0;

	if (id_is_valid(c->cap[0]) && store_plan_get(c->db, c->arena, c->cap[0],
	    0, p, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such treatment plan");
		return 0;
	}
	if (!plan_visible(c, p, verb, &res) || !clin_may(c, POL_PLAN_WRITE,
	    &res, verb, "treatment_plan", p->id, p->patient_id))
		return 0;
	return plan_open(c, p) == 0 ? 1 : -1;
}

/* Inside the transaction: lock the plan; 404 or 409 as needed. */
static int
plan_lock(struct ctx *c, const char *to, struct plan_rec *p)
{
	int	 rc, found = 0;

	if ((rc = store_plan_get(c->db, c->arena, c->cap[0], 1, p, &found)) !=
	    DB_OK)
		return rc;
	if (!found) {
		problem(c, 404, "not_found", "no such treatment plan");
		return 1;
	}
	if (to != NULL && !step_ok(p->status, to)) {
		clin_conflict(c, "invalid_transition", arena_printf(c->arena,
		    "a %s plan cannot become %s", p->status, to));
		return 1;
	}
	if (to == NULL && !is_editable(p->status)) {
		clin_conflict(c, "not_editable", arena_printf(c->arena,
		    "a %s plan is not changed any more", p->status));
		return 1;
	}
	return plan_open(c, p) == 0 ? DB_OK : DB_ERROR;
}

/* {"from":..., "to":...} for a status change's audit row. New object. */
static struct json_object *
status_meta(const char *from, const char *to)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "from", from);
	jset_str(o, "to", to);
	return o;
}

static int
change_tx(struct ctx *c, void *arg)
{
	struct change_args	*a = arg;
	struct json_object	*meta;
	unsigned long long	 w = 0;
	const char		*names[8], *was;
	size_t			 n = 0;
	int			 rc;

	if ((rc = plan_lock(c, a->to, &a->p)) != DB_OK)
		return rc;
	was = a->p.status;
	if (a->to != NULL)
		/* The text is written back as it was stored (the trigger compares). */
		a->p.status = a->to;
	else {
		plan_merge(c, a->q, &a->p, names, &n);
		/* Again here: the other date may be another than the caller saw. */
		if (a->p.end_date != NULL &&
		    strcmp(a->p.end_date, a->p.start_date) < 0) {
			ctx_error(c, "end_date", "must not be before start_date");
			problem_validation(c);
			return 1;
		}
		if (plan_seal(c, &a->p) == -1)
			return DB_ERROR;
	}
	a->p.updated_at = utc_now();
	a->p.updated_by = c->actor.user_id;
	if ((rc = store_plan_write(c->db, &a->p, was, &w)) != DB_OK)
		return rc;
	if (w != 1) {
		clin_conflict(c, "conflict", "the plan changed meanwhile");
		return 1;
	}
	meta = a->to != NULL ? status_meta(was, a->to) :
	    records_fields_meta(names, n);
	rc = plan_effects(c, &a->p, a->to != NULL ? PLAN_STATUS : PLAN_UPDATED,
	    plan_is_shared(was), meta);
	json_object_put(meta);
	return rc;
}

int
records_plan_patch(struct ctx *c)
{
	struct plan_edit_req	 q;
	struct change_args	 a;
	struct plan_rec		 cur;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, plan_patch_fields, &q) == -1 ||
	    plan_check(c, &q, q.start_date.s, q.end_date.s, 1) == -1)
		return 0;
	if ((rc = plan_load_for(c, "update", &cur)) != 1)
		return rc;
	memset(&a, 0, sizeof(a));
	a.q = &q;
	return write_reply(c, tx_run(c, change_tx, &a), 200, &a.p);
}

static int
set_status(struct ctx *c)
{
	struct plan_edit_req	 q;
	struct change_args	 a;
	struct plan_rec		 cur;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, plan_status_fields, &q) == -1)
		return 0;
	if ((rc = plan_load_for(c, "status", &cur)) != 1)
		return rc;
	if (!step_ok(cur.status, q.status.s))
		return clin_conflict(c, "invalid_transition", arena_printf(c->arena,
		    "a %s plan cannot become %s", cur.status, q.status.s));
	memset(&a, 0, sizeof(a));
	a.q = &q;
	a.to = q.status.s;
	return write_reply(c, tx_run(c, change_tx, &a), 200, &a.p);
}

int
records_plan_status(struct ctx *c)
{
	return idem_run(c, set_status);
}
