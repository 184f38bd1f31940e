/*
 * Re-authentication of a signed-in user: the one place that checks a
 * current password or a second factor outside sign-in (PATCH /me, the
 * password change, MFA setup, enable and disable).
 *
 * Every check is claimed before it is made, like a sign-in, against two
 * throttle subjects: the user's re-authentication row (THR_REAUTH; only
 * a successful re-authentication resets it, so signing in again buys
 * whoever holds a stolen session no fresh guesses) and the account
 * itself (THR_ACCOUNT), because the password and the second factor are
 * the secrets sign-in checks: a locked account refuses re-authentication,
 * and failed re-authentications lock sign-in. A check of a secret that
 * is not the account's (the code that proves a new TOTP secret before it
 * is enabled) counts against THR_REAUTH only. Each failure is audited.
 */
#ifndef CONCIERGE_W_AUTH_REAUTH_H
#define CONCIERGE_W_AUTH_REAUTH_H

#include "lib/ctx.h"
#include "lib/store-user.h"
#include "cgi-bin/auth/store-login.h"

#define REAUTH_NKEYS	2

/* One re-authentication in progress: who, its claim, how to audit it. */
struct reauth {
	const struct user_row	*u;
	struct thr_key		 k[REAUTH_NKEYS];	/* [0] reauth, [1] the account */
	const char		*action;	/* audit action of the route */
	const char		*summary;	/* audit summary of a refusal */
	int			 is_claimed;
};

/* How a refused second factor counts. */
enum reauth_scope {
	REAUTH_ACCOUNT_SECRET = 0,	/* the account's own: both subjects */
	REAUTH_OWN_SECRET,		/* not the account's: THR_REAUTH only */
};

/*
 * Claim a re-authentication of u for action and check password, its
 * current password. 0: right, the claim is held (end it with one of
 * reauth_success, reauth_code_failed, reauth_release). -1: answered and
 * no claim is held: 429 throttled, 401 reauthentication_failed (counted
 * and audited with summary and reason wrong_password), 503; *fatal set
 * when the runtime must answer 500 instead (argon2 failed).
 */
int	reauth_password(struct ctx *, struct reauth *, const struct user_row *u,
	    const char *action, const char *summary, const char *password,
	    int *fatal);
/*
 * Inside the command's own transaction, as its first statements: the
 * re-authentication succeeded (both counters reset). Rolled back with
 * the command if it fails. Returns an enum db_rc.
 */
int	reauth_success(struct ctx *, struct reauth *);
/*
 * The second factor was wrong (reason "wrong_code") or a replay
 * (reason "totp_replay": out of the consecutive counts, like a sign-in
 * replay): count it as scope says and audit it, in one transaction,
 * then answer 422 invalid_code naming field. Ends the claim. Returns 0.
 */
int	reauth_code_failed(struct ctx *, struct reauth *, enum reauth_scope,
	    const char *field, const char *reason);
/* Neither a success nor a failure (409, 503): take the claim back. */
void	reauth_release(struct ctx *, struct reauth *);

#endif
