/* Unit tests for lib/vault: numbered keys, sealed values bound to their place. */
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

#include "lib/cfg.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/vault.h"

#define K1	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define K2	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
#define K7	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f"

static struct cfg	 cfg;
static struct arena	 arena;
static char		 keys_path[64];

/* A config with crypto.data_key = K1 and, if text is not NULL, a keys file. */
static void
setup_cfg(const char *text)
{
	FILE	*f;
	int	 fd;

	vault_reset();
	cfg_release(&cfg);
	cfg_defaults(&cfg);
	cfg.crypto_data_key = xstrdup(K1);
	if (text == NULL)
		return;
	snprintf(keys_path, sizeof(keys_path), "/tmp/test-vault.XXXXXX");
	assert_true((fd = mkstemp(keys_path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
	cfg.crypto_keys_file = xstrdup(keys_path);
}

static int
teardown(void **state)
{
	(void)state;
	if (keys_path[0] != '\0')
		unlink(keys_path);
	keys_path[0] = '\0';
	vault_reset();
	cfg_release(&cfg);
	arena_reset(&arena);
	return 0;
}

static void
t_vault_roundtrip(void **state)
{
	unsigned char	*box;
	size_t		 n, len;
	char		*plain;

	(void)state;
	setup_cfg(NULL);
	assert_int_equal(vault_current_key(&cfg), 1);
	assert_int_equal(vault_seal(&cfg, &arena, "t.notes", "row1", "hémoglobine",
	    strlen("hémoglobine"), &box, &n), 0);
	assert_int_equal(n, strlen("hémoglobine") + VAULT_OVERHEAD);
	assert_int_equal(box[0], VAULT_FORMAT);
	assert_int_equal(vault_key_id(box, n), 1);
	assert_null(memmem(box, n, "moglobine", 9));
	assert_int_equal(vault_open(&cfg, &arena, "t.notes", "row1", box, n,
	    &plain, &len), 0);
	assert_int_equal(len, strlen("hémoglobine"));
	assert_string_equal(plain, "hémoglobine");
	/* Empty values seal too. */
	assert_int_equal(vault_seal(&cfg, &arena, "t.notes", "row1", "", 0, &box,
	    &n), 0);
	assert_int_equal(vault_open(&cfg, &arena, "t.notes", "row1", box, n,
	    &plain, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(plain, "");
}

static void
t_vault_bound_to_place_bad(void **state)
{
	unsigned char	*box, copy[64];
	size_t		 n, len;
	char		*plain;

	(void)state;
	setup_cfg(NULL);
	assert_int_equal(vault_seal(&cfg, &arena, "t.notes", "row1", "secret", 6,
	    &box, &n), 0);
	/* Another row, another column: refused. */
	assert_int_equal(vault_open(&cfg, &arena, "t.notes", "row2", box, n,
	    &plain, &len), -1);
	assert_int_equal(vault_open(&cfg, &arena, "t.value", "row1", box, n,
	    &plain, &len), -1);
	/* Any flipped byte: refused. */
	assert_true(n <= sizeof(copy));
	for (size_t i = 0; i < n; i++) {
		memcpy(copy, box, n);
		copy[i] ^= 0x01;
		assert_int_equal(vault_open(&cfg, &arena, "t.notes", "row1", copy,
		    n, &plain, &len), -1);
	}
	/* Truncated, empty, not a sealed value. */
	assert_int_equal(vault_open(&cfg, &arena, "t.notes", "row1", box,
	    VAULT_OVERHEAD - 1, &plain, &len), -1);
	assert_int_equal(vault_open(&cfg, &arena, "t.notes", "row1", box, 0,
	    &plain, &len), -1);
	assert_int_equal(vault_key_id(box, VAULT_OVERHEAD - 1), 0);
	assert_int_equal(vault_key_id(NULL, 0), 0);
}

static void
t_vault_rotation(void **state)
{
	unsigned char	*old, *new;
	size_t		 on, nn, len;
	char		*plain;

	(void)state;
	setup_cfg(NULL);
	assert_int_equal(vault_seal(&cfg, &arena, "f", "r", "v1", 2, &old, &on), 0);
	/* A keys file adds key 7 and makes it current; key 1 still opens. */
	setup_cfg("# rotated\nkey 7 " K7 "\ncurrent 7\n");
	assert_int_equal(vault_current_key(&cfg), 7);
	assert_int_equal(vault_seal(&cfg, &arena, "f", "r", "v2", 2, &new, &nn), 0);
	assert_int_equal(vault_key_id(new, nn), 7);
	assert_int_equal(vault_open(&cfg, &arena, "f", "r", old, on, &plain,
	    &len), 0);
	assert_string_equal(plain, "v1");
	assert_int_equal(vault_open(&cfg, &arena, "f", "r", new, nn, &plain,
	    &len), 0);
	assert_string_equal(plain, "v2");
	/* Key 7 retired: its values no longer open, key 1's do. */
	setup_cfg("key 2 " K2 "\n");
	assert_int_equal(vault_current_key(&cfg), 1);
	assert_int_equal(vault_open(&cfg, &arena, "f", "r", new, nn, &plain,
	    &len), -1);
	assert_int_equal(vault_open(&cfg, &arena, "f", "r", old, on, &plain,
	    &len), 0);
}

static void
t_vault_keys_file_bad(void **state)
{
	static const char *const bad[] = {
		"key 1 " K2 "\n",			/* id 1 is crypto.data_key */
		"key 2 " K2 "\nkey 2 " K7 "\n",		/* repeated */
		"key 0 " K2 "\n",			/* zero */
		"key -3 " K2 "\n",
		/* Digits only (found by tests/fuzz/fuzz-keys: regress-id-vtab). */
		"key \v2 " K2 "\ncurrent 2\n",
		"key +2 " K2 "\ncurrent 2\n",
		"key 2 " K2 "\ncurrent \f2\n",
		"key 2 abcd\n",				/* short */
		"key 2 " K2 "zz\n",
		"current 9\n",				/* no such key */
		"current\n",
		"key 2\n",
		"key 2 " K2 " extra\n",
		"kee 2 " K2 "\n",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup_cfg(bad[i]);
		assert_int_equal(vault_init(&cfg), -1);
		assert_int_equal(vault_current_key(&cfg), 0);
		unlink(keys_path);
		keys_path[0] = '\0';
	}
	/* No key at all. */
	setup_cfg(NULL);
	free(cfg.crypto_data_key);
	cfg.crypto_data_key = NULL;
	assert_int_equal(vault_init(&cfg), -1);
	/* A missing file. */
	setup_cfg(NULL);
	cfg.crypto_keys_file = xstrdup("/nonexistent/keys");
	assert_int_equal(vault_init(&cfg), -1);
}

/*
 * Found by tests/fuzz/fuzz-keys (corpus: regress-line-255, long-comment,
 * long-id): a line longer than the reader's buffer was read as two, so the
 * tail of a commented-out key line became a key; and each word was cut
 * to 99 bytes, so a zero-padded id named another key.
 */
static void
t_vault_keys_file_long_lines(void **state)
{
	char	 text[1024];
	int	 n;

	(void)state;
	/* "# ...key 5 K2": a comment; key 5 must not exist. */
	n = snprintf(text, sizeof(text), "# %0253dkey 5 %s\ncurrent 5\n", 0, K2);
	assert_true(n > 256 && (size_t)n < sizeof(text));
	setup_cfg(text);
	assert_int_equal(vault_init(&cfg), -1);
	assert_int_equal(vault_current_key(&cfg), 0);
	teardown(NULL);
	/* The longest line that fits is still read. */
	n = snprintf(text, sizeof(text), "key 2 %s %0*d\ncurrent 2\n", K2,
	    254 - 71, 0);
	assert_int_equal(strchr(text, '\n') - text, 254);
	text[71] = '#';
	setup_cfg(text);
	assert_int_equal(vault_init(&cfg), 0);
	assert_int_equal(vault_current_key(&cfg), 2);
	teardown(NULL);
	/* A 102-digit zero-padded id is that id, not its first 99 digits. */
	n = snprintf(text, sizeof(text), "key %0102d %s\ncurrent 1234567\n",
	    1234567, K2);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	setup_cfg(text);
	assert_int_equal(vault_init(&cfg), 0);
	assert_int_equal(vault_current_key(&cfg), 1234567);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_vault_roundtrip, teardown),
		cmocka_unit_test_teardown(t_vault_bound_to_place_bad, teardown),
		cmocka_unit_test_teardown(t_vault_rotation, teardown),
		cmocka_unit_test_teardown(t_vault_keys_file_bad, teardown),
		cmocka_unit_test_teardown(t_vault_keys_file_long_lines, teardown),
	};

	log_init("test-vault", LOG_LVL_ERR);
	arena_init(&arena);
	cfg_defaults(&cfg);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
