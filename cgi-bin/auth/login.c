/*
 * POST /api/v1/auth/login and /logout.
 *
 * A sign-in is claimed against the client address and the account (or,
 * when no account has that email, the email itself) before the password
 * is checked: a locked subject answers 429 with Retry-After at once.
 * Unknown email and wrong password both run one argon2 verification and
 * get the same reply. A success takes the claim back and may upgrade the
 * stored hash to the configured cost.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/password.h"
#include "lib/session.h"
#include "lib/store-session.h"
#include "lib/time.h"
#include "lib/user-view.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"
#include "cgi-bin/auth/mfa.h"
#include "cgi-bin/auth/store-login.h"
#include "cgi-bin/auth/throttle.h"

/* Stale throttle rows deleted per successful sign-in. */
#define PURGE_PER_LOGIN	20
#define LOGIN_TX_TRIES	3

struct auth_login_req {
	struct jv	 email;
	struct jv	 password;
	struct jv	 totp_code;
};

#define F(n)	offsetof(struct auth_login_req, n)
const struct json_field login_fields[] = {
	{ "email", JF_STRING, JF_REQUIRED, F(email), 1, 254, NULL, NULL, NULL, 0 },
	{ "password", JF_STRING, JF_REQUIRED, F(password), 1, 1024, NULL, NULL, NULL, 0 },
	{ "totp_code", JF_STRING, JF_NULLABLE, F(totp_code), 1, 64, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

enum login_check {
	LOGIN_OK = 0,
	LOGIN_FAILED,		/* counts toward the locks */
	LOGIN_MFA_REQUIRED,	/* right password, no code: not a failure */
	LOGIN_ERROR,		/* database or crypto failure: 503 */
};

/* The keys an attempt counts against: [0] the address, [1] the account or email. */
#define NKEYS	2

static void
login_audit(struct audit_entry *e, const char *actor_id,
    enum audit_outcome outcome, const char *summary, struct json_object *meta)
{
	memset(e, 0, sizeof(*e));
	e->action = "login";
	e->entity_type = "session";
	e->outcome = outcome;
	e->summary = summary;
	e->metadata = meta;
	e->actor_id = actor_id;
}

/* Count the failure (locking as due), audit it and answer 401. */
static int
login_failed(struct ctx *c, const struct thr_key *k, const char *user_id,
    const char *reason)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	int			 rc;

	jset_str(meta, "reason", reason);
	login_audit(&e, user_id, AUDIT_FAILURE, "login failed", meta);
	rc = throttle_failed(c, k, NKEYS, &e);
	json_object_put(meta);
	if (rc != DB_OK)
		problem_unavailable(c);
	else
		problem(c, 401, "invalid_credentials",
		    "email or password is wrong");
	return 0;
}

/* Right password but MFA on and no code: take the claim back, ask for it. */
static int
login_mfa_required(struct ctx *c, const struct thr_key *k, const char *user_id)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();

	throttle_release(c, k, NKEYS);
	jset_str(meta, "reason", "mfa_required");
	login_audit(&e, user_id, AUDIT_FAILURE, "login needs a second factor",
	    meta);
	(void)audit_append(c, &e);
	json_object_put(meta);
	problem(c, 401, "mfa_required", "a one-time code is required");
	return 0;
}

/* A new hash at the configured cost when the stored one is cheaper; NULL if none. */
static char *
login_rehash(struct ctx *c, const struct user_row *u, const char *pw)
{
	char	*h;

	if (!pwd_needs_rehash(c->cfg, u->password_hash))
		return NULL;
	h = arena_alloc(c->arena, PWD_HASH_MAX);
	if (pwd_hash(c->cfg, pw, h, PWD_HASH_MAX) != PWD_OK) {
		log_warnx("login: rehash failed");
		return NULL;
	}
	return h;
}

/* Session, rehash, throttle reset and audit row in one transaction. */
static int
login_commit(struct ctx *c, const struct user_row *u, const struct thr_key *k,
    const char *rehash, char *token, char *sid, int64_t *expires)
{
	struct audit_entry	 e;
	struct json_object	*meta = NULL;
	unsigned long long	 n = 0;
	int64_t			 now = utc_now();
	int			 rc = DB_ERROR, tries;

	if (rehash != NULL) {
		meta = json_object_new_object();
		jset_bool(meta, "rehashed", 1);
	}
	login_audit(&e, u->id, AUDIT_SUCCESS, "login succeeded", meta);
	e.actor_role = role_name(u->role);
	e.entity_id = sid;
	/*
	 * Concurrent logins to one account contend for its user and
	 * throttle rows; a deadlock victim runs the whole transaction again
	 * (a fresh token each time).
	 */
	for (tries = 0; tries < LOGIN_TX_TRIES; tries++) {
		if ((rc = db_begin(c->db)) == DB_OK &&
		    (rc = session_create(c, u->id, token, sid, expires)) == DB_OK &&
		    (rehash == NULL || (rc = store_user_set_password(c->db, u->id,
		    rehash, u->password_hash, now, &n)) == DB_OK) &&
		    (rc = throttle_success(c, k, NKEYS)) == DB_OK &&
		    (rc = audit_append(c, &e)) == DB_OK)
			rc = db_commit(c->db);
		if (rc == DB_OK)
			break;
		db_rollback(c->db);
		if (rc != DB_DEADLOCK)
			break;
	}
	json_object_put(meta);
	if (rc != DB_OK)
		return rc;
	/* Housekeeping on its own, so its range lock never joins the above. */
	if (store_thr_purge(c->db, now, PURGE_PER_LOGIN) != DB_OK)
		log_warnx("login: purging throttle rows failed");
	return DB_OK;
}

static int
login_succeeded(struct ctx *c, const struct user_row *u,
    const struct thr_key *k, const char *pw)
{
	struct json_object	*o;
	char			 token[CRYPTO_TOKEN_LEN + 1], sid[ID_LEN + 1];
	int64_t			 expires;

	if (login_commit(c, u, k, login_rehash(c, u, pw), token, sid,
	    &expires) != DB_OK) {
		throttle_release(c, k, NKEYS);
		problem_unavailable(c);
		return 0;
	}
	o = json_object_new_object();
	jset_str(o, "token", token);
	jset_time(o, "expires_at", expires);
	jset(o, "user", user_view(u));
	json_reply(c, 200, o);
	explicit_bzero(token, sizeof(token));
	return 0;
}

/* The second factor of a user with MFA on. */
static enum login_check
login_mfa(struct ctx *c, const struct auth_login_req *r,
    const struct user_row *u, const char **reason)
{
	const char	*code = r->totp_code.is_set && !r->totp_code.is_null ?
			    r->totp_code.s : NULL;

	switch (mfa_login_check(c, u, code)) {
	case MFA_LOGIN_OK:
		return LOGIN_OK;
	case MFA_LOGIN_REQUIRED:
		return LOGIN_MFA_REQUIRED;
	case MFA_LOGIN_BAD:
		*reason = "bad_mfa_code";
		return LOGIN_FAILED;
	default:
		return LOGIN_ERROR;
	}
}

/* Exactly one argon2 verification whether or not the account exists. */
static enum login_check
login_check(struct ctx *c, const struct auth_login_req *r,
    const struct user_row *u, int found, const char **reason)
{
	if (!found) {
		pwd_burn(c->cfg, r->password.s);
		*reason = "unknown_account";
		return LOGIN_FAILED;
	}
	switch (pwd_verify(u->password_hash, r->password.s)) {
	case PWD_OK:
		break;
	case PWD_MISMATCH:
		*reason = "wrong_password";
		return LOGIN_FAILED;
	default:
		return LOGIN_ERROR;
	}
	if (u->is_disabled) {
		*reason = "disabled";
		return LOGIN_FAILED;
	}
	return u->mfa_enabled ? login_mfa(c, r, u, reason) : LOGIN_OK;
}

int
auth_login(struct ctx *c)
{
	struct auth_login_req	 r;
	struct user_row		 u;
	struct thr_key		 k[NKEYS];
	const char		*reason = "", *uid;
	int			 found, refused;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, login_fields, &r) == -1)
		return 0;
	if (store_user_by_email(c->db, c->arena, r.email.s, &u, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	uid = found ? u.id : NULL;
	throttle_key_address(c, THR_LOGIN_ADDRESS, &k[0]);
	if (found)
		throttle_key_user(THR_ACCOUNT, u.id, &k[1]);
	else
		throttle_key_email(c, THR_LOGIN_EMAIL, r.email.s, &k[1]);
	if (throttle_claim(c, k, NKEYS, &refused) == -1) {
		problem_unavailable(c);
		return 0;
	}
	if (refused >= 0)
		return throttle_refuse(c, &k[refused], "login", uid);
	switch (login_check(c, &r, &u, found, &reason)) {
	case LOGIN_OK:
		return login_succeeded(c, &u, k, r.password.s);
	case LOGIN_FAILED:
		return login_failed(c, k, uid, reason);
	case LOGIN_MFA_REQUIRED:
		return login_mfa_required(c, k, uid);
	default:
		throttle_release(c, k, NKEYS);
		problem_unavailable(c);
		return 0;
	}
}

int
auth_logout(struct ctx *c)
{
	struct audit_entry	 e;
	unsigned long long	 n = 0;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = "logout";
	e.entity_type = "session";
	e.entity_id = c->actor.session_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "logged out";
	if ((rc = db_begin(c->db)) == DB_OK &&
	    (rc = store_session_revoke(c->db, c->actor.session_id,
	    c->actor.user_id, utc_now(), &n)) == DB_OK &&
	    (rc = audit_append(c, &e)) == DB_OK)
		rc = db_commit(c->db);
	if (rc != DB_OK) {
		db_rollback(c->db);
		problem_unavailable(c);
		return 0;
	}
	json_reply_empty(c, 204);
	return 0;
}
