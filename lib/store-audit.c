/* SQL of the audit seal: entries, checkpoints, rows to seal, the sealer's lock. */
#include "config.h"

#include <string.h>

#include "lib/log.h"
#include "lib/store-audit.h"

/* Entries per multi-row INSERT: 4 parameters each, 64 per statement at most. */
#define SEAL_ADD_BATCH	16

static const char SQL_TIP[] =
    "SELECT last_id, hash FROM audit_seal ORDER BY audit_id DESC LIMIT 1";

static const char SQL_ROWS_AFTER[] =
    "SELECT " STORE_AUDIT_COLS " FROM audit_log a"
    " WHERE a.id > ? ORDER BY a.id LIMIT ?";

static const char SQL_MAX_ID[] =
    "SELECT COALESCE(MAX(id), 0) FROM audit_log";

#define SEAL_VALUES	"(?, ?, ?, ?, UTC_TIMESTAMP(6))"
#define SEAL_VALUES4	SEAL_VALUES ", " SEAL_VALUES ", " SEAL_VALUES ", " SEAL_VALUES
static const char SQL_SEAL_ADD[] =
    "INSERT INTO audit_seal (audit_id, last_id, kind, hash, sealed_at)"
    " VALUES " SEAL_VALUES;
static const char SQL_SEAL_ADD_BATCH[] =
    "INSERT INTO audit_seal (audit_id, last_id, kind, hash, sealed_at) VALUES "
    SEAL_VALUES4 ", " SEAL_VALUES4 ", " SEAL_VALUES4 ", " SEAL_VALUES4;

static const char SQL_CHECKPOINT_ADD[] =
    "INSERT INTO audit_seal_checkpoint (last_id, head_hash, rows_sealed,"
    " ids_skipped, sealed_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))";

static const char SQL_CHECKPOINT_LAST[] =
    "SELECT last_id, head_hash, sealed_at FROM audit_seal_checkpoint"
    " ORDER BY id DESC LIMIT 1";

static const char SQL_SEAL_EACH[] =
    "SELECT s.audit_id, s.last_id, s.kind, s.hash, " STORE_AUDIT_COLS
    " FROM audit_seal s LEFT JOIN audit_log a"
    " ON s.kind = 'row' AND a.id = s.audit_id"
    " ORDER BY s.audit_id";

static const char SQL_FORGED_MIN[] =
    "SELECT MIN(a.id) FROM audit_seal s JOIN audit_log a"
    " ON a.id BETWEEN s.audit_id AND s.last_id WHERE s.kind = 'skip'";

/* Server-wide lock name, made per database so two installs on one server do not meet. */
static const char SQL_LOCK[] =
    "SELECT GET_LOCK(CONCAT('concierge_audit_seal.', DATABASE()), ?)";
static const char SQL_UNLOCK[] =
    "SELECT RELEASE_LOCK(CONCAT('concierge_audit_seal.', DATABASE()))";

/* Copy a BINARY(32) cell. 0 or -1. */
static int
cell_hash(const struct db_row *r, size_t i, unsigned char out[SEAL_HASH_LEN])
{
	if (r->v[i] == NULL || r->len[i] != SEAL_HASH_LEN)
		return -1;
	memcpy(out, r->v[i], SEAL_HASH_LEN);
	return 0;
}

int
store_audit_seal_tip(struct db *db, struct arena *a, struct store_seal_tip *t)
{
	struct db_res	 res;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((rc = db_query(db, a, SQL_TIP, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	if (seal_parse_id(res.rows[0].v[0], &t->last_id) == -1 ||
	    cell_hash(&res.rows[0], 1, t->hash) == -1) {
		log_errx("audit: the newest seal entry is malformed");
		return DB_ERROR;
	}
	t->is_found = 1;
	return DB_OK;
}

int
store_audit_rows_after(struct db *db, struct arena *a, unsigned long long after,
    long limit, struct db_res *res)
{
	return db_query(db, a, SQL_ROWS_AFTER, DB_ARGS(DB_INT(after),
	    DB_INT(limit)), res);
}

int
store_audit_max_id(struct db *db, struct arena *a, unsigned long long *out)
{
	struct db_res	 res;
	int		 rc;

	*out = 0;
	if ((rc = db_query(db, a, SQL_MAX_ID, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows != 1 || seal_parse_id(res.rows[0].v[0], out) == -1)
		return DB_ERROR;
	return DB_OK;
}

/* The four parameters of one entry into p. */
static void
entry_params(const struct store_seal_entry *e, struct db_param *p)
{
	p[0] = DB_INT(e->first);
	p[1] = DB_INT(e->last);
	p[2] = DB_TEXT(e->is_skip ? "skip" : "row");
	p[3] = DB_BLOB(e->hash, SEAL_HASH_LEN);
}

int
store_audit_seal_add(struct db *db, const struct store_seal_entry *e, size_t n)
{
	struct db_param	 p[4 * SEAL_ADD_BATCH];
	size_t		 i;
	int		 rc;

	while (n >= SEAL_ADD_BATCH) {
		for (i = 0; i < SEAL_ADD_BATCH; i++)
			entry_params(&e[i], &p[4 * i]);
		if ((rc = db_exec(db, SQL_SEAL_ADD_BATCH, p, 4 * SEAL_ADD_BATCH,
		    NULL)) != DB_OK)
			return rc;
		e += SEAL_ADD_BATCH;
		n -= SEAL_ADD_BATCH;
	}
	for (i = 0; i < n; i++) {
		entry_params(&e[i], p);
		if ((rc = db_exec(db, SQL_SEAL_ADD, p, 4, NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

int
store_audit_checkpoint_add(struct db *db, unsigned long long last_id,
    const unsigned char hash[SEAL_HASH_LEN], unsigned long long rows,
    unsigned long long skipped)
{
	return db_exec(db, SQL_CHECKPOINT_ADD, DB_ARGS(DB_INT(last_id),
	    DB_BLOB(hash, SEAL_HASH_LEN), DB_INT(rows), DB_INT(skipped)), NULL);
}

int
store_audit_checkpoint_last(struct db *db, struct arena *a,
    struct store_checkpoint *cp)
{
	struct db_res	 res;
	int		 rc;

	memset(cp, 0, sizeof(*cp));
	if ((rc = db_query(db, a, SQL_CHECKPOINT_LAST, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	if (seal_parse_id(res.rows[0].v[0], &cp->last_id) == -1 ||
	    cell_hash(&res.rows[0], 1, cp->hash) == -1 ||
	    db_cell_time(res.rows[0].v[2], &cp->sealed_at) == -1) {
		log_errx("audit: the newest checkpoint is malformed");
		return DB_ERROR;
	}
	cp->is_found = 1;
	return DB_OK;
}

int
store_audit_seal_each(struct db *db, int (*fn)(void *, const struct db_row *),
    void *arg)
{
	return db_query_each(db, SQL_SEAL_EACH, DB_NOARGS, fn, arg);
}

int
store_audit_forged_min(struct db *db, struct arena *a, unsigned long long *id,
    int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	*id = 0;
	if ((rc = db_query(db, a, SQL_FORGED_MIN, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows == 1 && res.rows[0].v[0] != NULL) {
		if (seal_parse_id(res.rows[0].v[0], id) == -1)
			return DB_ERROR;
		*found = 1;
	}
	return DB_OK;
}

int
store_audit_lock(struct db *db, struct arena *a, long wait_sec, int *got)
{
	struct db_res	 res;
	int		 rc;

	*got = 0;
	if ((rc = db_query(db, a, SQL_LOCK, DB_ARGS(DB_INT(wait_sec)), &res)) !=
	    DB_OK)
		return rc;
	*got = res.nrows == 1 && res.rows[0].v[0] != NULL &&
	    strcmp(res.rows[0].v[0], "1") == 0;
	return DB_OK;
}

int
store_audit_unlock(struct db *db)
{
	return db_exec(db, SQL_UNLOCK, DB_NOARGS, NULL);
}
