/*
 * Fuzz the router (lib/router.c). Input: a first line "METHOD /path",
 * then one route per line, "METHOD /pattern/{id}" (the corpus holds every
 * worker's real table). Properties: a match is the first route whose
 * pattern, with its captures put back, spells the path exactly, and each
 * capture is 1-64 id characters; HEAD is served by GET routes; "bad
 * method" means some route matches the path with another method, and
 * the Allow list names exactly those methods (cut to the buffer, always
 * NUL-terminated, never past it); "not found" means no route matches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/router.h"
#include "tests/fuzz/fuzz.h"

#define MAX_ROUTES	64

static const char *const method_names[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER",
};

static int
dummy(struct ctx *c)
{
	(void)c;
	return 0;
}

static enum http_method
method_of(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strlen(method_names[i]) == n && memcmp(method_names[i], s, n) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

static int
is_capture_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Put the captures back into the pattern; 1 if that spells path. */
static int
rebuild(const char *pat, const char *const *caps, size_t ncaps,
    const char *path)
{
	struct buf	 b;
	const char	*end;
	size_t		 k = 0, i;
	int		 ok;

	buf_init(&b, 1 << 16);
	while (*pat != '\0') {
		if (*pat == '{' && (end = strchr(pat, '}')) != NULL) {
			FUZZ_CHECK(k < ncaps, "pattern has more captures than %zu",
			    ncaps);
			for (i = 0; caps[k][i] != '\0'; i++)
				FUZZ_CHECK(is_capture_char(caps[k][i]),
				    "capture '%s'", caps[k]);
			FUZZ_CHECK(i >= 1 && i <= 64, "capture of %zu characters", i);
			(void)buf_adds(&b, caps[k++]);
			pat = end + 1;
			continue;
		}
		(void)buf_add(&b, pat++, 1);
	}
	FUZZ_CHECK(k == ncaps, "%zu captures for %zu braces", ncaps, k);
	ok = b.data != NULL ? strcmp(b.data, path) == 0 : *path == '\0';
	buf_release(&b);
	return ok;
}

/* Whether route r alone matches path with its own method. */
static int
matches(const struct route *r, const char *path, struct arena *a)
{
	const struct route	*out;
	const char		*caps[CTX_MAX_CAPS];
	size_t			 ncaps;
	char			 allow[8];

	return router_match(r, 1, r->method, path, a, &out, caps, &ncaps,
	    allow, sizeof(allow)) == ROUTER_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	 a;
	static int		 is_init;
	struct route		 table[MAX_ROUTES];
	const struct route	*out = NULL;
	const char		*caps[CTX_MAX_CAPS], *line, *sp, *path = NULL;
	char			*text, *nl, *allow, want[512];
	size_t			 n = 0, ncaps = 0, allowsz, i, used = 0;
	enum http_method	 m = HTTP_GET;
	enum router_rc		 rc;
	int			 seen = 0;

	if (size > 16384 || size < 1)
		return 0;
	if (!is_init) {
		arena_init(&a);
		is_init = 1;
	}
	/* The first byte sizes the Allow buffer: 0 to 63 bytes. */
	allowsz = data[0] % 64;
	text = arena_strndup(&a, (const char *)data + 1, size - 1);
	for (line = text; line != NULL && n < MAX_ROUTES; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		if (path == NULL) {
			m = method_of(line, (size_t)(sp - line));
			path = sp + 1;
			continue;
		}
		table[n].method = method_of(line, (size_t)(sp - line));
		table[n].pattern = sp + 1;
		table[n].fn = dummy;
		table[n].flags = 0;
		n++;
	}
	if (path == NULL)
		goto out;
	allow = malloc(allowsz ? allowsz : 1);
	if (allow == NULL)
		goto out;
	rc = router_match(table, n, m, path, &a, &out, caps, &ncaps, allow,
	    allowsz);
	if (allowsz > 0)
		FUZZ_CHECK(memchr(allow, '\0', allowsz) != NULL, "%s",
		    "Allow not terminated");
	want[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!matches(&table[i], path, &a))
			continue;
		if (table[i].method == m ||
		    (m == HTTP_HEAD && table[i].method == HTTP_GET)) {
			FUZZ_CHECK(rc == ROUTER_OK && out == &table[i],
			    "route %zu (%s) matches '%s' but rc %d picked %ld", i,
			    table[i].pattern, path, rc,
			    out ? (long)(out - table) : -1L);
			FUZZ_CHECK(rebuild(out->pattern, caps, ncaps, path),
			    "captures of '%s' do not spell '%s'", out->pattern, path);
			break;
		}
		seen = 1;
		used += (size_t)snprintf(want + used, sizeof(want) - used < 1 ?
		    1 : sizeof(want) - used, "%s%s", used ? ", " : "",
		    method_names[table[i].method]);
		if (used >= sizeof(want))
			used = sizeof(want) - 1;
	}
	if (i == n) {
		FUZZ_CHECK(rc == (seen ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND),
		    "rc %d for '%s', want %d", rc, path, seen ?
		    ROUTER_BAD_METHOD : ROUTER_NOT_FOUND);
		if (allowsz > 0)
			FUZZ_CHECK(strncmp(allow, want, allowsz - 1) == 0,
			    "Allow '%s', want '%.*s'", allow, (int)allowsz - 1, want);
	}
	free(allow);
out:
	arena_reset(&a);
	return 0;
}
