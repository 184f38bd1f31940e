/*
 * The edge of GET /api/v1/events: the transport (from Upgrade and
 * Accept), the cursor (Last-Event-ID, else ?after=), ?wait= and ?limit=,
 * validated into struct events_req. Unknown parameters are 422.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/json.h"
#include "cgi-bin/events/events.h"

static const char *const params[] = { "after", "wait", "limit", NULL };

/* Default events per reply when ?limit= is absent. */
#define EVENTS_LIMIT_DEFAULT	100

static void
check_names(struct ctx *c)
{
	size_t	 i, j, k;

	for (i = 0; i < c->req->nqv; i++) {
		const char *name = c->req->qv[i].name;

		for (j = 0; params[j] != NULL; j++)
			if (strcmp(params[j], name) == 0)
				break;
		if (params[j] == NULL) {
			ctx_error(c, name, "is not a parameter of this route");
			continue;
		}
		for (k = 0; k < i; k++)
			if (strcmp(c->req->qv[k].name, name) == 0) {
				ctx_error(c, params[j], "is given more than once");
				break;
			}
	}
}

/* A decimal integer in [min, max], digits only. 0 or -1. */
static int
parse_bounded(const char *s, long min, long max, long *out)
{
	unsigned long long	 v;

	if (events_parse_id(s, &v) == -1 || v < (unsigned long long)min ||
	    v > (unsigned long long)max)
		return -1;
	*out = (long)v;
	return 0;
}

/* Does the comma-separated header list h name token (case-insensitive)? */
static int
has_token(const char *h, const char *token)
{
	size_t	 n = strlen(token), len;

	while (h != NULL && *h != '\0') {
		h += strspn(h, " \t,");
		len = strcspn(h, ",;");
		while (len > 0 && (h[len - 1] == ' ' || h[len - 1] == '\t'))
			len--;
		if (len == n && strncasecmp(h, token, n) == 0)
			return 1;
		h += strcspn(h, ",");
	}
	return 0;
}

static enum events_transport
transport_of(const struct http_req *req)
{
	if (req->upgrade != NULL && strcasecmp(req->upgrade, "websocket") == 0)
		return EV_WS;
	if (has_token(req->accept, "text/event-stream"))
		return EV_SSE;
	return EV_JSON;
}

int
events_req_parse(struct ctx *c, struct events_req *r)
{
	const char	*after = http_query(c->req, "after");
	const char	*wait = http_query(c->req, "wait");
	const char	*limit = http_query(c->req, "limit");
	long		 max = c->cfg->events_batch;

	memset(r, 0, sizeof(*r));
	r->transport = transport_of(c->req);
	r->limit = max < EVENTS_LIMIT_DEFAULT ? max : EVENTS_LIMIT_DEFAULT;
	check_names(c);
	/*
	 * An EventSource reconnecting keeps its URL: the header is newer and
	 * wins, but a malformed ?after= is refused all the same.
	 */
	if (after != NULL) {
		if (events_parse_id(after, &r->after) == -1)
			ctx_error(c, "after", "must be an event id");
		r->has_after = 1;
	}
	if (c->req->last_event_id != NULL) {
		if (events_parse_id(c->req->last_event_id, &r->after) == -1)
			ctx_error(c, "Last-Event-ID", "must be an event id");
		r->has_after = 1;
	}
	if (wait != NULL) {
		if (r->transport != EV_JSON)
			ctx_error(c, "wait", "is for JSON long-polls only");
		else if (parse_bounded(wait, 1, c->cfg->events_wait_max,
		    &r->wait) == -1)
			ctx_error(c, "wait", "must be a number of seconds within the limit");
		else
			r->transport = EV_POLL;
	}
	/*
	 * nchan takes a stream's starting message from If-None-Match and
	 * If-Modified-Since before our ?pos=, and an X-Accel-Redirect keeps
	 * the client's headers: a position nchan does not hold aborts its
	 * worker (nchan 1.3.6, spool.c:479; docs/EVENTS.md, "Conditional
	 * headers"). EventSource and WebSocket clients never send them; the
	 * long-poll goes through a proxy that drops them (nginx/).
	 */
	if (c->req->conditional && (r->transport == EV_SSE ||
	    r->transport == EV_WS))
		ctx_error(c, "If-None-Match", "and If-Modified-Since are not "
		    "accepted on a stream: its position is the cursor "
		    "(Last-Event-ID or ?after=)");
	if (limit != NULL && parse_bounded(limit, 1, max, &r->limit) == -1)
		ctx_error(c, "limit", "must be a number within the limit");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}
