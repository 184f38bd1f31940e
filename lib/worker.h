/*
 * The worker runtime shared by every FastCGI worker binary. One binary
 * runs three ways:
 *   plain CGI        one request from the environment and stdin;
 *   under spawn-fcgi fd 0 is the listening socket;
 *   standalone       --listen unix:PATH|HOST:PORT --children N: a parent
 *                    preforks N children, restarts dead ones, recycles
 *                    each after --max-requests, and on SIGTERM lets
 *                    in-flight requests finish before exiting.
 * Every worker answers GET /healthz/<name>.
 */
#ifndef CONCIERGE_WORKER_H
#define CONCIERGE_WORKER_H

#include <stddef.h>

#include "lib/router.h"

struct worker_def {
	const char		*name;		/* "auth": health path and logs */
	const struct route	*routes;
	size_t			 nroutes;
	/* Prefixes this worker owns but has not built: any method answers 501. */
	const char *const	*unbuilt;
};

/*
 * 1 when this process's arguments come from a client: a web server
 * started it for one CGI request (GATEWAY_INTERFACE is set) whose query
 * string has no "=", which the server then passes as the command line
 * (RFC 3875, 4.4; Apache's mod_cgi and mod_cgid do). They must be ignored.
 */
int	worker_args_from_client(void);

/*
 * Parse the command line (ignored if it is a client's, see above: the
 * config then comes from CONCIERGE_CONFIG), run in the right mode, return
 * the exit status.
 */
int	worker_main(int argc, char *argv[], const struct worker_def *);

/* Handler for routes that are declared but not built yet: 501 problem. */
int	worker_not_implemented(struct ctx *);

#endif
