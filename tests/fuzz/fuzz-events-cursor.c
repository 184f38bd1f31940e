/*
 * Fuzz the resume cursor of GET /api/v1/events: events_parse_id
 * (lib/events.c) and events_req_parse (cgi-bin/events/request.c), which
 * reads Last-Event-ID, else ?after=, and ?wait=, ?limit= and the
 * transport. Input: the query string on the first line, then header
 * lines "Last-Event-ID: v", "Accept: v", "Upgrade: v" (others ignored).
 *
 * Properties: events_parse_id agrees with a reference (1 to 19 decimal
 * digits, at most EVENTS_ID_MAX) and an accepted id formats back to its
 * digits without leading zeros; a refusal leaves the output alone. An
 * accepted request has its cursor from Last-Event-ID when that is sent,
 * else from ?after=, each re-formatting to what was sent; a limit of 1
 * to events.batch (the default, 100 or less, when absent); a wait of 1
 * to events.wait_max only on a JSON long-poll; the transport its
 * headers say; and no parameter but after, wait and limit, none twice.
 * A refusal is a 422 whose errors each name a parameter given (or
 * Last-Event-ID).
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/events.h"
#include "cgi-bin/events/events.h"
#include "tests/fuzz/fuzz.h"

static struct fuzz_ctx	 fc;

/* The reference: digits only, 1 to 19 of them, at most EVENTS_ID_MAX. */
static int
ref_parse_id(const char *s, unsigned long long *out)
{
	unsigned long long	 v = 0;
	size_t			 i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 19)
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (i == 0 || v > (unsigned long long)INT64_MAX)
		return -1;
	*out = v;
	return 0;
}

/* s is the spelling of v, give or take leading zeros. */
static int
spells(const char *s, unsigned long long v)
{
	char	 b[24];

	while (s[0] == '0' && s[1] != '\0')
		s++;
	(void)snprintf(b, sizeof(b), "%llu", v);
	return strcmp(s, b) == 0;
}

static void
check_id(const char *s)
{
	unsigned long long	 v = 12345, want = 0;
	int			 rc = events_parse_id(s, &v);

	FUZZ_CHECK(rc == ref_parse_id(s, &want), "'%s' %s", s, rc == 0 ?
	    "accepted" : "refused");
	if (rc == -1) {
		FUZZ_CHECK(v == 12345, "'%s' refused but wrote %llu", s, v);
		return;
	}
	FUZZ_CHECK(v == want && v <= EVENTS_ID_MAX && spells(s, v),
	    "'%s' read as %llu", s, v);
}

/* Does the comma-separated list h name token? (The reference of has_token.) */
static int
lists(const char *h, const char *token)
{
	const char	*p;
	size_t		 n = strlen(token), a, b;

	for (p = h; p != NULL && *p != '\0';) {
		a = strspn(p, " \t,");
		b = a + strcspn(p + a, ",;");
		while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
			b--;
		if (b - a == n && strncasecmp(p + a, token, n) == 0)
			return 1;
		p += a + strcspn(p + a, ",");
	}
	return 0;
}

static int
names_given(const char *field)
{
	size_t	 i;

	if (strcmp(field, "Last-Event-ID") == 0 && fc.req.last_event_id != NULL)
		return 1;
	for (i = 0; i < fc.req.nqv; i++)
		if (strcmp(fc.req.qv[i].name, field) == 0)
			return 1;
	return 0;
}

/* Is the query well formed for this route: known names, none twice? */
static int
names_ok(void)
{
	size_t	 i, j;

	for (i = 0; i < fc.req.nqv; i++) {
		if (strcmp(fc.req.qv[i].name, "after") != 0 &&
		    strcmp(fc.req.qv[i].name, "wait") != 0 &&
		    strcmp(fc.req.qv[i].name, "limit") != 0)
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(fc.req.qv[i].name, fc.req.qv[j].name) == 0)
				return 0;
	}
	return 1;
}

static void
check_req(void)
{
	struct events_req	 r;
	const char		*after = http_query(&fc.req, "after");
	const char		*wait = http_query(&fc.req, "wait");
	const char		*limit = http_query(&fc.req, "limit");
	const char		*cur = fc.req.last_event_id != NULL ?
				    fc.req.last_event_id : after;
	enum events_transport	 tr;
	unsigned long long	 v;
	long			 batch = fc.cfg.events_batch;
	size_t			 i;

	if (fc.req.upgrade != NULL && strcasecmp(fc.req.upgrade, "websocket") == 0)
		tr = EV_WS;
	else if (lists(fc.req.accept, "text/event-stream"))
		tr = EV_SSE;
	else
		tr = EV_JSON;
	if (events_req_parse(&fc.c, &r) == -1) {
		fuzz_check_problem(&fc, 422);
		FUZZ_CHECK(fc.c.nerrs >= 1, "%s", "422 without errors");
		for (i = 0; i < fc.c.nerrs; i++)
			FUZZ_CHECK(names_given(fc.c.errs[i].field), "error names "
			    "'%s', not given", fc.c.errs[i].field);
		return;
	}
	FUZZ_CHECK(names_ok(), "%s", "accepted an unknown or repeated parameter");
	FUZZ_CHECK(r.has_after == (cur != NULL), "has_after %d", r.has_after);
	if (cur != NULL)
		FUZZ_CHECK(ref_parse_id(cur, &v) == 0 && v == r.after &&
		    spells(cur, r.after), "cursor '%s' read as %llu", cur, r.after);
	if (limit == NULL)
		FUZZ_CHECK(r.limit == (batch < 100 ? batch : 100), "default limit "
		    "%ld", r.limit);
	else
		FUZZ_CHECK(r.limit >= 1 && r.limit <= batch &&
		    ref_parse_id(limit, &v) == 0 && v == (unsigned long long)r.limit,
		    "limit '%s' read as %ld", limit, r.limit);
	if (wait == NULL) {
		FUZZ_CHECK(r.transport == tr && r.wait == 0, "transport %d, want "
		    "%d", (int)r.transport, (int)tr);
		return;
	}
	FUZZ_CHECK(tr == EV_JSON && r.transport == EV_POLL && r.wait >= 1 &&
	    r.wait <= fc.cfg.events_wait_max && ref_parse_id(wait, &v) == 0 &&
	    v == (unsigned long long)r.wait, "wait '%s' read as %ld (transport "
	    "%d)", wait, r.wait, (int)r.transport);
}

/* "Name: value" lines into the request's headers. */
static void
read_headers(const uint8_t *p, size_t n)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} hs[] = {
		{ "Last-Event-ID: ", offsetof(struct http_req, last_event_id) },
		{ "Accept: ", offsetof(struct http_req, accept) },
		{ "Upgrade: ", offsetof(struct http_req, upgrade) },
	};
	const uint8_t	*nl;
	char		*line;
	size_t		 len, i, k;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		len = nl != NULL ? (size_t)(nl - p) : n;
		line = arena_strndup(&fc.arena, (const char *)p, len);
		for (i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
			k = strlen(hs[i].name);
			if (strncasecmp(line, hs[i].name, k) == 0)
				*(const char **)((char *)&fc.req + hs[i].off) = line + k;
		}
		p += len;
		n -= len;
		if (n > 0) {
			p++;
			n--;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 is_init;
	const uint8_t	*rest;
	size_t		 len;
	char		*query, *s;

	if (size > 8192)
		return 0;
	if (!is_init) {
		fuzz_quiet();
		fuzz_ctx_init(&fc);
		check_id("0");
		check_id("9223372036854775807");
		is_init = 1;
	}
	fuzz_ctx_reset(&fc);
	/* The whole input as an id, up to its first NUL. */
	s = arena_strndup(&fc.arena, (const char *)data, size);
	check_id(s);
	if (fuzz_split(&fc.arena, data, size, &query, &rest, &len) == -1)
		return 0;
	check_id(query);
	fuzz_ctx_query(&fc, query);
	if (fc.req.is_query_bad)
		return 0;
	read_headers(rest, len);
	if (fc.req.last_event_id != NULL)
		check_id(fc.req.last_event_id);
	check_req();
	return 0;
}
