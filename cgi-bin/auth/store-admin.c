/* SQL of the auth worker's admin and profile routes. */
#include "config.h"

#include <string.h>

#include "lib/store-user.h"
#include "cgi-bin/auth/store-admin.h"

static const char SQL_SET_DISABLED[] =
    "UPDATE users SET is_disabled = ?, updated_at = ? WHERE id = ?";

static const char SQL_VERIFY[] =
    "UPDATE provider_profiles SET is_verified = 1,"
    " verified_at = COALESCE(verified_at, ?) WHERE user_id = ?";

static const char SQL_UPDATE_CONTACT[] =
    "UPDATE users SET full_name = COALESCE(?, full_name),"
    " phone = IF(? = 1, ?, phone),"
    " email = COALESCE(?, email), email_norm = COALESCE(?, email_norm),"
    " updated_at = ? WHERE id = ?";

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

int
store_user_update_contact(struct db *db, struct arena *a, const char *id,
    const char *full_name, int phone_set, const char *phone,
    const char *email, int64_t now)
{
	return db_exec(db, SQL_UPDATE_CONTACT, DB_ARGS(DB_TEXT(full_name),
	    DB_INT(phone_set != 0), DB_TEXT(phone), DB_TEXT(email),
	    DB_TEXT(email ? user_email_norm(a, email) : NULL), DB_TIME(now),
	    DB_TEXT(id)), NULL);
}
