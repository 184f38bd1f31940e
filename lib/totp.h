/*
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30 s
 * steps), RFC 4648 base32 for secrets, and the otpauth:// URI that
 * authenticator apps scan.
 */
#ifndef CONCIERGE_TOTP_H
#define CONCIERGE_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/mem.h"

#define TOTP_SECRET_LEN	20	/* 160-bit secrets (RFC 4226 recommends) */
#define TOTP_DIGITS	6
#define TOTP_PERIOD	30	/* seconds per step */
#define TOTP_WINDOW	1	/* steps accepted either side of now */
/* base32 length of n bytes without padding. */
#define TOTP_B32_LEN(n)	(((n) * 8 + 4) / 5)

/* The time step holding unix_seconds (floor division, also before 1970). */
int64_t	totp_step(int64_t unix_seconds);
/*
 * The code of step for key (klen bytes) as TOTP_DIGITS digits into
 * out[TOTP_DIGITS + 1]. 0, or -1 if HMAC fails.
 */
int	totp_code(const unsigned char *key, size_t klen, int64_t step,
	    char *out);
/*
 * Check code (exactly TOTP_DIGITS digits) against the steps within
 * TOTP_WINDOW of unix_seconds; comparisons take constant time. On a
 * match returns 1 and sets *step to the matched step; 0 if no step
 * matches or the code is malformed; -1 if HMAC fails.
 */
int	totp_verify(const unsigned char *key, size_t klen, const char *code,
	    int64_t unix_seconds, int64_t *step);
/* A fresh random secret. 0, or -1 if getrandom fails. */
int	totp_secret_new(unsigned char out[TOTP_SECRET_LEN]);

/*
 * RFC 4648 base32 (upper case, no '=' padding) of n bytes into
 * out[TOTP_B32_LEN(n) + 1]. Returns the length written.
 */
size_t	totp_b32_encode(const void *, size_t n, char *out);
/*
 * Decode n characters of base32 (either case; '=' padding optional but,
 * if present, complete) into out of outsz bytes. Returns the number of
 * bytes, or -1 if a character, the length or the trailing bits are
 * wrong, or out is too small.
 */
long	totp_b32_decode(const char *, size_t n, unsigned char *out,
	    size_t outsz);
/*
 * otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1
 * &digits=6&period=30 with label and issuer percent-encoded (RFC 3986
 * unreserved characters kept). In the arena; never NULL (empty if the
 * parts exceed 4 KiB).
 */
char	*totp_uri(struct arena *, const char *issuer, const char *account,
	    const char *secret_b32);

#endif
