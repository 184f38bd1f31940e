/*
 * Unit tests for lib/totp: the RFC 6238 Appendix B SHA-1 vectors (cut to
 * 6 digits), the verification window edges, RFC 4648 base32 and the
 * otpauth URI.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto.h"
#include "lib/mem.h"
#include "lib/totp.h"

/* RFC 6238 Appendix B: the SHA-1 seed is the 20 ASCII bytes below. */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEY_LEN	20

static const struct {
	int64_t		 t;
	const char	*code;
} rfc_vectors[] = {
	{ 59LL, "287082" },
	{ 1111111109LL, "081804" },
	{ 1111111111LL, "050471" },
	{ 1234567890LL, "005924" },
	{ 2000000000LL, "279037" },
	{ 20000000000LL, "353130" },
};

static void
t_rfc6238_vectors(void **state)
{
	char	 code[TOTP_DIGITS + 1];
	int64_t	 step;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN,
		    totp_step(rfc_vectors[i].t), code), 0);
		assert_string_equal(code, rfc_vectors[i].code);
		step = -1;
		assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN,
		    rfc_vectors[i].code, rfc_vectors[i].t, &step), 1);
		assert_int_equal(step, totp_step(rfc_vectors[i].t));
	}
}

static void
t_step(void **state)
{
	(void)state;
	assert_int_equal(totp_step(0), 0);
	assert_int_equal(totp_step(29), 0);
	assert_int_equal(totp_step(30), 1);
	assert_int_equal(totp_step(59), 1);
	assert_int_equal(totp_step(1111111109LL), 37037036LL);
	assert_int_equal(totp_step(20000000000LL), 666666666LL);
	assert_int_equal(totp_step(-1), -1);
	assert_int_equal(totp_step(-30), -1);
	assert_int_equal(totp_step(-31), -2);
}

/* The code of step 37037037 (1111111111) checked from around it. */
static void
t_window_edges(void **state)
{
	const int64_t	 s = 37037037LL, t0 = s * TOTP_PERIOD;
	int64_t		 step;

	(void)state;
	/* Now one step earlier, at its first second: the code is next step's. */
	step = 0;
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, "050471",
	    t0 - TOTP_PERIOD, &step), 1);
	assert_int_equal(step, s);
	/* Last second of the step after: the code is the previous step's. */
	step = 0;
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, "050471",
	    t0 + 2 * TOTP_PERIOD - 1, &step), 1);
	assert_int_equal(step, s);
	/* Two steps away either side: refused, step untouched. */
	step = 0;
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, "050471",
	    t0 + 2 * TOTP_PERIOD, &step), 0);
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, "050471",
	    t0 - TOTP_PERIOD - 1, &step), 0);
	assert_int_equal(step, 0);
}

static void
t_bad_codes(void **state)
{
	static const char *const bad[] = {
		"", "05047", "0504711", "05047a", " 50471", "050471 ",
		"-50471", "+50471", "050 71", "050471\n", "000000", "050472",
	};
	int64_t	 step = 0;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, bad[i],
		    1111111111LL, &step), 0);
	assert_int_equal(totp_verify(rfc_key, RFC_KEY_LEN, NULL,
	    1111111111LL, &step), 0);
	/* Another key gives another code. */
	assert_int_equal(totp_verify((const unsigned char *)"12345678901234567891",
	    RFC_KEY_LEN, "050471", 1111111111LL, &step), 0);
	assert_int_equal(step, 0);
}

/* RFC 4648 section 10. */
static const struct {
	const char	*plain;
	const char	*padded;
} b32_vectors[] = {
	{ "", "" },
	{ "f", "MY======" },
	{ "fo", "MZXQ====" },
	{ "foo", "MZXW6===" },
	{ "foob", "MZXW6YQ=" },
	{ "fooba", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI======" },
};

static void
t_b32_rfc4648(void **state)
{
	char		 enc[64], want[64], lower[64];
	unsigned char	 dec[64];
	size_t		 i, j, n, plen;

	(void)state;
	for (i = 0; i < sizeof(b32_vectors) / sizeof(b32_vectors[0]); i++) {
		plen = strlen(b32_vectors[i].plain);
		snprintf(want, sizeof(want), "%s", b32_vectors[i].padded);
		want[strcspn(want, "=")] = '\0';
		n = totp_b32_encode(b32_vectors[i].plain, plen, enc);
		assert_int_equal(n, strlen(want));
		assert_int_equal(n, TOTP_B32_LEN(plen));
		assert_string_equal(enc, want);
		/* Decodes padded, unpadded and in lower case. */
		assert_int_equal(totp_b32_decode(b32_vectors[i].padded,
		    strlen(b32_vectors[i].padded), dec, sizeof(dec)), (long)plen);
		assert_memory_equal(dec, b32_vectors[i].plain, plen);
		assert_int_equal(totp_b32_decode(want, n, dec, sizeof(dec)),
		    (long)plen);
		assert_memory_equal(dec, b32_vectors[i].plain, plen);
		for (j = 0; j <= n; j++)
			lower[j] = (char)(want[j] >= 'A' && want[j] <= 'Z' ?
			    want[j] - 'A' + 'a' : want[j]);
		assert_int_equal(totp_b32_decode(lower, n, dec, sizeof(dec)),
		    (long)plen);
		assert_memory_equal(dec, b32_vectors[i].plain, plen);
	}
	/* The RFC 6238 seed as authenticator apps see it. */
	totp_b32_encode(rfc_key, RFC_KEY_LEN, enc);
	assert_string_equal(enc, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void
t_b32_round_trip(void **state)
{
	unsigned char	 in[41], out[41];
	char		 enc[TOTP_B32_LEN(41) + 1];
	size_t		 n, round, elen;

	(void)state;
	for (round = 0; round < 20; round++) {
		for (n = 0; n <= sizeof(in); n++) {
			assert_int_equal(crypto_random(in, sizeof(in)), 0);
			elen = totp_b32_encode(in, n, enc);
			assert_int_equal(elen, TOTP_B32_LEN(n));
			assert_int_equal(strlen(enc), elen);
			assert_int_equal(totp_b32_decode(enc, elen, out,
			    sizeof(out)), (long)n);
			assert_memory_equal(in, out, n);
		}
	}
}

static void
t_b32_bad(void **state)
{
	static const char *const bad[] = {
		"A", "ABC", "ABCDEF",		/* impossible lengths */
		"MZXW6YT1", "MZXW6YT8", "MZXW6YT0", "MZXW-6YT", "MZXW 6YT",
		"MZ======",			/* non-zero trailing bits */
		"MZXW6YR=",
		"MY=", "MY=====", "MY=======",	/* incomplete or extra padding */
		"MY==MY==", "=MY=====",		/* padding inside */
		"MZXW6YTBOI=====",
		/*
		 * More '=' than the last group needs (found by
		 * tests/fuzz/fuzz-totp, corpus: regress-pad-only).
		 */
		"========", "MZXW6YTB========", "MY==============",
		"MZXW6YTBOI==============",
	};
	unsigned char	 out[32];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(totp_b32_decode(bad[i], strlen(bad[i]), out,
		    sizeof(out)), -1);
	/* A NUL inside the given length is a bad character too. */
	assert_int_equal(totp_b32_decode("MZXW\0YTB", 8, out, sizeof(out)), -1);
	/* Output too small. */
	assert_int_equal(totp_b32_decode("MZXW6YTB", 8, out, 4), -1);
	assert_int_equal(totp_b32_decode("MZXW6YTB", 8, out, 5), 5);
}

static void
t_secret_new(void **state)
{
	unsigned char	 a[TOTP_SECRET_LEN], b[TOTP_SECRET_LEN];
	char		 enc[TOTP_B32_LEN(TOTP_SECRET_LEN) + 1];

	(void)state;
	assert_int_equal(totp_secret_new(a), 0);
	assert_int_equal(totp_secret_new(b), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(totp_b32_encode(a, sizeof(a), enc), 32);
}

static void
t_uri(void **state)
{
	struct arena	 a;

	(void)state;
	arena_init(&a);
	assert_string_equal(totp_uri(&a, "Concierge", "pat@example.test",
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
	    "otpauth://totp/Concierge:pat%40example.test"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Concierge"
	    "&algorithm=SHA1&digits=6&period=30");
	/* Spaces, colons, '&', '+', '?' and UTF-8 are escaped everywhere. */
	assert_string_equal(totp_uri(&a, "Acme Care: East & West",
	    "a+b?c@x.test", "MY"),
	    "otpauth://totp/Acme%20Care%3A%20East%20%26%20West:a%2Bb%3Fc%40x.test"
	    "?secret=MY&issuer=Acme%20Care%3A%20East%20%26%20West"
	    "&algorithm=SHA1&digits=6&period=30");
	assert_string_equal(totp_uri(&a, "Cl\xc3\xadnica", "u-1_2.3~@x.test",
	    "MY"),
	    "otpauth://totp/Cl%C3%ADnica:u-1_2.3~%40x.test"
	    "?secret=MY&issuer=Cl%C3%ADnica&algorithm=SHA1&digits=6&period=30");
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_rfc6238_vectors),
		cmocka_unit_test(t_step),
		cmocka_unit_test(t_window_edges),
		cmocka_unit_test(t_bad_codes),
		cmocka_unit_test(t_b32_rfc4648),
		cmocka_unit_test(t_b32_round_trip),
		cmocka_unit_test(t_b32_bad),
		cmocka_unit_test(t_secret_new),
		cmocka_unit_test(t_uri),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
