/* Password hashing with argon2id (libargon2), cost from configuration. */
#ifndef CONCIERGE_PASSWORD_H
#define CONCIERGE_PASSWORD_H

#include <stddef.h>

#include "lib/cfg.h"

#define PWD_HASH_MAX	160

enum pwd_rc {
	PWD_OK = 0,
	PWD_MISMATCH,
	PWD_ERROR,
};

/* Hash pw into out (PWD_HASH_MAX bytes) as an encoded argon2id string. */
enum pwd_rc pwd_hash(const struct cfg *, const char *pw, char *out, size_t outsz);
/* Check pw against an encoded hash. */
enum pwd_rc pwd_verify(const char *encoded, const char *pw);
/* 1 if the encoded hash was made with a lower cost than configured. */
int	pwd_needs_rehash(const struct cfg *, const char *encoded);
/*
 * Verify against a fixed dummy hash so that a login for an unknown
 * account costs the same as one for a known account.
 */
void	pwd_burn(const struct cfg *, const char *pw);

#endif
