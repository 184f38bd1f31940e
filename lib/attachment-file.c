/* Chunked, encrypted attachment files: write to a temporary name, rename, read back. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/attachment-file.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/vault.h"

#define MAGIC		"CCAT"
#define FILE_VERSION		1
#define KEY_LABEL	"concierge attachment file v1"
/* header | id | chunk index (8) | final flag (1) */
#define AAD_LEN		(ATTFILE_HEADER_LEN + ID_LEN + 8 + 1)

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The file key: HMAC-SHA256(data key id, label || attachment id). 0 or -1. */
static int
file_key(const struct cfg *cfg, uint32_t key_id, const char *id,
    unsigned char out[CRYPTO_AEAD_KEY_LEN])
{
	unsigned char	 data_key[CRYPTO_AEAD_KEY_LEN];
	char		 msg[sizeof(KEY_LABEL) + ID_LEN + 1];
	int		 n, rc = -1;

	n = snprintf(msg, sizeof(msg), "%s%s", KEY_LABEL, id);
	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    vault_key(cfg, key_id, data_key) == -1)
		goto out;
	rc = crypto_hmac_sha256(data_key, sizeof(data_key), msg, (size_t)n, out);
out:
	explicit_bzero(data_key, sizeof(data_key));
	return rc;
}

static void
make_aad(unsigned char aad[AAD_LEN], const unsigned char *header,
    const char *id, uint64_t index, int is_final)
{
	unsigned char	*p = aad;
	int		 i;

	memcpy(p, header, ATTFILE_HEADER_LEN);
	p += ATTFILE_HEADER_LEN;
	memcpy(p, id, ID_LEN);
	p += ID_LEN;
	for (i = 7; i >= 0; i--)
		*p++ = (unsigned char)(index >> (8 * i));
	*p = is_final ? 1 : 0;
}

/* <dir>/<first two characters of name>/<name> and friends. 0 or -1. */
static int
join(char *out, size_t n, const char *a, const char *b, const char *c)
{
	int	 k = snprintf(out, n, "%s/%s%s", a, b, c);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

static int
subdir_of(const struct cfg *cfg, const char *name, char *out, size_t n)
{
	char	 two[3] = { name[0], name[1], '\0' };

	return join(out, n, cfg->attachments_dir, two, "");
}

int
attfile_name_is_valid(const char *s)
{
	size_t	 i;

	for (i = 0; i < ATTFILE_NAME_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[ATTFILE_NAME_LEN] == '\0';
}

static int
ensure_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	log_errx("attachments: cannot create a folder under attachments.dir: %s",
	    strerror(errno));
	return -1;
}

static enum attfile_rc
errno_rc(const char *what)
{
	if (errno == ENOSPC || errno == EDQUOT || errno == EFBIG) {
		log_warnx("attachments: %s: %s", what, strerror(errno));
		return ATTFILE_NOSPACE;
	}
	log_errx("attachments: %s: %s", what, strerror(errno));
	return ATTFILE_ERROR;
}

static enum attfile_rc
write_all(int fd, const void *buf, size_t n)
{
	const unsigned char	*p = buf;
	ssize_t			 k;

	while (n > 0) {
		if ((k = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return errno_rc("write");
		}
		p += k;
		n -= (size_t)k;
	}
	return ATTFILE_OK;
}

static void
writer_release(struct attfile_writer *w)
{
	free(w->plain);
	free(w->box);
	w->plain = w->box = NULL;
	if (w->sha != NULL)
		crypto_sha256_free(w->sha);
	w->sha = NULL;
	explicit_bzero(w->key, sizeof(w->key));
}

enum attfile_rc
attfile_create(struct attfile_writer *w, const struct cfg *cfg, const char *id)
{
	unsigned char	 raw[ATTFILE_NAME_LEN / 2];
	char		 tmpdir[ATTFILE_PATH_MAX];
	enum attfile_rc	 rc;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	snprintf(w->id, sizeof(w->id), "%s", id);
	if (strlen(id) != ID_LEN || (w->key_id = vault_current_key(cfg)) == 0 ||
	    file_key(cfg, w->key_id, id, w->key) == -1 ||
	    crypto_random(raw, sizeof(raw)) == -1) {
		log_errx("attachments: no data key or no randomness");
		return ATTFILE_ERROR;
	}
	crypto_hex(raw, sizeof(raw), w->name);
	if (join(tmpdir, sizeof(tmpdir), cfg->attachments_dir, "tmp", "") == -1 ||
	    subdir_of(cfg, w->name, w->dir, sizeof(w->dir)) == -1 ||
	    join(w->tmp_path, sizeof(w->tmp_path), tmpdir, w->name, ".part") == -1 ||
	    join(w->path, sizeof(w->path), w->dir, w->name, "") == -1) {
		log_errx("attachments: attachments.dir is too long");
		goto fail;
	}
	if (ensure_dir(cfg->attachments_dir) == -1 || ensure_dir(tmpdir) == -1 ||
	    ensure_dir(w->dir) == -1)
		goto fail;
	if ((w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		rc = errno_rc("create");
		w->tmp_path[0] = '\0';
		writer_release(w);
		return rc;
	}
	memcpy(w->header, MAGIC, 4);
	w->header[4] = FILE_VERSION;
	put32(w->header + 8, w->key_id);
	put32(w->header + 12, ATTFILE_CHUNK);
	if ((rc = write_all(w->fd, w->header, sizeof(w->header))) != ATTFILE_OK) {
		attfile_abort(w);
		return rc;
	}
	w->plain = xmalloc(ATTFILE_CHUNK);
	w->box = xmalloc(ATTFILE_BOX);
	w->sha = crypto_sha256_new();
	return ATTFILE_OK;
fail:
	writer_release(w);
	w->tmp_path[0] = '\0';
	return ATTFILE_ERROR;
}

static enum attfile_rc
seal_chunk(struct attfile_writer *w, int is_final)
{
	unsigned char	 aad[AAD_LEN];
	size_t		 len = w->nplain + CRYPTO_AEAD_OVERHEAD;

	make_aad(aad, w->header, w->id, w->chunks, is_final);
	if (crypto_seal(w->key, aad, sizeof(aad), w->plain, w->nplain,
	    w->box) == -1) {
		log_errx("attachments: sealing a chunk failed");
		return ATTFILE_ERROR;
	}
	w->chunks++;
	w->nplain = 0;
	return write_all(w->fd, w->box, len);
}

enum attfile_rc
attfile_write(struct attfile_writer *w, const void *buf, size_t n)
{
	const unsigned char	*p = buf;
	size_t			 take;
	enum attfile_rc		 rc;

	if (w->fd == -1)
		return ATTFILE_ERROR;
	crypto_sha256_update(w->sha, p, n);
	while (n > 0) {
		/* A full chunk is sealed only once more follows: the last is final. */
		if (w->nplain == ATTFILE_CHUNK &&
		    (rc = seal_chunk(w, 0)) != ATTFILE_OK)
			return rc;
		take = ATTFILE_CHUNK - w->nplain;
		if (take > n)
			take = n;
		memcpy(w->plain + w->nplain, p, take);
		w->nplain += take;
		w->size += take;
		p += take;
		n -= take;
	}
	return ATTFILE_OK;
}

static int
sync_dir(const char *path)
{
	int	 fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

enum attfile_rc
attfile_commit(struct attfile_writer *w, unsigned char sha256[CRYPTO_SHA256_LEN])
{
	enum attfile_rc	 rc = ATTFILE_ERROR;

	if (w->fd == -1 || w->size == 0)
		goto fail;
	if ((rc = seal_chunk(w, 1)) != ATTFILE_OK)
		goto fail;
	if (fsync(w->fd) == -1) {
		rc = errno_rc("fsync");
		goto fail;
	}
	if (close(w->fd) == -1) {
		w->fd = -1;
		rc = errno_rc("close");
		goto fail;
	}
	w->fd = -1;
	if (rename(w->tmp_path, w->path) == -1) {
		rc = errno_rc("rename");
		goto fail;
	}
	w->tmp_path[0] = '\0';
	if (sync_dir(w->dir) == -1)
		log_warnx("attachments: fsync of a folder failed: %s", strerror(errno));
	crypto_sha256_final(w->sha, sha256);
	w->sha = NULL;
	writer_release(w);
	return ATTFILE_OK;
fail:
	attfile_abort(w);
	return rc;
}

void
attfile_abort(struct attfile_writer *w)
{
	if (w->fd != -1)
		close(w->fd);
	w->fd = -1;
	if (w->tmp_path[0] != '\0' && unlink(w->tmp_path) == -1 && errno != ENOENT)
		log_errx("attachments: cannot remove a temporary file: %s",
		    strerror(errno));
	w->tmp_path[0] = '\0';
	writer_release(w);
}

/* ---- reading ---- */

static enum attfile_rc
read_full(int fd, void *buf, size_t n)
{
	unsigned char	*p = buf;
	ssize_t		 k;

	while (n > 0) {
		if ((k = read(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			log_errx("attachments: read: %s", strerror(errno));
			return ATTFILE_ERROR;
		}
		if (k == 0)
			return ATTFILE_CORRUPT;
		p += k;
		n -= (size_t)k;
	}
	return ATTFILE_OK;
}

enum attfile_rc
attfile_open(struct attfile_reader *r, const struct cfg *cfg, const char *name,
    const char *id, uint32_t key_id, uint64_t size)
{
	char		 dir[ATTFILE_PATH_MAX], path[ATTFILE_PATH_MAX];
	struct stat	 sb;
	uint64_t	 want;
	enum attfile_rc	 rc = ATTFILE_CORRUPT;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (!attfile_name_is_valid(name) || strlen(id) != ID_LEN || size == 0 ||
	    subdir_of(cfg, name, dir, sizeof(dir)) == -1 ||
	    join(path, sizeof(path), dir, name, "") == -1)
		return ATTFILE_ERROR;
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->size = size;
	r->nchunks = (size + ATTFILE_CHUNK - 1) / ATTFILE_CHUNK;
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		log_errx("attachments: cannot open the file of %s: %s", id,
		    strerror(errno));
		return ATTFILE_ERROR;
	}
	want = ATTFILE_HEADER_LEN + size + r->nchunks * CRYPTO_AEAD_OVERHEAD;
	if (fstat(r->fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size != want ||
	    read_full(r->fd, r->header, sizeof(r->header)) != ATTFILE_OK ||
	    memcmp(r->header, MAGIC, 4) != 0 || r->header[4] != FILE_VERSION ||
	    get32(r->header + 8) != key_id ||
	    get32(r->header + 12) != ATTFILE_CHUNK)
		goto fail;
	if (file_key(cfg, key_id, id, r->key) == -1) {
		log_errx("attachments: %s is sealed with unknown key %u", id, key_id);
		rc = ATTFILE_ERROR;
		goto fail;
	}
	r->plain = xmalloc(ATTFILE_CHUNK);
	r->box = xmalloc(ATTFILE_BOX);
	r->sha = crypto_sha256_new();
	return ATTFILE_OK;
fail:
	if (rc == ATTFILE_CORRUPT)
		log_errx("attachments: the file of %s is damaged or not its own", id);
	attfile_close(r);
	return rc;
}

long
attfile_read(struct attfile_reader *r, const unsigned char **out,
    unsigned char sha256[CRYPTO_SHA256_LEN])
{
	unsigned char	 aad[AAD_LEN];
	size_t		 len;
	enum attfile_rc	 rc;

	*out = NULL;
	if (r->fd == -1)
		return ATTFILE_ERROR;
	if (r->next == r->nchunks) {
		crypto_sha256_final(r->sha, sha256);
		r->sha = NULL;
		return 0;
	}
	len = r->next + 1 < r->nchunks ? ATTFILE_CHUNK :
	    (size_t)(r->size - r->next * ATTFILE_CHUNK);
	if ((rc = read_full(r->fd, r->box, len + CRYPTO_AEAD_OVERHEAD)) !=
	    ATTFILE_OK)
		return rc;
	make_aad(aad, r->header, r->id, r->next, r->next + 1 == r->nchunks);
	if (crypto_open(r->key, aad, sizeof(aad), r->box,
	    len + CRYPTO_AEAD_OVERHEAD, r->plain) == -1) {
		log_errx("attachments: chunk %llu of %s does not open",
		    (unsigned long long)r->next, r->id);
		return ATTFILE_CORRUPT;
	}
	crypto_sha256_update(r->sha, r->plain, len);
	r->next++;
	*out = r->plain;
	return (long)len;
}

void
attfile_close(struct attfile_reader *r)
{
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	if (r->plain != NULL)
		explicit_bzero(r->plain, ATTFILE_CHUNK);
	free(r->plain);
	free(r->box);
	r->plain = r->box = NULL;
	if (r->sha != NULL)
		crypto_sha256_free(r->sha);
	r->sha = NULL;
	explicit_bzero(r->key, sizeof(r->key));
}

int
attfile_remove(const struct cfg *cfg, const char *name)
{
	char	 dir[ATTFILE_PATH_MAX], path[ATTFILE_PATH_MAX];

	if (!attfile_name_is_valid(name) ||
	    subdir_of(cfg, name, dir, sizeof(dir)) == -1 ||
	    join(path, sizeof(path), dir, name, "") == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT) {
		log_errx("attachments: cannot remove a file: %s", strerror(errno));
		return -1;
	}
	return 0;
}
