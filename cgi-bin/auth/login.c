/* POST /api/v1/auth/login and /logout. */
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

struct auth_login_req {
	struct jv	 email;
	struct jv	 password;
	struct jv	 totp_code;
};

#define F(n)	offsetof(struct auth_login_req, n)
static const struct json_field login_fields[] = {
	{ "email", JF_STRING, JF_REQUIRED, F(email), 1, 254, NULL, NULL, NULL, 0 },
	{ "password", JF_STRING, JF_REQUIRED, F(password), 1, 1024, NULL, NULL, NULL, 0 },
	{ "totp_code", JF_STRING, JF_NULLABLE, F(totp_code), 1, 64, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* Audit a failed login on its own (no transaction) and answer 401. */
static int
login_failed(struct ctx *c, const char *user_id, const char *reason)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();

	jset_str(meta, "reason", reason);
	memset(&e, 0, sizeof(e));
	e.action = "login";
	e.entity_type = "session";
	e.entity_id = NULL;
	e.outcome = AUDIT_FAILURE;
	e.summary = "login failed";
	e.metadata = meta;
	e.actor_id = user_id;
	(void)audit_append(c, &e);
	json_object_put(meta);
	problem(c, 401, "invalid_credentials", "email or password is wrong");
	return 0;
}

static int
login_succeeded(struct ctx *c, const struct user_row *u)
{
	struct audit_entry	 e;
	struct json_object	*o;
	char			 token[CRYPTO_TOKEN_LEN + 1], sid[ID_LEN + 1];
	int64_t			 expires;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = "login";
	e.entity_type = "session";
	e.outcome = AUDIT_SUCCESS;
	e.summary = "login succeeded";
	e.actor_id = u->id;
	e.actor_role = role_name(u->role);
	if ((rc = db_begin(c->db)) == DB_OK &&
	    (rc = session_create(c, u->id, token, sid, &expires)) == DB_OK &&
	    ((e.entity_id = sid), (rc = audit_append(c, &e)) == DB_OK))
		rc = db_commit(c->db);
	if (rc != DB_OK) {
		db_rollback(c->db);
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

int
auth_login(struct ctx *c)
{
	struct auth_login_req	 r;
	struct user_row		 u;
	int			 found;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, login_fields, &r) == -1)
		return 0;
	if (store_user_by_email(c->db, c->arena, r.email.s, &u, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		/* Same cost and reply as a wrong password. */
		pwd_burn(c->cfg, r.password.s);
		return login_failed(c, NULL, "unknown_account");
	}
	switch (pwd_verify(u.password_hash, r.password.s)) {
	case PWD_OK:
		break;
	case PWD_MISMATCH:
		return login_failed(c, u.id, "wrong_password");
	default:
		return -1;
	}
	if (u.is_disabled)
		return login_failed(c, u.id, "disabled");
	return login_succeeded(c, &u);
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
