/* Unit tests for lib/router: matching, captures, 404 and 405 with Allow. */
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
#include "lib/mem.h"
#include "lib/router.h"

static int
h_verify(struct ctx *c)
{
	(void)c;
	return 0;
}

static int
h_users(struct ctx *c)
{
	(void)c;
	return 0;
}

static int
h_me_get(struct ctx *c)
{
	(void)c;
	return 0;
}

static int
h_me_patch(struct ctx *c)
{
	(void)c;
	return 0;
}

static int
h_pair(struct ctx *c)
{
	(void)c;
	return 0;
}

static const struct route table[] = {
	{ HTTP_POST, "/api/v1/users/{id}/verify", h_verify, 0 },
	{ HTTP_POST, "/api/v1/users", h_users, 0 },
	{ HTTP_GET, "/api/v1/me", h_me_get, 0 },
	{ HTTP_PATCH, "/api/v1/me", h_me_patch, ROUTE_PUBLIC },
	{ HTTP_GET, "/api/v1/a/{x}/b/{y}", h_pair, 0 },
};

#define NROUTES	(sizeof(table) / sizeof(table[0]))

/* One lookup's inputs and outputs; the arena holds the captures. */
struct fixture {
	struct arena		 arena;
	const struct route	*r;
	const char		*caps[CTX_MAX_CAPS];
	size_t			 ncaps;
	char			 allow[128];
};

static int
setup(void **state)
{
	struct fixture	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	arena_init(&t->arena);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*t = *state;

	arena_release(&t->arena);
	free(t);
	return 0;
}

static enum router_rc
route(struct fixture *t, enum http_method m, const char *path)
{
	t->r = NULL;
	t->ncaps = 99;
	memset(t->allow, 'X', sizeof(t->allow));
	return router_match(table, NROUTES, m, path, &t->arena, &t->r, t->caps,
	    &t->ncaps, t->allow, sizeof(t->allow));
}

static void
assert_not_found(struct fixture *t, enum http_method m, const char *path)
{
	if (route(t, m, path) != ROUTER_NOT_FOUND)
		fail_msg("path '%s' matched", path);
	assert_null(t->r);
	assert_string_equal(t->allow, "");
}

static void
t_router_capture(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(route(t, HTTP_POST, "/api/v1/users/abc123/verify"),
	    ROUTER_OK);
	assert_ptr_equal(t->r, &table[0]);
	assert_ptr_equal(t->r->fn, h_verify);
	assert_int_equal(t->ncaps, 1);
	assert_string_equal(t->caps[0], "abc123");
}

static void
t_router_capture_chars(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(route(t, HTTP_POST,
	    "/api/v1/users/AZaz09_-/verify"), ROUTER_OK);
	assert_string_equal(t->caps[0], "AZaz09_-");
}

static void
t_router_two_captures(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(route(t, HTTP_GET, "/api/v1/a/one/b/two"), ROUTER_OK);
	assert_ptr_equal(t->r, &table[4]);
	assert_int_equal(t->ncaps, 2);
	assert_string_equal(t->caps[0], "one");
	assert_string_equal(t->caps[1], "two");
}

static void
t_router_static(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(route(t, HTTP_POST, "/api/v1/users"), ROUTER_OK);
	assert_ptr_equal(t->r, &table[1]);
	assert_int_equal(t->ncaps, 0);
	assert_int_equal(route(t, HTTP_GET, "/api/v1/me"), ROUTER_OK);
	assert_ptr_equal(t->r, &table[2]);
	assert_int_equal(route(t, HTTP_PATCH, "/api/v1/me"), ROUTER_OK);
	assert_ptr_equal(t->r, &table[3]);
	assert_int_equal(t->r->flags, ROUTE_PUBLIC);
}

static void
t_router_head(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(route(t, HTTP_HEAD, "/api/v1/me"), ROUTER_OK);
	assert_ptr_equal(t->r, &table[2]);
	assert_int_equal(route(t, HTTP_HEAD, "/api/v1/a/x/b/y"), ROUTER_OK);
	assert_ptr_equal(t->r, &table[4]);
	/* HEAD stands in for GET only. */
	assert_int_equal(route(t, HTTP_HEAD, "/api/v1/users"), ROUTER_BAD_METHOD);
	assert_string_equal(t->allow, "POST");
}

static void
t_router_method_bad(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(route(t, HTTP_DELETE, "/api/v1/me"), ROUTER_BAD_METHOD);
	assert_null(t->r);
	assert_string_equal(t->allow, "GET, PATCH");
	assert_int_equal(route(t, HTTP_GET, "/api/v1/users/abc/verify"),
	    ROUTER_BAD_METHOD);
	assert_string_equal(t->allow, "POST");
	assert_int_equal(route(t, HTTP_POST, "/api/v1/me"), ROUTER_BAD_METHOD);
	assert_string_equal(t->allow, "GET, PATCH");
	assert_int_equal(route(t, HTTP_OTHER, "/api/v1/me"), ROUTER_BAD_METHOD);
	assert_int_equal(route(t, HTTP_OPTIONS, "/api/v1/users"),
	    ROUTER_BAD_METHOD);
	assert_string_equal(t->allow, "POST");
}

static void
t_router_allow_small(void **state)
{
	struct fixture	*t = *state;
	char		 allow[5];

	memset(allow, 'X', sizeof(allow));
	assert_int_equal(router_match(table, NROUTES, HTTP_DELETE, "/api/v1/me",
	    &t->arena, &t->r, t->caps, &t->ncaps, allow, sizeof(allow)),
	    ROUTER_BAD_METHOD);
	assert_true(memchr(allow, '\0', sizeof(allow)) != NULL);
	assert_true(strncmp("GET, PATCH", allow, strlen(allow)) == 0);
	/* No room at all is still an answer. */
	assert_int_equal(router_match(table, NROUTES, HTTP_DELETE, "/api/v1/me",
	    &t->arena, &t->r, t->caps, &t->ncaps, NULL, 0), ROUTER_BAD_METHOD);
}

static void
t_router_not_found_bad(void **state)
{
	struct fixture	*t = *state;

	assert_not_found(t, HTTP_GET, "/api/v1/nope");
	assert_not_found(t, HTTP_GET, "/");
	assert_not_found(t, HTTP_GET, "");
	assert_not_found(t, HTTP_GET, "/api/v1");
	assert_not_found(t, HTTP_GET, "/api/v1/m");
	assert_not_found(t, HTTP_GET, "/api/v1/mex");
	assert_not_found(t, HTTP_GET, "/API/V1/ME");
	assert_not_found(t, HTTP_GET, "api/v1/me");
	assert_not_found(t, HTTP_GET, "//api/v1/me");
	assert_not_found(t, HTTP_POST, "/api/v1/users/abc");
	assert_not_found(t, HTTP_POST, "/api/v1/users/abc/verifyx");
	assert_not_found(t, HTTP_POST, "/api/v1/users/abc/verify/more");
	assert_not_found(t, HTTP_GET, "/api/v1/a/one/b");
	assert_not_found(t, HTTP_GET, "/api/v1/a/one/b/");
}

static void
t_router_trailing_slash_bad(void **state)
{
	struct fixture	*t = *state;

	assert_not_found(t, HTTP_GET, "/api/v1/me/");
	assert_not_found(t, HTTP_POST, "/api/v1/users/");
	assert_not_found(t, HTTP_POST, "/api/v1/users/abc/verify/");
}

static void
t_router_capture_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*bad[] = {
		"/api/v1/users//verify",		/* empty */
		"/api/v1/users/a.b/verify",
		"/api/v1/users/../verify",
		"/api/v1/users/a b/verify",
		"/api/v1/users/a%20b/verify",
		"/api/v1/users/a:b/verify",
		"/api/v1/users/a+b/verify",
		"/api/v1/users/a;b/verify",
		"/api/v1/users/\xc3\xa9/verify",
		"/api/v1/users/a\nb/verify",
		"/api/v1/users/a/b/verify",		/* two segments */
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_not_found(t, HTTP_POST, bad[i]);
}

static void
t_router_capture_length(void **state)
{
	struct fixture	*t = *state;
	char		 path[256], seg[80];

	memset(seg, 'a', 64);
	seg[64] = '\0';
	snprintf(path, sizeof(path), "/api/v1/users/%s/verify", seg);
	assert_int_equal(route(t, HTTP_POST, path), ROUTER_OK);
	assert_int_equal(strlen(t->caps[0]), 64);
	assert_string_equal(t->caps[0], seg);
}

static void
t_router_capture_length_bad(void **state)
{
	struct fixture	*t = *state;
	char		 path[256], seg[80];

	memset(seg, 'a', 65);
	seg[65] = '\0';
	snprintf(path, sizeof(path), "/api/v1/users/%s/verify", seg);
	assert_not_found(t, HTTP_POST, path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_router_capture),
		T(t_router_capture_chars),
		T(t_router_two_captures),
		T(t_router_static),
		T(t_router_head),
		T(t_router_method_bad),
		T(t_router_allow_small),
		T(t_router_not_found_bad),
		T(t_router_trailing_slash_bad),
		T(t_router_capture_bad),
		T(t_router_capture_length),
		T(t_router_capture_length_bad),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
