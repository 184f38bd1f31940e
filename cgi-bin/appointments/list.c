/*
 * GET /api/v1/appointments (scoped to the caller, filtered, cursor
 * pages; upcoming first when from is given, else newest first) and
 * GET /api/v1/appointments/{id}. Both are reads of PHI: one audit row
 * per request.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/page.h"
#include "lib/time.h"
#include "cgi-bin/appointments/appointments.h"
#include "cgi-bin/appointments/store.h"

static const char *const statuses[] = {
	"scheduled", "checked_in", "in_session", "completed", "cancelled",
	"no_show", NULL,
};

struct json_object *
appt_view(const struct appt_row *a)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", a->id);
	jset_str(o, "provider_id", a->provider_id);
	jset_str(o, "patient_id", a->patient_id);
	jset_time(o, "start_at", a->start_at);
	jset_time(o, "end_at", a->end_at);
	jset_int(o, "duration_minutes", (a->end_at - a->start_at) / UTC_MIN);
	jset_str(o, "status", a->status);
	jset_str(o, "visit_type", a->visit_type);
	jset_str(o, "location", a->location);
	jset_str(o, "reason", a->reason);
	jset_str(o, "booked_by", a->booked_by);
	jset_bool(o, "availability_override", a->override_reason != NULL);
	jset_str(o, "override_reason", a->override_reason);
	jset_str(o, "cancel_reason", a->cancel_reason);
	jset_str(o, "cancelled_by", a->cancelled_by);
	jset_time(o, "cancelled_at", a->cancelled_at);
	jset_time(o, "created_at", a->created_at);
	jset_time(o, "updated_at", a->updated_at);
	return o;
}

static int
read_audit(struct ctx *c, const char *id, const char *patient,
    struct json_object *meta)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = "read";
	e.entity_type = "appointment";
	e.entity_id = id;
	e.patient_id = patient;
	e.outcome = AUDIT_SUCCESS;
	e.summary = id ? "appointment read" : "appointments listed";
	e.metadata = meta;
	return audit_append(c, &e);
}

int
appt_get(struct ctx *c)
{
	struct appt_row		 a;
	struct pol_resource	 res = { 0, 0 };
	int			 found = 0;

	if (id_is_valid(c->cap[0]) && store_appt_get(c->db, c->arena, c->cap[0],
	    &a, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such appointment");
		return 0;
	}
	res.is_self = strcmp(a.patient_id, c->actor.user_id) == 0 ||
	    strcmp(a.provider_id, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_APPT_READ, &res) != POL_ALLOW)
		return audit_deny(c, "read", "appointment", a.id, a.patient_id, 1);
	if (read_audit(c, a.id, a.patient_id, NULL) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, appt_view(&a));
	return 0;
}

/* Query parameters into q (bounds, filters); 0, or -1 after a 422. */
static int
parse_list(struct ctx *c, struct appt_query *q, const char **prov,
    const char **pat)
{
	const char	*v;
	size_t		 i;
	int64_t		 t;

	if ((v = http_query(c->req, "status")) != NULL) {
		for (i = 0; statuses[i] != NULL && strcmp(statuses[i], v) != 0; i++)
			;
		if (statuses[i] == NULL)
			ctx_error(c, "status", "must be scheduled, checked_in, in_session, completed, cancelled or no_show");
		q->status = statuses[i];
	}
	/* Inclusive bounds; hi + 1 and lo - 1 are keyset sentinels, so stay inside. */
	q->lo = UTC_INSTANT_MIN;
	q->hi = UTC_INSTANT_MAX - 1;
	if ((v = http_query(c->req, "from")) != NULL) {
		if (utc_parse(v, &t) == -1)
			ctx_error(c, "from", "must be an RFC 3339 time");
		q->lo = t;
		q->is_ascending = 1;
	}
	if ((v = http_query(c->req, "to")) != NULL) {
		if (utc_parse(v, &t) == -1)
			ctx_error(c, "to", "must be an RFC 3339 time");
		q->hi = t - 1;
	}
	if ((*prov = http_query(c->req, "provider_id")) != NULL && !id_is_valid(*prov))
		ctx_error(c, "provider_id", "must be an id");
	if ((*pat = http_query(c->req, "patient_id")) != NULL && !id_is_valid(*pat))
		ctx_error(c, "patient_id", "must be an id");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

/* Whose appointments: patients and providers only their own. 0 or -1 (403). */
static int
scope(struct ctx *c, struct appt_query *q, const char *prov, const char *pat)
{
	const char	*me = c->actor.user_id;

	if (pol_check(&c->actor, POL_APPT_LIST, NULL) != POL_ALLOW ||
	    (c->actor.role == ROLE_PATIENT && pat != NULL && strcmp(pat, me) != 0) ||
	    (c->actor.role == ROLE_PROVIDER && prov != NULL && strcmp(prov, me) != 0)) {
		audit_deny(c, "list", "appointment", NULL, NULL, 0);
		return -1;
	}
	if (c->actor.role == ROLE_PATIENT || (c->actor.role != ROLE_PROVIDER &&
	    prov == NULL && pat != NULL)) {
		q->scope = APPT_SCOPE_PATIENT;
		q->scope_id = c->actor.role == ROLE_PATIENT ? me : pat;
		q->other_id = prov;
	} else if (c->actor.role == ROLE_PROVIDER || prov != NULL) {
		q->scope = APPT_SCOPE_PROVIDER;
		q->scope_id = c->actor.role == ROLE_PROVIDER ? me : prov;
		q->other_id = pat;
	} else
		q->scope = APPT_SCOPE_ALL;
	return 0;
}

/* Apply the cursor "usec|id" to the bounds. 0, or -1 after a 422. */
static int
apply_cursor(struct ctx *c, struct appt_query *q, const char *key)
{
	const char	*ts, *id;
	char		*end;
	long long	 v;

	q->cur_id = "";
	q->cur_start = q->is_ascending ? q->lo - 1 : q->hi + 1;
	if (key == NULL)
		return 0;
	errno = 0;
	if (page_split(c, key, &ts, &id) == -1 || !id_is_valid(id) ||
	    (v = strtoll(ts, &end, 10), errno != 0 || end == ts || *end != '\0')) {
		ctx_error(c, "cursor", "is not a cursor from this list");
		problem_validation(c);
		return -1;
	}
	q->cur_start = v;
	q->cur_id = id;
	if (q->is_ascending && v > q->lo)
		q->lo = v;
	if (!q->is_ascending && v < q->hi)
		q->hi = v;
	return 0;
}

static int
list_reply(struct ctx *c, const struct appt_query *q, struct appt_row *rows,
    size_t n, long limit)
{
	struct json_object	*data = json_object_new_array();
	struct json_object	*meta = json_object_new_object();
	struct json_object	*ids = json_object_new_array();
	const char		*next = NULL;
	size_t			 i;
	int			 rc = DB_OK;

	for (i = 0; i < n && i < (size_t)limit; i++) {
		json_object_array_add(data, appt_view(&rows[i]));
		json_object_array_add(ids, json_object_new_string(rows[i].id));
	}
	if (n > (size_t)limit)
		next = page_cursor(c, arena_printf(c->arena, "%lld|%s",
		    (long long)rows[limit - 1].start_at, rows[limit - 1].id));
	jset(meta, "ids", ids);
	if (i > 0)
		rc = read_audit(c, NULL, q->scope == APPT_SCOPE_PATIENT ?
		    q->scope_id : NULL, meta);
	json_object_put(meta);
	if (rc != DB_OK) {
		json_object_put(data);
		problem_unavailable(c);
		return 0;
	}
	page_reply(c, data, next);
	return 0;
}

int
appt_list(struct ctx *c)
{
	struct appt_query	 q;
	struct page		 p;
	struct appt_row		*rows;
	const char		*prov, *pat;
	size_t			 n;

	memset(&q, 0, sizeof(q));
	if (parse_list(c, &q, &prov, &pat) == -1 || page_parse(c, &p) == -1 ||
	    scope(c, &q, prov, pat) == -1 || apply_cursor(c, &q, p.after) == -1)
		return 0;
	q.limit = p.limit;
	if (store_appt_list(c->db, c->arena, &q, &rows, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return list_reply(c, &q, rows, n, p.limit);
}
