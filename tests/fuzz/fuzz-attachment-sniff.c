/*
 * Fuzz what an upload is and what it is called (lib/attachment-sniff.c,
 * lib/attachment-send.c). Input: a first line, then bytes.
 *
 *   "application/pdf" | "image/png" | "image/jpeg" (any other line:
 *   attsniff_type_of refuses it), then the body. Properties: the body
 *   fed in one piece, byte by byte and in pieces cut by its own bytes
 *   gets the same verdict and the same reason, and the verdict is that
 *   of a reference written here over the whole body (PDF: "%PDF-n.n"
 *   and "%%EOF" in the last 1024 bytes; JPEG: SOI, a marker, EOI at the
 *   end; PNG: the signature, then a chunk stream with IHDR first, right
 *   CRCs, an IDAT, IEND last and nothing after it); an accepted body was
 *   counted and its tail kept exactly. Every piece is its own allocation
 *   of its exact size, so ASan catches a read past it.
 *
 *   "name MEDIA-TYPE" (MEDIA-TYPE may be empty), then an X-Filename.
 *   Properties: attachment_filename_check agrees with a reference (1 to
 *   255 bytes of UTF-8, no NUL, no control, bidirectional or invisible
 *   marks, no '/' or '\', not "." or ".."); the Content-Disposition of
 *   an accepted name is one line of printable ASCII, exactly
 *   attachment; filename="A"; filename*=UTF-8''B where A has no '"',
 *   '\', ';' or '%', at most 120 characters before the type's extension,
 *   one per character of the name when not cut, and B is attr-chars
 *   and %XX that decode to the name (plus the extension it was given).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/attachment.h"
#include "lib/attachment-sniff.h"
#include "tests/fuzz/fuzz.h"

static struct fuzz_ctx	 fc;

/* ---- the content reference ---- */

static uint32_t
ref_crc(const unsigned char *p, size_t n)
{
	uint32_t	 c = 0xffffffffU;
	size_t		 i;
	int		 k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320U & (0U - (c & 1)));
	}
	return c ^ 0xffffffffU;
}

static uint32_t
ref_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int
ref_png(const unsigned char *p, size_t n)
{
	size_t		 at = 8, k, chunks = 0;
	uint32_t	 len;
	int		 has_idat = 0;

	if (n < 8 || memcmp(p, "\x89PNG\r\n\x1a\n", 8) != 0)
		return -1;
	while (at < n) {
		if (n - at < 12)
			return -1;
		len = ref_be32(p + at);
		if (len > 0x7fffffffU || n - at - 12 < len)
			return -1;
		for (k = 4; k < 8; k++)
			if (!((p[at + k] >= 'A' && p[at + k] <= 'Z') ||
			    (p[at + k] >= 'a' && p[at + k] <= 'z')))
				return -1;
		if ((chunks == 0) != (memcmp(p + at + 4, "IHDR", 4) == 0) ||
		    (chunks == 0 && len != 13))
			return -1;
		if (ref_crc(p + at + 4, 4 + (size_t)len) !=
		    ref_be32(p + at + 8 + len))
			return -1;
		chunks++;
		if (memcmp(p + at + 4, "IDAT", 4) == 0)
			has_idat = 1;
		if (memcmp(p + at + 4, "IEND", 4) == 0)
			return len == 0 && at + 12 == n && has_idat ? 0 : -1;
		at += 12 + (size_t)len;
	}
	return -1;
}

static int
ref_check(enum attsniff_type t, const unsigned char *p, size_t n)
{
	size_t	 i, from;

	switch (t) {
	case ATTSNIFF_PDF:
		if (n < 8 || memcmp(p, "%PDF-", 5) != 0 || p[5] < '1' ||
		    p[5] > '9' || p[6] != '.' || p[7] < '0' || p[7] > '9')
			return -1;
		from = n > ATTSNIFF_TAIL ? n - ATTSNIFF_TAIL : 0;
		for (i = from; i + 5 <= n; i++)
			if (memcmp(p + i, "%%EOF", 5) == 0)
				return 0;
		return -1;
	case ATTSNIFF_JPEG:
		return n >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff &&
		    p[3] >= 0xc0 && p[3] != 0xff && p[n - 2] == 0xff &&
		    p[n - 1] == 0xd9 ? 0 : -1;
	case ATTSNIFF_PNG:
		return ref_png(p, n);
	default:
		return -1;
	}
}

/*
 * Feed p in pieces: step 0 cuts where the body's own bytes say (each
 * byte mod 97, plus 1, is the next piece's size), else pieces of step.
 * Each piece is copied to an allocation of its size (kept while the
 * size stays the same). 0 or -1, with why.
 */
static int
sniff(enum attsniff_type t, const unsigned char *p, size_t n, size_t step,
    const char **why)
{
	struct attsniff	*s = malloc(sizeof(*s));
	unsigned char	*piece = NULL;
	size_t		 i, k, j, have = 0;
	int		 rc = 0;

	FUZZ_CHECK(s != NULL, "%s", "out of memory");
	attsniff_init(s, t);
	for (i = 0; i < n && rc == 0; i += k) {
		k = step > 0 ? step : (size_t)p[i] % 97 + 1;
		if (k > n - i)
			k = n - i;
		if (k != have) {
			free(piece);
			piece = malloc(k);
			FUZZ_CHECK(piece != NULL, "%s", "out of memory");
			have = k;
		}
		memcpy(piece, p + i, k);
		rc = attsniff_feed(s, piece, k);
		FUZZ_CHECK(rc == 0 || (rc == -1 && s->why != NULL), "feed rc %d, "
		    "why %s", rc, s->why ? s->why : "(none)");
	}
	free(piece);
	if (rc == 0)
		rc = attsniff_finish(s);
	FUZZ_CHECK((rc == 0 && s->why == NULL) || (rc == -1 && s->why != NULL &&
	    *s->why != '\0'), "rc %d with why %s", rc, s->why ? s->why : "(none)");
	if (rc == 0) {
		j = n < ATTSNIFF_TAIL ? n : ATTSNIFF_TAIL;
		FUZZ_CHECK(s->seen == n, "saw %llu of %zu bytes", s->seen, n);
		FUZZ_CHECK(s->ntail == j && memcmp(s->tail, p + n - j, j) == 0,
		    "tail of %zu bytes is not the last %zu", s->ntail, j);
	}
	*why = s->why;
	free(s);
	return rc;
}

static void
check_body(enum attsniff_type t, const unsigned char *p, size_t n)
{
	const char	*why, *why1, *why2;
	int		 rc, rc1, rc2, want = ref_check(t, p, n);

	rc = sniff(t, p, n, n > 0 ? n : 1, &why);
	rc1 = sniff(t, p, n, 1, &why1);
	rc2 = sniff(t, p, n, 0, &why2);
	FUZZ_CHECK(rc == rc1 && rc == rc2 && (rc == 0 || (strcmp(why, why1) == 0 &&
	    strcmp(why, why2) == 0)), "verdict depends on the pieces: %d %s / "
	    "%d %s / %d %s", rc, why ? why : "", rc1, why1 ? why1 : "", rc2,
	    why2 ? why2 : "");
	FUZZ_CHECK(rc == want, "%s: %zu bytes %s, the reference %s",
	    attsniff_media_type(t), n, rc == 0 ? "accepted" : why,
	    want == 0 ? "accepts" : "refuses");
}

/* ---- the name reference ---- */

/* Decode one UTF-8 sequence strictly; its length, or 0 if invalid. */
static size_t
ref_utf8(const unsigned char *p, size_t n, unsigned long *cp)
{
	size_t		 len, k;
	unsigned long	 min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, *cp = p[0] & 0x1f, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, *cp = p[0] & 0x0f, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, *cp = p[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[k] & 0x3f);
	}
	if (*cp < min || (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return len;
}

static int
ref_name_ok(const unsigned char *p, size_t n)
{
	unsigned long	 cp;
	size_t		 i, k;

	if (n == 0 || n > ATTACHMENT_FILENAME_MAX ||
	    (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
		return 0;
	for (i = 0; i < n; i += k) {
		if ((k = ref_utf8(p + i, n - i, &cp)) == 0)
			return 0;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == '/' ||
		    cp == '\\' || (cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
			return 0;
	}
	return 1;
}

static size_t
ref_chars(const unsigned char *p, size_t n)
{
	size_t	 i, c = 0;

	for (i = 0; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static int
hexval(char h)
{
	return h >= '0' && h <= '9' ? h - '0' : h >= 'A' && h <= 'F' ?
	    h - 'A' + 10 : -1;
}

static int
ends_with_ci(const char *s, size_t n, const char *tail)
{
	size_t	 k = strlen(tail);

	return n >= k && strncasecmp(s + n - k, tail, k) == 0;
}

static void
check_disposition(const char *name, size_t n, const char *media)
{
	static const char	 pre[] = "attachment; filename=\"";
	static const char	 mid[] = "\"; filename*=UTF-8''";
	const char		*d, *a, *q, *b, *ext = "";
	char			*dec;
	size_t			 alen, i, k, chars;
	int			 t = attsniff_type_of(media), hi, lo;

	d = attachment_disposition(&fc.arena, name, media);
	FUZZ_CHECK(d != NULL, "%s", "no disposition");
	for (i = 0; d[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)d[i] >= 0x20 && (unsigned char)d[i] < 0x7f,
		    "byte 0x%02x in the header", (unsigned char)d[i]);
	FUZZ_CHECK(strncmp(d, pre, sizeof(pre) - 1) == 0, "starts '%.40s'", d);
	a = d + sizeof(pre) - 1;
	q = strchr(a, '"');
	FUZZ_CHECK(q != NULL && strncmp(q, mid, sizeof(mid) - 1) == 0,
	    "no filename*= after the quoted name: %s", d);
	alen = (size_t)(q - a);
	b = q + sizeof(mid) - 1;
	for (i = 0; i < alen; i++)
		FUZZ_CHECK(strchr("\"\\;%", a[i]) == NULL, "'%c' in filename=",
		    a[i]);
	if (t != -1) {
		ext = attsniff_extension((enum attsniff_type)t);
		FUZZ_CHECK(ends_with_ci(a, alen, ext) || (t == ATTSNIFF_JPEG &&
		    ends_with_ci(a, alen, ".jpeg")), "filename= '%.*s' lacks %s",
		    (int)alen, a, ext);
	}
	chars = ref_chars((const unsigned char *)name, n);
	FUZZ_CHECK(alen <= 120 + 5, "filename= of %zu bytes", alen);
	/* One byte per character; past 120 cut, and the type's extension put back. */
	if (chars <= 120)
		FUZZ_CHECK(alen == chars || alen == chars + strlen(ext),
		    "filename= of %zu bytes for %zu characters", alen, chars);
	else
		FUZZ_CHECK(alen == 120 + strlen(ext), "filename= of %zu bytes for "
		    "%zu characters", alen, chars);
	/* filename*= decodes to the name, with the extension it was given. */
	dec = malloc(strlen(b) + 1);
	FUZZ_CHECK(dec != NULL, "%s", "out of memory");
	for (i = k = 0; b[i] != '\0'; k++) {
		if (b[i] == '%') {
			hi = hexval(b[i + 1]);
			lo = hi == -1 ? -1 : hexval(b[i + 2]);
			FUZZ_CHECK(lo != -1, "bad escape in filename*=%s", b);
			dec[k] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		FUZZ_CHECK(strchr("!#$&+-.^_`|~", b[i]) != NULL ||
		    (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z') ||
		    (b[i] >= '0' && b[i] <= '9'), "'%c' in filename*=", b[i]);
		dec[k] = b[i++];
	}
	FUZZ_CHECK(k >= n && memcmp(dec, name, n) == 0 && (k == n ||
	    (t != -1 && k - n == strlen(ext) && memcmp(dec + n, ext, k - n) == 0)),
	    "filename*= '%s' is not the name", b);
	free(dec);
}

static void
check_name(const char *media, const unsigned char *p, size_t n)
{
	char		*name = malloc(n + 1);
	const char	*why;
	int		 want;

	FUZZ_CHECK(name != NULL, "%s", "out of memory");
	memcpy(name, p, n);
	name[n] = '\0';
	want = ref_name_ok(p, n) && memchr(p, '\0', n) == NULL;
	why = attachment_filename_check(name, n);
	FUZZ_CHECK((why == NULL) == want, "name of %zu bytes %s, the reference "
	    "%s", n, why == NULL ? "accepted" : why, want ? "accepts" : "refuses");
	FUZZ_CHECK(why == NULL || *why != '\0', "%s", "empty message");
	if (why == NULL)
		check_disposition(name, n, media);
	free(name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 is_init;
	const uint8_t	*rest;
	size_t		 len;
	char		*head;
	int		 t, i;

	if (size > 1 << 20)
		return 0;
	if (!is_init) {
		fuzz_quiet();
		fuzz_ctx_init(&fc);
		for (i = 0; i < ATTSNIFF__MAX; i++)
			FUZZ_CHECK(attsniff_type_of(attsniff_media_type(
			    (enum attsniff_type)i)) == i, "type %d", i);
		FUZZ_CHECK(attsniff_type_of(NULL) == -1, "%s", "type of NULL");
		is_init = 1;
	}
	fuzz_ctx_reset(&fc);
	if (fuzz_split(&fc.arena, data, size, &head, &rest, &len) == -1)
		return 0;
	if (strncmp(head, "name ", 5) == 0) {
		if (len <= 4 * ATTACHMENT_FILENAME_MAX)
			check_name(head + 5, rest, len);
		return 0;
	}
	t = attsniff_type_of(head);
	FUZZ_CHECK(t == -1 || strcmp(attsniff_media_type((enum attsniff_type)t),
	    head) == 0, "'%s' taken as %d", head, t);
	if (t != -1)
		check_body((enum attsniff_type)t, rest, len);
	return 0;
}
