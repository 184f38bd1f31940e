/* Growable byte buffers with a hard maximum size. */
#ifndef CONCIERGE_BUF_H
#define CONCIERGE_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* appends past this fail */
};

/* Prepare an empty buffer that refuses to grow past max bytes. */
void	buf_init(struct buf *, size_t max);
/* Append n bytes; 0 on success, -1 (buffer unchanged) past the maximum. */
int	buf_add(struct buf *, const void *, size_t n);
/* Append a C string; as buf_add. */
int	buf_adds(struct buf *, const char *);
/* Append printf output; as buf_add. */
int	buf_addf(struct buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Append the whole file at path. 0, or -1 with errno set (ENOENT: no
 * such file; EFBIG: past the maximum; the buffer then holds a prefix).
 * The stack copy is wiped: fit for key files.
 */
int	buf_add_file(struct buf *, const char *path);
/* Forget the contents, keep the memory. */
void	buf_clear(struct buf *);
/* Free the memory; the buffer may be used again after buf_init. */
void	buf_release(struct buf *);

#endif
