/*
 * GET and PUT /api/v1/availability/{provider_id}: the provider's time
 * zone, weekly windows and dated exceptions. PUT replaces all of it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/appointments/appointments.h"
#include "cgi-bin/appointments/fields.h"
#include "cgi-bin/appointments/store.h"

static const char *const weekdays[] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL,
};

struct appt_weekly_req {
	struct jv	 weekday;
	struct jv	 start;
	struct jv	 end;
};

struct appt_exception_req {
	struct jv	 date;
	struct jv	 available;
	struct jv	 start;
	struct jv	 end;
};

struct appt_availability_req {
	struct jv	 timezone;
	struct jv	 weekly;
	struct jv	 exceptions;
};

#define W(n)	offsetof(struct appt_weekly_req, n)
const struct json_field weekly_fields[] = {
	{ "weekday", JF_ENUM, JF_REQUIRED, W(weekday), 0, 0, NULL, weekdays, NULL, 0 },
	{ "start", JF_STRING, JF_REQUIRED, W(start), 5, 5, NULL, NULL, NULL, 0 },
	{ "end", JF_STRING, JF_REQUIRED, W(end), 5, 5, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef W
#define E(n)	offsetof(struct appt_exception_req, n)
const struct json_field exception_fields[] = {
	{ "date", JF_DATE, JF_REQUIRED, E(date), 0, 0, NULL, NULL, NULL, 0 },
	{ "available", JF_BOOL, JF_REQUIRED, E(available), 0, 0, NULL, NULL, NULL, 0 },
	{ "start", JF_STRING, 0, E(start), 5, 5, NULL, NULL, NULL, 0 },
	{ "end", JF_STRING, 0, E(end), 5, 5, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef E
#define F(n)	offsetof(struct appt_availability_req, n)
const struct json_field availability_fields[] = {
	{ "timezone", JF_STRING, JF_REQUIRED, F(timezone), 1, TZ_NAME_MAX, NULL, NULL, NULL, 0 },
	{ "weekly", JF_OBJECTS, JF_REQUIRED, F(weekly), 0, 70, NULL, NULL,
	  weekly_fields, sizeof(struct appt_weekly_req) },
	{ "exceptions", JF_OBJECTS, 0, F(exceptions), 0, 200, NULL, NULL,
	  exception_fields, sizeof(struct appt_exception_req) },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

static void
hhmm(char *buf, size_t n, int minutes)
{
	snprintf(buf, n, "%02d:%02d", minutes / 60, minutes % 60);
}

static struct json_object *
avail_view(const char *pid, const struct avail *av)
{
	struct json_object	*o = json_object_new_object(), *a, *e;
	char			 b[16];
	size_t			 i;

	jset_str(o, "provider_id", pid);
	jset_str(o, "timezone", av->timezone);
	a = json_object_new_array();
	for (i = 0; i < av->nweekly; i++) {
		e = json_object_new_object();
		jset_str(e, "weekday", weekdays[av->weekly[i].weekday % 7]);
		hhmm(b, sizeof(b), av->weekly[i].start_min);
		jset_str(e, "start", b);
		hhmm(b, sizeof(b), av->weekly[i].end_min);
		jset_str(e, "end", b);
		json_object_array_add(a, e);
	}
	jset(o, "weekly", a);
	a = json_object_new_array();
	for (i = 0; i < av->nexc; i++) {
		e = json_object_new_object();
		snprintf(b, sizeof(b), "%04d-%02d-%02d", av->exc[i].year,
		    av->exc[i].month, av->exc[i].day);
		jset_str(e, "date", b);
		jset_bool(e, "available", av->exc[i].is_available);
		if (av->exc[i].start_min >= 0) {
			hhmm(b, sizeof(b), av->exc[i].start_min);
			jset_str(e, "start", b);
			hhmm(b, sizeof(b), av->exc[i].end_min);
			jset_str(e, "end", b);
		} else {
			jset_str(e, "start", NULL);
			jset_str(e, "end", NULL);
		}
		json_object_array_add(a, e);
	}
	jset(o, "exceptions", a);
	return o;
}

/* Policy and existence for provider {id}. 0, or -1 with the reply set. */
static int
target_provider(struct ctx *c, enum pol_action act, const char *verb)
{
	struct pol_resource	 res = { 0, 0 };
	int			 found, v, t;

	res.is_self = strcmp(c->actor.user_id, c->cap[0]) == 0;
	if (pol_check(&c->actor, act, &res) != POL_ALLOW) {
		audit_deny(c, verb, "availability", c->cap[0], NULL, 0);
		return -1;
	}
	if (!id_is_valid(c->cap[0]) || store_provider_state(c->db, c->arena,
	    c->cap[0], 0, &found, &v, &t) != DB_OK || !found) {
		problem(c, 404, "not_found", "no such provider");
		return -1;
	}
	return 0;
}

int
appt_availability_get(struct ctx *c)
{
	struct avail	 av;
	int		 found;

	if (target_provider(c, POL_APPT_AVAIL_READ, "read") == -1)
		return 0;
	if (store_avail_get(c->db, c->arena, c->cap[0], &av, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, avail_view(c->cap[0], &av));
	return 0;
}

/* Read a "start"/"end" pair of item field; 0 or -1 after ctx_error. */
static int
window(struct ctx *c, const char *field, size_t i, const struct jv *s,
    const struct jv *e, int *start, int *end)
{
	if (appt_hhmm(s->s, start) == -1 || appt_hhmm(e->s, end) == -1 ||
	    *start >= *end) {
		ctx_error(c, arena_printf(c->arena, "%s[%zu]", field, i),
		    "start and end must be HH:MM times, start before end, end at most 24:00");
		return -1;
	}
	return 0;
}

static void
parse_weekly(struct ctx *c, const struct appt_availability_req *r,
    struct avail *av)
{
	const struct appt_weekly_req *w = r->weekly.items;
	size_t		 i, j;

	av->weekly = arena_alloc(c->arena, (r->weekly.n + 1) * sizeof(*av->weekly));
	for (i = 0; i < r->weekly.n; i++) {
		av->weekly[i].weekday = (int)w[i].weekday.i;
		if (window(c, "weekly", i, &w[i].start, &w[i].end,
		    &av->weekly[i].start_min, &av->weekly[i].end_min) == -1)
			return;
		for (j = 0; j < i; j++)
			if (av->weekly[j].weekday == av->weekly[i].weekday &&
			    av->weekly[j].start_min < av->weekly[i].end_min &&
			    av->weekly[i].start_min < av->weekly[j].end_min) {
				ctx_error(c, arena_printf(c->arena, "weekly[%zu]", i),
				    "overlaps another window of the same day");
				return;
			}
	}
	av->nweekly = r->weekly.n;
}

static void
parse_exceptions(struct ctx *c, const struct appt_availability_req *r,
    struct avail *av)
{
	const struct appt_exception_req *x = r->exceptions.items;
	struct avail_exception *e;
	size_t		 i;

	av->exc = arena_alloc(c->arena, (r->exceptions.n + 1) * sizeof(*av->exc));
	for (i = 0; r->exceptions.is_set && i < r->exceptions.n; i++) {
		e = &av->exc[i];
		(void)utc_parse_date(x[i].date.s, &e->year, &e->month, &e->day);
		e->is_available = (int)x[i].available.i;
		e->start_min = e->end_min = -1;
		if (!x[i].start.is_set && !x[i].end.is_set && !e->is_available)
			continue;
		if (!x[i].start.is_set || !x[i].end.is_set) {
			ctx_error(c, arena_printf(c->arena, "exceptions[%zu]", i),
			    "extra hours need start and end; a day off has neither");
			return;
		}
		if (window(c, "exceptions", i, &x[i].start, &x[i].end,
		    &e->start_min, &e->end_min) == -1)
			return;
	}
	av->nexc = r->exceptions.is_set ? r->exceptions.n : 0;
}

struct avail_put {
	const struct avail	*av;
	struct audit_entry	*e;
};

/* The replacement and its audit row (tx_run: run again after a deadlock). */
static int
avail_put_tx(struct ctx *c, void *arg)
{
	struct avail_put	*a = arg;
	int			 rc;

	if ((rc = store_avail_put(c->db, c->cap[0], a->av, c->actor.user_id,
	    utc_now())) != DB_OK)
		return rc;
	return audit_append(c, a->e);
}

int
appt_availability_put(struct ctx *c)
{
	struct appt_availability_req r;
	struct avail		 av;
	struct audit_entry	 e;
	struct avail_put	 a;

	if (target_provider(c, POL_APPT_AVAIL_WRITE, "update") == -1)
		return 0;
	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, availability_fields, &r) == -1)
		return 0;
	memset(&av, 0, sizeof(av));
	av.timezone = r.timezone.s;
	if (!tz_is_valid(r.timezone.s))
		ctx_error(c, "timezone", "must be an IANA time zone such as Europe/Berlin");
	parse_weekly(c, &r, &av);
	parse_exceptions(c, &r, &av);
	if (c->nerrs > 0) {
		problem_validation(c);
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.action = "update";
	e.entity_type = "availability";
	e.entity_id = c->cap[0];
	e.outcome = AUDIT_SUCCESS;
	e.summary = "availability replaced";
	a.av = &av;
	a.e = &e;
	if (tx_run(c, avail_put_tx, &a) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, avail_view(c->cap[0], &av));
	return 0;
}
