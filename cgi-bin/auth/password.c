/*
 * POST /api/v1/auth/password/change, /forgot and /reset.
 *
 * forgot answers 202 with one body whether or not the account exists;
 * for an account it stores only the SHA-256 of a 256-bit token (single
 * use, 30 minutes) and queues the mail holding the token in the outbox,
 * with its audit row, in one transaction. reset uses the token with one
 * atomic UPDATE, so two concurrent resets cannot both succeed. A change
 * or a reset sets a new argon2id hash, voids outstanding reset tokens
 * and ends the user's other sessions (a reset: all of them).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/outbox.h"
#include "lib/password.h"
#include "lib/pwd-policy.h"
#include "lib/store-session.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/valid.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/reauth.h"
#include "cgi-bin/auth/fields.h"
#include "cgi-bin/auth/store-login.h"
#include "cgi-bin/auth/throttle.h"

#define RESET_MINUTES	30

struct auth_password_change_req {
	struct jv	 current_password;
	struct jv	 new_password;
};

struct auth_password_forgot_req {
	struct jv	 email;
};

struct auth_password_reset_req {
	struct jv	 token;
	struct jv	 new_password;
};

#define F(n)	offsetof(struct auth_password_change_req, n)
const struct json_field change_fields[] = {
	{ "current_password", JF_STRING, JF_REQUIRED, F(current_password), 1, 1024, NULL, NULL, NULL, 0 },
	{ "new_password", JF_STRING, JF_REQUIRED, F(new_password), 1, 1024, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F
#define F(n)	offsetof(struct auth_password_forgot_req, n)
const struct json_field forgot_fields[] = {
	{ "email", JF_STRING, JF_REQUIRED, F(email), 3, 254, valid_email, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F
#define F(n)	offsetof(struct auth_password_reset_req, n)
const struct json_field reset_fields[] = {
	{ "token", JF_STRING, JF_REQUIRED, F(token), 1, 256, NULL, NULL, NULL, 0 },
	{ "new_password", JF_STRING, JF_REQUIRED, F(new_password), 1, 1024, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* An audit row about user_id; the actor is the signed-in one, if any. */
static void
pw_audit(struct audit_entry *e, const char *action, const char *user_id,
    enum audit_outcome outcome, const char *summary)
{
	memset(e, 0, sizeof(*e));
	e->action = action;
	e->entity_type = "user";
	e->entity_id = user_id;
	e->outcome = outcome;
	e->summary = summary;
}

/* Policy of a new password for u: 0, or -1 after a 422 naming new_password. */
static int
pw_policy(struct ctx *c, const struct jv *pw, const struct user_row *u)
{
	const char	*why;

	if ((why = pwd_policy_check(pw->s, pw->len, u->email,
	    u->full_name)) == NULL)
		return 0;
	ctx_error(c, "new_password", why);
	problem_validation(c);
	return -1;
}

struct change_tx {
	const struct user_row	*u;
	struct reauth		*ra;
	const char		*hash;
	struct audit_entry	*e;
};

/*
 * Throttle rows first, then the user row (the order of every auth
 * transaction); 1 if the password changed meanwhile.
 */
static int
change_tx(struct ctx *c, void *arg)
{
	const struct change_tx	*t = arg;
	unsigned long long	 n = 0;
	int64_t			 now = utc_now();
	int			 rc;

	if ((rc = reauth_success(c, t->ra)) != DB_OK ||
	    (rc = store_user_set_password(c->db, t->u->id, t->hash,
	    t->u->password_hash, now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 1;
	if ((rc = store_session_revoke_all(c->db, t->u->id,
	    c->actor.session_id, now)) != DB_OK ||
	    (rc = store_reset_void_user(c->db, t->u->id, now)) != DB_OK)
		return rc;
	return audit_append(c, t->e);
}

/* New hash, other sessions ended, resets voided, audit: one transaction. */
static int
change_commit(struct ctx *c, const struct user_row *u, struct reauth *ra,
    const char *hash)
{
	struct audit_entry	 e;
	struct change_tx	 t = { u, ra, hash, &e };
	int			 rc;

	pw_audit(&e, "password_change", u->id, AUDIT_SUCCESS, "password changed");
	if ((rc = tx_run(c, change_tx, &t)) == DB_OK)
		return 0;
	if (rc == 1)
		problem(c, 409, "password_changed",
		    "the password was changed meanwhile; try again");
	else
		problem_unavailable(c);
	return -1;
}

int
auth_password_change(struct ctx *c)
{
	struct auth_password_change_req r;
	struct user_row		 u;
	struct reauth		 ra;
	char			*hash;
	int			 found, fatal;

	if (pol_check(&c->actor, POL_ME_UPDATE, NULL) != POL_ALLOW)
		return audit_deny(c, "password_change", "user", NULL, NULL, 0);
	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, change_fields, &r) == -1)
		return 0;
	if (store_user_by_id(c->db, c->arena, c->actor.user_id, &u, &found) !=
	    DB_OK || !found) {
		problem_unavailable(c);
		return 0;
	}
	if (pw_policy(c, &r.new_password, &u) == -1)
		return 0;
	if (reauth_password(c, &ra, &u, "password_change",
	    "password change refused", r.current_password.s, &fatal) == -1)
		return fatal ? -1 : 0;
	hash = arena_alloc(c->arena, PWD_HASH_MAX);
	if (pwd_hash(c->cfg, r.new_password.s, hash, PWD_HASH_MAX) != PWD_OK) {
		reauth_release(c, &ra);
		problem_unavailable(c);
		return 0;
	}
	if (change_commit(c, &u, &ra, hash) == -1) {
		/* Nothing changed: the right password is not a failure. */
		reauth_release(c, &ra);
		return 0;
	}
	json_reply_empty(c, 204);
	return 0;
}

/* The outbox payload of the reset mail: the token and its expiry, no PHI. */
static char *
forgot_payload(struct ctx *c, const char *token, int64_t expires)
{
	struct json_object	*o = json_object_new_object();
	char			*s;

	jset_str(o, "token", token);
	jset_time(o, "expires_at", expires);
	jset_int(o, "expires_minutes", RESET_MINUTES);
	s = arena_strdup(c->arena, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

/* Store the token hash and queue the mail (caller's transaction). An enum db_rc. */
static int
forgot_issue(struct ctx *c, const struct user_row *u)
{
	unsigned char	 hash[CRYPTO_SHA256_LEN];
	char		 token[CRYPTO_TOKEN_LEN + 1], id[ID_LEN + 1], *payload;
	int64_t		 now = utc_now(), expires = now + RESET_MINUTES * UTC_MIN;
	int		 rc;

	if (crypto_token(token) == -1 || id_new(id) == -1)
		return DB_ERROR;
	crypto_sha256(token, CRYPTO_TOKEN_LEN, hash);
	payload = forgot_payload(c, token, expires);
	explicit_bzero(token, sizeof(token));
	if ((rc = store_reset_insert(c->db, id, u->id, hash, now, expires,
	    c->req->remote_addr)) == DB_OK)
		rc = outbox_enqueue(c->db, OUTBOX_EMAIL, u->id, "password_reset",
		    payload, 0);
	explicit_bzero(payload, strlen(payload));
	return rc;
}

struct forgot_tx {
	const struct thr_key	*k;
	const struct user_row	*u;
	int			 issue;
	struct audit_entry	*e;
};

static int
forgot_tx(struct ctx *c, void *arg)
{
	const struct forgot_tx	*t = arg;
	int			 rc, locked;

	if ((rc = throttle_fail(c, t->k, 2, &locked)) != DB_OK ||
	    (t->issue && (rc = forgot_issue(c, t->u)) != DB_OK))
		return rc;
	return audit_append(c, t->e);
}

/*
 * Issue a token when the account exists, is enabled and the email is
 * under its hourly cap; audit either way. One transaction. An enum db_rc.
 */
static int
forgot_commit(struct ctx *c, const struct thr_key *k, const struct user_row *u,
    int found, int email_ok)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	struct forgot_tx	 t = { k, u, found && !u->is_disabled && email_ok, &e };
	int			 rc;

	pw_audit(&e, "password_reset_request", found ? u->id : NULL,
	    t.issue ? AUDIT_SUCCESS : AUDIT_FAILURE, t.issue ?
	    "password reset mail queued" : "password reset not sent");
	if (!t.issue)
		jset_str(meta, "reason", !found ? "unknown_account" :
		    u->is_disabled ? "disabled" : "throttled");
	e.metadata = meta;
	rc = tx_run(c, forgot_tx, &t);
	json_object_put(meta);
	return rc;
}

int
auth_password_forgot(struct ctx *c)
{
	struct auth_password_forgot_req r;
	struct user_row		 u;
	struct thr_key		 k[2];
	struct json_object	*o;
	int			 found = 0, refused, email_refused = 0;

	memset(&r, 0, sizeof(r));
	memset(&u, 0, sizeof(u));
	if (json_parse_body(c, forgot_fields, &r) == -1)
		return 0;
	throttle_key_address(c, THR_FORGOT_ADDRESS, &k[0]);
	throttle_key_email(c, THR_FORGOT_EMAIL, r.email.s, &k[1]);
	if (throttle_claim(c, &k[0], 1, &refused) == -1 ||
	    (refused == -1 && throttle_claim(c, &k[1], 1, &email_refused) == -1)) {
		problem_unavailable(c);
		return 0;
	}
	if (refused >= 0)
		return throttle_refuse(c, &k[0], "password_reset_request", NULL);
	if (store_user_by_email(c->db, c->arena, r.email.s, &u, &found) != DB_OK ||
	    forgot_commit(c, k, &u, found, email_refused == -1) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	/* The same reply whether or not the account exists. */
	o = json_object_new_object();
	jset_str(o, "status", "accepted");
	jset_str(o, "detail", "if an account uses this email, a reset "
	    "message is on its way");
	json_reply(c, 202, o);
	return 0;
}

/* 400 for a token that is malformed, unknown, used or expired. */
static int
reset_bad_token(struct ctx *c)
{
	problem(c, 400, "invalid_token",
	    "the reset token is invalid, already used or expired");
	return 0;
}

/* 1 if s has the form of a token crypto_token issued. */
static int
reset_token_ok(const struct jv *t)
{
	unsigned char	 raw[CRYPTO_TOKEN_LEN];

	return t->len == CRYPTO_TOKEN_LEN &&
	    crypto_b64url_decode(t->s, t->len, raw) == 32;
}

struct reset_tx {
	const unsigned char	*th;
	const struct user_row	*u;
	const char		*hash;
	struct audit_entry	*e;
};

/*
 * The user row first (the order of every auth transaction: two tokens of
 * one user used at once then queue on it instead of deadlocking over
 * each other's token rows), then the token; 1 if it is used meanwhile.
 */
static int
reset_tx(struct ctx *c, void *arg)
{
	const struct reset_tx	*t = arg;
	unsigned long long	 n = 0;
	int64_t			 now = utc_now();
	int			 rc;

	if ((rc = store_user_set_password(c->db, t->u->id, t->hash, NULL, now,
	    NULL)) != DB_OK ||
	    (rc = store_reset_use(c->db, t->th, now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 1;
	if ((rc = store_reset_void_user(c->db, t->u->id, now)) != DB_OK ||
	    (rc = store_session_revoke_all(c->db, t->u->id, NULL, now)) != DB_OK)
		return rc;
	return audit_append(c, t->e);
}

/* Use the token, set the hash, end every session: one transaction. */
static int
reset_commit(struct ctx *c, const unsigned char *th, const struct user_row *u,
    const char *hash)
{
	struct audit_entry	 e;
	struct reset_tx		 t = { th, u, hash, &e };
	int			 rc;

	pw_audit(&e, "password_reset", u->id, AUDIT_SUCCESS, "password reset");
	/* Whoever holds the mailed token acts as the user. */
	e.actor_id = u->id;
	e.actor_role = role_name(u->role);
	if ((rc = tx_run(c, reset_tx, &t)) == DB_OK)
		return 0;
	if (rc == 1)	/* used by a concurrent request */
		(void)reset_bad_token(c);
	else
		problem_unavailable(c);
	return -1;
}

int
auth_password_reset(struct ctx *c)
{
	struct auth_password_reset_req r;
	struct reset_row	 t;
	struct user_row		 u;
	unsigned char		 th[CRYPTO_SHA256_LEN];
	char			*hash;
	int			 found = 0;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, reset_fields, &r) == -1)
		return 0;
	if (!reset_token_ok(&r.token))
		return reset_bad_token(c);
	crypto_sha256(r.token.s, r.token.len, th);
	if (store_reset_find(c->db, c->arena, th, &t, &found) != DB_OK ||
	    (found && store_user_by_id(c->db, c->arena, t.user_id, &u,
	    &found) != DB_OK)) {
		problem_unavailable(c);
		return 0;
	}
	if (!found || t.is_used || t.expires_at <= utc_now() || u.is_disabled)
		return reset_bad_token(c);
	if (pw_policy(c, &r.new_password, &u) == -1)
		return 0;
	hash = arena_alloc(c->arena, PWD_HASH_MAX);
	if (pwd_hash(c->cfg, r.new_password.s, hash, PWD_HASH_MAX) != PWD_OK)
		return -1;
	if (reset_commit(c, th, &u, hash) == 0)
		json_reply_empty(c, 204);
	return 0;
}
