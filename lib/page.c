/* Cursor pagination helpers. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/http.h"
#include "lib/json.h"
#include "lib/page.h"

/* The base64url length of a PAGE_KEY_MAX-byte key. */
#define CURSOR_MAX	(4 * ((PAGE_KEY_MAX + 2) / 3))

int
page_parse(struct ctx *c, struct page *p)
{
	const char	*v;
	char		*end;
	unsigned char	*raw;
	long		 n;
	size_t		 len;

	p->limit = PAGE_DEFAULT;
	p->after = NULL;
	if ((v = http_query(c->req, "limit")) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end != '\0' || n < 1 || n > PAGE_MAX)
			ctx_error(c, "limit", "must be a whole number from 1 to 100");
		else
			p->limit = n;
	}
	if ((v = http_query(c->req, "cursor")) != NULL) {
		len = strlen(v);
		raw = arena_alloc(c->arena, len + 1);
		long got = len > CURSOR_MAX ? -1 :
		    crypto_b64url_decode(v, len, raw);
		if (got <= 0 || memchr(raw, '\0', (size_t)got) != NULL)
			ctx_error(c, "cursor", "is not a cursor from this list");
		else {
			raw[got] = '\0';
			p->after = (const char *)raw;
		}
	}
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

const char *
page_cursor(struct ctx *c, const char *key)
{
	size_t	 n = strlen(key);
	char	*out = arena_alloc(c->arena, 4 * ((n + 2) / 3) + 1);

	crypto_b64url(key, n, out);
	return out;
}

int
page_split(struct ctx *c, const char *key, const char **first,
    const char **second)
{
	char	*copy = arena_strdup(c->arena, key), *bar;

	if ((bar = strchr(copy, '|')) == NULL)
		return -1;
	*bar = '\0';
	*first = copy;
	*second = bar + 1;
	return 0;
}

void
page_reply(struct ctx *c, struct json_object *data, const char *next)
{
	struct json_object	*o = json_object_new_object();

	jset(o, "data", data);
	jset_str(o, "next_cursor", next);
	json_reply(c, 200, o);
}
