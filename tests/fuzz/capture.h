/*
 * For fuzz targets of parsers that read files and log: the input as a
 * file (a memfd, named by a /proc/self/fd path), and what the parser
 * writes to stderr, captured.
 */
#ifndef CONCIERGE_TESTS_FUZZ_CAPTURE_H
#define CONCIERGE_TESTS_FUZZ_CAPTURE_H

#include <stddef.h>

#include "lib/mem.h"

struct fuzz_file {
	int	 fd;
	char	 path[64];	/* opens the current contents */
};

/* A new empty file. 0 or -1. */
int	fuzz_file_init(struct fuzz_file *, const char *name);
/* Replace its contents with n bytes. 0 or -1. */
int	fuzz_file_set(struct fuzz_file *, const void *, size_t n);

struct fuzz_capture {
	int	 fd;
	int	 saved;
};

/* Send stderr to a buffer (one, reused) until fuzz_capture_end. 0 or -1. */
int	fuzz_capture_begin(struct fuzz_capture *);
/* Restore stderr; what was written, NUL-terminated, in the arena. */
char	*fuzz_capture_end(struct fuzz_capture *, struct arena *);

#endif
