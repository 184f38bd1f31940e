/*
 * Attachment files at rest: encrypted in 64 KiB chunks, so neither an
 * upload nor a download ever holds a whole file in memory.
 *
 *   header  "CCAT" | version 1 | 3 zero bytes | key id (4, big-endian)
 *           | chunk size (4, big-endian)                       16 bytes
 *   chunk i nonce (12) | AES-256-GCM ciphertext | tag (16)
 *
 * Every chunk holds ATTFILE_CHUNK plaintext bytes except the last
 * (1..ATTFILE_CHUNK). Its associated data is the header, the
 * attachment id, the chunk index (8 bytes, big-endian) and a final
 * flag (1 byte), so chunks cannot be reordered, dropped, cut off at a
 * chunk boundary, or moved to another attachment's file. The key of a
 * file is HMAC-SHA256(data key, "concierge attachment file v1" || id)
 * under the numbered data key of lib/vault.h named in the header, so
 * random nonces stay far inside GCM's limit per key and keys rotate
 * like every other sealed value.
 *
 * Files live in attachments.dir as <dir>/<2 hex>/<32 hex> (a random
 * name, unrelated to the public id), are written as <dir>/tmp/<name>.part
 * and renamed into place only once complete and on disk (fsync), mode
 * 0600. A failed or abandoned write removes its temporary file.
 */
#ifndef CONCIERGE_ATTACHMENT_FILE_H
#define CONCIERGE_ATTACHMENT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cfg.h"
#include "lib/crypto.h"
#include "lib/id.h"

#define ATTFILE_CHUNK		65536
#define ATTFILE_HEADER_LEN	16
#define ATTFILE_NAME_LEN	32	/* hex characters of a storage name */
#define ATTFILE_BOX		(ATTFILE_CHUNK + CRYPTO_AEAD_OVERHEAD)
#define ATTFILE_PATH_MAX	4096

enum attfile_rc {
	ATTFILE_OK = 0,
	ATTFILE_ERROR = -1,	/* logged */
	ATTFILE_NOSPACE = -2,	/* the disk (or a quota or file-size limit) is full */
	ATTFILE_CORRUPT = -3,	/* a file that does not open: forged, cut or moved */
};

struct attfile_writer {
	int			 fd;
	char			 id[ID_LEN + 1];
	char			 name[ATTFILE_NAME_LEN + 1];
	char			 tmp_path[ATTFILE_PATH_MAX];
	char			 path[ATTFILE_PATH_MAX];
	char			 dir[ATTFILE_PATH_MAX];	/* <dir>/<2 hex> */
	unsigned char		 header[ATTFILE_HEADER_LEN];
	unsigned char		 key[CRYPTO_AEAD_KEY_LEN];
	uint32_t		 key_id;
	unsigned char		*plain;		/* ATTFILE_CHUNK bytes */
	size_t			 nplain;
	unsigned char		*box;		/* ATTFILE_BOX bytes */
	uint64_t		 chunks;	/* sealed so far */
	uint64_t		 size;		/* plaintext bytes so far */
	struct crypto_sha256_ctx *sha;
};

struct attfile_reader {
	int			 fd;
	char			 id[ID_LEN + 1];
	unsigned char		 header[ATTFILE_HEADER_LEN];
	unsigned char		 key[CRYPTO_AEAD_KEY_LEN];
	unsigned char		*plain;
	unsigned char		*box;
	uint64_t		 size;		/* plaintext bytes, from the row */
	uint64_t		 nchunks;
	uint64_t		 next;		/* index of the next chunk */
	struct crypto_sha256_ctx *sha;
};

/*
 * Start the file of attachment id under the current data key: a new
 * random storage name (name gets ATTFILE_NAME_LEN + 1 bytes) and its
 * temporary file with the header. On failure nothing is left on disk.
 */
enum attfile_rc attfile_create(struct attfile_writer *, const struct cfg *,
	    const char *id);
/* Add n plaintext bytes (sealing each full chunk as it fills). */
enum attfile_rc attfile_write(struct attfile_writer *, const void *, size_t n);
/*
 * Seal the last chunk, flush the file to disk and rename it into place.
 * sha256 gets the digest of the plaintext. On failure the temporary
 * file is gone. An empty file is refused (ATTFILE_ERROR).
 */
enum attfile_rc attfile_commit(struct attfile_writer *,
	    unsigned char sha256[CRYPTO_SHA256_LEN]);
/* Forget an unfinished file: close and remove it. Safe after commit (no-op). */
void	attfile_abort(struct attfile_writer *);

/*
 * Open the file called name of attachment id, whose row says size
 * plaintext bytes under key key_id. Checks the header and that the file
 * has exactly the bytes that size needs.
 */
enum attfile_rc attfile_open(struct attfile_reader *, const struct cfg *,
	    const char *name, const char *id, uint32_t key_id, uint64_t size);
/*
 * Decrypt the next chunk into *out (valid until the next call). Returns
 * its length, 0 after the last one (then the plaintext's SHA-256 is in
 * sha256), or an enum attfile_rc below 0.
 */
long	attfile_read(struct attfile_reader *, const unsigned char **out,
	    unsigned char sha256[CRYPTO_SHA256_LEN]);
/* Close and wipe. NULL-safe and safe to repeat. */
void	attfile_close(struct attfile_reader *);

/* Remove the stored file called name (after its row went). 0 or -1. */
int	attfile_remove(const struct cfg *, const char *name);
/* Whether s has the form of a storage name. */
int	attfile_name_is_valid(const char *s);

#endif
