/*
 * Unit tests for lib/http: request parsing from CGI parameters through a
 * fake struct http_io, body reading under limits, and response writing.
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

#include "lib/buf.h"
#include "lib/http.h"
#include "lib/mem.h"

/* The fake FastCGI side: a parameter table, a body to serve, captured output. */
struct fake {
	const char *const	*params;	/* name, value, ..., NULL */
	const char		*body;
	size_t			 body_len;
	size_t			 off;
	size_t			 chunk;		/* bytes per read; 0: all */
	int			 is_read_error;
	int			 is_write_error;
	size_t			 nreads;
	struct buf		 out;
};

/* Everything a test touches, released in teardown. */
struct fixture {
	struct fake		 fake;
	struct http_io		 io;
	struct arena		 arena;
	struct http_req		 req;
	struct http_resp	 resp;
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	size_t		 i;

	if (f->params == NULL)
		return NULL;
	for (i = 0; f->params[i] != NULL; i += 2)
		if (strcmp(f->params[i], name) == 0)
			return f->params[i + 1];
	return NULL;
}

static long
fake_read(void *ctx, char *p, size_t n)
{
	struct fake	*f = ctx;
	size_t		 left = f->body_len - f->off;

	f->nreads++;
	if (f->is_read_error)
		return -1;
	if (n > left)
		n = left;
	if (f->chunk > 0 && n > f->chunk)
		n = f->chunk;
	if (n == 0)
		return 0;
	memcpy(p, f->body + f->off, n);
	f->off += n;
	return (long)n;
}

static int
fake_write(void *ctx, const void *p, size_t n)
{
	struct fake	*f = ctx;

	if (f->is_write_error)
		return -1;
	return buf_add(&f->out, p, n);
}

static int
fake_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
setup(void **state)
{
	struct fixture	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	t->io.ctx = &t->fake;
	t->io.param = fake_param;
	t->io.read = fake_read;
	t->io.write = fake_write;
	t->io.flush = fake_flush;
	buf_init(&t->fake.out, 1 << 20);
	arena_init(&t->arena);
	http_resp_init(&t->resp, 4096);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*t = *state;

	buf_release(&t->fake.out);
	http_resp_release(&t->resp);
	arena_release(&t->arena);
	free(t);
	return 0;
}

/* Parse a request from a NULL-terminated name, value list. */
static struct http_req *
parse(struct fixture *t, const char *const *params)
{
	t->fake.params = params;
	http_req_parse(&t->req, &t->io, &t->arena);
	return &t->req;
}

/* Parse a request with only QUERY_STRING set. */
static struct http_req *
parse_query(struct fixture *t, const char *query)
{
	const char	*p[] = { "QUERY_STRING", query, NULL };

	t->fake.params = p;
	http_req_parse(&t->req, &t->io, &t->arena);
	t->fake.params = NULL;
	return &t->req;
}

static void
set_body(struct fixture *t, const char *body, size_t chunk)
{
	t->fake.body = body;
	t->fake.body_len = strlen(body);
	t->fake.off = 0;
	t->fake.chunk = chunk;
}

static void
t_http_method(void **state)
{
	static const struct {
		const char		*name;
		enum http_method	 m;
	} v[] = {
		{ "GET", HTTP_GET }, { "POST", HTTP_POST }, { "PUT", HTTP_PUT },
		{ "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE },
		{ "HEAD", HTTP_HEAD }, { "OPTIONS", HTTP_OPTIONS },
	};
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_METHOD", NULL, NULL };
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		p[1] = v[i].name;
		assert_int_equal(parse(t, p)->method, v[i].m);
		assert_string_equal(t->req.method_name, v[i].name);
	}
}

static void
t_http_method_other_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_METHOD", NULL, NULL };
	const char	*bad[] = { "BREW", "get", "Post", "GETX", "TRACE", " GET" };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p[1] = bad[i];
		assert_int_equal(parse(t, p)->method, HTTP_OTHER);
		assert_string_equal(t->req.method_name, bad[i]);
	}
}

static void
t_http_defaults(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "HTTP_USER_AGENT", "", NULL };
	struct http_req	*r = parse(t, p);

	assert_int_equal(r->method, HTTP_GET);
	assert_string_equal(r->method_name, "GET");
	assert_string_equal(r->path, "/");
	assert_string_equal(r->query, "");
	assert_int_equal(r->nqv, 0);
	assert_int_equal(r->is_query_bad, 0);
	assert_null(r->content_type);
	assert_int_equal(r->content_length, -1);
	assert_null(r->authorization);
	assert_null(r->user_agent);	/* empty means absent */
	assert_null(r->request_id);
	assert_string_equal(r->remote_addr, "");
	assert_null(r->body);
	assert_int_equal(r->body_len, 0);
}

static void
t_http_headers(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = {
		"HTTP_AUTHORIZATION", "Bearer abc",
		"HTTP_IDEMPOTENCY_KEY", "k1",
		"HTTP_USER_AGENT", "curl/8",
		"HTTP_ACCEPT", "application/json",
		"HTTP_LAST_EVENT_ID", "42",
		"HTTP_X_FILENAME", "scan.pdf",
		"REMOTE_ADDR", "192.0.2.1",
		"REQUEST_ID", "rid-1",
		NULL,
	};
	struct http_req	*r = parse(t, p);

	assert_string_equal(r->authorization, "Bearer abc");
	assert_string_equal(r->idempotency_key, "k1");
	assert_string_equal(r->user_agent, "curl/8");
	assert_string_equal(r->accept, "application/json");
	assert_string_equal(r->last_event_id, "42");
	assert_string_equal(r->filename, "scan.pdf");
	assert_string_equal(r->remote_addr, "192.0.2.1");
	assert_string_equal(r->request_id, "rid-1");
}

static void
t_http_path_document_uri(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = {
		"REQUEST_URI", "/other%20path?x=1",
		"DOCUMENT_URI", "/api/v1/me",
		"PATH_INFO", "/pathinfo",
		NULL,
	};

	assert_string_equal(parse(t, p)->path, "/api/v1/me");
}

static void
t_http_path_request_uri(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_URI", "/api/v1/a%20b%2Fc+d?x=%41", NULL };
	const char	*p2[] = { "REQUEST_URI", "/api/v1/users", NULL };
	const char	*p3[] = { "PATH_INFO", "/from/path/info", NULL };

	/* Decoded, without the query, and '+' is not a space in a path. */
	assert_string_equal(parse(t, p)->path, "/api/v1/a b/c+d");
	assert_string_equal(parse(t, p2)->path, "/api/v1/users");
	assert_string_equal(parse(t, p3)->path, "/from/path/info");
}

static void
t_http_query(void **state)
{
	struct fixture	*t = *state;
	struct http_req	*r = parse_query(t, "a=1&b=two&c=x%2By");

	assert_int_equal(r->is_query_bad, 0);
	assert_string_equal(r->query, "a=1&b=two&c=x%2By");	/* raw */
	assert_int_equal(r->nqv, 3);
	assert_string_equal(r->qv[0].name, "a");
	assert_string_equal(r->qv[0].value, "1");
	assert_string_equal(http_query(r, "b"), "two");
	assert_string_equal(http_query(r, "c"), "x+y");
	assert_null(http_query(r, "d"));
	assert_null(http_query(r, "A"));
}

static void
t_http_query_decode(void **state)
{
	struct fixture	*t = *state;
	struct http_req	*r = parse_query(t,
	    "q=hello+world&x=%41%62c&l=%4a%4A&%6e%61me=v&u=%C3%A9");

	assert_int_equal(r->is_query_bad, 0);
	assert_string_equal(http_query(r, "q"), "hello world");
	assert_string_equal(http_query(r, "x"), "Abc");
	assert_string_equal(http_query(r, "l"), "JJ");
	assert_string_equal(http_query(r, "name"), "v");
	assert_string_equal(http_query(r, "u"), "\xc3\xa9");
}

static void
t_http_query_first_wins(void **state)
{
	struct fixture	*t = *state;
	struct http_req	*r = parse_query(t, "a=1&a=2&b=3");

	assert_int_equal(r->nqv, 3);
	assert_string_equal(http_query(r, "a"), "1");
}

static void
t_http_query_empty(void **state)
{
	struct fixture	*t = *state;
	struct http_req	*r = parse_query(t, "&&a=&b&=v&c==&");

	assert_int_equal(r->is_query_bad, 0);
	assert_int_equal(r->nqv, 4);
	assert_non_null(http_query(r, "a"));
	assert_string_equal(http_query(r, "a"), "");
	assert_non_null(http_query(r, "b"));	/* no '=' at all */
	assert_string_equal(http_query(r, "b"), "");
	assert_string_equal(http_query(r, ""), "v");
	assert_string_equal(http_query(r, "c"), "=");
}

static void
t_http_query_pct_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*bad[] = {
		"a=%zz", "a=%4", "a=%", "a=%00", "a=%g1", "a=%1g", "%zz=1",
		"ok=1&a=%", "a=%%41", "a=1%0", "%=1", "a=%0%41",
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		arena_reset(&t->arena);
		if (!parse_query(t, bad[i])->is_query_bad)
			fail_msg("query '%s' not flagged bad", bad[i]);
	}
}

static void
t_http_query_pairs_max(void **state)
{
	struct fixture	*t = *state;
	struct buf	 q;
	size_t		 i;

	buf_init(&q, 4096);
	for (i = 0; i < 64; i++)
		assert_int_equal(buf_addf(&q, "%sk%zu=%zu", i ? "&" : "", i, i), 0);
	parse_query(t, q.data);
	buf_release(&q);
	assert_int_equal(t->req.is_query_bad, 0);
	assert_int_equal(t->req.nqv, 64);
	assert_string_equal(http_query(&t->req, "k63"), "63");
}

static void
t_http_query_pairs_bad(void **state)
{
	struct fixture	*t = *state;
	struct buf	 q;
	size_t		 i;

	buf_init(&q, 4096);
	for (i = 0; i < 65; i++)
		assert_int_equal(buf_addf(&q, "%sk%zu=%zu", i ? "&" : "", i, i), 0);
	parse_query(t, q.data);
	buf_release(&q);
	assert_int_equal(t->req.is_query_bad, 1);
	assert_true(t->req.nqv <= 64);
}

static void
t_http_urldecode(void **state)
{
	struct fixture	*t = *state;
	char		*s;

	s = http_urldecode(&t->arena, "a+b%20c", 7, 1);
	assert_non_null(s);
	assert_string_equal(s, "a b c");
	s = http_urldecode(&t->arena, "a+b%20c", 7, 0);
	assert_non_null(s);
	assert_string_equal(s, "a+b c");
	/* Only n bytes are read. */
	s = http_urldecode(&t->arena, "abc%41", 3, 0);
	assert_non_null(s);
	assert_string_equal(s, "abc");
	s = http_urldecode(&t->arena, "", 0, 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_null(http_urldecode(&t->arena, "abc%4", 5, 0));
	assert_null(http_urldecode(&t->arena, "%41%", 4, 0));
	assert_null(http_urldecode(&t->arena, "abc%41", 5, 0));	/* cut at n */
	assert_null(http_urldecode(&t->arena, "%00", 3, 0));
	assert_null(http_urldecode(&t->arena, "%-1", 3, 0));
	assert_null(http_urldecode(&t->arena, "% 1", 3, 0));
}

static void
t_http_content_type(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} v[] = {
		{ "Application/JSON; charset=utf-8", "application/json" },
		{ "application/json", "application/json" },
		{ "TEXT/Plain ;x=1", "text/plain" },
		{ "application/pdf\t; name=a", "application/pdf" },
		{ "multipart/form-data;boundary=X", "multipart/form-data" },
	};
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_TYPE", NULL, NULL };
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		p[1] = v[i].in;
		assert_non_null(parse(t, p)->content_type);
		assert_string_equal(t->req.content_type, v[i].out);
	}
}

static void
t_http_content_length(void **state)
{
	static const struct {
		const char	*in;
		long long	 out;
	} v[] = {
		{ "0", 0 }, { "12", 12 }, { "1048576", 1048576 },
		{ "abc", -1 }, { "-5", -1 }, { "12abc", -1 }, { "1.5", -1 },
		{ "99999999999999999999999", -1 }, { "", -1 }, { " ", -1 },
	};
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_LENGTH", NULL, NULL };
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		p[1] = v[i].in;
		if (parse(t, p)->content_length != v[i].out)
			fail_msg("CONTENT_LENGTH '%s': got %lld, want %lld",
			    v[i].in, t->req.content_length, v[i].out);
	}
}

static void
t_http_has_body(void **state)
{
	struct fixture	*t = *state;
	const char	*p1[] = { "REQUEST_METHOD", "POST", "CONTENT_LENGTH", "3",
	    NULL };
	const char	*p2[] = { "REQUEST_METHOD", "POST", "CONTENT_TYPE",
	    "application/json", NULL };
	const char	*p3[] = { "REQUEST_METHOD", "GET", NULL };
	const char	*p4[] = { "REQUEST_METHOD", "POST", "CONTENT_LENGTH", "0",
	    "CONTENT_TYPE", "application/json", NULL };

	assert_true(http_req_has_body(parse(t, p1)));
	assert_true(http_req_has_body(parse(t, p2)));
	assert_false(http_req_has_body(parse(t, p3)));
	assert_false(http_req_has_body(parse(t, p4)));
}

static void
t_http_body_exact(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_METHOD", "POST", "CONTENT_LENGTH", "11",
	    NULL };

	set_body(t, "hello world", 3);	/* arrives in pieces */
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 100),
	    HTTP_BODY_OK);
	assert_int_equal(t->req.body_len, 11);
	assert_non_null(t->req.body);
	assert_string_equal(t->req.body, "hello world");
}

static void
t_http_body_at_max(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_LENGTH", "10", NULL };

	set_body(t, "0123456789", 0);
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 10),
	    HTTP_BODY_OK);
	assert_int_equal(t->req.body_len, 10);
	assert_string_equal(t->req.body, "0123456789");
}

static void
t_http_body_empty(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_LENGTH", "0", NULL };

	set_body(t, "", 0);
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 10),
	    HTTP_BODY_OK);
	assert_int_equal(t->req.body_len, 0);
	assert_non_null(t->req.body);
	assert_string_equal(t->req.body, "");
}

static void
t_http_body_length_too_large_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_LENGTH", "11", NULL };

	set_body(t, "0123456789a", 0);
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 10),
	    HTTP_BODY_TOO_LARGE);
	assert_int_equal(t->fake.nreads, 0);	/* refused without reading */
	assert_null(t->req.body);
}

static void
t_http_body_short_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_LENGTH", "10", NULL };

	set_body(t, "abc", 0);
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 100),
	    HTTP_BODY_ERROR);
	assert_null(t->req.body);
}

static void
t_http_body_read_error_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "CONTENT_LENGTH", "5", NULL };

	set_body(t, "hello", 0);
	t->fake.is_read_error = 1;
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 100),
	    HTTP_BODY_ERROR);
	assert_null(t->req.body);
}

static void
t_http_body_unknown_length(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_METHOD", "POST", NULL };

	set_body(t, "{\"a\":1}", 2);
	parse(t, p);
	assert_int_equal(t->req.content_length, -1);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 10),
	    HTTP_BODY_OK);
	assert_int_equal(t->req.body_len, 7);
	assert_string_equal(t->req.body, "{\"a\":1}");
}

static void
t_http_body_unknown_length_at_max(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_METHOD", "POST", NULL };

	set_body(t, "0123456789", 0);
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 10),
	    HTTP_BODY_OK);
	assert_int_equal(t->req.body_len, 10);
}

static void
t_http_body_unknown_length_too_large_bad(void **state)
{
	struct fixture	*t = *state;
	const char	*p[] = { "REQUEST_METHOD", "POST", NULL };

	set_body(t, "0123456789a", 3);
	parse(t, p);
	assert_int_equal(http_req_read_body(&t->req, &t->io, &t->arena, 10),
	    HTTP_BODY_TOO_LARGE);
	assert_null(t->req.body);
}

static void
t_http_resp_init(void **state)
{
	struct fixture	*t = *state;

	t->resp.status = 404;
	t->resp.content_type = "text/plain";
	t->resp.is_streaming = 1;
	assert_int_equal(buf_adds(&t->resp.body, "old"), 0);
	assert_int_equal(http_resp_header(&t->resp, "X-Old", "1"), 0);
	http_resp_init(&t->resp, 4096);
	assert_int_equal(t->resp.status, 200);
	assert_null(t->resp.content_type);
	assert_int_equal(t->resp.is_streaming, 0);
	assert_int_equal(t->resp.body.len, 0);
	assert_int_equal(t->resp.headers.len, 0);
	/* A new maximum applies to the body. */
	http_resp_init(&t->resp, 4);
	assert_int_equal(buf_adds(&t->resp.body, "12345"), -1);
	assert_int_equal(buf_adds(&t->resp.body, "1234"), 0);
}

static void
t_http_resp_header(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(http_resp_header(&t->resp, "Location", "/api/v1/x"), 0);
	assert_int_equal(http_resp_header(&t->resp, "Allow", "GET, PATCH"), 0);
	assert_non_null(t->resp.headers.data);
	assert_string_equal(t->resp.headers.data,
	    "Location: /api/v1/x\r\nAllow: GET, PATCH\r\n");
}

static void
t_http_resp_header_bad(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(http_resp_header(&t->resp, "X-A", "ok"), 0);
	assert_int_equal(http_resp_header(&t->resp, "X-B", "a\r\nSet-Cookie: x"),
	    -1);
	assert_int_equal(http_resp_header(&t->resp, "X-B", "a\rb"), -1);
	assert_int_equal(http_resp_header(&t->resp, "X-B", "a\nb"), -1);
	assert_int_equal(http_resp_header(&t->resp, "X-B:", "v"), -1);
	assert_int_equal(http_resp_header(&t->resp, "Set-Cookie: x", "v"), -1);
	assert_int_equal(http_resp_header(&t->resp, "X\r\nB", "v"), -1);
	assert_int_equal(http_resp_header(&t->resp, "X\nB", "v"), -1);
	assert_int_equal(http_resp_header(&t->resp, "X B", "v"), -1);
	/* Nothing of the refused headers was added. */
	assert_string_equal(t->resp.headers.data, "X-A: ok\r\n");
}

static void
t_http_resp_send(void **state)
{
	struct fixture	*t = *state;
	const char	*body = "{\"id\":\"x\"}";
	const char	*out, *end;
	char		 cl[64];

	t->req.method = HTTP_POST;
	t->req.request_id = "rid-123";
	t->resp.status = 201;
	t->resp.content_type = "application/json";
	assert_int_equal(buf_adds(&t->resp.body, body), 0);
	assert_int_equal(http_resp_header(&t->resp, "Location", "/api/v1/x"), 0);
	assert_int_equal(http_resp_send(&t->resp, &t->req, &t->io), 0);
	out = t->fake.out.data;
	assert_non_null(out);
	assert_memory_equal(out, "Status: 201 Created\r\n", 21);
	assert_non_null(strstr(out, "\r\nContent-Type: application/json\r\n"));
	snprintf(cl, sizeof(cl), "\r\nContent-Length: %zu\r\n", strlen(body));
	assert_non_null(strstr(out, cl));
	assert_non_null(strstr(out, "\r\nX-Request-Id: rid-123\r\n"));
	assert_non_null(strstr(out, "\r\nCache-Control: no-store\r\n"));
	assert_non_null(strstr(out, "\r\nLocation: /api/v1/x\r\n"));
	/* The header block ends once, and the body follows it exactly. */
	end = strstr(out, "\r\n\r\n");
	assert_non_null(end);
	assert_string_equal(end + 4, body);
}

static void
t_http_resp_send_no_request_id(void **state)
{
	struct fixture	*t = *state;

	assert_int_equal(http_resp_send(&t->resp, &t->req, &t->io), 0);
	assert_non_null(t->fake.out.data);
	assert_memory_equal(t->fake.out.data, "Status: 200 OK\r\n", 16);
	assert_null(strstr(t->fake.out.data, "X-Request-Id"));
	assert_null(strstr(t->fake.out.data, "Content-Type"));
	assert_non_null(strstr(t->fake.out.data, "Content-Length: 0\r\n"));
	assert_int_equal(strcmp(t->fake.out.data + t->fake.out.len - 4,
	    "\r\n\r\n"), 0);
}

static void
t_http_resp_send_request_id_crlf_bad(void **state)
{
	struct fixture	*t = *state;

	t->req.request_id = "rid\r\nSet-Cookie: x=1";
	assert_int_equal(http_resp_send(&t->resp, &t->req, &t->io), 0);
	assert_non_null(t->fake.out.data);
	assert_null(strstr(t->fake.out.data, "Set-Cookie"));
	assert_null(strstr(t->fake.out.data, "X-Request-Id"));
}

static void
t_http_resp_send_head(void **state)
{
	struct fixture	*t = *state;

	t->req.method = HTTP_HEAD;
	t->resp.content_type = "application/json";
	assert_int_equal(buf_adds(&t->resp.body, "{\"ok\":true}"), 0);
	assert_int_equal(http_resp_send(&t->resp, &t->req, &t->io), 0);
	assert_non_null(t->fake.out.data);
	assert_non_null(strstr(t->fake.out.data, "Content-Length: 11\r\n"));
	assert_null(strstr(t->fake.out.data, "{\"ok\":true}"));
	assert_int_equal(strcmp(t->fake.out.data + t->fake.out.len - 4,
	    "\r\n\r\n"), 0);
}

static void
t_http_resp_send_write_bad(void **state)
{
	struct fixture	*t = *state;

	t->fake.is_write_error = 1;
	assert_int_equal(buf_adds(&t->resp.body, "x"), 0);
	assert_int_equal(http_resp_send(&t->resp, &t->req, &t->io), -1);
}

static void
t_http_reason(void **state)
{
	(void)state;
	assert_string_equal(http_reason(200), "OK");
	assert_string_equal(http_reason(201), "Created");
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(413), "Content Too Large");
	assert_string_equal(http_reason(422), "Unprocessable Content");
	assert_string_equal(http_reason(999), "Unknown");
	assert_string_equal(http_reason(-1), "Unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_http_method),
		T(t_http_method_other_bad),
		T(t_http_defaults),
		T(t_http_headers),
		T(t_http_path_document_uri),
		T(t_http_path_request_uri),
		T(t_http_query),
		T(t_http_query_decode),
		T(t_http_query_first_wins),
		T(t_http_query_empty),
		T(t_http_query_pct_bad),
		T(t_http_query_pairs_max),
		T(t_http_query_pairs_bad),
		T(t_http_urldecode),
		T(t_http_content_type),
		T(t_http_content_length),
		T(t_http_has_body),
		T(t_http_body_exact),
		T(t_http_body_at_max),
		T(t_http_body_empty),
		T(t_http_body_length_too_large_bad),
		T(t_http_body_short_bad),
		T(t_http_body_read_error_bad),
		T(t_http_body_unknown_length),
		T(t_http_body_unknown_length_at_max),
		T(t_http_body_unknown_length_too_large_bad),
		T(t_http_resp_init),
		T(t_http_resp_header),
		T(t_http_resp_header_bad),
		T(t_http_resp_send),
		T(t_http_resp_send_no_request_id),
		T(t_http_resp_send_request_id_crlf_bad),
		T(t_http_resp_send_head),
		T(t_http_resp_send_write_bad),
		T(t_http_reason),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
