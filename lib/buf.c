/* Growable byte buffers with a hard maximum size. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static int
buf_grow(struct buf *b, size_t extra)
{
	size_t	 need, cap;

	if (extra > b->max || b->len > b->max - extra)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	b->len += (size_t)n;
	return 0;
}

void
buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

int
buf_add_file(struct buf *b, const char *path)
{
	FILE	*f;
	char	 chunk[8192];
	size_t	 n;
	int	 rc = -1, err = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			err = EFBIG;
			goto out;
		}
	if (ferror(f))
		err = EIO;
	else
		rc = 0;
out:
	explicit_bzero(chunk, sizeof(chunk));
	fclose(f);
	if (rc == -1)
		errno = err;
	return rc;
}
