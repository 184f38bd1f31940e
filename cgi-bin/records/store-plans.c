/* SQL of treatment plans. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cgi-bin/records/store-plans.h"

#define PLAN_COLS \
    "p.id, p.patient_id, p.created_by, p.updated_by, p.title, p.details," \
    " p.goals, p.status, p.start_date, p.end_date, p.created_at, p.updated_at"
#define PLAN_NCOLS	12

static const char SQL_INSERT[] =
    "INSERT INTO treatment_plans (id, patient_id, created_by, updated_by,"
    " title, details, goals, status, start_date, end_date, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_GET[] =
    "SELECT " PLAN_COLS " FROM treatment_plans p WHERE p.id = ?";
static const char SQL_GET_LOCK[] =
    "SELECT " PLAN_COLS " FROM treatment_plans p WHERE p.id = ? FOR UPDATE";

static const char SQL_WRITE[] =
    "UPDATE treatment_plans SET title = ?, details = ?, goals = ?,"
    " status = ?, start_date = ?, end_date = ?, updated_at = ?,"
    " updated_by = ? WHERE id = ? AND status = ?";

/* Keyset (created_at, id) descending; the caller's cursor bounds created_at. */
#define LIST_TAIL \
    " AND (? IS NULL OR p.status = ?) AND p.created_at <= ?" \
    " AND (p.created_at < ? OR p.id < ?)" \
    " ORDER BY p.created_at DESC, p.id DESC LIMIT ?"

static const char SQL_LIST_PATIENT[] =
    "SELECT " PLAN_COLS " FROM treatment_plans p WHERE p.patient_id = ?"
    LIST_TAIL;
static const char SQL_LIST_PATIENT_SHARED[] =
    "SELECT " PLAN_COLS " FROM treatment_plans p WHERE p.patient_id = ?"
    " AND p.is_shared = 1" LIST_TAIL;
/* As a provider's lab orders (store-labs.c): a scalar subquery per row. */
static const char SQL_LIST_CREATED_BY[] =
    "SELECT " PLAN_COLS " FROM treatment_plans p WHERE p.created_by = ?"
    " AND (SELECT 1 FROM care_team t WHERE t.patient_id = p.patient_id"
    " AND t.provider_id = p.created_by) = 1" LIST_TAIL;
static const char SQL_LIST_ALL[] =
    "SELECT " PLAN_COLS " FROM treatment_plans p WHERE ? IS NULL" LIST_TAIL;

static const char *const list_sql[CLIN_SCOPE__MAX] = {
	SQL_LIST_PATIENT, SQL_LIST_PATIENT_SHARED, SQL_LIST_CREATED_BY,
	SQL_LIST_ALL,
};

static void
box_cell(const struct db_row *r, size_t i, struct sealed *b)
{
	b->p = (const unsigned char *)r->v[i];
	b->n = r->v[i] != NULL ? r->len[i] : 0;
}

static int
plan_from_row(const struct db_row *r, struct plan_rec *o)
{
	memset(o, 0, sizeof(*o));
	if (r->ncols < PLAN_NCOLS || r->v[0] == NULL ||
	    db_cell_time(r->v[10], &o->created_at) == -1 ||
	    db_cell_time(r->v[11], &o->updated_at) == -1)
		return DB_ERROR;
	snprintf(o->id, sizeof(o->id), "%s", r->v[0]);
	o->patient_id = r->v[1];
	o->created_by = r->v[2];
	o->updated_by = r->v[3];
	o->title = r->v[4];
	box_cell(r, 5, &o->details_box);
	box_cell(r, 6, &o->goals_box);
	o->status = r->v[7];
	o->start_date = r->v[8];
	o->end_date = r->v[9];
	return DB_OK;
}

int
store_plan_insert(struct db *db, const struct plan_rec *p)
{
	return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(p->id),
	    DB_TEXT(p->patient_id), DB_TEXT(p->created_by),
	    DB_TEXT(p->updated_by), DB_TEXT(p->title),
	    DB_BLOB(p->details_box.p, p->details_box.n),
	    DB_BLOB(p->goals_box.p, p->goals_box.n), DB_TEXT(p->status),
	    DB_TEXT(p->start_date), DB_TEXT(p->end_date),
	    DB_TIME(p->created_at), DB_TIME(p->updated_at)), NULL);
}

int
store_plan_get(struct db *db, struct arena *a, const char *id, int lock,
    struct plan_rec *o, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, lock ? SQL_GET_LOCK : SQL_GET,
	    DB_ARGS(DB_TEXT(id)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	if ((rc = plan_from_row(&res.rows[0], o)) == DB_OK)
		*found = 1;
	return rc;
}

int
store_plan_write(struct db *db, const struct plan_rec *p, const char *from,
    unsigned long long *n)
{
	return db_exec(db, SQL_WRITE, DB_ARGS(DB_TEXT(p->title),
	    DB_BLOB(p->details_box.p, p->details_box.n),
	    DB_BLOB(p->goals_box.p, p->goals_box.n), DB_TEXT(p->status),
	    DB_TEXT(p->start_date), DB_TEXT(p->end_date),
	    DB_TIME(p->updated_at), DB_TEXT(p->updated_by), DB_TEXT(p->id),
	    DB_TEXT(from)), n);
}

int
store_plan_list(struct db *db, struct arena *a, const struct plan_query *q,
    struct plan_rec **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((unsigned)q->scope >= CLIN_SCOPE__MAX)
		return DB_ERROR;
	if ((rc = db_query(db, a, list_sql[q->scope], DB_ARGS(
	    DB_TEXT(q->scope == CLIN_SCOPE_ALL ? NULL : q->scope_id),
	    DB_TEXT(q->status), DB_TEXT(q->status), DB_TIME(q->cur_at),
	    DB_TIME(q->cur_at), DB_TEXT(q->cur_id), DB_INT(q->limit + 1)),
	    &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (plan_from_row(&res.rows[i], &(*out)[i]) != DB_OK)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}
