/*
 * Providers: the directory (GET /api/v1/providers, verified and enabled
 * providers only, no PHI), one profile (GET /api/v1/providers/{id}) and
 * its changes (PATCH, by the provider or an admin).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/valid.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/fields.h"
#include "cgi-bin/records/store-records.h"

#define BIO_MAX	2000

struct records_provider_patch_req {
	struct jv	 full_name;
	struct jv	 specialty;
	struct jv	 license_number;
	struct jv	 telehealth_enabled;
	struct jv	 bio;
};

#define F(n)	offsetof(struct records_provider_patch_req, n)
const struct json_field provider_patch_fields[] = {
	{ "full_name", JF_STRING, 0, F(full_name), 1, 200, valid_name, NULL, NULL, 0 },
	{ "specialty", JF_STRING, JF_NULLABLE, F(specialty), 1, 100, valid_name, NULL, NULL, 0 },
	{ "license_number", JF_STRING, 0, F(license_number), 1, 64, valid_name, NULL, NULL, 0 },
	{ "telehealth_enabled", JF_BOOL, 0, F(telehealth_enabled), 0, 0, NULL, NULL, NULL, 0 },
	{ "bio", JF_STRING, JF_NULLABLE | JF_MULTILINE, F(bio), 1, BIO_MAX, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* The directory card: no license, no contact details. */
static struct json_object *
provider_card(const struct provider_rec *r)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", r->id);
	jset_str(o, "full_name", r->full_name);
	jset_str(o, "specialty", r->p.specialty);
	jset_str(o, "bio", r->p.bio);
	jset_bool(o, "telehealth_enabled", r->p.telehealth_enabled);
	return o;
}

static struct json_object *
provider_profile(const struct provider_rec *r)
{
	struct json_object	*o = provider_card(r);

	jset_str(o, "license_number", r->p.license_number);
	jset_bool(o, "verified", r->p.is_verified);
	return o;
}

int
records_providers_list(struct ctx *c)
{
	struct provider_filter	 f;
	struct records_after	 k;
	struct provider_rec	*rows;
	struct page		 pg;
	struct json_object	*data;
	const char		*q, *next = NULL;
	size_t			 i, n;

	if (pol_check(&c->actor, POL_PROVIDER_LIST, NULL) != POL_ALLOW)
		return audit_deny(c, "list", "provider", NULL, NULL, 0);
	memset(&f, 0, sizeof(f));
	/* Errors recorded here are answered by page_parse with its own. */
	(void)records_query_text(c, "specialty", RECORDS_QUERY_MAX, &f.specialty);
	(void)records_query_text(c, "q", RECORDS_QUERY_MAX, &q);
	if (page_parse(c, &pg) == -1 ||
	    records_page_after(c, &pg, &k.id, &k.name) == -1)
		return 0;
	f.like = q != NULL ? records_like_contains(c, q, 0) : NULL;
	if (store_provider_list(c->db, c->arena, &f, &k, pg.limit + 1, &rows,
	    &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = json_object_new_array();
	for (i = 0; i < n && i < (size_t)pg.limit; i++)
		json_object_array_add(data, provider_card(&rows[i]));
	if (n > (size_t)pg.limit)
		next = records_page_next(c, rows[pg.limit - 1].id,
		    rows[pg.limit - 1].full_name);
	page_reply(c, data, next);
	return 0;
}

/*
 * Load the provider of c->cap[0] and check the actor may see them.
 * Returns 1 with *r filled, or 0 after a reply (404, denial, 503).
 */
static int
provider_visible(struct ctx *c, const char *action, struct provider_rec *r)
{
	struct pol_resource	 res;
	enum pol_decision	 d;
	int			 found = 0;

	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (store_provider_rec(c->db, c->arena, c->cap[0], r, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (r->p.is_verified && !r->is_disabled)
		return 1;
	memset(&res, 0, sizeof(res));
	res.is_self = strcmp(r->id, c->actor.user_id) == 0;
	if ((d = pol_check(&c->actor, POL_PROVIDER_READ_UNLISTED, &res)) ==
	    POL_ALLOW)
		return 1;
	audit_deny(c, action, "provider", r->id, NULL, d == POL_HIDE);
	return 0;
}

int
records_provider_get(struct ctx *c)
{
	struct provider_rec	 r;

	if (pol_check(&c->actor, POL_PROVIDER_READ, NULL) != POL_ALLOW)
		return audit_deny(c, "read", "provider", c->cap[0], NULL, 0);
	if (!provider_visible(c, "read", &r))
		return 0;
	json_reply(c, 200, provider_profile(&r));
	return 0;
}

/* The change to store, and the names of the fields it touches. */
static void
provider_change_from(const struct records_provider_patch_req *q,
    struct provider_change *ch, const char **names, size_t *n)
{
	memset(ch, 0, sizeof(*ch));
	*n = 0;
	if (q->full_name.is_set)
		names[(*n)++] = "full_name";
	if ((ch->specialty_set = q->specialty.is_set))
		names[(*n)++] = "specialty";
	ch->specialty = q->specialty.s;
	if ((ch->license_number = q->license_number.s) != NULL)
		names[(*n)++] = "license_number";
	if ((ch->bio_set = q->bio.is_set))
		names[(*n)++] = "bio";
	ch->bio = q->bio.s;
	if ((ch->telehealth_set = q->telehealth_enabled.is_set))
		names[(*n)++] = "telehealth_enabled";
	ch->telehealth_enabled = (int)q->telehealth_enabled.i;
}

/* A PATCH in the making: what to write, and the profile as written. */
struct provider_tx {
	const struct records_provider_patch_req *q;
	struct provider_change	 ch;
	struct json_object	*meta;
	int			 is_self;
	struct provider_rec	 now;
};

/*
 * The change and its audit row. The profile is locked and read first, so
 * whether a license change resets the verification is decided on what
 * is stored at that moment: an admin's verify cannot land between that
 * read and the write (it waits, and a verify of the old license never
 * covers the new one). The profile is read back before the commit, so
 * the reply is what was written. Returns an enum db_rc.
 */
static int
provider_tx(struct ctx *c, void *arg)
{
	struct provider_tx	*t = arg;
	struct provider_rec	 cur;
	struct audit_entry	 e;
	const char		*lic = t->ch.license_number;
	int			 found = 0, rc;

	if ((rc = store_provider_rec_lock(c->db, c->arena, c->cap[0], 1, &cur,
	    &found)) != DB_OK)
		return rc;
	if (!found)
		return DB_ERROR;
	/* A verified license changed by its holder must be verified again. */
	t->ch.unverify = t->is_self && cur.p.is_verified && lic != NULL &&
	    (cur.p.license_number == NULL || strcmp(cur.p.license_number, lic) != 0);
	memset(&e, 0, sizeof(e));
	e.action = "update";
	e.entity_type = "provider";
	e.entity_id = cur.id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = t->ch.unverify ?
	    "provider profile updated, verification reset" :
	    "provider profile updated";
	e.metadata = t->meta;
	if ((t->q->full_name.is_set && (rc = store_user_update_profile(c->db,
	    c->arena, cur.id, t->q->full_name.s, 0, NULL, NULL, utc_now(),
	    NULL)) != DB_OK) ||
	    (rc = store_provider_update(c->db, cur.id, &t->ch)) != DB_OK ||
	    (rc = audit_append(c, &e)) != DB_OK ||
	    (rc = store_provider_rec(c->db, c->arena, cur.id, &t->now,
	    &found)) != DB_OK)
		return rc;
	return found ? DB_OK : DB_ERROR;
}

int
records_provider_patch(struct ctx *c)
{
	struct records_provider_patch_req q;
	struct provider_tx	 t;
	struct provider_rec	 r;
	struct pol_resource	 res;
	const char		*names[8];
	size_t			 n;
	int			 rc;

	memset(&q, 0, sizeof(q));
	memset(&t, 0, sizeof(t));
	if (json_parse_body(c, provider_patch_fields, &q) == -1)
		return 0;
	provider_change_from(&q, &t.ch, names, &n);
	if (n == 0) {
		ctx_error(c, "", "name at least one field to change");
		problem_validation(c);
		return 0;
	}
	if (!provider_visible(c, "update", &r))
		return 0;
	memset(&res, 0, sizeof(res));
	res.is_self = strcmp(r.id, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_PROVIDER_UPDATE, &res) != POL_ALLOW)
		return audit_deny(c, "update", "provider", r.id, NULL, 0);
	t.q = &q;
	t.is_self = res.is_self;
	t.meta = records_fields_meta(names, n);
	rc = tx_run(c, provider_tx, &t);
	json_object_put(t.meta);
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, provider_profile(&t.now));
	return 0;
}
