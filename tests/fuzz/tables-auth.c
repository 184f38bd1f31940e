/* The auth worker's JSON field tables, for fuzz-json-auth. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"
#include "tests/fuzz/tables.h"

/* account_template gets its roles from the caller: fuzz it through account_parse. */
static int
parse_signup(struct ctx *c)
{
	struct account_new	 out;

	return account_parse(c, signup_roles, &out);
}

static int
parse_admin_create(struct ctx *c)
{
	struct account_new	 out;

	return account_parse(c, admin_roles, &out);
}

const struct fuzz_json_table fuzz_json_tables[] = {
	{ "account_template/signup", NULL, parse_signup },
	{ "account_template/admin", NULL, parse_admin_create },
	{ "login_fields", login_fields, NULL },
	{ "me_patch_fields", me_patch_fields, NULL },
	{ "me_prefs_fields", me_prefs_fields, NULL },
	{ "me_quiet_fields", me_quiet_fields, NULL },
	{ "change_fields", change_fields, NULL },
	{ "forgot_fields", forgot_fields, NULL },
	{ "reset_fields", reset_fields, NULL },
	{ "setup_fields", setup_fields, NULL },
	{ "code_fields", code_fields, NULL },
	{ NULL, NULL, NULL },
};
