/*
 * Long-polls held by the worker itself: every long-poll without nchan,
 * and with nchan those shorter than nchan's fixed hold; also SSE without
 * nchan (the stream ends after one batch or events.wait_max seconds and
 * the EventSource reconnects). A held request occupies a worker process,
 * so at most events.max_waiting are held at once per worker instance;
 * one more gets 429 with Retry-After. The count lives in byte-range locks
 * on a file the prefork parent opens before forking (events_hold_init):
 * each child that holds a request locks one byte, and the kernel drops
 * the lock if the child dies.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"
#include "cgi-bin/events/events.h"

/* A comment line on held SSE streams at least this often. */
#define HEARTBEAT_USEC	(15 * UTC_SEC)

static int	 slot_fd = -1;

void
events_hold_init(void)
{
	char	 tmpl[] = "/tmp/concierge-events-wait.XXXXXX";

	if ((slot_fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return;
	/* No O_TMPFILE here: a named file, unlinked at once. */
	if ((slot_fd = mkstemp(tmpl)) != -1)
		(void)unlink(tmpl);
	else
		log_warnx("events: no slot file (%s): held requests are not "
		    "counted across processes", strerror(errno));
}

/* Lock one of the first max bytes; *slot gets it. 0, or -1 if all are taken. */
static int
slot_take(long max, long *slot)
{
	struct flock	 fl;
	long		 i;

	if (slot_fd == -1)
		events_hold_init();
	for (i = 0; i < max; i++) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = i;
		fl.l_len = 1;
		if (slot_fd == -1 || fcntl(slot_fd, F_SETLK, &fl) == 0) {
			*slot = i;
			return 0;
		}
	}
	return -1;
}

static void
slot_release(long slot)
{
	struct flock	 fl;

	if (slot_fd == -1)
		return;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = slot;
	fl.l_len = 1;
	(void)fcntl(slot_fd, F_SETLK, &fl);
}

/* Write s to the held SSE stream now. 0, or -1 if the client is gone. */
static int
sse_write(struct ctx *c, const char *s, size_t n)
{
	if (c->io->write(c->io->ctx, s, n) == -1 ||
	    c->io->flush(c->io->ctx) == -1)
		return -1;
	return 0;
}

static int
sse_open(struct ctx *c)
{
	char	 retry[40];
	int	 n;

	http_resp_init(c->resp, c->resp->body.max);
	c->resp->status = 200;
	c->resp->content_type = "text/event-stream; charset=utf-8";
	(void)http_resp_header(c->resp, "X-Accel-Buffering", "no");
	c->resp->is_streaming = 1;
	if (http_resp_send_head(c->resp, c->req, c->io) == -1)
		return -1;
	n = snprintf(retry, sizeof(retry), "retry: %ld\n\n",
	    c->cfg->events_sse_retry_ms);
	return sse_write(c, retry, (size_t)n);
}

static int
sse_events(struct ctx *c, const struct event_row *rows, size_t n)
{
	struct buf	 b;
	size_t		 i;
	int		 rc = 0;

	buf_init(&b, 4 * 1024 * 1024);
	for (i = 0; i < n && rc == 0; i++)
		rc = events_sse_frame(&b, &rows[i]);
	if (rc == 0)
		rc = sse_write(c, b.data, b.len);
	buf_release(&b);
	return rc;
}

/*
 * Wait for events. Returns 0 when answered (rows/n set, n may be 0 at
 * the deadline), -1 on a database failure, 1 if the session ended, 2 if
 * the SSE client went away.
 */
static int
wait_events(struct ctx *c, const struct events_req *r, int64_t deadline,
    struct event_row **rows, size_t *n, unsigned long long *cursor)
{
	int64_t	 now, beat = utc_mono() + HEARTBEAT_USEC;
	int64_t	 step = c->cfg->events_poll_ms * 1000;
	int	 is_live;

	for (;;) {
		if (events_ready(c, r->after, r->limit, rows, n, cursor) != DB_OK)
			return -1;
		if (*n > 0 || (now = utc_mono()) >= deadline)
			return 0;
		if (events_store_session_live(c, &is_live) != DB_OK)
			return -1;
		if (!is_live)
			return 1;
		if (r->transport == EV_SSE && now >= beat) {
			if (sse_write(c, ":heartbeat\n\n", 12) == -1)
				return 2;
			beat = now + HEARTBEAT_USEC;
		}
		utc_sleep(deadline - now < step ? deadline - now : step);
	}
}

int
events_hold(struct ctx *c, const struct events_req *r)
{
	struct event_row	*rows;
	unsigned long long	 cursor;
	size_t			 n;
	long			 slot;
	int64_t			 secs = r->transport == EV_SSE ?
				    c->cfg->events_wait_max : r->wait;
	int			 rc;

	if (slot_take(c->cfg->events_max_waiting, &slot) == -1) {
		problem(c, 429, "too_many_waiting", "too many requests are "
		    "waiting for events; try again shortly");
		(void)http_resp_header(c->resp, "Retry-After", "1");
		return 0;
	}
	if (r->transport == EV_SSE && sse_open(c) == -1) {
		slot_release(slot);
		return 0;
	}
	rc = wait_events(c, r, utc_mono() + secs * UTC_SEC, &rows, &n, &cursor);
	slot_release(slot);
	if (r->transport == EV_SSE) {
		/* The head is out: a failure can only end the stream. */
		if (rc == 0 && n > 0)
			(void)sse_events(c, rows, n);
		return 0;
	}
	if (rc == -1)
		problem_unavailable(c);
	else if (rc == 1) {
		problem(c, 401, "unauthorized", "the session has ended");
		(void)http_resp_header(c->resp, "WWW-Authenticate", "Bearer");
	} else
		events_reply_json(c, rows, n, cursor);
	return 0;
}
