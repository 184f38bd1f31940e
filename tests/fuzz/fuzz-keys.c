/*
 * Fuzz the data keys file (lib/vault.c, crypto.keys_file): "key ID HEX"
 * and "current ID" lines, '#' comments. The input is the file; when it
 * starts with "#k1" crypto.data_key is set too (key 1). Properties:
 * vault_init accepts exactly the files a reference reader written here
 * accepts (no line longer than the reader's buffer, ids of digits only
 * from 1 to 2^31 - 1, 64 hex digits, no repeats, at most 64 keys, a current key that
 * exists) and loads exactly its keys; a value sealed under the current
 * key names it and opens, and opens nowhere else; the input itself,
 * taken as a sealed value, never opens.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/vault.h"
#include "tests/fuzz/capture.h"
#include "tests/fuzz/fuzz.h"

#define LINE_MAX_KEYS	254	/* longest line the reader takes (256 with "\n\0") */

static const char key1_hex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

struct ref_ring {
	size_t		 n;
	uint32_t	 ids[VAULT_MAX_KEYS];
	unsigned char	 keys[VAULT_MAX_KEYS][CRYPTO_AEAD_KEY_LEN];
	uint32_t	 current;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A decimal id 1..2^31-1, digits only; 0 if not. */
static uint32_t
ref_id(const char *s, size_t n)
{
	unsigned long long	 v = 0;
	size_t			 i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > 0x7fffffffULL)
			return 0;
	}
	return (uint32_t)v;
}

static int
ref_add(struct ref_ring *r, uint32_t id, const char *hex, size_t n)
{
	size_t	 i;

	if (id == 0 || r->n == VAULT_MAX_KEYS || n != 2 * CRYPTO_AEAD_KEY_LEN)
		return -1;
	for (i = 0; i < r->n; i++)
		if (r->ids[i] == id)
			return -1;
	for (i = 0; i < CRYPTO_AEAD_KEY_LEN; i++) {
		if (hexval(hex[2 * i]) < 0 || hexval(hex[2 * i + 1]) < 0)
			return -1;
		r->keys[r->n][i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
	}
	r->ids[r->n++] = id;
	return 0;
}

/* Split one line into at most 4 tokens; the count. */
static size_t
tokens(const char *p, size_t n, const char *tok[4], size_t len[4])
{
	size_t	 k = 0, i = 0, start;

	while (i < n && k < 4) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			i++;
		tok[k] = p + start;
		len[k++] = i - start;
	}
	return k;
}

static int
ref_read(const char *data, size_t size, int has_key1, struct ref_ring *r)
{
	const char	*p, *end = data + size, *nl, *hash, *tok[4];
	size_t		 n, len[4], i;

	memset(r, 0, sizeof(*r));
	r->current = 1;
	if (has_key1 && ref_add(r, 1, key1_hex, strlen(key1_hex)) == -1)
		return -1;
	for (p = data; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > LINE_MAX_KEYS)
			return -1;
		if ((hash = memchr(p, '#', n)) != NULL)
			n = (size_t)(hash - p);
		switch (tokens(p, n, tok, len)) {
		case 0:
			continue;
		case 2:
			if (len[0] != 7 || memcmp(tok[0], "current", 7) != 0 ||
			    (r->current = ref_id(tok[1], len[1])) == 0)
				return -1;
			continue;
		case 3:
			if (len[0] != 3 || memcmp(tok[0], "key", 3) != 0 ||
			    ref_add(r, ref_id(tok[1], len[1]), tok[2], len[2]) == -1)
				return -1;
			continue;
		default:
			return -1;
		}
	}
	for (i = 0; i < r->n; i++)
		if (r->ids[i] == r->current)
			return 0;
	return -1;
}

static void
check_ring(const struct cfg *cfg, const struct ref_ring *r,
    const uint8_t *data, size_t size)
{
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN], *box;
	char		*plain;
	size_t		 i, boxlen, plainlen, n = size < 64 ? size : 64;
	uint32_t	 max = 0;
	struct arena	 a;

	FUZZ_CHECK(vault_current_key(cfg) == r->current, "current %u, want %u",
	    vault_current_key(cfg), r->current);
	for (i = 0; i < r->n; i++) {
		FUZZ_CHECK(vault_key(cfg, r->ids[i], key) == 0 &&
		    memcmp(key, r->keys[i], sizeof(key)) == 0,
		    "key %u is not the one in the file", r->ids[i]);
		if (r->ids[i] > max)
			max = r->ids[i];
	}
	FUZZ_CHECK(vault_key(cfg, max + 1, key) == -1, "key %u from nowhere",
	    max + 1);
	arena_init(&a);
	FUZZ_CHECK(vault_seal(cfg, &a, "fuzz.field", "row1", data, n, &box,
	    &boxlen) == 0 && boxlen == n + VAULT_OVERHEAD, "%s", "seal failed");
	FUZZ_CHECK(vault_key_id(box, boxlen) == r->current, "sealed under %u",
	    vault_key_id(box, boxlen));
	FUZZ_CHECK(vault_open(cfg, &a, "fuzz.field", "row1", box, boxlen, &plain,
	    &plainlen) == 0 && plainlen == n && memcmp(plain, data, n) == 0,
	    "%s", "sealed value does not open");
	FUZZ_CHECK(vault_open(cfg, &a, "fuzz.field", "row2", box, boxlen, &plain,
	    &plainlen) == -1, "%s", "opened as another row");
	box[boxlen - 1] ^= 1;
	FUZZ_CHECK(vault_open(cfg, &a, "fuzz.field", "row1", box, boxlen, &plain,
	    &plainlen) == -1, "%s", "a forged value opened");
	FUZZ_CHECK(vault_open(cfg, &a, "fuzz.field", "row1", data, size, &plain,
	    &plainlen) == -1, "%s", "the input opened as a sealed value");
	explicit_bzero(key, sizeof(key));
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_file	 file;
	static int		 is_init;
	struct ref_ring		 r;
	struct cfg		 cfg;
	int			 rc, want, has_key1;

	if (size > 65536)
		return 0;
	if (!is_init) {
		fuzz_quiet();
		FUZZ_CHECK(fuzz_file_init(&file, "keys") == 0, "%s", "memfd");
		is_init = 1;
	}
	FUZZ_CHECK(fuzz_file_set(&file, data, size) == 0, "%s", "memfd write");
	has_key1 = size >= 3 && memcmp(data, "#k1", 3) == 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.crypto_data_key = has_key1 ? (char *)(uintptr_t)key1_hex : NULL;
	cfg.crypto_keys_file = file.path;
	vault_reset();
	rc = vault_init(&cfg);
	/* A NUL ends the line for the reader: no reference for that. */
	if (memchr(data, '\0', size) == NULL) {
		want = ref_read((const char *)data, size, has_key1, &r);
		FUZZ_CHECK(rc == want, "vault_init %d, reference %d", rc, want);
		if (rc == 0)
			check_ring(&cfg, &r, data, size);
	}
	vault_reset();
	return 0;
}
