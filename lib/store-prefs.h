/*
 * SQL for notification_preferences: a user's email and SMS switches and
 * quiet hours. No row means the defaults. Functions return an enum
 * db_rc; strings live in the caller's arena.
 */
#ifndef CONCIERGE_STORE_PREFS_H
#define CONCIERGE_STORE_PREFS_H

#include <stdint.h>

#include "lib/db.h"
#include "lib/mem.h"

struct notify_prefs {
	int		 email_enabled;
	int		 sms_enabled;
	int		 has_quiet;		/* quiet hours set */
	int		 quiet_start_min;	/* 0-1439, local wall clock */
	int		 quiet_end_min;		/* 0-1439; before start: across midnight */
	const char	*timezone;		/* IANA name, or NULL */
};

/* The preferences of a user without a row: email and SMS on, no quiet hours. */
void	prefs_default(struct notify_prefs *);
/* A user's preferences, the defaults when there is no row. */
int	store_prefs_get(struct db *, struct arena *, const char *user_id,
	    struct notify_prefs *);
/*
 * Inside the caller's transaction: make sure the user has a row and
 * read it with a row lock, so concurrent changes apply one after the
 * other.
 */
int	store_prefs_lock(struct db *, struct arena *, const char *user_id,
	    int64_t now, struct notify_prefs *);
/* Write every field of p for the user (the row exists: store_prefs_lock). */
int	store_prefs_update(struct db *, const char *user_id,
	    const struct notify_prefs *, int64_t now);

#endif
