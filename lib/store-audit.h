/*
 * SQL of the audit seal, shared by the sealer (concierge-audit seal) and
 * the verifiers (worker and CLI): seal entries, checkpoints, the rows
 * still to seal, the probe for ids held by open transactions, the
 * verifier's snapshot, and the advisory lock that keeps to one sealer.
 * Reads are plain READ COMMITTED selects: nothing here locks audit_log.
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

/* The newest seal entry, as stored: the chain's tip. */
struct store_seal_tip {
	int			 is_found;
	unsigned long long	 audit_id;
	unsigned long long	 last_id;
	unsigned char		 hash[SEAL_HASH_LEN];
	int			 is_malformed;
};

/* One seal entry to write: a row (first == last) or a range of skipped ids. */
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
 * Lowest id in lo..hi whose row exists, committed or not: a dirty read
 * (READ UNCOMMITTED, for this one statement) that sees the row of a
 * transaction still open. *found is 0 if there is none. Takes no locks.
 * Returns an enum db_rc.
 */
int	store_audit_held_min(struct db *, struct arena *, unsigned long long lo,
	    unsigned long long hi, unsigned long long *id, int *found);
/* The server's innodb_lock_wait_timeout in seconds. Returns an enum db_rc. */
int	store_audit_lock_wait(struct db *, struct arena *, long long *sec);
/*
 * Append seal entries, in the caller's transaction: n entries of
 * (first, last, is_skip, hash). DB_DUPLICATE means another sealer got
 * there first. Returns an enum db_rc.
 */
int	store_audit_seal_add(struct db *, const struct store_seal_entry *, size_t n);
/* Append a signed checkpoint, in the caller's transaction. Returns an enum db_rc. */
int	store_audit_checkpoint_add(struct db *, const struct seal_checkpoint *);
/*
 * The newest checkpoint (highest seq; *found 0 if none). A row whose
 * cells cannot be read comes back with is_malformed set. Returns an enum
 * db_rc.
 */
int	store_audit_checkpoint_last(struct db *, struct arena *,
	    struct seal_checkpoint *, int *found);
/*
 * Up to limit checkpoints with seq > after, in seq order, into *out (an
 * array in the arena) and *n. Returns an enum db_rc.
 */
int	store_audit_checkpoints_after(struct db *, struct arena *,
	    unsigned long long after, long limit, struct seal_checkpoint **out,
	    size_t *n);
/*
 * Up to limit seal entries with audit_id > after, in id order, each
 * joined with its audit row: cells as enum seal_entry_cell
 * (lib/seal-verify.h), the row's all NULL for a skip entry or a missing
 * row. Returns an enum db_rc.
 */
int	store_audit_entries_after(struct db *, struct arena *,
	    unsigned long long after, long limit, struct db_res *);
/*
 * Lowest audit id that lies inside a range sealed as skipped (a row
 * inserted after the sealer recorded that id as never committed).
 * *found is 0 if there is none. Returns an enum db_rc.
 */
int	store_audit_forged_min(struct db *, struct arena *, unsigned long long *id,
	    int *found);
/*
 * Open a read-only REPEATABLE READ transaction: every read until
 * store_audit_snapshot_end sees one snapshot. Returns an enum db_rc.
 */
int	store_audit_snapshot_begin(struct db *);
/* End the snapshot (rolled back; nothing was written). */
void	store_audit_snapshot_end(struct db *);
/*
 * Take the sealer's advisory lock, waiting up to wait_sec (0: just try);
 * *got is 1 when held. The lock is per connection and ends with it. Returns an
 * enum db_rc.
 */
int	store_audit_lock(struct db *, struct arena *, long wait_sec, int *got);
/* Release the advisory lock. Returns an enum db_rc. */
int	store_audit_unlock(struct db *);

/*
 * The sealer's lease (audit_seal_lease, migration 0019), which a cluster
 * replicates. Its holder is this connection, named by the server:
 * "host:port:socket #connection-id". Call with the advisory lock held.
 *
 * Take it for sec seconds if it is free, expired, or held by a sealer of
 * this server (gone, since this one holds the server's lock). *got is 1
 * when taken; otherwise holder (NUL-terminated, cut to holdersz) names
 * who has it and *left how many milliseconds it still runs. A write-set
 * conflict with another node's takeover is answered *got = 0. Returns an
 * enum db_rc.
 */
int	store_audit_lease_take(struct db *, struct arena *, long sec, int *got,
	    char *holder, size_t holdersz, long long *left_ms);
/*
 * Extend the lease by sec seconds from now, inside the caller's
 * transaction or alone; *owned is 0 when this connection no longer
 * holds it (taken over, or the connection was made again). Returns an
 * enum db_rc.
 */
int	store_audit_lease_renew(struct db *, long sec, int *owned);
/* Give the lease up if this connection holds it. Returns an enum db_rc. */
int	store_audit_lease_release(struct db *);

#endif
