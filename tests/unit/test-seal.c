/*
 * Unit tests for lib/seal: the canonical form against bytes computed
 * independently from docs/AUDIT.md (Python's struct and hmac), chain
 * steps against known HMACs, ambiguity cases, and the key file.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crypto.h"
#include "lib/seal.h"

#define ID26	"abcdefghijklmnopqrstuvwxyz"

/* The sample row: id, at, actor_id, actor_role, action, entity_type,
 * entity_id, patient_id, outcome, request_id, ip, summary, metadata. */
static char *sample[SEAL_NCOLS] = {
	"42", "2026-01-02 03:04:05.123456", ID26, "patient", "read", "patient",
	NULL, ID26, "success", NULL, "127.0.0.1", "patient profile read",
	"{\"ids\":[\"a\",\"b\"]}",
};

static const char sample_canonical[] =
    "530000000c61756469742e726f772e763153000000023432530000001031373637"
    "333233303435313233343536530000001a6162636465666768696a6b6c6d6e6f70"
    "7172737475767778797a530000000770617469656e745300000004726561645300"
    "00000770617469656e744e530000001a6162636465666768696a6b6c6d6e6f7071"
    "72737475767778797a5300000007737563636573734e53000000093132372e302e"
    "302e31530000001470617469656e742070726f66696c65207265616453000000117b"
    "22696473223a5b2261222c2262225d7d";

static void
lengths(char *const *v, size_t *len)
{
	size_t	 i;

	for (i = 0; i < SEAL_NCOLS; i++)
		len[i] = v[i] != NULL ? strlen(v[i]) : 0;
}

static void
hex_of_buf(const struct buf *b, char *out)
{
	crypto_hex(b->data, b->len, out);
}

static void
t_canonical_row(void **state)
{
	struct buf	 b;
	size_t		 len[SEAL_NCOLS];
	char		 hex[1024];

	(void)state;
	lengths(sample, len);
	buf_init(&b, 4096);
	assert_int_equal(seal_canonical_row(&b, sample, len), 0);
	assert_int_equal(b.len, 215);
	hex_of_buf(&b, hex);
	assert_string_equal(hex, sample_canonical);
	buf_release(&b);
}

/* NULL and "" differ; moving a byte across a field boundary changes the form. */
static void
t_canonical_unambiguous(void **state)
{
	char		*v[SEAL_NCOLS], *w[SEAL_NCOLS];
	size_t		 lv[SEAL_NCOLS], lw[SEAL_NCOLS];
	struct buf	 a, b;

	(void)state;
	memcpy(v, sample, sizeof(v));
	memcpy(w, sample, sizeof(w));
	w[6] = "";
	lengths(v, lv);
	lengths(w, lw);
	buf_init(&a, 4096);
	buf_init(&b, 4096);
	assert_int_equal(seal_canonical_row(&a, v, lv), 0);
	assert_int_equal(seal_canonical_row(&b, w, lw), 0);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
	buf_clear(&a);
	buf_clear(&b);
	v[3] = "ab";
	v[4] = "c";
	w[6] = NULL;
	w[3] = "a";
	w[4] = "bc";
	lengths(v, lv);
	lengths(w, lw);
	assert_int_equal(seal_canonical_row(&a, v, lv), 0);
	assert_int_equal(seal_canonical_row(&b, w, lw), 0);
	assert_int_equal(a.len, b.len);
	assert_true(memcmp(a.data, b.data, a.len) != 0);
	buf_release(&a);
	buf_release(&b);
}

static void
t_canonical_bad(void **state)
{
	char		*v[SEAL_NCOLS];
	size_t		 len[SEAL_NCOLS];
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	memcpy(v, sample, sizeof(v));
	v[0] = "-1";
	lengths(v, len);
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	v[0] = "42x";
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	v[0] = "42";
	v[1] = NULL;
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	v[1] = "yesterday";
	lengths(v, len);
	assert_int_equal(seal_canonical_row(&b, v, len), -1);
	buf_release(&b);
}

/* hash_1 over the sample row, then a skip of 43..45, key 00 01 .. 1f. */
static void
t_chain_steps(void **state)
{
	struct seal_ctx	 sc;
	unsigned char	 key[SEAL_KEY_LEN], zero[SEAL_HASH_LEN] = { 0 };
	unsigned char	 h1[SEAL_HASH_LEN], h2[SEAL_HASH_LEN];
	size_t		 len[SEAL_NCOLS], i;
	char		 hex[2 * SEAL_HASH_LEN + 1];

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	seal_init(&sc, key);
	lengths(sample, len);
	assert_int_equal(seal_step_row(&sc, zero, sample, len, h1), 0);
	crypto_hex(h1, sizeof(h1), hex);
	assert_string_equal(hex,
	    "22cb62767d55d3e19f8f4e4bc0b0678cdc792d8c464e94f08ce4712264304fdb");
	assert_int_equal(seal_step_skip(&sc, h1, 43, 45, h2), 0);
	crypto_hex(h2, sizeof(h2), hex);
	assert_string_equal(hex,
	    "27c79326a1d60c43dc9759d36692ddef02d980707078ac4c6b3e8d095023f538");
	/* Another key gives another chain. */
	seal_release(&sc);
	key[0] ^= 1;
	seal_init(&sc, key);
	assert_int_equal(seal_step_row(&sc, zero, sample, len, h2), 0);
	assert_memory_not_equal(h1, h2, SEAL_HASH_LEN);
	seal_release(&sc);
}

/* Write text to a temp file; the caller unlinks path. */
static void
key_file(char *path, size_t n, const char *text)
{
	FILE	*f;
	int	 fd;

	snprintf(path, n, "%s", "/tmp/test-seal-key.XXXXXX");
	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
}

static void
t_key_load(void **state)
{
	static const struct {
		const char	*text;
		int		 rc;
	} cases[] = {
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 0 },
		{ "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", 0 },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e", -1 },
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00", -1 },
		{ "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", -1 },
		{ "", -1 },
	};
	unsigned char	 key[SEAL_KEY_LEN];
	char		 path[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		key_file(path, sizeof(path), cases[i].text);
		memset(key, 0xff, sizeof(key));
		assert_int_equal(seal_key_load(path, key), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(key[31], 0x1f);
		unlink(path);
	}
	assert_int_equal(seal_key_load("/nonexistent/audit.key", key), -1);
	assert_int_equal(seal_key_load(NULL, key), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_canonical_row),
		cmocka_unit_test(t_canonical_unambiguous),
		cmocka_unit_test(t_canonical_bad),
		cmocka_unit_test(t_chain_steps),
		cmocka_unit_test(t_key_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
