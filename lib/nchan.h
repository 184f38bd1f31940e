/*
 * nchan, the nginx module that holds every open SSE, WebSocket and
 * long-poll connection: a client for its loopback-only server (a unix
 * socket, nginx/dev.conf.in "nchan: loopback only"), the channel names
 * and the message bodies (docs/EVENTS.md, "How delivery works").
 *
 * Each user has two channels with the same events in the same order:
 * 'j' carries {"data":[event],"last_id":id} (WebSocket frames, long-poll
 * replies: the shape of every JSON reply) and
 * 's' carries the event for nchan's EventSource writer. Each session has
 * a third, 'x', that never carries a message: a subscriber listens to it
 * too, so deleting it ends exactly that session's streams.
 *
 * nchan's own message ids ("1796152772:0") never reach a client; the
 * events worker uses them only to say where in a channel a subscriber
 * starts.
 */
#ifndef CONCIERGE_NCHAN_H
#define CONCIERGE_NCHAN_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/events.h"

#define NCHAN_JSON	'j'
#define NCHAN_SSE	's'

/* Room for an nchan message id "time:tag" of a single channel. */
#define NCHAN_ID_MAX	48
/* "Before the first message": nchan's "oldest" position. */
#define NCHAN_ID_OLDEST	"0:0"
/* Messages walked before giving up on a channel (it holds 64). */
#define NCHAN_WALK_MAX	512

struct nchan;

/* Connect lazily to nchan's server on the unix socket path. Never NULL. */
struct nchan *nchan_open(const char *socket_path);
/* Close and free; NULL is fine. */
void	nchan_close(struct nchan *);

/* Publish body (content type ctype) to channel kind of user. 0 or -1. */
int	nchan_publish(struct nchan *, char kind, const char *user_id,
	    const char *body, size_t len, const char *ctype);

/* One message of a nchan_publish_many batch. */
struct nchan_msg {
	char		 kind;
	const char	*user_id;
	const char	*body;
	size_t		 len;
	const char	*ctype;
	int		 is_done;	/* out: nchan took it */
};

/*
 * Publish the n messages over max_parallel pipelined connections,
 * keeping the order of the messages to any one channel (a message is
 * sent only when nchan has taken every earlier one to its channel).
 * Returns 0 if every message was published; -1 if one failed: is_done
 * says which were, and to each channel they are a prefix of its messages.
 */
int	nchan_publish_many(struct nchan *, struct nchan_msg *, size_t n,
	    int max_parallel);
/*
 * The newest message of the channel, walked to from its oldest: *found 0
 * if it is empty or does not exist; else its body in body. 0 or -1.
 */
int	nchan_newest(struct nchan *, char kind, const char *user_id, int *found,
	    struct buf *body);
/*
 * The message after position pos (NCHAN_ID_OLDEST: the first one): *found
 * 0 if there is none; else its id in id[NCHAN_ID_MAX] and its body in body.
 * 0 or -1.
 */
int	nchan_next(struct nchan *, char kind, const char *user_id, const char *pos,
	    int *found, char id[NCHAN_ID_MAX], struct buf *body);
/*
 * Delete the user's two channels, ending every stream of theirs (the
 * clients of sessions still valid reconnect and resume). 0 or -1.
 */
int	nchan_end_streams(struct nchan *, const char *user_id);

/* The body published to channel kind for event e, into b. 0 or -1. */
int	nchan_body(struct buf *b, char kind, const struct event_row *e);
/* The event id inside a body of channel kind. 0, or -1 if it has none. */
int	nchan_body_event_id(char kind, const char *body, size_t len,
	    unsigned long long *id);
/* 1 if s is a single-channel nchan message id "digits:digits". */
int	nchan_id_is_valid(const char *s);

#endif
