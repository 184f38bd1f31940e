/* SQL of the MFA routes: users' MFA columns and mfa_recovery_codes. */
#include "config.h"

#include <string.h>

#include "cgi-bin/auth/store-mfa.h"

static const char SQL_GET[] =
    "SELECT mfa_enabled, mfa_secret, mfa_pending FROM users WHERE id = ?";

static const char SQL_GET_LOCK[] =
    "SELECT mfa_enabled, mfa_secret, mfa_pending FROM users WHERE id = ?"
    " FOR UPDATE";

static const char SQL_SET_PENDING[] =
    "UPDATE users SET mfa_pending = ?, updated_at = ?"
    " WHERE id = ? AND mfa_enabled = 0";

static const char SQL_ENABLE[] =
    "UPDATE users SET mfa_secret = mfa_pending, mfa_pending = NULL,"
    " mfa_enabled = 1, mfa_last_step = ?, updated_at = ?"
    " WHERE id = ? AND mfa_enabled = 0 AND mfa_pending = ?";

static const char SQL_DISABLE[] =
    "UPDATE users SET mfa_enabled = 0, mfa_secret = NULL, mfa_pending = NULL,"
    " mfa_last_step = NULL, updated_at = ? WHERE id = ? AND mfa_enabled = 1";

static const char SQL_TAKE_STEP[] =
    "UPDATE users SET mfa_last_step = ? WHERE id = ? AND mfa_enabled = 1"
    " AND (mfa_last_step IS NULL OR mfa_last_step < ?)";

static const char SQL_CODES_DELETE[] =
    "DELETE FROM mfa_recovery_codes WHERE user_id = ?";

static const char SQL_CODE_INSERT[] =
    "INSERT INTO mfa_recovery_codes (user_id, code_hash, created_at)"
    " VALUES (?, ?, ?)";

static const char SQL_CODE_USE[] =
    "UPDATE mfa_recovery_codes SET used_at = ?"
    " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL";

int
store_mfa_get(struct db *db, struct arena *a, const char *user_id,
    int lock, struct mfa_row *m, int *found)
{
	struct db_res	 res;
	struct db_row	*r;
	long long	 on;
	int		 rc;

	*found = 0;
	memset(m, 0, sizeof(*m));
	if ((rc = db_query(db, a, lock ? SQL_GET_LOCK : SQL_GET,
	    DB_ARGS(DB_TEXT(user_id)), &res)) !=
	    DB_OK || res.nrows == 0)
		return rc;
	r = &res.rows[0];
	if (r->ncols != 3 || db_cell_int(r->v[0], &on) == -1)
		return DB_ERROR;
	m->is_enabled = on != 0;
	m->secret = (const unsigned char *)r->v[1];
	m->secret_len = r->len[1];
	m->pending = (const unsigned char *)r->v[2];
	m->pending_len = r->len[2];
	*found = 1;
	return DB_OK;
}

int
store_mfa_set_pending(struct db *db, const char *user_id,
    const unsigned char *sealed, size_t n, int64_t now,
    unsigned long long *affected)
{
	return db_exec(db, SQL_SET_PENDING, DB_ARGS(DB_BLOB(sealed, n),
	    DB_TIME(now), DB_TEXT(user_id)), affected);
}

int
store_mfa_enable(struct db *db, const char *user_id,
    const unsigned char *sealed, size_t n, int64_t step, int64_t now,
    unsigned long long *affected)
{
	return db_exec(db, SQL_ENABLE, DB_ARGS(DB_INT(step), DB_TIME(now),
	    DB_TEXT(user_id), DB_BLOB(sealed, n)), affected);
}

int
store_mfa_disable(struct db *db, const char *user_id, int64_t now,
    unsigned long long *affected)
{
	return db_exec(db, SQL_DISABLE, DB_ARGS(DB_TIME(now), DB_TEXT(user_id)),
	    affected);
}

int
store_mfa_take_step(struct db *db, const char *user_id, int64_t step,
    unsigned long long *affected)
{
	return db_exec(db, SQL_TAKE_STEP, DB_ARGS(DB_INT(step),
	    DB_TEXT(user_id), DB_INT(step)), affected);
}

int
store_mfa_codes_delete(struct db *db, const char *user_id)
{
	return db_exec(db, SQL_CODES_DELETE, DB_ARGS(DB_TEXT(user_id)), NULL);
}

int
store_mfa_codes_insert(struct db *db, const char *user_id,
    const unsigned char (*hashes)[CRYPTO_SHA256_LEN], size_t n, int64_t now)
{
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++)
		if ((rc = db_exec(db, SQL_CODE_INSERT, DB_ARGS(DB_TEXT(user_id),
		    DB_BLOB(hashes[i], CRYPTO_SHA256_LEN), DB_TIME(now)),
		    NULL)) != DB_OK)
			return rc;
	return DB_OK;
}

int
store_mfa_code_use(struct db *db, const char *user_id,
    const unsigned char hash[CRYPTO_SHA256_LEN], int64_t now,
    unsigned long long *affected)
{
	return db_exec(db, SQL_CODE_USE, DB_ARGS(DB_TIME(now), DB_TEXT(user_id),
	    DB_BLOB(hash, CRYPTO_SHA256_LEN)), affected);
}
