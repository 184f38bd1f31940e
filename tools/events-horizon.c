/* The relay's horizon over out-of-order commits (see events-horizon.h). */
#include "config.h"

#include <stddef.h>

#include "lib/log.h"
#include "tools/events-horizon.h"

/* How long the gap starting at lo has been missing; opens a window if new. */
static int64_t
gap_age(struct horizon *h, unsigned long long lo, unsigned long long last)
{
	/*
	 * A window from the future means the clock went back (an NTP step,
	 * the dev clock reset after a test moved it days ahead): its age
	 * would stay negative until the clock caught up, holding every gap
	 * that long. Such a window is opened again, as of now.
	 */
	if (h->scan_at != 0 && lo <= h->scan_through && h->scan_at <= h->now)
		return h->now - h->scan_at;
	/* Everything missing below the newest visible id is missing as of now. */
	h->scan_through = last;
	h->scan_at = h->now;
	return 0;
}

/* Whether the gap lo..hi may be passed now. 1 yes, 0 no, -1 probe failed. */
static int
gap_passes(struct horizon *h, unsigned long long lo, unsigned long long hi,
    unsigned long long last, enum probe_rc (*probe)(void *,
    unsigned long long, unsigned long long), void *arg)
{
	int64_t		 age = gap_age(h, lo, last);
	enum probe_rc	 p;

	if (age < h->gap_grace) {
		h->wait = h->gap_grace - age;
		return 0;
	}
	if ((p = probe(arg, lo, hi)) == PROBE_ERROR)
		return -1;
	if (p == PROBE_AGAIN)
		return 0;	/* read again at once (wait stays 0) */
	if (p == PROBE_BUSY) {
		if (age < h->gap_timeout)
			return 0;
		log_warnx("relay: ids %llu..%llu have been uncommitted for %llds;"
		    " giving up on them", lo, hi, (long long)(age / 1000000));
	} else
		log_info("relay: ids %llu..%llu never committed; skipped", lo, hi);
	h->skipped += hi - lo + 1;
	return 1;
}

int
horizon_advance(struct horizon *h, const unsigned long long *ids, size_t n,
    enum probe_rc (*probe)(void *, unsigned long long, unsigned long long),
    void *arg)
{
	unsigned long long	 expect = h->published + 1;
	size_t			 i;
	int			 ok;

	h->through = h->published;
	h->count = 0;
	h->is_blocked = 0;
	h->skipped = 0;
	h->wait = 0;
	for (i = 0; i < n; i++) {
		if (ids[i] > expect && ids[i] - 1 > h->settled) {
			/* Ids at or below settled were decided by an earlier pass. */
			unsigned long long lo = expect > h->settled ? expect :
			    h->settled + 1;

			if ((ok = gap_passes(h, lo, ids[i] - 1, ids[n - 1], probe,
			    arg)) == -1)
				return -1;
			if (ok == 0) {
				h->is_blocked = 1;
				return 0;
			}
		}
		h->through = ids[i];
		h->count = i + 1;
		expect = ids[i] + 1;
	}
	return 0;
}
