/*
 * Reading treatment plans: GET /api/v1/treatment-plans?patient_id=&status=
 * (scoped to the caller, newest first, keyset cursor) and
 * GET /api/v1/treatment-plans/{id}. A patient sees their own shared
 * plans only (never a draft, never one entered in error). Every read
 * writes one audit row.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/http.h"
#include "lib/json.h"
#include "lib/page.h"
#include "lib/time.h"
#include "cgi-bin/records/clinical.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/store-plans.h"

int
records_plan_get(struct ctx *c)
{
	struct plan_rec	 p;
	const char	*ids[1];
	int		 found = 0;

	if (id_is_valid(c->cap[0]) && store_plan_get(c->db, c->arena, c->cap[0],
	    0, &p, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such treatment plan");
		return 0;
	}
	if (!plan_visible(c, &p, "read", NULL))
		return 0;
	if (plan_open(c, &p) == -1)
		return -1;
	ids[0] = p.id;
	if (audit_append_read(c, "treatment_plan", ids, 1, p.patient_id,
	    "treatment plan read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, plan_view(&p));
	return 0;
}

static const struct clin_list_acts plan_list_acts = {
	"treatment_plan", POL_PLAN_LIST, POL_PLAN_READ, POL_PLAN_READ_UNSHARED,
};

static int
list_reply(struct ctx *c, const struct plan_query *q, struct plan_rec *rows,
    size_t n)
{
	struct json_object	*data;
	const char		**ids, *next = NULL;
	size_t			 i, shown;

	shown = n > (size_t)q->limit ? (size_t)q->limit : n;
	ids = arena_alloc(c->arena, (shown + 1) * sizeof(*ids));
	data = json_object_new_array();
	for (i = 0; i < shown; i++) {
		if (plan_open(c, &rows[i]) == -1) {
			json_object_put(data);
			return -1;
		}
		ids[i] = rows[i].id;
		json_object_array_add(data, plan_view(&rows[i]));
	}
	if (n > shown)
		next = clin_cursor_next(c, rows[shown - 1].created_at,
		    rows[shown - 1].id);
	return clin_list_reply(c, "treatment_plan", "treatment plans listed",
	    q->scope == CLIN_SCOPE_PATIENT || q->scope ==
	    CLIN_SCOPE_PATIENT_VISIBLE ? q->scope_id : NULL, ids, shown, data,
	    next);
}

int
records_plan_list(struct ctx *c)
{
	struct plan_query	 q;
	struct plan_rec		*rows;
	struct page		 pg;
	const char		*patient;
	size_t			 n;

	memset(&q, 0, sizeof(q));
	q.cur_at = CLIN_T_MAX;
	q.cur_id = "";
	clin_list_params(c, plan_statuses, &q.status, &patient);
	if (c->nerrs > 0) {
		problem_validation(c);
		return 0;
	}
	if (page_parse(c, &pg) == -1 ||
	    clin_cursor(c, pg.after, &q.cur_at, &q.cur_id) == -1 ||
	    clin_list_scope(c, &plan_list_acts, patient, &q.scope,
	    &q.scope_id) == -1)
		return 0;
	q.limit = pg.limit;
	if (store_plan_list(c->db, c->arena, &q, &rows, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return list_reply(c, &q, rows, n);
}
