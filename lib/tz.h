/*
 * IANA time zones over the system tzdata (/usr/share/zoneinfo): zone
 * name validation and local wall time <-> UTC conversion. Uses TZ +
 * tzset(3) + localtime_r(3), so it is for single-threaded processes
 * (every worker is one). Civil-date arithmetic helpers are here too.
 */
#ifndef CONCIERGE_TZ_H
#define CONCIERGE_TZ_H

#include <stdint.h>

#define TZ_NAME_MAX	64

/* How a wall time maps to UTC. */
enum tz_kind {
	TZ_EXACT = 0,	/* exactly one instant */
	TZ_GAP,		/* skipped by a spring-forward: moved forward by the gap */
	TZ_OVERLAP,	/* repeated by a fall-back: the earlier instant is used */
};

/* A wall-clock time in some zone. */
struct tz_local {
	int	 year, month, day;	/* month 1-12, day 1-31 */
	int	 minute;		/* minutes after local midnight, 0-1439 */
	int	 weekday;		/* 0 = Monday ... 6 = Sunday */
	long	 offset_sec;		/* UTC offset in force, seconds east */
};

/*
 * 1 if name is a zone of the installed tzdata ("Europe/Berlin"): only
 * [A-Za-z0-9_+-] segments joined by '/', no "." segments (no path
 * traversal), at most TZ_NAME_MAX bytes, and a TZif file exists.
 */
int	tz_is_valid(const char *name);
/*
 * The UTC instant (microseconds) of local date y-m-d at minute (0-1440;
 * 1440 is the next midnight) in zone. A wall time inside a DST gap is
 * moved forward by the gap (02:30 on a 02:00->03:00 day gives 03:30); in
 * an overlap the earlier instant is taken. kind (may be NULL) tells
 * which. 0, or -1 if the zone cannot be loaded.
 */
int	tz_local_to_utc(const char *zone, int y, int m, int d, int minute,
	    int64_t *usec, enum tz_kind *kind);
/* The wall time in zone at a UTC instant. 0 or -1. */
int	tz_utc_to_local(const char *zone, int64_t usec, struct tz_local *out);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
long	tz_days_from_civil(int y, int m, int d);
/* The date of a day number (inverse of tz_days_from_civil). */
void	tz_civil_from_days(long days, int *y, int *m, int *d);
/* Weekday of a day number: 0 = Monday ... 6 = Sunday. */
int	tz_weekday(long days);

#endif
