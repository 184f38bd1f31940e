/*
 * SQL of sign-in throttling, session lists and password resets. Every
 * function returns an enum db_rc; rows and strings live in the arena.
 */
#ifndef CONCIERGE_W_AUTH_STORE_LOGIN_H
#define CONCIERGE_W_AUTH_STORE_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/mem.h"
#include "lib/store-session.h"

/* Whose attempts a throttle row counts. */
enum thr_scope {
	THR_ACCOUNT = 0,	/* an existing account: the users row */
	THR_LOGIN_ADDRESS,	/* sign-ins from one client address */
	THR_LOGIN_EMAIL,	/* sign-ins to an email that has no account */
	THR_REAUTH,		/* current-password checks of a signed-in user */
	THR_FORGOT_ADDRESS,	/* reset requests from one client address */
	THR_FORGOT_EMAIL,	/* reset requests for one email */
	THR_SIGNUP_ADDRESS,	/* sign-ups from one address that met a taken email */
};

#define THR_KEY_MAX	64

/* A throttle subject: scope and key bytes (THR_ACCOUNT: the user id). */
struct thr_key {
	enum thr_scope	 scope;
	unsigned char	 key[THR_KEY_MAX];
	size_t		 len;
};

/* Limits of one subject. */
struct thr_limits {
	long	 threshold;	/* consecutive failures before a lock */
	long	 max_hour;	/* failures in any hour, at most */
	long	 lock_minutes;	/* first lock; each further lock doubles */
};

/*
 * Claim one attempt for k inside the caller's transaction: roll the
 * hour window, then count the attempt unless k is locked, has
 * threshold attempts pending or failed, or reached max_hour. *admitted
 * is 1 when counted. The row is created if missing (not for accounts).
 */
int	store_thr_claim(struct db *, const struct thr_key *,
	    const struct thr_limits *, int64_t now, int *admitted);
/*
 * After a failed attempt: lock k when it reached the threshold (for
 * lock_minutes << lock_count, consecutive count back to 0) or the hourly
 * maximum. *locked is 1 when a lock was set.
 */
int	store_thr_fail(struct db *, const struct thr_key *,
	    const struct thr_limits *, int64_t now, int *locked);
/* Take back a claimed attempt that was neither a success nor a failure. */
int	store_thr_release(struct db *, const struct thr_key *);
/*
 * A claimed attempt that was refused but is no guess (a replayed TOTP
 * code: right, but already used): it leaves the consecutive count (no
 * quick lock) but stays in the hourly one. Follow with store_thr_fail.
 */
int	store_thr_replay(struct db *, const struct thr_key *);
/*
 * After a success: the attempt is not a failure; the consecutive count
 * goes back to 0 (an account also loses its lock and lock count).
 */
int	store_thr_success(struct db *, const struct thr_key *);
/* locked_until of k into *until (0: none or no row). */
int	store_thr_locked_until(struct db *, struct arena *,
	    const struct thr_key *, int64_t *until);
/* Delete up to n throttle rows idle for a day and not locked. */
int	store_thr_purge(struct db *, int64_t now, long n);

/*
 * One page of a user's live sessions (not revoked, before both the
 * absolute expiry and idle_before), newest first, after the cursor
 * (after_created, after_id; after_id NULL for the first page). Up to
 * limit rows into *rows.
 */
int	store_session_page(struct db *, struct arena *, const char *user_id,
	    int64_t now, int64_t idle_before, int64_t after_created,
	    const char *after_id, long limit, struct session_row **rows,
	    size_t *n);

/* Owner of a live (not revoked) session into owner; *found 0 or 1. */
int	store_session_owner(struct db *, struct arena *, const char *id,
	    char owner[ID_LEN + 1], int *found);

/* A password-reset token as stored (its hash only). */
struct reset_row {
	char		 id[ID_LEN + 1];
	char		 user_id[ID_LEN + 1];
	int64_t		 expires_at;
	int		 is_used;
};

/* Insert a reset token hash for user_id, expiring at expires_at. */
int	store_reset_insert(struct db *, const char *id, const char *user_id,
	    const unsigned char hash[CRYPTO_SHA256_LEN], int64_t now,
	    int64_t expires_at, const char *ip);
/* Find a token by hash; *found 0 or 1. */
int	store_reset_find(struct db *, struct arena *,
	    const unsigned char hash[CRYPTO_SHA256_LEN], struct reset_row *,
	    int *found);
/*
 * Use a token: one atomic UPDATE that succeeds (*affected 1) only while
 * it is unused and unexpired, so it is used at most once.
 */
int	store_reset_use(struct db *, const unsigned char hash[CRYPTO_SHA256_LEN],
	    int64_t now, unsigned long long *affected);
/* Mark every unused token of user_id used (a new password voids them). */
int	store_reset_void_user(struct db *, const char *user_id, int64_t now);
/*
 * Store a new password hash for id. With old_hash, only if the stored
 * hash is still old_hash (*affected 0 otherwise).
 */
int	store_user_set_password(struct db *, const char *id, const char *hash,
	    const char *old_hash, int64_t now, unsigned long long *affected);

#endif
