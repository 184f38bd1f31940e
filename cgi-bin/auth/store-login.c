/*
 * SQL of sign-in throttling, session lists and password resets.
 *
 * Throttle counters change only by single UPDATE statements that test
 * and count at once (WHERE ... failed_logins < ?), so concurrent
 * requests from any number of processes are counted exactly. Accounts
 * keep their state on users, every other subject on login_throttle;
 * both run the same statement texts (the macros below) so that an
 * unknown email is throttled exactly like an account. No assignment
 * reads a column assigned before it in the same SET list, so the result
 * is the same whether the server evaluates assignments left to right
 * (MariaDB's default) or simultaneously.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cgi-bin/auth/store-login.h"

static const char *const scope_names[] = {
	"account", "login_address", "login_email", "reauth",
	"forgot_address", "forgot_email", "signup_address",
};

/* Forget counters after a quiet day, unless locked. Binds now twice. */
#define QUIET \
    "last_attempt_at <= ? - INTERVAL 1 DAY" \
    " AND (locked_until IS NULL OR locked_until <= ?)"

/* Touch: roll an expired hour window, decay after a quiet day. 9 x now. */
#define ROLL_SET \
    " fail_window_prev = IF(fail_window_start <= ? - INTERVAL 1 HOUR," \
    "  IF(fail_window_start > ? - INTERVAL 2 HOUR, fail_window_count, 0)," \
    "  fail_window_prev)," \
    " failed_logins = IF(" QUIET ", 0, failed_logins)," \
    " lock_count = IF(" QUIET ", 0, lock_count)," \
    " fail_window_count = IF(fail_window_start <= ? - INTERVAL 1 HOUR, 0," \
    "  fail_window_count)," \
    " fail_window_start = IF(fail_window_start <= ? - INTERVAL 1 HOUR, NULL," \
    "  fail_window_start)," \
    " last_attempt_at = ?"

static const char SQL_ROLL_USER[] =
    "UPDATE users SET" ROLL_SET " WHERE id = ?";

static const char SQL_ROLL_THR[] =
    "INSERT INTO login_throttle (scope, subject, last_attempt_at)"
    " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE" ROLL_SET;

/* Count one attempt: now; key; now, threshold, max_hour. */
#define CLAIM_SET \
    " SET failed_logins = failed_logins + 1," \
    " fail_window_count = fail_window_count + 1," \
    " fail_window_start = COALESCE(fail_window_start, ?)"
#define CLAIM_WHERE \
    " AND (locked_until IS NULL OR locked_until <= ?)" \
    " AND failed_logins < ? AND fail_window_prev + fail_window_count < ?"

static const char SQL_CLAIM_USER[] =
    "UPDATE users" CLAIM_SET " WHERE id = ?" CLAIM_WHERE;

static const char SQL_CLAIM_THR[] =
    "UPDATE login_throttle" CLAIM_SET
    " WHERE scope = ? AND subject = ?" CLAIM_WHERE;

/*
 * Lock after a failure: at the threshold for lock_minutes << lock_count
 * (at most 64 times the first), at the hourly maximum until that hour's
 * failures no longer count. now, thr, now, minutes, now, max, now, max,
 * now, thr, thr; key; thr, max.
 */
#define FAIL_SET \
    " SET locked_until = GREATEST(COALESCE(locked_until, ?)," \
    "  IF(failed_logins >= ?," \
    "   ? + INTERVAL (? << LEAST(lock_count, 6)) MINUTE, ?)," \
    "  IF(fail_window_prev + fail_window_count >= ?," \
    "   COALESCE(fail_window_start, ?) +" \
    "   INTERVAL IF(fail_window_count >= ?, 2, 1) HOUR, ?))," \
    " lock_count = IF(failed_logins >= ?, lock_count + 1, lock_count)," \
    " failed_logins = IF(failed_logins >= ?, 0, failed_logins)"
#define FAIL_WHERE \
    " AND (failed_logins >= ? OR fail_window_prev + fail_window_count >= ?)"

static const char SQL_FAIL_USER[] =
    "UPDATE users" FAIL_SET " WHERE id = ?" FAIL_WHERE;

static const char SQL_FAIL_THR[] =
    "UPDATE login_throttle" FAIL_SET " WHERE scope = ? AND subject = ?"
    FAIL_WHERE;

#define RELEASE_SET \
    " SET failed_logins = GREATEST(failed_logins - 1, 0)," \
    " fail_window_count = GREATEST(fail_window_count - 1, 0)"

static const char SQL_RELEASE_USER[] =
    "UPDATE users" RELEASE_SET " WHERE id = ?";

static const char SQL_RELEASE_THR[] =
    "UPDATE login_throttle" RELEASE_SET " WHERE scope = ? AND subject = ?";

#define REPLAY_SET " SET failed_logins = GREATEST(failed_logins - 1, 0)"

static const char SQL_REPLAY_USER[] =
    "UPDATE users" REPLAY_SET " WHERE id = ?";

static const char SQL_REPLAY_THR[] =
    "UPDATE login_throttle" REPLAY_SET " WHERE scope = ? AND subject = ?";

static const char SQL_SUCCESS_USER[] =
    "UPDATE users SET failed_logins = 0, lock_count = 0, locked_until = NULL,"
    " fail_window_count = GREATEST(fail_window_count - 1, 0) WHERE id = ?";

static const char SQL_SUCCESS_THR[] =
    "UPDATE login_throttle SET failed_logins = 0,"
    " fail_window_count = GREATEST(fail_window_count - 1, 0)"
    " WHERE scope = ? AND subject = ?";

static const char SQL_LOCKED_USER[] =
    "SELECT locked_until FROM users WHERE id = ?";

static const char SQL_LOCKED_THR[] =
    "SELECT locked_until FROM login_throttle WHERE scope = ? AND subject = ?";

static const char SQL_PURGE[] =
    "DELETE FROM login_throttle WHERE last_attempt_at < ? - INTERVAL 1 DAY"
    " AND (locked_until IS NULL OR locked_until <= ?)"
    " ORDER BY last_attempt_at LIMIT ?";

/* Bind the key of k at p: the user id, or scope and subject. Returns the count. */
static size_t
key_params(const struct thr_key *k, struct db_param *p)
{
	if (k->scope == THR_ACCOUNT) {
		p[0] = DB_TEXTN(k->key, k->len);
		return 1;
	}
	p[0] = DB_TEXT(scope_names[k->scope]);
	p[1] = DB_BLOB(k->key, k->len);
	return 2;
}

static int
thr_roll(struct db *db, const struct thr_key *k, int64_t now)
{
	struct db_param	 p[12];
	size_t		 n = 0, i;

	if (k->scope != THR_ACCOUNT) {
		n = key_params(k, p);
		p[n++] = DB_TIME(now);
	}
	for (i = 0; i < 9; i++)
		p[n++] = DB_TIME(now);
	if (k->scope == THR_ACCOUNT)
		n += key_params(k, p + n);
	return db_exec(db, k->scope == THR_ACCOUNT ? SQL_ROLL_USER :
	    SQL_ROLL_THR, p, n, NULL);
}

int
store_thr_claim(struct db *db, const struct thr_key *k,
    const struct thr_limits *l, int64_t now, int *admitted)
{
	struct db_param		 p[6];
	unsigned long long	 got = 0;
	size_t			 n = 0;
	int			 rc;

	*admitted = 0;
	if ((rc = thr_roll(db, k, now)) != DB_OK)
		return rc;
	p[n++] = DB_TIME(now);
	n += key_params(k, p + n);
	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(l->threshold);
	p[n++] = DB_INT(l->max_hour);
	rc = db_exec(db, k->scope == THR_ACCOUNT ? SQL_CLAIM_USER :
	    SQL_CLAIM_THR, p, n, &got);
	*admitted = rc == DB_OK && got == 1;
	return rc;
}

int
store_thr_fail(struct db *db, const struct thr_key *k,
    const struct thr_limits *l, int64_t now, int *locked)
{
	struct db_param		 p[15];
	unsigned long long	 got = 0;
	size_t			 n = 0;
	int			 rc;

	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(l->threshold);
	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(l->lock_minutes);
	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(l->max_hour);
	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(l->max_hour);
	p[n++] = DB_TIME(now);
	p[n++] = DB_INT(l->threshold);
	p[n++] = DB_INT(l->threshold);
	n += key_params(k, p + n);
	p[n++] = DB_INT(l->threshold);
	p[n++] = DB_INT(l->max_hour);
	rc = db_exec(db, k->scope == THR_ACCOUNT ? SQL_FAIL_USER :
	    SQL_FAIL_THR, p, n, &got);
	*locked = rc == DB_OK && got == 1;
	return rc;
}

int
store_thr_release(struct db *db, const struct thr_key *k)
{
	struct db_param	 p[2];
	size_t		 n = key_params(k, p);

	return db_exec(db, k->scope == THR_ACCOUNT ? SQL_RELEASE_USER :
	    SQL_RELEASE_THR, p, n, NULL);
}

int
store_thr_replay(struct db *db, const struct thr_key *k)
{
	struct db_param	 p[2];
	size_t		 n = key_params(k, p);

	return db_exec(db, k->scope == THR_ACCOUNT ? SQL_REPLAY_USER :
	    SQL_REPLAY_THR, p, n, NULL);
}

int
store_thr_success(struct db *db, const struct thr_key *k)
{
	struct db_param	 p[2];
	size_t		 n = key_params(k, p);

	return db_exec(db, k->scope == THR_ACCOUNT ? SQL_SUCCESS_USER :
	    SQL_SUCCESS_THR, p, n, NULL);
}

int
store_thr_locked_until(struct db *db, struct arena *a,
    const struct thr_key *k, int64_t *until)
{
	struct db_param	 p[2];
	struct db_res	 res;
	size_t		 n = key_params(k, p);
	int		 rc;

	*until = 0;
	if ((rc = db_query(db, a, k->scope == THR_ACCOUNT ? SQL_LOCKED_USER :
	    SQL_LOCKED_THR, p, n, &res)) != DB_OK || res.nrows == 0 ||
	    res.rows[0].v[0] == NULL)
		return rc;
	return db_cell_time(res.rows[0].v[0], until) == 0 ? DB_OK : DB_ERROR;
}

int
store_thr_purge(struct db *db, int64_t now, long n)
{
	return db_exec(db, SQL_PURGE, DB_ARGS(DB_TIME(now), DB_TIME(now),
	    DB_INT(n)), NULL);
}

#define SESSION_COLS \
    "SELECT id, created_at, last_seen_at, expires_at, user_agent, ip" \
    " FROM sessions WHERE user_id = ? AND revoked_at IS NULL" \
    " AND expires_at > ? AND last_seen_at > ?"

static const char SQL_SESSION_FIRST[] =
    SESSION_COLS " ORDER BY created_at DESC, id DESC LIMIT ?";

static const char SQL_SESSION_AFTER[] =
    SESSION_COLS " AND (created_at < ? OR (created_at = ? AND id < ?))"
    " ORDER BY created_at DESC, id DESC LIMIT ?";

static int
session_from_row(struct arena *a, const struct db_row *r, struct session_row *s)
{
	memset(s, 0, sizeof(*s));
	if (r->ncols != 6 || r->v[0] == NULL ||
	    db_cell_time(r->v[1], &s->created_at) == -1 ||
	    db_cell_time(r->v[2], &s->last_seen_at) == -1 ||
	    db_cell_time(r->v[3], &s->expires_at) == -1)
		return DB_ERROR;
	snprintf(s->id, sizeof(s->id), "%s", r->v[0]);
	s->user_agent = arena_strdup(a, r->v[4]);
	s->ip = arena_strdup(a, r->v[5]);
	return DB_OK;
}

int
store_session_page(struct db *db, struct arena *a, const char *user_id,
    int64_t now, int64_t idle_before, int64_t after_created,
    const char *after_id, long limit, struct session_row **rows, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*rows = NULL;
	*n = 0;
	if (after_id == NULL)
		rc = db_query(db, a, SQL_SESSION_FIRST, DB_ARGS(DB_TEXT(user_id),
		    DB_TIME(now), DB_TIME(idle_before), DB_INT(limit)), &res);
	else
		rc = db_query(db, a, SQL_SESSION_AFTER, DB_ARGS(DB_TEXT(user_id),
		    DB_TIME(now), DB_TIME(idle_before), DB_TIME(after_created),
		    DB_TIME(after_created), DB_TEXT(after_id), DB_INT(limit)),
		    &res);
	if (rc != DB_OK)
		return rc;
	*rows = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof(**rows));
	for (i = 0; i < res.nrows; i++)
		if ((rc = session_from_row(a, &res.rows[i], &(*rows)[i])) != DB_OK)
			return rc;
	*n = res.nrows;
	return DB_OK;
}

static const char SQL_SESSION_OWNER[] =
    "SELECT user_id FROM sessions WHERE id = ? AND revoked_at IS NULL";

int
store_session_owner(struct db *db, struct arena *a, const char *id,
    char owner[ID_LEN + 1], int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	owner[0] = '\0';
	if ((rc = db_query(db, a, SQL_SESSION_OWNER, DB_ARGS(DB_TEXT(id)),
	    &res)) != DB_OK || res.nrows == 0 || res.rows[0].v[0] == NULL)
		return rc;
	snprintf(owner, ID_LEN + 1, "%s", res.rows[0].v[0]);
	*found = 1;
	return DB_OK;
}

static const char SQL_RESET_INSERT[] =
    "INSERT INTO password_resets (id, user_id, token_hash, created_at,"
    " expires_at, ip) VALUES (?, ?, ?, ?, ?, ?)";

static const char SQL_RESET_FIND[] =
    "SELECT id, user_id, expires_at, used_at IS NOT NULL"
    " FROM password_resets WHERE token_hash = ?";

static const char SQL_RESET_USE[] =
    "UPDATE password_resets SET used_at = ?"
    " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?";

static const char SQL_RESET_VOID_USER[] =
    "UPDATE password_resets SET used_at = ?"
    " WHERE user_id = ? AND used_at IS NULL";

static const char SQL_SET_PASSWORD[] =
    "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?";

static const char SQL_SET_PASSWORD_IF[] =
    "UPDATE users SET password_hash = ?, updated_at = ?"
    " WHERE id = ? AND password_hash = ?";

int
store_reset_insert(struct db *db, const char *id, const char *user_id,
    const unsigned char hash[CRYPTO_SHA256_LEN], int64_t now,
    int64_t expires_at, const char *ip)
{
	return db_exec(db, SQL_RESET_INSERT, DB_ARGS(DB_TEXT(id),
	    DB_TEXT(user_id), DB_BLOB(hash, CRYPTO_SHA256_LEN), DB_TIME(now),
	    DB_TIME(expires_at), DB_TEXT(ip)), NULL);
}

int
store_reset_find(struct db *db, struct arena *a,
    const unsigned char hash[CRYPTO_SHA256_LEN], struct reset_row *r,
    int *found)
{
	struct db_res	 res;
	long long	 used;
	int		 rc;

	*found = 0;
	memset(r, 0, sizeof(*r));
	if ((rc = db_query(db, a, SQL_RESET_FIND, DB_ARGS(DB_BLOB(hash,
	    CRYPTO_SHA256_LEN)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	if (res.rows[0].ncols != 4 || res.rows[0].v[0] == NULL ||
	    res.rows[0].v[1] == NULL ||
	    db_cell_time(res.rows[0].v[2], &r->expires_at) == -1 ||
	    db_cell_int(res.rows[0].v[3], &used) == -1)
		return DB_ERROR;
	snprintf(r->id, sizeof(r->id), "%s", res.rows[0].v[0]);
	snprintf(r->user_id, sizeof(r->user_id), "%s", res.rows[0].v[1]);
	r->is_used = used != 0;
	*found = 1;
	return DB_OK;
}

int
store_reset_use(struct db *db, const unsigned char hash[CRYPTO_SHA256_LEN],
    int64_t now, unsigned long long *affected)
{
	return db_exec(db, SQL_RESET_USE, DB_ARGS(DB_TIME(now),
	    DB_BLOB(hash, CRYPTO_SHA256_LEN), DB_TIME(now)), affected);
}

int
store_reset_void_user(struct db *db, const char *user_id, int64_t now)
{
	return db_exec(db, SQL_RESET_VOID_USER, DB_ARGS(DB_TIME(now),
	    DB_TEXT(user_id)), NULL);
}

int
store_user_set_password(struct db *db, const char *id, const char *hash,
    const char *old_hash, int64_t now, unsigned long long *affected)
{
	if (old_hash == NULL)
		return db_exec(db, SQL_SET_PASSWORD, DB_ARGS(DB_TEXT(hash),
		    DB_TIME(now), DB_TEXT(id)), affected);
	return db_exec(db, SQL_SET_PASSWORD_IF, DB_ARGS(DB_TEXT(hash),
	    DB_TIME(now), DB_TEXT(id), DB_TEXT(old_hash)), affected);
}
