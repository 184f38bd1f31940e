/*
 * SQL of the MFA routes and the login's second factor: the encrypted
 * TOTP secret on users, the last accepted time step, and the hashed
 * recovery codes. Each function returns an enum db_rc.
 */
#ifndef CONCIERGE_W_AUTH_STORE_MFA_H
#define CONCIERGE_W_AUTH_STORE_MFA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/mem.h"

#define MFA_RECOVERY_CODES	10

/* A user's MFA columns; blobs are sealed boxes (NULL when unset), in the arena. */
struct mfa_row {
	int			 is_enabled;
	const unsigned char	*secret;
	size_t			 secret_len;
	const unsigned char	*pending;
	size_t			 pending_len;
};

/*
 * The MFA columns of user_id; *found 0 or 1. With lock, the user row is
 * locked for update until the caller's transaction ends.
 */
int	store_mfa_get(struct db *, struct arena *, const char *user_id,
	    int lock, struct mfa_row *, int *found);
/* Store a sealed pending secret while MFA is off; *affected 1 if stored. */
int	store_mfa_set_pending(struct db *, const char *user_id,
	    const unsigned char *sealed, size_t n, int64_t now,
	    unsigned long long *affected);
/*
 * Turn MFA on with the pending secret the caller checked (sealed, n
 * bytes) and record step as the last accepted one. *affected is 1 only
 * if MFA was off and the pending secret is still that one.
 */
int	store_mfa_enable(struct db *, const char *user_id,
	    const unsigned char *sealed, size_t n, int64_t step, int64_t now,
	    unsigned long long *affected);
/* Turn MFA off: clear secret, pending secret and last step; *affected 1 if it was on. */
int	store_mfa_disable(struct db *, const char *user_id, int64_t now,
	    unsigned long long *affected);
/*
 * Accept TOTP step for user_id only if it is later than the last
 * accepted one, in one statement: *affected is 1 for the one request
 * that wins, 0 for a replay.
 */
int	store_mfa_take_step(struct db *, const char *user_id, int64_t step,
	    unsigned long long *affected);
/* Delete every recovery code of user_id. */
int	store_mfa_codes_delete(struct db *, const char *user_id);
/* Insert the n hashes of new recovery codes of user_id. */
int	store_mfa_codes_insert(struct db *, const char *user_id,
	    const unsigned char (*hashes)[CRYPTO_SHA256_LEN], size_t n,
	    int64_t now);
/* Mark an unused code used; *affected is 1 for the one request that wins. */
int	store_mfa_code_use(struct db *, const char *user_id,
	    const unsigned char hash[CRYPTO_SHA256_LEN], int64_t now,
	    unsigned long long *affected);

#endif
