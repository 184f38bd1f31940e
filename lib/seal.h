/*
 * The audit chain (docs/AUDIT.md): the canonical form of an audit row,
 * the chain step hash_n = HMAC-SHA256(key, hash_{n-1} || canonical_n),
 * the key file, and verification of the whole sealed chain. The sealer
 * (tools/) and the audit worker share these so that both compute the
 * same bytes.
 */
#ifndef CONCIERGE_SEAL_H
#define CONCIERGE_SEAL_H

#include <stddef.h>

#include <json.h>

#include "lib/buf.h"
#include "lib/db.h"
#include "lib/mem.h"

#define SEAL_KEY_LEN	32
#define SEAL_HASH_LEN	32
/* Columns of an audit row in canonical order (id, at, actor_id, ... metadata). */
#define SEAL_NCOLS	13
/* Largest canonical form accepted (a row with metadata past this cannot be sealed). */
#define SEAL_MSG_MAX	(64 * 1024 * 1024)

/* Key and scratch for chain steps; the buffer is reused from row to row. */
struct seal_ctx {
	unsigned char	 key[SEAL_KEY_LEN];
	struct buf	 msg;
};

/* A head kept outside the database: the chain value after id. */
struct seal_head {
	unsigned long long	 id;
	unsigned char		 hash[SEAL_HASH_LEN];
};

/* What verification found. first_bad_id is 0 when is_ok. */
struct seal_verdict {
	int			 is_ok;
	unsigned long long	 sealed_through;	/* last id the seal covers */
	unsigned long long	 entries;		/* seal entries checked */
	unsigned long long	 first_bad_id;
	char			 problem[192];
	unsigned char		 head[SEAL_HASH_LEN];	/* recomputed, at sealed_through */
};

/* Parse an audit id cell: decimal digits only. 0 or -1. */
int	seal_parse_id(const char *, unsigned long long *);
/*
 * Read the HMAC key: a file holding exactly 64 hex digits (a trailing
 * newline is allowed). Returns 0, or -1 after logging why (never the key).
 */
int	seal_key_load(const char *path, unsigned char key[SEAL_KEY_LEN]);
/* Prepare a context with a copy of key. */
void	seal_init(struct seal_ctx *, const unsigned char key[SEAL_KEY_LEN]);
/* Wipe the key and free the scratch buffer. */
void	seal_release(struct seal_ctx *);

/*
 * Append the canonical form of an audit row to b. v and len hold the
 * SEAL_NCOLS cells as the database returns them (v[i] NULL for SQL
 * NULL). Returns 0, or -1 if id or at is not parseable or b is full.
 */
int	seal_canonical_row(struct buf *b, char *const *v, const size_t *len);
/* Append the canonical form of the skipped ids first..last to b. 0 or -1. */
int	seal_canonical_skip(struct buf *b, unsigned long long first,
	    unsigned long long last);
/*
 * One chain step over a row (cells as for seal_canonical_row): out =
 * HMAC(key, prev || canonical). prev is all zeros before the first
 * entry. Returns 0 or -1.
 */
int	seal_step_row(struct seal_ctx *, const unsigned char prev[SEAL_HASH_LEN],
	    char *const *v, const size_t *len, unsigned char out[SEAL_HASH_LEN]);
/* One chain step over skipped ids first..last. 0 or -1. */
int	seal_step_skip(struct seal_ctx *, const unsigned char prev[SEAL_HASH_LEN],
	    unsigned long long first, unsigned long long last,
	    unsigned char out[SEAL_HASH_LEN]);

/*
 * Recompute the whole chain from the seal tables and audit_log and
 * report the first id that does not match (edited, deleted, reordered
 * or forged rows, missing or altered seal entries, a checkpoint or the
 * optional expected head that the chain does not reach). Reads in
 * streaming mode: db is busy until it returns. Returns 0 with the
 * verdict filled in, or -1 if the database failed.
 */
int	seal_verify(struct db *, struct arena *, struct seal_ctx *,
	    const struct seal_head *expect, struct seal_verdict *);
/* The verdict as {"sealed_through","ok","first_bad_id","problem",...}; caller owns it. */
struct json_object *seal_verdict_json(const struct seal_verdict *);

#endif
