/* Re-authentication: current password and second factor, throttled and audited. */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/password.h"
#include "lib/tx.h"
#include "cgi-bin/auth/reauth.h"
#include "cgi-bin/auth/throttle.h"

/* The audit row of a refusal: the user's own, with reason in metadata. */
static void
refusal_entry(const struct reauth *r, struct audit_entry *e,
    struct json_object *meta)
{
	memset(e, 0, sizeof(*e));
	e->action = r->action;
	e->entity_type = "user";
	e->entity_id = r->u->id;
	e->patient_id = r->u->role == ROLE_PATIENT ? r->u->id : NULL;
	e->outcome = AUDIT_FAILURE;
	e->summary = r->summary;
	e->metadata = meta;
}

int
reauth_password(struct ctx *c, struct reauth *r, const struct user_row *u,
    const char *action, const char *summary, const char *password, int *fatal)
{
	struct audit_entry	 e;
	struct json_object	*meta;
	int			 refused, rc;

	memset(r, 0, sizeof(*r));
	*fatal = 0;
	r->u = u;
	r->action = action;
	r->summary = summary;
	throttle_key_user(THR_REAUTH, u->id, &r->k[0]);
	throttle_key_user(THR_ACCOUNT, u->id, &r->k[1]);
	if (throttle_claim(c, r->k, REAUTH_NKEYS, &refused) == -1) {
		problem_unavailable(c);
		return -1;
	}
	if (refused >= 0) {
		(void)throttle_refuse(c, &r->k[refused], action, u->id);
		return -1;
	}
	r->is_claimed = 1;
	switch (pwd_verify(u->password_hash, password)) {
	case PWD_OK:
		return 0;
	case PWD_MISMATCH:
		break;
	default:
		reauth_release(c, r);
		*fatal = 1;
		return -1;
	}
	meta = json_object_new_object();
	jset_str(meta, "reason", "wrong_password");
	refusal_entry(r, &e, meta);
	rc = throttle_failed(c, r->k, REAUTH_NKEYS, &e);
	json_object_put(meta);
	r->is_claimed = 0;
	if (rc != DB_OK)
		problem_unavailable(c);
	else
		problem(c, 401, "reauthentication_failed",
		    "the current password is wrong");
	return -1;
}

int
reauth_success(struct ctx *c, struct reauth *r)
{
	return throttle_success(c, r->k, REAUTH_NKEYS);
}

struct code_failed {
	struct reauth		*r;
	enum reauth_scope	 scope;
	int			 is_replay;
	struct audit_entry	*e;
};

static int
code_failed_tx(struct ctx *c, void *arg)
{
	struct code_failed	*t = arg;
	size_t			 n = t->scope == REAUTH_ACCOUNT_SECRET ?
				    REAUTH_NKEYS : 1;
	int			 rc, locked;

	/* A secret not the account's: the account's claim is only taken back. */
	if (n < REAUTH_NKEYS && (rc = throttle_undo(c, t->r->k + n,
	    REAUTH_NKEYS - n)) != DB_OK)
		return rc;
	rc = t->is_replay ? throttle_replayed(c, t->r->k, n, &locked) :
	    throttle_fail(c, t->r->k, n, &locked);
	if (rc != DB_OK)
		return rc;
	return audit_append(c, t->e);
}

int
reauth_code_failed(struct ctx *c, struct reauth *r, enum reauth_scope scope,
    const char *field, const char *reason)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	struct code_failed	 t = { r, scope, strcmp(reason, "totp_replay") == 0,
				    &e };
	int			 rc;

	jset_str(meta, "reason", reason);
	refusal_entry(r, &e, meta);
	rc = tx_run(c, code_failed_tx, &t);
	json_object_put(meta);
	r->is_claimed = 0;
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	ctx_error(c, field, "is wrong, expired or already used");
	problem(c, 422, "invalid_code", "the code is wrong, expired or already used");
	return 0;
}

void
reauth_release(struct ctx *c, struct reauth *r)
{
	if (r->is_claimed)
		throttle_release(c, r->k, REAUTH_NKEYS);
	r->is_claimed = 0;
}
