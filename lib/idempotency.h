/*
 * The Idempotency-Key convention of API.md for POST routes: the same key
 * and body from the same user within 24 h replays the first response and
 * does nothing again; the same key with another body (or route) is 422;
 * the same key while the first request still runs is 409.
 *
 * Rows of idempotency_keys are claimed atomically by an INSERT that fails
 * on the duplicate (user_id, key). Any worker can use it: wrap a handler
 * with idem_run(). Stored replies are sealed with lib/vault.h (a reply
 * may echo what the request wrote: a message body, a subject), so the
 * table never holds them in clear.
 */
#ifndef CONCIERGE_IDEMPOTENCY_H
#define CONCIERGE_IDEMPOTENCY_H

#include "lib/ctx.h"

#define IDEM_KEY_MAX		255
#define IDEM_TTL_HOURS		24
/* A 'running' claim older than this is taken to be abandoned (a crash). */
#define IDEM_STALE_SECONDS	60

/*
 * Run fn(c) under the request's Idempotency-Key, if it has one (without
 * a key fn simply runs). A replay, a 409 and a 422 are answered here
 * without calling fn. After fn, its response is stored for replay unless
 * it is a 5xx, in which case the key is released so a retry runs again.
 * The claim and the store run outside fn's transaction, but the claim is
 * marked 'committed' inside it (a commit hook), so if the process dies
 * between fn's commit and the store, a retry answers 409
 * idempotency_reply_lost instead of doing the work again. fn must not
 * leave a transaction open. Returns what fn returns, or 0 when answered.
 */
int	idem_run(struct ctx *, int (*fn)(struct ctx *));

#endif
