/*
 * Cursor pagination for lists: ?limit= (default 20, 1..100) and an
 * opaque ?cursor= that encodes the sort key of the last row returned
 * (for example "2026-11-22 14:30:00.000000|<id>"). Replies carry
 * {"data":[...],"next_cursor":"..."|null}.
 */
#ifndef CONCIERGE_PAGE_H
#define CONCIERGE_PAGE_H

#include <json.h>

#include "lib/ctx.h"

#define PAGE_DEFAULT	20
#define PAGE_MAX	100
/*
 * Longest sort key a cursor carries, in bytes (an id, '|' and a name of
 * 200 four-byte characters fit): page_parse reads back every key up to
 * this size that page_cursor wrote.
 */
#define PAGE_KEY_MAX	1024

struct page {
	long		 limit;
	const char	*after;	/* decoded cursor key, NULL for the first page */
};

/*
 * Read limit and cursor from the query. Returns 0, or -1 after a 422
 * reply naming the bad parameter.
 */
int	page_parse(struct ctx *, struct page *);
/* Encode a sort key (at most PAGE_KEY_MAX bytes) as a cursor string (arena). */
const char *page_cursor(struct ctx *, const char *key);
/*
 * Split a decoded cursor key "a|b" at the first '|': *first and *second
 * point into an arena copy. Returns 0, or -1 if there is no '|'.
 */
int	page_split(struct ctx *, const char *key, const char **first,
	    const char **second);
/*
 * Reply 200 with {"data": data, "next_cursor": next} (next may be NULL).
 * Ownership of data passes here.
 */
void	page_reply(struct ctx *, struct json_object *data, const char *next);

#endif
