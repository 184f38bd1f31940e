/*
 * The life cycle of a lab result without new content:
 * POST /api/v1/lab-results/{id}/finalize (preliminary -> final, the
 * release: version 1, the patient is told) and
 * POST /api/v1/lab-results/{id}/status {status} (-> final as finalize,
 * preliminary -> cancelled, final | amended -> entered_in_error).
 * Amendments carry content and live in labs-write.c. Any other step is
 * 409. The result row is locked for the transaction, so concurrent
 * commands on one result run one after the other and the later ones
 * see the new status.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/records/fields.h"
#include "cgi-bin/records/labs.h"
#include "cgi-bin/records/records.h"

struct lab_status_req {
	struct jv	 status;
};

#define F(n)	offsetof(struct lab_status_req, n)
const struct json_field lab_status_fields[] = {
	{ "status", JF_ENUM, JF_REQUIRED, F(status), 0, 0, NULL, lab_statuses,
	  NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* finalize takes no body, or an empty object. */
const struct json_field lab_finalize_fields[] = {
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

/* The steps this file makes: target status, from which, what it is. */
static const struct step {
	const char		*to;
	const char *const	 from[3];
	enum lab_change		 change;
	const char		*verb;	/* audit action of a denial */
} steps[] = {
	{ "final", { "preliminary", NULL, NULL }, LAB_FINALIZED, "finalize" },
	{ "cancelled", { "preliminary", NULL, NULL }, LAB_CANCELLED, "cancel" },
	{ "entered_in_error", { "final", "amended", NULL }, LAB_WITHDRAWN,
	  "entered_in_error" },
};

struct step_args {
	const struct step	*step;
	struct lab_rec		 r;
};

static int
step_tx(struct ctx *c, void *arg)
{
	struct step_args	*a = arg;
	struct json_object	*meta;
	const char		*was;
	int			 rc;

	if ((rc = lab_lock(c, c->cap[0], a->step->from, -1, &a->r)) != DB_OK)
		return rc;
	was = a->r.status;
	a->r.status = a->step->to;
	a->r.updated_at = utc_now();
	a->r.updated_by = c->actor.user_id;
	if (a->step->change == LAB_FINALIZED) {
		a->r.version = 1;
		a->r.published_at = a->r.updated_at;
	}
	if ((rc = lab_store(c, &a->r, was, a->step->change == LAB_FINALIZED ?
	    0 : a->r.version, 0)) != DB_OK ||
	    (a->step->change == LAB_FINALIZED &&
	    (rc = lab_snapshot(c, &a->r, NULL)) != DB_OK))
		return rc;
	meta = json_object_new_object();
	jset_str(meta, "from", was);
	jset_str(meta, "to", a->step->to);
	rc = lab_effects(c, &a->r, a->step->change, meta);
	json_object_put(meta);
	return rc;
}

/* Check, then run one step; reply 200 with the result. */
static int
run_step(struct ctx *c, const struct step *s)
{
	struct step_args	 a;
	struct lab_rec		 cur;
	const char *const	*f;
	int			 rc;

	if ((rc = lab_load_for(c, s->verb, POL_LAB_WRITE, &cur, NULL)) != 1)
		return rc;
	for (f = s->from; *f != NULL && strcmp(*f, cur.status) != 0; f++)
		;
	if (*f == NULL)
		return clin_conflict(c, "invalid_transition", arena_printf(c->arena,
		    "a %s result cannot become %s", cur.status, s->to));
	memset(&a, 0, sizeof(a));
	a.step = s;
	if ((rc = tx_run(c, step_tx, &a)) == 1)
		return 0;
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, lab_view(&a.r));
	return 0;
}

static int
finalize(struct ctx *c)
{
	struct lab_status_req	 q;

	memset(&q, 0, sizeof(q));
	if (c->req->body_len > 0 && json_parse_body(c, lab_finalize_fields, &q) == -1)
		return 0;
	return run_step(c, &steps[0]);
}

static int
set_status(struct ctx *c)
{
	struct lab_status_req	 q;
	struct lab_rec		 cur;
	size_t			 i;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, lab_status_fields, &q) == -1)
		return 0;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(steps[i].to, q.status.s) == 0)
			return run_step(c, &steps[i]);
	/* A known state no command here leads to: amended, preliminary. */
	if ((rc = lab_load_for(c, "status", POL_LAB_WRITE, &cur, NULL)) != 1)
		return rc;
	return clin_conflict(c, "invalid_transition",
	    strcmp(q.status.s, "amended") == 0 ?
	    "an amendment carries new content: POST .../amend" :
	    "a result never goes back to preliminary");
}

int
records_lab_finalize(struct ctx *c)
{
	return idem_run(c, finalize);
}

int
records_lab_status(struct ctx *c)
{
	return idem_run(c, set_status);
}
