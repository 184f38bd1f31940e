/*
 * Fuzz query strings and percent-decoding (lib/http.c): the input is a
 * QUERY_STRING. Properties: http_urldecode agrees byte for byte with a
 * reference decoder written here (and so never yields more bytes than it
 * was given, and never a NUL), re-encoding what it decoded decodes to the
 * same bytes, and the request's query pairs are exactly the '&'-separated
 * "name=value" pieces, decoded, in order, with http_query finding the
 * first of a name; a malformed piece or more than 64 marks the query bad.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/http.h"
#include "tests/fuzz/fuzz.h"

#define MAX_PAIRS	64

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reference: decode n bytes into out (n + 1 bytes); its length or -1. */
static long
ref_decode(const char *s, size_t n, char *out, int plus)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i] == '+' && plus ? ' ' : s[i];
			continue;
		}
		if (n - i < 3 || (hi = hex_digit(s[i + 1])) < 0 ||
		    (lo = hex_digit(s[i + 2])) < 0 || (hi | lo) == 0)
			return -1;
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	return (long)o;
}

static void
check_decode(struct arena *a, const char *s, size_t n, int plus)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*got, *want, *enc, *back;
	long			 wlen;
	size_t			 glen, i, e = 0;

	want = arena_alloc(a, n + 1);
	wlen = ref_decode(s, n, want, plus);
	got = http_urldecode(a, s, n, plus);
	FUZZ_CHECK((got == NULL) == (wlen < 0), "urldecode of %zu bytes: %s, "
	    "reference %s", n, got ? "decoded" : "refused", wlen < 0 ?
	    "refuses" : "decodes");
	if (got == NULL)
		return;
	glen = strlen(got);
	FUZZ_CHECK(glen <= n, "%zu bytes decoded to %zu", n, glen);
	/* A NUL can come only from the input itself (%00 is refused). */
	if (memchr(s, '\0', n) == NULL)
		FUZZ_CHECK((long)glen == wlen && memcmp(got, want, glen) == 0,
		    "urldecode differs from the reference (%zu vs %ld bytes)",
		    glen, wlen);
	else
		FUZZ_CHECK(memcmp(got, want, (size_t)wlen + 1) == 0, "%s",
		    "urldecode differs from the reference (input holds NUL)");
	/* Percent-encode every byte of the result; it must decode back. */
	enc = arena_alloc(a, 3 * glen + 1);
	for (i = 0; i < glen; i++) {
		enc[e++] = '%';
		enc[e++] = hex[(unsigned char)got[i] >> 4];
		enc[e++] = hex[(unsigned char)got[i] & 15];
	}
	back = http_urldecode(a, enc, e, plus);
	FUZZ_CHECK(back != NULL && strcmp(back, got) == 0, "%s",
	    "decode(encode(decoded)) differs");
}

struct one_param {
	const char	*query;
};

static const char *
param(void *ctx, const char *name)
{
	struct one_param	*p = ctx;

	return strcmp(name, "QUERY_STRING") == 0 ? p->query : NULL;
}

/* The reference split: compare each piece with what http_req_parse made. */
static void
check_pairs(struct arena *a, const char *q, const struct http_req *r)
{
	const char	*p = q, *amp, *eq, *first;
	char		*name, *value;
	size_t		 len, k = 0, i;
	int		 bad = 0;

	FUZZ_CHECK(r->nqv <= MAX_PAIRS, "%zu pairs", r->nqv);
	for (;;) {
		amp = strchr(p, '&');
		len = amp ? (size_t)(amp - p) : strlen(p);
		if (len > 0) {
			if (k == MAX_PAIRS) {
				bad = 1;
				break;
			}
			eq = memchr(p, '=', len);
			name = arena_alloc(a, len + 1);
			value = arena_alloc(a, len + 1);
			if (ref_decode(p, eq ? (size_t)(eq - p) : len, name, 1) < 0 ||
			    (eq && ref_decode(eq + 1, len - (size_t)(eq - p) - 1,
			    value, 1) < 0)) {
				bad = 1;
				break;
			}
			FUZZ_CHECK(k < r->nqv && strcmp(r->qv[k].name, name) == 0 &&
			    strcmp(r->qv[k].value, value) == 0,
			    "pair %zu is not '%s'='%s'", k, name, value);
			k++;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	FUZZ_CHECK(r->is_query_bad == bad, "is_query_bad %d, reference %d",
	    r->is_query_bad, bad);
	if (!bad)
		FUZZ_CHECK(k == r->nqv, "%zu pairs, reference %zu", r->nqv, k);
	/* http_query gives the first value of a name. */
	for (i = 0; i < r->nqv; i++) {
		first = http_query(r, r->qv[i].name);
		FUZZ_CHECK(first != NULL, "http_query('%s') is NULL", r->qv[i].name);
		for (k = 0; k < i; k++)
			if (strcmp(r->qv[k].name, r->qv[i].name) == 0)
				break;
		FUZZ_CHECK(first == r->qv[k].value, "http_query('%s') is not the "
		    "first value", r->qv[i].name);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	 a;
	static int		 is_init;
	struct one_param	 p;
	struct http_io		 io = { &p, param, NULL, NULL, NULL };
	struct http_req		 r;
	char			*q;

	if (size > 8192)
		return 0;
	if (!is_init) {
		arena_init(&a);
		is_init = 1;
	}
	check_decode(&a, (const char *)data, size, 1);
	check_decode(&a, (const char *)data, size, 0);
	q = arena_strndup(&a, (const char *)data, size);
	p.query = q;
	http_req_parse(&r, &io, &a);
	if (*q == '\0')
		FUZZ_CHECK(r.nqv == 0 && !r.is_query_bad, "%s", "empty query");
	else
		FUZZ_CHECK(strcmp(r.query, q) == 0, "%s", "raw query changed");
	check_pairs(&a, q, &r);
	arena_reset(&a);
	return 0;
}
