/*
 * Admin routes: POST /api/v1/users (staff, admin, auditor and provider
 * accounts) and POST /api/v1/users/{id}/disable, /enable, /verify.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/store-session.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/user-view.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"
#include "cgi-bin/auth/store-admin.h"

const char *const admin_roles[] = {
	"staff", "admin", "auditor", "provider", NULL,
};

enum user_change {
	USER_DISABLE = 0,
	USER_ENABLE,
	USER_VERIFY,
};

static const struct {
	enum pol_action	 action;
	const char	*audit_action;
	const char	*summary;
} changes[] = {
	{ POL_USER_DISABLE, "disable", "user disabled" },
	{ POL_USER_DISABLE, "enable", "user enabled" },
	{ POL_USER_VERIFY, "verify", "provider verified" },
};

int
auth_users_create(struct ctx *c)
{
	struct account_new	 in;
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	struct json_object	*o;

	if (pol_check(&c->actor, POL_USER_CREATE, NULL) != POL_ALLOW)
		return audit_deny(c, "create", "user", NULL, NULL, 0);
	if (account_parse(c, admin_roles, &in) == -1)
		return 0;
	if (account_create(c, &in, NULL, &u, &p, &pr) == -1)
		return 0;
	o = json_object_new_object();
	jset(o, "user", user_view(&u));
	jset(o, "profile", in.role == ROLE_PROVIDER ? provider_view(&pr) : NULL);
	json_reply(c, 201, o);
	return 0;
}

/* Apply one change inside the open transaction. Returns an enum db_rc, or 1 if it does not apply. */
static int
apply_change(struct ctx *c, enum user_change ch, const struct user_row *u)
{
	unsigned long long	 n = 0;
	int64_t			 now = utc_now();
	int			 rc;

	switch (ch) {
	case USER_DISABLE:
		if ((rc = store_user_set_disabled(c->db, u->id, 1, now, &n)) != DB_OK)
			return rc;
		/* A disabled user's sessions end now. */
		return store_session_revoke_all(c->db, u->id, NULL, now);
	case USER_ENABLE:
		return store_user_set_disabled(c->db, u->id, 0, now, &n);
	case USER_VERIFY:
		if ((rc = store_provider_verify(c->db, u->id, now, &n)) != DB_OK)
			return rc;
		return n == 1 ? DB_OK : 1;
	}
	return DB_ERROR;
}

struct change_tx {
	enum user_change	 ch;
	const struct user_row	*u;
	struct audit_entry	*e;
};

static int
change_tx(struct ctx *c, void *arg)
{
	const struct change_tx	*t = arg;
	int			 rc;

	if ((rc = apply_change(c, t->ch, t->u)) != DB_OK)
		return rc;
	return audit_append(c, t->e);
}

static int
change_user(struct ctx *c, enum user_change ch)
{
	struct user_row		 u;
	struct audit_entry	 e;
	struct change_tx	 t = { ch, &u, &e };
	struct json_object	*o;
	int			 found, rc;

	if (pol_check(&c->actor, changes[ch].action, NULL) != POL_ALLOW)
		return audit_deny(c, changes[ch].audit_action, "user", c->cap[0],
		    NULL, 0);
	if (!id_is_valid(c->cap[0]) || store_user_by_id(c->db, c->arena,
	    c->cap[0], &u, &found) != DB_OK || !found) {
		problem(c, 404, "not_found", "no such user");
		return 0;
	}
	if (ch == USER_DISABLE && strcmp(u.id, c->actor.user_id) == 0) {
		problem(c, 409, "self_disable", "you cannot disable yourself");
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.action = changes[ch].audit_action;
	e.entity_type = "user";
	e.entity_id = u.id;
	e.patient_id = u.role == ROLE_PATIENT ? u.id : NULL;
	e.outcome = AUDIT_SUCCESS;
	e.summary = changes[ch].summary;
	if ((rc = tx_run(c, change_tx, &t)) != DB_OK) {
		if (rc == 1)
			problem(c, 409, "not_a_provider", "only providers are verified");
		else
			problem_unavailable(c);
		return 0;
	}
	u.is_disabled = ch == USER_DISABLE ? 1 : ch == USER_ENABLE ? 0 : u.is_disabled;
	o = json_object_new_object();
	jset(o, "user", user_view(&u));
	json_reply(c, 200, o);
	return 0;
}

int
auth_users_disable(struct ctx *c)
{
	return change_user(c, USER_DISABLE);
}

int
auth_users_enable(struct ctx *c)
{
	return change_user(c, USER_ENABLE);
}

int
auth_users_verify(struct ctx *c)
{
	return change_user(c, USER_VERIFY);
}
