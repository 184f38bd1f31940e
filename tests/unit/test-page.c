/*
 * Unit tests for lib/page: ?limit= and ?cursor= parsing, and cursors
 * read back whatever sort key a list put in them.
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

#include "lib/ctx.h"
#include "lib/http.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/page.h"

#define ID_A	"abcdefghijklmnopqrstuvwxyz"

struct fixture {
	struct arena		 arena;
	struct http_req		 req;
	struct http_resp	 resp;
	struct ctx		 c;
};

static struct fixture	 t;

static const char *
query_param(void *ctx, const char *name)
{
	return strcmp(name, "QUERY_STRING") == 0 ? ctx : NULL;
}

/* page_parse of a request whose query string is q. */
static int
parse(const char *q, struct page *p)
{
	struct http_io	 io = { (void *)(uintptr_t)q, query_param, NULL, NULL,
			    NULL };

	arena_reset(&t.arena);
	http_resp_init(&t.resp, 1 << 20);
	memset(&t.c, 0, sizeof(t.c));
	t.c.arena = &t.arena;
	t.c.req = &t.req;
	t.c.resp = &t.resp;
	http_req_parse(&t.req, &io, &t.arena);
	return page_parse(&t.c, p);
}

/* page_parse(page_cursor(key)) gives key back. */
static void
assert_round_trip(const char *key)
{
	struct page	 p;
	char		*query;

	arena_reset(&t.arena);
	t.c.arena = &t.arena;
	query = xstrdup(arena_printf(&t.arena, "limit=5&cursor=%s",
	    page_cursor(&t.c, key)));
	if (parse(query, &p) != 0)
		fail_msg("cursor of a %zu-byte key (%zu characters) refused: %s",
		    strlen(key), strlen(query) - 15, t.resp.body.data);
	assert_non_null(p.after);
	assert_string_equal(p.after, key);
	assert_int_equal(p.limit, 5);
	free(query);
}

static int
setup(void **state)
{
	(void)state;
	memset(&t, 0, sizeof(t));
	arena_init(&t.arena);
	http_resp_init(&t.resp, 1 << 20);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_resp_release(&t.resp);
	arena_release(&t.arena);
	return 0;
}

static void
t_page_limit(void **state)
{
	struct page	 p;

	(void)state;
	assert_int_equal(parse("", &p), 0);
	assert_int_equal(p.limit, PAGE_DEFAULT);
	assert_null(p.after);
	assert_int_equal(parse("limit=100", &p), 0);
	assert_int_equal(p.limit, 100);
	assert_int_equal(parse("limit=1", &p), 0);
	assert_int_equal(p.limit, 1);
	assert_int_equal(parse("limit=0", &p), -1);
	assert_int_equal(t.resp.status, 422);
	assert_non_null(strstr(t.resp.body.data, "\"field\":\"limit\""));
	assert_int_equal(parse("limit=101", &p), -1);
	assert_int_equal(parse("limit=5x", &p), -1);
	assert_int_equal(parse("limit=", &p), -1);
}

static void
t_page_cursor(void **state)
{
	(void)state;
	assert_round_trip("2026-11-22 14:30:00.000000|" ID_A);
	assert_round_trip(ID_A "|Ana Lima");
	assert_round_trip("x");
}

static void
t_page_cursor_bad(void **state)
{
	static const char *const bad[] = {
		"cursor=",		/* empty */
		"cursor=AA",		/* a NUL byte */
		"cursor=AB",		/* not canonical */
		"cursor=A",		/* no byte at all */
		"cursor=%41%2",		/* bad percent-encoding: no cursor */
		"cursor=YQ==",		/* padding */
		"cursor=a+b",
	};
	struct page	 p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &p) == 0 && p.after != NULL)
			fail_msg("'%s' read as '%s'", bad[i], p.after);
	}
	assert_int_equal(parse("cursor=AA", &p), -1);
	assert_int_equal(t.resp.status, 422);
	assert_non_null(strstr(t.resp.body.data, "\"field\":\"cursor\""));
}

/*
 * Found by tests/fuzz/fuzz-page (corpus: key-long-name): patients and
 * providers page by "id|full_name", and a 200-character name of 3- or
 * 4-byte characters made a cursor longer than page_parse took, so the
 * next page of a search answered 422.
 */
static void
t_page_cursor_long_key(void **state)
{
	char	 key[PAGE_KEY_MAX + 1];
	size_t	 i, n;

	(void)state;
	/* id | 200 x U+6F22 (3 bytes each) */
	n = (size_t)snprintf(key, sizeof(key), "%s|", ID_A);
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(key + n, sizeof(key) - n, "\xe6\xbc\xa2");
	assert_round_trip(key);
	/* id | 200 x U+1F600 (4 bytes each): the longest name there is. */
	n = (size_t)snprintf(key, sizeof(key), "%s|", ID_A);
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(key + n, sizeof(key) - n, "\xf0\x9f\x98\x80");
	assert_round_trip(key);
	/* And any key up to PAGE_KEY_MAX bytes. */
	memset(key, 'k', PAGE_KEY_MAX);
	key[PAGE_KEY_MAX] = '\0';
	assert_round_trip(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_page_limit),
		cmocka_unit_test(t_page_cursor),
		cmocka_unit_test(t_page_cursor_bad),
		cmocka_unit_test(t_page_cursor_long_key),
	};

	log_init("test-page", LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
