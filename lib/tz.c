/*
 * Time zones through the C library and the system tzdata. The zone is
 * switched with setenv("TZ") + tzset() only when it changes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <unistd.h>

#include "lib/time.h"
#include "lib/tz.h"

#define TZ_DIR	"/usr/share/zoneinfo/"

static char	 current[TZ_NAME_MAX + 2];

static int
segment_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '+' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

static int
name_ok(const char *name)
{
	const char	*p = name, *slash;
	size_t		 len;

	if (name == NULL || (len = strlen(name)) == 0 || len > TZ_NAME_MAX)
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		if (!segment_ok(p, slash ? (size_t)(slash - p) : strlen(p)))
			return 0;
		if (slash == NULL)
			return 1;
		p = slash + 1;
	}
}

int
tz_is_valid(const char *name)
{
	char	 path[sizeof(TZ_DIR) + TZ_NAME_MAX + 1], magic[4];
	int	 fd, ok;

	if (!name_ok(name))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", TZ_DIR, name) >=
	    sizeof(path))
		return 0;
	/* O_NOFOLLOW is not wanted: Debian links zones to each other. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	ok = read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

static int
use_zone(const char *zone)
{
	if (strcmp(current, zone) == 0)
		return 0;
	if (!tz_is_valid(zone) || setenv("TZ", zone, 1) == -1)
		return -1;
	tzset();
	snprintf(current, sizeof(current), "%s", zone);
	return 0;
}

/* UTC offset (seconds east) in force at t in the current zone. */
static long
offset_at(time_t t)
{
	struct tm	 tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

long
tz_days_from_civil(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
tz_civil_from_days(long z, int *y, int *m, int *d)
{
	long	 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
tz_weekday(long days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (int)(((days % 7) + 7 + 3) % 7);
}

int
tz_local_to_utc(const char *zone, int y, int m, int d, int minute,
    int64_t *usec, enum tz_kind *kind)
{
	time_t		 wall, a, b;
	long		 before, after;
	int		 a_ok, b_ok;

	if (use_zone(zone) == -1)
		return -1;
	/* The wall time read as if it were UTC; the instant is wall - offset. */
	wall = (time_t)tz_days_from_civil(y, m, d) * 86400 + (time_t)minute * 60;
	before = offset_at(wall - 86400);
	after = offset_at(wall + 86400);
	a = wall - before;
	b = wall - after;
	a_ok = offset_at(a) == before;
	b_ok = offset_at(b) == after;
	if (a_ok && b_ok && a != b) {
		*usec = (int64_t)(a < b ? a : b) * UTC_SEC;
		if (kind != NULL)
			*kind = TZ_OVERLAP;
	} else if (a_ok || b_ok) {
		*usec = (int64_t)(a_ok ? a : b) * UTC_SEC;
		if (kind != NULL)
			*kind = TZ_EXACT;
	} else {
		/* In the gap: the offset before the change moves it forward. */
		*usec = (int64_t)a * UTC_SEC;
		if (kind != NULL)
			*kind = TZ_GAP;
	}
	return 0;
}

int
tz_utc_to_local(const char *zone, int64_t usec, struct tz_local *out)
{
	time_t		 t;
	struct tm	 tm;
	long		 days;

	if (use_zone(zone) == -1)
		return -1;
	t = (time_t)(usec >= 0 ? usec / UTC_SEC : -((-usec + UTC_SEC - 1) / UTC_SEC));
	if (localtime_r(&t, &tm) == NULL)
		return -1;
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->minute = tm.tm_hour * 60 + tm.tm_min;
	days = tz_days_from_civil(out->year, out->month, out->day);
	out->weekday = tz_weekday(days);
	out->offset_sec = tm.tm_gmtoff;
	return 0;
}
