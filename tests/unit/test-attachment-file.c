/*
 * Unit tests for lib/attachment-file: round trips at chunk boundaries,
 * no plaintext on disk, damaged, cut and moved files refused, nothing
 * left behind by a failed or abandoned write.
 */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/attachment-file.h"
#include "lib/cfg.h"
#include "lib/mem.h"
#include "lib/vault.h"

#define K1	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define ID_A	"aaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B	"bbbbbbbbbbbbbbbbbbbbbbbbbb"

static struct cfg	 cfg;
static char		 dir[64];

/* Plaintext that is easy to find on disk: "PLAINTEXT-MARK" repeated. */
static unsigned char *
plain(size_t n)
{
	static const char	 mark[] = "PLAINTEXT-MARK ";
	unsigned char		*p = xmalloc(n ? n : 1);
	size_t			 i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)mark[i % (sizeof(mark) - 1)];
	return p;
}

static int
setup(void **state)
{
	(void)state;
	vault_reset();
	cfg_defaults(&cfg);
	cfg.crypto_data_key = xstrdup(K1);
	snprintf(dir, sizeof(dir), "/tmp/test-attfile.XXXXXX");
	assert_non_null(mkdtemp(dir));
	free(cfg.attachments_dir);
	cfg.attachments_dir = xstrdup(dir);
	return 0;
}

/* Files under dir (recursively), folders not counted. */
static int
count_files(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 sub[512];
	int		 n = 0;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			n += count_files(sub);
		else
			n++;
	}
	closedir(d);
	return n;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	cfg_release(&cfg);
	vault_reset();
	return 0;
}

/* Write n bytes (in pieces of step) as id; name gets the storage name. */
static void
write_file(const char *id, size_t n, size_t step, char name[ATTFILE_NAME_LEN + 1],
    unsigned char sha[CRYPTO_SHA256_LEN])
{
	struct attfile_writer	 w;
	unsigned char		*p = plain(n);
	size_t			 i, k;

	assert_int_equal(attfile_create(&w, &cfg, id), ATTFILE_OK);
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		assert_int_equal(attfile_write(&w, p + i, k), ATTFILE_OK);
	}
	memcpy(name, w.name, ATTFILE_NAME_LEN + 1);
	assert_int_equal(attfile_commit(&w, sha), ATTFILE_OK);
	attfile_abort(&w);	/* after a commit: nothing to do */
	free(p);
}

/* Read the whole file back; 0 if it equals the plaintext of n bytes. */
static long
read_file(const char *name, const char *id, uint64_t n)
{
	struct attfile_reader	 r;
	const unsigned char	*out;
	unsigned char		 sha[CRYPTO_SHA256_LEN], want[CRYPTO_SHA256_LEN];
	unsigned char		*p = plain((size_t)n);
	uint64_t		 got = 0;
	long			 k, rc = 0;

	if ((rc = attfile_open(&r, &cfg, name, id, 1, n)) != ATTFILE_OK)
		goto out;
	while ((k = attfile_read(&r, &out, sha)) > 0) {
		if (memcmp(out, p + got, (size_t)k) != 0 || k > ATTFILE_CHUNK) {
			rc = -100;
			goto out;
		}
		got += (uint64_t)k;
	}
	if (k < 0) {
		rc = k;
		goto out;
	}
	crypto_sha256(p, (size_t)n, want);
	rc = got == n && memcmp(sha, want, sizeof(sha)) == 0 ? 0 : -101;
out:
	attfile_close(&r);
	free(p);
	return rc;
}

static void
path_of(const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%.2s/%s", dir, name, name);
}

static void
t_round_trips(void **state)
{
	size_t		 sizes[] = { 1, 100, ATTFILE_CHUNK - 1, ATTFILE_CHUNK,
	    ATTFILE_CHUNK + 1, 3 * ATTFILE_CHUNK, 200000 }, i;
	char		 name[ATTFILE_NAME_LEN + 1], path[512];
	unsigned char	 sha[CRYPTO_SHA256_LEN], want[CRYPTO_SHA256_LEN], *p;
	struct stat	 sb;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		write_file(ID_A, sizes[i], i % 2 ? 1000 : 65536, name, sha);
		p = plain(sizes[i]);
		crypto_sha256(p, sizes[i], want);
		free(p);
		assert_memory_equal(sha, want, sizeof(sha));
		assert_int_equal(read_file(name, ID_A, sizes[i]), 0);
		path_of(name, path, sizeof(path));
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		assert_int_equal((uint64_t)sb.st_size, ATTFILE_HEADER_LEN + sizes[i] +
		    ((sizes[i] + ATTFILE_CHUNK - 1) / ATTFILE_CHUNK) *
		    CRYPTO_AEAD_OVERHEAD);
		assert_true(attfile_name_is_valid(name));
	}
	/* No temporary file stays behind a commit. */
	assert_int_equal(count_files(dir), (int)(sizeof(sizes) / sizeof(sizes[0])));
}

static void
t_no_plaintext_on_disk(void **state)
{
	char		 name[ATTFILE_NAME_LEN + 1], path[512];
	unsigned char	 sha[CRYPTO_SHA256_LEN], *buf;
	FILE		*f;
	size_t		 n;

	(void)state;
	write_file(ID_A, 150000, 4096, name, sha);
	path_of(name, path, sizeof(path));
	buf = xmalloc(200000);
	assert_non_null(f = fopen(path, "rb"));
	n = fread(buf, 1, 200000, f);
	fclose(f);
	assert_null(memmem(buf, n, "PLAINTEXT", 9));
	assert_null(memmem(buf, n, "MARK", 4));
	free(buf);
}

static void
t_tampering_refused(void **state)
{
	char		 name[ATTFILE_NAME_LEN + 1], path[512];
	unsigned char	 sha[CRYPTO_SHA256_LEN], b;
	FILE		*f;
	size_t		 n = 2 * ATTFILE_CHUNK + 10;

	(void)state;
	write_file(ID_A, n, 65536, name, sha);
	/* Another attachment's id, another key id, another size. */
	assert_int_equal(read_file(name, ID_B, n), ATTFILE_CORRUPT);
	assert_int_equal(read_file(name, ID_A, n - 1), ATTFILE_CORRUPT);
	/* One flipped ciphertext bit in the second chunk. */
	path_of(name, path, sizeof(path));
	assert_non_null(f = fopen(path, "r+b"));
	assert_int_equal(fseek(f, ATTFILE_HEADER_LEN + ATTFILE_BOX + 40, SEEK_SET), 0);
	assert_int_equal(fread(&b, 1, 1, f), 1);
	b ^= 0x01;
	assert_int_equal(fseek(f, ATTFILE_HEADER_LEN + ATTFILE_BOX + 40, SEEK_SET), 0);
	assert_int_equal(fwrite(&b, 1, 1, f), 1);
	fclose(f);
	assert_int_equal(read_file(name, ID_A, n), ATTFILE_CORRUPT);
	/* Cut at a chunk boundary and told the shorter size: the last chunk is not final. */
	write_file(ID_A, n, 65536, name, sha);
	path_of(name, path, sizeof(path));
	assert_int_equal(truncate(path, ATTFILE_HEADER_LEN + 2 * ATTFILE_BOX), 0);
	assert_int_equal(read_file(name, ID_A, 2 * ATTFILE_CHUNK), ATTFILE_CORRUPT);
}

static void
t_abort_and_full_disk_leave_nothing(void **state)
{
	struct attfile_writer	 w;
	struct rlimit		 old, lim;
	unsigned char		*p = plain(300000), sha[CRYPTO_SHA256_LEN];
	enum attfile_rc		 rc = ATTFILE_OK;

	(void)state;
	assert_int_equal(attfile_create(&w, &cfg, ID_A), ATTFILE_OK);
	assert_int_equal(attfile_write(&w, p, 100000), ATTFILE_OK);
	attfile_abort(&w);
	assert_int_equal(count_files(dir), 0);
	/* A file-size limit fails the write the way a full disk does. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 100000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(attfile_create(&w, &cfg, ID_A), ATTFILE_OK);
	rc = attfile_write(&w, p, 300000);
	if (rc == ATTFILE_OK)
		rc = attfile_commit(&w, sha);
	attfile_abort(&w);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(rc, ATTFILE_NOSPACE);
	assert_int_equal(count_files(dir), 0);
	/* An empty file is never committed. */
	assert_int_equal(attfile_create(&w, &cfg, ID_A), ATTFILE_OK);
	assert_int_equal(attfile_commit(&w, sha), ATTFILE_ERROR);
	assert_int_equal(count_files(dir), 0);
	free(p);
}

static void
t_names(void **state)
{
	(void)state;
	assert_true(attfile_name_is_valid("0123456789abcdef0123456789abcdef"));
	assert_false(attfile_name_is_valid("0123456789abcdef0123456789abcde"));
	assert_false(attfile_name_is_valid("../3456789abcdef0123456789abcdef"));
	assert_false(attfile_name_is_valid("0123456789ABCDEF0123456789abcdef"));
	assert_int_equal(attfile_remove(&cfg, "../etc/passwd"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(t_no_plaintext_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(t_tampering_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_abort_and_full_disk_leave_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(t_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
