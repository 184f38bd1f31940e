/*
 * Routing: a table of method + path pattern ("/api/v1/users/{id}/verify")
 * to handler. {name} captures one path segment of id characters.
 */
#ifndef CONCIERGE_ROUTER_H
#define CONCIERGE_ROUTER_H

#include <stddef.h>

#include "lib/ctx.h"
#include "lib/http.h"

#define ROUTE_PUBLIC	0x01	/* no bearer token needed */
#define ROUTE_RAW_BODY	0x02	/* body is not JSON (uploads); upload size limit */
#define ROUTE_STREAM	0x04	/* handler writes the response itself */
/*
 * The handler reads the body itself, in bounded pieces, through
 * http_req_read_some (uploads: never the whole body in memory). The
 * runtime drains whatever the handler left unread before it answers.
 */
#define ROUTE_STREAM_BODY	0x08

struct route {
	enum http_method	 method;
	const char		*pattern;
	int			 (*fn)(struct ctx *);	/* 0, or -1: answer 500 */
	unsigned		 flags;
};

enum router_rc {
	ROUTER_OK = 0,
	ROUTER_NOT_FOUND,	/* no pattern matches the path */
	ROUTER_BAD_METHOD,	/* a pattern matches, not with this method */
};

/*
 * Find the route for method and path in a table of n routes. Captures
 * are stored in caps (pointers into the arena). allow gets the methods
 * of the matching patterns for a 405 reply.
 */
enum router_rc router_match(const struct route *, size_t n,
	    enum http_method, const char *path, struct arena *,
	    const struct route **out, const char *caps[CTX_MAX_CAPS],
	    size_t *ncaps, char *allow, size_t allowsz);

#endif
