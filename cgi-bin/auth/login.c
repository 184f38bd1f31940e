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
#include "lib/tx.h"
#include "lib/user-view.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"
#include "cgi-bin/auth/mfa.h"
#include "cgi-bin/auth/store-login.h"
#include "cgi-bin/auth/throttle.h"

/* Stale throttle rows deleted per successful sign-in. */
#define PURGE_PER_LOGIN	20

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

/* The one-time code sent, or NULL (absent, null or empty). */
static const char *
login_code(const struct auth_login_req *r)
{
	return r->totp_code.is_set && !r->totp_code.is_null &&
	    r->totp_code.s[0] != '\0' ? r->totp_code.s : NULL;
}

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

struct login_ask {
	const struct thr_key	*k;
	struct audit_entry	*e;
};

/* Take the claim back and audit the request for a code: one transaction. */
static int
login_ask_tx(struct ctx *c, void *arg)
{
	struct login_ask	*a = arg;
	int			 rc;

	if ((rc = throttle_undo(c, a->k, NKEYS)) != DB_OK)
		return rc;
	return audit_append(c, a->e);
}

/* Right password but MFA on and no code: take the claim back, ask for it. */
static int
login_mfa_required(struct ctx *c, const struct thr_key *k, const char *user_id)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	struct login_ask	 a = { k, &e };

	jset_str(meta, "reason", "mfa_required");
	login_audit(&e, user_id, AUDIT_FAILURE, "login needs a second factor",
	    meta);
	if (tx_run(c, login_ask_tx, &a) != DB_OK)
		log_warnx("login: cannot record a request for a code");
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

/* What the success transaction needs and what it hands back. */
struct login_tx {
	const struct user_row	*u;
	const struct thr_key	*k;
	const char		*code;		/* the second factor, if MFA is on */
	const char		*rehash;	/* NULL: keep the stored hash */
	struct audit_entry	*e;
	enum mfa_code		 verdict;	/* of the code, when given */
	char			 token[CRYPTO_TOKEN_LEN + 1];
	char			 sid[ID_LEN + 1];
	int64_t			 expires;
};

/*
 * Throttle reset, second factor, rehash, session and audit row: one
 * transaction, so a code is used only by a sign-in that happens. The
 * throttle rows are locked first and then the user's row, the order of
 * every auth transaction (the session insert's foreign-key check then
 * finds the user row already held, instead of upgrading a shared lock).
 * 1 when the code is refused (t->verdict says why).
 */
static int
login_tx(struct ctx *c, void *arg)
{
	struct login_tx		*t = arg;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = throttle_success(c, t->k, NKEYS)) != DB_OK)
		return rc;
	t->verdict = MFA_CODE_OK;
	if (t->code != NULL && (rc = mfa_login_take(c, t->u, t->code,
	    &t->verdict)) != DB_OK)
		return rc;
	if (t->verdict != MFA_CODE_OK)
		return 1;
	if (t->rehash != NULL && (rc = store_user_set_password(c->db, t->u->id,
	    t->rehash, t->u->password_hash, utc_now(), &n)) != DB_OK)
		return rc;
	if ((rc = session_create(c, t->u->id, t->token, t->sid,
	    &t->expires)) != DB_OK)
		return rc;
	t->e->entity_id = t->sid;
	return audit_append(c, t->e);
}

struct login_replay {
	const struct user_row	*u;
	const struct thr_key	*k;
	struct audit_entry	*e;
};

/*
 * A replayed TOTP code: refused and audited like any failure, and the
 * user told (at most once per window), but it is no guess: it counts only
 * toward the hourly limits, so a double submit or a retrying client does
 * not lock its owner out as a guessing attack does. One transaction.
 */
static int
login_replay_tx(struct ctx *c, void *arg)
{
	struct login_replay	*t = arg;
	int			 rc, locked;

	if ((rc = throttle_replayed(c, t->k, NKEYS, &locked)) != DB_OK)
		return rc;
	json_object_object_del(t->e->metadata, "locked");
	if (locked)
		jset_bool(t->e->metadata, "locked", 1);
	if ((rc = audit_append(c, t->e)) != DB_OK)
		return rc;
	return mfa_replay_note(c, t->u);
}

/* A refused code: a wrong one is a failed login, a replay is noted. */
static int
login_code_refused(struct ctx *c, const struct user_row *u,
    const struct thr_key *k, enum mfa_code verdict)
{
	struct audit_entry	 e;
	struct json_object	*meta;
	struct login_replay	 t = { u, k, &e };
	int			 rc;

	if (verdict != MFA_CODE_REPLAY)
		return login_failed(c, k, u->id, "bad_mfa_code");
	meta = json_object_new_object();
	jset_str(meta, "reason", "totp_replay");
	login_audit(&e, u->id, AUDIT_FAILURE, "login failed", meta);
	rc = tx_run(c, login_replay_tx, &t);
	json_object_put(meta);
	if (rc != DB_OK)
		problem_unavailable(c);
	else
		problem(c, 401, "invalid_credentials",
		    "email or password is wrong");
	return 0;
}

static int
login_succeeded(struct ctx *c, const struct user_row *u,
    const struct thr_key *k, const char *pw, const char *code)
{
	struct audit_entry	 e;
	struct json_object	*o, *meta = NULL;
	struct login_tx		 t;
	int			 rc;

	memset(&t, 0, sizeof(t));
	t.u = u;
	t.k = k;
	t.code = code;
	t.rehash = login_rehash(c, u, pw);
	t.e = &e;
	if (t.rehash != NULL) {
		meta = json_object_new_object();
		jset_bool(meta, "rehashed", 1);
	}
	login_audit(&e, u->id, AUDIT_SUCCESS, "login succeeded", meta);
	e.actor_role = role_name(u->role);
	rc = tx_run(c, login_tx, &t);
	json_object_put(meta);
	if (rc == 1)
		return login_code_refused(c, u, k, t.verdict);
	if (rc != DB_OK) {
		throttle_release(c, k, NKEYS);
		problem_unavailable(c);
		return 0;
	}
	/* Housekeeping on its own, so its range lock never joins the above. */
	if (store_thr_purge(c->db, utc_now(), PURGE_PER_LOGIN) != DB_OK)
		log_warnx("login: purging throttle rows failed");
	o = json_object_new_object();
	jset_str(o, "token", t.token);
	jset_time(o, "expires_at", t.expires);
	jset(o, "user", user_view(u));
	json_reply(c, 200, o);
	explicit_bzero(t.token, sizeof(t.token));
	return 0;
}

/*
 * Exactly one argon2 verification whether or not the account exists.
 * The second factor is checked (and used) by the success transaction.
 */
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
	return u->mfa_enabled && login_code(r) == NULL ? LOGIN_MFA_REQUIRED :
	    LOGIN_OK;
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
		return login_succeeded(c, &u, k, r.password.s,
		    u.mfa_enabled ? login_code(&r) : NULL);
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

static int
logout_tx(struct ctx *c, void *arg)
{
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = store_session_revoke(c->db, c->actor.session_id,
	    c->actor.user_id, utc_now(), &n)) != DB_OK)
		return rc;
	return audit_append(c, arg);
}

int
auth_logout(struct ctx *c)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = "logout";
	e.entity_type = "session";
	e.entity_id = c->actor.session_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "logged out";
	if (tx_run(c, logout_tx, &e) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply_empty(c, 204);
	return 0;
}
