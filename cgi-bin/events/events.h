/*
 * The events worker: GET /api/v1/events. It authenticates the caller and
 * then, by transport (docs/EVENTS.md):
 *   SSE, WebSocket, long-poll  hands the connection to nchan for the
 *                              caller's own channels (X-Accel-Redirect),
 *                              or answers the missed events itself;
 *   JSON                       answers the events after ?after= at once;
 *   without nchan              holds long-polls (and SSE) itself, a
 *                              bounded number at a time.
 */
#ifndef CONCIERGE_W_EVENTS_H
#define CONCIERGE_W_EVENTS_H

#include "lib/ctx.h"
#include "lib/events.h"
#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the events worker. */
extern const struct worker_def events_worker;

enum events_transport {
	EV_JSON = 0,	/* plain GET: the events after the cursor, now */
	EV_POLL,	/* GET ...&wait=N: the same, waiting up to N seconds */
	EV_SSE,		/* Accept: text/event-stream */
	EV_WS,		/* a WebSocket upgrade */
};

/* A parsed GET /api/v1/events. */
struct events_req {
	enum events_transport	 transport;
	int			 has_after;	/* Last-Event-ID or ?after= given */
	unsigned long long	 after;		/* the client's cursor */
	long			 wait;		/* EV_POLL: seconds */
	long			 limit;		/* events per reply */
};

/* GET /api/v1/events. */
int	events_get(struct ctx *);

/* Parse query and headers into r. 0, or -1 with a 422 reply set. */
int	events_req_parse(struct ctx *, struct events_req *r);

/* Reply 200 {"data":[...],"last_id":N}; last_id is the cursor to send next. */
void	events_reply_json(struct ctx *, const struct event_row *, size_t n,
	    unsigned long long cursor);
/*
 * Reply 200 text/event-stream with the n events as SSE frames and a
 * retry: line, then end the stream: the client reconnects at once with
 * Last-Event-ID set to the last of them.
 */
void	events_reply_sse(struct ctx *, const struct event_row *, size_t n);

/*
 * nchan is configured: hand the subscriber to nchan at the right place
 * of its channel, or answer the events it missed (docs/EVENTS.md,
 * "Resume"). Always answers; returns 0.
 */
int	events_handoff(struct ctx *, const struct events_req *);

/*
 * Hold the request until the caller has events after r->after or the
 * wait ends, inside this process: long-polls (and SSE without nchan). At
 * most events.max_waiting at once per worker instance; beyond, 429.
 * Always answers; returns 0.
 */
int	events_hold(struct ctx *, const struct events_req *);
/* Before forking: the shared slot file that counts held requests. */
void	events_hold_init(void);

/*
 * The caller's events after `after` that may be sent now, at most limit:
 * with nchan, those the relay has published (so nchan never sends them
 * again); without, those committed with none of the caller's still in
 * flight before them. *cursor: the cursor after them. Returns an enum db_rc.
 */
int	events_ready(struct ctx *, unsigned long long after, long limit,
	    struct event_row **rows, size_t *n, unsigned long long *cursor);
/* The head: where a client that gave no cursor starts. Returns an enum db_rc. */
int	events_head(struct ctx *, unsigned long long *head);

/* Whether the caller's session is still live (not revoked, user enabled). */
int	events_store_session_live(struct ctx *, int *is_live);

#endif
