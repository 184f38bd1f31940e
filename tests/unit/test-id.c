/* Unit tests for lib/id: shape, alphabet and uniqueness of ids, and validation. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/id.h"

#define NDRAWS	1000

static const char id_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static void
t_id_new_form(void **state)
{
	char	 id[ID_LEN + 1];
	int	 i;

	(void)state;
	assert_int_equal(ID_LEN, 26);
	for (i = 0; i < 100; i++) {
		memset(id, 'X', sizeof(id));
		assert_int_equal(id_new(id), 0);
		assert_int_equal(strlen(id), 26);
		assert_int_equal(strspn(id, id_alphabet), 26);
		assert_true(id_is_valid(id));
	}
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
t_id_new_distinct(void **state)
{
	char	(*ids)[ID_LEN + 1];
	size_t	 i;

	(void)state;
	ids = calloc(NDRAWS, sizeof(*ids));
	assert_non_null(ids);
	for (i = 0; i < NDRAWS; i++)
		if (id_new(ids[i]) != 0) {
			free(ids);
			fail_msg("id_new failed");
		}
	qsort(ids, NDRAWS, sizeof(*ids), cmp);
	for (i = 1; i < NDRAWS; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0) {
			free(ids);
			fail_msg("duplicate id after %zu draws", (size_t)NDRAWS);
		}
	free(ids);
}

/*
 * 128 bits fill 25 characters and 3 bits of the 26th, whose last two
 * bits are zero; every other character uses the whole alphabet.
 */
static void
t_id_new_bits(void **state)
{
	char	 id[ID_LEN + 1];
	int	 seen_first[32], seen_last[32];
	size_t	 i, k, nfirst = 0, nlast = 0;

	(void)state;
	memset(seen_first, 0, sizeof(seen_first));
	memset(seen_last, 0, sizeof(seen_last));
	for (i = 0; i < NDRAWS; i++) {
		assert_int_equal(id_new(id), 0);
		k = (size_t)(strchr(id_alphabet, id[0]) - id_alphabet);
		seen_first[k] = 1;
		k = (size_t)(strchr(id_alphabet, id[ID_LEN - 1]) - id_alphabet);
		assert_int_equal(k % 4, 0);
		seen_last[k] = 1;
	}
	for (k = 0; k < 32; k++) {
		nfirst += (size_t)seen_first[k];
		nlast += (size_t)seen_last[k];
	}
	assert_int_equal(nfirst, 32);
	assert_int_equal(nlast, 8);
}

static void
t_id_is_valid(void **state)
{
	(void)state;
	assert_true(id_is_valid("abcdefghijklmnopqrstuvwxyz"));
	assert_true(id_is_valid("234567abcdefghijklmnopqrst"));
	assert_true(id_is_valid("aaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
t_id_is_valid_bad(void **state)
{
	const char	*bad[] = {
		"",
		"abcdefghijklmnopqrstuvwxy",		/* 25 */
		"abcdefghijklmnopqrstuvwxyza",		/* 27 */
		"Abcdefghijklmnopqrstuvwxyz",		/* uppercase */
		"abcdefghijklmnopqrstuvwxyZ",
		"1bcdefghijklmnopqrstuvwxyz",		/* not base32 */
		"abcdefghijklmnopqrstuvwxy8",
		"abcdefghij0lmnopqrstuvwxyz",
		"abcdefghij9lmnopqrstuvwxyz",
		"abcdefghijklm-opqrstuvwxyz",
		"abcdefghijklm opqrstuvwxyz",
		"abcdefghijklm/opqrstuvwxyz",
		"abcdefghijklm=opqrstuvwxyz",
		"abcdefghijklmnopqrstuvwx\xc3\xa9",	/* 26 bytes, not ASCII */
		"abcdefghijklmnopqrstuvwxyz\n",
		"../../../../../../etc/pass",
	};
	size_t		 i;

	(void)state;
	assert_false(id_is_valid(NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (id_is_valid(bad[i]))
			fail_msg("'%s' accepted as an id", bad[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_id_new_form),
		cmocka_unit_test(t_id_new_distinct),
		cmocka_unit_test(t_id_new_bits),
		cmocka_unit_test(t_id_is_valid),
		cmocka_unit_test(t_id_is_valid_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
