/*
 * What every lab-result command shares: loading a result with its text
 * opened and checking who may see or change it, locking it inside the
 * command's transaction, the compare-and-swap write, and the snapshot
 * of a released version.
 */
#include "config.h"

#include <string.h>

#include "lib/attachment.h"
#include "lib/json.h"
#include "cgi-bin/records/labs.h"
#include "cgi-bin/records/store-labs.h"

int
lab_load(struct ctx *c, struct lab_rec *r)
{
	int	 found = 0;

	if (id_is_valid(c->cap[0]) && store_lab_get(c->db, c->arena, c->cap[0],
	    0, r, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such lab result");
		return 0;
	}
	return lab_open(c, r) == 0 ? 1 : -1;
}

int
lab_load_for(struct ctx *c, const char *verb, enum pol_action act,
    struct lab_rec *r, struct pol_resource *res)
{
	struct pol_resource	 mine;
	int			 rc;

	if (res == NULL)
		res = &mine;
	if ((rc = lab_load(c, r)) != 1)
		return rc;
	if (!lab_visible(c, r, verb, res))
		return 0;
	if (act != POL__MAX && !clin_may(c, act, res, verb, "lab_result", r->id,
	    r->patient_id))
		return 0;
	return 1;
}

static int
status_in(const char *s, const char *const *from)
{
	for (; *from != NULL; from++)
		if (strcmp(s, *from) == 0)
			return 1;
	return 0;
}

int
lab_lock(struct ctx *c, const char *id, const char *const *from,
    long long version, struct lab_rec *r)
{
	int	 rc, found = 0;

	if ((rc = store_lab_get(c->db, c->arena, id, 1, r, &found)) != DB_OK)
		return rc;
	if (!found) {
		problem(c, 404, "not_found", "no such lab result");
		return 1;
	}
	if (!status_in(r->status, from)) {
		clin_conflict(c, "invalid_transition", arena_printf(c->arena,
		    "not allowed while the result is %s", r->status));
		return 1;
	}
	if (version >= 0 && r->version != version) {
		clin_conflict(c, "version_conflict", arena_printf(c->arena,
		    "the result is at version %lld now", r->version));
		return 1;
	}
	return lab_open(c, r) == 0 ? DB_OK : DB_ERROR;
}

int
lab_store(struct ctx *c, struct lab_rec *r, const char *from,
    long long from_version, int reseal)
{
	unsigned long long	 n = 0;
	int			 rc;

	if (reseal && lab_seal(c, r) == -1)
		return DB_ERROR;
	if ((rc = store_lab_write(c->db, r, from, from_version, &n)) != DB_OK)
		return rc;
	/* The row is locked; this only fires if a writer skipped the lock. */
	if (n != 1) {
		clin_conflict(c, "conflict", "the lab result changed meanwhile");
		return 1;
	}
	return DB_OK;
}

int
lab_snapshot(struct ctx *c, const struct lab_rec *r, const char *reason)
{
	struct lab_version_rec	 v;

	memset(&v, 0, sizeof(v));
	v.version = r->version;
	v.status = r->status;
	v.v = r->v;
	v.reason = reason;
	v.recorded_by = r->updated_by;
	v.published_at = r->published_at;
	if (lab_version_seal(c, r->id, &v) == -1)
		return DB_ERROR;
	return store_lab_version_insert(c->db, r->id, &v);
}

/* Ids in a "a,b,c" list (NULL is none). */
static size_t
ids_count(const char *list)
{
	size_t	 n = 0;

	if (list == NULL || *list == '\0')
		return 0;
	for (n = 1; *list != '\0'; list++)
		n += *list == ',';
	return n;
}

int
lab_ids_check(struct ctx *c, const struct jv *ids)
{
	size_t	 i, j;

	if (!ids->is_set)
		return 0;
	for (i = 0; i < ids->n; i++)
		for (j = i + 1; j < ids->n; j++)
			if (strcmp(ids->strs[i], ids->strs[j]) == 0) {
				ctx_error(c, "attachment_ids", "names a file twice");
				return -1;
			}
	return 0;
}

int
lab_link(struct ctx *c, struct lab_rec *r, const struct jv *ids)
{
	size_t	 i;
	int	 rc, linked;

	if (!ids->is_set || ids->n == 0)
		return DB_OK;
	if (ids_count(r->attachment_ids) + ids->n > ATTACHMENT_PER_RECORD) {
		ctx_error(c, "attachment_ids", arena_printf(c->arena,
		    "a result holds at most %d files", ATTACHMENT_PER_RECORD));
		problem_validation(c);
		return 1;
	}
	for (i = 0; i < ids->n; i++) {
		if ((rc = attachment_link(c, ids->strs[i],
		    ATTACHMENT_KIND_LAB_RESULT, r->id, &linked)) != DB_OK)
			return rc;
		/* Not there, not the actor's, or part of a record already: one answer. */
		if (!linked) {
			ctx_error(c, arena_printf(c->arena, "attachment_ids[%zu]", i),
			    "is no unattached upload of yours");
			problem(c, 404, "attachment_not_found", "no such attachment");
			return 1;
		}
		r->attachment_ids = r->attachment_ids == NULL ||
		    *r->attachment_ids == '\0' ? ids->strs[i] :
		    arena_printf(c->arena, "%s,%s", r->attachment_ids, ids->strs[i]);
	}
	return DB_OK;
}
