/* Files and captured stderr for the fuzz targets of file parsers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/mem.h"
#include "tests/fuzz/capture.h"

int
fuzz_file_init(struct fuzz_file *f, const char *name)
{
	if ((f->fd = memfd_create(name, 0)) == -1)
		return -1;
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	return 0;
}

int
fuzz_file_set(struct fuzz_file *f, const void *data, size_t n)
{
	if (ftruncate(f->fd, 0) == -1)
		return -1;
	if (n > 0 && pwrite(f->fd, data, n, 0) != (ssize_t)n)
		return -1;
	return 0;
}

/* One buffer file and the saved stderr, set up on first use. */
static int	 cap_fd = -1, saved_fd = -1;

int
fuzz_capture_begin(struct fuzz_capture *c)
{
	fflush(stderr);
	if (cap_fd == -1 && ((cap_fd = memfd_create("stderr", 0)) == -1 ||
	    (saved_fd = dup(STDERR_FILENO)) == -1))
		return -1;
	if (ftruncate(cap_fd, 0) == -1 || lseek(cap_fd, 0, SEEK_SET) == -1 ||
	    dup2(cap_fd, STDERR_FILENO) == -1)
		return -1;
	c->fd = cap_fd;
	c->saved = saved_fd;
	return 0;
}

char *
fuzz_capture_end(struct fuzz_capture *c, struct arena *a)
{
	off_t	 n;
	char	*s;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	n = lseek(c->fd, 0, SEEK_END);
	s = arena_alloc(a, n > 0 ? (size_t)n + 1 : 1);
	if (n > 0 && pread(c->fd, s, (size_t)n, 0) != (ssize_t)n)
		s[0] = '\0';
	return s;
}
