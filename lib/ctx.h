/*
 * The per-request context every handler receives: the parsed request,
 * the response being built, the database, the configuration and the
 * authenticated actor.
 */
#ifndef CONCIERGE_CTX_H
#define CONCIERGE_CTX_H

#include <stddef.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/http.h"
#include "lib/id.h"
#include "lib/mem.h"
#include "lib/policy.h"

#define CTX_MAX_CAPS	4
#define CTX_MAX_ERRORS	32

struct problem_error {
	const char	*field;
	const char	*message;
};

struct ctx {
	struct arena		*arena;
	const struct cfg	*cfg;
	struct db		*db;
	const struct http_io	*io;
	struct http_req		*req;
	struct http_resp	*resp;
	const char		*worker;
	const char		*cap[CTX_MAX_CAPS];	/* {id} captures, in order */
	size_t			 ncap;
	struct actor		 actor;
	struct problem_error	 errs[CTX_MAX_ERRORS];
	size_t			 nerrs;
};

/* Record a validation error for the 422 reply; strings must outlive the request. */
void	ctx_error(struct ctx *, const char *field, const char *message);

#endif
