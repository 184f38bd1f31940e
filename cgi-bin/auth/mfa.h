/* Second factor at login: TOTP (RFC 6238) or a one-time recovery code. */
#ifndef CONCIERGE_W_AUTH_MFA_H
#define CONCIERGE_W_AUTH_MFA_H

#include <stddef.h>

#include "lib/crypto.h"
#include "lib/ctx.h"
#include "lib/store-user.h"

enum mfa_login_rc {
	MFA_LOGIN_OK = 0,	/* code accepted (and consumed) */
	MFA_LOGIN_REQUIRED,	/* no code given: answer 401 mfa_required */
	MFA_LOGIN_BAD,		/* wrong, expired or replayed code: a failed login */
	MFA_LOGIN_ERROR,	/* database or crypto failure: 503 */
};

/*
 * For a user whose MFA is on, check code (NULL if none was sent): a
 * TOTP code is accepted at most once (the last accepted time step is
 * stored atomically; a replay is audited and the user notified), a
 * recovery code is consumed atomically. Runs outside the caller's
 * transaction.
 */
enum mfa_login_rc mfa_login_check(struct ctx *, const struct user_row *,
	    const char *code);

/*
 * Copy a code the user typed without spaces and hyphens, upper-cased,
 * into out of outsz bytes. Returns its length, or -1 if it does not fit.
 */
long	mfa_code_norm(const char *in, char *out, size_t outsz);
/*
 * SHA-256 (what the database keeps) of a normalized recovery code.
 * 0, or -1 unless it is 24 base32 characters of 15 bytes.
 */
int	mfa_recovery_hash(const char *norm, size_t n,
	    unsigned char hash[CRYPTO_SHA256_LEN]);

#endif
