/*
 * The audit chain: canonical form, chain steps, key file, verification.
 * The canonical form is fixed by docs/AUDIT.md; changing a byte of it
 * breaks every existing chain, so it carries a version in its first
 * field ("audit.row.v1", "audit.skip.v1").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/seal.h"
#include "lib/store-audit.h"
#include "lib/time.h"

#define KEY_FILE_MAX	256

/* Cells of a seal_each row: the entry, then the audit row's columns. */
enum {
	E_AUDIT_ID = 0,
	E_LAST_ID,
	E_KIND,
	E_HASH,
	E_ROW,		/* first of SEAL_NCOLS audit columns */
};

int
seal_parse_id(const char *s, unsigned long long *out)
{
	char	*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
seal_key_load(const char *path, unsigned char key[SEAL_KEY_LEN])
{
	char	 text[KEY_FILE_MAX];
	ssize_t	 n;
	int	 fd, rc = -1;

	if (path == NULL || *path == '\0') {
		log_errx("audit: audit.key_file is not configured");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_errx("audit: cannot open key file '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		log_errx("audit: cannot read key file '%s'", path);
		goto out;
	}
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	    text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	text[n] = '\0';
	if (n != 2 * SEAL_KEY_LEN || crypto_unhex(text, key, SEAL_KEY_LEN) == -1) {
		log_errx("audit: key file '%s' must hold exactly 64 hex digits",
		    path);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(text, sizeof(text));
	return rc;
}

void
seal_init(struct seal_ctx *sc, const unsigned char key[SEAL_KEY_LEN])
{
	memcpy(sc->key, key, SEAL_KEY_LEN);
	buf_init(&sc->msg, SEAL_MSG_MAX);
}

void
seal_release(struct seal_ctx *sc)
{
	explicit_bzero(sc->key, sizeof(sc->key));
	buf_release(&sc->msg);
}

/* A present value: 'S', its length as 4 bytes big-endian, the bytes. */
static int
put_bytes(struct buf *b, const void *p, size_t n)
{
	unsigned char	 hdr[5];

	if (n > 0xffffffffUL)
		return -1;
	hdr[0] = 'S';
	hdr[1] = (unsigned char)(n >> 24);
	hdr[2] = (unsigned char)(n >> 16);
	hdr[3] = (unsigned char)(n >> 8);
	hdr[4] = (unsigned char)n;
	if (buf_add(b, hdr, sizeof(hdr)) == -1)
		return -1;
	return n == 0 ? 0 : buf_add(b, p, n);
}

/* SQL NULL: the single byte 'N'. */
static int
put_null(struct buf *b)
{
	return buf_add(b, "N", 1);
}

static int
put_str(struct buf *b, const char *s)
{
	return put_bytes(b, s, strlen(s));
}

/* A number as its shortest decimal text. */
static int
put_num(struct buf *b, long long v, int is_unsigned)
{
	char	 num[32];

	if (is_unsigned)
		snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	else
		snprintf(num, sizeof(num), "%lld", v);
	return put_str(b, num);
}

int
seal_canonical_row(struct buf *b, char *const *v, const size_t *len)
{
	unsigned long long	 id;
	int64_t			 at;
	size_t			 i;

	if (seal_parse_id(v[0], &id) == -1 || db_cell_time(v[1], &at) == -1)
		return -1;
	if (put_str(b, "audit.row.v1") == -1 ||
	    put_num(b, (long long)id, 1) == -1 || put_num(b, at, 0) == -1)
		return -1;
	for (i = 2; i < SEAL_NCOLS; i++)
		if ((v[i] == NULL ? put_null(b) : put_bytes(b, v[i], len[i])) == -1)
			return -1;
	return 0;
}

int
seal_canonical_skip(struct buf *b, unsigned long long first,
    unsigned long long last)
{
	if (put_str(b, "audit.skip.v1") == -1 ||
	    put_num(b, (long long)first, 1) == -1 ||
	    put_num(b, (long long)last, 1) == -1)
		return -1;
	return 0;
}

static int
finish(struct seal_ctx *sc, unsigned char out[SEAL_HASH_LEN])
{
	return crypto_hmac_sha256(sc->key, SEAL_KEY_LEN, sc->msg.data,
	    sc->msg.len, out);
}

int
seal_step_row(struct seal_ctx *sc, const unsigned char prev[SEAL_HASH_LEN],
    char *const *v, const size_t *len, unsigned char out[SEAL_HASH_LEN])
{
	buf_clear(&sc->msg);
	if (buf_add(&sc->msg, prev, SEAL_HASH_LEN) == -1 ||
	    seal_canonical_row(&sc->msg, v, len) == -1)
		return -1;
	return finish(sc, out);
}

int
seal_step_skip(struct seal_ctx *sc, const unsigned char prev[SEAL_HASH_LEN],
    unsigned long long first, unsigned long long last,
    unsigned char out[SEAL_HASH_LEN])
{
	buf_clear(&sc->msg);
	if (buf_add(&sc->msg, prev, SEAL_HASH_LEN) == -1 ||
	    seal_canonical_skip(&sc->msg, first, last) == -1)
		return -1;
	return finish(sc, out);
}

/* ---- verification ---- */

struct walk {
	struct seal_ctx			*sc;
	struct seal_verdict		*v;
	unsigned long long		 expect;	/* next id an entry must start at */
	unsigned char			 hash[SEAL_HASH_LEN];
	const struct store_checkpoint	*cp;
	int				 is_cp_matched;
	const struct seal_head		*want;
	int				 is_want_matched;
	int				 is_bad;
};

/* Record the first problem; returns -1 to stop the stream. */
static int
bad(struct walk *w, unsigned long long id, const char *what)
{
	w->is_bad = 1;
	w->v->first_bad_id = id;
	snprintf(w->v->problem, sizeof(w->v->problem), "id %llu: %s", id, what);
	return -1;
}

/* Compare the chain at the end of an entry with the checkpoint and the expected head. */
static void
note_marks(struct walk *w, unsigned long long last)
{
	if (w->cp->is_found && w->cp->last_id == last)
		w->is_cp_matched = crypto_equal(w->hash, w->cp->hash,
		    SEAL_HASH_LEN);
	if (w->want != NULL && w->want->id == last)
		w->is_want_matched = crypto_equal(w->hash, w->want->hash,
		    SEAL_HASH_LEN);
}

static int
walk_entry(void *arg, const struct db_row *r)
{
	struct walk		*w = arg;
	unsigned long long	 first, last;
	unsigned char		 next[SEAL_HASH_LEN];
	int			 is_skip;

	if (seal_parse_id(r->v[E_AUDIT_ID], &first) == -1 ||
	    seal_parse_id(r->v[E_LAST_ID], &last) == -1 || r->v[E_KIND] == NULL)
		return bad(w, w->expect, "seal entry is malformed");
	if (first > w->expect)
		return bad(w, w->expect, "no seal entry (seal entry deleted)");
	if (first < w->expect)
		return bad(w, first, "seal entries overlap");
	is_skip = strcmp(r->v[E_KIND], "skip") == 0;
	if (!is_skip && r->v[E_ROW] == NULL)
		return bad(w, first, "sealed row is missing (deleted)");
	if (is_skip ? seal_step_skip(w->sc, w->hash, first, last, next) :
	    seal_step_row(w->sc, w->hash, r->v + E_ROW, r->len + E_ROW, next))
		return bad(w, first, "row cannot be read in canonical form");
	if (r->v[E_HASH] == NULL || r->len[E_HASH] != SEAL_HASH_LEN ||
	    !crypto_equal(next, r->v[E_HASH], SEAL_HASH_LEN))
		return bad(w, first, is_skip ? "skip entry does not match its seal" :
		    "row does not match its seal (edited, swapped or re-sealed)");
	memcpy(w->hash, next, SEAL_HASH_LEN);
	w->v->entries++;
	w->v->sealed_through = last;
	w->expect = last + 1;
	note_marks(w, last);
	return 0;
}

/* After a clean walk: the checkpoint and the expected head must lie on the chain. */
static void
check_marks(struct walk *w)
{
	unsigned long long	 end = w->v->sealed_through;

	if (w->cp->is_found && w->cp->last_id > end)
		(void)bad(w, end + 1, "seal entries missing before the newest "
		    "checkpoint (tail truncated)");
	else if (w->cp->is_found && !w->is_cp_matched)
		(void)bad(w, w->cp->last_id, "newest checkpoint does not match "
		    "the chain");
	else if (w->want != NULL && w->want->id > end)
		(void)bad(w, end + 1, "chain ends before the expected head "
		    "(tail truncated)");
	else if (w->want != NULL && !w->is_want_matched)
		(void)bad(w, w->want->id, "chain does not lead to the expected "
		    "head");
}

int
seal_verify(struct db *db, struct arena *a, struct seal_ctx *sc,
    const struct seal_head *expect, struct seal_verdict *v)
{
	struct store_checkpoint	 cp;
	struct walk		 w;
	unsigned long long	 forged;
	int			 has_forged, rc;

	memset(v, 0, sizeof(*v));
	memset(&w, 0, sizeof(w));
	/* The checkpoint first: entries committed with it are then all visible. */
	if (store_audit_checkpoint_last(db, a, &cp) != DB_OK)
		return -1;
	w.sc = sc;
	w.v = v;
	w.expect = 1;
	w.cp = &cp;
	w.want = expect;
	rc = store_audit_seal_each(db, walk_entry, &w);
	if (rc != DB_OK && !w.is_bad)
		return -1;
	if (!w.is_bad)
		check_marks(&w);
	if (store_audit_forged_min(db, a, &forged, &has_forged) != DB_OK)
		return -1;
	if (has_forged && (!w.is_bad || forged < v->first_bad_id)) {
		w.is_bad = 1;
		v->first_bad_id = forged;
		snprintf(v->problem, sizeof(v->problem), "id %llu: row present "
		    "at an id sealed as never committed (inserted later)", forged);
	}
	v->is_ok = !w.is_bad;
	memcpy(v->head, w.hash, SEAL_HASH_LEN);
	return 0;
}

struct json_object *
seal_verdict_json(const struct seal_verdict *v)
{
	struct json_object	*o = json_object_new_object(), *head = NULL;
	char			 hex[2 * SEAL_HASH_LEN + 1];

	jset_int(o, "sealed_through", (long long)v->sealed_through);
	jset_bool(o, "ok", v->is_ok);
	if (v->is_ok)
		jset(o, "first_bad_id", NULL);
	else
		jset_int(o, "first_bad_id", (long long)v->first_bad_id);
	jset_str(o, "problem", v->is_ok ? NULL : v->problem);
	jset_int(o, "entries_checked", (long long)v->entries);
	if (v->is_ok && v->sealed_through > 0) {
		head = json_object_new_object();
		crypto_hex(v->head, SEAL_HASH_LEN, hex);
		jset_int(head, "id", (long long)v->sealed_through);
		jset_str(head, "hash", hex);
	}
	jset(o, "head", head);
	return o;
}
