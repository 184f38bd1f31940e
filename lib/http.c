/* Request parsing from CGI parameters, and response writing. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http.h"

#define HTTP_MAX_QUERY_PAIRS	64

static const struct {
	const char		*name;
	enum http_method	 method;
} methods[] = {
	{ "GET", HTTP_GET }, { "POST", HTTP_POST }, { "PUT", HTTP_PUT },
	{ "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE },
	{ "HEAD", HTTP_HEAD }, { "OPTIONS", HTTP_OPTIONS },
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
http_urldecode(struct arena *a, const char *src, size_t n, int plus_is_space)
{
	char	*out, *o;
	size_t	 i;
	int	 hi, lo;

	out = o = arena_alloc(a, n + 1);
	for (i = 0; i < n; i++) {
		if (src[i] == '%') {
			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)src[i + 1]);
			lo = hexval((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space)
			*o++ = ' ';
		else
			*o++ = src[i];
	}
	*o = '\0';
	return out;
}

static void
parse_query(struct http_req *r, struct arena *a)
{
	const char	*p = r->query, *amp, *eq;
	size_t		 len;

	r->qv = arena_alloc(a, sizeof(*r->qv) * HTTP_MAX_QUERY_PAIRS);
	while (*p != '\0') {
		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		if (len > 0) {
			if (r->nqv == HTTP_MAX_QUERY_PAIRS) {
				r->is_query_bad = 1;
				return;
			}
			eq = memchr(p, '=', len);
			r->qv[r->nqv].name = http_urldecode(a, p,
			    eq ? (size_t)(eq - p) : len, 1);
			r->qv[r->nqv].value = eq ?
			    http_urldecode(a, eq + 1, len - (size_t)(eq - p) - 1, 1) :
			    arena_strdup(a, "");
			if (r->qv[r->nqv].name == NULL || r->qv[r->nqv].value == NULL) {
				r->is_query_bad = 1;
				return;
			}
			r->nqv++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
}

static const char *
param(const struct http_io *io, const char *name)
{
	const char	*v = io->param(io->ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/*
 * A request id as the server set it: 1 to HTTP_REQUEST_ID_MAX characters
 * of nginx's hex or mod_unique_id's alphabet ([A-Za-z0-9@_.-]); anything
 * else is no request id (it goes into logs, a reply header and audit rows).
 */
static const char *
request_id_param(const struct http_io *io, const char *name)
{
	const char	*v = param(io, name);
	size_t		 n;

	if (v == NULL)
		return NULL;
	n = strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789@_.-");
	return v[n] == '\0' && n <= HTTP_REQUEST_ID_MAX ? v : NULL;
}

static const char *
media_type(struct arena *a, const char *ct)
{
	size_t	 n, i;
	char	*s;

	if (ct == NULL)
		return NULL;
	n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	s = arena_strndup(a, ct, n);
	for (i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

void
http_req_parse(struct http_req *r, const struct http_io *io, struct arena *a)
{
	const char	*v, *uri, *q;
	char		*end;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	r->method = HTTP_OTHER;
	r->method_name = (v = param(io, "REQUEST_METHOD")) ? v : "GET";
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, r->method_name) == 0)
			r->method = methods[i].method;

	/* DOCUMENT_URI is nginx's normalised, decoded path. */
	uri = param(io, "REQUEST_URI");
	if ((v = param(io, "DOCUMENT_URI")) != NULL)
		r->path = v;
	else if (uri != NULL) {
		q = strchr(uri, '?');
		r->path = http_urldecode(a, uri, q ? (size_t)(q - uri) : strlen(uri), 0);
	} else if ((v = param(io, "PATH_INFO")) != NULL)
		r->path = v;
	if (r->path == NULL)
		r->path = "/";
	r->query = (v = param(io, "QUERY_STRING")) ? v : "";
	parse_query(r, a);

	r->content_type = media_type(a, param(io, "CONTENT_TYPE"));
	r->content_length = -1;
	if ((v = param(io, "CONTENT_LENGTH")) != NULL) {
		errno = 0;
		r->content_length = strtoll(v, &end, 10);
		if (errno || *end != '\0' || r->content_length < 0)
			r->content_length = -1;
	}
	r->authorization = param(io, "HTTP_AUTHORIZATION");
	r->idempotency_key = param(io, "HTTP_IDEMPOTENCY_KEY");
	r->user_agent = param(io, "HTTP_USER_AGENT");
	r->accept = param(io, "HTTP_ACCEPT");
	r->last_event_id = param(io, "HTTP_LAST_EVENT_ID");
	r->upgrade = param(io, "HTTP_UPGRADE");
	r->conditional = param(io, "HTTP_IF_NONE_MATCH") != NULL ||
	    param(io, "HTTP_IF_MODIFIED_SINCE") != NULL;
	r->filename = param(io, "HTTP_X_FILENAME");
	r->remote_addr = (v = param(io, "REMOTE_ADDR")) ? v : "";
	/*
	 * nginx passes its $request_id as REQUEST_ID; under Apache (mod_fcgid
	 * or CGI) mod_unique_id's UNIQUE_ID stands in. Both are set by the
	 * server, never by a client header (those arrive as HTTP_*).
	 */
	if ((r->request_id = request_id_param(io, "REQUEST_ID")) == NULL)
		r->request_id = request_id_param(io, "UNIQUE_ID");
}

int
http_req_has_body(const struct http_req *r)
{
	if (r->content_length > 0)
		return 1;
	return r->content_length < 0 && (r->method == HTTP_POST ||
	    r->method == HTTP_PUT || r->method == HTTP_PATCH) &&
	    r->content_type != NULL;
}

enum http_body_rc
http_req_read_body(struct http_req *r, const struct http_io *io,
    struct arena *a, size_t max)
{
	size_t	 want, got = 0;
	long	 n;
	char	*p;

	if (r->content_length > 0 && (unsigned long long)r->content_length > max)
		return HTTP_BODY_TOO_LARGE;
	want = r->content_length >= 0 ? (size_t)r->content_length : max + 1;
	p = arena_alloc(a, want + 1);
	while (got < want) {
		n = io->read(io->ctx, p + got, want - got);
		if (n < 0)
			return HTTP_BODY_ERROR;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max)
		return HTTP_BODY_TOO_LARGE;
	if (r->content_length >= 0 && got != want)
		return HTTP_BODY_ERROR;
	p[got] = '\0';
	r->body = p;
	r->body_len = got;
	r->body_consumed = got;
	return HTTP_BODY_OK;
}

long
http_req_read_some(struct http_req *r, const struct http_io *io, void *buf,
    size_t n)
{
	unsigned long long	 left;
	long			 got;

	if (r->content_length >= 0) {
		left = (unsigned long long)r->content_length - r->body_consumed;
		if (left == 0)
			return 0;
		if (n > left)
			n = (size_t)left;
	}
	if (n == 0)
		return 0;
	if ((got = io->read(io->ctx, buf, n)) > 0)
		r->body_consumed += (unsigned long long)got;
	return got;
}

int
http_req_drain(struct http_req *r, const struct http_io *io,
    unsigned long long max)
{
	char			 scratch[16384];
	unsigned long long	 dropped = 0;
	long			 got;

	while ((got = http_req_read_some(r, io, scratch, sizeof(scratch))) > 0)
		if ((dropped += (unsigned long long)got) > max)
			return -1;
	return got == 0 ? 0 : -1;
}

const char *
http_query(const struct http_req *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nqv; i++)
		if (strcmp(r->qv[i].name, name) == 0)
			return r->qv[i].value;
	return NULL;
}

void
http_resp_init(struct http_resp *resp, size_t max)
{
	resp->status = 200;
	resp->content_type = NULL;
	resp->is_streaming = 0;
	if (resp->headers.max == 0)
		buf_init(&resp->headers, 8192);
	if (resp->body.max != max) {
		buf_release(&resp->body);
		buf_init(&resp->body, max);
	}
	buf_clear(&resp->headers);
	buf_clear(&resp->body);
}

int
http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n: ") != NULL || strpbrk(value, "\r\n") != NULL)
		return -1;
	return buf_addf(&resp->headers, "%s: %s\r\n", name, value);
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

int
http_resp_send_head(struct http_resp *resp, const struct http_req *r,
    const struct http_io *io)
{
	struct buf	 h;
	int		 rc = -1;

	buf_init(&h, 16384);
	if (buf_addf(&h, "Status: %d %s\r\n", resp->status,
	    http_reason(resp->status)) == -1)
		goto out;
	if (resp->content_type != NULL &&
	    buf_addf(&h, "Content-Type: %s\r\n", resp->content_type) == -1)
		goto out;
	if (!resp->is_streaming && resp->status != 204 && resp->status != 304 &&
	    buf_addf(&h, "Content-Length: %zu\r\n", resp->body.len) == -1)
		goto out;
	if (r != NULL && r->request_id != NULL &&
	    strpbrk(r->request_id, "\r\n") == NULL &&
	    buf_addf(&h, "X-Request-Id: %s\r\n", r->request_id) == -1)
		goto out;
	if (buf_adds(&h, "Cache-Control: no-store\r\n") == -1)
		goto out;
	if (resp->headers.len > 0 &&
	    buf_add(&h, resp->headers.data, resp->headers.len) == -1)
		goto out;
	if (resp->runtime_headers != NULL &&
	    buf_adds(&h, resp->runtime_headers) == -1)
		goto out;
	if (buf_adds(&h, "\r\n") == -1)
		goto out;
	rc = io->write(io->ctx, h.data, h.len);
out:
	buf_release(&h);
	return rc;
}

int
http_resp_send(struct http_resp *resp, const struct http_req *r,
    const struct http_io *io)
{
	if (http_resp_send_head(resp, r, io) == -1)
		return -1;
	if (resp->body.len > 0 && (r == NULL || r->method != HTTP_HEAD))
		return io->write(io->ctx, resp->body.data, resp->body.len);
	return 0;
}

void
http_resp_release(struct http_resp *resp)
{
	buf_release(&resp->headers);
	buf_release(&resp->body);
}
