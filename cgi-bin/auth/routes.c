/* Route table of the auth worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/auth/auth.h"

static const struct route routes[] = {
	{ HTTP_POST, "/api/v1/auth/signup", auth_signup, ROUTE_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/login", auth_login, ROUTE_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/logout", auth_logout, 0 },
	{ HTTP_GET, "/api/v1/me", auth_me_get, 0 },
	{ HTTP_GET, "/api/v1/auth/sessions", auth_sessions_list, 0 },
	{ HTTP_DELETE, "/api/v1/auth/sessions/{id}", auth_sessions_revoke, 0 },
	{ HTTP_POST, "/api/v1/auth/password/change", auth_password_change, 0 },
	{ HTTP_POST, "/api/v1/auth/password/forgot", auth_password_forgot, ROUTE_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/password/reset", auth_password_reset, ROUTE_PUBLIC },
	{ HTTP_POST, "/api/v1/auth/mfa/totp/setup", auth_mfa_setup, 0 },
	{ HTTP_POST, "/api/v1/auth/mfa/totp/enable", auth_mfa_enable, 0 },
	{ HTTP_POST, "/api/v1/auth/mfa/totp/disable", auth_mfa_disable, 0 },
	{ HTTP_PATCH, "/api/v1/me", auth_me_patch, 0 },
	{ HTTP_POST, "/api/v1/users", auth_users_create, 0 },
	{ HTTP_POST, "/api/v1/users/{id}/disable", auth_users_disable, 0 },
	{ HTTP_POST, "/api/v1/users/{id}/enable", auth_users_enable, 0 },
	{ HTTP_POST, "/api/v1/users/{id}/verify", auth_users_verify, 0 },
};

const struct worker_def auth_worker = {
	"auth", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
