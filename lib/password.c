/* argon2id hashing and verification. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/password.h"

#define SALT_LEN	16
#define HASH_LEN	32

enum pwd_rc
pwd_hash(const struct cfg *c, const char *pw, char *out, size_t outsz)
{
	unsigned char	 salt[SALT_LEN];
	int		 rc;

	if (crypto_random(salt, sizeof(salt)) == -1)
		return PWD_ERROR;
	rc = argon2id_hash_encoded((uint32_t)c->argon2_iterations,
	    (uint32_t)c->argon2_memory_kib, (uint32_t)c->argon2_parallelism,
	    pw, strlen(pw), salt, sizeof(salt), HASH_LEN, out, outsz);
	if (rc != ARGON2_OK) {
		log_errx("password: hash failed: %s", argon2_error_message(rc));
		return PWD_ERROR;
	}
	return PWD_OK;
}

enum pwd_rc
pwd_verify(const char *encoded, const char *pw)
{
	int	 rc;

	rc = argon2id_verify(encoded, pw, strlen(pw));
	if (rc == ARGON2_OK)
		return PWD_OK;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return PWD_MISMATCH;
	log_errx("password: verify failed: %s", argon2_error_message(rc));
	return PWD_ERROR;
}

/* Read the m, t, p numbers of "$argon2id$v=19$m=...,t=...,p=...$...". */
static int
cost_of(const char *enc, long *m, long *t, long *p)
{
	const char	*s;
	char		*end;

	if ((s = strstr(enc, "$m=")) == NULL)
		return -1;
	*m = strtol(s + 3, &end, 10);
	if (strncmp(end, ",t=", 3) != 0)
		return -1;
	*t = strtol(end + 3, &end, 10);
	if (strncmp(end, ",p=", 3) != 0)
		return -1;
	*p = strtol(end + 3, &end, 10);
	return *end == '$' ? 0 : -1;
}

int
pwd_needs_rehash(const struct cfg *c, const char *enc)
{
	long	 m, t, p;

	if (strncmp(enc, "$argon2id$", 10) != 0 || cost_of(enc, &m, &t, &p) == -1)
		return 1;
	return m < c->argon2_memory_kib || t < c->argon2_iterations ||
	    p < c->argon2_parallelism;
}

/* A dummy hash at the default cost (m=19456, t=2, p=1), made once offline. */
static const char DUMMY_DEFAULT[] =
    "$argon2id$v=19$m=19456,t=2,p=1$Y29uY2llcmdlLWR1bW15IQ"
    "$0piN/VZwM+n8D/JIZ9go5liaX2deKddeTtJbP/VPj2k";

void
pwd_burn(const struct cfg *c, const char *pw)
{
	static char	 dummy[PWD_HASH_MAX];
	static long	 dm, dt, dp;

	/*
	 * At the default cost the shipped dummy costs exactly one verify,
	 * like a real account; another cost gets its dummy made once per
	 * process (the first such login costs two hashes).
	 */
	if (c->argon2_memory_kib == 19456 && c->argon2_iterations == 2 &&
	    c->argon2_parallelism == 1) {
		(void)pwd_verify(DUMMY_DEFAULT, pw);
		return;
	}
	if (dummy[0] == '\0' || dm != c->argon2_memory_kib ||
	    dt != c->argon2_iterations || dp != c->argon2_parallelism) {
		if (pwd_hash(c, "concierge-dummy-password", dummy,
		    sizeof(dummy)) != PWD_OK)
			return;
		dm = c->argon2_memory_kib;
		dt = c->argon2_iterations;
		dp = c->argon2_parallelism;
	}
	(void)pwd_verify(dummy, pw);
}
