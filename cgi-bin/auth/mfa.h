/* Second factor at login: TOTP (RFC 6238) or a one-time recovery code. */
#ifndef CONCIERGE_W_AUTH_MFA_H
#define CONCIERGE_W_AUTH_MFA_H

#include <stddef.h>

#include "lib/crypto.h"
#include "lib/ctx.h"
#include "lib/store-user.h"

/* What a one-time code turned out to be. */
enum mfa_code {
	MFA_CODE_OK = 0,	/* accepted, and used up */
	MFA_CODE_BAD,		/* wrong, expired, used or malformed */
	MFA_CODE_REPLAY,	/* a right TOTP code whose step was already accepted */
};

/*
 * Check and use u's second factor, code, inside the caller's open
 * transaction (which should already hold u's row: see login.c): a TOTP
 * code's time step is taken by one conditional UPDATE, so a step is
 * accepted at most once; a recovery code is used by one (and its use
 * audited). If MFA was turned off meanwhile the verdict is OK. The
 * verdict goes to *verdict; returns an enum db_rc (DB_ERROR also when
 * the stored secret does not open).
 */
int	mfa_login_take(struct ctx *, const struct user_row *, const char *code,
	    enum mfa_code *verdict);
/*
 * A refused replay of u's TOTP code, inside the caller's transaction:
 * audit it (every one), and tell u through the outbox (a mfa_replay
 * mail) at most once per mfa.replay_mail_minutes, however many replays
 * come at once. Returns an enum db_rc.
 */
int	mfa_replay_note(struct ctx *, const struct user_row *);

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
