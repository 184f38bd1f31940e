/* A libcurl client for nchan's loopback server (single requests), and nchan message bodies. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json.h>

#include "lib/id.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/nchan.h"
#include "lib/nchan-pipe.h"

/* Replies we read: channel info, one message. Ours are a few hundred bytes. */
#define NCHAN_REPLY_MAX	(64 * 1024)
#define NCHAN_TIMEOUT_MS	5000L

/* The SSE channel's body: the event, then an id field after a lone CR. */
#define SSE_ID_FIELD	"\rid: "

struct nchan {
	CURL		*curl;
	char		*socket;
	struct buf	 reply;
	char		 etag[NCHAN_ID_MAX];
	char		 url[256];
	struct nchan_pipes *pipes;	/* of nchan_publish_many */
};

struct nchan *
nchan_open(const char *socket_path)
{
	struct nchan	*n = xcalloc(1, sizeof(*n));

	n->socket = xstrdup(socket_path);
	buf_init(&n->reply, NCHAN_REPLY_MAX);
	return n;
}

void
nchan_close(struct nchan *n)
{
	if (n == NULL)
		return;
	nchan_pipes_free(n->pipes);
	if (n->curl != NULL)
		curl_easy_cleanup(n->curl);
	buf_release(&n->reply);
	free(n->socket);
	free(n);
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct nchan	*n = arg;

	return buf_add(&n->reply, p, size * nmemb) == 0 ? size * nmemb : 0;
}

/* Keep the Etag header: with nchan_subscriber_compound_etag_message_id it is the message id. */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct nchan	*n = arg;
	size_t		 len = size * nmemb, v;

	if (len > 6 && strncasecmp(p, "Etag:", 5) == 0) {
		for (v = 5; v < len && p[v] == ' '; v++)
			;
		while (len > v && (p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		if (len - v < sizeof(n->etag)) {
			memcpy(n->etag, p + v, len - v);
			n->etag[len - v] = '\0';
		}
	}
	return size * nmemb;
}

/* One request; *status gets the HTTP status. 0, or -1 if nchan did not answer. */
static int
request(struct nchan *n, const char *method, const char *path,
    const char *body, size_t len, const char *ctype, long *status)
{
	struct curl_slist	*h = NULL;
	char			 ct[96];
	CURLcode		 rc;

	*status = 0;
	if (n->curl == NULL) {
		if ((n->curl = curl_easy_init()) == NULL)
			return -1;
	} else
		curl_easy_reset(n->curl);
	buf_clear(&n->reply);
	n->etag[0] = '\0';
	if (snprintf(n->url, sizeof(n->url), "http://nchan%s", path) >=
	    (int)sizeof(n->url))
		return -1;
	curl_easy_setopt(n->curl, CURLOPT_UNIX_SOCKET_PATH, n->socket);
	curl_easy_setopt(n->curl, CURLOPT_URL, n->url);
	curl_easy_setopt(n->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(n->curl, CURLOPT_TIMEOUT_MS, NCHAN_TIMEOUT_MS);
	curl_easy_setopt(n->curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(n->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(n->curl, CURLOPT_WRITEDATA, n);
	curl_easy_setopt(n->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(n->curl, CURLOPT_HEADERDATA, n);
	h = curl_slist_append(h, "Accept: text/json");
	h = curl_slist_append(h, "Expect:");
	if (ctype != NULL) {
		snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
		h = curl_slist_append(h, ct);
	}
	curl_easy_setopt(n->curl, CURLOPT_HTTPHEADER, h);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(n->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(n->curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(n->curl, CURLOPT_POSTFIELDSIZE, (long)len);
	} else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(n->curl, CURLOPT_CUSTOMREQUEST, method);
	rc = curl_easy_perform(n->curl);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		log_warnx("nchan: %s %s: %s", method, path, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(n->curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/* "/<prefix>/<kind>/<id>" into path. 0, or -1 if id is not an id. */
static int
channel_path(char *path, size_t size, const char *prefix, char kind,
    const char *id)
{
	if (!id_is_valid(id))
		return -1;
	return snprintf(path, size, "/%s/%c/%s", prefix, kind, id) <
	    (int)size ? 0 : -1;
}

int
nchan_publish(struct nchan *n, char kind, const char *user_id,
    const char *body, size_t len, const char *ctype)
{
	char	 path[96];
	long	 status;

	if (channel_path(path, sizeof(path), "pub", kind, user_id) == -1 ||
	    request(n, "POST", path, body, len, ctype, &status) == -1)
		return -1;
	/* 201: someone listened; 202: stored for later. */
	if (status != 201 && status != 202) {
		log_warnx("nchan: publishing to %c.%s answered %ld", kind,
		    user_id, status);
		return -1;
	}
	return 0;
}

int
nchan_publish_many(struct nchan *n, struct nchan_msg *msgs, size_t count,
    int max_parallel)
{
	if (n->pipes == NULL)
		n->pipes = nchan_pipes_new(n->socket);
	return nchan_pipes_publish(n->pipes, msgs, count, max_parallel);
}

/* GET path: 200 gives the message, 304 and 404 none. */
static int
get_message(struct nchan *n, const char *path, int *found, struct buf *body)
{
	long	 status;

	*found = 0;
	if (request(n, "GET", path, NULL, 0, NULL, &status) == -1)
		return -1;
	if (status == 304 || status == 404)
		return 0;
	if (status != 200) {
		log_warnx("nchan: GET %s answered %ld", path, status);
		return -1;
	}
	buf_clear(body);
	if (n->reply.len > 0 && buf_add(body, n->reply.data, n->reply.len) == -1)
		return -1;
	*found = 1;
	return 0;
}

int
nchan_next(struct nchan *n, char kind, const char *user_id, const char *pos,
    int *found, char id[NCHAN_ID_MAX], struct buf *body)
{
	char	 path[160];
	size_t	 len;

	*found = 0;
	if (!nchan_id_is_valid(pos) ||
	    channel_path(path, sizeof(path), "walk", kind, user_id) == -1)
		return -1;
	len = strlen(path);
	if (snprintf(path + len, sizeof(path) - len, "?pos=%s", pos) >=
	    (int)(sizeof(path) - len))
		return -1;
	if (get_message(n, path, found, body) == -1)
		return -1;
	if (*found && !nchan_id_is_valid(n->etag)) {
		log_warnx("nchan: a message of %c.%s came without a usable id",
		    kind, user_id);
		return -1;
	}
	if (*found)
		snprintf(id, NCHAN_ID_MAX, "%s", n->etag);
	return 0;
}

/*
 * Walked from the oldest message, never asked for "the newest" (nchan's
 * nchan_subscriber_first_message -1): on an empty channel nchan 1.3.6
 * takes that for a position it does not hold, the path that can abort its
 * worker (docs/EVENTS.md, "Positions nchan does not hold").
 */
int
nchan_newest(struct nchan *n, char kind, const char *user_id, int *found,
    struct buf *body)
{
	char	 pos[NCHAN_ID_MAX], id[NCHAN_ID_MAX];
	int	 more, i;

	/* nchan_next leaves body alone when there is no next message. */
	*found = 0;
	snprintf(pos, sizeof(pos), "%s", NCHAN_ID_OLDEST);
	for (i = 0; i < NCHAN_WALK_MAX; i++) {
		if (nchan_next(n, kind, user_id, pos, &more, id, body) == -1)
			return -1;
		if (!more)
			break;
		*found = 1;
		snprintf(pos, sizeof(pos), "%s", id);
	}
	if (i == NCHAN_WALK_MAX) {
		log_warnx("nchan: %c.%s holds more than %d messages", kind,
		    user_id, NCHAN_WALK_MAX);
		return -1;
	}
	return 0;
}

int
nchan_end_streams(struct nchan *n, const char *user_id)
{
	static const char	 kinds[2] = { NCHAN_JSON, NCHAN_SSE };
	char			 path[96];
	long			 status;
	int			 k, rc = 0;

	for (k = 0; k < 2; k++) {
		if (channel_path(path, sizeof(path), "pub", kinds[k],
		    user_id) == -1 ||
		    request(n, "DELETE", path, NULL, 0, NULL, &status) == -1) {
			rc = -1;
			continue;
		}
		/* 404: the channel held nothing and nobody listened. */
		if (status != 200 && status != 404) {
			log_warnx("nchan: deleting %c.%s answered %ld", kinds[k],
			    user_id, status);
			rc = -1;
		}
	}
	return rc;
}

int
nchan_body(struct buf *b, char kind, const struct event_row *e)
{
	buf_clear(b);
	if (kind == NCHAN_SSE) {
		/*
		 * nchan writes "id: <its own id>", then each line of the body
		 * as "data: ...". A lone CR ends a line in SSE (WHATWG HTML,
		 * "Parsing an event stream") but not for nchan, so the field
		 * after it reaches the client as a field of its own: the
		 * event id, which, coming later, is the event's last event ID.
		 */
		return events_json_text(b, e) == 0 &&
		    buf_addf(b, SSE_ID_FIELD "%llu", e->id) == 0 ? 0 : -1;
	}
	/* The shape of every JSON reply of GET /api/v1/events. */
	return buf_adds(b, "{\"data\":[") == 0 && events_json_text(b, e) == 0 &&
	    buf_addf(b, "],\"last_id\":%llu}", e->id) == 0 ? 0 : -1;
}

static int
json_event_id(const char *body, size_t len, unsigned long long *id)
{
	struct json_tokener	*tok = json_tokener_new();
	struct json_object	*o, *data, *first, *v;
	int			 rc = -1;

	o = json_tokener_parse_ex(tok, body, (int)len);
	json_tokener_free(tok);
	if (o != NULL && json_object_object_get_ex(o, "data", &data) &&
	    json_object_is_type(data, json_type_array) &&
	    json_object_array_length(data) == 1 &&
	    (first = json_object_array_get_idx(data, 0)) != NULL &&
	    json_object_object_get_ex(first, "id", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0) {
		*id = (unsigned long long)json_object_get_int64(v);
		rc = 0;
	}
	json_object_put(o);
	return rc;
}

int
nchan_body_event_id(char kind, const char *body, size_t len,
    unsigned long long *id)
{
	const char	*p, *last = NULL;
	char		 digits[24];
	size_t		 n, flen = strlen(SSE_ID_FIELD);

	if (kind != NCHAN_SSE)
		return json_event_id(body, len, id);
	for (p = body; (p = memchr(p, '\r', len - (size_t)(p - body))) != NULL;
	    p++)
		last = p;
	if (last == NULL || (size_t)(body + len - last) <= flen ||
	    memcmp(last, SSE_ID_FIELD, flen) != 0)
		return -1;
	n = (size_t)(body + len - last) - flen;
	if (n >= sizeof(digits))
		return -1;
	memcpy(digits, last + flen, n);
	digits[n] = '\0';
	return events_parse_id(digits, id);
}

int
nchan_id_is_valid(const char *s)
{
	size_t	 t, g;

	if (s == NULL)
		return 0;
	t = strspn(s, "0123456789");
	if (t == 0 || t > 20 || s[t] != ':')
		return 0;
	g = strspn(s + t + 1, "0123456789");
	return g > 0 && g <= 10 && s[t + 1 + g] == '\0';
}
