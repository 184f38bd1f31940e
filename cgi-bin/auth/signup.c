/* POST /api/v1/auth/signup: patients and providers register themselves. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/json.h"
#include "lib/pwd-policy.h"
#include "lib/user-view.h"
#include "lib/valid.h"
#include "cgi-bin/auth/auth.h"

struct auth_signup_req {
	struct jv	 email;
	struct jv	 password;
	struct jv	 role;
	struct jv	 full_name;
	struct jv	 phone;
	struct jv	 date_of_birth;
	struct jv	 license_number;
	struct jv	 specialty;
};

static const char *const signup_roles[] = { "patient", "provider", NULL };

#define F(n)	offsetof(struct auth_signup_req, n)
static const struct json_field signup_fields[] = {
	{ "email", JF_STRING, JF_REQUIRED, F(email), 3, 254, valid_email, NULL, NULL, 0 },
	{ "password", JF_STRING, JF_REQUIRED, F(password), 1, 1024, NULL, NULL, NULL, 0 },
	{ "role", JF_ENUM, JF_REQUIRED, F(role), 0, 0, NULL, signup_roles, NULL, 0 },
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
check_signup(struct ctx *c, const struct auth_signup_req *r)
{
	const char	*why;
	int		 is_patient = strcmp(r->role.s, "patient") == 0;

	if ((why = pwd_policy_check(r->password.s, r->password.len, r->email.s,
	    r->full_name.s)) != NULL)
		ctx_error(c, "password", why);
	if (is_patient && r->license_number.is_set && !r->license_number.is_null)
		ctx_error(c, "license_number", "is for providers only");
	if (is_patient && r->specialty.is_set && !r->specialty.is_null)
		ctx_error(c, "specialty", "is for providers only");
	if (!is_patient && r->date_of_birth.is_set && !r->date_of_birth.is_null)
		ctx_error(c, "date_of_birth", "is for patients only");
	if (!is_patient && (!r->license_number.is_set || r->license_number.is_null))
		ctx_error(c, "license_number", "is required for providers");
}

int
auth_signup(struct ctx *c)
{
	struct auth_signup_req	 r;
	struct account_new	 in;
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	struct json_object	*o;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, signup_fields, &r) == -1)
		return 0;
	check_signup(c, &r);
	if (c->nerrs > 0) {
		problem_validation(c);
		return 0;
	}
	memset(&in, 0, sizeof(in));
	in.email = r.email.s;
	in.password = r.password.s;
	in.role = strcmp(r.role.s, "patient") == 0 ? ROLE_PATIENT : ROLE_PROVIDER;
	in.full_name = r.full_name.s;
	in.phone = r.phone.s;
	in.date_of_birth = r.date_of_birth.s;
	in.license_number = r.license_number.s;
	in.specialty = r.specialty.s;
	if (account_create(c, &in, &u, &p, &pr) == -1)
		return 0;
	o = json_object_new_object();
	jset(o, "user", user_view(&u));
	jset(o, "profile", in.role == ROLE_PATIENT ? patient_view(&p) :
	    provider_view(&pr));
	json_reply(c, 201, o);
	return 0;
}
