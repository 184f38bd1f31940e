/* SQL of the auth worker's admin and profile routes. */
#include "config.h"

#include <string.h>

#include "cgi-bin/auth/store-admin.h"

static const char SQL_SET_DISABLED[] =
    "UPDATE users SET is_disabled = ?, updated_at = ? WHERE id = ?";

static const char SQL_VERIFY[] =
    "UPDATE provider_profiles SET is_verified = 1,"
    " verified_at = COALESCE(verified_at, ?) WHERE user_id = ?";

int
store_user_set_disabled(struct db *db, const char *id, int is_disabled,
    int64_t now, unsigned long long *affected)
{
	return db_exec(db, SQL_SET_DISABLED, DB_ARGS(DB_INT(is_disabled != 0),
	    DB_TIME(now), DB_TEXT(id)), affected);
}

int
store_provider_verify(struct db *db, const char *id, int64_t now,
    unsigned long long *affected)
{
	return db_exec(db, SQL_VERIFY, DB_ARGS(DB_TIME(now), DB_TEXT(id)),
	    affected);
}
