/*
 * The sealed columns, walked in primary-key order (a keyset scan, so a
 * run needs no state to resume: a value already under the current key
 * is simply passed over), re-sealed in short transactions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/tx.h"
#include "tools/keys.h"

/*
 * The SQL of each column is spelled out by these macros at compile
 * time, from the constants of the table below: no text is built at run
 * time and every value is a bound parameter.
 * scan: pk1, pk2 ('' if none), the row id of the associated data, value.
 */
#define SCAN1(t, c) \
	"SELECT id, '', id, " c " FROM " t " WHERE id > ? ORDER BY id LIMIT ?"
#define SCAN2(t, c, a, b) \
	"SELECT " a ", " b ", CONCAT(" a ", '/', " b "), " c " FROM " t \
	" WHERE " a " > ? OR (" a " = ? AND " b " > ?) ORDER BY " a ", " b \
	" LIMIT ?"
#define UPD1(t, c) \
	"UPDATE " t " SET " c " = ? WHERE id = ? AND " c " = ?"
#define UPD1K(t, c, k) \
	"UPDATE " t " SET " c " = ?, " k " = ? WHERE id = ? AND " c " = ?"
#define UPD2(t, c, a, b) \
	"UPDATE " t " SET " c " = ? WHERE " a " = ? AND " b " = ? AND " c " = ?"

#define COL1(t, c)	{ t "." c, SCAN1(t, c), UPD1(t, c), 1, 0, 0 }
#define COL1K(t, c, k)	{ t "." c, SCAN1(t, c), UPD1K(t, c, k), 1, 1, 0 }
#define COL2(t, c, a, b) { t "." c, SCAN2(t, c, a, b), UPD2(t, c, a, b), 2, 0, 0 }

/* Stored idempotent replies: this prefix, then the sealed value in base64url. */
#define REPLY_SEALED	"vault:"

struct keys_col {
	const char	*field;		/* the associated data's field name */
	const char	*scan;
	const char	*update;
	int		 npk;		/* primary-key columns: 1 or 2 */
	int		 has_key_col;	/* a *_key_id column repeats the key id */
	int		 is_b64;	/* REPLY_SEALED + base64url text */
};

/*
 * Every column lib/vault.h seals (tests/lint/test-keys-columns.sh checks
 * that each field name passed to vault_seal is here).
 */
static const struct keys_col cols[] = {
	COL1K("threads", "subject", "subject_key_id"),
	COL1K("messages", "body", "body_key_id"),
	COL1("attachments", "filename"),
	COL1("lab_results", "result_value"),
	COL1("lab_results", "notes"),
	COL2("lab_result_versions", "result_value", "lab_result_id", "version"),
	COL2("lab_result_versions", "notes", "lab_result_id", "version"),
	COL2("lab_result_versions", "reason", "lab_result_id", "version"),
	COL1("treatment_plans", "details"),
	COL1("treatment_plans", "goals"),
	COL1("video_session_events", "detail"),
	COL1("video_session_events", "notes"),
	{ "idempotency_keys.resp_body",
	    SCAN2("idempotency_keys", "resp_body", "user_id", "idem_key"),
	    UPD2("idempotency_keys", "resp_body", "user_id", "idem_key"),
	    2, 0, 1 },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

/* Lets the re-seal pass the append-only triggers (migration 0018). */
static const char SQL_REKEY[] = "SET @concierge_rekey = 1";

void
keys_tally_add(struct keys_tally *t, uint32_t id)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->ids[i] == id)
			break;
	if (i == t->n) {
		if (t->n == VAULT_MAX_KEYS + 1)
			i = t->n - 1;
		else
			t->ids[t->n++] = id;
	}
	t->counts[i]++;
}

unsigned long
keys_tally_of(const struct keys_tally *t, uint32_t id)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->ids[i] == id)
			return t->counts[i];
	return 0;
}

void
keys_values_list(void)
{
	size_t	 i;

	for (i = 0; i < NCOLS; i++)
		printf("%s\n", cols[i].field);
}

/* One value of a batch: as stored, and sealed again (arena). */
struct keys_val {
	const char		*pk1, *pk2, *row;
	const unsigned char	*old;
	size_t			 oldlen;
	const unsigned char	*box;	/* the stored form of the new value */
	size_t			 boxlen;
};

struct keys_batch {
	const struct keys_col	*col;
	struct keys_val		*v;
	size_t			 n, done;
	uint32_t		 current;
};

/* The sealed bytes of a stored value (arena for base64). NULL if not one. */
static const unsigned char *
raw_of(struct arena *a, const struct keys_col *col, const char *s, size_t n,
    size_t *len)
{
	size_t		 pre = sizeof(REPLY_SEALED) - 1;
	unsigned char	*raw;
	long		 k;

	if (!col->is_b64) {
		*len = n;
		return (const unsigned char *)s;
	}
	/* A reply stored before replies were sealed is not sealed: skip it. */
	if (n < pre || memcmp(s, REPLY_SEALED, pre) != 0)
		return NULL;
	raw = arena_alloc(a, 3 * (n - pre) / 4 + 1);
	if ((k = crypto_b64url_decode(s + pre, n - pre, raw)) < 0)
		return NULL;
	*len = (size_t)k;
	return raw;
}

/* The stored form of a sealed value (arena). */
static const unsigned char *
stored_of(struct arena *a, const struct keys_col *col, const unsigned char *box,
    size_t n, size_t *len)
{
	size_t	 pre = sizeof(REPLY_SEALED) - 1;
	char	*out;

	if (!col->is_b64) {
		*len = n;
		return box;
	}
	out = arena_alloc(a, pre + 4 * ((n + 2) / 3) + 1);
	memcpy(out, REPLY_SEALED, pre);
	*len = pre + crypto_b64url(box, n, out + pre);
	return (const unsigned char *)out;
}

/*
 * Open one stored value, count it, and when it is under an old key and
 * is_reseal, seal it again into v. 1 if v is to be written, 0 if not,
 * -1 if it does not open (counted as bad).
 */
static int
take_value(struct ctx *c, const struct keys_col *col, struct keys_tally *t,
    const struct db_row *r, int is_reseal, uint32_t current, struct keys_val *v)
{
	const unsigned char	*raw;
	unsigned char		*box, *copy;
	size_t			 rawlen, boxlen;
	char			*plain;
	size_t			 plen;
	uint32_t		 id;

	if (r->v[3] == NULL)
		return 0;
	if ((raw = raw_of(c->arena, col, r->v[3], r->len[3], &rawlen)) == NULL) {
		if (col->is_b64)
			return 0;
		t->bad++;
		return -1;
	}
	id = vault_key_id(raw, rawlen);
	if (vault_open(c->cfg, c->arena, col->field, r->v[2], raw, rawlen,
	    &plain, &plen) == -1) {
		t->bad++;
		return -1;
	}
	keys_tally_add(t, id);
	if (!is_reseal || id == current)
		return 0;
	if (vault_seal(c->cfg, c->arena, col->field, r->v[2], plain, plen, &box,
	    &boxlen) == -1)
		return -1;
	explicit_bzero(plain, plen);
	v->pk1 = arena_strdup(c->arena, r->v[0]);
	v->pk2 = arena_strdup(c->arena, r->v[1]);
	v->oldlen = r->len[3];
	v->old = copy = arena_alloc(c->arena, v->oldlen + 1);
	memcpy(copy, r->v[3], v->oldlen);
	v->box = stored_of(c->arena, col, box, boxlen, &v->boxlen);
	return 1;
}

/* The UPDATEs of one batch and its audit row (run by tx_run). */
static int
batch_tx(struct ctx *c, void *arg)
{
	struct keys_batch	*b = arg;
	const struct keys_col	*col = b->col;
	struct db_param		 p[5];
	unsigned long long	 n;
	size_t			 i, k;
	int			 rc;

	b->done = 0;
	if ((rc = db_exec(c->db, SQL_REKEY, DB_NOARGS, NULL)) != DB_OK)
		return rc;
	for (i = 0; i < b->n; i++) {
		k = 0;
		p[k++] = DB_BLOB(b->v[i].box, b->v[i].boxlen);
		if (col->has_key_col)
			p[k++] = DB_INT(b->current);
		p[k++] = DB_TEXT(b->v[i].pk1);
		if (col->npk == 2)
			p[k++] = DB_TEXT(b->v[i].pk2);
		p[k++] = DB_BLOB(b->v[i].old, b->v[i].oldlen);
		if ((rc = db_exec(c->db, col->update, p, k, &n)) != DB_OK)
			return rc;
		/* 0: changed meanwhile (a new value is under the current key). */
		b->done += (size_t)n;
	}
	return keys_audit_batch(c, col->field, b->done, b->current);
}

struct scan_state {
	struct ctx		*c;
	const struct keys_col	*col;
	struct keys_tally	*t;
	struct keys_batch	 b;
	int			 is_reseal;
	size_t			 rows;
	char			*last1, *last2;
};

static int
scan_row(void *arg, const struct db_row *r)
{
	struct scan_state	*s = arg;

	s->rows++;
	free(s->last1);
	free(s->last2);
	s->last1 = strdup(r->v[0]);
	s->last2 = strdup(r->v[1]);
	if (s->last1 == NULL || s->last2 == NULL)
		abort();
	if (take_value(s->c, s->col, s->t, r, s->is_reseal, s->b.current,
	    &s->b.v[s->b.n]) == 1)
		s->b.n++;
	return 0;
}

/* One column, batch rows at a time. 0, 1 at max_batches, or -1. */
static int
scan_col(struct ctx *c, const struct keys_col *col, struct keys_tally *t,
    int is_reseal, size_t batch, unsigned long max_batches)
{
	struct scan_state	 s;
	int			 rc = -1, q;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.col = col;
	s.t = t;
	s.is_reseal = is_reseal;
	s.b.col = col;
	s.b.current = vault_current_key(c->cfg);
	if ((s.last1 = strdup("")) == NULL || (s.last2 = strdup("")) == NULL)
		abort();
	do {
		arena_reset(c->arena);
		s.rows = 0;
		s.b.n = 0;
		s.b.v = arena_alloc(c->arena, batch * sizeof(*s.b.v));
		/* A consistent read: no lock is taken while scanning. */
		if (col->npk == 1)
			q = db_query_each(c->db, col->scan, DB_ARGS(DB_TEXT(s.last1),
			    DB_INT(batch)), scan_row, &s);
		else
			q = db_query_each(c->db, col->scan, DB_ARGS(DB_TEXT(s.last1),
			    DB_TEXT(s.last1), DB_TEXT(s.last2), DB_INT(batch)),
			    scan_row, &s);
		if (q != DB_OK)
			goto out;
		if (s.b.n == 0)
			continue;
		if (tx_run(c, batch_tx, &s.b) != DB_OK) {
			log_errx("keys: a batch of %s failed", col->field);
			goto out;
		}
		t->resealed += s.b.done;
		if (++t->batches == max_batches) {
			rc = 1;
			goto out;
		}
	} while (s.rows == batch);
	rc = 0;
out:
	free(s.last1);
	free(s.last2);
	arena_reset(c->arena);
	return rc;
}

int
keys_values_scan(struct ctx *c, struct keys_tally *t, int is_reseal,
    size_t batch, unsigned long max_batches)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < NCOLS; i++) {
		rc = scan_col(c, &cols[i], t, is_reseal, batch, max_batches);
		if (rc != 0)
			return rc;
	}
	return 0;
}
