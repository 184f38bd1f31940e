/* Realtime event rows, their client-visible form and the relay wake-up. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/events.h"
#include "lib/json.h"
#include "lib/time.h"

static const char SQL_APPEND[] =
    "INSERT INTO events (recipient_user_id, type, entity_type, entity_id, at)"
    " VALUES (?, ?, ?, ?, ?)";

/* Events were appended since the last events_wake (committed or not). */
static int	 has_news;
static int	 wake_fd = -1;

int
events_append(struct db *db, const char *recipient, const char *type,
    const char *entity_type, const char *entity_id)
{
	int	 rc;

	rc = db_exec(db, SQL_APPEND, DB_ARGS(DB_TEXT(recipient),
	    DB_TEXT(type), DB_TEXT(entity_type), DB_TEXT(entity_id),
	    DB_TIME(utc_now())), NULL);
	if (rc == DB_OK)
		has_news = 1;
	return rc;
}

void
events_wake(const struct cfg *cfg)
{
	struct sockaddr_un	 sun;
	const char		*path = cfg->events_wake_socket;

	if (!has_news)
		return;
	has_news = 0;
	if (path == NULL || strlen(path) >= sizeof(sun.sun_path))
		return;
	if (wake_fd == -1 && (wake_fd = socket(AF_UNIX,
	    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	/* No relay listening, or its queue is full: it polls anyway. */
	(void)sendto(wake_fd, "w", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
	    sizeof(sun));
}

struct json_object *
events_json(const struct event_row *e)
{
	struct json_object	*o = json_object_new_object();
	char			 at[UTC_BUFSZ];

	json_object_object_add(o, "id", json_object_new_int64((int64_t)e->id));
	jset_str(o, "type", e->type);
	jset_str(o, "entity_type", e->entity_type);
	jset_str(o, "entity_id", e->entity_id);
	jset_str(o, "at", utc_format(e->at, at, sizeof(at), 1));
	return o;
}

int
events_json_text(struct buf *b, const struct event_row *e)
{
	struct json_object	*o = events_json(e);
	int			 rc;

	rc = buf_adds(b, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return rc;
}

int
events_sse_frame(struct buf *b, const struct event_row *e)
{
	if (buf_addf(b, "id: %llu\ndata: ", e->id) == -1 ||
	    events_json_text(b, e) == -1)
		return -1;
	return buf_adds(b, "\n\n");
}

int
events_parse_id(const char *s, unsigned long long *out)
{
	unsigned long long	 v = 0;
	size_t			 i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 19 ||
	    strspn(s, "0123456789") != n)
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned long long)(s[i] - '0');
	if (v > EVENTS_ID_MAX)
		return -1;
	*out = v;
	return 0;
}
