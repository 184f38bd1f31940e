/*
 * Writing lab results: POST /api/v1/lab-results (a new preliminary
 * result), PATCH /api/v1/lab-results/{id} (a preliminary result changes
 * in place) and POST /api/v1/lab-results/{id}/amend (a released result
 * is never edited: the amendment is its next version, kept with the
 * others). Care-team providers and staff; each write is one
 * transaction with its audit row and events.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/attachment.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/valid.h"
#include "cgi-bin/records/fields.h"
#include "cgi-bin/records/labs.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/store-labs.h"

/* One request struct for the three bodies; each table takes its part. */
struct lab_edit_req {
	struct jv	 patient_id;
	struct jv	 ordered_by;
	struct jv	 test_code;
	struct jv	 test_name;
	struct jv	 result_value;
	struct jv	 units;
	struct jv	 reference_range;
	struct jv	 interpretation;
	struct jv	 notes;
	struct jv	 reason;
	struct jv	 version;
	struct jv	 attachment_ids;
};

#define F(n)	offsetof(struct lab_edit_req, n)
/* The content of a result; req is JF_REQUIRED when creating. */
#define LAB_CONTENT(req) \
	{ "test_code", JF_STRING, JF_NULLABLE, F(test_code), 1, 32, \
	  clin_valid_code, NULL, NULL, 0 }, \
	{ "test_name", JF_STRING, req, F(test_name), 1, 200, valid_name, \
	  NULL, NULL, 0 }, \
	{ "result_value", JF_STRING, (req) | JF_MULTILINE, F(result_value), 1, \
	  0, clin_valid_text, NULL, NULL, 0 }, \
	{ "units", JF_STRING, JF_NULLABLE, F(units), 1, 50, valid_name, NULL, \
	  NULL, 0 }, \
	{ "reference_range", JF_STRING, JF_NULLABLE, F(reference_range), 1, \
	  100, valid_name, NULL, NULL, 0 }, \
	{ "interpretation", JF_ENUM, JF_NULLABLE, F(interpretation), 0, 0, \
	  NULL, lab_interpretations, NULL, 0 }, \
	{ "notes", JF_STRING, JF_NULLABLE | JF_MULTILINE, F(notes), 1, 0, \
	  clin_valid_text, NULL, NULL, 0 }, \
	{ "attachment_ids", JF_IDS, 0, F(attachment_ids), 0, \
	  ATTACHMENT_PER_RECORD, NULL, NULL, NULL, 0 }

const struct json_field lab_create_fields[] = {
	{ "patient_id", JF_ID, JF_REQUIRED, F(patient_id), 0, 0, NULL, NULL, NULL, 0 },
	{ "ordered_by", JF_ID, 0, F(ordered_by), 0, 0, NULL, NULL, NULL, 0 },
	LAB_CONTENT(JF_REQUIRED),
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

const struct json_field lab_patch_fields[] = {
	{ "ordered_by", JF_ID, 0, F(ordered_by), 0, 0, NULL, NULL, NULL, 0 },
	LAB_CONTENT(0),
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

const struct json_field lab_amend_fields[] = {
	LAB_CONTENT(0),
	{ "reason", JF_STRING, JF_REQUIRED | JF_MULTILINE, F(reason), 1,
	  CLIN_REASON_CHARS, clin_valid_text, NULL, NULL, 0 },
	/* The version being amended: 409 if another amendment came first. */
	{ "version", JF_INT, 0, F(version), 1, 1000000, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F
#undef LAB_CONTENT

/* Most field names one change touches. */
#define LAB_FIELDS_MAX	9

/* Limits from config, and that an edit changes something. 0 or -1 (422). */
static int
edit_check(struct ctx *c, const struct lab_edit_req *q, int is_edit)
{
	(void)clin_text_fits(c, "result_value", q->result_value.s,
	    c->cfg->records_value_max_chars);
	(void)clin_text_fits(c, "notes", q->notes.s,
	    c->cfg->records_text_max_chars);
	(void)lab_ids_check(c, &q->attachment_ids);
	if (is_edit && c->nerrs == 0 && q->attachment_ids.n == 0 &&
	    !q->ordered_by.is_set &&
	    !q->test_code.is_set && !q->test_name.is_set &&
	    !q->result_value.is_set && !q->units.is_set &&
	    !q->reference_range.is_set && !q->interpretation.is_set &&
	    !q->notes.is_set)
		ctx_error(c, "", "name at least one field to change");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

/* Apply the fields present in q to r; names gets what changed. */
static void
lab_merge(const struct lab_edit_req *q, struct lab_rec *r, const char **names,
    size_t *n)
{
#define MERGE(f) do {							\
	if (q->f.is_set) {						\
		r->v.f = q->f.is_null ? NULL : q->f.s;			\
		names[(*n)++] = #f;					\
	}								\
} while (0)
	*n = 0;
	if (q->ordered_by.is_set) {
		r->ordered_by = q->ordered_by.s;
		names[(*n)++] = "ordered_by";
	}
	MERGE(test_code);
	MERGE(test_name);
	MERGE(result_value);
	MERGE(units);
	MERGE(reference_range);
	MERGE(interpretation);
	MERGE(notes);
#undef MERGE
}

/*
 * The ordering provider must be a verified provider on the patient's
 * care team (they get the result's events). 0, or -1 after a 422/503.
 */
static int
orderer_ok(struct ctx *c, const char *patient_id, const char *provider_id)
{
	int	 yes = 0;

	if (store_care_team_has(c->db, c->arena, patient_id, provider_id,
	    &yes) != DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	if (!yes) {
		ctx_error(c, "ordered_by",
		    "must be a verified provider on the patient's care team");
		problem_validation(c);
		return -1;
	}
	return 0;
}

/* {"fields":[...]} plus the version, for the audit row. New object. */
static struct json_object *
change_meta(const char *const *names, size_t n, long long version)
{
	struct json_object	*o = records_fields_meta(names, n);

	if (version > 0)
		jset_int(o, "version", version);
	return o;
}

/* The reply after a write, or the answer to its failure. */
static int
write_reply(struct ctx *c, int rc, int status, const struct lab_rec *r)
{
	if (rc == 1)
		return 0;
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, status, lab_view(r));
	return 0;
}

/* ---- POST /api/v1/lab-results ---- */

struct create_args {
	const struct lab_edit_req	*q;
	struct lab_rec			 r;
};

static int
create_tx(struct ctx *c, void *arg)
{
	struct create_args	*a = arg;
	int			 rc;

	/* Linked first: the row stores the ids of its files. */
	a->r.attachment_ids = NULL;
	if ((rc = lab_link(c, &a->r, &a->q->attachment_ids)) != DB_OK ||
	    (rc = store_lab_insert(c->db, &a->r)) != DB_OK)
		return rc;
	return lab_effects(c, &a->r, LAB_CREATED, NULL);
}

/* Who may record it, for whom, ordered by whom. 0, or -1 answered. */
static int
create_checks(struct ctx *c, const struct lab_edit_req *q, const char **orderer)
{
	struct pol_resource	 res;
	struct patient_row	 p;
	int			 found = 0;

	if (!clin_patient_visible(c, POL_PATIENT_READ, q->patient_id.s,
	    "create", "lab_result", NULL, &res) ||
	    !clin_may(c, POL_LAB_WRITE, &res, "create", "lab_result", NULL,
	    q->patient_id.s))
		return -1;
	if (store_patient_get(c->db, c->arena, q->patient_id.s, &p, &found) !=
	    DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	if (!found) {
		ctx_error(c, "patient_id", "no such patient");
		problem_validation(c);
		return -1;
	}
	*orderer = q->ordered_by.is_set ? q->ordered_by.s :
	    c->actor.role == ROLE_PROVIDER ? c->actor.user_id : NULL;
	if (*orderer == NULL) {
		ctx_error(c, "ordered_by", "is required when staff record a result");
		problem_validation(c);
		return -1;
	}
	return orderer_ok(c, q->patient_id.s, *orderer);
}

static int
create(struct ctx *c)
{
	struct lab_edit_req	 q;
	struct create_args	 a;
	struct lab_rec		*r = &a.r;
	const char		*names[LAB_FIELDS_MAX], *orderer;
	size_t			 n;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, lab_create_fields, &q) == -1 ||
	    edit_check(c, &q, 0) == -1 || create_checks(c, &q, &orderer) == -1)
		return 0;
	memset(&a, 0, sizeof(a));
	a.q = &q;
	if (id_new(r->id) == -1)
		return -1;
	r->patient_id = q.patient_id.s;
	lab_merge(&q, r, names, &n);
	r->ordered_by = orderer;
	r->created_by = r->updated_by = c->actor.user_id;
	r->status = "preliminary";
	r->published_at = JTIME_NULL;
	r->created_at = r->updated_at = utc_now();
	if (lab_seal(c, r) == -1)
		return -1;
	return write_reply(c, tx_run(c, create_tx, &a), 201, r);
}

int
records_lab_create(struct ctx *c)
{
	return idem_run(c, create);
}

/* ---- PATCH /api/v1/lab-results/{id} ---- */

struct edit_args {
	const struct lab_edit_req	*q;
	struct lab_rec			 r;
};

static int
patch_tx(struct ctx *c, void *arg)
{
	static const char *const from[] = { "preliminary", NULL };
	struct edit_args	*a = arg;
	struct json_object	*meta;
	const char		*names[LAB_FIELDS_MAX];
	size_t			 n;
	int			 rc;

	if ((rc = lab_lock(c, c->cap[0], from, -1, &a->r)) != DB_OK)
		return rc;
	lab_merge(a->q, &a->r, names, &n);
	a->r.updated_at = utc_now();
	a->r.updated_by = c->actor.user_id;
	if ((rc = lab_link(c, &a->r, &a->q->attachment_ids)) != DB_OK ||
	    (rc = lab_store(c, &a->r, "preliminary", 0, 1)) != DB_OK)
		return rc;
	if (a->q->attachment_ids.n > 0)
		names[n++] = "attachment_ids";
	meta = change_meta(names, n, 0);
	rc = lab_effects(c, &a->r, LAB_UPDATED, meta);
	json_object_put(meta);
	return rc;
}

int
records_lab_patch(struct ctx *c)
{
	struct lab_edit_req	 q;
	struct edit_args	 a;
	struct lab_rec		 cur;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, lab_patch_fields, &q) == -1 ||
	    edit_check(c, &q, 1) == -1)
		return 0;
	if ((rc = lab_load_for(c, "update", POL_LAB_WRITE, &cur, NULL)) != 1)
		return rc;
	if (strcmp(cur.status, "preliminary") != 0)
		return clin_conflict(c, "not_editable", lab_is_released(cur.status) ?
		    "a released result is never edited: amend it" :
		    "the result is closed");
	if (q.ordered_by.is_set && orderer_ok(c, cur.patient_id,
	    q.ordered_by.s) == -1)
		return 0;
	a.q = &q;
	return write_reply(c, tx_run(c, patch_tx, &a), 200, &a.r);
}

/* ---- POST /api/v1/lab-results/{id}/amend ---- */

static int
amend_tx(struct ctx *c, void *arg)
{
	static const char *const from[] = { "final", "amended", NULL };
	struct edit_args	*a = arg;
	struct json_object	*meta;
	const char		*names[LAB_FIELDS_MAX], *was;
	long long		 was_version;
	size_t			 n;
	int			 rc;

	if ((rc = lab_lock(c, c->cap[0], from, a->q->version.is_set ?
	    a->q->version.i : -1, &a->r)) != DB_OK)
		return rc;
	was = a->r.status;
	was_version = a->r.version;
	lab_merge(a->q, &a->r, names, &n);
	a->r.status = "amended";
	a->r.version = was_version + 1;
	a->r.published_at = a->r.updated_at = utc_now();
	a->r.updated_by = c->actor.user_id;
	if ((rc = lab_link(c, &a->r, &a->q->attachment_ids)) != DB_OK ||
	    (rc = lab_store(c, &a->r, was, was_version, 1)) != DB_OK ||
	    (rc = lab_snapshot(c, &a->r, a->q->reason.s)) != DB_OK)
		return rc;
	if (a->q->attachment_ids.n > 0)
		names[n++] = "attachment_ids";
	meta = change_meta(names, n, a->r.version);
	rc = lab_effects(c, &a->r, LAB_AMENDED, meta);
	json_object_put(meta);
	return rc;
}

static int
amend(struct ctx *c)
{
	struct lab_edit_req	 q;
	struct edit_args	 a;
	struct lab_rec		 cur;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, lab_amend_fields, &q) == -1 ||
	    edit_check(c, &q, 1) == -1)
		return 0;
	if ((rc = lab_load_for(c, "amend", POL_LAB_WRITE, &cur, NULL)) != 1)
		return rc;
	if (!lab_is_released(cur.status))
		return clin_conflict(c, "invalid_transition", arena_printf(c->arena,
		    "only a final or amended result is amended; this one is %s",
		    cur.status));
	a.q = &q;
	return write_reply(c, tx_run(c, amend_tx, &a), 200, &a.r);
}

int
records_lab_amend(struct ctx *c)
{
	return idem_run(c, amend);
}
