/* TOTP codes (RFC 6238 over RFC 4226), base32 (RFC 4648) and otpauth URIs. */
#include "config.h"

#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/totp.h"

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int64_t
totp_step(int64_t unix_seconds)
{
	int64_t	 q = unix_seconds / TOTP_PERIOD;

	if (unix_seconds % TOTP_PERIOD != 0 && unix_seconds < 0)
		q--;
	return q;
}

int
totp_code(const unsigned char *key, size_t klen, int64_t step, char *out)
{
	unsigned char	 msg[8], mac[20];
	uint64_t	 counter = (uint64_t)step;
	uint32_t	 bin;
	size_t		 i, off;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	if (crypto_hmac_sha1(key, klen, msg, sizeof(msg), mac) == -1)
		return -1;
	/* RFC 4226 5.3: dynamic truncation. */
	off = mac[19] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | (uint32_t)mac[off + 3];
	bin %= 1000000;
	for (i = TOTP_DIGITS; i > 0; i--) {
		out[i - 1] = (char)('0' + bin % 10);
		bin /= 10;
	}
	out[TOTP_DIGITS] = '\0';
	explicit_bzero(mac, sizeof(mac));
	return 0;
}

static int
is_code_form(const char *code)
{
	size_t	 i;

	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[TOTP_DIGITS] == '\0';
}

int
totp_verify(const unsigned char *key, size_t klen, const char *code,
    int64_t unix_seconds, int64_t *step)
{
	char	 want[TOTP_DIGITS + 1];
	int64_t	 now = totp_step(unix_seconds), s;
	int	 found = 0;

	if (code == NULL || !is_code_form(code))
		return 0;
	/* Look at every step of the window, so timing tells nothing. */
	for (s = now - TOTP_WINDOW; s <= now + TOTP_WINDOW; s++) {
		if (totp_code(key, klen, s, want) == -1)
			return -1;
		if (crypto_equal(want, code, TOTP_DIGITS) && !found) {
			*step = s;
			found = 1;
		}
	}
	explicit_bzero(want, sizeof(want));
	return found;
}

int
totp_secret_new(unsigned char out[TOTP_SECRET_LEN])
{
	return crypto_random(out, TOTP_SECRET_LEN);
}

size_t
totp_b32_encode(const void *in, size_t n, char *out)
{
	const unsigned char	*p = in;
	uint32_t		 acc = 0;
	size_t			 i, o = 0;
	int			 bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8 | p[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_alphabet[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 0x1f];
	out[o] = '\0';
	return o;
}

static int
b32_value(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a';
	if (ch >= '2' && ch <= '7')
		return ch - '2' + 26;
	return -1;
}

/* Data characters of n (padding checked): -1 if the padding is wrong. */
static long
b32_data_len(const char *s, size_t n)
{
	size_t	 d = n;

	while (d > 0 && s[d - 1] == '=')
		d--;
	/* Padding, if any, completes the last group of 8 and no more. */
	if (d < n && (n % 8 != 0 || n - d >= 8))
		return -1;
	/* 1, 3 and 6 characters in a final group cannot come from whole bytes. */
	switch (d % 8) {
	case 1:
	case 3:
	case 6:
		return -1;
	}
	return (long)d;
}

long
totp_b32_decode(const char *s, size_t n, unsigned char *out, size_t outsz)
{
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	long		 d;
	int		 v, bits = 0;

	if ((d = b32_data_len(s, n)) == -1 || (size_t)d * 5 / 8 > outsz)
		return -1;
	for (i = 0; i < (size_t)d; i++) {
		if ((v = b32_value(s[i])) == -1)
			return -1;
		acc = (acc << 5 | (uint32_t)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	/* Leftover bits must be zero, so each byte string has one spelling. */
	if ((acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

/* Percent-encode s keeping RFC 3986 unreserved characters. 0 or -1. */
static int
uri_escape(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 ch;
	char			 e[3];

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			if (buf_add(b, s, 1) == -1)
				return -1;
			continue;
		}
		e[0] = '%';
		e[1] = hex[ch >> 4];
		e[2] = hex[ch & 0x0f];
		if (buf_add(b, e, 3) == -1)
			return -1;
	}
	return 0;
}

char *
totp_uri(struct arena *a, const char *issuer, const char *account,
    const char *secret_b32)
{
	struct buf	 b;
	char		*uri;
	int		 rc;

	buf_init(&b, 4096);
	rc = buf_adds(&b, "otpauth://totp/") | uri_escape(&b, issuer) |
	    buf_adds(&b, ":") | uri_escape(&b, account) |
	    buf_adds(&b, "?secret=") | uri_escape(&b, secret_b32) |
	    buf_adds(&b, "&issuer=") | uri_escape(&b, issuer) |
	    buf_addf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS,
	    TOTP_PERIOD);
	uri = arena_strdup(a, rc == 0 ? b.data : "");
	buf_release(&b);
	return uri;
}
