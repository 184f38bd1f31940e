/*
 * notification_preferences of GET and PATCH /api/v1/me: email and SMS
 * on or off, quiet hours in the user's time zone (docs/NOTIFICATIONS.md).
 */
#ifndef CONCIERGE_W_AUTH_ME_PREFS_H
#define CONCIERGE_W_AUTH_ME_PREFS_H

#include <json.h>

#include "lib/ctx.h"
#include "lib/json.h"
#include "cgi-bin/auth/fields.h"

/* me_prefs_apply: the request is invalid; errors are recorded (reply 422). */
#define ME_PREFS_INVALID	1

struct me_quiet_req {
	struct jv	 start;
	struct jv	 end;
};

struct me_prefs_req {
	struct jv	 email;
	struct jv	 sms;
	struct jv	 quiet_hours;	/* items: struct me_quiet_req */
	struct jv	 timezone;
};

/* The PATCH /me field entry for notification_preferences at offset off. */
#define ME_PREFS_FIELD(off) \
	{ "notification_preferences", JF_OBJECT, 0, (off), 0, 0, NULL, NULL, \
	  me_prefs_fields, sizeof(struct me_prefs_req) }

/* Add "notification_preferences" of user_id to o. 0, or -1 (database). */
int	me_prefs_add(struct ctx *, struct json_object *o, const char *user_id);
/*
 * Apply a parsed notification_preferences value (nothing when it was not
 * in the request) inside the caller's transaction: lock the user's row,
 * merge, check (quiet hours need a time zone), write. Returns DB_OK, an
 * enum db_rc, or ME_PREFS_INVALID with the errors recorded.
 */
int	me_prefs_apply(struct ctx *, const struct jv *, const char *user_id);

#endif
