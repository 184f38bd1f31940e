/*
 * Handing a subscriber to nchan (docs/EVENTS.md, "Resume"). The client
 * gives the id of the last event it has (its cursor); nchan's channel
 * holds the user's recent events in id order, under nchan's own message
 * ids. The worker finds where in the channel the client stands and
 * redirects the connection there (X-Accel-Redirect to an internal
 * location of nginx), so nchan sends exactly the events after the cursor
 * and then the live ones, each once:
 *
 *  1. Walk the channel from its oldest message. If that one is at or
 *     before the cursor, the channel reaches back far enough: start
 *     after the last message at or before the cursor. Done.
 *  2. Otherwise (the channel is empty, or starts after the cursor: nginx
 *     restarted, messages expired) ask the table. Read the relay's
 *     progress after the walk, then the user's events after the cursor
 *     up to started_through:
 *       none        start at the channel's end: whatever the relay
 *                   publishes from now on comes after it;
 *       published   answer them from the table (SSE, long-poll) and let
 *                   the client come back for the rest; a WebSocket is
 *                   told to catch up with JSON first (409);
 *       in flight   the relay is publishing them this very moment:
 *                   look again in a few milliseconds.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/nchan.h"
#include "lib/store-events.h"
#include "lib/time.h"
#include "cgi-bin/events/events.h"

/* Looks at an in-flight batch, 5 ms apart. */
#define HANDOFF_TRIES	200
#define HANDOFF_NAP_USEC	5000

enum walk_rc {
	WALK_COVERS = 0,	/* pos: after the last message at or before the cursor */
	WALK_EMPTY,		/* no message: pos is the start */
	WALK_BEHIND,		/* the first message is after the cursor */
	WALK_ERROR,		/* nchan did not answer */
};

/* One connection to nchan per worker process, opened on first use. */
static struct nchan	*nchan_conn;

static struct nchan *
conn(struct ctx *c)
{
	if (nchan_conn == NULL)
		nchan_conn = nchan_open(c->cfg->events_nchan_socket);
	return nchan_conn;
}

static enum walk_rc
walk(struct ctx *c, char kind, unsigned long long after, char pos[NCHAN_ID_MAX])
{
	struct buf		 body;
	char			 id[NCHAN_ID_MAX];
	unsigned long long	 ev;
	enum walk_rc		 rc = WALK_ERROR;
	int			 found, i;

	buf_init(&body, 64 * 1024);
	snprintf(pos, NCHAN_ID_MAX, "%s", NCHAN_ID_OLDEST);
	for (i = 0; i < NCHAN_WALK_MAX; i++) {
		if (nchan_next(conn(c), kind, c->actor.user_id, pos, &found, id,
		    &body) == -1)
			goto out;
		if (!found) {
			rc = i == 0 ? WALK_EMPTY : WALK_COVERS;
			goto out;
		}
		if (nchan_body_event_id(kind, body.data, body.len, &ev) == -1) {
			log_errx("events: a message in %c.%s holds no event id",
			    kind, c->actor.user_id);
			goto out;
		}
		if (ev > after) {
			rc = i == 0 ? WALK_BEHIND : WALK_COVERS;
			goto out;
		}
		snprintf(pos, NCHAN_ID_MAX, "%s", id);
	}
	log_warnx("events: %c.%s holds more than %d messages", kind,
	    c->actor.user_id, NCHAN_WALK_MAX);
out:
	buf_release(&body);
	return rc;
}

/* Answer with X-Accel-Redirect to the internal subscriber location. */
static int
redirect(struct ctx *c, const struct events_req *r, const char *pos)
{
	enum events_transport	 t = r->transport;
	const char		*where = t == EV_SSE ? "sse" : t == EV_WS ?
				    "ws" : "poll";
	char			 uri[224];

	/*
	 * No pos: the channel's oldest message (nchan_subscriber_first_message
	 * oldest). after: the cursor of the empty batch a long-poll ends with.
	 */
	if (snprintf(uri, sizeof(uri), "/.nchan/%s/%s/%s?pos=%s&after=%llu",
	    where, c->actor.user_id, c->actor.session_id,
	    strcmp(pos, NCHAN_ID_OLDEST) == 0 ? "" : pos, r->after) >=
	    (int)sizeof(uri))
		return -1;
	http_resp_init(c->resp, c->resp->body.max);
	c->resp->status = 200;
	if (http_resp_header(c->resp, "X-Accel-Redirect", uri) == -1 ||
	    http_resp_header(c->resp, "X-Accel-Buffering", "no") == -1)
		return -1;
	return 0;
}

/* The events the client missed, from the table. */
static int
backlog(struct ctx *c, const struct events_req *r, const struct event_row *rows,
    size_t n)
{
	switch (r->transport) {
	case EV_SSE:
		events_reply_sse(c, rows, n);
		break;
	case EV_POLL:
		events_reply_json(c, rows, n, rows[n - 1].id);
		break;
	default:
		problem(c, 409, "events_behind", "the events after this id are "
		    "no longer held for live delivery: read them with GET "
		    "/api/v1/events?after=ID until data is empty, then connect "
		    "again with that cursor");
		break;
	}
	return 0;
}

/* Nothing can be decided now: the client tries again shortly. */
static int
later(struct ctx *c, const struct events_req *r)
{
	if (r->transport == EV_SSE)
		/* An EventSource gives up for good on any status but 200. */
		events_reply_sse(c, NULL, 0);
	else if (r->transport == EV_POLL)
		events_reply_json(c, NULL, 0, r->after);
	else {
		problem(c, 503, "unavailable", "live delivery is unavailable "
		    "right now; try again");
		(void)http_resp_header(c->resp, "Retry-After", "1");
	}
	return 0;
}

/* Ask the table; see the comment at the top. 1: look again later. */
static int
from_table(struct ctx *c, const struct events_req *r, const char *pos)
{
	struct relay_state	 st;
	struct event_row	*rows;
	size_t			 n, k;

	if (store_events_state(c->db, c->arena, &st) != DB_OK ||
	    store_events_of_user(c->db, c->arena, c->actor.user_id, r->after,
	    st.started, r->limit, &rows, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	/*
	 * Nothing to send: start at the channel's start (the walk found it
	 * empty, or holding only events after the cursor whose rows have
	 * been deleted from the table since).
	 */
	if (n == 0)
		return redirect(c, r, pos) == 0 ? 0 : -1;
	for (k = 0; k < n && rows[k].id <= st.published; k++)
		;
	if (k == 0)
		return 1;
	return backlog(c, r, rows, k);
}

int
events_handoff(struct ctx *c, const struct events_req *r)
{
	char		 pos[NCHAN_ID_MAX];
	char		 kind = r->transport == EV_SSE ? NCHAN_SSE : NCHAN_JSON;
	enum walk_rc	 w;
	int		 i, rc;

	for (i = 0; i < HANDOFF_TRIES; i++) {
		if ((w = walk(c, kind, r->after, pos)) == WALK_COVERS)
			return redirect(c, r, pos);
		if (w == WALK_ERROR)
			return later(c, r);
		if ((rc = from_table(c, r, pos)) != 1)
			return rc;
		utc_sleep(HANDOFF_NAP_USEC);
	}
	log_warnx("events: the relay has been publishing %llu+ for a second",
	    r->after);
	return later(c, r);
}
