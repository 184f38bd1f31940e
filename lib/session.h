/*
 * Bearer-token sessions: 256-bit random tokens of which only the
 * SHA-256 is stored; idle and absolute expiry; last_seen written at
 * most once per session.touch_seconds.
 */
#ifndef CONCIERGE_SESSION_H
#define CONCIERGE_SESSION_H

#include <stdint.h>

#include "lib/crypto.h"
#include "lib/ctx.h"

/*
 * Resolve the Authorization header into c->actor. Returns 0, or -1
 * after setting a 401 (missing, invalid, expired, revoked, disabled
 * user) or 503 reply.
 */
int	session_require(struct ctx *);
/*
 * Create a session for user_id inside the caller's transaction. token
 * receives the bearer token (CRYPTO_TOKEN_LEN + 1 bytes) and *expires
 * the absolute expiry. Returns an enum db_rc.
 */
int	session_create(struct ctx *, const char *user_id,
	    char token[CRYPTO_TOKEN_LEN + 1], char session_id[ID_LEN + 1],
	    int64_t *expires);

#endif
