/*
 * Reading lab results: GET /api/v1/lab-results (scoped to the caller,
 * filtered, newest release first, keyset cursor),
 * GET /api/v1/lab-results/{id} and GET /api/v1/lab-results/{id}/versions.
 * A patient sees only their own released results (final, amended); all
 * else of theirs is 404 to them. Every read writes one audit row.
 */
#include "config.h"

#include <string.h>

#include "lib/attachment.h"
#include "lib/audit.h"
#include "lib/http.h"
#include "lib/json.h"
#include "lib/page.h"
#include "lib/time.h"
#include "cgi-bin/records/labs.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/store-labs.h"

int
records_lab_get(struct ctx *c)
{
	struct attachment_row	*files;
	struct json_object	*o, *a;
	struct lab_rec		 r;
	const char		*ids[1];
	size_t			 i, n;
	int			 rc;

	if ((rc = lab_load_for(c, "read", POL__MAX, &r, NULL)) != 1)
		return rc;
	if (attachment_list(c, ATTACHMENT_KIND_LAB_RESULT, r.id, &files, &n) !=
	    DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	ids[0] = r.id;
	if (audit_append_read(c, "lab_result", ids, 1, r.patient_id,
	    "lab result read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	o = lab_view(&r);
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, attachment_view(&files[i]));
	jset(o, "attachments", a);
	json_reply(c, 200, o);
	return 0;
}

int
records_lab_versions(struct ctx *c)
{
	struct pol_resource	 res;
	struct lab_version_rec	*v;
	struct json_object	*data;
	struct lab_rec		 r;
	const char		*ids[1];
	size_t			 i, n, first = 0;
	int			 rc;

	if ((rc = lab_load_for(c, "history", POL__MAX, &r, &res)) != 1)
		return rc;
	if (store_lab_versions(c->db, c->arena, r.id, &v, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	/* Who may see the result but not its history (the patient): the latest. */
	if (pol_check(&c->actor, POL_LAB_HISTORY, &res) != POL_ALLOW && n > 0)
		first = n - 1;
	ids[0] = r.id;
	if (audit_append_read(c, "lab_result", ids, 1, r.patient_id,
	    first > 0 ? "lab result latest version read" :
	    "lab result versions read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = json_object_new_array();
	for (i = first; i < n; i++) {
		if (lab_version_open(c, r.id, &v[i]) == -1) {
			json_object_put(data);
			return -1;
		}
		json_object_array_add(data, lab_version_view(&v[i]));
	}
	/* Every version fits one page (a result has few). */
	page_reply(c, data, NULL);
	return 0;
}

/* ---- the list ---- */

static const struct clin_list_acts lab_list_acts = {
	"lab_result", POL_LAB_LIST, POL_LAB_READ, POL_LAB_READ_UNRELEASED,
};

/* Filters from the query into q; 0, or -1 after a 422. */
static int
list_params(struct ctx *c, struct lab_query *q, const char **patient)
{
	const char	*v;
	int64_t		 t;

	q->lo = CLIN_T_MIN;
	q->hi = CLIN_T_MAX;
	clin_list_params(c, lab_statuses, &q->status, patient);
	if ((v = http_query(c->req, "test_code")) != NULL) {
		if (*v == '\0' || strlen(v) > 32 ||
		    clin_valid_code(v, strlen(v)) != NULL)
			ctx_error(c, "test_code", "must be a test code");
		q->test_code = v;
	}
	if ((v = http_query(c->req, "from")) != NULL) {
		if (utc_parse(v, &t) == -1)
			ctx_error(c, "from", "must be an RFC 3339 time");
		else
			q->lo = t;
	}
	if ((v = http_query(c->req, "to")) != NULL) {
		if (utc_parse(v, &t) == -1)
			ctx_error(c, "to", "must be an RFC 3339 time");
		else
			q->hi = t - 1;
	}
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

/* The cursor "usec|id" narrows the range; 0, or -1 after a 422. */
static int
list_cursor(struct ctx *c, struct lab_query *q, const char *key)
{
	q->cur_at = q->hi + 1;
	q->cur_id = "";
	if (clin_cursor(c, key, &q->cur_at, &q->cur_id) == -1)
		return -1;
	if (q->cur_at < q->hi)
		q->hi = q->cur_at;
	return 0;
}

static int
list_reply(struct ctx *c, const struct lab_query *q, struct lab_rec *rows,
    size_t n)
{
	struct json_object	*data;
	const struct lab_rec	*last;
	const char		**ids, *next = NULL;
	size_t			 i, shown;

	shown = n > (size_t)q->limit ? (size_t)q->limit : n;
	ids = arena_alloc(c->arena, (shown + 1) * sizeof(*ids));
	data = json_object_new_array();
	for (i = 0; i < shown; i++) {
		if (lab_open(c, &rows[i]) == -1) {
			json_object_put(data);
			return -1;
		}
		ids[i] = rows[i].id;
		json_object_array_add(data, lab_view(&rows[i]));
	}
	if (n > shown) {
		last = &rows[shown - 1];
		next = clin_cursor_next(c, last->published_at != JTIME_NULL ?
		    last->published_at : last->created_at, last->id);
	}
	return clin_list_reply(c, "lab_result", "lab results listed",
	    q->scope == CLIN_SCOPE_PATIENT || q->scope ==
	    CLIN_SCOPE_PATIENT_VISIBLE ? q->scope_id : NULL, ids, shown, data,
	    next);
}

int
records_lab_list(struct ctx *c)
{
	struct lab_query	 q;
	struct lab_rec		*rows;
	struct page		 pg;
	const char		*patient;
	size_t			 n;

	memset(&q, 0, sizeof(q));
	if (list_params(c, &q, &patient) == -1 || page_parse(c, &pg) == -1 ||
	    list_cursor(c, &q, pg.after) == -1 ||
	    clin_list_scope(c, &lab_list_acts, patient, &q.scope,
	    &q.scope_id) == -1)
		return 0;
	q.limit = pg.limit;
	if (store_lab_list(c->db, c->arena, &q, &rows, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return list_reply(c, &q, rows, n);
}
