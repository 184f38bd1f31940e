/*
 * Ed25519 keys of the audit seal: loading, ids, generation, signing and
 * checking checkpoints, all through libcrypto's EVP interface.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/seal-key.h"

/* Key files are small; anything larger is not one. */
#define KEY_FILE_MAX	(64 * 1024)
#define RAW_KEY_LEN	32

/*
 * Read a whole key file into out[KEY_FILE_MAX] (NUL-terminated), with
 * its mode in *mode. Returns the length, or -1 after logging why.
 */
static long
read_key_file(const char *what, const char *path, char *out, mode_t *mode)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if (path == NULL || *path == '\0') {
		log_errx("audit: %s is not configured", what);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_errx("audit: cannot open %s '%s': %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_errx("audit: %s '%s' is not a regular file", what, path);
		close(fd);
		return -1;
	}
	while (len < KEY_FILE_MAX - 1 &&
	    (n = read(fd, out + len, KEY_FILE_MAX - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (len == KEY_FILE_MAX - 1) {
		log_errx("audit: %s '%s' is too large", what, path);
		return -1;
	}
	out[len] = '\0';
	*mode = st.st_mode;
	return (long)len;
}

/* The key id of an Ed25519 key: hex of SHA-256(raw public key)[0..7]. 0 or -1. */
static int
key_id(EVP_PKEY *k, char id[SEAL_KEY_ID_LEN + 1])
{
	unsigned char	 raw[RAW_KEY_LEN], digest[CRYPTO_SHA256_LEN];
	size_t		 len = sizeof(raw);

	if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1 || len != RAW_KEY_LEN)
		return -1;
	crypto_sha256(raw, len, digest);
	crypto_hex(digest, SEAL_KEY_ID_LEN / 2, id);
	return 0;
}

/* Fill key from a parsed EVP_PKEY (ownership moves in). 0 or -1 (k freed). */
static int
key_set(struct seal_key *key, EVP_PKEY *k, const char *what, const char *path)
{
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519 || key_id(k, key->id) == -1) {
		log_errx("audit: %s '%s' holds a key that is not Ed25519", what,
		    path);
		EVP_PKEY_free(k);
		return -1;
	}
	key->pkey = k;
	return 0;
}

int
seal_signer_load(struct seal_key *key, const char *path)
{
	static const char	 what[] = "audit.signing_key_file";
	char			*text = xmalloc(KEY_FILE_MAX);
	EVP_PKEY		*k;
	BIO			*bio = NULL;
	mode_t			 mode;
	long			 n;
	int			 rc = -1;

	memset(key, 0, sizeof(*key));
	if ((n = read_key_file(what, path, text, &mode)) == -1)
		goto out;
	if ((mode & (S_IRWXO | S_IWGRP)) != 0) {
		log_errx("audit: %s '%s' may be read or written by others "
		    "(chmod 0600)", what, path);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(text, (int)n)) == NULL ||
	    (k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		log_errx("audit: %s '%s' holds no PEM private key", what, path);
		goto out;
	}
	rc = key_set(key, k, what, path);
out:
	BIO_free(bio);
	OPENSSL_cleanse(text, KEY_FILE_MAX);
	free(text);
	ERR_clear_error();
	return rc;
}

/* Add a parsed public key to the ring (ownership moves in). 0 or -1. */
static int
ring_add(struct seal_keyring *r, EVP_PKEY *k, const char *path)
{
	static const char	 what[] = "audit.verify_key_file";
	struct seal_key		 key;

	if (r->n == SEAL_KEYRING_MAX) {
		log_errx("audit: %s '%s' holds more than %d keys", what, path,
		    SEAL_KEYRING_MAX);
		EVP_PKEY_free(k);
		return -1;
	}
	if (key_set(&key, k, what, path) == -1)
		return -1;
	if (seal_keyring_find(r, key.id) != -1) {
		log_errx("audit: %s '%s' lists key %s twice", what, path, key.id);
		seal_key_release(&key);
		return -1;
	}
	r->keys[r->n++] = key;
	return 0;
}

/* Occurrences of needle in text. */
static size_t
count(const char *text, const char *needle)
{
	size_t	 n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text += strlen(needle);
	}
	return n;
}

int
seal_keyring_load(struct seal_keyring *r, const char *path)
{
	char		*text = xmalloc(KEY_FILE_MAX);
	EVP_PKEY	*k;
	BIO		*bio = NULL;
	mode_t		 mode;
	long		 n;
	int		 rc = -1;

	memset(r, 0, sizeof(*r));
	if ((n = read_key_file("audit.verify_key_file", path, text, &mode)) == -1)
		goto out;
	/* PEM readers skip blocks of other types: refuse a private key here. */
	if (strstr(text, "PRIVATE KEY") != NULL) {
		log_errx("audit: audit.verify_key_file '%s' holds a private key; "
		    "verifiers get public keys only", path);
		goto out;
	}
	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(text, (int)n)) == NULL)
		goto out;
	while ((k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL)) != NULL)
		if (ring_add(r, k, path) == -1)
			goto out;
	/* The loop ends at the end of the text, or at a block it cannot read. */
	if (r->n == 0 || count(text, "-----BEGIN ") != r->n ||
	    count(text, "-----BEGIN PUBLIC KEY-----") != r->n) {
		log_errx("audit: audit.verify_key_file '%s' must hold one or "
		    "more PEM public keys and nothing else in PEM form", path);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		seal_keyring_release(r);
	BIO_free(bio);
	free(text);
	ERR_clear_error();
	return rc;
}

void
seal_key_release(struct seal_key *key)
{
	EVP_PKEY_free(key->pkey);
	key->pkey = NULL;
}

void
seal_keyring_release(struct seal_keyring *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		seal_key_release(&r->keys[i]);
	r->n = 0;
}

int
seal_keyring_find(const struct seal_keyring *r, const char *id)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->keys[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Write k in PEM (private or public form) into a new file of that mode. 0 or -1. */
static int
write_pem(const char *path, mode_t mode, EVP_PKEY *k, int is_private)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*pem;
	long	 len;
	ssize_t	 n;
	int	 fd = -1, rc = -1;

	if (bio == NULL || (is_private ?
	    PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) :
	    PEM_write_bio_PUBKEY(bio, k)) != 1 ||
	    (len = BIO_get_mem_data(bio, &pem)) <= 0)
		goto out;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) == -1) {
		log_errx("audit: cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) == -1 || (n = write(fd, pem, (size_t)len)) != len ||
	    fsync(fd) == -1) {
		log_errx("audit: cannot write '%s'", path);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1 && close(fd) == -1)
		rc = -1;
	if (rc == -1 && fd != -1)
		unlink(path);
	BIO_free(bio);
	return rc;
}

int
seal_keygen(const char *signing_path, const char *verify_path,
    char id[SEAL_KEY_ID_LEN + 1])
{
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY	*k = NULL;
	int		 rc = -1;

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_keygen(ctx, &k) != 1 || key_id(k, id) == -1) {
		log_errx("audit: cannot generate an Ed25519 key");
		goto out;
	}
	if (write_pem(signing_path, 0600, k, 1) == -1)
		goto out;
	if (write_pem(verify_path, 0644, k, 0) == -1) {
		unlink(signing_path);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

int
seal_checkpoint_sign(struct seal_ctx *sc, const struct seal_key *key,
    struct seal_checkpoint *cp)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	size_t		 len = SEAL_SIG_LEN;
	int		 rc = -1;

	memcpy(cp->key_id, key->id, sizeof(cp->key_id));
	buf_clear(&sc->msg);
	if (md == NULL || seal_canonical_checkpoint(&sc->msg, cp) == -1 ||
	    EVP_DigestSignInit(md, NULL, NULL, NULL, key->pkey) != 1 ||
	    EVP_DigestSign(md, cp->sig, &len, (unsigned char *)sc->msg.data,
	    sc->msg.len) != 1 || len != SEAL_SIG_LEN)
		log_errx("audit: cannot sign checkpoint %llu", cp->seq);
	else
		rc = 0;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return rc;
}

int
seal_checkpoint_check(struct seal_ctx *sc, const struct seal_keyring *r,
    const struct seal_checkpoint *cp, int *idx)
{
	EVP_MD_CTX	*md;
	int		 i, rc = SEAL_SIG_BAD;

	if (idx != NULL)
		*idx = -1;
	if ((i = seal_keyring_find(r, cp->key_id)) == -1)
		return SEAL_SIG_UNKNOWN_KEY;
	if (idx != NULL)
		*idx = i;
	buf_clear(&sc->msg);
	if (seal_canonical_checkpoint(&sc->msg, cp) == -1 ||
	    (md = EVP_MD_CTX_new()) == NULL)
		return SEAL_SIG_BAD;
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, r->keys[i].pkey) == 1 &&
	    EVP_DigestVerify(md, cp->sig, SEAL_SIG_LEN,
	    (unsigned char *)sc->msg.data, sc->msg.len) == 1)
		rc = SEAL_SIG_OK;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return rc;
}
