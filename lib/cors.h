/*
 * Cross-origin requests from browsers (docs/CORS.md). The origins a
 * browser page may call the API from are listed in cors.allowed_origins;
 * with none listed (the default) the workers send no CORS header at all.
 * An allowed Origin is echoed back, never a wildcard, and never with
 * Access-Control-Allow-Credentials: the API authenticates with bearer
 * tokens in Authorization, not with cookies.
 */
#ifndef CONCIERGE_CORS_H
#define CONCIERGE_CORS_H

#include <stddef.h>

struct ctx;

/*
 * Whether origin (an Origin header's bytes) is, byte for byte, one of
 * the entries of list (separated by commas and/or blanks). NULL or
 * empty list or origin: 0. No prefix, suffix or case folding.
 */
int	cors_origin_allowed(const char *list, const char *origin);

/*
 * Whether s (n bytes) is a serialized origin as browsers send it:
 * "http" or "https", "://", a lowercase host name or IPv4 address (or
 * a bracketed IPv6 address), an optional ":port" (1-65535, no leading
 * zero), nothing after. "*" and "null" are not origins. 1 or 0.
 */
int	cors_origin_valid(const char *s, size_t n);

/*
 * Check a cors.allowed_origins value: every entry a valid origin. 0, or
 * -1 with *bad and *badlen naming the first bad entry.
 */
int	cors_list_check(const char *list, const char **bad, size_t *badlen);

/*
 * The request dispatcher calls this before routing. With origins
 * configured, every reply gets "Vary: Origin", and a reply to an
 * allowed Origin its Access-Control-Allow-Origin and -Expose-Headers
 * (kept through the handler's http_resp_init). A preflight (OPTIONS
 * with Origin and Access-Control-Request-Method) is answered here:
 * 204 with the allowed methods and headers, or 403 without any CORS
 * header for an origin not listed. Returns 1 if it answered the
 * request, 0 to go on routing.
 */
int	cors_apply(struct ctx *);

#endif
