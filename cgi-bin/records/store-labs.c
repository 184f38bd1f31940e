/* SQL of lab results and their released versions. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "cgi-bin/records/store-labs.h"

#define LAB_COLS \
    "l.id, l.patient_id, l.ordered_by, l.created_by, l.updated_by," \
    " l.test_code, l.test_name, l.result_value, l.units, l.reference_range," \
    " l.interpretation, l.notes, l.status, l.version, l.published_at," \
    " l.created_at, l.updated_at, l.attachment_ids"
#define LAB_NCOLS	18

static const char SQL_INSERT[] =
    "INSERT INTO lab_results (id, patient_id, ordered_by, created_by,"
    " updated_by, test_code, test_name, result_value, units, reference_range,"
    " interpretation, notes, status, version, published_at, created_at,"
    " updated_at, attachment_ids)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_GET[] =
    "SELECT " LAB_COLS " FROM lab_results l WHERE l.id = ?";
static const char SQL_GET_LOCK[] =
    "SELECT " LAB_COLS " FROM lab_results l WHERE l.id = ? FOR UPDATE";

static const char SQL_WRITE[] =
    "UPDATE lab_results SET ordered_by = ?, test_code = ?, test_name = ?,"
    " result_value = ?, units = ?, reference_range = ?, interpretation = ?,"
    " notes = ?, status = ?, version = ?, published_at = ?, updated_at = ?,"
    " updated_by = ?, attachment_ids = ? WHERE id = ? AND status = ? AND version = ?";

static const char SQL_VERSION_INSERT[] =
    "INSERT INTO lab_result_versions (lab_result_id, version, status,"
    " test_code, test_name, result_value, units, reference_range,"
    " interpretation, notes, reason, recorded_by, published_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_VERSIONS[] =
    "SELECT version, status, test_code, test_name, result_value, units,"
    " reference_range, interpretation, notes, reason, recorded_by,"
    " published_at FROM lab_result_versions WHERE lab_result_id = ?"
    " ORDER BY version";

/*
 * Lists: the keyset (listed_at, id) descending. The caller lowers hi to
 * the cursor's listed_at, so the range on listed_at does the work and
 * the OR only drops the rows of the same instant already shown. Each
 * scope names the index whose order is the list's: the optimizer,
 * blind to the parameters' values, would otherwise pick the wider one
 * (measured: twice the cost for a patient's released results).
 */
#define LIST_FILTERS \
    " AND (? IS NULL OR l.status = ?) AND (? IS NULL OR l.test_code = ?)" \
    " AND l.listed_at >= ? AND l.listed_at <= ?" \
    " AND (l.listed_at < ? OR l.id < ?)" \
    " ORDER BY l.listed_at DESC, l.id DESC LIMIT ?"

static const char SQL_LIST_PATIENT[] =
    "SELECT " LAB_COLS " FROM lab_results l FORCE INDEX (lab_results_patient)"
    " WHERE l.patient_id = ?" LIST_FILTERS;
static const char SQL_LIST_PATIENT_RELEASED[] =
    "SELECT " LAB_COLS " FROM lab_results l"
    " FORCE INDEX (lab_results_patient_released)"
    " WHERE l.patient_id = ? AND l.is_released = 1" LIST_FILTERS;
/*
 * A provider's orders, of patients whose care team they are still on: a
 * scalar subquery (an eq_ref per row, in the index's order), because
 * EXISTS becomes a semi-join with a join buffer and a filesort of all
 * the provider's orders.
 */
static const char SQL_LIST_ORDERED_BY[] =
    "SELECT " LAB_COLS " FROM lab_results l"
    " FORCE INDEX (lab_results_ordered_by) WHERE l.ordered_by = ?"
    " AND (SELECT 1 FROM care_team t WHERE t.patient_id = l.patient_id"
    " AND t.provider_id = l.ordered_by) = 1" LIST_FILTERS;
static const char SQL_LIST_ALL[] =
    "SELECT " LAB_COLS " FROM lab_results l FORCE INDEX (lab_results_listed)"
    " WHERE ? IS NULL" LIST_FILTERS;

static const char *const list_sql[CLIN_SCOPE__MAX] = {
	SQL_LIST_PATIENT, SQL_LIST_PATIENT_RELEASED, SQL_LIST_ORDERED_BY,
	SQL_LIST_ALL,
};

static struct db_param
box_param(const struct sealed *b)
{
	return DB_BLOB(b->p, b->n);
}

static struct db_param
time_param(int64_t t)
{
	return t == JTIME_NULL ? DB_NULL : DB_TIME(t);
}

static void
box_cell(const struct db_row *r, size_t i, struct sealed *b)
{
	b->p = (const unsigned char *)r->v[i];
	b->n = r->v[i] != NULL ? r->len[i] : 0;
}

static int
time_cell(const char *s, int64_t *t)
{
	*t = JTIME_NULL;
	return s == NULL ? 0 : db_cell_time(s, t);
}

/* Columns LAB_COLS of row r. */
static int
lab_from_row(const struct db_row *r, struct lab_rec *o)
{
	memset(o, 0, sizeof(*o));
	if (r->ncols < LAB_NCOLS || r->v[0] == NULL ||
	    db_cell_int(r->v[13], &o->version) == -1 ||
	    time_cell(r->v[14], &o->published_at) == -1 ||
	    db_cell_time(r->v[15], &o->created_at) == -1 ||
	    db_cell_time(r->v[16], &o->updated_at) == -1)
		return DB_ERROR;
	snprintf(o->id, sizeof(o->id), "%s", r->v[0]);
	o->patient_id = r->v[1];
	o->ordered_by = r->v[2];
	o->created_by = r->v[3];
	o->updated_by = r->v[4];
	o->v.test_code = r->v[5];
	o->v.test_name = r->v[6];
	box_cell(r, 7, &o->value_box);
	o->v.units = r->v[8];
	o->v.reference_range = r->v[9];
	o->v.interpretation = r->v[10];
	box_cell(r, 11, &o->notes_box);
	o->status = r->v[12];
	o->attachment_ids = r->v[17];
	return DB_OK;
}

int
store_lab_insert(struct db *db, const struct lab_rec *r)
{
	return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(r->id),
	    DB_TEXT(r->patient_id), DB_TEXT(r->ordered_by), DB_TEXT(r->created_by),
	    DB_TEXT(r->updated_by), DB_TEXT(r->v.test_code),
	    DB_TEXT(r->v.test_name), box_param(&r->value_box),
	    DB_TEXT(r->v.units), DB_TEXT(r->v.reference_range),
	    DB_TEXT(r->v.interpretation), box_param(&r->notes_box),
	    DB_TEXT(r->status), DB_INT(r->version), time_param(r->published_at),
	    DB_TIME(r->created_at), DB_TIME(r->updated_at),
	    DB_TEXT(r->attachment_ids)), NULL);
}

int
store_lab_get(struct db *db, struct arena *a, const char *id, int lock,
    struct lab_rec *o, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, lock ? SQL_GET_LOCK : SQL_GET,
	    DB_ARGS(DB_TEXT(id)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	if ((rc = lab_from_row(&res.rows[0], o)) == DB_OK)
		*found = 1;
	return rc;
}

int
store_lab_write(struct db *db, const struct lab_rec *r, const char *from,
    long long from_version, unsigned long long *n)
{
	return db_exec(db, SQL_WRITE, DB_ARGS(DB_TEXT(r->ordered_by),
	    DB_TEXT(r->v.test_code), DB_TEXT(r->v.test_name),
	    box_param(&r->value_box), DB_TEXT(r->v.units),
	    DB_TEXT(r->v.reference_range), DB_TEXT(r->v.interpretation),
	    box_param(&r->notes_box), DB_TEXT(r->status), DB_INT(r->version),
	    time_param(r->published_at), DB_TIME(r->updated_at),
	    DB_TEXT(r->updated_by), DB_TEXT(r->attachment_ids), DB_TEXT(r->id),
	    DB_TEXT(from), DB_INT(from_version)), n);
}

int
store_lab_version_insert(struct db *db, const char *lab_id,
    const struct lab_version_rec *v)
{
	return db_exec(db, SQL_VERSION_INSERT, DB_ARGS(DB_TEXT(lab_id),
	    DB_INT(v->version), DB_TEXT(v->status), DB_TEXT(v->v.test_code),
	    DB_TEXT(v->v.test_name), box_param(&v->value_box),
	    DB_TEXT(v->v.units), DB_TEXT(v->v.reference_range),
	    DB_TEXT(v->v.interpretation), box_param(&v->notes_box),
	    box_param(&v->reason_box), DB_TEXT(v->recorded_by),
	    DB_TIME(v->published_at)), NULL);
}

int
store_lab_versions(struct db *db, struct arena *a, const char *lab_id,
    struct lab_version_rec **out, size_t *n)
{
	struct db_res		 res;
	struct lab_version_rec	*v;
	struct db_row		*r;
	size_t			 i;
	int			 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_VERSIONS, DB_ARGS(DB_TEXT(lab_id)),
	    &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		r = &res.rows[i];
		v = &(*out)[i];
		if (r->ncols < 12 || db_cell_int(r->v[0], &v->version) == -1 ||
		    db_cell_time(r->v[11], &v->published_at) == -1)
			return DB_ERROR;
		v->status = r->v[1];
		v->v.test_code = r->v[2];
		v->v.test_name = r->v[3];
		box_cell(r, 4, &v->value_box);
		v->v.units = r->v[5];
		v->v.reference_range = r->v[6];
		v->v.interpretation = r->v[7];
		box_cell(r, 8, &v->notes_box);
		box_cell(r, 9, &v->reason_box);
		v->recorded_by = r->v[10];
	}
	*n = res.nrows;
	return DB_OK;
}

int
store_lab_list(struct db *db, struct arena *a, const struct lab_query *q,
    struct lab_rec **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((unsigned)q->scope >= CLIN_SCOPE__MAX)
		return DB_ERROR;
	if ((rc = db_query(db, a, list_sql[q->scope], DB_ARGS(
	    DB_TEXT(q->scope == CLIN_SCOPE_ALL ? NULL : q->scope_id),
	    DB_TEXT(q->status), DB_TEXT(q->status), DB_TEXT(q->test_code),
	    DB_TEXT(q->test_code), DB_TIME(q->lo), DB_TIME(q->hi),
	    DB_TIME(q->cur_at), DB_TEXT(q->cur_id), DB_INT(q->limit + 1)),
	    &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (lab_from_row(&res.rows[i], &(*out)[i]) != DB_OK)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}
