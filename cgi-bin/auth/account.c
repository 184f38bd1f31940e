/* Creating accounts: the shared path of sign-up and admin creation. */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/password.h"
#include "lib/time.h"
#include "cgi-bin/auth/auth.h"

#define MRN_TRIES	5

/* Insert the patient profile, drawing a new MRN on the rare collision. */
static int
insert_patient(struct ctx *c, const char *user_id, struct patient_row *p,
    char *mrn)
{
	int	 i, rc = DB_ERROR;

	for (i = 0; i < MRN_TRIES; i++) {
		if (user_mrn_new(mrn) == -1)
			return DB_ERROR;
		p->mrn = mrn;
		if ((rc = store_patient_insert(c->db, user_id, p)) != DB_DUPLICATE)
			return rc;
	}
	return rc;
}

static int
insert_all(struct ctx *c, const struct account_new *in, struct user_row *u,
    struct patient_row *p, struct provider_row *pr)
{
	struct audit_entry	 e;
	char			*mrn;
	int			 rc;

	if ((rc = store_user_insert(c->db, c->arena, u)) != DB_OK)
		return rc;
	if (in->role == ROLE_PATIENT) {
		mrn = arena_alloc(c->arena, MRN_LEN + 1);
		p->date_of_birth = in->date_of_birth;
		if ((rc = insert_patient(c, u->id, p, mrn)) != DB_OK)
			return rc == DB_DUPLICATE ? DB_ERROR : rc;
	} else if (in->role == ROLE_PROVIDER) {
		pr->license_number = in->license_number;
		pr->specialty = in->specialty;
		pr->telehealth_enabled = 1;
		if ((rc = store_provider_insert(c->db, u->id, pr)) != DB_OK)
			return rc == DB_DUPLICATE ? DB_ERROR : rc;
	}
	memset(&e, 0, sizeof(e));
	e.action = c->actor.is_authenticated ? "create" : "signup";
	e.entity_type = "user";
	e.entity_id = u->id;
	e.patient_id = in->role == ROLE_PATIENT ? u->id : NULL;
	e.outcome = AUDIT_SUCCESS;
	e.summary = in->role == ROLE_PATIENT ? "patient account created" :
	    in->role == ROLE_PROVIDER ? "provider account created" :
	    "staff account created";
	if (!c->actor.is_authenticated) {
		/* Self sign-up: the new user is the actor. */
		e.actor_id = u->id;
		e.actor_role = role_name(in->role);
	}
	return audit_append(c, &e);
}

int
account_create(struct ctx *c, const struct account_new *in,
    struct user_row *u, struct patient_row *p, struct provider_row *pr)
{
	char	*hash;
	int	 rc;

	memset(u, 0, sizeof(*u));
	memset(p, 0, sizeof(*p));
	memset(pr, 0, sizeof(*pr));
	hash = arena_alloc(c->arena, PWD_HASH_MAX);
	if (id_new(u->id) == -1 ||
	    pwd_hash(c->cfg, in->password, hash, PWD_HASH_MAX) != PWD_OK)
		return -1;
	u->email = in->email;
	u->role = in->role;
	u->password_hash = hash;
	u->full_name = in->full_name;
	u->phone = in->phone;
	u->created_at = u->updated_at = utc_now();
	if ((rc = db_begin(c->db)) == DB_OK &&
	    (rc = insert_all(c, in, u, p, pr)) == DB_OK)
		rc = db_commit(c->db);
	if (rc == DB_OK)
		return 0;
	db_rollback(c->db);
	if (rc == DB_DUPLICATE) {
		ctx_error(c, "email", "is already registered");
		problem(c, 409, "email_taken", "an account with this email exists");
	} else
		problem_unavailable(c);
	return -1;
}
