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
/*
 * A keyed request commits within this of its claim or not at all (its
 * commit hook refuses later; nginx has answered 504 by then anyway).
 */
#define IDEM_RUN_SECONDS	60
/*
 * A 'running' claim older than this is taken to be abandoned (a crash)
 * and may be taken over. Twice IDEM_RUN_SECONDS: the first request can
 * no longer commit by then, even with hosts' clocks a minute apart.
 */
#define IDEM_STALE_SECONDS	(2 * IDEM_RUN_SECONDS)

/*
 * Run fn(c) under the request's Idempotency-Key, if it has one (without
 * a key fn simply runs). A replay, a 409 and a 422 are answered here
 * without calling fn. After fn, its response is stored for replay unless
 * it is a 5xx, in which case the key is released so a retry runs again.
 * The claim and the store run outside fn's transaction, but the claim is
 * marked 'committed' inside it (a commit hook, bound to this claim: it
 * fails, and with it the commit, unless it marks exactly this claim,
 * still running and younger than IDEM_RUN_SECONDS), so if the process
 * dies between fn's commit and the store, a retry answers 409
 * idempotency_reply_lost instead of doing the work again, and a claim
 * taken over can never commit twice. A request that lost its claim that
 * way answers 409 idempotency_expired and did nothing. The first
 * transaction fn commits is the command's; fn must not leave one open.
 * Returns what fn returns, or 0 when answered.
 */
int	idem_run(struct ctx *, int (*fn)(struct ctx *));

#endif
