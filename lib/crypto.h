/*
 * Cryptographic helpers over libcrypto and getrandom(2): random bytes
 * and tokens, SHA-256, HMAC-SHA256, constant-time comparison, hex and
 * base64url, AES-256-GCM sealing.
 */
#ifndef CONCIERGE_CRYPTO_H
#define CONCIERGE_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_LEN	32
/* base64url of 32 random bytes, no padding, plus NUL. */
#define CRYPTO_TOKEN_LEN	43
#define CRYPTO_AEAD_KEY_LEN	32
/* A sealed box is nonce (12) || ciphertext || tag (16). */
#define CRYPTO_AEAD_OVERHEAD	28

/* Fill buf with n bytes from getrandom. 0, or -1 if the kernel refuses. */
int	crypto_random(void *buf, size_t n);
/* A 256-bit token as base64url text into out[CRYPTO_TOKEN_LEN + 1]. 0 or -1. */
int	crypto_token(char *out);
/* SHA-256 of n bytes. */
void	crypto_sha256(const void *, size_t n, unsigned char out[CRYPTO_SHA256_LEN]);
/*
 * SHA-256 over data fed in pieces (files streamed in chunks). new never
 * returns NULL (the process aborts if libcrypto cannot allocate); final
 * writes the digest and frees the context; free drops it unfinished.
 */
struct crypto_sha256_ctx;
struct crypto_sha256_ctx *crypto_sha256_new(void);
void	crypto_sha256_update(struct crypto_sha256_ctx *, const void *, size_t n);
void	crypto_sha256_final(struct crypto_sha256_ctx *,
	    unsigned char out[CRYPTO_SHA256_LEN]);
void	crypto_sha256_free(struct crypto_sha256_ctx *);
/* HMAC-SHA256. 0 or -1. */
int	crypto_hmac_sha256(const void *key, size_t klen, const void *msg,
	    size_t n, unsigned char out[CRYPTO_SHA256_LEN]);
/* HMAC-SHA1 (for TOTP). 0 or -1. */
int	crypto_hmac_sha1(const void *key, size_t klen, const void *msg,
	    size_t n, unsigned char out[20]);
/* 1 if the n bytes are equal, in time independent of the contents. */
int	crypto_equal(const void *, const void *, size_t n);
/* Lowercase hex of n bytes into out[2n + 1]. */
void	crypto_hex(const void *, size_t n, char *out);
/* Decode exactly 2n hex digits into out[n]. 0 or -1. */
int	crypto_unhex(const char *, unsigned char *out, size_t n);
/* The value of one hex digit (either case), or -1. */
int	crypto_hex_digit(char c);
/* base64url without padding into out[4 * ceil(n/3) + 1]; returns length. */
size_t	crypto_b64url(const void *, size_t n, char *out);
/*
 * Decode base64url without padding into out (at least 3 * n / 4 + 1
 * bytes). Returns the length, or -1 if malformed.
 */
long	crypto_b64url_decode(const char *, size_t n, unsigned char *out);
/*
 * AES-256-GCM: seal n bytes into out[n + CRYPTO_AEAD_OVERHEAD] with a
 * fresh random nonce; aad may be NULL. 0 or -1.
 */
int	crypto_seal(const unsigned char key[CRYPTO_AEAD_KEY_LEN],
	    const void *aad, size_t aadlen, const void *in, size_t n,
	    unsigned char *out);
/* Open a sealed box of n bytes into out[n - CRYPTO_AEAD_OVERHEAD]. 0, or -1 if forged. */
int	crypto_open(const unsigned char key[CRYPTO_AEAD_KEY_LEN],
	    const void *aad, size_t aadlen, const unsigned char *in, size_t n,
	    unsigned char *out);

#endif
