/*
 * What an upload really is: the bytes of a body, fed piece by piece as
 * they stream in, checked against the type the client declared. Not
 * only the magic number: a PNG must be a whole, well-formed chunk
 * stream (IHDR first, every CRC right, IEND last, nothing after it), a
 * JPEG must open with SOI and a marker and end with EOI, a PDF must
 * open with "%PDF-n.n" and carry "%%EOF" in its last 1024 bytes. So an
 * ELF (or anything else) behind a PNG signature is refused.
 */
#ifndef CONCIERGE_ATTACHMENT_SNIFF_H
#define CONCIERGE_ATTACHMENT_SNIFF_H

#include <stddef.h>
#include <stdint.h>

enum attsniff_type {
	ATTSNIFF_PDF = 0,
	ATTSNIFF_PNG,
	ATTSNIFF_JPEG,
	ATTSNIFF__MAX,
};

#define ATTSNIFF_HEAD	16
#define ATTSNIFF_TAIL	1024

struct attsniff {
	enum attsniff_type	 type;
	unsigned long long	 seen;		/* bytes fed so far */
	unsigned char		 head[ATTSNIFF_HEAD];
	unsigned char		 tail[ATTSNIFF_TAIL];	/* the last bytes fed */
	size_t			 ntail;
	const char		*why;		/* set once the bytes are refused */
	/* PNG chunk walk */
	int			 png_part;	/* 0 length+type, 1 data, 2 crc */
	unsigned char		 png_buf[8];
	size_t			 png_have;
	uint32_t		 png_left;	/* data bytes still to come */
	uint32_t		 png_crc;
	unsigned long		 png_chunks;
	int			 png_has_idat;
	int			 png_is_end;	/* IEND seen */
};

/* The type of a media type ("image/png"); -1 if it is not one we take. */
int	attsniff_type_of(const char *media_type);
/* The media type of t ("application/pdf"). */
const char *attsniff_media_type(enum attsniff_type);
/* The usual file name extension of t (".pdf"). */
const char *attsniff_extension(enum attsniff_type);

/* Start checking a body declared as t. */
void	attsniff_init(struct attsniff *, enum attsniff_type);
/*
 * Check the next n bytes. 0 while they may still be what was declared,
 * -1 once they cannot be (why says how, for the 422 reply).
 */
int	attsniff_feed(struct attsniff *, const void *, size_t n);
/* After the last byte: 0 if the whole body is what was declared, else -1. */
int	attsniff_finish(struct attsniff *);

#endif
