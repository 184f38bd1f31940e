/*
 * Unit tests for lib/cors: exact origin matching (no prefix, suffix,
 * case or trailing-slash tricks), the config check, and the headers and
 * preflight answers of cors_apply.
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

#include "lib/cfg.h"
#include "lib/cors.h"
#include "lib/ctx.h"
#include "lib/http.h"
#include "lib/mem.h"

#define LIST	"http://127.0.0.1:8080, https://app.example.com\thttp://[::1]:3000"

static void
t_cors_match_exact(void **state)
{
	(void)state;
	assert_true(cors_origin_allowed(LIST, "http://127.0.0.1:8080"));
	assert_true(cors_origin_allowed(LIST, "https://app.example.com"));
	assert_true(cors_origin_allowed(LIST, "http://[::1]:3000"));
	assert_true(cors_origin_allowed("http://a.test", "http://a.test"));
}

static void
t_cors_match_tricks_bad(void **state)
{
	static const char *const bad[] = {
		"http://127.0.0.1:80801",	/* a longer port */
		"http://127.0.0.1:808",		/* a prefix */
		"http://127.0.0.1",		/* no port */
		"http://evil.127.0.0.1:8080",	/* a subdomain */
		"http://127.0.0.1:8080.evil.test",
		"https://127.0.0.1:8080",	/* another scheme */
		"http://127.0.0.1:8080/",	/* trailing slash */
		"HTTP://127.0.0.1:8080",	/* case */
		"https://APP.example.com",
		"https://app.example.com.",
		"https://evilapp.example.com",
		"https://app.example.co",
		" http://127.0.0.1:8080",
		"http://127.0.0.1:8080, https://app.example.com",
		"null",
		"*",
		"",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cors_origin_allowed(LIST, bad[i]))
			fail_msg("'%s' matched", bad[i]);
	assert_false(cors_origin_allowed(LIST, NULL));
	assert_false(cors_origin_allowed(NULL, "http://127.0.0.1:8080"));
	assert_false(cors_origin_allowed("", "http://127.0.0.1:8080"));
	assert_false(cors_origin_allowed(" , ", ""));
}

static void
t_cors_valid(void **state)
{
	static const char *const good[] = {
		"http://127.0.0.1:8080", "https://app.example.com",
		"http://localhost", "https://a-b.c.example:65535",
		"http://[::1]:3000", "http://[fe80::1]",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!cors_origin_valid(good[i], strlen(good[i])))
			fail_msg("'%s' refused", good[i]);
}

static void
t_cors_valid_bad(void **state)
{
	static const char *const bad[] = {
		"*", "null", "http://", "https://", "ftp://a.test",
		"http://a.test/", "http://a.test/app", "http://A.test",
		"HTTPS://a.test", "http://a.test:", "http://a.test:0",
		"http://a.test:080", "http://a.test:65536", "http://a.test:8x",
		"http://*.a.test", "http://a..test", "http://.a.test",
		"http://a.test.", "http://user@a.test", "http://a.test?x",
		"http://a.test#x", "//a.test", "a.test", "http://[::1",
		"http://[]", "http://[::g]", "http://a_b.test",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cors_origin_valid(bad[i], strlen(bad[i])))
			fail_msg("'%s' accepted", bad[i]);
}

static void
t_cors_list_check(void **state)
{
	const char	*bad = NULL;
	size_t		 n = 0;

	(void)state;
	assert_int_equal(cors_list_check(NULL, &bad, &n), 0);
	assert_int_equal(cors_list_check("", &bad, &n), 0);
	assert_int_equal(cors_list_check(LIST, &bad, &n), 0);
	assert_int_equal(cors_list_check("http://a.test, *", &bad, &n), -1);
	assert_int_equal(n, 1);
	assert_memory_equal(bad, "*", 1);
	assert_int_equal(cors_list_check("http://a.test/ http://b.test",
	    &bad, &n), -1);
	assert_int_equal(n, strlen("http://a.test/"));
}

/* cfg_load of a file holding text: its return value. */
static int
load(const char *text)
{
	struct cfg	 cfg;
	char		 path[64];
	int		 fd, rc;

	snprintf(path, sizeof(path), "/tmp/concierge-test-cors-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg_defaults(&cfg);
	rc = cfg_load(&cfg, path);
	cfg_release(&cfg);
	unlink(path);
	return rc;
}

/* The config refuses a wildcard and anything but exact origins. */
static void
t_cors_config(void **state)
{
	struct cfg	 cfg;

	(void)state;
	cfg_defaults(&cfg);
	assert_null(cfg.cors_allowed_origins);
	assert_int_equal(cfg.cors_max_age_seconds, 600);
	cfg_release(&cfg);
	assert_int_equal(load("cors.allowed_origins = " LIST "\n"), 0);
	assert_int_equal(load("cors.allowed_origins =\n"), 0);
	assert_int_equal(load("cors.allowed_origins = *\n"), -1);
	assert_int_equal(load("cors.allowed_origins = http://a.test, *\n"), -1);
	assert_int_equal(load("cors.allowed_origins = http://*.a.test\n"), -1);
	assert_int_equal(load("cors.allowed_origins = http://a.test/\n"), -1);
	assert_int_equal(load("cors.allowed_origins = null\n"), -1);
	assert_int_equal(load("cors.max_age_seconds = 86401\n"), -1);
}

/* ---- cors_apply on a hand-built request ---- */

struct fixture {
	struct arena		 arena;
	struct cfg		 cfg;
	struct http_req		 req;
	struct http_resp	 resp;
	struct http_io		 io;
	struct ctx		 c;
	const char		*origin;
	const char		*acrm;
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fixture	*t = ctx;

	if (strcmp(name, "HTTP_ORIGIN") == 0)
		return t->origin;
	if (strcmp(name, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") == 0)
		return t->acrm;
	return NULL;
}

static int
setup(void **state)
{
	struct fixture	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	arena_init(&t->arena);
	cfg_defaults(&t->cfg);
	t->cfg.cors_allowed_origins = xstrdup(LIST);
	http_resp_init(&t->resp, 1 << 16);
	t->resp.status = 0;
	t->io.ctx = t;
	t->io.param = fake_param;
	t->req.method = HTTP_GET;
	t->c.arena = &t->arena;
	t->c.cfg = &t->cfg;
	t->c.io = &t->io;
	t->c.req = &t->req;
	t->c.resp = &t->resp;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*t = *state;

	http_resp_release(&t->resp);
	cfg_release(&t->cfg);
	arena_release(&t->arena);
	free(t);
	return 0;
}

/* The reply's extra header lines, both kinds, as one string. */
static const char *
headers(struct fixture *t)
{
	return arena_printf(&t->arena, "%.*s%s", (int)t->resp.headers.len,
	    t->resp.headers.len ? t->resp.headers.data : "",
	    t->resp.runtime_headers ? t->resp.runtime_headers : "");
}

static void
t_cors_apply_allowed(void **state)
{
	struct fixture	*t = *state;
	const char	*h;

	t->origin = "http://127.0.0.1:8080";
	assert_int_equal(cors_apply(&t->c), 0);
	/* A handler's reply resets its headers; the CORS lines stay. */
	http_resp_init(&t->resp, 1 << 16);
	h = headers(t);
	assert_non_null(strstr(h, "Vary: Origin\r\n"));
	assert_non_null(strstr(h,
	    "Access-Control-Allow-Origin: http://127.0.0.1:8080\r\n"));
	assert_non_null(strstr(h, "Access-Control-Expose-Headers: X-Request-Id"));
	assert_null(strstr(h, "Credentials"));
	assert_null(strstr(h, "*"));
}

static void
t_cors_apply_refused(void **state)
{
	struct fixture	*t = *state;
	const char	*h;

	t->origin = "http://127.0.0.1:80801";
	assert_int_equal(cors_apply(&t->c), 0);
	h = headers(t);
	assert_string_equal(h, "Vary: Origin\r\n");
	t->origin = NULL;
	assert_int_equal(cors_apply(&t->c), 0);
	assert_string_equal(headers(t), "Vary: Origin\r\n");
}

static void
t_cors_apply_off(void **state)
{
	struct fixture	*t = *state;

	free(t->cfg.cors_allowed_origins);
	t->cfg.cors_allowed_origins = NULL;
	t->origin = "http://127.0.0.1:8080";
	t->acrm = "POST";
	t->req.method = HTTP_OPTIONS;
	assert_int_equal(cors_apply(&t->c), 0);
	assert_null(t->resp.runtime_headers);
	assert_int_equal(t->resp.headers.len, 0);
	assert_int_equal(t->resp.status, 0);
}

static void
t_cors_preflight(void **state)
{
	struct fixture	*t = *state;
	const char	*h;

	t->origin = "https://app.example.com";
	t->acrm = "POST";
	t->req.method = HTTP_OPTIONS;
	assert_int_equal(cors_apply(&t->c), 1);
	assert_int_equal(t->resp.status, 204);
	assert_int_equal(t->resp.body.len, 0);
	h = headers(t);
	assert_non_null(strstr(h,
	    "Access-Control-Allow-Origin: https://app.example.com\r\n"));
	assert_non_null(strstr(h, "Access-Control-Allow-Methods: GET, POST, "
	    "PUT, PATCH, DELETE\r\n"));
	assert_non_null(strstr(h, "Access-Control-Allow-Headers: Authorization,"
	    " Content-Type, Idempotency-Key"));
	assert_non_null(strstr(h, "Access-Control-Max-Age: 600\r\n"));
	assert_non_null(strstr(h, "Vary: Origin\r\n"));
	assert_null(strstr(h, "Credentials"));
}

static void
t_cors_preflight_refused(void **state)
{
	struct fixture	*t = *state;

	t->origin = "http://evil.127.0.0.1:8080";
	t->acrm = "POST";
	t->req.method = HTTP_OPTIONS;
	assert_int_equal(cors_apply(&t->c), 1);
	assert_int_equal(t->resp.status, 403);
	assert_string_equal(headers(t), "Vary: Origin\r\n");
	assert_non_null(strstr(t->resp.body.data, "cors_origin_refused"));
}

/* OPTIONS without Access-Control-Request-Method is not a preflight. */
static void
t_cors_options_plain(void **state)
{
	struct fixture	*t = *state;

	t->origin = "https://app.example.com";
	t->req.method = HTTP_OPTIONS;
	assert_int_equal(cors_apply(&t->c), 0);
	assert_int_equal(t->resp.status, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_cors_match_exact),
		cmocka_unit_test(t_cors_match_tricks_bad),
		cmocka_unit_test(t_cors_valid),
		cmocka_unit_test(t_cors_valid_bad),
		cmocka_unit_test(t_cors_list_check),
		cmocka_unit_test(t_cors_config),
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_cors_apply_allowed),
		T(t_cors_apply_refused),
		T(t_cors_apply_off),
		T(t_cors_preflight),
		T(t_cors_preflight_refused),
		T(t_cors_options_plain),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
