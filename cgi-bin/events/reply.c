/* Replies the events worker writes itself: a JSON list, or SSE frames. */
#include "config.h"

#include <stdio.h>

#include "lib/json.h"
#include "lib/log.h"
#include "cgi-bin/events/events.h"

void
events_reply_json(struct ctx *c, const struct event_row *rows, size_t n,
    unsigned long long cursor)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*data = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n; i++)
		json_object_array_add(data, events_json(&rows[i]));
	jset(o, "data", data);
	json_object_object_add(o, "last_id",
	    json_object_new_int64((int64_t)cursor));
	json_reply(c, 200, o);
}

void
events_reply_sse(struct ctx *c, const struct event_row *rows, size_t n)
{
	struct http_resp	*resp = c->resp;
	size_t			 i;

	http_resp_init(resp, resp->body.max);
	resp->status = 200;
	resp->content_type = "text/event-stream; charset=utf-8";
	/* The stream ends after these: come back soon, with Last-Event-ID. */
	if (buf_addf(&resp->body, "retry: %ld\n\n",
	    c->cfg->events_sse_retry_ms) == -1)
		goto toolong;
	for (i = 0; i < n; i++)
		if (events_sse_frame(&resp->body, &rows[i]) == -1)
			goto toolong;
	return;
toolong:
	log_errx("events: %zu events do not fit one reply", n);
	problem(c, 500, "internal", "the request could not be completed");
}
