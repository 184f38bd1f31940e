/*
 * POST /api/v1/appointments/{id}/reschedule, /cancel, /no-show and
 * /complete. Every transition is a compare-and-swap in SQL
 * (UPDATE ... WHERE id = ? AND status = ?): when another request moved
 * the appointment first, no row matches and the answer is 409.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/appointments/appointments.h"
#include "cgi-bin/appointments/fields.h"
#include "cgi-bin/appointments/store.h"

struct appt_reschedule_req {
	struct jv	 start_at;
	struct jv	 duration_minutes;
	struct jv	 override_reason;
};

struct appt_cancel_req {
	struct jv	 reason;
};

#define R(n)	offsetof(struct appt_reschedule_req, n)
const struct json_field reschedule_fields[] = {
	{ "start_at", JF_TIME, JF_REQUIRED, R(start_at), 0, 0, NULL, NULL, NULL, 0 },
	{ "duration_minutes", JF_INT, 0, R(duration_minutes), APPT_DUR_MIN,
	  APPT_DUR_MAX, NULL, NULL, NULL, 0 },
	{ "override_reason", JF_STRING, 0, R(override_reason), 1, 500, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef R
#define C(n)	offsetof(struct appt_cancel_req, n)
const struct json_field cancel_fields[] = {
	{ "reason", JF_STRING, JF_REQUIRED | JF_MULTILINE, C(reason), 1, 500, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef C

static int
conflict(struct ctx *c, const char *code, const char *detail)
{
	c->nerrs = 0;
	problem(c, 409, code, detail);
	return 0;
}

/*
 * Load appointment {id} and check the caller may see it (else 404) and
 * may do act (else 403). 0, or -1 with the reply set.
 */
static int
load(struct ctx *c, enum pol_action act, const char *verb, struct appt_row *a)
{
	struct pol_resource	 res = { 0, 0 };
	int			 found = 0;

	if (id_is_valid(c->cap[0]) && store_appt_get(c->db, c->arena, c->cap[0],
	    a, &found) != DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such appointment");
		return -1;
	}
	res.is_self = strcmp(a->patient_id, c->actor.user_id) == 0 ||
	    strcmp(a->provider_id, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_APPT_READ, &res) != POL_ALLOW) {
		audit_deny(c, verb, "appointment", a->id, a->patient_id, 1);
		return -1;
	}
	if (pol_check(&c->actor, act, &res) != POL_ALLOW) {
		audit_deny(c, verb, "appointment", a->id, a->patient_id, 0);
		return -1;
	}
	return 0;
}

/* Patients may not cancel or move a visit within the cancellation window. */
static int
inside_window(const struct ctx *c, const struct appt_row *a)
{
	return c->actor.role == ROLE_PATIENT && a->start_at - utc_now() <
	    c->cfg->appt_cancel_window_hours * UTC_HOUR;
}

/* The new time of a reschedule is valid (as for a booking). 0 or -1 (422). */
static int
new_time_ok(struct ctx *c, const struct appt_row *a, int64_t start,
    int64_t end, int is_override)
{
	struct avail	 av;
	int		 found, in = 0;
	int64_t		 now = utc_now();

	if (start <= now) {
		ctx_error(c, "start_at", "must be in the future");
		problem_validation(c);
		return -1;
	}
	if (is_override)
		return 0;
	if (store_avail_get(c->db, c->arena, a->provider_id, &av, &found) != DB_OK ||
	    (found && (in = appt_within(c, &av, start, end)) == -1)) {
		problem_unavailable(c);
		return -1;
	}
	if (!in || start < now + c->cfg->appt_min_notice_minutes * UTC_MIN) {
		ctx_error(c, "start_at", !in ? "is outside the provider's availability" :
		    "is sooner than the minimum notice");
		problem(c, 422, "outside_availability",
		    "the provider is not available at that time");
		return -1;
	}
	return 0;
}

struct reschedule_tx {
	const struct appt_row	*a;
	int64_t			 old_start;
	struct json_object	*meta;
};

/* The move (tx_run): an enum db_rc, 1 if answered, 2 if changed meanwhile. */
static int
reschedule_tx(struct ctx *c, void *arg)
{
	const struct reschedule_tx *t = arg;
	const struct appt_row	*a = t->a;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = appt_lock_and_check(c, a->provider_id, a->patient_id,
	    a->start_at, a->end_at, a->visit_type, a->id)) != DB_OK ||
	    (rc = store_appt_reschedule(c->db, a->id, t->old_start, a->start_at,
	    a->end_at, a->updated_at, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 2;
	return appt_effects(c, a, APPT_RESCHEDULED, t->meta);
}

static int
reschedule(struct ctx *c)
{
	struct appt_reschedule_req r;
	struct appt_row		 a;
	struct reschedule_tx	 t;
	struct json_object	*meta = NULL;
	int64_t			 old_start, dur, end;
	int			 rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, reschedule_fields, &r) == -1 ||
	    load(c, POL_APPT_RESCHEDULE, "reschedule", &a) == -1)
		return 0;
	if (r.override_reason.is_set &&
	    pol_check(&c->actor, POL_APPT_OVERRIDE, NULL) != POL_ALLOW)
		return audit_deny(c, "override", "appointment", a.id, a.patient_id, 0);
	if (strcmp(a.status, "scheduled") != 0)
		return conflict(c, "invalid_transition", "only a scheduled visit can be moved");
	if (inside_window(c, &a))
		return conflict(c, "cancel_window_passed",
		    "it is too late to move this visit; call the practice");
	dur = r.duration_minutes.is_set ? r.duration_minutes.i :
	    (a.end_at - a.start_at) / UTC_MIN;
	if (appt_end_of(c, r.start_at.i, dur, &end) == -1 ||
	    new_time_ok(c, &a, r.start_at.i, end, r.override_reason.is_set) == -1)
		return 0;
	old_start = a.prev_start_at = a.start_at;
	a.start_at = r.start_at.i;
	a.end_at = end;
	a.updated_at = utc_now();
	if (r.override_reason.is_set) {
		meta = json_object_new_object();
		jset_bool(meta, "availability_override", 1);
	}
	t.a = &a;
	t.old_start = old_start;
	t.meta = meta;
	rc = tx_run(c, reschedule_tx, &t);
	json_object_put(meta);
	if (rc == 1)
		return 0;
	if (rc == 2)
		return conflict(c, "conflict", "the appointment changed meanwhile");
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, appt_view(&a));
	return 0;
}

struct transition_tx {
	struct appt_row		*a;	/* as loaded; becomes the row as written */
	const char		*from;
	enum appt_change	 ch;
	const char		*to;
	const char		*reason;
};

/* CAS from -> to with its side effects (tx_run); 2 if changed meanwhile. */
static int
transition_tx(struct ctx *c, void *arg)
{
	struct transition_tx	*t = arg;
	struct appt_row		*a = t->a;
	unsigned long long	 n = 0;
	int64_t			 now = utc_now();
	int			 rc;

	rc = t->ch == APPT_CANCELLED ? store_appt_cancel(c->db, a->id, t->from,
	    t->reason, c->actor.user_id, now, &n) :
	    store_appt_set_status(c->db, a->id, t->from, t->to, now, &n);
	if (rc != DB_OK)
		return rc;
	if (n != 1)
		return 2;
	a->status = t->to;
	a->updated_at = now;
	if (t->ch == APPT_CANCELLED) {
		a->cancel_reason = t->reason;
		a->cancelled_by = c->actor.user_id;
		a->cancelled_at = now;
	}
	return appt_effects(c, a, t->ch, NULL);
}

/* CAS a->status -> to with its side effects, then reply 200. */
static int
transition(struct ctx *c, struct appt_row *a, enum appt_change ch,
    const char *to, const char *reason)
{
	struct transition_tx	 t = { a, a->status, ch, to, reason };
	int			 rc;

	if ((rc = tx_run(c, transition_tx, &t)) == 2)
		return conflict(c, "conflict", "the appointment changed meanwhile");
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, appt_view(a));
	return 0;
}

static int
is_open(const struct appt_row *a)
{
	return strcmp(a->status, "scheduled") == 0 ||
	    strcmp(a->status, "checked_in") == 0;
}

static int
cancel(struct ctx *c)
{
	struct appt_cancel_req	 r;
	struct appt_row		 a;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, cancel_fields, &r) == -1 ||
	    load(c, POL_APPT_CANCEL, "cancel", &a) == -1)
		return 0;
	if (!is_open(&a))
		return conflict(c, "invalid_transition",
		    "only a scheduled or checked-in visit can be cancelled");
	if (inside_window(c, &a))
		return conflict(c, "cancel_window_passed",
		    "it is too late to cancel this visit; call the practice");
	return transition(c, &a, APPT_CANCELLED, "cancelled", r.reason.s);
}

static int
no_show(struct ctx *c)
{
	struct appt_row		 a;

	if (load(c, POL_APPT_NO_SHOW, "no_show", &a) == -1)
		return 0;
	if (!is_open(&a))
		return conflict(c, "invalid_transition",
		    "only a scheduled or checked-in visit can be a no-show");
	if (utc_now() < a.start_at)
		return conflict(c, "not_started", "the visit has not started yet");
	return transition(c, &a, APPT_NO_SHOW, "no_show", NULL);
}

static int
complete(struct ctx *c)
{
	struct appt_row		 a;

	if (load(c, POL_APPT_COMPLETE, "complete", &a) == -1)
		return 0;
	if (strcmp(a.status, "in_session") != 0)
		return conflict(c, "invalid_transition",
		    "only a visit in session can be completed");
	return transition(c, &a, APPT_COMPLETED, "completed", NULL);
}

int
appt_reschedule(struct ctx *c)
{
	return idem_run(c, reschedule);
}

int
appt_cancel(struct ctx *c)
{
	return idem_run(c, cancel);
}

int
appt_no_show(struct ctx *c)
{
	return idem_run(c, no_show);
}

int
appt_complete(struct ctx *c)
{
	return idem_run(c, complete);
}
