/*
 * Shared by the clinical routes: life-cycle names, sealing and opening
 * of clinical free text (lib/vault.h; field name and row id bound to
 * each value), the JSON views, and who may see a record.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/db.h"
#include "lib/http.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/page.h"
#include "lib/vault.h"
#include "cgi-bin/records/clinical.h"
#include "cgi-bin/records/records.h"

const char *const lab_statuses[] = {
	"preliminary", "final", "amended", "cancelled", "entered_in_error", NULL,
};
const char *const lab_interpretations[] = {
	"normal", "abnormal", "critical", NULL,
};
const char *const plan_statuses[] = {
	"draft", "active", "on_hold", "completed", "revoked", "entered_in_error",
	NULL,
};

int
lab_is_released(const char *status)
{
	return strcmp(status, "final") == 0 || strcmp(status, "amended") == 0;
}

int
plan_is_shared(const char *status)
{
	return strcmp(status, "draft") != 0 &&
	    strcmp(status, "entered_in_error") != 0;
}

int
clin_seal(struct ctx *c, const char *field, const char *row_id,
    const char *text, struct sealed *out)
{
	unsigned char	*box;
	size_t		 n;

	out->p = NULL;
	out->n = 0;
	if (text == NULL)
		return 0;
	if (vault_seal(c->cfg, c->arena, field, row_id, text, strlen(text),
	    &box, &n) == -1)
		return -1;
	out->p = box;
	out->n = n;
	return 0;
}

int
clin_open(struct ctx *c, const char *field, const char *row_id,
    const struct sealed *in, const char **out)
{
	char	*plain;
	size_t	 n;

	*out = NULL;
	if (in->p == NULL)
		return 0;
	if (vault_open(c->cfg, c->arena, field, row_id, in->p, in->n, &plain,
	    &n) == -1)
		return -1;
	/* Only text was sealed; a NUL inside means it is not ours. */
	if (strlen(plain) != n) {
		log_errx("records: %s of %s holds a NUL", field, row_id);
		return -1;
	}
	*out = plain;
	return 0;
}

int
lab_seal(struct ctx *c, struct lab_rec *r)
{
	if (clin_seal(c, "lab_results.result_value", r->id, r->v.result_value,
	    &r->value_box) == -1 ||
	    clin_seal(c, "lab_results.notes", r->id, r->v.notes,
	    &r->notes_box) == -1)
		return -1;
	return 0;
}

int
lab_open(struct ctx *c, struct lab_rec *r)
{
	if (clin_open(c, "lab_results.result_value", r->id, &r->value_box,
	    &r->v.result_value) == -1 ||
	    clin_open(c, "lab_results.notes", r->id, &r->notes_box,
	    &r->v.notes) == -1)
		return -1;
	return 0;
}

/* A version's row id: "<lab result id>/<version>". */
static const char *
version_row(struct ctx *c, const char *lab_id, long long version)
{
	return arena_printf(c->arena, "%s/%lld", lab_id, version);
}

int
lab_version_seal(struct ctx *c, const char *lab_id, struct lab_version_rec *v)
{
	const char	*row = version_row(c, lab_id, v->version);

	if (clin_seal(c, "lab_result_versions.result_value", row,
	    v->v.result_value, &v->value_box) == -1 ||
	    clin_seal(c, "lab_result_versions.notes", row, v->v.notes,
	    &v->notes_box) == -1 ||
	    clin_seal(c, "lab_result_versions.reason", row, v->reason,
	    &v->reason_box) == -1)
		return -1;
	return 0;
}

int
lab_version_open(struct ctx *c, const char *lab_id, struct lab_version_rec *v)
{
	const char	*row = version_row(c, lab_id, v->version);

	if (clin_open(c, "lab_result_versions.result_value", row,
	    &v->value_box, &v->v.result_value) == -1 ||
	    clin_open(c, "lab_result_versions.notes", row, &v->notes_box,
	    &v->v.notes) == -1 ||
	    clin_open(c, "lab_result_versions.reason", row, &v->reason_box,
	    &v->reason) == -1)
		return -1;
	return 0;
}

int
plan_seal(struct ctx *c, struct plan_rec *p)
{
	if (clin_seal(c, "treatment_plans.details", p->id, p->details,
	    &p->details_box) == -1 ||
	    clin_seal(c, "treatment_plans.goals", p->id, p->goals,
	    &p->goals_box) == -1)
		return -1;
	return 0;
}

int
plan_open(struct ctx *c, struct plan_rec *p)
{
	if (clin_open(c, "treatment_plans.details", p->id, &p->details_box,
	    &p->details) == -1 ||
	    clin_open(c, "treatment_plans.goals", p->id, &p->goals_box,
	    &p->goals) == -1)
		return -1;
	return 0;
}

static void
content_json(struct json_object *o, const struct lab_content *v)
{
	jset_str(o, "test_code", v->test_code);
	jset_str(o, "test_name", v->test_name);
	jset_str(o, "result_value", v->result_value);
	jset_str(o, "units", v->units);
	jset_str(o, "reference_range", v->reference_range);
	jset_str(o, "interpretation", v->interpretation);
	jset_str(o, "notes", v->notes);
}

/* The comma-separated ids as a JSON array (new object). */
static struct json_object *
ids_array(const char *list)
{
	struct json_object	*a = json_object_new_array();
	const char		*p = list, *comma;

	while (p != NULL && *p != '\0') {
		comma = strchr(p, ',');
		json_object_array_add(a, json_object_new_string_len(p,
		    comma ? (int)(comma - p) : (int)strlen(p)));
		p = comma ? comma + 1 : NULL;
	}
	return a;
}

struct json_object *
lab_view(const struct lab_rec *r)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", r->id);
	jset_str(o, "patient_id", r->patient_id);
	jset_str(o, "ordered_by", r->ordered_by);
	jset_str(o, "created_by", r->created_by);
	content_json(o, &r->v);
	jset_str(o, "status", r->status);
	jset_int(o, "version", r->version);
	jset_time(o, "published_at", r->published_at);
	jset(o, "attachment_ids", ids_array(r->attachment_ids));
	jset_time(o, "created_at", r->created_at);
	jset_time(o, "updated_at", r->updated_at);
	jset_str(o, "updated_by", r->updated_by);
	return o;
}

struct json_object *
lab_version_view(const struct lab_version_rec *v)
{
	struct json_object	*o = json_object_new_object();

	jset_int(o, "version", v->version);
	jset_str(o, "status", v->status);
	content_json(o, &v->v);
	jset_str(o, "reason", v->reason);
	jset_str(o, "recorded_by", v->recorded_by);
	jset_time(o, "published_at", v->published_at);
	return o;
}

struct json_object *
plan_view(const struct plan_rec *p)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*goals = NULL;

	jset_str(o, "id", p->id);
	jset_str(o, "patient_id", p->patient_id);
	jset_str(o, "created_by", p->created_by);
	jset_str(o, "title", p->title);
	jset_str(o, "details", p->details);
	/* Written by us from a parsed array; anything else is not shown. */
	if (p->goals != NULL)
		goals = json_tokener_parse(p->goals);
	if (goals == NULL || !json_object_is_type(goals, json_type_array)) {
		json_object_put(goals);
		goals = json_object_new_array();
	}
	jset(o, "goals", goals);
	jset_str(o, "status", p->status);
	jset_str(o, "start_date", p->start_date);
	jset_str(o, "end_date", p->end_date);
	jset_time(o, "created_at", p->created_at);
	jset_time(o, "updated_at", p->updated_at);
	jset_str(o, "updated_by", p->updated_by);
	return o;
}

int
clin_patient_visible(struct ctx *c, enum pol_action act, const char *patient_id,
    const char *verb, const char *entity_type, const char *entity_id,
    struct pol_resource *res)
{
	struct pol_resource	 mine;

	if (res == NULL)
		res = &mine;
	if (records_patient_resource(c, patient_id, res) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (pol_check(&c->actor, act, res) == POL_ALLOW)
		return 1;
	/* Whoever may not see it learns nothing: always 404. */
	audit_deny(c, verb, entity_type, entity_id, patient_id, 1);
	return 0;
}

int
lab_visible(struct ctx *c, const struct lab_rec *r, const char *verb,
    struct pol_resource *res)
{
	return clin_patient_visible(c, lab_is_released(r->status) ? POL_LAB_READ :
	    POL_LAB_READ_UNRELEASED, r->patient_id, verb, "lab_result", r->id,
	    res);
}

int
plan_visible(struct ctx *c, const struct plan_rec *p, const char *verb,
    struct pol_resource *res)
{
	return clin_patient_visible(c, plan_is_shared(p->status) ? POL_PLAN_READ :
	    POL_PLAN_READ_UNSHARED, p->patient_id, verb, "treatment_plan",
	    p->id, res);
}

int
clin_may(struct ctx *c, enum pol_action act, const struct pol_resource *res,
    const char *verb, const char *entity_type, const char *entity_id,
    const char *patient_id)
{
	enum pol_decision	 d;

	if ((d = pol_check(&c->actor, act, res)) == POL_ALLOW)
		return 1;
	audit_deny(c, verb, entity_type, entity_id, patient_id, d == POL_HIDE);
	return 0;
}

int
clin_text_fits(struct ctx *c, const char *field, const char *s, long max)
{
	if (s == NULL || utf8_chars(s, strlen(s)) <= (size_t)max)
		return 0;
	ctx_error(c, field, arena_printf(c->arena,
	    "must be at most %ld characters", max));
	return -1;
}

const char *
clin_valid_code(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' ||
		    s[i] == ':' || s[i] == '-'))
			return "must be letters, digits and . _ : - only";
	return NULL;
}

const char *
clin_valid_text(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return NULL;
	return "must not be blank";
}

int
clin_cursor(struct ctx *c, const char *key, int64_t *at, const char **id)
{
	const char	*ts, *cid;
	char		*end;
	long long	 v;

	if (key == NULL)
		return 0;
	errno = 0;
	if (page_split(c, key, &ts, &cid) == -1 || !id_is_valid(cid) ||
	    (v = strtoll(ts, &end, 10), errno != 0 || end == ts || *end != '\0') ||
	    v < CLIN_T_MIN || v > CLIN_T_MAX) {
		ctx_error(c, "cursor", "is not a cursor from this list");
		problem_validation(c);
		return -1;
	}
	*at = v;
	*id = cid;
	return 0;
}

const char *
clin_cursor_next(struct ctx *c, int64_t at, const char *id)
{
	return page_cursor(c, arena_printf(c->arena, "%lld|%s", (long long)at,
	    id));
}

void
clin_list_params(struct ctx *c, const char *const *statuses,
    const char **status, const char **patient)
{
	const char	*v;
	size_t		 i;

	*status = NULL;
	if ((v = http_query(c->req, "status")) != NULL) {
		for (i = 0; statuses[i] != NULL && strcmp(statuses[i], v) != 0; i++)
			;
		if (statuses[i] == NULL)
			ctx_error(c, "status", "is not a status of this record");
		*status = statuses[i];
	}
	if ((*patient = http_query(c->req, "patient_id")) != NULL &&
	    !id_is_valid(*patient))
		ctx_error(c, "patient_id", "must be an id");
}

int
clin_list_scope(struct ctx *c, const struct clin_list_acts *acts,
    const char *patient, enum clin_scope *scope, const char **scope_id)
{
	if (pol_check(&c->actor, acts->list, NULL) != POL_ALLOW) {
		audit_deny(c, "list", acts->entity_type, NULL, NULL, 0);
		return -1;
	}
	*scope_id = patient;
	if (c->actor.role == ROLE_PATIENT) {
		if (patient != NULL && !clin_patient_visible(c, acts->read,
		    patient, "list", acts->entity_type, NULL, NULL))
			return -1;
		*scope = CLIN_SCOPE_PATIENT_VISIBLE;
		*scope_id = c->actor.user_id;
	} else if (patient != NULL) {
		if (!clin_patient_visible(c, acts->read_all, patient, "list",
		    acts->entity_type, NULL, NULL))
			return -1;
		*scope = CLIN_SCOPE_PATIENT;
	} else if (c->actor.role == ROLE_PROVIDER) {
		*scope = CLIN_SCOPE_AUTHOR;
		*scope_id = c->actor.user_id;
	} else
		*scope = CLIN_SCOPE_ALL;
	return 0;
}

int
clin_list_reply(struct ctx *c, const char *entity_type, const char *summary,
    const char *patient_id, const char *const *ids, size_t n,
    struct json_object *data, const char *next)
{
	if (audit_append_read(c, entity_type, ids, n, patient_id, summary) !=
	    DB_OK) {
		json_object_put(data);
		problem_unavailable(c);
		return 0;
	}
	page_reply(c, data, next);
	return 0;
}

int
clin_conflict(struct ctx *c, const char *code, const char *detail)
{
	c->nerrs = 0;
	problem(c, 409, code, detail);
	return 0;
}
