/*
 * Encryption at rest: values sealed with AES-256-GCM under a numbered
 * data key, so keys can rotate. A sealed value is self-describing:
 *
 *   0x01 (format) | key id (4 bytes, big-endian) | nonce (12) | ciphertext | tag (16)
 *
 * The associated data is the field name, the row id and that header,
 * so a value copied to another row or another column, or relabelled
 * with another key id, does not open.
 *
 * Keys: crypto.data_key is key 1; crypto.keys_file (optional, mode
 * 0600) adds "key ID HEX64" lines and may name the key new values use
 * with "current ID" (default: 1). Keys are read once per process; a
 * worker sees a rotated file after a restart.
 */
#ifndef CONCIERGE_VAULT_H
#define CONCIERGE_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cfg.h"
#include "lib/crypto.h"
#include "lib/mem.h"

#define VAULT_FORMAT		0x01
#define VAULT_HEADER_LEN	5
#define VAULT_OVERHEAD		(VAULT_HEADER_LEN + CRYPTO_AEAD_OVERHEAD)
#define VAULT_MAX_KEYS		64
/* Largest value vault_seal takes (crypto_seal's bound). */
#define VAULT_MAX_VALUE		(1 << 20)

/*
 * Read the keys named by cfg (again only after vault_reset). 0, or -1
 * after logging why (a bad key, a duplicate id, a missing current key).
 */
int	vault_init(const struct cfg *);
/* Forget the keys (wiped from memory); the next call reads them again. */
void	vault_reset(void);
/* The id new values are sealed with; 0 if no key is loaded. */
uint32_t vault_current_key(const struct cfg *);
/* Copy key id into key. 0, or -1 if there is no such key. */
int	vault_key(const struct cfg *, uint32_t id,
	    unsigned char key[CRYPTO_AEAD_KEY_LEN]);

/*
 * Seal n bytes of in for column field ("lab_results.notes") of row
 * row_id under the current key. *out (arena) gets n + VAULT_OVERHEAD
 * bytes. 0 or -1.
 */
int	vault_seal(const struct cfg *, struct arena *, const char *field,
	    const char *row_id, const void *in, size_t n, unsigned char **out,
	    size_t *outlen);
/*
 * Open a sealed value of field/row_id. *out (arena) is NUL-terminated
 * and *outlen bytes long. 0, or -1 (logged without the value) if it is
 * malformed, under an unknown key, or forged.
 */
int	vault_open(const struct cfg *, struct arena *, const char *field,
	    const char *row_id, const unsigned char *in, size_t n, char **out,
	    size_t *outlen);
/* The key id in a sealed value's header, or 0 if it is not one. */
uint32_t vault_key_id(const unsigned char *in, size_t n);
/* A decimal key id in 1..2^31-1, digits only (no sign, no space); 0 if not. */
uint32_t vault_parse_key_id(const char *);

#endif
