/*
 * Quiet hours: a window of wall-clock minutes in the user's zone, such
 * as 22:00-07:00 across midnight, during which texts that are not
 * urgent wait. The end is computed per date, so it stays 07:00 local
 * across DST changes.
 */
#include "config.h"

#include "lib/tz.h"
#include "tools/notify.h"

int
notify_quiet_until(const struct notify_prefs *p, int64_t now, int64_t *until)
{
	struct tz_local	 l;
	long		 day;
	int		 s = p->quiet_start_min, e = p->quiet_end_min, y, m, d;
	int		 inside;

	if (!p->has_quiet || p->timezone == NULL)
		return 0;
	if (tz_utc_to_local(p->timezone, now, &l) == -1)
		return -1;
	inside = s < e ? l.minute >= s && l.minute < e :
	    l.minute >= s || l.minute < e;
	if (!inside)
		return 0;
	/* They end today, unless they started today and run past midnight. */
	day = tz_days_from_civil(l.year, l.month, l.day);
	if (s > e && l.minute >= s)
		day++;
	tz_civil_from_days(day, &y, &m, &d);
	if (tz_local_to_utc(p->timezone, y, m, d, e, until, NULL) == -1)
		return -1;
	return *until > now;
}
