/*
 * concierge-notify's SQL. A claim is one short transaction: lock due
 * rows with FOR UPDATE SKIP LOCKED (so concurrent senders take disjoint
 * rows and never wait for each other), mark them 'sending' with a lease
 * and a claim token, commit. Every later update of a row names the
 * token, so a sender whose lease ran out cannot overwrite a newer claim.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tools/notify.h"

#define ROW_COLS \
    "SELECT id, channel, recipient_user_id, template, payload, attempts," \
    " created_at, due_at FROM outbox"

/* Claims abandoned by a sender that died or hung: few, and older first. */
static const char SQL_CLAIM_EXPIRED[] = ROW_COLS
    " WHERE status = 'sending' AND locked_until <= ?"
    " ORDER BY locked_until LIMIT ? FOR UPDATE SKIP LOCKED";

/* outbox_due (status, due_at, id) serves the range and the order. */
static const char SQL_CLAIM_DUE[] = ROW_COLS
    " WHERE status = 'pending' AND due_at <= ?"
    " ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED";

static const char SQL_CLAIM_ROW[] =
    "UPDATE outbox SET status = 'sending', claim_token = ?, locked_until = ?,"
    " attempts = attempts + 1 WHERE id = ?";

static const char SQL_RECLAIM_ROW[] =
    "UPDATE outbox SET status = 'sending', claim_token = ?, locked_until = ?,"
    " attempts = attempts + 1, reclaims = reclaims + 1 WHERE id = ?";

#define OWNED	" WHERE id = ? AND claim_token = ? AND status = 'sending'"

static const char SQL_SENT[] =
    "UPDATE outbox SET status = 'sent', sent_at = ?, provider_ref = ?,"
    " last_error = NULL, locked_until = NULL, claim_token = NULL" OWNED;

static const char SQL_RETRY[] =
    "UPDATE outbox SET status = 'pending', due_at = ?, last_error = ?,"
    " locked_until = NULL, claim_token = NULL" OWNED;

static const char SQL_DEFER[] =
    "UPDATE outbox SET status = 'pending', due_at = ?, last_error = ?,"
    " attempts = attempts - 1, locked_until = NULL, claim_token = NULL" OWNED;

static const char SQL_FINISH[] =
    "UPDATE outbox SET status = ?, last_error = ?, locked_until = NULL,"
    " claim_token = NULL" OWNED;

static const char SQL_RELEASE[] =
    "UPDATE outbox SET status = 'pending', attempts = attempts - 1,"
    " locked_until = NULL, claim_token = NULL" OWNED;

static const char SQL_APPT[] =
    "SELECT a.start_at, a.status IN ('scheduled', 'checked_in'), v.timezone"
    " FROM appointments a LEFT JOIN provider_availability v"
    " ON v.provider_id = a.provider_id WHERE a.id = ?";

static int
row_parse(const struct db_row *r, struct notify_row *o)
{
	long long	 attempts;

	memset(o, 0, sizeof(*o));
	if (r->v[0] == NULL || r->v[1] == NULL || r->v[2] == NULL ||
	    r->v[3] == NULL || db_cell_int(r->v[5], &attempts) == -1 ||
	    db_cell_time(r->v[6], &o->created_at) == -1 ||
	    db_cell_time(r->v[7], &o->due_at) == -1)
		return -1;
	o->id = strtoull(r->v[0], NULL, 10);
	o->channel = strcmp(r->v[1], "sms") == 0 ? OUTBOX_SMS : OUTBOX_EMAIL;
	o->recipient = r->v[2];
	o->template = r->v[3];
	o->payload = r->v[4];
	o->attempts = (long)attempts + 1;	/* this claim */
	return 0;
}

/* Lock rows of sql, mark them claimed with mark, append them to c. */
static int
claim_some(struct db *db, struct arena *a, const char *sql, const char *mark,
    int64_t now, size_t max, struct notify_claim *c)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	if (max == 0)
		return DB_OK;
	if ((rc = db_query(db, a, sql, DB_ARGS(DB_TIME(now), DB_INT(max)),
	    &res)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		if (row_parse(&res.rows[i], &c->rows[c->n]) == -1)
			return DB_ERROR;
		if ((rc = db_exec(db, mark, DB_ARGS(DB_TEXT(c->token),
		    DB_TIME(c->lease_end), DB_INT(c->rows[c->n].id)),
		    NULL)) != DB_OK)
			return rc;
		c->n++;
	}
	return DB_OK;
}

int
store_notify_claim(struct db *db, struct arena *a, int64_t now, size_t max,
    struct notify_claim *c)
{
	int	 rc;

	c->n = 0;
	c->rows = arena_alloc(a, (max + 1) * sizeof(*c->rows));
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = claim_some(db, a, SQL_CLAIM_EXPIRED, SQL_RECLAIM_ROW, now,
	    max, c)) == DB_OK && (rc = claim_some(db, a, SQL_CLAIM_DUE,
	    SQL_CLAIM_ROW, now, max - c->n, c)) == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		c->n = 0;
	}
	return rc;
}

/* Run an update of one owned row; *owned 0 when no row matched. */
static int
owned_exec(struct db *db, const char *sql, const struct db_param *p, size_t n,
    int *owned)
{
	unsigned long long	 changed = 0;
	int			 rc;

	rc = db_exec(db, sql, p, n, &changed);
	if (owned != NULL)
		*owned = rc == DB_OK && changed == 1;
	return rc;
}

int
store_notify_sent(struct db *db, const struct notify_claim *c,
    unsigned long long id, int64_t now, const char *ref, int *owned)
{
	return owned_exec(db, SQL_SENT, DB_ARGS(DB_TIME(now),
	    DB_TEXT(ref[0] != '\0' ? ref : NULL), DB_INT(id), DB_TEXT(c->token)),
	    owned);
}

int
store_notify_retry(struct db *db, const struct notify_claim *c,
    unsigned long long id, int64_t due_at, const char *error, int *owned)
{
	return owned_exec(db, SQL_RETRY, DB_ARGS(DB_TIME(due_at), DB_TEXT(error),
	    DB_INT(id), DB_TEXT(c->token)), owned);
}

int
store_notify_defer(struct db *db, const struct notify_claim *c,
    unsigned long long id, int64_t due_at, const char *reason, int *owned)
{
	return owned_exec(db, SQL_DEFER, DB_ARGS(DB_TIME(due_at),
	    DB_TEXT(reason), DB_INT(id), DB_TEXT(c->token)), owned);
}

int
store_notify_finish(struct db *db, const struct notify_claim *c,
    unsigned long long id, const char *status, const char *reason, int *owned)
{
	return owned_exec(db, SQL_FINISH, DB_ARGS(DB_TEXT(status),
	    DB_TEXT(reason), DB_INT(id), DB_TEXT(c->token)), owned);
}

int
store_notify_release(struct db *db, const struct notify_claim *c,
    unsigned long long id)
{
	return owned_exec(db, SQL_RELEASE, DB_ARGS(DB_INT(id), DB_TEXT(c->token)),
	    NULL);
}

int
store_notify_appt(struct db *db, struct arena *a, const char *id,
    struct notify_appt *out)
{
	struct db_res	 res;
	long long	 live;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_query(db, a, SQL_APPT, DB_ARGS(DB_TEXT(id)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	if (db_cell_time(res.rows[0].v[0], &out->start_at) == -1 ||
	    db_cell_int(res.rows[0].v[1], &live) == -1)
		return DB_ERROR;
	out->is_found = 1;
	out->is_live = live != 0;
	out->zone = res.rows[0].v[2];
	return DB_OK;
}
