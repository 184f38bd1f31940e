/*
 * Fuzz the request edge (lib/http.c) through a fake http_io: CGI
 * parameters and headers as FastCGI or plain CGI hands them over, then
 * the body under a size limit, then a reply carrying header values from
 * the request. Input: "NAME=VALUE" lines, an empty line, the body.
 *
 * Properties: the method, path, media type, length and headers are what
 * the parameters say (a malformed REQUEST_URI path never becomes a path
 * with a NUL); the body is refused past its limit, short of its
 * Content-Length or on a read error, and otherwise is exactly the bytes
 * sent; a reply's head holds only whole "Name: value" lines whatever
 * the request's bytes (no header injection); log_escape leaves only
 * printable ASCII with quotes and backslashes escaped.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/http.h"
#include "lib/log.h"
#include "tests/fuzz/fuzz.h"

#define MAX_PARAMS	32

struct fake {
	const char	*names[MAX_PARAMS];
	const char	*values[MAX_PARAMS];
	size_t		 n;
	const uint8_t	*body;
	size_t		 body_len, off;
	int		 read_fails;
	struct buf	 out;
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	size_t		 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

/* Hand the body over in pieces of varying size, as a socket does. */
static long
fake_read(void *ctx, char *buf, size_t n)
{
	struct fake	*f = ctx;
	size_t		 k;

	if (f->off == f->body_len)
		return f->read_fails ? -1 : 0;
	k = 1 + f->body[f->off] % 61;
	if (k > f->body_len - f->off)
		k = f->body_len - f->off;
	if (k > n)
		k = n;
	memcpy(buf, f->body + f->off, k);
	f->off += k;
	return (long)k;
}

static int
fake_write(void *ctx, const void *p, size_t n)
{
	struct fake	*f = ctx;

	return buf_add(&f->out, p, n);
}

/* The value the parser should have used: NULL when absent or empty. */
static const char *
given(struct fake *f, const char *name)
{
	const char	*v = fake_param(f, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* A server-set id the parser takes: REQUEST_ID, else UNIQUE_ID, if well formed. */
static const char *
well_formed_id(struct fake *f, const char *name)
{
	const char	*v = given(f, name);
	size_t		 i;

	if (v == NULL || strlen(v) > HTTP_REQUEST_ID_MAX)
		return NULL;
	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) && strchr("@_.-", v[i]) == NULL)
			return NULL;
	return v;
}

static const char *
want_request_id(struct fake *f)
{
	const char	*v = well_formed_id(f, "REQUEST_ID");

	return v != NULL ? v : well_formed_id(f, "UNIQUE_ID");
}

static void
check_str(const char *what, const char *got, const char *want)
{
	FUZZ_CHECK((got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0),
	    "%s is '%s', want '%s'", what, got ? got : "(null)",
	    want ? want : "(null)");
}

static void
check_request(struct fake *f, const struct http_req *r)
{
	static const char *const methods[] = {
		"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
	};
	const char	*m = given(f, "REQUEST_METHOD"), *ct, *cl;
	size_t		 i, n;
	enum http_method want = HTTP_OTHER;
	char		*end;
	long long	 v;

	check_str("method name", r->method_name, m ? m : "GET");
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i], r->method_name) == 0)
			want = (enum http_method)i;
	FUZZ_CHECK(r->method == want, "method %d, want %d", r->method, want);

	FUZZ_CHECK(r->path != NULL, "%s", "no path");
	if (given(f, "DOCUMENT_URI") != NULL)
		check_str("path", r->path, given(f, "DOCUMENT_URI"));

	if ((ct = given(f, "CONTENT_TYPE")) == NULL)
		FUZZ_CHECK(r->content_type == NULL, "%s", "content type from nothing");
	else {
		n = strlen(r->content_type);
		FUZZ_CHECK(strchr(r->content_type, ';') == NULL &&
		    strncasecmp(r->content_type, ct, n) == 0, "media type '%s' "
		    "of '%s'", r->content_type, ct);
		FUZZ_CHECK(n == 0 || (r->content_type[n - 1] != ' ' &&
		    r->content_type[n - 1] != '\t'), "media type '%s' ends in "
		    "white space", r->content_type);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(!isupper((unsigned char)r->content_type[i]),
			    "media type '%s' is not lowercase", r->content_type);
	}

	cl = given(f, "CONTENT_LENGTH");
	if (cl == NULL)
		FUZZ_CHECK(r->content_length == -1, "length %lld from nothing",
		    r->content_length);
	else {
		errno = 0;
		v = strtoll(cl, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0)
			v = -1;
		FUZZ_CHECK(r->content_length == v, "length %lld of '%s'",
		    r->content_length, cl);
	}
	check_str("authorization", r->authorization, given(f, "HTTP_AUTHORIZATION"));
	check_str("idempotency key", r->idempotency_key,
	    given(f, "HTTP_IDEMPOTENCY_KEY"));
	check_str("user agent", r->user_agent, given(f, "HTTP_USER_AGENT"));
	check_str("accept", r->accept, given(f, "HTTP_ACCEPT"));
	check_str("last event id", r->last_event_id, given(f, "HTTP_LAST_EVENT_ID"));
	check_str("filename", r->filename, given(f, "HTTP_X_FILENAME"));
	check_str("request id", r->request_id, want_request_id(f));
	check_str("remote addr", r->remote_addr, given(f, "REMOTE_ADDR") ?
	    given(f, "REMOTE_ADDR") : "");
	FUZZ_CHECK(http_req_has_body(r) == (r->content_length > 0 ||
	    (r->content_length < 0 && r->content_type != NULL &&
	    (r->method == HTTP_POST || r->method == HTTP_PUT ||
	    r->method == HTTP_PATCH))), "%s", "http_req_has_body");
}

static void
check_body(struct fake *f, struct http_req *r, struct arena *a, size_t max)
{
	enum http_body_rc	 rc;

	rc = http_req_read_body(r, &(struct http_io){ f, fake_param, fake_read,
	    fake_write, NULL }, a, max);
	if (r->content_length > 0 && (size_t)r->content_length > max) {
		FUZZ_CHECK(rc == HTTP_BODY_TOO_LARGE && f->off == 0,
		    "length %lld over %zu: rc %d after %zu bytes",
		    r->content_length, max, rc, f->off);
		return;
	}
	if (rc != HTTP_BODY_OK) {
		FUZZ_CHECK(r->body == NULL, "%s", "a refused body is kept");
		if (r->content_length < 0 && f->body_len > max && !f->read_fails)
			FUZZ_CHECK(rc == HTTP_BODY_TOO_LARGE, "rc %d", rc);
		else
			FUZZ_CHECK(rc == HTTP_BODY_ERROR || rc ==
			    HTTP_BODY_TOO_LARGE, "rc %d", rc);
		FUZZ_CHECK(f->read_fails || f->body_len > max ||
		    (r->content_length >= 0 &&
		    f->body_len < (size_t)r->content_length),
		    "body of %zu bytes (length %lld, max %zu) refused (%d)",
		    f->body_len, r->content_length, max, rc);
		return;
	}
	FUZZ_CHECK(!f->read_fails || (r->content_length >= 0 &&
	    f->off >= (size_t)r->content_length), "%s", "read error ignored");
	FUZZ_CHECK(r->body != NULL && r->body_len <= max &&
	    r->body[r->body_len] == '\0', "body of %zu bytes (max %zu)",
	    r->body_len, max);
	if (r->content_length >= 0)
		FUZZ_CHECK(r->body_len == (size_t)r->content_length,
		    "body %zu bytes, length %lld", r->body_len, r->content_length);
	else
		FUZZ_CHECK(r->body_len == f->body_len, "body %zu bytes of %zu",
		    r->body_len, f->body_len);
	FUZZ_CHECK(memcmp(r->body, f->body, r->body_len) == 0, "%s",
	    "body bytes differ from those sent");
}

/* The reply's head: "Status:" first, then whole header lines, then CRLF. */
static void
check_reply(struct fake *f, const struct http_req *r)
{
	struct http_resp	 resp;
	struct http_io		 io = { f, fake_param, fake_read, fake_write, NULL };
	const char		*ua = given(f, "HTTP_USER_AGENT"), *p, *eol;
	int			 rc;

	memset(&resp, 0, sizeof(resp));
	http_resp_init(&resp, 4096);
	rc = ua ? http_resp_header(&resp, "X-Echo", ua) : 0;
	FUZZ_CHECK((rc == -1) == (ua != NULL && strpbrk(ua, "\r\n") != NULL),
	    "%s", "http_resp_header on CR/LF");
	buf_clear(&f->out);
	FUZZ_CHECK(http_resp_send_head(&resp, r, &io) == 0, "%s",
	    "send_head failed");
	FUZZ_CHECK(f->out.len >= 4 && memcmp(f->out.data, "Status: ", 8) == 0 &&
	    memcmp(f->out.data + f->out.len - 4, "\r\n\r\n", 4) == 0, "%s",
	    "head framing");
	FUZZ_CHECK(memchr(f->out.data, '\0', f->out.len) == NULL, "%s",
	    "NUL in head");
	for (p = f->out.data; p < f->out.data + f->out.len - 2; p = eol + 2) {
		eol = strstr(p, "\r\n");
		FUZZ_CHECK(eol != NULL && memchr(p, '\n', (size_t)(eol - p)) == NULL &&
		    memchr(p, '\r', (size_t)(eol - p)) == NULL, "%s",
		    "a bare CR or LF in the head");
		FUZZ_CHECK(memmem(p, (size_t)(eol - p), ": ", 2) != NULL,
		    "header line without ': ': %.*s", (int)(eol - p), p);
	}
	http_resp_release(&resp);
}

static void
check_escape(const char *s)
{
	char	 out[256];
	size_t	 i, n;

	log_escape(out, sizeof(out), s);
	n = strlen(out);
	FUZZ_CHECK(n < sizeof(out), "%s", "escape overflow");
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(out[i] >= 0x20 && out[i] < 0x7f, "byte 0x%02x escaped "
		    "as itself", (unsigned char)out[i]);
		if (out[i] == '\\') {
			FUZZ_CHECK(i + 1 < n && (out[i + 1] == '\\' ||
			    out[i + 1] == '"' || out[i + 1] == 'x'),
			    "lone backslash in '%s'", out);
			i++;
		} else
			FUZZ_CHECK(out[i] != '"', "bare quote in '%s'", out);
	}
}

/* Read "NAME=VALUE" lines up to an empty one; the rest is the body. */
static void
load(struct fake *f, struct arena *a, const uint8_t *data, size_t size)
{
	const uint8_t	*p = data, *end = data + size, *nl;
	char		*line, *eq;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl == p) {
			p++;
			break;
		}
		line = arena_strndup(a, (const char *)p, (size_t)(nl - p));
		p = nl < end ? nl + 1 : end;
		if ((eq = strchr(line, '=')) == NULL || f->n == MAX_PARAMS)
			continue;
		*eq = '\0';
		if (strcmp(line, "FUZZ_READ_FAILS") == 0) {
			f->read_fails = 1;
			continue;
		}
		f->names[f->n] = line;
		f->values[f->n++] = eq + 1;
	}
	f->body = p;
	f->body_len = (size_t)(end - p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	 a;
	static int		 is_init;
	struct fake		 f;
	struct http_io		 io;
	struct http_req		 r;
	size_t			 max, i;

	if (size > 65536)
		return 0;
	if (!is_init) {
		arena_init(&a);
		fuzz_quiet();
		is_init = 1;
	}
	memset(&f, 0, sizeof(f));
	buf_init(&f.out, 1 << 16);
	load(&f, &a, data, size);
	io = (struct http_io){ &f, fake_param, fake_read, fake_write, NULL };
	http_req_parse(&r, &io, &a);
	check_request(&f, &r);
	for (i = 0; i < f.n; i++)
		check_escape(f.values[i]);
	check_reply(&f, &r);
	/* The limit: from 0 to a few KiB, chosen by the input's size. */
	max = size % 4099;
	check_body(&f, &r, &a, max);
	buf_release(&f.out);
	arena_reset(&a);
	return 0;
}
