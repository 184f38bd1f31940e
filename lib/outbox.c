/* Notification outbox rows. */
#include "config.h"

#include <string.h>

#include "lib/notify-tmpl.h"
#include "lib/outbox.h"
#include "lib/time.h"

static const char SQL_ENQUEUE[] =
    "INSERT INTO outbox (channel, recipient_user_id, template, payload,"
    " due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)";

int
outbox_enqueue(struct db *db, enum outbox_channel ch, const char *recipient,
    const char *template, const char *payload, int64_t due_at)
{
	int64_t	 now = utc_now();

	return db_exec(db, SQL_ENQUEUE, DB_ARGS(
	    DB_TEXT(ch == OUTBOX_SMS ? "sms" : "email"), DB_TEXT(recipient),
	    DB_TEXT(template), DB_TEXT(payload),
	    DB_TIME(due_at > 0 ? due_at : now), DB_TIME(now)), NULL);
}

int
outbox_notify(struct db *db, const char *recipient, const char *template,
    const char *payload, int64_t due_at)
{
	const struct ntmpl	*t = ntmpl_find(template);
	int			 rc;

	if ((rc = outbox_enqueue(db, OUTBOX_EMAIL, recipient, template, payload,
	    due_at)) != DB_OK || t == NULL || !(t->flags & NTMPL_SMS))
		return rc;
	return outbox_enqueue(db, OUTBOX_SMS, recipient, template, payload,
	    due_at);
}
