/* Random bytes, digests, MACs and AES-256-GCM over libcrypto. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "lib/crypto.h"

int
crypto_random(void *buf, size_t n)
{
	unsigned char	*p = buf;
	ssize_t		 got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int
crypto_token(char *out)
{
	unsigned char	 raw[32];

	if (crypto_random(raw, sizeof(raw)) == -1)
		return -1;
	crypto_b64url(raw, sizeof(raw), out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN])
{
	SHA256(p, n, out);
}

struct crypto_sha256_ctx *
crypto_sha256_new(void)
{
	EVP_MD_CTX	*md;

	if ((md = EVP_MD_CTX_new()) == NULL)
		abort();
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		abort();
	return (struct crypto_sha256_ctx *)md;
}

void
crypto_sha256_update(struct crypto_sha256_ctx *c, const void *p, size_t n)
{
	if (n > 0 && EVP_DigestUpdate((EVP_MD_CTX *)c, p, n) != 1)
		abort();
}

void
crypto_sha256_final(struct crypto_sha256_ctx *c,
    unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int	 len = CRYPTO_SHA256_LEN;

	if (EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, &len) != 1)
		abort();
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

void
crypto_sha256_free(struct crypto_sha256_ctx *c)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

int
crypto_hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
    unsigned char out[CRYPTO_SHA256_LEN])
{
	unsigned int	 len = CRYPTO_SHA256_LEN;

	return HMAC(EVP_sha256(), key, (int)klen, msg, n, out, &len) == NULL ?
	    -1 : 0;
}

int
crypto_hmac_sha1(const void *key, size_t klen, const void *msg, size_t n,
    unsigned char out[20])
{
	unsigned int	 len = 20;

	return HMAC(EVP_sha1(), key, (int)klen, msg, n, out, &len) == NULL ?
	    -1 : 0;
}

int
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
crypto_hex(const void *p, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[s[i] >> 4];
		out[2 * i + 1] = hex[s[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
crypto_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
crypto_unhex(const char *s, unsigned char *out, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		hi = crypto_hex_digit(s[2 * i]);
		lo = crypto_hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

size_t
crypto_b64url(const void *p, size_t n, char *out)
{
	static const char	 tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char	*s = p;
	size_t			 i, o = 0;
	unsigned long		 v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 | s[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned long)s[i] << 16;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

long
crypto_b64url_decode(const char *s, size_t n, unsigned char *out)
{
	unsigned long	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0, v;

	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64val(s[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/* Leftover bits must be zero for a canonical encoding. */
	if (acc != 0)
		return -1;
	return (long)o;
}

/*
 * One AES-256-GCM context per direction, made once per process and
 * re-keyed for every value: making a context and looking the cipher up
 * in the provider store each time cost more than the sealing itself.
 * Workers are single-threaded; a context holds no more than the key
 * ring already does.
 */
static EVP_CIPHER_CTX *
gcm_ctx(int enc)
{
	static EVP_CIPHER_CTX	*ctx[2];
	static EVP_CIPHER	*gcm;

	if (ctx[enc] != NULL)
		return ctx[enc];
	if (gcm == NULL &&
	    (gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)) == NULL)
		return NULL;
	if ((ctx[enc] = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (EVP_CipherInit_ex(ctx[enc], gcm, NULL, NULL, NULL, enc) != 1) {
		EVP_CIPHER_CTX_free(ctx[enc]);
		ctx[enc] = NULL;
	}
	return ctx[enc];
}

int
crypto_seal(const unsigned char key[CRYPTO_AEAD_KEY_LEN], const void *aad,
    size_t aadlen, const void *in, size_t n, unsigned char *out)
{
	EVP_CIPHER_CTX	*c;
	int		 len, rc = -1;

	if (n > 1 << 20 || crypto_random(out, 12) == -1)
		return -1;
	if ((c = gcm_ctx(1)) == NULL ||
	    EVP_EncryptInit_ex(c, NULL, NULL, key, out) != 1)
		goto out;
	if (aad != NULL && aadlen > 0 &&
	    EVP_EncryptUpdate(c, NULL, &len, aad, (int)aadlen) != 1)
		goto out;
	if (EVP_EncryptUpdate(c, out + 12, &len, in, (int)n) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(c, out + 12 + len, &len) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + 12 + n) != 1)
		goto out;
	rc = 0;
out:
	return rc;
}

int
crypto_open(const unsigned char key[CRYPTO_AEAD_KEY_LEN], const void *aad,
    size_t aadlen, const unsigned char *in, size_t n, unsigned char *out)
{
	EVP_CIPHER_CTX	*c;
	unsigned char	 tag[16];
	size_t		 ctlen;
	int		 len, rc = -1;

	if (n < CRYPTO_AEAD_OVERHEAD || n > (1 << 20) + CRYPTO_AEAD_OVERHEAD)
		return -1;
	ctlen = n - CRYPTO_AEAD_OVERHEAD;
	memcpy(tag, in + 12 + ctlen, 16);
	if ((c = gcm_ctx(0)) == NULL ||
	    EVP_DecryptInit_ex(c, NULL, NULL, key, in) != 1)
		goto out;
	if (aad != NULL && aadlen > 0 &&
	    EVP_DecryptUpdate(c, NULL, &len, aad, (int)aadlen) != 1)
		goto out;
	if (EVP_DecryptUpdate(c, out, &len, in + 12, (int)ctlen) != 1)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(c, out + len, &len) != 1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		OPENSSL_cleanse(out, ctlen);
	return rc;
}
