/*
 * Availability in UTC and GET /api/v1/slots: the provider's weekly
 * windows and dated exceptions are wall-clock times in the provider's
 * zone, turned into UTC per local date so DST changes are honoured.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/appointments/appointments.h"
#include "cgi-bin/appointments/store.h"

#define DAY_MIN		1440
#define SLOTS_MAX	10000

int
appt_hhmm(const char *s, int *minutes)
{
	int	 h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':' ||
	    s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

static void
mark(unsigned char *day, int from, int to, unsigned char v)
{
	int	 i;

	for (i = from < 0 ? 0 : from; i < to && i < DAY_MIN; i++)
		day[i] = v;
}

/* The open minutes of one local date: weekly, then extra, then blocks. */
static void
day_minutes(const struct avail *av, long days, unsigned char *day)
{
	const struct avail_exception *e;
	int		 y, m, d, wd = tz_weekday(days), is_off = 0;
	size_t		 i;

	memset(day, 0, DAY_MIN);
	tz_civil_from_days(days, &y, &m, &d);
	for (i = 0; i < av->nexc; i++) {
		e = &av->exc[i];
		if (e->year == y && e->month == m && e->day == d &&
		    !e->is_available && e->start_min < 0)
			is_off = 1;
	}
	for (i = 0; !is_off && i < av->nweekly; i++)
		if (av->weekly[i].weekday == wd)
			mark(day, av->weekly[i].start_min, av->weekly[i].end_min, 1);
	for (i = 0; i < av->nexc; i++) {
		e = &av->exc[i];
		if (e->year == y && e->month == m && e->day == d && e->start_min >= 0)
			mark(day, e->start_min, e->end_min, e->is_available ? 1 : 0);
	}
}

/* Append [s, e) to the list, merging with the last one when they touch. */
static void
push(struct interval *v, size_t *n, int64_t s, int64_t e)
{
	if (e <= s)
		return;
	if (*n > 0 && v[*n - 1].end >= s) {
		if (e > v[*n - 1].end)
			v[*n - 1].end = e;
		return;
	}
	v[*n].start = s;
	v[*n].end = e;
	(*n)++;
}

int
appt_windows(struct ctx *c, const struct avail *av, int64_t from, int64_t to,
    struct interval **out, size_t *n)
{
	struct tz_local	 lf, lt;
	unsigned char	 day[DAY_MIN];
	long		 d, d0, d1;
	int		 y, m, dd, i, j;
	int64_t		 s, e;

	*n = 0;
	if (tz_utc_to_local(av->timezone, from, &lf) == -1 ||
	    tz_utc_to_local(av->timezone, to, &lt) == -1)
		return -1;
	d0 = tz_days_from_civil(lf.year, lf.month, lf.day) - 1;
	d1 = tz_days_from_civil(lt.year, lt.month, lt.day) + 1;
	/* At most one run per 2 minutes of a day, days + 1 dates. */
	*out = arena_alloc(c->arena, (size_t)(d1 - d0 + 1) * (DAY_MIN / 2 + 1) *
	    sizeof(**out));
	for (d = d0; d <= d1; d++) {
		day_minutes(av, d, day);
		tz_civil_from_days(d, &y, &m, &dd);
		for (i = 0; i < DAY_MIN; i = j) {
			for (j = i + 1; j < DAY_MIN && day[j] == day[i]; j++)
				;
			if (!day[i])
				continue;
			if (tz_local_to_utc(av->timezone, y, m, dd, i, &s, NULL) == -1 ||
			    tz_local_to_utc(av->timezone, y, m, dd, j, &e, NULL) == -1)
				return -1;
			push(*out, n, s > from ? s : from, e < to ? e : to);
		}
	}
	return 0;
}

int
appt_within(struct ctx *c, const struct avail *av, int64_t start, int64_t end)
{
	struct interval	*w;
	size_t		 n, i;

	if (appt_windows(c, av, start, end, &w, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (w[i].start <= start && w[i].end >= end)
			return 1;
	return 0;
}

struct slots_req {
	const char	*provider_id;
	int64_t		 from, to;
	long		 duration;
};

static int
parse_slots(struct ctx *c, struct slots_req *r)
{
	const char	*v;
	char		*end;

	r->provider_id = http_query(c->req, "provider_id");
	if (r->provider_id == NULL || !id_is_valid(r->provider_id))
		ctx_error(c, "provider_id", "must be a provider id");
	if ((v = http_query(c->req, "from")) == NULL || utc_parse(v, &r->from) == -1)
		ctx_error(c, "from", "must be an RFC 3339 time");
	if ((v = http_query(c->req, "to")) == NULL || utc_parse(v, &r->to) == -1)
		ctx_error(c, "to", "must be an RFC 3339 time");
	else if (c->nerrs == 0 && (r->to <= r->from ||
	    r->to - r->from > APPT_SLOTS_MAX_DAYS * UTC_DAY))
		ctx_error(c, "to", "must be after from, at most 31 days later");
	r->duration = 30;
	if ((v = http_query(c->req, "duration_minutes")) != NULL) {
		errno = 0;
		r->duration = strtol(v, &end, 10);
		if (errno || end == v || *end != '\0' || r->duration < APPT_DUR_MIN ||
		    r->duration > APPT_DUR_MAX)
			ctx_error(c, "duration_minutes", "must be a whole number from 5 to 240");
	}
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

/* Free slots of length dur inside windows w, not overlapping booked b. */
static struct json_object *
free_slots(const struct interval *w, size_t nw, const struct interval *b,
    size_t nb, int64_t earliest, int64_t dur)
{
	struct json_object	*a = json_object_new_array(), *o;
	size_t			 i, j, k = 0, count = 0;
	int64_t			 t;
	int			 busy;

	for (i = 0; i < nw; i++)
		for (t = w[i].start; t + dur <= w[i].end && count < SLOTS_MAX;
		    t += dur) {
			if (t < earliest)
				continue;
			while (k < nb && b[k].end <= t)
				k++;
			/* b is sorted by start; any of the next few may overlap. */
			busy = 0;
			for (j = k; j < nb && b[j].start < t + dur; j++)
				if (b[j].end > t)
					busy = 1;
			if (busy)
				continue;
			o = json_object_new_object();
			jset_time(o, "start_at", t);
			jset_time(o, "end_at", t + dur);
			json_object_array_add(a, o);
			count++;
		}
	return a;
}

int
appt_slots_get(struct ctx *c)
{
	struct slots_req	 r;
	struct avail		 av;
	struct interval		*w, *b;
	struct json_object	*o;
	size_t			 nw, nb;
	int			 found, active, tele;
	int64_t			 earliest;

	if (pol_check(&c->actor, POL_APPT_SLOTS, NULL) != POL_ALLOW)
		return audit_deny(c, "read", "slots", NULL, NULL, 0);
	if (parse_slots(c, &r) == -1)
		return 0;
	if (store_provider_state(c->db, c->arena, r.provider_id, 0, &found,
	    &active, &tele) != DB_OK)
		goto fail;
	if (!found) {
		problem(c, 404, "not_found", "no such provider");
		return 0;
	}
	if (store_avail_get(c->db, c->arena, r.provider_id, &av, &found) != DB_OK)
		goto fail;
	nw = nb = 0;
	w = b = NULL;
	/* A provider who is not active (unverified, disabled) has no free time. */
	if (found && active && (appt_windows(c, &av, r.from, r.to, &w, &nw) == -1 ||
	    store_booked(c->db, c->arena, r.provider_id, r.from, r.to, &b,
	    &nb) != DB_OK))
		goto fail;
	earliest = utc_now() + c->cfg->appt_min_notice_minutes * UTC_MIN;
	o = json_object_new_object();
	jset_str(o, "provider_id", r.provider_id);
	jset_str(o, "timezone", found ? av.timezone : NULL);
	jset_int(o, "duration_minutes", r.duration);
	jset(o, "data", free_slots(w, nw, b, nb, earliest, r.duration * UTC_MIN));
	json_reply(c, 200, o);
	return 0;
fail:
	problem_unavailable(c);
	return 0;
}
