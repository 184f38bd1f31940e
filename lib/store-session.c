/* SQL for the sessions table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/store-session-end.h"
#include "lib/store-session.h"

/* One round trip resolves the token, the user and a provider's verification. */
static const char SQL_BY_HASH[] =
    "SELECT s.id, s.user_id, u.role, u.is_disabled, s.created_at,"
    " s.last_seen_at, s.expires_at, s.user_agent, s.ip,"
    " COALESCE(p.is_verified, 0)"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    " LEFT JOIN provider_profiles p ON p.user_id = s.user_id"
    " WHERE s.token_hash = ? AND s.revoked_at IS NULL";

static const char SQL_INSERT[] =
    "INSERT INTO sessions (id, user_id, token_hash, created_at,"
    " last_seen_at, expires_at, user_agent, ip)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_TOUCH[] =
    "UPDATE sessions SET last_seen_at = ?"
    " WHERE id = ? AND last_seen_at < ? AND revoked_at IS NULL";

static const char SQL_REVOKE[] =
    "UPDATE sessions SET revoked_at = ?"
    " WHERE id = ? AND user_id = ? AND revoked_at IS NULL";

static const char SQL_REVOKE_ALL[] =
    "UPDATE sessions SET revoked_at = ?"
    " WHERE user_id = ? AND revoked_at IS NULL AND id <> ?";

static const char SQL_LIST[] =
    "SELECT s.id, s.user_id, u.role, u.is_disabled, s.created_at,"
    " s.last_seen_at, s.expires_at, s.user_agent, s.ip"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    " WHERE s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
    " ORDER BY s.created_at DESC LIMIT 100";

static int
from_row(struct arena *a, const struct db_row *r, struct session_row *s)
{
	long long	 dis, verified = 0;

	memset(s, 0, sizeof(*s));
	if ((r->ncols != 9 && r->ncols != 10) || r->v[0] == NULL ||
	    r->v[1] == NULL || (r->ncols == 10 && db_cell_int(r->v[9], &verified) == -1) ||
	    db_cell_int(r->v[3], &dis) == -1 ||
	    db_cell_time(r->v[4], &s->created_at) == -1 ||
	    db_cell_time(r->v[5], &s->last_seen_at) == -1 ||
	    db_cell_time(r->v[6], &s->expires_at) == -1)
		return DB_ERROR;
	snprintf(s->id, sizeof(s->id), "%s", r->v[0]);
	snprintf(s->user_id, sizeof(s->user_id), "%s", r->v[1]);
	s->role = role_parse(r->v[2]);
	s->is_user_disabled = dis != 0;
	s->is_provider_verified = verified != 0;
	s->user_agent = arena_strdup(a, r->v[7]);
	s->ip = arena_strdup(a, r->v[8]);
	return DB_OK;
}

int
store_session_by_hash(struct db *db, struct arena *a,
    const unsigned char hash[CRYPTO_SHA256_LEN], struct session_row *s,
    int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	rc = db_query(db, a, SQL_BY_HASH,
	    DB_ARGS(DB_BLOB(hash, CRYPTO_SHA256_LEN)), &res);
	if (rc != DB_OK || res.nrows == 0)
		return rc;
	if ((rc = from_row(a, &res.rows[0], s)) == DB_OK)
		*found = 1;
	return rc;
}

int
store_session_insert(struct db *db, const struct session_row *s,
    const unsigned char hash[CRYPTO_SHA256_LEN])
{
	return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(s->id),
	    DB_TEXT(s->user_id), DB_BLOB(hash, CRYPTO_SHA256_LEN),
	    DB_TIME(s->created_at), DB_TIME(s->last_seen_at),
	    DB_TIME(s->expires_at), DB_TEXT(s->user_agent), DB_TEXT(s->ip)),
	    NULL);
}

int
store_session_touch(struct db *db, const char *id, int64_t now,
    int64_t stale_before)
{
	return db_exec(db, SQL_TOUCH, DB_ARGS(DB_TIME(now), DB_TEXT(id),
	    DB_TIME(stale_before)), NULL);
}

int
store_session_revoke(struct db *db, const char *id, const char *user_id,
    int64_t now, unsigned long long *affected)
{
	unsigned long long	 n = 0;
	int			 rc;

	rc = db_exec(db, SQL_REVOKE, DB_ARGS(DB_TIME(now), DB_TEXT(id),
	    DB_TEXT(user_id)), &n);
	if (affected != NULL)
		*affected = n;
	/* Its open event streams end too (lib/store-session-end.h). */
	if (rc == DB_OK && n == 1)
		rc = store_session_end_one(db, user_id, id);
	return rc;
}

int
store_session_revoke_all(struct db *db, const char *user_id,
    const char *keep_id, int64_t now)
{
	int	 rc;

	rc = db_exec(db, SQL_REVOKE_ALL, DB_ARGS(DB_TIME(now),
	    DB_TEXT(user_id), DB_TEXT(keep_id ? keep_id : "")), NULL);
	if (rc == DB_OK)
		rc = store_session_end_revoked_at(db, user_id, now);
	return rc;
}

int
store_session_list(struct db *db, struct arena *a, const char *user_id,
    int64_t now, struct session_row **rows, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*rows = NULL;
	*n = 0;
	if ((rc = db_query(db, a, SQL_LIST, DB_ARGS(DB_TEXT(user_id),
	    DB_TIME(now)), &res)) != DB_OK)
		return rc;
	*rows = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof(**rows));
	for (i = 0; i < res.nrows; i++)
		if ((rc = from_row(a, &res.rows[i], &(*rows)[i])) != DB_OK)
			return rc;
	*n = res.nrows;
	return DB_OK;
}
