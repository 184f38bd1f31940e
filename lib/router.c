/* Method + path pattern routing with {name} captures. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/router.h"

#define ROUTER_MAX_SEGMENT	64

static const char *const method_names[] = {
	"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER",
};

static int
is_capture_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* 1 if path matches pattern, capturing {name} segments. */
static int
match(const char *pat, const char *path, struct arena *a,
    const char *caps[CTX_MAX_CAPS], size_t *ncaps)
{
	const char	*end;
	size_t		 n;

	*ncaps = 0;
	while (*pat != '\0') {
		if (*pat == '{') {
			if ((end = strchr(pat, '}')) == NULL)
				return 0;
			pat = end + 1;
			for (n = 0; is_capture_char(path[n]); n++)
				;
			if (n == 0 || n > ROUTER_MAX_SEGMENT ||
			    (path[n] != '/' && path[n] != '\0') ||
			    *ncaps == CTX_MAX_CAPS)
				return 0;
			caps[(*ncaps)++] = arena_strndup(a, path, n);
			path += n;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return *path == '\0';
}

enum router_rc
router_match(const struct route *table, size_t n, enum http_method m,
    const char *path, struct arena *a, const struct route **out,
    const char *caps[CTX_MAX_CAPS], size_t *ncaps, char *allow, size_t allowsz)
{
	const char	*tmp[CTX_MAX_CAPS];
	size_t		 i, ntmp, used = 0;
	int		 seen = 0;

	if (allowsz > 0)
		allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!match(table[i].pattern, path, a, tmp, &ntmp))
			continue;
		if (table[i].method == m ||
		    (m == HTTP_HEAD && table[i].method == HTTP_GET)) {
			*out = &table[i];
			memcpy(caps, tmp, sizeof(tmp[0]) * ntmp);
			*ncaps = ntmp;
			return ROUTER_OK;
		}
		seen = 1;
		if (used < allowsz) {
			int w = snprintf(allow + used, allowsz - used, "%s%s",
			    used ? ", " : "", method_names[table[i].method]);
			if (w > 0)
				used += (size_t)w < allowsz - used ?
				    (size_t)w : allowsz - used - 1;
		}
	}
	return seen ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
