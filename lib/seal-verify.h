/*
 * Verification of the audit seal (docs/AUDIT.md, "What verify checks"):
 * a walk over the seal entries in id order, with their audit rows and
 * the checkpoints, that recomputes the chain and trusts nothing it does
 * not cover: ranges, kinds and counts come from the signed checkpoints
 * and the recomputed chain, never from the stored rows alone. The walk
 * is fed by seal_verify from the database, or by a unit test.
 */
#ifndef CONCIERGE_SEAL_VERIFY_H
#define CONCIERGE_SEAL_VERIFY_H

#include <json.h>

#include "lib/db.h"
#include "lib/seal-key.h"
#include "lib/seal.h"

/* Cells of an entry row fed to the walk: the entry, then the audit row's columns. */
enum seal_entry_cell {
	SEAL_E_AUDIT_ID = 0,
	SEAL_E_LAST_ID,
	SEAL_E_KIND,
	SEAL_E_HASH,
	SEAL_E_ROW,		/* first of SEAL_NCOLS audit columns (all NULL: no row) */
	SEAL_E_NCELLS = SEAL_E_ROW + SEAL_NCOLS,
};

/*
 * What verification found. sealed_through is the last id that a
 * checkpoint which verified vouches for, head the chain value there and
 * newest that checkpoint (when checkpoints > 0). first_bad_id is the
 * first id where the stored data departs from what the chain explains
 * (0 when is_ok); ids between sealed_through and it match their seal
 * entries but no signature vouches for them.
 */
struct seal_verdict {
	int			 is_ok;
	unsigned long long	 sealed_through;
	unsigned long long	 entries;	/* seal entries checked */
	unsigned long long	 checkpoints;	/* checkpoints that verified */
	unsigned long long	 signatures;	/* signatures checked */
	unsigned long long	 first_bad_id;
	char			 problem[320];
	unsigned char		 head[SEAL_HASH_LEN];
	struct seal_checkpoint	 newest;
};

/*
 * Hands the walk the next checkpoint in seq order: 1 with *out filled,
 * 0 when there are no more, -1 if the database failed.
 */
typedef int	(*seal_cp_next_fn)(void *arg, struct seal_checkpoint *out);

/* Check every checkpoint's signature, not only where it is needed. */
#define SEAL_VERIFY_ALL_SIGNATURES	0x1

/* What the walk knows after a checkpoint it accepted. */
struct seal_vouch {
	int			 is_set;
	int			 is_checked;	/* its own signature verified */
	int			 is_forged;	/* its own signature failed */
	unsigned long long	 through;	/* its last_id */
	unsigned long long	 count;		/* checkpoints accepted up to it */
	unsigned char		 head[SEAL_HASH_LEN];
	struct seal_checkpoint	 cp;
};

/* The walk's state; fields are private to lib/seal-verify.c. */
struct seal_walk {
	struct seal_ctx			 sc;
	const struct seal_keyring	*ring;
	const struct seal_head		*want;
	unsigned			 flags;
	seal_cp_next_fn			 next_cp;
	void				*cp_arg;
	struct seal_verdict		*v;
	struct seal_checkpoint		 cp;		/* the next checkpoint to meet */
	int				 has_cp;
	int				 is_cp_end;
	unsigned long long		 expect;	/* next id an entry must start at */
	unsigned char			 hash[SEAL_HASH_LEN];
	struct seal_vouch		 cur;		/* the last checkpoint accepted */
	struct seal_vouch		 prior;		/* the one before it */
	struct seal_vouch		 confirmed;	/* the last whose signature verified */
	unsigned char			 cur_digest[SEAL_HASH_LEN];
	int				 cur_key;	/* ring index of cur's key */
	unsigned long long		 nrows, nskip;	/* since the last checkpoint */
	int				 want_state;	/* 0 not reached, 1 matched, -1 not */
	int				 is_bad;
	int				 is_failed;	/* next_cp failed */
};

/*
 * Start a walk; v is cleared and filled as the walk goes. want may be
 * NULL; flags: SEAL_VERIFY_*.
 */
void	seal_walk_init(struct seal_walk *, const struct seal_keyring *,
	    const struct seal_head *want, unsigned flags, seal_cp_next_fn,
	    void *cp_arg, struct seal_verdict *v);
/*
 * Feed the next entry (cells as enum seal_entry_cell), in audit_id
 * order. Returns 0 to go on, -1 once a problem is recorded or next_cp
 * failed.
 */
int	seal_walk_entry(struct seal_walk *, const struct db_row *);
/*
 * After the last entry, or once the walk stopped: checkpoints and entries
 * nothing explains, the expected head, and the signature of the last
 * checkpoint accepted (which vouches for every earlier one it links to);
 * fills in sealed_through and head.
 */
void	seal_walk_end(struct seal_walk *);
/* A committed row at id lies inside a skip entry: record it if it is the first problem. */
void	seal_walk_forged(struct seal_walk *, unsigned long long id);
/* Free the walk's scratch; v->is_ok is final after this. */
void	seal_walk_release(struct seal_walk *);

/*
 * Verify the whole seal from the database, in one consistent snapshot
 * (a read-only REPEATABLE READ transaction, rolled back at the end),
 * with the public keys of ring. want (may be NULL) is a head kept
 * elsewhere that the chain must lead to; flags: SEAL_VERIFY_*. Returns 0
 * with the verdict filled in, or -1 if the database failed.
 */
int	seal_verify(struct db *, const struct seal_keyring *,
	    const struct seal_head *want, unsigned flags, struct seal_verdict *);
/* The verdict as {"sealed_through","ok","first_bad_id","problem",...}; caller owns it. */
struct json_object *seal_verdict_json(const struct seal_verdict *);

#endif
