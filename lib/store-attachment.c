/* SQL of the attachments table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/store-attachment.h"

#define ATT_COLS \
    "id, uploader_id, content_type, filename, size_bytes, sha256," \
    " storage_name, key_id, attached_kind, attached_id, attached_at," \
    " created_at"

static const char SQL_INSERT[] =
    "INSERT INTO attachments (id, uploader_id, content_type, filename,"
    " size_bytes, sha256, storage_name, key_id, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_GET[] =
    "SELECT " ATT_COLS " FROM attachments WHERE id = ?";

static const char SQL_LINK[] =
    "UPDATE attachments SET attached_kind = ?, attached_id = ?,"
    " attached_at = ? WHERE id = ? AND uploader_id = ?"
    " AND attached_kind IS NULL";

static const char SQL_BY_RECORD[] =
    "SELECT " ATT_COLS " FROM attachments"
    " WHERE attached_kind = ? AND attached_id = ?"
    " ORDER BY attached_at, id LIMIT ?";

static const char SQL_STALE[] =
    "SELECT " ATT_COLS " FROM attachments"
    " WHERE attached_kind IS NULL AND created_at < ?"
    " ORDER BY created_at, id LIMIT ?";

static const char SQL_DELETE_UNATTACHED[] =
    "DELETE FROM attachments WHERE id = ? AND attached_kind IS NULL";

static const char SQL_NAME_EXISTS[] =
    "SELECT 1 FROM attachments WHERE storage_name = ?";

int
store_att_insert(struct db *db, const struct attachment_row *r)
{
	return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(r->id),
	    DB_TEXT(r->uploader_id), DB_TEXT(r->content_type),
	    DB_BLOB(r->filename_sealed, r->filename_sealed_len),
	    DB_INT(r->size), DB_BLOB(r->sha256, sizeof(r->sha256)),
	    DB_TEXT(r->storage_name), DB_INT(r->key_id),
	    DB_TIME(r->created_at)), NULL);
}

/* Copy one result row into r. 0, or -1 if a cell is malformed. */
static int
from_row(const struct db_row *row, struct attachment_row *r)
{
	long long	 v;

	memset(r, 0, sizeof(*r));
	if (row->v[0] == NULL || row->len[0] != ID_LEN || row->v[1] == NULL ||
	    row->len[1] != ID_LEN || row->v[5] == NULL ||
	    row->len[5] != CRYPTO_SHA256_LEN || row->v[6] == NULL ||
	    row->len[6] != ATTFILE_NAME_LEN)
		return -1;
	memcpy(r->id, row->v[0], ID_LEN + 1);
	memcpy(r->uploader_id, row->v[1], ID_LEN + 1);
	r->content_type = row->v[2];
	r->filename_sealed = (const unsigned char *)row->v[3];
	r->filename_sealed_len = row->len[3];
	if (db_cell_int(row->v[4], &v) == -1 || v <= 0)
		return -1;
	r->size = (uint64_t)v;
	memcpy(r->sha256, row->v[5], CRYPTO_SHA256_LEN);
	memcpy(r->storage_name, row->v[6], ATTFILE_NAME_LEN + 1);
	if (db_cell_int(row->v[7], &v) == -1 || v <= 0 || v > 0x7fffffffLL)
		return -1;
	r->key_id = (uint32_t)v;
	r->attached_kind = row->v[8];
	r->attached_id = row->v[9];
	if (row->v[10] != NULL && db_cell_time(row->v[10], &r->attached_at) == -1)
		return -1;
	return db_cell_time(row->v[11], &r->created_at);
}

static int
rows_of(struct arena *a, const struct db_res *res, struct attachment_row **out,
    size_t *n)
{
	size_t	 i;

	*out = arena_alloc(a, (res->nrows + 1) * sizeof(**out));
	*n = 0;
	for (i = 0; i < res->nrows; i++)
		if (from_row(&res->rows[i], &(*out)[i]) == -1)
			return DB_ERROR;
	*n = res->nrows;
	return DB_OK;
}

int
store_att_get(struct db *db, struct arena *a, const char *id,
    struct attachment_row *r, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_GET, DB_ARGS(DB_TEXT(id)), &res)) != DB_OK ||
	    res.nrows == 0)
		return rc;
	if (from_row(&res.rows[0], r) == -1)
		return DB_ERROR;
	*found = 1;
	return DB_OK;
}

int
store_att_link(struct db *db, const char *id, const char *uploader_id,
    const char *kind, const char *record_id, int64_t now,
    unsigned long long *affected)
{
	return db_exec(db, SQL_LINK, DB_ARGS(DB_TEXT(kind), DB_TEXT(record_id),
	    DB_TIME(now), DB_TEXT(id), DB_TEXT(uploader_id)), affected);
}

int
store_att_by_record(struct db *db, struct arena *a, const char *kind,
    const char *record_id, size_t max, struct attachment_row **out,
    size_t *n)
{
	struct db_res	 res;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, a, SQL_BY_RECORD, DB_ARGS(DB_TEXT(kind),
	    DB_TEXT(record_id), DB_INT(max)), &res)) != DB_OK)
		return rc;
	return rows_of(a, &res, out, n);
}

int
store_att_stale(struct db *db, struct arena *a, int64_t cutoff, size_t max,
    struct attachment_row **out, size_t *n)
{
	struct db_res	 res;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, a, SQL_STALE, DB_ARGS(DB_TIME(cutoff),
	    DB_INT(max)), &res)) != DB_OK)
		return rc;
	return rows_of(a, &res, out, n);
}

int
store_att_delete_unattached(struct db *db, const char *id,
    unsigned long long *affected)
{
	return db_exec(db, SQL_DELETE_UNATTACHED, DB_ARGS(DB_TEXT(id)), affected);
}

int
store_att_name_exists(struct db *db, struct arena *a, const char *name,
    int *exists)
{
	struct db_res	 res;
	int		 rc;

	*exists = 0;
	if ((rc = db_query(db, a, SQL_NAME_EXISTS, DB_ARGS(DB_TEXT(name)),
	    &res)) == DB_OK)
		*exists = res.nrows > 0;
	return rc;
}
