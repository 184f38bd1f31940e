/*
 * Fuzz TOTP and recovery codes: lib/totp.c (base32, codes, the
 * otpauth:// URI) and the code parsing of the auth worker
 * (cgi-bin/auth/mfa.c). Properties: base32 reads back what it writes and
 * accepts only canonical spellings (any case, optional full padding),
 * never writing past the buffer it is given; a code that totp_verify
 * accepts is the code of the step it reports, within the window, and
 * the code of any step of the window is accepted; steps are floor divisions; the
 * URI's label and parameters hold only unreserved or %XX bytes; a typed
 * code normalizes like the reference here, and a recovery code is
 * accepted however it is grouped or cased, hashing to the SHA-256 of its
 * canonical form.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/totp.h"
#include "cgi-bin/auth/mfa.h"
#include "tests/fuzz/fuzz.h"

static void
check_b32_encode(const uint8_t *data, size_t size)
{
	char		*text = malloc(TOTP_B32_LEN(size) + 1);
	unsigned char	*back = malloc(size ? size : 1);
	size_t		 n;
	long		 got;

	if (text == NULL || back == NULL)
		goto out;
	n = totp_b32_encode(data, size, text);
	FUZZ_CHECK(n == TOTP_B32_LEN(size) && strlen(text) == n,
	    "%zu bytes encoded to %zu characters", size, n);
	got = totp_b32_decode(text, n, back, size);
	FUZZ_CHECK(got == (long)size && memcmp(back, data, size) == 0,
	    "decode(encode(%zu bytes)) gave %ld", size, got);
	if (size > 0)
		FUZZ_CHECK(totp_b32_decode(text, n, back, size - 1) == -1,
		    "%s", "decoded into a buffer too small");
out:
	free(text);
	free(back);
}

static void
check_b32_decode(const char *s, size_t n, size_t outsz)
{
	unsigned char	*raw = malloc(outsz ? outsz : 1);
	char		*text = NULL, *want = malloc(n + 1);
	size_t		 i, d = n, k = 0;
	long		 got;

	if (raw == NULL || want == NULL)
		goto out;
	got = totp_b32_decode(s, n, raw, outsz);
	if (got < 0)
		goto out;
	FUZZ_CHECK((size_t)got <= outsz, "%ld bytes into %zu", got, outsz);
	while (d > 0 && s[d - 1] == '=')
		d--;
	FUZZ_CHECK(n - d == (8 - d % 8) % 8 || d == n, "'%.*s': %zu '=' after "
	    "%zu characters accepted", (int)n, s, n - d, d);
	for (i = 0; i < d; i++)
		want[k++] = (char)toupper((unsigned char)s[i]);
	want[k] = '\0';
	text = malloc(TOTP_B32_LEN((size_t)got) + 1);
	if (text == NULL)
		goto out;
	totp_b32_encode(raw, (size_t)got, text);
	FUZZ_CHECK(strcmp(text, want) == 0, "'%.*s' decodes to bytes that "
	    "encode as '%s'", (int)n, s, text);
out:
	free(raw);
	free(text);
	free(want);
}

/* The code of one step of the window is accepted; a typed code only if it is a step's. */
static void
check_codes(const uint8_t *key, size_t klen, int64_t t, int pick,
    const char *typed)
{
	char	 code[TOTP_DIGITS + 1];
	int64_t	 now = totp_step(t), s = now + pick % 3 - 1, got;
	int	 v;

	FUZZ_CHECK(now * TOTP_PERIOD <= t && t - now * TOTP_PERIOD < TOTP_PERIOD,
	    "step %lld of %lld", (long long)now, (long long)t);
	FUZZ_CHECK(totp_code(key, klen, s, code) == 0, "%s", "totp_code");
	FUZZ_CHECK(strlen(code) == TOTP_DIGITS &&
	    strspn(code, "0123456789") == TOTP_DIGITS, "code '%s'", code);
	got = INT64_MIN;
	FUZZ_CHECK(totp_verify(key, klen, code, t, &got) == 1 &&
	    got >= now - TOTP_WINDOW && got <= now + TOTP_WINDOW,
	    "the code of step %lld is refused", (long long)s);
	got = INT64_MIN;
	v = totp_verify(key, klen, typed, t, &got);
	FUZZ_CHECK(v == 0 || v == 1, "verify gave %d", v);
	if (v == 1) {
		FUZZ_CHECK(got >= now - TOTP_WINDOW && got <= now + TOTP_WINDOW,
		    "accepted step %lld at %lld", (long long)got, (long long)now);
		FUZZ_CHECK(totp_code(key, klen, got, code) == 0 &&
		    strcmp(code, typed) == 0, "accepted '%s' for step %lld "
		    "whose code is '%s'", typed, (long long)got, code);
	}
}

static void
check_uri(struct arena *a, const char *label)
{
	static const char	 tail[] = "&algorithm=SHA1&digits=6&period=30";
	const char		*uri, *p;
	size_t			 n;

	uri = totp_uri(a, label, label, "JBSWY3DPEHPK3PXP");
	FUZZ_CHECK(uri != NULL, "%s", "no uri");
	if (*uri == '\0')
		return;
	FUZZ_CHECK(strncmp(uri, "otpauth://totp/", 15) == 0, "uri '%s'", uri);
	n = strlen(uri);
	FUZZ_CHECK(n > sizeof(tail) && strcmp(uri + n - sizeof(tail) + 1,
	    tail) == 0, "uri '%s' tail", uri);
	/* Only the separators we put there: one ':', one '?', two '&', '='s. */
	for (p = uri + 15; *p != '\0'; p++) {
		if (*p == '%') {
			FUZZ_CHECK(isxdigit((unsigned char)p[1]) &&
			    isxdigit((unsigned char)p[2]), "bad escape in '%s'", uri);
			p += 2;
			continue;
		}
		FUZZ_CHECK(isalnum((unsigned char)*p) || strchr("-._~:?&=", *p),
		    "byte 0x%02x unescaped in the uri", (unsigned char)*p);
	}
	FUZZ_CHECK(strchr(uri + 15, '?') == strrchr(uri, '?'), "%s",
	    "two '?' in the uri");
}

/* The reference of mfa_code_norm. */
static long
ref_norm(const char *in, char *out, size_t outsz)
{
	size_t	 n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)toupper((unsigned char)*in);
	}
	out[n] = '\0';
	return (long)n;
}

static void
check_recovery(const char *typed, const uint8_t *data, size_t size)
{
	unsigned char	 hash[CRYPTO_SHA256_LEN], want[CRYPTO_SHA256_LEN];
	unsigned char	 raw[15];
	char		 norm[65], ref[65], b32[TOTP_B32_LEN(15) + 1], shown[64];
	long		 n, r;
	size_t		 i, o = 0;

	n = mfa_code_norm(typed, norm, sizeof(norm));
	r = ref_norm(typed, ref, sizeof(ref));
	FUZZ_CHECK(n == r && (n < 0 || strcmp(norm, ref) == 0),
	    "normalized to %ld, reference %ld", n, r);
	if (n >= 0 && mfa_recovery_hash(norm, (size_t)n, hash) == 0) {
		FUZZ_CHECK(n == 24 && totp_b32_decode(norm, 24, raw,
		    sizeof(raw)) == 15, "recovery code of %ld characters", n);
		crypto_sha256(norm, (size_t)n, want);
		FUZZ_CHECK(memcmp(hash, want, sizeof(hash)) == 0, "%s",
		    "recovery hash is not SHA-256 of the code");
	}
	/* A code we would issue, typed in any grouping and case. */
	if (size < 16)
		return;
	totp_b32_encode(data, 15, b32);
	for (i = 0; i < 24; i++) {
		if (data[15] & (1u << (i % 8)) && o < sizeof(shown) - 2)
			shown[o++] = i % 2 ? '-' : ' ';
		shown[o++] = (char)(data[15] & 0x80 ? tolower((unsigned char)b32[i]) :
		    b32[i]);
	}
	shown[o] = '\0';
	FUZZ_CHECK(mfa_code_norm(shown, norm, sizeof(norm)) == 24 &&
	    strcmp(norm, b32) == 0 && mfa_recovery_hash(norm, 24, hash) == 0,
	    "issued code typed as '%s' is refused", shown);
	crypto_sha256(b32, 24, want);
	FUZZ_CHECK(memcmp(hash, want, sizeof(hash)) == 0, "%s",
	    "recovery hash differs from the stored one");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	 a;
	static int		 is_init;
	char			*s;
	int64_t			 t = 0;
	size_t			 i;

	/* Secrets are 32 characters, codes 64 at most: 1 KiB is plenty. */
	if (size > 1024)
		return 0;
	if (!is_init) {
		arena_init(&a);
		fuzz_quiet();
		is_init = 1;
	}
	s = arena_strndup(&a, (const char *)data, size);
	check_b32_encode(data, size);
	check_b32_decode((const char *)data, size, size > 0 ? data[0] % 48 : 0);
	check_b32_decode((const char *)data, size, size);
	/* A time within ±2^40 s from the first bytes, the key from the rest. */
	for (i = 0; i < 6 && i < size; i++)
		t = t << 8 | data[i];
	t -= (int64_t)1 << 40;
	/* Keys are 20 bytes; up to 64 is plenty to vary them. */
	check_codes(size > 6 ? data + 6 : data, size > 70 ? 64 : size > 6 ?
	    size - 6 : 0, t, size > 0 ? data[size - 1] : 0, s);
	/* Labels are an issuer and an email: 254 bytes will do. */
	check_uri(&a, size > 254 ? arena_strndup(&a, s, 254) : s);
	check_recovery(s, data, size);
	arena_reset(&a);
	return 0;
}
