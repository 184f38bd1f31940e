/*
 * Fuzz page cursors (lib/page.c). The input is a query string (?limit=
 * &cursor=), and also a sort key. Properties: an accepted limit is the
 * number given, 1 to 100 (20 when absent); an accepted cursor decodes to
 * a key without NUL that re-encodes to the very cursor given; a refusal
 * is a 422 naming the parameter; page_split cuts at the first '|'; and
 * every key of up to PAGE_KEY_MAX bytes that page_cursor encodes is read
 * back by page_parse.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/page.h"
#include "tests/fuzz/fuzz.h"

static struct fuzz_ctx	 fc;

static int
names_error(const struct fuzz_ctx *f, const char *field)
{
	size_t	 i;

	for (i = 0; i < f->c.nerrs; i++)
		if (strcmp(f->c.errs[i].field, field) == 0)
			return 1;
	return 0;
}

static void
check_parse(const char *query)
{
	struct page	 p;
	const char	*lim, *cur, *first, *second;
	char		*end;
	long		 want = PAGE_DEFAULT;
	int		 rc, is_limit_ok = 1;

	fuzz_ctx_reset(&fc);
	fuzz_ctx_query(&fc, query);
	lim = http_query(&fc.req, "limit");
	cur = http_query(&fc.req, "cursor");
	if (lim != NULL) {
		errno = 0;
		want = strtol(lim, &end, 10);
		is_limit_ok = errno == 0 && end != lim && *end == '\0' &&
		    want >= 1 && want <= PAGE_MAX;
	}
	rc = page_parse(&fc.c, &p);
	if (rc == -1) {
		fuzz_check_problem(&fc, 422);
		FUZZ_CHECK(!is_limit_ok || cur != NULL, "%s", "refused a good limit "
		    "without a cursor");
		FUZZ_CHECK(is_limit_ok || names_error(&fc, "limit"), "%s",
		    "bad limit not named");
		FUZZ_CHECK(!is_limit_ok || names_error(&fc, "cursor"), "%s",
		    "refusal names no parameter");
		return;
	}
	FUZZ_CHECK(is_limit_ok && p.limit == want, "limit %ld, want %ld",
	    p.limit, want);
	if (cur == NULL) {
		FUZZ_CHECK(p.after == NULL, "%s", "a cursor from nothing");
		return;
	}
	FUZZ_CHECK(p.after != NULL && *p.after != '\0', "%s", "empty key");
	FUZZ_CHECK(strcmp(page_cursor(&fc.c, p.after), cur) == 0,
	    "cursor '%s' does not re-encode to itself", cur);
	if (page_split(&fc.c, p.after, &first, &second) == 0) {
		FUZZ_CHECK(strchr(first, '|') == NULL &&
		    strlen(first) + 1 + strlen(second) == strlen(p.after) &&
		    strncmp(p.after, first, strlen(first)) == 0 &&
		    strcmp(p.after + strlen(first) + 1, second) == 0,
		    "split of '%s'", p.after);
	} else
		FUZZ_CHECK(strchr(p.after, '|') == NULL, "no split of '%s'",
		    p.after);
}

/* A key we could emit must come back through ?cursor=. */
static void
check_key(const uint8_t *data, size_t size)
{
	char		*key;
	const char	*cur, *q;
	struct page	 p;

	if (size == 0 || size > PAGE_KEY_MAX || memchr(data, '\0', size) != NULL)
		return;
	fuzz_ctx_reset(&fc);
	key = arena_strndup(&fc.arena, (const char *)data, size);
	cur = page_cursor(&fc.c, key);
	q = arena_printf(&fc.arena, "limit=5&cursor=%s", cur);
	fuzz_ctx_query(&fc, q);
	FUZZ_CHECK(page_parse(&fc.c, &p) == 0 && p.after != NULL &&
	    strcmp(p.after, key) == 0, "key of %zu bytes (cursor of %zu "
	    "characters) is not read back", size, strlen(cur));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 is_init;
	char		*q;

	if (size > 8192)
		return 0;
	if (!is_init) {
		fuzz_ctx_init(&fc);
		is_init = 1;
	}
	fuzz_ctx_reset(&fc);
	q = malloc(size + 1);
	if (q == NULL)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	check_parse(q);
	free(q);
	check_key(data, size);
	return 0;
}
