/* GET and PATCH /api/v1/me: the signed-in user and their profile. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/store-session.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/user-view.h"
#include "lib/valid.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/reauth.h"
#include "cgi-bin/auth/store-login.h"
#include "cgi-bin/auth/throttle.h"
#include "cgi-bin/auth/me-prefs.h"
#include "cgi-bin/auth/fields.h"

struct auth_me_patch_req {
	struct jv	 full_name;
	struct jv	 phone;
	struct jv	 email;
	struct jv	 current_password;
	struct jv	 notification_preferences;
};

#define F(n)	offsetof(struct auth_me_patch_req, n)
const struct json_field me_patch_fields[] = {
	{ "full_name", JF_STRING, 0, F(full_name), 1, 200, valid_name, NULL, NULL, 0 },
	{ "phone", JF_STRING, JF_NULLABLE, F(phone), 1, 16, valid_phone, NULL, NULL, 0 },
	{ "email", JF_STRING, 0, F(email), 3, 254, valid_email, NULL, NULL, 0 },
	{ "current_password", JF_STRING, 0, F(current_password), 1, 1024, NULL, NULL, NULL, 0 },
	ME_PREFS_FIELD(F(notification_preferences)),
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/*
 * {user, profile} of the signed-in user into *out, auditing the read of a
 * patient profile (the caller's transaction, if one is open). Returns an
 * enum db_rc.
 */
static int
me_view(struct ctx *c, struct json_object **out)
{
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	struct audit_entry	 e;
	struct json_object	*profile = NULL;
	int			 found = 0, rc;

	*out = NULL;
	if ((rc = store_user_by_id(c->db, c->arena, c->actor.user_id, &u,
	    &found)) != DB_OK)
		return rc;
	if (!found)
		return DB_ERROR;
	if (u.role == ROLE_PATIENT) {
		if ((rc = store_patient_get(c->db, c->arena, u.id, &p, &found)) !=
		    DB_OK)
			return rc;
		/* A read of a patient profile, even one's own, is audited. */
		memset(&e, 0, sizeof(e));
		e.action = "read";
		e.entity_type = "patient";
		e.entity_id = u.id;
		e.patient_id = u.id;
		e.outcome = AUDIT_SUCCESS;
		e.summary = "patient profile read";
		if ((rc = audit_append(c, &e)) != DB_OK)
			return rc;
		profile = found ? patient_view(&p) : NULL;
	} else if (u.role == ROLE_PROVIDER) {
		if ((rc = store_provider_get(c->db, c->arena, u.id, &pr, &found)) !=
		    DB_OK)
			return rc;
		profile = found ? provider_view(&pr) : NULL;
	}
	*out = json_object_new_object();
	jset(*out, "user", user_view(&u));
	jset(*out, "profile", profile);
	if (me_prefs_add(c, *out, u.id) == -1) {
		json_object_put(*out);
		*out = NULL;
		return DB_ERROR;
	}
	return DB_OK;
}

int
auth_me_get(struct ctx *c)
{
	struct json_object	*o;

	if (me_view(c, &o) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, o);
	return 0;
}

/* The names of the changed fields, for the audit row (never their values). */
static struct json_object *
changed_fields(const struct auth_me_patch_req *r, int ended)
{
	struct json_object	*meta = json_object_new_object();
	struct json_object	*a = json_object_new_array();

	if (r->full_name.is_set)
		json_object_array_add(a, json_object_new_string("full_name"));
	if (r->phone.is_set)
		json_object_array_add(a, json_object_new_string("phone"));
	if (r->email.is_set)
		json_object_array_add(a, json_object_new_string("email"));
	if (r->notification_preferences.is_set)
		json_object_array_add(a,
		    json_object_new_string("notification_preferences"));
	jset(meta, "fields", a);
	if (ended)
		jset_bool(meta, "other_sessions_ended", 1);
	return meta;
}

/* 1 if the email changes (case aside: email_norm is what identifies). */
static int
email_changes(struct ctx *c, const struct auth_me_patch_req *r,
    const struct user_row *u)
{
	return r->email.is_set && strcmp(user_email_norm(c->arena, r->email.s),
	    user_email_norm(c->arena, u->email)) != 0;
}

struct me_patch_tx {
	const struct auth_me_patch_req *r;
	const struct user_row	*u;
	struct reauth		*ra;	/* NULL: no re-authentication */
	int			 is_new_email;
	struct thr_key		 taken;	/* a new email's claim (account.c) */
	struct json_object	*reply;
};

/*
 * The change in one transaction: the re-authentication's counters first
 * (the order of every auth transaction), the update, and for a new email
 * the end of every other session and of the reset tokens mailed to the
 * old address, the audit row, and the reply read back before the commit.
 */
static int
me_patch_tx(struct ctx *c, void *arg)
{
	struct me_patch_tx	*t = arg;
	struct audit_entry	 e;
	int64_t			 now = utc_now();
	int			 rc;

	json_object_put(t->reply);
	t->reply = NULL;
	memset(&e, 0, sizeof(e));
	e.action = "update";
	e.entity_type = "user";
	e.entity_id = t->u->id;
	e.patient_id = t->u->role == ROLE_PATIENT ? t->u->id : NULL;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "own account updated";
	if ((t->is_new_email && (rc = throttle_undo(c, &t->taken, 1)) != DB_OK) ||
	    (t->ra != NULL && (rc = reauth_success(c, t->ra)) != DB_OK) ||
	    (rc = store_user_update_profile(c->db, c->arena, t->u->id,
	    t->r->full_name.s, t->r->phone.is_set, t->r->phone.s,
	    t->r->email.s, now, NULL)) != DB_OK ||
	    (rc = me_prefs_apply(c, &t->r->notification_preferences,
	    t->u->id)) != DB_OK)
		return rc;
	if (t->is_new_email &&
	    ((rc = store_session_revoke_all(c->db, t->u->id,
	    c->actor.session_id, now)) != DB_OK ||
	    (rc = store_reset_void_user(c->db, t->u->id, now)) != DB_OK))
		return rc;
	e.metadata = changed_fields(t->r, t->is_new_email);
	rc = audit_append(c, &e);
	json_object_put(e.metadata);
	if (rc != DB_OK)
		return rc;
	return me_view(c, &t->reply);
}

int
auth_me_patch(struct ctx *c)
{
	struct auth_me_patch_req r;
	struct user_row		 u;
	struct reauth		 ra;
	struct me_patch_tx	 t;
	int			 found, fatal, rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, me_patch_fields, &r) == -1)
		return 0;
	if (store_user_by_id(c->db, c->arena, c->actor.user_id, &u, &found) !=
	    DB_OK || !found)
		return -1;
	memset(&t, 0, sizeof(t));
	t.r = &r;
	t.u = &u;
	t.is_new_email = email_changes(c, &r, &u);
	/* Email and phone are sign-in and recovery channels: the password first. */
	if (r.email.is_set || r.phone.is_set) {
		if (!r.current_password.is_set) {
			ctx_error(c, "current_password",
			    "is required to change email or phone");
			problem_validation(c);
			return 0;
		}
		if (reauth_password(c, &ra, &u, "update",
		    "own account update refused", r.current_password.s,
		    &fatal) == -1)
			return fatal ? -1 : 0;
		t.ra = &ra;
	}
	/* A new email may meet one taken: bounded like sign-up's. */
	if (t.is_new_email && account_email_claim(c, &t.taken) == -1) {
		if (t.ra != NULL)
			reauth_release(c, t.ra);
		return 0;
	}
	rc = tx_run(c, me_patch_tx, &t);
	if (rc != DB_OK) {
		json_object_put(t.reply);
		if (t.ra != NULL)
			reauth_release(c, t.ra);
		if (rc == ME_PREFS_INVALID) {
			problem_validation(c);
			return 0;
		}
		if (t.is_new_email)
			account_email_taken(c, &t.taken, rc);
		account_write_failed(c, rc);
		return 0;
	}
	json_reply(c, 200, t.reply);
	return 0;
}
