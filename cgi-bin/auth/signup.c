/* POST /api/v1/auth/signup: patients and providers register themselves. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/json.h"
#include "lib/user-view.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"

const char *const signup_roles[] = { "patient", "provider", NULL };

int
auth_signup(struct ctx *c)
{
	struct account_new	 in;
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	struct json_object	*o;

	if (account_parse(c, signup_roles, &in) == -1)
		return 0;
	if (account_create(c, &in, &u, &p, &pr) == -1)
		return 0;
	o = json_object_new_object();
	jset(o, "user", user_view(&u));
	jset(o, "profile", in.role == ROLE_PATIENT ? patient_view(&p) :
	    provider_view(&pr));
	json_reply(c, 201, o);
	return 0;
}
