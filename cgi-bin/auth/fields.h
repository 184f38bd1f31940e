/*
 * The JSON field tables of the auth worker, declared here so that the
 * fuzz targets (tests/fuzz/tables-auth.c) parse with the very tables the
 * handlers use. Each table is defined beside its handler; a new table
 * goes here and into tests/fuzz/tables-auth.c (make check fails if not).
 */
#ifndef CONCIERGE_W_AUTH_FIELDS_H
#define CONCIERGE_W_AUTH_FIELDS_H

#include "lib/json.h"

/* account.c: a new account; account_parse fills in the roles allowed. */
extern const struct json_field account_template[];
/* signup.c, users.c: the roles of sign-up and of admin-made accounts. */
extern const char *const signup_roles[];
extern const char *const admin_roles[];
/* login.c: POST /auth/login. */
extern const struct json_field login_fields[];
/* me.c: PATCH /me. */
extern const struct json_field me_patch_fields[];
/* me-prefs.c: notification_preferences of PATCH /me, and its quiet_hours. */
extern const struct json_field me_prefs_fields[];
extern const struct json_field me_quiet_fields[];
/* password.c: POST /auth/password/change, /forgot, /reset. */
extern const struct json_field change_fields[];
extern const struct json_field forgot_fields[];
extern const struct json_field reset_fields[];
/* mfa.c: POST /auth/mfa/totp/setup, and /enable and /disable. */
extern const struct json_field setup_fields[];
extern const struct json_field code_fields[];

#endif
