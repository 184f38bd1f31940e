/* Unit tests for lib/buf: growth, the hard maximum, printf, clear and release. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/buf.h"

/* Each test gets a heap buffer so teardown releases it even after a failure. */
static int
setup(void **state)
{
	struct buf	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return -1;
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct buf	*b = *state;

	buf_release(b);
	free(b);
	return 0;
}

static void
t_buf_init(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 100);
	assert_null(b->data);
	assert_int_equal(b->len, 0);
	assert_int_equal(b->cap, 0);
	assert_int_equal(b->max, 100);
}

static void
t_buf_add_grow(void **state)
{
	struct buf	*b = *state;
	char		 want[5000];
	size_t		 i;

	buf_init(b, 8192);
	for (i = 0; i < sizeof(want); i++) {
		want[i] = (char)('a' + i % 26);
		assert_int_equal(buf_add(b, &want[i], 1), 0);
		assert_int_equal(b->len, i + 1);
		assert_true(b->cap >= b->len + 1);
		assert_true(b->cap <= b->max + 1);
		assert_int_equal(b->data[b->len], '\0');
	}
	assert_memory_equal(b->data, want, sizeof(want));
	assert_int_equal(strlen(b->data), sizeof(want));
}

static void
t_buf_add_large_once(void **state)
{
	struct buf	*b = *state;
	char		*big;

	buf_init(b, 100000);
	big = malloc(70000);
	assert_non_null(big);
	memset(big, 'x', 70000);
	assert_int_equal(buf_add(b, big, 70000), 0);
	free(big);
	assert_int_equal(b->len, 70000);
	assert_true(b->cap >= 70001);
	assert_true(b->cap <= 100001);
	assert_int_equal(b->data[69999], 'x');
	assert_int_equal(b->data[70000], '\0');
}

static void
t_buf_add_exact_max(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 10);
	assert_int_equal(buf_add(b, "0123456789", 10), 0);
	assert_int_equal(b->len, 10);
	assert_string_equal(b->data, "0123456789");
	/* The cap never exceeds the maximum plus the terminator. */
	assert_int_equal(b->cap, 11);
}

static void
t_buf_add_max_bad(void **state)
{
	struct buf	*b = *state;
	char		*before;
	size_t		 cap;

	buf_init(b, 10);
	assert_int_equal(buf_adds(b, "hello"), 0);
	before = b->data;
	cap = b->cap;
	assert_int_equal(buf_add(b, "world!", 6), -1);
	assert_int_equal(b->len, 5);
	assert_ptr_equal(b->data, before);
	assert_int_equal(b->cap, cap);
	assert_string_equal(b->data, "hello");
	/* Still usable up to the maximum. */
	assert_int_equal(buf_add(b, "world", 5), 0);
	assert_string_equal(b->data, "helloworld");
	assert_int_equal(buf_add(b, "!", 1), -1);
	assert_string_equal(b->data, "helloworld");
	assert_int_equal(b->len, 10);
}

static void
t_buf_add_first_over_max_bad(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 4);
	assert_int_equal(buf_adds(b, "12345"), -1);
	assert_null(b->data);
	assert_int_equal(b->len, 0);
	assert_int_equal(b->cap, 0);
}

static void
t_buf_add_overflow_bad(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 64);
	assert_int_equal(buf_adds(b, "abc"), 0);
	/* A length near SIZE_MAX must not wrap the size check. */
	assert_int_equal(buf_add(b, "x", SIZE_MAX), -1);
	assert_int_equal(buf_add(b, "x", SIZE_MAX - 2), -1);
	assert_int_equal(b->len, 3);
	assert_string_equal(b->data, "abc");
}

static void
t_buf_add_zero_max_bad(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 0);
	assert_int_equal(buf_adds(b, "a"), -1);
	assert_int_equal(b->len, 0);
}

static void
t_buf_add_empty(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 16);
	assert_int_equal(buf_add(b, NULL, 0), 0);
	assert_non_null(b->data);
	assert_string_equal(b->data, "");
	assert_int_equal(b->len, 0);
	assert_int_equal(buf_adds(b, ""), 0);
	assert_int_equal(b->len, 0);
}

static void
t_buf_add_binary(void **state)
{
	struct buf	*b = *state;
	const char	 bytes[] = { 'a', '\0', 'b', '\xff' };

	buf_init(b, 16);
	assert_int_equal(buf_add(b, bytes, sizeof(bytes)), 0);
	assert_int_equal(b->len, 4);
	assert_memory_equal(b->data, bytes, sizeof(bytes));
	assert_int_equal(b->data[4], '\0');
}

static void
t_buf_addf(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 256);
	assert_int_equal(buf_adds(b, "n="), 0);
	assert_int_equal(buf_addf(b, "%d-%s-%05.1f", 42, "x", 3.14159), 0);
	assert_string_equal(b->data, "n=42-x-003.1");
	assert_int_equal(b->len, strlen("n=42-x-003.1"));
	assert_int_equal(buf_addf(b, "%s", ""), 0);
	assert_int_equal(b->len, strlen("n=42-x-003.1"));
	assert_int_equal(buf_addf(b, "[%zu]", (size_t)7), 0);
	assert_string_equal(b->data, "n=42-x-003.1[7]");
}

static void
t_buf_addf_grow(void **state)
{
	struct buf	*b = *state;
	size_t		 i;

	buf_init(b, 100000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_addf(b, "%04zu,", i), 0);
	assert_int_equal(b->len, 5000);
	assert_memory_equal(b->data, "0000,0001,", 10);
	assert_string_equal(b->data + 4995, "0999,");
}

static void
t_buf_addf_exact_max(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 5);
	assert_int_equal(buf_addf(b, "%05d", 42), 0);
	assert_string_equal(b->data, "00042");
	assert_int_equal(b->len, 5);
}

static void
t_buf_addf_max_bad(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 8);
	assert_int_equal(buf_adds(b, "abc"), 0);
	assert_int_equal(buf_addf(b, "%s", "123456"), -1);
	assert_int_equal(b->len, 3);
	assert_string_equal(b->data, "abc");
	assert_int_equal(buf_addf(b, "%d", 12345), 0);
	assert_string_equal(b->data, "abc12345");
}

static void
t_buf_clear(void **state)
{
	struct buf	*b = *state;
	char		*before;
	size_t		 cap;

	buf_init(b, 1024);
	buf_clear(b);	/* clearing an empty buffer is fine */
	assert_null(b->data);
	assert_int_equal(b->len, 0);
	assert_int_equal(buf_adds(b, "some text"), 0);
	before = b->data;
	cap = b->cap;
	buf_clear(b);
	assert_int_equal(b->len, 0);
	assert_ptr_equal(b->data, before);
	assert_int_equal(b->cap, cap);
	assert_string_equal(b->data, "");
	assert_int_equal(buf_adds(b, "new"), 0);
	assert_string_equal(b->data, "new");
}

static void
t_buf_release(void **state)
{
	struct buf	*b = *state;

	buf_init(b, 1024);
	assert_int_equal(buf_adds(b, "some text"), 0);
	buf_release(b);
	assert_null(b->data);
	assert_int_equal(b->len, 0);
	assert_int_equal(b->cap, 0);
	assert_int_equal(b->max, 1024);
	/* Releasing twice is harmless, and the buffer works again. */
	buf_release(b);
	assert_int_equal(buf_adds(b, "again"), 0);
	assert_string_equal(b->data, "again");
}

/* A file appended whole; ENOENT for none; EFBIG past the maximum. */
static void
t_buf_add_file(void **state)
{
	struct buf	*b = *state;
	char		 path[] = "/tmp/test-buf-XXXXXX";
	int		 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, "key 1 abc\n", 10), 10);
	close(fd);
	buf_init(b, 64);
	assert_int_equal(buf_adds(b, ">"), 0);
	assert_int_equal(buf_add_file(b, path), 0);
	assert_string_equal(b->data, ">key 1 abc\n");
	buf_release(b);
	buf_init(b, 4);
	errno = 0;
	assert_int_equal(buf_add_file(b, path), -1);
	assert_int_equal(errno, EFBIG);
	unlink(path);
	errno = 0;
	assert_int_equal(buf_add_file(b, path), -1);
	assert_int_equal(errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_buf_init),
		T(t_buf_add_file),
		T(t_buf_add_grow),
		T(t_buf_add_large_once),
		T(t_buf_add_exact_max),
		T(t_buf_add_max_bad),
		T(t_buf_add_first_over_max_bad),
		T(t_buf_add_overflow_bad),
		T(t_buf_add_zero_max_bad),
		T(t_buf_add_empty),
		T(t_buf_add_binary),
		T(t_buf_addf),
		T(t_buf_addf_grow),
		T(t_buf_addf_exact_max),
		T(t_buf_addf_max_bad),
		T(t_buf_clear),
		T(t_buf_release),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
