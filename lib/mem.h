/* Allocation wrappers that never return NULL, and a per-request arena. */
#ifndef CONCIERGE_MEM_H
#define CONCIERGE_MEM_H

#include <stdarg.h>
#include <stddef.h>

/* malloc/calloc/realloc/strdup that abort the process on exhaustion. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);

/*
 * An arena hands out memory that lives until arena_reset() or
 * arena_release(). Each request gets one; nothing allocated from it
 * needs its own free().
 */
struct arena_block;
struct arena {
	struct arena_block	*head;
	size_t			 total;	/* bytes handed out since reset */
};

/* Prepare an empty arena. */
void	 arena_init(struct arena *);
/* Zeroed memory of n bytes, aligned for any type; aborts on exhaustion. */
void	*arena_alloc(struct arena *, size_t n);
/* Copy of s (NULL gives NULL). */
char	*arena_strdup(struct arena *, const char *s);
/* Copy of the first n bytes of s, NUL-terminated. */
char	*arena_strndup(struct arena *, const char *s, size_t n);
/* printf into the arena; NULL only if the format fails. */
char	*arena_printf(struct arena *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* arena_printf with a va_list (ap is consumed). */
char	*arena_vprintf(struct arena *, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Free everything but keep the first block for reuse. */
void	 arena_reset(struct arena *);
/* Free everything. */
void	 arena_release(struct arena *);

#endif
