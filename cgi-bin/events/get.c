/*
 * GET /api/v1/events: every signed-in user, their own events only. The
 * caller's user id comes from the session, never from the request, so
 * no path, parameter or header can name another user's channel.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/policy.h"
#include "cgi-bin/events/events.h"

/* The JSON reply: the caller's events after the cursor, at once. */
static int
get_json(struct ctx *c, const struct events_req *r)
{
	struct event_row	*rows;
	unsigned long long	 cursor;
	size_t			 n;

	if (events_ready(c, r->after, r->limit, &rows, &n, &cursor) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	events_reply_json(c, rows, n, cursor);
	return 0;
}

int
events_get(struct ctx *c)
{
	struct events_req	 r;
	unsigned long long	 head;
	int			 has_nchan = c->cfg->events_nchan_socket != NULL;

	if (pol_check(&c->actor, POL_EVENTS_READ, NULL) != POL_ALLOW)
		return audit_deny(c, "read", "events", NULL, NULL, 0);
	if (events_req_parse(c, &r) == -1)
		return 0;
	if (!r.has_after) {
		/* No cursor: from now on. */
		if (events_head(c, &head) != DB_OK) {
			problem_unavailable(c);
			return 0;
		}
		r.after = head;
	}
	switch (r.transport) {
	case EV_JSON:
		return get_json(c, &r);
	case EV_POLL:
		/* nchan holds long-polls for its own, fixed time only. */
		if (has_nchan && r.wait >= c->cfg->events_nchan_poll_seconds)
			return events_handoff(c, &r);
		return events_hold(c, &r);
	case EV_SSE:
		return has_nchan ? events_handoff(c, &r) : events_hold(c, &r);
	case EV_WS:
		if (has_nchan)
			return events_handoff(c, &r);
		problem(c, 501, "websocket_unavailable",
		    "WebSocket needs nchan, which this server does not run; "
		    "use server-sent events or long-polling");
		return 0;
	}
	return -1;
}
