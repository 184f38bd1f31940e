/* SQL of the audit seal: entries, checkpoints, rows to seal, the sealer's lock. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/store-audit.h"

/* Entries per multi-row INSERT: 4 parameters each, 64 per statement at most. */
#define SEAL_ADD_BATCH	16

static const char SQL_TIP[] =
    "SELECT audit_id, last_id, hash FROM audit_seal ORDER BY audit_id DESC"
    " LIMIT 1";

static const char SQL_ROWS_AFTER[] =
    "SELECT " STORE_AUDIT_COLS " FROM audit_log a"
    " WHERE a.id > ? ORDER BY a.id LIMIT ?";

static const char SQL_MAX_ID[] =
    "SELECT COALESCE(MAX(id), 0) FROM audit_log";

/*
 * A locking read that cannot wait: a row inserted by a transaction still
 * open holds a lock on its record, so this fails at once with a lock wait
 * error. READ COMMITTED (the session's level) takes no gap locks, and
 * NOWAIT never blocks, so no worker ever waits for it.
 */
static const char SQL_HELD[] =
    "SELECT id FROM audit_log WHERE id BETWEEN ? AND ? ORDER BY id LIMIT 1"
    " LOCK IN SHARE MODE NOWAIT";

static const char SQL_LOCK_WAIT[] =
    "SELECT @@GLOBAL.innodb_lock_wait_timeout";

#define SEAL_VALUES	"(?, ?, ?, ?)"
#define SEAL_VALUES4	SEAL_VALUES ", " SEAL_VALUES ", " SEAL_VALUES ", " SEAL_VALUES
static const char SQL_SEAL_ADD[] =
    "INSERT INTO audit_seal (audit_id, last_id, kind, hash) VALUES " SEAL_VALUES;
static const char SQL_SEAL_ADD_BATCH[] =
    "INSERT INTO audit_seal (audit_id, last_id, kind, hash) VALUES "
    SEAL_VALUES4 ", " SEAL_VALUES4 ", " SEAL_VALUES4 ", " SEAL_VALUES4;

#define CHECKPOINT_COLS "id, key_id, first_id, last_id, head_hash, rows_sealed," \
	" ids_skipped, sealed_at, signature, prev_hash"

static const char SQL_CHECKPOINT_ADD[] =
    "INSERT INTO audit_seal_checkpoint (" CHECKPOINT_COLS ")"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_CHECKPOINT_LAST[] =
    "SELECT " CHECKPOINT_COLS " FROM audit_seal_checkpoint"
    " ORDER BY id DESC LIMIT 1";

static const char SQL_CHECKPOINTS_AFTER[] =
    "SELECT " CHECKPOINT_COLS " FROM audit_seal_checkpoint"
    " WHERE id > ? ORDER BY id LIMIT ?";

static const char SQL_ENTRIES_AFTER[] =
    "SELECT s.audit_id, s.last_id, s.kind, s.hash, " STORE_AUDIT_COLS
    " FROM audit_seal s LEFT JOIN audit_log a"
    " ON s.kind = 'row' AND a.id = s.audit_id"
    " WHERE s.audit_id > ? ORDER BY s.audit_id LIMIT ?";

static const char SQL_FORGED_MIN[] =
    "SELECT MIN(a.id) FROM audit_seal s JOIN audit_log a"
    " ON a.id BETWEEN s.audit_id AND s.last_id WHERE s.kind = 'skip'";

/* Applies to the next transaction only; the session stays READ COMMITTED. */
static const char SQL_SNAPSHOT_LEVEL[] =
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/* Server-wide lock name, made per database so two installs on one server do not meet. */
static const char SQL_LOCK[] =
    "SELECT GET_LOCK(CONCAT('concierge_audit_seal.', DATABASE()), ?)";
static const char SQL_UNLOCK[] =
    "SELECT RELEASE_LOCK(CONCAT('concierge_audit_seal.', DATABASE()))";

/*
 * The server and connection a lease names: "host:port:socket #id" (the
 * socket tells apart servers of one host without TCP, whose port is 0).
 */
#define LEASE_NODE	"CONCAT(@@hostname, ':', @@port, ':', IFNULL(@@socket, ''))"
#define LEASE_ME	"CONCAT(" LEASE_NODE ", ' #', CONNECTION_ID())"
static const char SQL_LEASE_TAKE[] =
    "UPDATE audit_seal_lease SET holder = " LEASE_ME ","
    " taken_at = UTC_TIMESTAMP(6),"
    " expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND"
    " WHERE id = 1 AND (holder IS NULL OR expires_at <= UTC_TIMESTAMP(6)"
    " OR SUBSTRING_INDEX(holder, ' #', 1) = " LEASE_NODE ")";
static const char SQL_LEASE_WHO[] =
    "SELECT holder, GREATEST(0, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6),"
    " expires_at) DIV 1000) FROM audit_seal_lease WHERE id = 1";
static const char SQL_LEASE_RENEW[] =
    "UPDATE audit_seal_lease SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ?"
    " SECOND WHERE id = 1 AND holder = " LEASE_ME;
static const char SQL_LEASE_RELEASE[] =
    "UPDATE audit_seal_lease SET holder = NULL, taken_at = NULL,"
    " expires_at = NULL WHERE id = 1 AND holder = " LEASE_ME;
/* Copy a binary cell of exactly n bytes. 0 or -1. */
static int
cell_bytes(const struct db_row *r, size_t i, unsigned char *out, size_t n)
{
	if (r->v[i] == NULL || r->len[i] != n)
		return -1;
	memcpy(out, r->v[i], n);
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
	t->is_found = 1;
	if (seal_parse_id(res.rows[0].v[0], &t->audit_id) == -1 ||
	    seal_parse_id(res.rows[0].v[1], &t->last_id) == -1 ||
	    cell_bytes(&res.rows[0], 2, t->hash, SEAL_HASH_LEN) == -1)
		t->is_malformed = 1;
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

int
store_audit_held_min(struct db *db, struct arena *a, unsigned long long lo,
    unsigned long long hi, unsigned long long *id, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	*id = lo;
	rc = db_query(db, a, SQL_HELD, DB_ARGS(DB_INT(lo), DB_INT(hi)), &res);
	if (rc == DB_DEADLOCK) {
		/* Some id in lo..hi is locked: its row exists, uncommitted. */
		*found = 1;
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	/* Rows that committed since the sealer looked: not given up either. */
	if (res.nrows == 1 && res.rows[0].v[0] != NULL) {
		if (seal_parse_id(res.rows[0].v[0], id) == -1)
			return DB_ERROR;
		*found = 1;
	}
	return DB_OK;
}

int
store_audit_lock_wait(struct db *db, struct arena *a, long long *sec)
{
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, a, SQL_LOCK_WAIT, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows != 1 || db_cell_int(res.rows[0].v[0], sec) == -1)
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
store_audit_checkpoint_add(struct db *db, const struct seal_checkpoint *cp)
{
	return db_exec(db, SQL_CHECKPOINT_ADD, DB_ARGS(DB_INT(cp->seq),
	    DB_TEXT(cp->key_id), DB_INT(cp->first_id), DB_INT(cp->last_id),
	    DB_BLOB(cp->head, SEAL_HASH_LEN), DB_INT(cp->rows),
	    DB_INT(cp->skipped), DB_TIME(cp->sealed_at),
	    DB_BLOB(cp->sig, SEAL_SIG_LEN), DB_BLOB(cp->prev, SEAL_HASH_LEN)), NULL);
}

/* A checkpoint row (CHECKPOINT_COLS) into cp; unreadable cells set is_malformed. */
static void
checkpoint_parse(const struct db_row *r, struct seal_checkpoint *cp)
{
	memset(cp, 0, sizeof(*cp));
	if (seal_parse_id(r->v[0], &cp->seq) == -1)
		cp->is_malformed = 1;
	if (r->v[1] != NULL && r->len[1] == SEAL_KEY_ID_LEN)
		memcpy(cp->key_id, r->v[1], SEAL_KEY_ID_LEN);
	else
		cp->is_malformed = 1;
	if (seal_parse_id(r->v[2], &cp->first_id) == -1 ||
	    seal_parse_id(r->v[3], &cp->last_id) == -1 ||
	    cell_bytes(r, 4, cp->head, SEAL_HASH_LEN) == -1 ||
	    seal_parse_id(r->v[5], &cp->rows) == -1 ||
	    seal_parse_id(r->v[6], &cp->skipped) == -1 ||
	    db_cell_time(r->v[7], &cp->sealed_at) == -1 ||
	    cell_bytes(r, 8, cp->sig, SEAL_SIG_LEN) == -1 ||
	    cell_bytes(r, 9, cp->prev, SEAL_HASH_LEN) == -1)
		cp->is_malformed = 1;
}

int
store_audit_checkpoint_last(struct db *db, struct arena *a,
    struct seal_checkpoint *cp, int *found)
{
	struct db_res	 res;
	int		 rc;

	memset(cp, 0, sizeof(*cp));
	*found = 0;
	if ((rc = db_query(db, a, SQL_CHECKPOINT_LAST, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows == 1) {
		checkpoint_parse(&res.rows[0], cp);
		*found = 1;
	}
	return DB_OK;
}

int
store_audit_checkpoints_after(struct db *db, struct arena *a,
    unsigned long long after, long limit, struct seal_checkpoint **out,
    size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, a, SQL_CHECKPOINTS_AFTER, DB_ARGS(DB_INT(after),
	    DB_INT(limit)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	*out = arena_alloc(a, res.nrows * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		checkpoint_parse(&res.rows[i], &(*out)[i]);
	*n = res.nrows;
	return DB_OK;
}

int
store_audit_entries_after(struct db *db, struct arena *a,
    unsigned long long after, long limit, struct db_res *res)
{
	return db_query(db, a, SQL_ENTRIES_AFTER, DB_ARGS(DB_INT(after),
	    DB_INT(limit)), res);
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
store_audit_snapshot_begin(struct db *db)
{
	int	 rc;

	if ((rc = db_exec(db, SQL_SNAPSHOT_LEVEL, DB_NOARGS, NULL)) != DB_OK)
		return rc;
	return db_begin(db);
}

void
store_audit_snapshot_end(struct db *db)
{
	(void)db_rollback(db);
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

int
store_audit_lease_take(struct db *db, struct arena *a, long sec, int *got,
    char *holder, size_t holdersz, long long *left)
{
	struct db_res		 res;
	unsigned long long	 n = 0;
	int			 rc;

	*got = 0;
	*left = 0;
	if (holdersz > 0)
		holder[0] = '\0';
	rc = db_exec(db, SQL_LEASE_TAKE, DB_ARGS(DB_INT(sec)), &n);
	if (rc == DB_OK && n == 1) {
		*got = 1;
		return DB_OK;
	}
	/* Another node's takeover certified first: it holds the lease. */
	if (rc != DB_OK && rc != DB_DEADLOCK)
		return rc;
	if ((rc = db_query(db, a, SQL_LEASE_WHO, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows != 1)
		return DB_ERROR;	/* no lease row: not migrated */
	if (res.rows[0].v[0] != NULL && holdersz > 0)
		snprintf(holder, holdersz, "%s", res.rows[0].v[0]);
	if (res.rows[0].v[1] != NULL && db_cell_int(res.rows[0].v[1], left) == -1)
		return DB_ERROR;
	return DB_OK;
}

int
store_audit_lease_renew(struct db *db, long sec, int *owned)
{
	unsigned long long	 n = 0;
	int			 rc;

	*owned = 0;
	if ((rc = db_exec(db, SQL_LEASE_RENEW, DB_ARGS(DB_INT(sec)), &n)) !=
	    DB_OK)
		return rc;
	*owned = n == 1;
	return DB_OK;
}

int
store_audit_lease_release(struct db *db)
{
	return db_exec(db, SQL_LEASE_RELEASE, DB_NOARGS, NULL);
}
