/* Numbered data keys and values sealed under them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/vault.h"

struct vault_keyring {
	int		 is_loaded;
	size_t		 n;
	uint32_t	 ids[VAULT_MAX_KEYS];
	unsigned char	 keys[VAULT_MAX_KEYS][CRYPTO_AEAD_KEY_LEN];
	uint32_t	 current;
};

static struct vault_keyring	 ring;

void
vault_reset(void)
{
	explicit_bzero(&ring, sizeof(ring));
}

static int
ring_find(uint32_t id)
{
	size_t	 i;

	for (i = 0; i < ring.n; i++)
		if (ring.ids[i] == id)
			return (int)i;
	return -1;
}

/* Add key id from 64 hex digits. 0, or -1 after logging. */
static int
ring_add(uint32_t id, const char *hex, const char *where)
{
	if (id == 0 || ring_find(id) != -1 || ring.n == VAULT_MAX_KEYS) {
		log_errx("vault: %s: key id %u is zero, repeated or one too many",
		    where, id);
		return -1;
	}
	if (strlen(hex) != 2 * CRYPTO_AEAD_KEY_LEN ||
	    crypto_unhex(hex, ring.keys[ring.n], CRYPTO_AEAD_KEY_LEN) == -1) {
		log_errx("vault: %s: key %u is not 64 hex digits", where, id);
		return -1;
	}
	ring.ids[ring.n++] = id;
	return 0;
}

uint32_t
vault_parse_key_id(const char *s)
{
	char		*end;
	unsigned long	 v;

	/* strtoul would also take a sign and leading white space ("\v2"). */
	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 0x7fffffffUL)
		return 0;
	return (uint32_t)v;
}

/* "key ID HEX" and "current ID" lines; '#' comments. 0 or -1. */
static int
read_keys_file(const char *path, uint32_t *current)
{
	FILE	*f;
	char	 line[256], *w[3], *p, *tok;
	int	 lineno = 0, n, rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		log_errx("vault: cannot open crypto.keys_file '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		/* A longer line would be read as two: refuse it. */
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_errx("vault: '%s' line %d: too long", path, lineno);
			goto out;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		n = 0;
		for (tok = strtok_r(line, " \t\r\n", &p); tok != NULL && n < 3;
		    tok = strtok_r(NULL, " \t\r\n", &p))
			w[n++] = tok;
		if (n == 0)
			continue;
		if (tok == NULL && n == 3 && strcmp(w[0], "key") == 0) {
			if (ring_add(vault_parse_key_id(w[1]), w[2], path) == -1)
				goto out;
		} else if (tok == NULL && n == 2 && strcmp(w[0], "current") == 0 &&
		    (*current = vault_parse_key_id(w[1])) != 0) {
			continue;
		} else {
			log_errx("vault: '%s' line %d: expected 'key ID HEX' or "
			    "'current ID'", path, lineno);
			goto out;
		}
	}
	rc = 0;
out:
	explicit_bzero(line, sizeof(line));
	fclose(f);
	return rc;
}

int
vault_init(const struct cfg *cfg)
{
	uint32_t	 current = 1;

	if (ring.is_loaded)
		return 0;
	vault_reset();
	if (cfg->crypto_data_key != NULL &&
	    ring_add(1, cfg->crypto_data_key, "crypto.data_key") == -1)
		goto fail;
	if (cfg->crypto_keys_file != NULL &&
	    read_keys_file(cfg->crypto_keys_file, &current) == -1)
		goto fail;
	if (ring_find(current) == -1) {
		log_errx("vault: the current data key %u is not configured "
		    "(crypto.data_key or crypto.keys_file)", current);
		goto fail;
	}
	ring.current = current;
	ring.is_loaded = 1;
	return 0;
fail:
	vault_reset();
	return -1;
}

uint32_t
vault_current_key(const struct cfg *cfg)
{
	return vault_init(cfg) == 0 ? ring.current : 0;
}

int
vault_key(const struct cfg *cfg, uint32_t id,
    unsigned char key[CRYPTO_AEAD_KEY_LEN])
{
	int	 i;

	if (vault_init(cfg) == -1 || (i = ring_find(id)) == -1)
		return -1;
	memcpy(key, ring.keys[i], CRYPTO_AEAD_KEY_LEN);
	return 0;
}

uint32_t
vault_key_id(const unsigned char *in, size_t n)
{
	if (in == NULL || n < VAULT_OVERHEAD || in[0] != VAULT_FORMAT)
		return 0;
	return (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
	    (uint32_t)in[3] << 8 | (uint32_t)in[4];
}

/* field NUL row_id NUL header: what a sealed value is bound to (arena). */
static unsigned char *
make_aad(struct arena *a, const char *field, const char *row_id,
    const unsigned char hdr[VAULT_HEADER_LEN], size_t *len)
{
	size_t		 fl = strlen(field), rl = strlen(row_id);
	unsigned char	*p;

	*len = fl + 1 + rl + 1 + VAULT_HEADER_LEN;
	p = arena_alloc(a, *len);
	memcpy(p, field, fl + 1);
	memcpy(p + fl + 1, row_id, rl + 1);
	memcpy(p + fl + rl + 2, hdr, VAULT_HEADER_LEN);
	return p;
}

int
vault_seal(const struct cfg *cfg, struct arena *a, const char *field,
    const char *row_id, const void *in, size_t n, unsigned char **out,
    size_t *outlen)
{
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN], *box, *aad;
	size_t		 aadlen;
	uint32_t	 id;
	int		 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (n > VAULT_MAX_VALUE || (id = vault_current_key(cfg)) == 0 ||
	    vault_key(cfg, id, key) == -1)
		goto out;
	box = arena_alloc(a, n + VAULT_OVERHEAD);
	box[0] = VAULT_FORMAT;
	box[1] = (unsigned char)(id >> 24);
	box[2] = (unsigned char)(id >> 16);
	box[3] = (unsigned char)(id >> 8);
	box[4] = (unsigned char)id;
	aad = make_aad(a, field, row_id, box, &aadlen);
	if (crypto_seal(key, aad, aadlen, in, n, box + VAULT_HEADER_LEN) == -1) {
		log_errx("vault: sealing %s failed", field);
		goto out;
	}
	*out = box;
	*outlen = n + VAULT_OVERHEAD;
	rc = 0;
out:
	explicit_bzero(key, sizeof(key));
	return rc;
}

int
vault_open(const struct cfg *cfg, struct arena *a, const char *field,
    const char *row_id, const unsigned char *in, size_t n, char **out,
    size_t *outlen)
{
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN], *aad;
	size_t		 aadlen, len;
	uint32_t	 id;
	char		*plain;
	int		 rc = -1;

	*out = NULL;
	*outlen = 0;
	if ((id = vault_key_id(in, n)) == 0) {
		log_errx("vault: %s of %s is not a sealed value", field, row_id);
		goto out;
	}
	if (vault_key(cfg, id, key) == -1) {
		log_errx("vault: %s of %s is sealed with unknown key %u", field,
		    row_id, id);
		goto out;
	}
	len = n - VAULT_OVERHEAD;
	plain = arena_alloc(a, len + 1);
	aad = make_aad(a, field, row_id, in, &aadlen);
	if (crypto_open(key, aad, aadlen, in + VAULT_HEADER_LEN,
	    n - VAULT_HEADER_LEN, (unsigned char *)plain) == -1) {
		log_errx("vault: %s of %s does not open (forged or moved)",
		    field, row_id);
		goto out;
	}
	plain[len] = '\0';
	*out = plain;
	*outlen = len;
	rc = 0;
out:
	explicit_bzero(key, sizeof(key));
	return rc;
}
