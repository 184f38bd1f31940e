/*
 * The audit chain, format v2 (docs/AUDIT.md): the canonical form of a
 * seal entry (its kind, its id range and, for a row, every column of the
 * audit row), the chain step hash_n = SHA-256(hash_{n-1} || entry_n),
 * and the canonical form of a checkpoint, the bytes its Ed25519
 * signature covers (lib/seal-key.h signs and checks them). The sealer
 * (tools/) and every verifier share these so that all compute the same
 * bytes.
 */
#ifndef CONCIERGE_SEAL_H
#define CONCIERGE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define SEAL_HASH_LEN	32
#define SEAL_SIG_LEN	64
/* A key id: the first 8 bytes of SHA-256(raw public key), as 16 hex digits. */
#define SEAL_KEY_ID_LEN	16
/* Columns of an audit row in canonical order (id, at, actor_id, ... metadata). */
#define SEAL_NCOLS	13
/* Largest canonical form accepted (a row with metadata past this cannot be sealed). */
#define SEAL_MSG_MAX	(64 * 1024 * 1024)

/* Scratch for chain steps; the buffer is reused from entry to entry. */
struct seal_ctx {
	struct buf	 msg;
};

/* A head kept outside the database: the chain value after id. */
struct seal_head {
	unsigned long long	 id;
	unsigned char		 hash[SEAL_HASH_LEN];
};

/*
 * A checkpoint: what one sealing transaction vouches for, signed. seq
 * counts checkpoints from 1 with no hole; prev is the digest of the
 * checkpoint before (seal_checkpoint_digest; zeros for the first), so a
 * signature vouches for every checkpoint before it too; first_id..last_id
 * are the ids its entries cover (first_id is the previous checkpoint's
 * last_id + 1); head is the chain value after last_id; rows and skipped
 * count the ids of its row and skip entries. is_malformed marks a stored
 * row whose cells could not be read (a verifier reports it; it is never
 * signed).
 */
struct seal_checkpoint {
	unsigned long long	 seq;
	unsigned char		 prev[SEAL_HASH_LEN];
	unsigned long long	 first_id;
	unsigned long long	 last_id;
	unsigned long long	 rows;
	unsigned long long	 skipped;
	int64_t			 sealed_at;	/* usec since the epoch */
	char			 key_id[SEAL_KEY_ID_LEN + 1];
	unsigned char		 head[SEAL_HASH_LEN];
	unsigned char		 sig[SEAL_SIG_LEN];
	int			 is_malformed;
};

/* Parse an id or count cell: decimal digits only. 0 or -1. */
int	seal_parse_id(const char *, unsigned long long *);
/* Prepare the scratch buffer. */
void	seal_init(struct seal_ctx *);
/* Free the scratch buffer. */
void	seal_release(struct seal_ctx *);

/*
 * Append the canonical form of the row entry for an audit row to b: the
 * type, kind "row", its id twice (the range it covers), then the other
 * SEAL_NCOLS - 1 columns. v and len hold the SEAL_NCOLS cells as the
 * database returns them (v[i] NULL for SQL NULL). Returns 0, or -1 if id
 * or at is not parseable or b is full.
 */
int	seal_canonical_row(struct buf *b, char *const *v, const size_t *len);
/* Append the canonical form of the skip entry for ids first..last to b. 0 or -1. */
int	seal_canonical_skip(struct buf *b, unsigned long long first,
	    unsigned long long last);
/* Append the canonical form of a checkpoint (every field but sig) to b. 0 or -1. */
int	seal_canonical_checkpoint(struct buf *b, const struct seal_checkpoint *);
/*
 * The digest a checkpoint's successor names as prev:
 * SHA-256(canonical form || signature). 0 or -1.
 */
int	seal_checkpoint_digest(struct seal_ctx *, const struct seal_checkpoint *,
	    unsigned char out[SEAL_HASH_LEN]);
/*
 * One chain step over a row entry (cells as for seal_canonical_row):
 * out = SHA-256(prev || canonical). prev is all zeros before the first
 * entry. Returns 0 or -1.
 */
int	seal_step_row(struct seal_ctx *, const unsigned char prev[SEAL_HASH_LEN],
	    char *const *v, const size_t *len, unsigned char out[SEAL_HASH_LEN]);
/* One chain step over the skip entry first..last. 0 or -1. */
int	seal_step_skip(struct seal_ctx *, const unsigned char prev[SEAL_HASH_LEN],
	    unsigned long long first, unsigned long long last,
	    unsigned char out[SEAL_HASH_LEN]);

#endif
