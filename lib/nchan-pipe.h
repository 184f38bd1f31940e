/*
 * Publishing many messages to nchan at once, over a few persistent
 * connections with HTTP/1.1 pipelining (lib/nchan-pipe.c). Used by
 * nchan_publish_many; see lib/nchan.h for the message and its guarantees.
 */
#ifndef CONCIERGE_NCHAN_PIPE_H
#define CONCIERGE_NCHAN_PIPE_H

#include <stddef.h>

#include "lib/nchan.h"

/* The most connections one publisher keeps. */
#define NCHAN_PIPES_MAX	16

struct nchan_pipes;

/* Connections (opened when first used) to nchan's server on socket_path. */
struct nchan_pipes *nchan_pipes_new(const char *socket_path);
/* Close and free; NULL is fine. */
void	nchan_pipes_free(struct nchan_pipes *);
/*
 * Publish the count messages over npipes connections, each user's in
 * order with one in flight at a time. 0, or -1 (see nchan_publish_many).
 */
int	nchan_pipes_publish(struct nchan_pipes *, struct nchan_msg *,
	    size_t count, int npipes);

#endif
