/* GET and PATCH /api/v1/me: the signed-in user and their profile. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/password.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/user-view.h"
#include "lib/valid.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"

struct auth_me_patch_req {
	struct jv	 full_name;
	struct jv	 phone;
	struct jv	 email;
	struct jv	 current_password;
};

#define F(n)	offsetof(struct auth_me_patch_req, n)
const struct json_field me_patch_fields[] = {
	{ "full_name", JF_STRING, 0, F(full_name), 1, 200, valid_name, NULL, NULL, 0 },
	{ "phone", JF_STRING, JF_NULLABLE, F(phone), 1, 16, valid_phone, NULL, NULL, 0 },
	{ "email", JF_STRING, 0, F(email), 3, 254, valid_email, NULL, NULL, 0 },
	{ "current_password", JF_STRING, 0, F(current_password), 1, 1024, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* Reply {user, profile} for the signed-in user; audits a patient's read. */
static int
me_reply(struct ctx *c)
{
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	struct audit_entry	 e;
	struct json_object	*o, *profile = NULL;
	int			 found = 0, rc;

	if ((rc = store_user_by_id(c->db, c->arena, c->actor.user_id, &u,
	    &found)) != DB_OK || !found)
		return -1;
	o = json_object_new_object();
	if (u.role == ROLE_PATIENT) {
		if (store_patient_get(c->db, c->arena, u.id, &p, &found) != DB_OK)
			goto fail;
		profile = found ? patient_view(&p) : NULL;
		/* A read of a patient profile, even one's own, is audited. */
		memset(&e, 0, sizeof(e));
		e.action = "read";
		e.entity_type = "patient";
		e.entity_id = u.id;
		e.patient_id = u.id;
		e.outcome = AUDIT_SUCCESS;
		e.summary = "patient profile read";
		if (audit_append(c, &e) != DB_OK)
			goto fail;
	} else if (u.role == ROLE_PROVIDER) {
		if (store_provider_get(c->db, c->arena, u.id, &pr, &found) != DB_OK)
			goto fail;
		profile = found ? provider_view(&pr) : NULL;
	}
	jset(o, "user", user_view(&u));
	jset(o, "profile", profile);
	json_reply(c, 200, o);
	return 0;
fail:
	json_object_put(profile);
	json_object_put(o);
	return -1;
}

int
auth_me_get(struct ctx *c)
{
	return me_reply(c);
}

/* The names of the changed fields, for the audit row (never their values). */
static struct json_object *
changed_fields(const struct auth_me_patch_req *r)
{
	struct json_object	*meta = json_object_new_object();
	struct json_object	*a = json_object_new_array();

	if (r->full_name.is_set)
		json_object_array_add(a, json_object_new_string("full_name"));
	if (r->phone.is_set)
		json_object_array_add(a, json_object_new_string("phone"));
	if (r->email.is_set)
		json_object_array_add(a, json_object_new_string("email"));
	jset(meta, "fields", a);
	return meta;
}

/* Email and phone changes need the current password. 0, or -1 with a reply. */
static int
reauthenticate(struct ctx *c, const struct auth_me_patch_req *r,
    const struct user_row *u)
{
	if (!r->email.is_set && !r->phone.is_set)
		return 0;
	if (!r->current_password.is_set) {
		ctx_error(c, "current_password", "is required to change email or phone");
		problem_validation(c);
		return -1;
	}
	if (pwd_verify(u->password_hash, r->current_password.s) != PWD_OK) {
		problem(c, 401, "reauthentication_failed",
		    "the current password is wrong");
		return -1;
	}
	return 0;
}

struct me_patch_tx {
	const struct auth_me_patch_req *r;
	const struct user_row	*u;
	struct audit_entry	*e;
};

static int
me_patch_tx(struct ctx *c, void *arg)
{
	const struct me_patch_tx *t = arg;
	int			 rc;

	if ((rc = store_user_update_profile(c->db, c->arena, t->u->id,
	    t->r->full_name.s, t->r->phone.is_set, t->r->phone.s,
	    t->r->email.s, utc_now(), NULL)) != DB_OK)
		return rc;
	return audit_append(c, t->e);
}

int
auth_me_patch(struct ctx *c)
{
	struct auth_me_patch_req r;
	struct user_row		 u;
	struct audit_entry	 e;
	struct me_patch_tx	 t = { &r, &u, &e };
	int			 found, rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, me_patch_fields, &r) == -1)
		return 0;
	if (store_user_by_id(c->db, c->arena, c->actor.user_id, &u, &found) !=
	    DB_OK || !found)
		return -1;
	if (reauthenticate(c, &r, &u) == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	e.action = "update";
	e.entity_type = "user";
	e.entity_id = u.id;
	e.patient_id = u.role == ROLE_PATIENT ? u.id : NULL;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "own account updated";
	e.metadata = changed_fields(&r);
	rc = tx_run(c, me_patch_tx, &t);
	json_object_put(e.metadata);
	if (rc != DB_OK) {
		account_write_failed(c, rc);
		return 0;
	}
	return me_reply(c);
}
