/* Creating accounts: the shared path of sign-up and admin creation. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/password.h"
#include "lib/pwd-policy.h"
#include "lib/valid.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/throttle.h"
#include "cgi-bin/auth/fields.h"

#define MRN_TRIES	5

struct auth_account_req {
	struct jv	 email;
	struct jv	 password;
	struct jv	 role;
	struct jv	 full_name;
	struct jv	 phone;
	struct jv	 date_of_birth;
	struct jv	 license_number;
	struct jv	 specialty;
};

#define F(n)	offsetof(struct auth_account_req, n)
const struct json_field account_template[] = {
	{ "email", JF_STRING, JF_REQUIRED, F(email), 3, 254, valid_email, NULL, NULL, 0 },
	{ "password", JF_STRING, JF_REQUIRED, F(password), 1, 1024, NULL, NULL, NULL, 0 },
	{ "role", JF_ENUM, JF_REQUIRED, F(role), 0, 0, NULL, NULL, NULL, 0 },
	{ "full_name", JF_STRING, JF_REQUIRED, F(full_name), 1, 200, valid_name, NULL, NULL, 0 },
	{ "phone", JF_STRING, JF_NULLABLE, F(phone), 1, 16, valid_phone, NULL, NULL, 0 },
	{ "date_of_birth", JF_DATE, JF_NULLABLE, F(date_of_birth), 0, 0, valid_birth_date, NULL, NULL, 0 },
	{ "license_number", JF_STRING, JF_NULLABLE, F(license_number), 1, 64, valid_name, NULL, NULL, 0 },
	{ "specialty", JF_STRING, JF_NULLABLE, F(specialty), 1, 100, valid_name, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* Checks that span fields; records errors in c. */
static void
check_account(struct ctx *c, const struct auth_account_req *r)
{
	const char	*why;
	int		 is_patient = strcmp(r->role.s, "patient") == 0;
	int		 is_provider = strcmp(r->role.s, "provider") == 0;

	if ((why = pwd_policy_check(r->password.s, r->password.len, r->email.s,
	    r->full_name.s)) != NULL)
		ctx_error(c, "password", why);
	if (is_patient && r->license_number.is_set && !r->license_number.is_null)
		ctx_error(c, "license_number", "is for providers only");
	if (is_patient && r->specialty.is_set && !r->specialty.is_null)
		ctx_error(c, "specialty", "is for providers only");
	if (!is_provider && !is_patient && ((r->license_number.is_set &&
	    !r->license_number.is_null) || (r->specialty.is_set &&
	    !r->specialty.is_null)))
		ctx_error(c, r->license_number.is_set ? "license_number" :
		    "specialty", "is for providers only");
	if (!is_patient && r->date_of_birth.is_set && !r->date_of_birth.is_null)
		ctx_error(c, "date_of_birth", "is for patients only");
	if (is_provider && (!r->license_number.is_set || r->license_number.is_null))
		ctx_error(c, "license_number", "is required for providers");
}

int
account_parse(struct ctx *c, const char *const *roles, struct account_new *out)
{
	struct json_field	 fields[sizeof(account_template) /
				    sizeof(account_template[0])];
	struct auth_account_req	 r;
	size_t			 i;

	/* The template with this caller's choice of roles. */
	memcpy(fields, account_template, sizeof(fields));
	for (i = 0; fields[i].name != NULL; i++)
		if (fields[i].kind == JF_ENUM)
			fields[i].enums = roles;
	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, fields, &r) == -1)
		return -1;
	check_account(c, &r);
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->email = r.email.s;
	out->password = r.password.s;
	out->role = role_parse(r.role.s);
	out->full_name = r.full_name.s;
	out->phone = r.phone.s;
	out->date_of_birth = r.date_of_birth.s;
	out->license_number = r.license_number.s;
	out->specialty = r.specialty.s;
	return 0;
}

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

struct account_tx {
	const struct account_new *in;
	struct user_row		*u;
	struct patient_row	*p;
	struct provider_row	*pr;
	const struct thr_key	*taken;
};

static int
insert_all(struct ctx *c, void *arg)
{
	const struct account_tx	*t = arg;
	const struct account_new *in = t->in;
	struct user_row		*u = t->u;
	struct patient_row	*p = t->p;
	struct provider_row	*pr = t->pr;
	struct audit_entry	 e;
	char			*mrn;
	int			 rc;

	/* The throttle row first (the order of every auth transaction). */
	if (t->taken != NULL && (rc = throttle_undo(c, t->taken, 1)) != DB_OK)
		return rc;
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
    const struct thr_key *taken, struct user_row *u, struct patient_row *p,
    struct provider_row *pr)
{
	struct account_tx	 t = { in, u, p, pr, taken };
	char			*hash;
	int			 rc;

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
	if ((rc = tx_run(c, insert_all, &t)) == DB_OK)
		return 0;
	if (taken != NULL)
		account_email_taken(c, taken, rc);
	account_write_failed(c, rc);
	return -1;
}

int
account_email_claim(struct ctx *c, struct thr_key *k)
{
	int	 refused;

	throttle_key_address(c, THR_SIGNUP_ADDRESS, k);
	if (throttle_claim(c, k, 1, &refused) == -1) {
		problem_unavailable(c);
		return -1;
	}
	if (refused >= 0) {
		(void)throttle_refuse(c, k, "signup", NULL);
		return -1;
	}
	return 0;
}

static int
taken_tx(struct ctx *c, void *arg)
{
	int	 locked;

	return throttle_fail(c, arg, 1, &locked);
}

void
account_email_taken(struct ctx *c, const struct thr_key *k, int rc)
{
	struct thr_key	 copy = *k;

	if (rc != DB_DUPLICATE)
		throttle_release(c, k, 1);
	else if (tx_run(c, taken_tx, &copy) != DB_OK)
		log_warnx("account: cannot count a taken email");
}

void
account_write_failed(struct ctx *c, int rc)
{
	db_rollback(c->db);
	if (rc == DB_DUPLICATE) {
		ctx_error(c, "email", "is already registered");
		problem(c, 409, "email_taken", "an account with this email exists");
	} else
		problem_unavailable(c);
}
