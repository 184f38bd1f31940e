/* Helpers every fuzz target links: failure reports, a request context. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "lib/log.h"
#include "tests/fuzz/fuzz.h"

void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "fuzz: %s:%d: property broken: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void
fuzz_quiet(void)
{
	/* Above LOG_LVL_ERR: nothing is written. */
	log_init("fuzz", (enum log_level)(LOG_LVL_ERR + 1));
}

void
fuzz_ctx_init(struct fuzz_ctx *f)
{
	memset(f, 0, sizeof(*f));
	arena_init(&f->arena);
	cfg_defaults(&f->cfg);
	http_resp_init(&f->resp, 1 << 20);
	fuzz_ctx_reset(f);
}

void
fuzz_ctx_reset(struct fuzz_ctx *f)
{
	arena_reset(&f->arena);
	memset(&f->req, 0, sizeof(f->req));
	f->req.path = "/";
	f->req.query = "";
	f->req.remote_addr = "";
	f->req.content_length = -1;
	http_resp_init(&f->resp, 1 << 20);
	memset(&f->c, 0, sizeof(f->c));
	f->c.arena = &f->arena;
	f->c.cfg = &f->cfg;
	f->c.req = &f->req;
	f->c.resp = &f->resp;
	f->c.worker = "fuzz";
}

static const char *
query_param(void *ctx, const char *name)
{
	return strcmp(name, "QUERY_STRING") == 0 ? ctx : NULL;
}

void
fuzz_ctx_query(struct fuzz_ctx *f, const char *query)
{
	struct http_io	 io = { (void *)(uintptr_t)query, query_param, NULL,
			    NULL, NULL };

	http_req_parse(&f->req, &io, &f->arena);
}

void
fuzz_ctx_release(struct fuzz_ctx *f)
{
	http_resp_release(&f->resp);
	cfg_release(&f->cfg);
	arena_release(&f->arena);
}

void
fuzz_check_problem(const struct fuzz_ctx *f, int status)
{
	struct json_object	*o, *v;
	int			 got;

	if (status == 0)
		FUZZ_CHECK(f->resp.status == 400 || f->resp.status == 422,
		    "status %d", f->resp.status);
	else
		FUZZ_CHECK(f->resp.status == status, "status %d, want %d",
		    f->resp.status, status);
	FUZZ_CHECK(f->resp.content_type != NULL &&
	    strcmp(f->resp.content_type, "application/problem+json") == 0,
	    "content type %s", f->resp.content_type ? f->resp.content_type : "(none)");
	FUZZ_CHECK(f->resp.body.data != NULL && f->resp.body.len > 0, "%s",
	    "empty problem body");
	o = json_tokener_parse(f->resp.body.data);
	FUZZ_CHECK(o != NULL && json_object_is_type(o, json_type_object),
	    "problem body is not a JSON object: %s", f->resp.body.data);
	got = json_object_object_get_ex(o, "status", &v) ?
	    json_object_get_int(v) : -1;
	FUZZ_CHECK(got == f->resp.status, "problem says status %d, reply %d",
	    got, f->resp.status);
	json_object_put(o);
}

int
fuzz_split(struct arena *a, const uint8_t *data, size_t size, char **head,
    const uint8_t **rest, size_t *restlen)
{
	const uint8_t	*nl = memchr(data, '\n', size);

	if (nl == NULL)
		return -1;
	*head = arena_strndup(a, (const char *)data, (size_t)(nl - data));
	*rest = nl + 1;
	*restlen = size - (size_t)(nl - data) - 1;
	return 0;
}
