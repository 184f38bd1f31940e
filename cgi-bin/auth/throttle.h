/*
 * Brute-force throttling of sign-ins, re-authentications and reset
 * requests. An attempt is claimed (counted) before the password is
 * checked, in one transaction against every subject it concerns, so
 * parallel requests can never try more than the limit allows; a
 * success takes the claim back, a failure keeps it and may lock.
 *
 * Limits, from login.* in the configuration:
 *   an account, an email without an account, re-authentication:
 *     lock_threshold consecutive failures lock for lock_minutes, each
 *     further lock twice as long (at most 64 times); never more than
 *     max_failures_hour failures in any hour;
 *   a client address (IPv6: its /64): THR_ADDRESS_FACTOR times those
 *     numbers, consecutive count reset by a successful sign-in from it;
 *   reset requests: THR_FORGOT_ADDRESS_HOUR an hour from one address
 *     (else 429), THR_FORGOT_EMAIL_HOUR mails an hour to one email
 *     (silently: the reply never tells whether the account exists).
 */
#ifndef CONCIERGE_W_AUTH_THROTTLE_H
#define CONCIERGE_W_AUTH_THROTTLE_H

#include <stddef.h>

#include "lib/audit.h"
#include "lib/ctx.h"
#include "cgi-bin/auth/store-login.h"

#define THR_ADDRESS_FACTOR	5
#define THR_FORGOT_ADDRESS_HOUR	20
#define THR_FORGOT_EMAIL_HOUR	3

/* Key of the client address (REMOTE_ADDR; IPv6 cut to its /64). */
void	throttle_key_address(struct ctx *, enum thr_scope, struct thr_key *);
/* Key of an email: the SHA-256 of its normalized form. */
void	throttle_key_email(struct ctx *, enum thr_scope, const char *email,
	    struct thr_key *);
/* Key of a user id. */
void	throttle_key_user(enum thr_scope, const char *user_id, struct thr_key *);

/*
 * Claim one attempt against each of the n keys: all or none, in one
 * transaction of its own (run again after a deadlock). Returns 0 with
 * *refused -1 when counted against all, or the index of a key that
 * refused (nothing counted); -1 if the database failed.
 */
int	throttle_claim(struct ctx *, const struct thr_key *, size_t n,
	    int *refused);
/*
 * A claimed attempt failed: lock the keys that reached a limit. Runs in
 * the caller's transaction. *locked is 1 if any key was locked. Returns
 * an enum db_rc.
 */
int	throttle_fail(struct ctx *, const struct thr_key *, size_t n,
	    int *locked);
/*
 * A claimed attempt failed, on its own: in one transaction (run again
 * after a deadlock), lock as due and append e (its metadata, if any,
 * gains "locked": true when a lock was set). Returns an enum db_rc;
 * rolled back unless DB_OK.
 */
int	throttle_failed(struct ctx *, const struct thr_key *, size_t n,
	    struct audit_entry *e);
/* A claimed attempt succeeded (caller's transaction). An enum db_rc. */
int	throttle_success(struct ctx *, const struct thr_key *, size_t n);
/*
 * Take back claimed attempts that neither failed nor succeeded: in the
 * caller's transaction (undo, an enum db_rc) or in one of its own
 * (release; a failure is logged).
 */
int	throttle_undo(struct ctx *, const struct thr_key *, size_t n);
void	throttle_release(struct ctx *, const struct thr_key *, size_t n);
/*
 * Answer 429 with Retry-After (seconds until the lock of k ends, at
 * least 1) and audit the refusal of action by actor_id (may be NULL).
 * Always returns 0.
 */
int	throttle_refuse(struct ctx *, const struct thr_key *, const char *action,
	    const char *actor_id);

#endif
