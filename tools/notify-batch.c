/*
 * One batch of concierge-notify: claim due rows, then for each decide,
 * send and record the result; rows not reached (a stop signal, or too
 * little of the lease left to finish a send inside it) are handed back.
 *
 * Delivery is at least once: a row is marked sent only after the server
 * or gateway accepted it, so a sender that dies between the two leaves
 * a 'sending' row whose lease runs out and which another claim sends
 * again (counted in outbox.reclaims). A live sender never starts a send
 * that could outlast its lease, so in the normal path nothing is sent
 * twice. Temporary failures come back after an exponential backoff with
 * jitter; permanent ones, and rows out of attempts, end dead.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/time.h"
#include "tools/notify.h"

#define CLAIM_TRIES	3
#define RECORD_TRIES	3
#define MAIL_MAX	(64 * 1024)

enum record_kind {
	RECORD_SENT = 0,
	RECORD_RETRY,
	RECORD_DEFER,
	RECORD_DEAD,
	RECORD_CANCEL,
};

static const char *const channel_names[] = { "email", "sms" };

int64_t
notify_backoff(const struct cfg *cfg, long attempts)
{
	int64_t		 d = cfg->notify_backoff_seconds * UTC_SEC;
	int64_t		 max = cfg->notify_backoff_max_seconds * UTC_SEC;
	uint32_t	 r = 0;
	long		 i;

	for (i = 1; i < attempts && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	(void)crypto_random(&r, sizeof(r));
	return d / 2 + (int64_t)(r % (uint64_t)(d / 2 + 1));
}

/* Write the outcome of row r; retried on deadlocks. 0 or -1. */
static int
record(struct notify_ctx *n, const struct notify_claim *c,
    const struct notify_row *r, enum record_kind kind, int64_t when,
    const char *text)
{
	int	 owned = 0, rc = DB_ERROR, tries;

	for (tries = 0; tries < RECORD_TRIES; tries++) {
		switch (kind) {
		case RECORD_SENT:
			rc = store_notify_sent(n->db, c, r->id, when, text, &owned);
			break;
		case RECORD_RETRY:
			rc = store_notify_retry(n->db, c, r->id, when, text, &owned);
			break;
		case RECORD_DEFER:
			rc = store_notify_defer(n->db, c, r->id, when, text, &owned);
			break;
		case RECORD_DEAD:
		case RECORD_CANCEL:
			rc = store_notify_finish(n->db, c, r->id, kind == RECORD_DEAD ?
			    "dead" : "cancelled", text, &owned);
			break;
		}
		if (rc != DB_DEADLOCK)
			break;
	}
	if (rc != DB_OK) {
		log_errx("notify: outbox %llu: cannot record the outcome", r->id);
		return -1;
	}
	if (!owned) {
		n->stats.lost++;
		log_warnx("notify: outbox %llu: the claim was taken over after its "
		    "lease ran out (it may have been sent twice)", r->id);
	}
	return 0;
}

/* The rendered email as a whole message into msg. 0 or -1. */
static int
build_mail(struct notify_ctx *n, const struct notify_row *r,
    const struct notify_plan *p, struct buf *msg)
{
	struct mime_mail	 m;
	char			 mid[160];

	if (mime_message_id(r->id, r->created_at, n->mail_domain, mid,
	    sizeof(mid)) == -1)
		return -1;
	memset(&m, 0, sizeof(m));
	m.from_name = n->cfg->notify_from_name;
	m.from_addr = n->cfg->notify_mail_from;
	m.to_addr = p->to;
	m.subject = p->subject.data;
	m.body = p->body.data;
	m.date = utc_now();
	m.message_id = mid;
	return mime_build(&m, msg);
}

/* Send a row's plan over its channel. */
static void
send_plan(struct notify_ctx *n, const struct notify_row *r,
    const struct notify_plan *p, struct send_result *res)
{
	struct buf	 msg;
	char		 idem[64];

	if (r->channel == OUTBOX_SMS) {
		snprintf(idem, sizeof(idem), "outbox-%llu-%lld", r->id,
		    (long long)r->created_at);
		notify_sms_send(n->curl, p->to, p->body.data, idem, res);
		return;
	}
	buf_init(&msg, MAIL_MAX);
	if (build_mail(n, r, p, &msg) == -1) {
		memset(res, 0, sizeof(*res));
		res->cls = SEND_PERM;
		snprintf(res->error, sizeof(res->error), "message too large");
	} else
		notify_smtp_send(n->curl, p->to, &msg, res);
	if (msg.data != NULL)
		explicit_bzero(msg.data, msg.len);
	buf_release(&msg);
}

/* Send, then record what happened. 0 or -1 (database). */
static int
deliver(struct notify_ctx *n, const struct notify_claim *c,
    const struct notify_row *r, const struct notify_plan *p)
{
	struct send_result	 res;
	char			 why[sizeof(res.error) + 48];
	int64_t			 delay;

	send_plan(n, r, p, &res);
	if (res.cls == SEND_OK) {
		n->stats.sent++;
		log_debug("notify: outbox %llu %s sent", r->id,
		    channel_names[r->channel]);
		return record(n, c, r, RECORD_SENT, utc_now(), res.ref);
	}
	if (res.cls == SEND_TEMP && r->attempts < n->cfg->notify_max_attempts) {
		delay = notify_backoff(n->cfg, r->attempts);
		if (res.retry_after > delay)
			delay = res.retry_after;
		n->stats.retried++;
		log_info("notify: outbox %llu %s: attempt %ld failed, again in "
		    "%llds: %s", r->id, channel_names[r->channel], r->attempts,
		    (long long)(delay / UTC_SEC), res.error);
		return record(n, c, r, RECORD_RETRY, utc_now() + delay, res.error);
	}
	if (res.cls == SEND_TEMP)
		snprintf(why, sizeof(why), "gave up after %ld attempts: %s",
		    r->attempts, res.error);
	else
		snprintf(why, sizeof(why), "%s", res.error);
	n->stats.dead++;
	log_warnx("notify: outbox %llu %s dead: %s", r->id,
	    channel_names[r->channel], why);
	return record(n, c, r, RECORD_DEAD, 0, why);
}

/* Decide and act on one row. 0 or -1 (database). */
static int
handle_row(struct notify_ctx *n, const struct notify_claim *c,
    const struct notify_row *r)
{
	struct notify_plan	 p;
	int			 rc = -1;

	notify_plan_init(&p);
	if (notify_decide(n, r, utc_now(), &p) == -1)
		goto out;
	switch (p.kind) {
	case PLAN_SEND:
		rc = deliver(n, c, r, &p);
		break;
	case PLAN_DEFER:
		n->stats.deferred++;
		log_info("notify: outbox %llu %s held back: %s", r->id,
		    channel_names[r->channel], p.reason);
		rc = record(n, c, r, RECORD_DEFER, p.until, p.reason);
		break;
	case PLAN_CANCEL:
		n->stats.cancelled++;
		log_info("notify: outbox %llu %s cancelled: %s", r->id,
		    channel_names[r->channel], p.reason);
		rc = record(n, c, r, RECORD_CANCEL, 0, p.reason);
		break;
	case PLAN_DEAD:
		n->stats.dead++;
		log_warnx("notify: outbox %llu %s dead: %s", r->id,
		    channel_names[r->channel], p.reason);
		rc = record(n, c, r, RECORD_DEAD, 0, p.reason);
		break;
	}
out:
	notify_plan_release(&p);
	return rc;
}

/* Claim a batch, retrying deadlocks (or write-set conflicts on Galera). */
static int
claim(struct notify_ctx *n, struct notify_claim *c)
{
	int64_t	 now = utc_now();
	int	 tries, rc = DB_ERROR;

	if (id_new(c->token) == -1)
		return DB_ERROR;
	c->lease_end = now + n->cfg->notify_lease_seconds * UTC_SEC;
	for (tries = 0; tries < CLAIM_TRIES; tries++)
		if ((rc = store_notify_claim(n->db, &n->arena, now,
		    (size_t)n->cfg->notify_batch, c)) != DB_DEADLOCK)
			break;
	return rc;
}

int
notify_batch(struct notify_ctx *n, size_t *count)
{
	struct notify_claim	 c;
	/* A send is started only if it can end, timeouts and all, in the lease. */
	int64_t			 need = (n->cfg->notify_timeout_seconds +
	    n->cfg->notify_connect_timeout_seconds + 5) * UTC_SEC;
	size_t			 i;
	int			 rc = 0;

	*count = 0;
	arena_reset(&n->arena);
	if (claim(n, &c) != DB_OK) {
		log_errx("notify: cannot claim rows");
		return -1;
	}
	*count = c.n;
	for (i = 0; i < c.n && rc == 0; i++) {
		if (*n->stop || utc_now() + need > c.lease_end)
			break;
		rc = handle_row(n, &c, &c.rows[i]);
	}
	/* A row whose handling failed stays claimed: its lease brings it back. */
	for (; i < c.n; i++)
		if (store_notify_release(n->db, &c, c.rows[i].id) == DB_OK)
			n->stats.released++;
	return rc;
}
