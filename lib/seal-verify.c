/*
 * Verification of the audit seal: the walk over entries and checkpoints,
 * and seal_verify, which feeds it from the database page by page inside
 * one consistent snapshot. The first problem found stops the walk; ids
 * are walked in order, so it is the first id the chain cannot explain.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/seal-verify.h"
#include "lib/store-audit.h"

/* Entries and checkpoints read per query. */
#define ENTRY_PAGE	4096
#define CP_PAGE		1024

void
seal_walk_init(struct seal_walk *w, const struct seal_keyring *ring,
    const struct seal_head *want, unsigned flags, seal_cp_next_fn next_cp,
    void *cp_arg, struct seal_verdict *v)
{
	memset(w, 0, sizeof(*w));
	memset(v, 0, sizeof(*v));
	seal_init(&w->sc);
	w->ring = ring;
	w->want = want;
	w->flags = flags;
	w->next_cp = next_cp;
	w->cp_arg = cp_arg;
	w->v = v;
	w->expect = 1;
}

void
seal_walk_release(struct seal_walk *w)
{
	w->v->is_ok = !w->is_bad && !w->is_failed;
	seal_release(&w->sc);
}

/* Record a problem at id: the first one found (lower ids win); returns -1 to stop. */
static int __attribute__((format(printf, 3, 4)))
bad(struct seal_walk *w, unsigned long long id, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;
	int	 len;

	if (w->is_bad && w->v->first_bad_id <= id)
		return -1;
	w->is_bad = 1;
	w->v->first_bad_id = id;
	len = snprintf(w->v->problem, sizeof(w->v->problem), "id %llu: ", id);
	n = len > 0 && (size_t)len < sizeof(w->v->problem) ? (size_t)len : 0;
	va_start(ap, fmt);
	vsnprintf(w->v->problem + n, sizeof(w->v->problem) - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Make sure the next checkpoint is at hand (if there is one). 0 or -1. */
static int
pull_cp(struct seal_walk *w)
{
	int	 rc;

	if (w->has_cp || w->is_cp_end)
		return 0;
	if ((rc = w->next_cp(w->cp_arg, &w->cp)) == -1) {
		w->is_failed = 1;
		return -1;
	}
	if (rc == 0)
		w->is_cp_end = 1;
	else
		w->has_cp = 1;
	return 0;
}

/* 1 if cp carries a valid signature by a key of the ring. */
static int
signature_holds(struct seal_walk *w, const struct seal_checkpoint *cp)
{
	w->v->signatures++;
	return seal_checkpoint_check(&w->sc, w->ring, cp, NULL) == SEAL_SIG_OK;
}

static int
forged(struct seal_walk *w, const struct seal_checkpoint *cp)
{
	return bad(w, cp->first_id, "checkpoint %llu: the signature does not "
	    "verify (forged or altered)", cp->seq);
}

/*
 * Let cp vouch for its ids: it becomes the last checkpoint accepted; its
 * signature was checked (is_checked) or will be once no later one does.
 */
static void
accept(struct seal_walk *w, const struct seal_checkpoint *cp, int idx,
    int is_checked)
{
	w->prior = w->cur;
	w->cur.is_set = 1;
	w->cur.is_checked = is_checked;
	w->cur.is_forged = 0;
	w->cur.through = cp->last_id;
	w->cur.count = w->prior.count + 1;
	memcpy(w->cur.head, w->hash, SEAL_HASH_LEN);
	w->cur.cp = *cp;
	if (is_checked)
		w->confirmed = w->cur;
	if (seal_checkpoint_digest(&w->sc, cp, w->cur_digest) == -1)
		memset(w->cur_digest, 0, SEAL_HASH_LEN);
	w->cur_key = idx;
	w->nrows = w->nskip = 0;
	w->has_cp = 0;
}

/*
 * cp does not name the digest of the last checkpoint accepted: one of the
 * two was altered. If that one's own signature holds, cp is at fault.
 */
static int
unlinked(struct seal_walk *w, const struct seal_checkpoint *cp,
    unsigned long long from)
{
	if (w->cur.is_checked || signature_holds(w, &w->cur.cp)) {
		w->cur.is_checked = 1;
		return bad(w, from, "checkpoint %llu does not name checkpoint "
		    "%llu before it (altered)", cp->seq, w->cur.cp.seq);
	}
	w->cur.is_forged = 1;
	return forged(w, &w->cur.cp);
}

/*
 * The walk has reached the end of the next checkpoint's range: check
 * everything it says, then let it vouch for its ids. Problems are
 * reported at its first id, the first one no signature vouches for. Its
 * signature is checked now when it is the first one, the first one of
 * its key, or with SEAL_VERIFY_ALL_SIGNATURES; else the next checkpoint's
 * link, or seal_walk_end, vouches for it.
 */
static int
check_cp(struct seal_walk *w)
{
	static const unsigned char	 zero[SEAL_HASH_LEN];
	const struct seal_checkpoint	*cp = &w->cp;
	unsigned long long		 from = w->cur.through + 1;
	unsigned long long		 prev_seq = w->cur.cp.seq;
	int				 idx, is_checked;

	if (cp->seq != prev_seq + 1)
		return bad(w, from, "checkpoint %llu follows checkpoint %llu "
		    "(%s)", cp->seq, prev_seq, cp->seq > prev_seq ?
		    "checkpoints deleted" : "out of order");
	if ((idx = seal_keyring_find(w->ring, cp->key_id)) == -1)
		return bad(w, from, "checkpoint %llu is signed by key %s, which "
		    "audit.verify_key_file does not list", cp->seq, cp->key_id);
	if (idx < w->cur_key)
		return bad(w, from, "checkpoint %llu is signed by key %s, listed "
		    "before the key of checkpoint %llu (a retired key; the ring "
		    "lists keys oldest first)", cp->seq, cp->key_id, prev_seq);
	if (!crypto_equal(cp->prev, w->cur.is_set ? w->cur_digest : zero,
	    SEAL_HASH_LEN))
		return w->cur.is_set ? unlinked(w, cp, from) : bad(w, from,
		    "checkpoint %llu names a checkpoint before it", cp->seq);
	if (cp->first_id != from)
		return bad(w, from, "checkpoint %llu covers ids from %llu, not "
		    "from %llu", cp->seq, cp->first_id, from);
	if (!crypto_equal(cp->head, w->hash, SEAL_HASH_LEN))
		return bad(w, from, "ids %llu..%llu do not lead to the signed "
		    "head of checkpoint %llu (a row or seal entry among them "
		    "was altered and the seal hashes recomputed)", from,
		    cp->last_id, cp->seq);
	if (cp->rows != w->nrows || cp->skipped != w->nskip)
		return bad(w, from, "checkpoint %llu counts %llu rows and %llu "
		    "skipped ids; its entries hold %llu and %llu", cp->seq,
		    cp->rows, cp->skipped, w->nrows, w->nskip);
	is_checked = (w->flags & SEAL_VERIFY_ALL_SIGNATURES) || !w->cur.is_set ||
	    idx != w->cur_key;
	if (is_checked && !signature_holds(w, cp))
		return forged(w, cp);
	accept(w, cp, idx, is_checked);
	return 0;
}

/* Publish what a vouch state vouches for into the verdict. */
static void
publish(struct seal_walk *w, const struct seal_vouch *s)
{
	w->v->sealed_through = s->is_set ? s->through : 0;
	w->v->checkpoints = s->is_set ? s->count : 0;
	if (s->is_set) {
		memcpy(w->v->head, s->head, SEAL_HASH_LEN);
		w->v->newest = s->cp;
	}
}

/*
 * The last checkpoint accepted vouches for all before it once its own
 * signature holds; if it does not, the one before it, if its does; else
 * the last one whose signature was checked.
 */
static void
settle(struct seal_walk *w)
{
	if (w->cur.is_set && !w->cur.is_checked && !w->cur.is_forged) {
		if (signature_holds(w, &w->cur.cp))
			w->cur.is_checked = 1;
		else {
			w->cur.is_forged = 1;
			(void)forged(w, &w->cur.cp);
		}
	}
	if (!w->cur.is_forged) {
		publish(w, &w->cur);
		return;
	}
	if (w->prior.is_set && (w->prior.is_checked ||
	    signature_holds(w, &w->prior.cp))) {
		publish(w, &w->prior);
		return;
	}
	if (w->prior.is_set)
		(void)forged(w, &w->prior.cp);
	publish(w, &w->confirmed);
}

/* Compare the chain at the end of an entry first..last with the expected head. */
static void
note_want(struct seal_walk *w, unsigned long long first, unsigned long long last)
{
	if (w->want == NULL || w->want->id < first || w->want->id > last)
		return;
	w->want_state = w->want->id == last &&
	    crypto_equal(w->hash, w->want->hash, SEAL_HASH_LEN) ? 1 : -1;
}

/* Chain one entry whose ids and kind parsed; stored is its hash cell. */
static int
chain_entry(struct seal_walk *w, const struct db_row *r, unsigned long long first,
    unsigned long long last, int is_skip)
{
	unsigned char	 next[SEAL_HASH_LEN];

	if (is_skip ? seal_step_skip(&w->sc, w->hash, first, last, next) :
	    seal_step_row(&w->sc, w->hash, r->v + SEAL_E_ROW,
	    r->len + SEAL_E_ROW, next))
		return bad(w, first, "row cannot be read in canonical form");
	if (r->v[SEAL_E_HASH] == NULL || r->len[SEAL_E_HASH] != SEAL_HASH_LEN ||
	    !crypto_equal(next, r->v[SEAL_E_HASH], SEAL_HASH_LEN))
		return bad(w, first, is_skip ? "skip entry does not match its "
		    "seal hash" : "row does not match its seal (edited, swapped "
		    "or re-sealed)");
	memcpy(w->hash, next, SEAL_HASH_LEN);
	w->expect = last + 1;
	w->v->entries++;
	if (is_skip)
		w->nskip += last - first + 1;
	else
		w->nrows++;
	note_want(w, first, last);
	return 0;
}

int
seal_walk_entry(struct seal_walk *w, const struct db_row *r)
{
	unsigned long long	 first, last;
	int			 is_skip;

	if (w->is_bad || w->is_failed)
		return -1;
	if (r->ncols != SEAL_E_NCELLS ||
	    seal_parse_id(r->v[SEAL_E_AUDIT_ID], &first) == -1 ||
	    seal_parse_id(r->v[SEAL_E_LAST_ID], &last) == -1 ||
	    r->v[SEAL_E_KIND] == NULL || (strcmp(r->v[SEAL_E_KIND], "row") != 0 &&
	    strcmp(r->v[SEAL_E_KIND], "skip") != 0))
		return bad(w, w->expect, "seal entry is malformed");
	is_skip = strcmp(r->v[SEAL_E_KIND], "skip") == 0;
	if (first > w->expect)
		return bad(w, w->expect, "no seal entry covers ids %llu..%llu "
		    "(seal entries deleted)", w->expect, first - 1);
	if (first < w->expect)
		return bad(w, first, "seal entries overlap");
	if (last < first)
		return bad(w, first, "seal entry covers ids %llu..%llu", first,
		    last);
	if (!is_skip && last != first)
		return bad(w, first, "row entry covers ids %llu..%llu; a row "
		    "entry covers its own id only", first, last);
	if (!is_skip && r->v[SEAL_E_ROW] == NULL)
		return bad(w, first, "sealed row is missing (deleted)");
	if (chain_entry(w, r, first, last, is_skip) == -1 || pull_cp(w) == -1)
		return -1;
	if (w->has_cp && w->cp.is_malformed)
		return bad(w, w->cur.through + 1, "checkpoint %llu is malformed",
		    w->cp.seq);
	if (w->has_cp && w->cp.last_id < last)
		return bad(w, w->cur.through + 1, "checkpoint %llu ends at "
		    "id %llu, which no seal entry ends at", w->cp.seq,
		    w->cp.last_id);
	if (w->has_cp && w->cp.last_id == last)
		return check_cp(w);
	return 0;
}

/* Once every entry was walked: what no entry or checkpoint explains, the expected head. */
static void
end_checks(struct seal_walk *w)
{
	unsigned long long	 end = w->expect - 1;

	if (w->has_cp)
		(void)bad(w, w->expect, w->cp.is_malformed ? "checkpoint %llu "
		    "is malformed" : "seal entries missing before checkpoint "
		    "%llu (tail truncated)", w->cp.seq);
	else if (end > w->cur.through)
		(void)bad(w, w->cur.through + 1, "seal entries for ids "
		    "%llu..%llu are not covered by a signed checkpoint",
		    w->cur.through + 1, end);
	else if (w->want != NULL && w->want->id > end)
		(void)bad(w, end + 1, "the chain ends before the expected head "
		    "at id %llu (tail truncated)", w->want->id);
	else if (w->want != NULL && w->want_state != 1)
		(void)bad(w, w->want->id, "the chain does not lead to the "
		    "expected head");
}

void
seal_walk_end(struct seal_walk *w)
{
	if (!w->is_bad && !w->is_failed && pull_cp(w) == 0)
		end_checks(w);
	if (!w->is_failed)
		settle(w);
}

void
seal_walk_forged(struct seal_walk *w, unsigned long long id)
{
	(void)bad(w, id, "row present at an id sealed as never committed "
	    "(inserted later)");
}

/* ---- feeding the walk from the database ---- */

struct cp_pager {
	struct db		*db;
	struct arena		 arena;
	struct seal_checkpoint	*page;
	size_t			 n, i;
	unsigned long long	 after;		/* seq of the last one handed out */
	int			 is_last_page;
};

static int
cp_next(void *arg, struct seal_checkpoint *out)
{
	struct cp_pager	*pg = arg;

	if (pg->i == pg->n) {
		if (pg->is_last_page)
			return 0;
		arena_reset(&pg->arena);
		if (store_audit_checkpoints_after(pg->db, &pg->arena, pg->after,
		    CP_PAGE, &pg->page, &pg->n) != DB_OK)
			return -1;
		pg->i = 0;
		pg->is_last_page = pg->n < CP_PAGE;
		if (pg->n == 0)
			return 0;
	}
	*out = pg->page[pg->i++];
	pg->after = out->seq;
	return 1;
}

/* Walk every entry, a page at a time. 0, or -1 if the database failed. */
static int
walk_entries(struct seal_walk *w, struct db *db)
{
	struct arena		 a;
	struct db_res		 res;
	unsigned long long	 after = 0;
	size_t			 i;
	int			 rc = -1;

	arena_init(&a);
	for (;;) {
		arena_reset(&a);
		if (store_audit_entries_after(db, &a, after, ENTRY_PAGE, &res) !=
		    DB_OK)
			goto out;
		for (i = 0; i < res.nrows; i++)
			if (seal_walk_entry(w, &res.rows[i]) == -1)
				break;
		if (w->is_failed)
			goto out;
		if (w->is_bad || res.nrows < ENTRY_PAGE)
			break;
		if (seal_parse_id(res.rows[res.nrows - 1].v[SEAL_E_AUDIT_ID],
		    &after) == -1)
			goto out;
	}
	rc = 0;
out:
	arena_release(&a);
	return rc;
}

int
seal_verify(struct db *db, const struct seal_keyring *ring,
    const struct seal_head *want, unsigned flags, struct seal_verdict *v)
{
	struct cp_pager		 pg;
	struct seal_walk	 w;
	struct arena		 a;
	unsigned long long	 forged;
	int			 has_forged, rc = -1;

	memset(&pg, 0, sizeof(pg));
	pg.db = db;
	arena_init(&pg.arena);
	arena_init(&a);
	seal_walk_init(&w, ring, want, flags, cp_next, &pg, v);
	if (store_audit_snapshot_begin(db) != DB_OK || walk_entries(&w, db) == -1)
		goto out;
	seal_walk_end(&w);
	if (w.is_failed ||
	    store_audit_forged_min(db, &a, &forged, &has_forged) != DB_OK)
		goto out;
	if (has_forged)
		seal_walk_forged(&w, forged);
	rc = 0;
out:
	store_audit_snapshot_end(db);
	seal_walk_release(&w);
	arena_release(&a);
	arena_release(&pg.arena);
	return rc;
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
	jset_int(o, "checkpoints_checked", (long long)v->checkpoints);
	jset_int(o, "signatures_checked", (long long)v->signatures);
	if (v->checkpoints > 0) {
		head = json_object_new_object();
		crypto_hex(v->head, SEAL_HASH_LEN, hex);
		jset_int(head, "id", (long long)v->sealed_through);
		jset_str(head, "hash", hex);
		jset_int(head, "checkpoint", (long long)v->newest.seq);
		jset_str(head, "key_id", v->newest.key_id);
		jset_time(head, "sealed_at", v->newest.sealed_at);
	}
	jset(o, "head", head);
	return o;
}
