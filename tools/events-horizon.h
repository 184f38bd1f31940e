/*
 * The relay's horizon: how far the events table may be published in id
 * order. Rows commit out of id order, and an id may never commit (its
 * transaction rolled back). Walking the committed ids after the last
 * published one, the horizon stops at the first missing id unless that
 * gap is settled:
 *   - an id whose insert is still uncommitted holds a row lock; a NOWAIT
 *     locking read (the probe) sees it. Such a gap waits for its commit,
 *     at most gap_timeout;
 *   - an id nobody holds was rolled back, or its insert has taken its
 *     number but not yet written its row (a window of microseconds). Such
 *     a gap is skipped once it has been missing for gap_grace;
 *   - a gap where a row has committed since it was read (the probe found
 *     it) is no gap: the pass stops there and the next read has the row.
 *     Never given up, whatever its age.
 * How long a gap has been missing comes from the scan window: every id
 * up to scan_through that is missing now was already missing at scan_at.
 * The window is kept in the relay's row for the next relay, so its clock
 * is the wall clock; a window dated after now (the clock went back) is
 * opened again as of now.
 */
#ifndef CONCIERGE_TOOLS_EVENTS_HORIZON_H
#define CONCIERGE_TOOLS_EVENTS_HORIZON_H

#include <stddef.h>
#include <stdint.h>

enum probe_rc {
	PROBE_FREE = 0,		/* no id of the range is held */
	PROBE_BUSY,		/* an insert in the range is not committed */
	PROBE_AGAIN,		/* a row of the range committed since it was read */
	PROBE_ERROR,
};

struct horizon {
	/* in */
	unsigned long long	 published;	/* every id up to here is done */
	unsigned long long	 settled;	/* ids up to here need no gap check */
	int64_t			 now;		/* usec, the wall clock (utc_now) */
	int64_t			 gap_grace;	/* usec */
	int64_t			 gap_timeout;	/* usec */
	/* in and out: the scan window (scan_at 0: none yet) */
	unsigned long long	 scan_through;
	int64_t			 scan_at;
	/* out */
	unsigned long long	 through;	/* the new horizon (>= published) */
	size_t			 count;		/* rows of ids up to through */
	int			 is_blocked;	/* stopped at an unsettled gap */
	unsigned long long	 skipped;	/* ids given up on, this call */
	int64_t			 wait;		/* blocked on an idle gap: usec until grace */
};

/*
 * Advance h over the n committed ids (ascending, all > h->published).
 * probe(arg, lo, hi) asks whether an insert in lo..hi is uncommitted; it
 * is called only for gaps old enough to matter. Returns 0, or -1 if a
 * probe failed (h->through is then as far as it got).
 */
int	horizon_advance(struct horizon *h, const unsigned long long *ids,
	    size_t n, enum probe_rc (*probe)(void *, unsigned long long,
	    unsigned long long), void *arg);

#endif
