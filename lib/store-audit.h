/*
 * SQL of the audit seal, shared by the sealer (concierge-audit seal) and
 * the verifier (worker and CLI): the seal entries, checkpoints, the rows
 * still to seal, and the advisory lock that keeps to one sealer. Reads
 * are plain READ COMMITTED selects: nothing here locks audit_log.
 */
#ifndef CONCIERGE_STORE_AUDIT_H
#define CONCIERGE_STORE_AUDIT_H

#include <stdint.h>

#include "lib/db.h"
#include "lib/mem.h"
#include "lib/seal.h"

/* The columns of an audit row in canonical order, for SELECT lists (alias a). */
#define STORE_AUDIT_COLS "a.id, a.at, a.actor_id, a.actor_role, a.action," \
	" a.entity_type, a.entity_id, a.patient_id, a.outcome, a.request_id," \
	" a.ip, a.summary, a.metadata"

/* The newest seal entry: the chain's tip. */
struct store_seal_tip {
	int			 is_found;
	unsigned long long	 last_id;
	unsigned char		 hash[SEAL_HASH_LEN];
};

/* A checkpoint row. */
struct store_checkpoint {
	int			 is_found;
	unsigned long long	 last_id;
	unsigned char		 hash[SEAL_HASH_LEN];
	int64_t			 sealed_at;
};

/* One seal entry: a row (first == last) or a range of skipped ids. */
struct store_seal_entry {
	unsigned long long	 first;
	unsigned long long	 last;
	int			 is_skip;
	unsigned char		 hash[SEAL_HASH_LEN];
};

/* The newest seal entry (is_found 0 if nothing is sealed). Returns an enum db_rc. */
int	store_audit_seal_tip(struct db *, struct arena *, struct store_seal_tip *);
/*
 * Up to limit audit rows with id > after, in id order, STORE_AUDIT_COLS
 * in each row. Returns an enum db_rc.
 */
int	store_audit_rows_after(struct db *, struct arena *,
	    unsigned long long after, long limit, struct db_res *);
/* Highest committed audit id (0 if none). Returns an enum db_rc. */
int	store_audit_max_id(struct db *, struct arena *, unsigned long long *);
/*
 * Append seal entries, in the caller's transaction: n entries of
 * (first, last, is_skip, hash). DB_DUPLICATE means another sealer got
 * there first. Returns an enum db_rc.
 */
int	store_audit_seal_add(struct db *, const struct store_seal_entry *, size_t n);
/* Append a checkpoint, in the caller's transaction. Returns an enum db_rc. */
int	store_audit_checkpoint_add(struct db *, unsigned long long last_id,
	    const unsigned char hash[SEAL_HASH_LEN], unsigned long long rows,
	    unsigned long long skipped);
/* The newest checkpoint (is_found 0 if none). Returns an enum db_rc. */
int	store_audit_checkpoint_last(struct db *, struct arena *,
	    struct store_checkpoint *);
/*
 * Stream every seal entry in id order joined with its audit row: cells
 * audit_id, last_id, kind, hash, then STORE_AUDIT_COLS (all NULL for a
 * skip entry or a missing row). Returns an enum db_rc.
 */
int	store_audit_seal_each(struct db *, int (*fn)(void *, const struct db_row *),
	    void *arg);
/*
 * Lowest audit id that lies inside a range sealed as skipped (a row
 * inserted after the sealer recorded that id as never committed).
 * *found is 0 if there is none. Returns an enum db_rc.
 */
int	store_audit_forged_min(struct db *, struct arena *, unsigned long long *id,
	    int *found);
/*
 * Take the sealer's advisory lock, waiting up to wait_sec (0: just try);
 * *got is 1 when held. The lock is per connection and ends with it. Returns an
 * enum db_rc.
 */
int	store_audit_lock(struct db *, struct arena *, long wait_sec, int *got);
/* Release the advisory lock. Returns an enum db_rc. */
int	store_audit_unlock(struct db *);

#endif
