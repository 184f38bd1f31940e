/*
 * Password policy: 12 to 128 characters, not a common password (the
 * bundled list, also when decorated with digits or symbols at either
 * end), not a repeated or sequential run, and not containing the
 * user's email local part or a part of their name.
 */
#ifndef CONCIERGE_PWD_POLICY_H
#define CONCIERGE_PWD_POLICY_H

#include <stddef.h>

#define PWD_MIN_CHARS	12
#define PWD_MAX_CHARS	128

/* NULL if pw is acceptable for this user, else a message. email/name may be NULL. */
const char *pwd_policy_check(const char *pw, size_t len, const char *email,
	    const char *full_name);

#endif
