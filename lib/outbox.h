/*
 * Notification outbox: rows written in the command's transaction and
 * sent later by concierge-notify. Texts carry no PHI; the payload holds
 * ids and template parameters only.
 */
#ifndef CONCIERGE_OUTBOX_H
#define CONCIERGE_OUTBOX_H

#include <stdint.h>

#include "lib/db.h"

enum outbox_channel {
	OUTBOX_EMAIL = 0,
	OUTBOX_SMS,
};

/*
 * Queue a notification for recipient_user_id, due at due_at (0: now).
 * payload_json may be NULL. Returns an enum db_rc.
 */
int	outbox_enqueue(struct db *, enum outbox_channel,
	    const char *recipient_user_id, const char *template,
	    const char *payload_json, int64_t due_at);
/*
 * Queue template for the user on every channel it has: email, and SMS
 * when the template has an SMS text (lib/notify-tmpl.h). Whether each
 * is sent is decided at sending time from the user's preferences (a
 * channel turned off, or no phone number, ends as 'cancelled'). An
 * unknown template is queued by email only; the sender marks it dead.
 * Returns an enum db_rc.
 */
int	outbox_notify(struct db *, const char *recipient_user_id,
	    const char *template, const char *payload_json, int64_t due_at);

#endif
