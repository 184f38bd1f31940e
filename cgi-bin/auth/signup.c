/*
 * POST /api/v1/auth/signup: patients and providers register themselves.
 *
 * An email already taken is answered 409 email_taken, as the API
 * contract has it (201 {user, profile} on success), so the answer tells
 * that an account exists; such answers are therefore limited per client
 * address (account_email_claim: signup.max_taken_hour an hour, then 429
 * for every sign-up from that address until the hour has passed).
 */
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
	struct thr_key		 k;
	struct json_object	*o;

	if (account_parse(c, signup_roles, &in) == -1)
		return 0;
	if (account_email_claim(c, &k) == -1 ||
	    account_create(c, &in, &k, &u, &p, &pr) == -1)
		return 0;
	o = json_object_new_object();
	jset(o, "user", user_view(&u));
	jset(o, "profile", in.role == ROLE_PATIENT ? patient_view(&p) :
	    provider_view(&pr));
	json_reply(c, 201, o);
	return 0;
}
