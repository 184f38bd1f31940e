/* CORS: the allowed-origin list and the headers of cross-origin replies. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/cors.h"
#include "lib/ctx.h"
#include "lib/http.h"
#include "lib/json.h"
#include "lib/mem.h"

#define CORS_SEP	", \t"

/* What a cross-origin page may send (docs/CORS.md says why each). */
#define CORS_METHODS	"GET, POST, PUT, PATCH, DELETE"
#define CORS_HEADERS	"Authorization, Content-Type, Idempotency-Key, " \
			"X-Filename, Last-Event-ID"
/* What its scripts may read besides the CORS-safelisted headers. */
#define CORS_EXPOSE	"X-Request-Id, Retry-After, Location, " \
			"Idempotent-Replayed, Content-Disposition"

/* The next entry of a list at *p: its start and length; 0 at the end. */
static int
next_entry(const char **p, const char **s, size_t *n)
{
	*p += strspn(*p, CORS_SEP);
	if (**p == '\0')
		return 0;
	*s = *p;
	*n = strcspn(*p, CORS_SEP);
	*p += *n;
	return 1;
}

int
cors_origin_allowed(const char *list, const char *origin)
{
	const char	*p = list, *s;
	size_t		 n, olen;

	if (list == NULL || origin == NULL || (olen = strlen(origin)) == 0)
		return 0;
	while (next_entry(&p, &s, &n))
		if (n == olen && memcmp(s, origin, n) == 0)
			return 1;
	return 0;
}

/* A ":port" suffix's digits (s, n bytes): 1-65535, no leading zero. */
static int
port_valid(const char *s, size_t n)
{
	long	 v = 0;
	size_t	 i;

	if (n == 0 || n > 5 || s[0] == '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 65535;
}

/* A host: lowercase DNS labels or IPv4 (dots, no empty label), or [IPv6]. */
static int
host_valid(const char *s, size_t n)
{
	size_t	 i, label = 0;

	if (n == 0)
		return 0;
	if (s[0] == '[') {
		if (n < 3 || s[n - 1] != ']')
			return 0;
		for (i = 1; i + 1 < n; i++)
			if (strchr("0123456789abcdef:.", s[i]) == NULL)
				return 0;
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-') {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label > 0;
}

int
cors_origin_valid(const char *s, size_t n)
{
	const char	*host, *end = s + n, *colon, *q;

	if (n > 7 && memcmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (n > 8 && memcmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		return 0;
	/* The port's colon: the last one, after any IPv6 bracket. */
	colon = NULL;
	for (q = host; q < end; q++)
		if (*q == ':')
			colon = q;
		else if (*q == ']')
			colon = NULL;
	if (colon == NULL)
		return host_valid(host, (size_t)(end - host));
	return host_valid(host, (size_t)(colon - host)) &&
	    port_valid(colon + 1, (size_t)(end - colon - 1));
}

int
cors_list_check(const char *list, const char **bad, size_t *badlen)
{
	const char	*p = list, *s;
	size_t		 n;

	if (list == NULL)
		return 0;
	while (next_entry(&p, &s, &n))
		if (!cors_origin_valid(s, n)) {
			*bad = s;
			*badlen = n;
			return -1;
		}
	return 0;
}

static const char *
param(struct ctx *c, const char *name)
{
	return c->io->param(c->io->ctx, name);
}

int
cors_apply(struct ctx *c)
{
	const char	*origin;
	int		 is_allowed;
	char		 age[24];

	if (c->cfg->cors_allowed_origins == NULL ||
	    *c->cfg->cors_allowed_origins == '\0')
		return 0;
	origin = param(c, "HTTP_ORIGIN");
	is_allowed = cors_origin_allowed(c->cfg->cors_allowed_origins, origin);
	/* The reply depends on Origin whether or not this one is allowed. */
	c->resp->runtime_headers = is_allowed ?
	    arena_printf(c->arena, "Vary: Origin\r\n"
	    "Access-Control-Allow-Origin: %s\r\n"
	    "Access-Control-Expose-Headers: " CORS_EXPOSE "\r\n", origin) :
	    "Vary: Origin\r\n";
	if (c->req->method != HTTP_OPTIONS || origin == NULL ||
	    param(c, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") == NULL)
		return 0;
	if (!is_allowed) {
		c->resp->runtime_headers = "Vary: Origin\r\n";
		problem(c, 403, "cors_origin_refused",
		    "this origin may not call the API from a browser");
		return 1;
	}
	json_reply_empty(c, 204);
	snprintf(age, sizeof(age), "%ld", c->cfg->cors_max_age_seconds);
	(void)http_resp_header(c->resp, "Access-Control-Allow-Methods",
	    CORS_METHODS);
	(void)http_resp_header(c->resp, "Access-Control-Allow-Headers",
	    CORS_HEADERS);
	(void)http_resp_header(c->resp, "Access-Control-Max-Age", age);
	return 1;
}
