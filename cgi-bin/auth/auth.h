/* The auth worker: its route table, handlers and shared helpers. */
#ifndef CONCIERGE_W_AUTH_H
#define CONCIERGE_W_AUTH_H

#include "lib/ctx.h"
#include "lib/store-user.h"
#include "lib/worker.h"
#include "cgi-bin/auth/store-login.h"

/* Name, routes and not-yet-built prefixes of the auth worker. */
extern const struct worker_def auth_worker;

/* A validated new account, from sign-up or an admin. */
struct account_new {
	const char	*email;
	const char	*password;
	enum role	 role;
	const char	*full_name;
	const char	*phone;
	const char	*date_of_birth;		/* patients */
	const char	*license_number;	/* providers */
	const char	*specialty;		/* providers */
};

/*
 * Parse and validate a new-account body (email, password, role among
 * roles, full_name, phone, date_of_birth, license_number, specialty).
 * Returns 0, or -1 after a 400/422 reply.
 */
int	account_parse(struct ctx *, const char *const *roles, struct account_new *);
/*
 * Hash the password and create the user with its profile and audit row
 * in one transaction. Fills u and the profile that applies. taken (may be
 * NULL) is a claim of account_email_claim: taken back by the creation, or
 * counted when the email is taken. Returns 0, or -1 after setting the
 * reply (409 email taken, 503, 500).
 */
int	account_create(struct ctx *, const struct account_new *,
	    const struct thr_key *taken, struct user_row *u,
	    struct patient_row *, struct provider_row *);
/*
 * Answers that an email is taken tell whether an account exists, so the
 * requests that may give one (sign-up, a new email on PATCH /me) are
 * claimed first against the client address (THR_SIGNUP_ADDRESS, at most
 * signup.max_taken_hour email_taken answers an hour). Claim into *k: 0,
 * or -1 after a 429 (audited) or 503 reply.
 */
int	account_email_claim(struct ctx *, struct thr_key *k);
/*
 * After a failed write with the claim k held: count it when rc is
 * DB_DUPLICATE (the email was taken), else take it back. The success
 * takes it back itself, inside its transaction (throttle_undo).
 */
void	account_email_taken(struct ctx *, const struct thr_key *k, int rc);

/*
 * Roll back after a failed account write and reply: 409 email_taken for
 * a duplicate email, else 503.
 */
void	account_write_failed(struct ctx *, int rc);

/* Handlers: each parses, checks policy, acts and replies; 0 or -1 (500). */
int	auth_signup(struct ctx *);
int	auth_login(struct ctx *);
int	auth_logout(struct ctx *);
int	auth_me_get(struct ctx *);
int	auth_sessions_list(struct ctx *);
int	auth_sessions_revoke(struct ctx *);
int	auth_password_change(struct ctx *);
int	auth_password_forgot(struct ctx *);
int	auth_password_reset(struct ctx *);
int	auth_mfa_setup(struct ctx *);
int	auth_mfa_enable(struct ctx *);
int	auth_mfa_disable(struct ctx *);
int	auth_me_patch(struct ctx *);
int	auth_users_create(struct ctx *);
int	auth_users_disable(struct ctx *);
int	auth_users_enable(struct ctx *);
int	auth_users_verify(struct ctx *);

#endif
