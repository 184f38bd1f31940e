/*
 * concierge-keys: data-key rotation (docs/OPERATIONS.md, "Key rotation").
 * keys.c holds the command line and the keys file; keys-values.c the
 * sealed columns; keys-files.c the attachment files.
 */
#ifndef CONCIERGE_TOOLS_KEYS_H
#define CONCIERGE_TOOLS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ctx.h"
#include "lib/vault.h"

/* What a scan found: how many values (or files) use each key id. */
struct keys_tally {
	uint32_t	 ids[VAULT_MAX_KEYS + 1];
	unsigned long	 counts[VAULT_MAX_KEYS + 1];
	size_t		 n;
	unsigned long	 bad;		/* values or files that do not open */
	unsigned long	 resealed;	/* re-sealed by this run */
	unsigned long	 batches;	/* batches committed by this run */
};

/* Count one use of key id (ids past VAULT_MAX_KEYS + 1 go to the last). */
void	keys_tally_add(struct keys_tally *, uint32_t id);
/* The uses of key id counted so far. */
unsigned long keys_tally_of(const struct keys_tally *, uint32_t id);

/*
 * Every sealed column, in batches of batch rows: when is_reseal, each
 * value under another key than the current one is opened and sealed
 * again under the current one (one short transaction and one audit row
 * per batch, an UPDATE only if the value is unchanged); every value is
 * opened and counted in t either way. max_batches > 0 stops after that
 * many committed batches. 0 done, 1 stopped at max_batches, or -1 if
 * the database failed.
 */
int	keys_values_scan(struct ctx *, struct keys_tally *t, int is_reseal,
	    size_t batch, unsigned long max_batches);
/* The field names of the sealed columns, one a line, to stdout. */
void	keys_values_list(void);

/*
 * Every attachment file, as keys_values_scan: when is_reseal, a file
 * under an old key is written again under the current one (a new file,
 * on disk before the row names it; the old file removed after). Every
 * file is read through and its SHA-256 checked. 0, 1 or -1 as above.
 */
int	keys_files_scan(struct ctx *, struct keys_tally *t, int is_reseal,
	    unsigned long max_batches);

/* Append the audit row of a re-seal batch (inside its transaction). */
int	keys_audit_batch(struct ctx *, const char *what, unsigned long n,
	    uint32_t key_id);

#endif
