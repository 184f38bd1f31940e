/* Unit tests for lib/crypto against published vectors, and AEAD forgery cases. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Hex of a digest, for comparison with the published text. */
static void
assert_hex(const unsigned char *p, size_t n, const char *want)
{
	char	 hex[129];

	assert_true(n * 2 < sizeof(hex));
	crypto_hex(p, n, hex);
	assert_string_equal(hex, want);
}

static void
t_sha256(void **state)
{
	unsigned char	 d[CRYPTO_SHA256_LEN];

	(void)state;
	crypto_sha256("abc", 3, d);
	assert_hex(d, sizeof(d),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256("", 0, d);
	assert_hex(d, sizeof(d),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, d);
	assert_hex(d, sizeof(d),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* RFC 4231 test case 1. */
static void
t_hmac_sha256_rfc4231_1(void **state)
{
	unsigned char	 key[20], mac[CRYPTO_SHA256_LEN];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(crypto_hmac_sha256(key, sizeof(key), "Hi There", 8,
	    mac), 0);
	assert_hex(mac, sizeof(mac),
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

/* RFC 4231 test case 2. */
static void
t_hmac_sha256_rfc4231_2(void **state)
{
	unsigned char	 mac[CRYPTO_SHA256_LEN];

	(void)state;
	assert_int_equal(crypto_hmac_sha256("Jefe", 4,
	    "what do ya want for nothing?", 28, mac), 0);
	assert_hex(mac, sizeof(mac),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* RFC 4231 test case 6: a key longer than the block size is hashed first. */
static void
t_hmac_sha256_rfc4231_6(void **state)
{
	unsigned char	 key[131], mac[CRYPTO_SHA256_LEN];
	const char	*msg = "Test Using Larger Than Block-Size Key - Hash Key First";

	(void)state;
	memset(key, 0xaa, sizeof(key));
	assert_int_equal(crypto_hmac_sha256(key, sizeof(key), msg, strlen(msg),
	    mac), 0);
	assert_hex(mac, sizeof(mac),
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* RFC 2202 test cases 1 and 2 for HMAC-SHA1. */
static void
t_hmac_sha1_rfc2202(void **state)
{
	unsigned char	 key[20], mac[20];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(crypto_hmac_sha1(key, sizeof(key), "Hi There", 8, mac), 0);
	assert_hex(mac, sizeof(mac), "b617318655057264e28bc0b6fb378c8ef146be00");
	assert_int_equal(crypto_hmac_sha1("Jefe", 4,
	    "what do ya want for nothing?", 28, mac), 0);
	assert_hex(mac, sizeof(mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

/* RFC 6238 appendix B, SHA-1, 8 digits: HMAC-SHA1 as TOTP uses it. */
static unsigned long
totp8(uint64_t unix_time)
{
	const char	*key = "12345678901234567890";
	unsigned char	 msg[8], mac[20];
	uint64_t	 counter = unix_time / 30;
	unsigned	 off;
	unsigned long	 bin;
	int		 i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	assert_int_equal(crypto_hmac_sha1(key, 20, msg, sizeof(msg), mac), 0);
	off = mac[19] & 0x0f;
	bin = ((unsigned long)(mac[off] & 0x7f) << 24) |
	    ((unsigned long)mac[off + 1] << 16) |
	    ((unsigned long)mac[off + 2] << 8) | mac[off + 3];
	return bin % 100000000UL;
}

static void
t_hmac_sha1_rfc6238(void **state)
{
	(void)state;
	assert_int_equal(totp8(59), 94287082);
	assert_int_equal(totp8(1111111109), 7081804);
	assert_int_equal(totp8(1234567890), 89005924);
	assert_int_equal(totp8(2000000000), 69279037);
}

static void
t_hex_roundtrip(void **state)
{
	const unsigned char	 raw[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	unsigned char		 back[sizeof(raw)];
	char			 hex[2 * sizeof(raw) + 1];

	(void)state;
	crypto_hex(raw, sizeof(raw), hex);
	assert_string_equal(hex, "00017f80abff");
	memset(back, 0x55, sizeof(back));
	assert_int_equal(crypto_unhex(hex, back, sizeof(back)), 0);
	assert_memory_equal(back, raw, sizeof(raw));
	/* Uppercase digits decode too. */
	memset(back, 0x55, sizeof(back));
	assert_int_equal(crypto_unhex("00017F80ABFF", back, sizeof(back)), 0);
	assert_memory_equal(back, raw, sizeof(raw));
	crypto_hex(raw, 0, hex);
	assert_string_equal(hex, "");
	assert_int_equal(crypto_unhex("", back, 0), 0);
}

static void
t_unhex_bad(void **state)
{
	unsigned char	 out[4];

	(void)state;
	assert_int_equal(crypto_unhex("0011223", out, 4), -1);	/* odd length */
	assert_int_equal(crypto_unhex("001122", out, 4), -1);	/* short */
	assert_int_equal(crypto_unhex("0011223344", out, 4), -1); /* long */
	assert_int_equal(crypto_unhex("0011223g", out, 4), -1);
	assert_int_equal(crypto_unhex("g0112233", out, 4), -1);
	assert_int_equal(crypto_unhex("00 11223", out, 4), -1);
	assert_int_equal(crypto_unhex("0x112233", out, 4), -1);
	assert_int_equal(crypto_unhex("-1122334", out, 4), -1);
	assert_int_equal(crypto_unhex("", out, 4), -1);
}

/* RFC 4648 section 10 vectors, in the url alphabet without padding. */
static void
t_b64url_rfc4648(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	char	 out[16];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(out, '#', sizeof(out));
		assert_int_equal(crypto_b64url(v[i].in, strlen(v[i].in), out),
		    strlen(v[i].out));
		assert_string_equal(out, v[i].out);
	}
}

/* Bytes whose standard encoding uses '+' and '/' come out as '-' and '_'. */
static void
t_b64url_alphabet(void **state)
{
	const unsigned char	 a[] = { 0xfb, 0xff };
	const unsigned char	 b[] = { 0xff, 0xff, 0xff };
	const unsigned char	 c[] = { 0xfa };
	const unsigned char	 d[] = { 0x00, 0x10, 0x83, 0x10, 0x51, 0x87 };
	char			 out[16];

	(void)state;
	assert_int_equal(crypto_b64url(a, sizeof(a), out), 3);
	assert_string_equal(out, "-_8");
	assert_int_equal(crypto_b64url(b, sizeof(b), out), 4);
	assert_string_equal(out, "____");
	assert_int_equal(crypto_b64url(c, sizeof(c), out), 2);
	assert_string_equal(out, "-g");
	assert_int_equal(crypto_b64url(d, sizeof(d), out), 8);
	assert_string_equal(out, "ABCDEFGH");
	assert_null(strpbrk(out, "+/="));
}

static void
t_token(void **state)
{
	char	 a[CRYPTO_TOKEN_LEN + 1], b[CRYPTO_TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(crypto_token(a), 0);
	assert_int_equal(crypto_token(b), 0);
	assert_int_equal(strlen(a), 43);
	assert_int_equal(strlen(b), 43);
	assert_int_equal(strspn(a, b64url_alphabet), 43);
	assert_int_equal(strspn(b, b64url_alphabet), 43);
	assert_string_not_equal(a, b);
}

static void
t_random(void **state)
{
	unsigned char	 a[32], b[32];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	assert_int_equal(crypto_random(a, sizeof(a)), 0);
	assert_int_equal(crypto_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(crypto_random(a, 0), 0);
}

static void
t_equal(void **state)
{
	const unsigned char	 a[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned char		 b[sizeof(a)];

	(void)state;
	memcpy(b, a, sizeof(a));
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 1);
	b[0] ^= 1;
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 0);
	b[0] ^= 1;
	b[7] ^= 0x80;
	assert_int_equal(crypto_equal(a, b, sizeof(a)), 0);
	/* Only the first n bytes count. */
	assert_int_equal(crypto_equal(a, b, 7), 1);
	assert_int_equal(crypto_equal(a, b, 0), 1);
}

/* AES-256-GCM: a fixed key, an aad and a message sealed in setup. */
struct box {
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN];
	unsigned char	 sealed[64 + CRYPTO_AEAD_OVERHEAD];
	unsigned char	 opened[64];
	size_t		 n;	/* bytes of sealed */
};

static const char	 msg[] = "date of birth: 1990-05-17";
static const char	 aad[] = "patients.dob:7xk2q";

static int
setup_box(void **state)
{
	struct box	*b;
	size_t		 i;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	for (i = 0; i < sizeof(b->key); i++)
		b->key[i] = (unsigned char)i;
	b->n = strlen(msg) + CRYPTO_AEAD_OVERHEAD;
	if (crypto_seal(b->key, aad, strlen(aad), msg, strlen(msg),
	    b->sealed) == -1) {
		free(b);
		return -1;
	}
	*state = b;
	return 0;
}

static int
teardown_box(void **state)
{
	free(*state);
	return 0;
}

static void
t_aead_roundtrip(void **state)
{
	struct box	*b = *state;

	/* The plaintext does not appear in the box. */
	assert_memory_not_equal(b->sealed + 12, msg, strlen(msg));
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), b->sealed, b->n,
	    b->opened), 0);
	assert_memory_equal(b->opened, msg, strlen(msg));
}

static void
t_aead_fresh_nonce(void **state)
{
	struct box	*b = *state;
	unsigned char	 again[sizeof(b->sealed)];

	assert_int_equal(crypto_seal(b->key, aad, strlen(aad), msg, strlen(msg),
	    again), 0);
	assert_memory_not_equal(again, b->sealed, 12);
	assert_memory_not_equal(again + 12, b->sealed + 12, b->n - 12);
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), again, b->n,
	    b->opened), 0);
	assert_memory_equal(b->opened, msg, strlen(msg));
}

static void
t_aead_no_aad(void **state)
{
	struct box	*b = *state;
	unsigned char	 box[8 + CRYPTO_AEAD_OVERHEAD], out[8];

	assert_int_equal(crypto_seal(b->key, NULL, 0, "12345678", 8, box), 0);
	assert_int_equal(crypto_open(b->key, NULL, 0, box, sizeof(box), out), 0);
	assert_memory_equal(out, "12345678", 8);
	/* A box sealed without aad does not open with one. */
	assert_int_equal(crypto_open(b->key, "x", 1, box, sizeof(box), out), -1);
}

static void
t_aead_empty_message(void **state)
{
	struct box	*b = *state;
	unsigned char	 box[CRYPTO_AEAD_OVERHEAD], out[1];

	assert_int_equal(crypto_seal(b->key, aad, strlen(aad), "", 0, box), 0);
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), box, sizeof(box),
	    out), 0);
	box[sizeof(box) - 1] ^= 1;
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), box, sizeof(box),
	    out), -1);
}

/* Every single-bit change in nonce, ciphertext or tag is a forgery. */
static void
t_aead_flip_bad(void **state)
{
	struct box	*b = *state;
	size_t		 i;

	for (i = 0; i < b->n; i++) {
		b->sealed[i] ^= 0x01;
		assert_int_equal(crypto_open(b->key, aad, strlen(aad), b->sealed,
		    b->n, b->opened), -1);
		b->sealed[i] ^= 0x01;
	}
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), b->sealed, b->n,
	    b->opened), 0);
}

static void
t_aead_aad_bad(void **state)
{
	struct box	*b = *state;
	char		 other[sizeof(aad)];
	size_t		 i;

	for (i = 0; i < strlen(aad); i++) {
		memcpy(other, aad, sizeof(aad));
		other[i] ^= 0x20;
		assert_int_equal(crypto_open(b->key, other, strlen(other),
		    b->sealed, b->n, b->opened), -1);
	}
	assert_int_equal(crypto_open(b->key, aad, strlen(aad) - 1, b->sealed,
	    b->n, b->opened), -1);
	assert_int_equal(crypto_open(b->key, NULL, 0, b->sealed, b->n,
	    b->opened), -1);
}

static void
t_aead_key_bad(void **state)
{
	struct box	*b = *state;
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN];

	memcpy(key, b->key, sizeof(key));
	key[31] ^= 0x80;
	assert_int_equal(crypto_open(key, aad, strlen(aad), b->sealed, b->n,
	    b->opened), -1);
}

static void
t_aead_short_bad(void **state)
{
	struct box	*b = *state;

	/* Truncated by one byte, then shorter than nonce and tag together. */
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), b->sealed,
	    b->n - 1, b->opened), -1);
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), b->sealed,
	    CRYPTO_AEAD_OVERHEAD - 1, b->opened), -1);
	assert_int_equal(crypto_open(b->key, aad, strlen(aad), b->sealed, 0,
	    b->opened), -1);
}

static void
t_aead_too_large_bad(void **state)
{
	struct box	*b = *state;
	size_t		 n = (1 << 20) + 1;
	unsigned char	*in, *out;

	in = calloc(1, n);
	out = calloc(1, n + CRYPTO_AEAD_OVERHEAD);
	if (in == NULL || out == NULL) {
		free(in);
		free(out);
		fail_msg("calloc");
	}
	assert_int_equal(crypto_seal(b->key, NULL, 0, in, n, out), -1);
	assert_int_equal(crypto_seal(b->key, NULL, 0, in, n - 1, out), 0);
	free(in);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_sha256),
		cmocka_unit_test(t_hmac_sha256_rfc4231_1),
		cmocka_unit_test(t_hmac_sha256_rfc4231_2),
		cmocka_unit_test(t_hmac_sha256_rfc4231_6),
		cmocka_unit_test(t_hmac_sha1_rfc2202),
		cmocka_unit_test(t_hmac_sha1_rfc6238),
		cmocka_unit_test(t_hex_roundtrip),
		cmocka_unit_test(t_unhex_bad),
		cmocka_unit_test(t_b64url_rfc4648),
		cmocka_unit_test(t_b64url_alphabet),
		cmocka_unit_test(t_token),
		cmocka_unit_test(t_random),
		cmocka_unit_test(t_equal),
#define T(f)	cmocka_unit_test_setup_teardown(f, setup_box, teardown_box)
		T(t_aead_roundtrip),
		T(t_aead_fresh_nonce),
		T(t_aead_no_aad),
		T(t_aead_empty_message),
		T(t_aead_flip_bad),
		T(t_aead_aad_bad),
		T(t_aead_key_bad),
		T(t_aead_short_bad),
		T(t_aead_too_large_bad),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
