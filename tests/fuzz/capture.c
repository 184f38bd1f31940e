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

int
fuzz_capture_begin(struct fuzz_capture *c)
{
	fflush(stderr);
	if ((c->fd = memfd_create("stderr", 0)) == -1)
		return -1;
	if ((c->saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(c->fd, STDERR_FILENO) == -1) {
		close(c->fd);
		return -1;
	}
	return 0;
}

char *
fuzz_capture_end(struct fuzz_capture *c, struct arena *a)
{
	off_t	 n;
	char	*s;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	n = lseek(c->fd, 0, SEEK_END);
	s = arena_alloc(a, n > 0 ? (size_t)n + 1 : 1);
	if (n > 0 && pread(c->fd, s, (size_t)n, 0) != (ssize_t)n)
		s[0] = '\0';
	close(c->fd);
	return s;
}
