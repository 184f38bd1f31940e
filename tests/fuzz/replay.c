/*
 * The fuzz targets without libFuzzer: run LLVMFuzzerTestOneInput once on
 * each file of the target's corpus, as a TAP test of make check. So every
 * seed and every kept crash input is replayed by every build (also the
 * ASan one) with any compiler.
 *
 *   tests/fuzz/fuzz-NAME [FILE|DIR...]
 *
 * Without arguments it reads $srcdir/tests/fuzz/corpus/NAME/ (srcdir
 * from the environment, as make check sets it; "." otherwise). A broken
 * property aborts, so the harness reports the run as failed and the
 * last "# input" line names the file.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/mem.h"
#include "tests/fuzz/fuzz.h"

#define REPLAY_MAX_INPUT	(1 << 20)
#define REPLAY_MAX_FILES	4096

static int	 n_ok;

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run one file. 0, or -1 if it cannot be read. */
static int
replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*data;
	size_t		 n;
	int		 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		printf("not ok %d - %s: %s\n", ++n_ok, path, strerror(errno));
		return -1;
	}
	data = xmalloc(REPLAY_MAX_INPUT);
	n = fread(data, 1, REPLAY_MAX_INPUT, f);
	if (ferror(f) || !feof(f)) {
		printf("not ok %d - %s: unreadable or over %d bytes\n", ++n_ok,
		    path, REPLAY_MAX_INPUT);
		goto out;
	}
	printf("# input %s (%zu bytes)\n", path, n);
	fflush(stdout);
	/* A copy of exactly n bytes, so ASan sees reads past the input. */
	{
		uint8_t	*exact = xmalloc(n ? n : 1);

		memcpy(exact, data, n);
		(void)LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	printf("ok %d - %s\n", ++n_ok, path);
	rc = 0;
out:
	free(data);
	fclose(f);
	return rc;
}

/* Run every regular file of dir, in name order. */
static int
replay_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		**names, path[4096];
	size_t		 n = 0, i;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		printf("not ok %d - %s: %s\n", ++n_ok, dir, strerror(errno));
		return -1;
	}
	names = xcalloc(REPLAY_MAX_FILES, sizeof(*names));
	while ((e = readdir(d)) != NULL && n < REPLAY_MAX_FILES)
		if (e->d_name[0] != '.')
			names[n++] = xstrdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path))
			rc = -1;
		else if (replay_file(path) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (n == 0) {
		printf("not ok %d - %s: empty corpus\n", ++n_ok, dir);
		rc = -1;
	}
	return rc;
}

static int
replay_path(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return replay_dir(path);
	return replay_file(path);
}

int
main(int argc, char *argv[])
{
	const char	*name, *srcdir;
	char		 dir[4096];
	int		 i, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_path(argv[i]) == -1)
				rc = 1;
	} else {
		name = strrchr(argv[0], '/');
		name = name ? name + 1 : argv[0];
		if (strncmp(name, "fuzz-", 5) == 0)
			name += 5;
		if ((srcdir = getenv("srcdir")) == NULL)
			srcdir = ".";
		if (snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
		    srcdir, name) >= (int)sizeof(dir)) {
			fprintf(stderr, "replay: corpus path too long\n");
			return 2;
		}
		if (replay_dir(dir) == -1)
			rc = 1;
	}
	printf("1..%d\n", n_ok);
	return rc;
}
