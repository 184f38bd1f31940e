/*
 * The queue of a provider and the wait estimate of each entry in it.
 *
 * The estimate simulates the provider working through the queue from
 * now: first the rest of the running session (its booked length times
 * the provider's pace, minus the time already spent), or a fixed pause
 * when the provider is busy without a session; then each waiting entry
 * ahead in order, none starting before its booked start plus the
 * provider's usual lateness, each lasting its booked length times the
 * pace. Away entries keep their place (position) but are skipped: the
 * provider admits the next waiting patient. The entry's own wait is when
 * its turn comes, and never before its booked start plus lateness.
 * Pace and lateness are weighted averages of the provider's recent
 * sessions (provider_presence), folded in when a session ends, so the
 * estimate reads one row instead of the session history.
 */
#include "config.h"

#include <string.h>

#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

#define PACE_MIN	0.5
#define PACE_MAX	2.0
#define LATE_MIN	(-30 * 60.0)	/* seconds */
#define LATE_MAX	(60 * 60.0)

int
wr_queue_load(struct ctx *c, const char *provider, struct wr_queue *q)
{
	int	 rc;

	memset(q, 0, sizeof(*q));
	if ((rc = wr_store_queue(c->db, c->arena, provider, &q->e, &q->n)) != DB_OK)
		return rc;
	return wr_store_provider(c->db, c->arena, provider, &q->prov);
}

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
wr_estimates(const struct ctx *c, const struct wr_queue *q, int64_t now,
    long *out)
{
	const struct wr_provider *p = &q->prov;
	double		 pace = 1, late = 0, len;
	int64_t		 t = now, ready, turn;
	size_t		 i;

	if (p->sessions_measured > 0) {
		pace = clamp(p->pace_ratio, PACE_MIN, PACE_MAX);
		late = clamp(p->lateness_sec, LATE_MIN, LATE_MAX);
	}
	if (p->running_id != NULL) {
		len = p->running_booked_minutes * 60.0 * pace;
		if (p->running_started_at + (int64_t)(len * UTC_SEC) > t)
			t = p->running_started_at + (int64_t)(len * UTC_SEC);
	} else if (strcmp(p->status, "busy") == 0)
		t += c->cfg->wr_busy_extra_minutes * UTC_MIN;
	for (i = 0; i < q->n; i++) {
		ready = q->e[i].appt_start_at + (int64_t)(late * UTC_SEC);
		turn = t > ready ? t : ready;
		/* Whole minutes, rounded up: "1 minute" until the turn comes. */
		out[i] = turn <= now ? 0 : (long)((turn - now + UTC_MIN - 1) / UTC_MIN);
		if (strcmp(q->e[i].status, "waiting") == 0)
			t = turn + (int64_t)(q->e[i].booked_minutes * 60.0 * pace *
			    UTC_SEC);
	}
}

void
wr_snapshot_of(struct ctx *c, const struct wr_queue *q, int64_t now,
    struct wr_snapshot *s)
{
	long	*est;
	size_t	 i;

	est = arena_alloc(c->arena, (q->n + 1) * sizeof(*est));
	wr_estimates(c, q, now, est);
	s->p = arena_alloc(c->arena, (q->n + 1) * sizeof(*s->p));
	s->n = q->n;
	s->provider_status = q->prov.status;
	for (i = 0; i < q->n; i++) {
		s->p[i].entry_id = q->e[i].id;
		s->p[i].patient_id = q->e[i].patient_id;
		s->p[i].status = q->e[i].status;
		s->p[i].position = (long)i + 1;
		s->p[i].estimate = est[i];
	}
}

int
wr_snapshot_take(struct ctx *c, const char *provider, int64_t now,
    struct wr_snapshot *s)
{
	struct wr_queue	 q;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((rc = wr_queue_load(c, provider, &q)) != DB_OK)
		return rc;
	wr_snapshot_of(c, &q, now, s);
	return DB_OK;
}
