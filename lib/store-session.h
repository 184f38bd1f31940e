/* SQL for the sessions table. Every function returns an enum db_rc. */
#ifndef CONCIERGE_STORE_SESSION_H
#define CONCIERGE_STORE_SESSION_H

#include <stdint.h>

#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/id.h"
#include "lib/policy.h"

struct session_row {
	char		 id[ID_LEN + 1];
	char		 user_id[ID_LEN + 1];
	enum role	 role;
	int		 is_user_disabled;
	int		 is_provider_verified;	/* by hash only: 0 if not a provider */
	int64_t		 created_at;
	int64_t		 last_seen_at;
	int64_t		 expires_at;
	const char	*user_agent;	/* arena */
	const char	*ip;		/* arena */
};

/* Find a live (not revoked) session by token hash; DB_OK with *found 0 or 1. */
int	store_session_by_hash(struct db *, struct arena *,
	    const unsigned char hash[CRYPTO_SHA256_LEN], struct session_row *,
	    int *found);
/* Insert a session row. */
int	store_session_insert(struct db *, const struct session_row *,
	    const unsigned char hash[CRYPTO_SHA256_LEN]);
/* Move last_seen to now if it is older than stale_before. */
int	store_session_touch(struct db *, const char *id, int64_t now,
	    int64_t stale_before);
/* Revoke one session of a user; *affected is 1 if it was live. */
int	store_session_revoke(struct db *, const char *id, const char *user_id,
	    int64_t now, unsigned long long *affected);
/* Revoke every live session of a user except keep_id (may be NULL). */
int	store_session_revoke_all(struct db *, const char *user_id,
	    const char *keep_id, int64_t now);
/* Live sessions of a user, newest first, into rows (arena). */
int	store_session_list(struct db *, struct arena *, const char *user_id,
	    int64_t now, struct session_row **rows, size_t *n);

#endif
