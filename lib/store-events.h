/*
 * SQL of realtime delivery: reading events rows (all of them in id order
 * for the relay, one user's for the events worker), probing for ids that
 * are inserted but not committed, and the relay's progress row
 * (events_relay, migration 0012). Every function returns an enum db_rc.
 */
#ifndef CONCIERGE_STORE_EVENTS_H
#define CONCIERGE_STORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/events.h"
#include "lib/id.h"
#include "lib/mem.h"

/* The relay's progress (see migration 0012 for what each field means). */
struct relay_state {
	unsigned long long	 started;
	unsigned long long	 published;
	unsigned long long	 scan_through;
	int64_t			 scan_at;	/* 0 if never */
	char			 owner[ID_LEN + 1];	/* "" if none */
	int64_t			 lease_until;	/* 0 if none */
};

/* Read the progress row. */
int	store_events_state(struct db *, struct arena *, struct relay_state *);
/* Events with id > after, in id order, at most limit, into *rows (arena). */
int	store_events_after(struct db *, struct arena *, unsigned long long after,
	    long limit, struct event_row **rows, size_t *n);
/* The recipient's events with after < id <= through, in id order, at most limit. */
int	store_events_of_user(struct db *, struct arena *, const char *user_id,
	    unsigned long long after, unsigned long long through, long limit,
	    struct event_row **rows, size_t *n);
/*
 * Whether the range lo..hi must still be waited for: *is_busy 1 when
 * some event there is inserted but not committed (its row lock is held:
 * a NOWAIT locking read), else *has_rows 1 when one has committed since
 * the caller read the range. Returns an enum db_rc.
 */
int	store_events_busy(struct db *, struct arena *, unsigned long long lo,
	    unsigned long long hi, int *is_busy, int *has_rows);
/*
 * The same for the recipient's events with id > after; *through gets the
 * highest such id committed (after if none).
 */
int	store_events_user_busy(struct db *, struct arena *, const char *user_id,
	    unsigned long long after, int *is_busy, unsigned long long *through);
/* Highest events id committed (0 if none). */
int	store_events_max_id(struct db *, struct arena *, unsigned long long *);

/*
 * Take or renew the relay lease for owner until lease_until if it is
 * free, ours, or ran out before now. *got 1 if owner holds it now.
 */
int	store_events_lease(struct db *, const char *owner, int64_t now,
	    int64_t lease_until, int *got);
/* Give the lease up (owner only). */
int	store_events_lease_drop(struct db *, const char *owner);
/*
 * Move started_through from was to to, fenced by the owner and the
 * current published_through; renews the lease. *ok 0 if another relay
 * moved the row (we lost the lease).
 */
int	store_events_mark_started(struct db *, const char *owner,
	    unsigned long long published, unsigned long long was,
	    unsigned long long to, int64_t lease_until, int *ok);
/*
 * Move published_through (and started_through) to to, recording the gap
 * scan, fenced by the owner and started_through == started. *ok as above.
 */
int	store_events_mark_published(struct db *, const char *owner,
	    unsigned long long started, unsigned long long to,
	    unsigned long long scan_through, int64_t scan_at,
	    int64_t lease_until, int *ok);

#endif
