/* Content checks of uploads: magic numbers, PNG structure, PDF and JPEG ends. */
#include "config.h"

#include <string.h>

#include "lib/attachment-sniff.h"

static const struct {
	const char	*media_type;
	const char	*extension;
	const char	*magic;
	size_t		 magic_len;
} types[ATTSNIFF__MAX] = {
	{ "application/pdf", ".pdf", "%PDF-", 5 },
	{ "image/png", ".png", "\x89PNG\r\n\x1a\n", 8 },
	{ "image/jpeg", ".jpg", "\xff\xd8\xff", 3 },
};

#define PNG_SIG_LEN	8
#define PNG_MAX_CHUNK	0x7fffffffUL
/* Bytes of the head we check before deciding on the magic. */
#define PDF_HEAD_LEN	8	/* "%PDF-1.7" */
#define JPEG_HEAD_LEN	4	/* SOI and the first marker */

int
attsniff_type_of(const char *media_type)
{
	int	 i;

	for (i = 0; media_type != NULL && i < ATTSNIFF__MAX; i++)
		if (strcmp(types[i].media_type, media_type) == 0)
			return i;
	return -1;
}

const char *
attsniff_media_type(enum attsniff_type t)
{
	return types[t].media_type;
}

const char *
attsniff_extension(enum attsniff_type t)
{
	return types[t].extension;
}

void
attsniff_init(struct attsniff *s, enum attsniff_type t)
{
	memset(s, 0, sizeof(*s));
	s->type = t;
}

/* CRC-32 of PNG (ISO 3309, reflected 0xedb88320), as in the PNG spec. */
static uint32_t
crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
	static uint32_t	 table[256];
	static int	 is_ready;
	uint32_t	 c;
	size_t		 i;
	int		 k;

	if (!is_ready) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		is_ready = 1;
	}
	for (i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int
refuse(struct attsniff *s, const char *why)
{
	if (s->why == NULL)
		s->why = why;
	return -1;
}

static int
is_chunk_type(const unsigned char *t)
{
	int	 i;

	for (i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z')))
			return 0;
	return 1;
}

/* A chunk's length and type are in png_buf: check them, start its data. */
static int
png_chunk_start(struct attsniff *s)
{
	uint32_t	 len = be32(s->png_buf);
	const unsigned char *t = s->png_buf + 4;

	if (s->png_is_end)
		return refuse(s, "data follows the end of the PNG image");
	if (len > PNG_MAX_CHUNK || !is_chunk_type(t))
		return refuse(s, "the body is not a PNG image");
	if (s->png_chunks == 0 && (memcmp(t, "IHDR", 4) != 0 || len != 13))
		return refuse(s, "the PNG image does not start with its header");
	if (s->png_chunks > 0 && memcmp(t, "IHDR", 4) == 0)
		return refuse(s, "the PNG image has a second header");
	if (memcmp(t, "IDAT", 4) == 0)
		s->png_has_idat = 1;
	if (memcmp(t, "IEND", 4) == 0) {
		if (len != 0)
			return refuse(s, "the PNG image has a malformed end");
		s->png_is_end = 1;
	}
	s->png_chunks++;
	s->png_crc = crc_update(0xffffffffU, t, 4);
	s->png_left = len;
	s->png_part = len > 0 ? 1 : 2;
	s->png_have = 0;
	return 0;
}

/* Walk the PNG chunk stream over n bytes (after the signature). */
static int
png_feed(struct attsniff *s, const unsigned char *p, size_t n)
{
	size_t	 take;

	while (n > 0) {
		if (s->png_part == 1) {
			take = n < s->png_left ? n : s->png_left;
			s->png_crc = crc_update(s->png_crc, p, take);
			s->png_left -= (uint32_t)take;
			p += take;
			n -= take;
			if (s->png_left == 0) {
				s->png_part = 2;
				s->png_have = 0;
			}
			continue;
		}
		/* Part 0 gathers 8 bytes (length, type), part 2 four (CRC). */
		take = (s->png_part == 0 ? 8 : 4) - s->png_have;
		if (take > n)
			take = n;
		memcpy(s->png_buf + s->png_have, p, take);
		s->png_have += take;
		p += take;
		n -= take;
		if (s->png_part == 0 && s->png_have == 8) {
			if (png_chunk_start(s) == -1)
				return -1;
		} else if (s->png_part == 2 && s->png_have == 4) {
			if ((s->png_crc ^ 0xffffffffU) != be32(s->png_buf))
				return refuse(s, "the PNG image is damaged (CRC)");
			s->png_part = 0;
			s->png_have = 0;
		}
	}
	return 0;
}

/* The first bytes are all in head: is it the declared type? */
static int
check_head(struct attsniff *s)
{
	const unsigned char *h = s->head;

	if (memcmp(h, types[s->type].magic, types[s->type].magic_len) != 0)
		return refuse(s, "the body is not of the declared Content-Type");
	if (s->type == ATTSNIFF_PDF && !(h[5] >= '1' && h[5] <= '9' &&
	    h[6] == '.' && h[7] >= '0' && h[7] <= '9'))
		return refuse(s, "the body is not a PDF document");
	/* SOI, then a marker: 0xff and a code that is neither 0x00 nor 0xff. */
	if (s->type == ATTSNIFF_JPEG && (h[3] < 0xc0 || h[3] == 0xff))
		return refuse(s, "the body is not a JPEG image");
	return 0;
}

static size_t
head_len(enum attsniff_type t)
{
	return t == ATTSNIFF_PNG ? PNG_SIG_LEN : t == ATTSNIFF_PDF ?
	    PDF_HEAD_LEN : JPEG_HEAD_LEN;
}

static void
keep_tail(struct attsniff *s, const unsigned char *p, size_t n)
{
	if (n >= ATTSNIFF_TAIL) {
		memcpy(s->tail, p + n - ATTSNIFF_TAIL, ATTSNIFF_TAIL);
		s->ntail = ATTSNIFF_TAIL;
		return;
	}
	if (s->ntail + n > ATTSNIFF_TAIL) {
		memmove(s->tail, s->tail + (s->ntail + n - ATTSNIFF_TAIL),
		    ATTSNIFF_TAIL - n);
		s->ntail = ATTSNIFF_TAIL - n;
	}
	memcpy(s->tail + s->ntail, p, n);
	s->ntail += n;
}

int
attsniff_feed(struct attsniff *s, const void *buf, size_t n)
{
	const unsigned char	*p = buf;
	size_t			 need = head_len(s->type), take;

	if (s->why != NULL)
		return -1;
	keep_tail(s, p, n);
	if (s->seen < need) {
		take = need - (size_t)s->seen;
		if (take > n)
			take = n;
		memcpy(s->head + s->seen, p, take);
		s->seen += take;
		p += take;
		n -= take;
		if (s->seen < need)
			return 0;
		if (check_head(s) == -1)
			return -1;
	}
	s->seen += n;
	if (s->type == ATTSNIFF_PNG)
		return png_feed(s, p, n);
	return 0;
}

/* "%%EOF" somewhere in the kept tail (the last 1024 bytes). */
static int
has_pdf_eof(const struct attsniff *s)
{
	size_t	 i;

	for (i = 0; i + 5 <= s->ntail; i++)
		if (memcmp(s->tail + i, "%%EOF", 5) == 0)
			return 1;
	return 0;
}

int
attsniff_finish(struct attsniff *s)
{
	if (s->why != NULL)
		return -1;
	if (s->seen < head_len(s->type))
		return refuse(s, "the body is too short for its Content-Type");
	switch (s->type) {
	case ATTSNIFF_PNG:
		if (!s->png_is_end || s->png_part != 0 || s->png_have != 0 ||
		    !s->png_has_idat)
			return refuse(s, "the PNG image is incomplete");
		return 0;
	case ATTSNIFF_JPEG:
		if (s->ntail < 2 || s->tail[s->ntail - 2] != 0xff ||
		    s->tail[s->ntail - 1] != 0xd9)
			return refuse(s, "the JPEG image is incomplete");
		return 0;
	case ATTSNIFF_PDF:
		if (!has_pdf_eof(s))
			return refuse(s, "the PDF document is incomplete");
		return 0;
	default:
		return refuse(s, "unknown type");
	}
}
