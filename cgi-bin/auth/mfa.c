/*
 * Second factor at login. Until MFA setup lands no account can turn
 * MFA on, so every check reports what a login without a valid code
 * must: required when no code is given, bad otherwise.
 */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/auth/mfa.h"

enum mfa_login_rc
mfa_login_check(struct ctx *c, const struct user_row *u, const char *code)
{
	return code == NULL ? MFA_LOGIN_REQUIRED : MFA_LOGIN_BAD;
}
