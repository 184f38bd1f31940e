/*
 * Ed25519 keys of the audit seal (docs/AUDIT.md, "Keys"): the sealer's
 * signing key (audit.signing_key_file, PEM PKCS#8, held by the sealer
 * alone), the verifiers' key ring (audit.verify_key_file: one or more
 * PEM public keys, oldest first), key ids, key generation, and signing
 * and checking checkpoints. Everything goes through libcrypto's EVP
 * interface (EVP_PKEY_ED25519, EVP_DigestSign / EVP_DigestVerify).
 */
#ifndef CONCIERGE_SEAL_KEY_H
#define CONCIERGE_SEAL_KEY_H

#include <stddef.h>

#include "lib/seal.h"

/* Public keys a ring holds at most (one per rotation). */
#define SEAL_KEYRING_MAX	64

struct evp_pkey_st;

/* A key and its id (SEAL_KEY_ID_LEN hex digits). */
struct seal_key {
	struct evp_pkey_st	*pkey;
	char			 id[SEAL_KEY_ID_LEN + 1];
};

/* The public keys a verifier accepts, in the order they were used. */
struct seal_keyring {
	size_t		 n;
	struct seal_key	 keys[SEAL_KEYRING_MAX];
};

enum seal_sig_rc {
	SEAL_SIG_OK = 0,
	SEAL_SIG_UNKNOWN_KEY,	/* its key id is not in the ring */
	SEAL_SIG_BAD,		/* the signature does not verify */
};

/*
 * Load the signing key: a PEM private key of type Ed25519 in a file that
 * no one but its owner (and group, read only) may access. Returns 0, or
 * -1 after logging why (never the key).
 */
int	seal_signer_load(struct seal_key *, const char *path);
/*
 * Load a key ring: every PEM public key in the file, in file order
 * (text outside the PEM blocks is ignored, so comments are fine). All
 * must be Ed25519 with distinct ids, at least one. Returns 0, or -1
 * after logging why.
 */
int	seal_keyring_load(struct seal_keyring *, const char *path);
/* Free a key (loaded or not). */
void	seal_key_release(struct seal_key *);
/* Free the keys of a ring. */
void	seal_keyring_release(struct seal_keyring *);
/* Index of the key with this id in the ring, or -1. */
int	seal_keyring_find(const struct seal_keyring *, const char *id);
/*
 * Generate a key pair: the private key into signing_path (mode 0600) and
 * the public key into verify_path (mode 0644), both PEM; neither file
 * may exist. id gets the key id. Returns 0, or -1 after logging why.
 */
int	seal_keygen(const char *signing_path, const char *verify_path,
	    char id[SEAL_KEY_ID_LEN + 1]);
/* Sign the canonical form of cp with key, setting cp->key_id and cp->sig. 0 or -1. */
int	seal_checkpoint_sign(struct seal_ctx *, const struct seal_key *,
	    struct seal_checkpoint *cp);
/*
 * Check cp's signature against the ring. *idx (may be NULL) gets the
 * index of its key when known, else -1. Returns an enum seal_sig_rc.
 */
int	seal_checkpoint_check(struct seal_ctx *, const struct seal_keyring *,
	    const struct seal_checkpoint *cp, int *idx);

#endif
