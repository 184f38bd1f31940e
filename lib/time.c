/* UTC time conversions: RFC 3339 both ways, and DATETIME(6) text. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "lib/time.h"

/* 1900-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: what utc_parse accepts. */
#define UTC_T_MIN	(-2208988800LL * UTC_SEC)
#define UTC_T_MAX	(253402300799LL * UTC_SEC + UTC_SEC - 1)

/* The dev-mode clock offset: a file of signed seconds, re-read when it changes. */
static struct {
	char		 path[4096];
	struct timespec	 mtime;
	ino_t		 ino;
	off_t		 size;
	int64_t		 usec;
} offset;

int
utc_set_offset_file(const char *path)
{
	memset(&offset, 0, sizeof(offset));
	if (path == NULL)
		return 0;
	if (snprintf(offset.path, sizeof(offset.path), "%s", path) >=
	    (int)sizeof(offset.path)) {
		offset.path[0] = '\0';
		return -1;
	}
	return 0;
}

/* The offset in microseconds; 0 when the file is absent or unreadable. */
static int64_t
offset_now(void)
{
	struct stat	 st;
	FILE		*f;
	char		 line[32], *end;
	long long	 v;

	if (stat(offset.path, &st) == -1) {
		offset.usec = 0;
		offset.ino = 0;
		return 0;
	}
	if (st.st_ino == offset.ino && st.st_size == offset.size &&
	    st.st_mtim.tv_sec == offset.mtime.tv_sec &&
	    st.st_mtim.tv_nsec == offset.mtime.tv_nsec)
		return offset.usec;
	offset.usec = 0;
	if ((f = fopen(offset.path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL) {
			errno = 0;
			v = strtoll(line, &end, 10);
			if (errno == 0 && end != line && (*end == '\0' ||
			    *end == '\n') && v > -100LL * 365 * 86400 &&
			    v < 100LL * 365 * 86400)
				offset.usec = (int64_t)v * UTC_SEC;
		}
		fclose(f);
	}
	offset.ino = st.st_ino;
	offset.size = st.st_size;
	offset.mtime = st.st_mtim;
	return offset.usec;
}

int64_t
utc_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * UTC_SEC + ts.tv_nsec / 1000;
}

void
utc_sleep(int64_t usec)
{
	struct timespec	 ts;

	if (usec <= 0)
		return;
	ts.tv_sec = (time_t)(usec / UTC_SEC);
	ts.tv_nsec = (long)(usec % UTC_SEC) * 1000;
	nanosleep(&ts, NULL);
}

int64_t
utc_now(void)
{
	struct timespec	 ts;
	int64_t		 t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = (int64_t)ts.tv_sec * UTC_SEC + ts.tv_nsec / 1000;
	if (offset.path[0] != '\0')
		t += offset_now();
	return t;
}

static void
split(int64_t t, struct tm *tm, long *usec)
{
	time_t	 sec;

	sec = (time_t)(t / UTC_SEC);
	*usec = (long)(t % UTC_SEC);
	if (*usec < 0) {
		*usec += UTC_SEC;
		sec--;
	}
	gmtime_r(&sec, tm);
}

/* Write v as exactly w decimal digits at p; returns p + w. */
static char *
put_digits(char *p, long v, int w)
{
	int	 i;

	for (i = w - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + w;
}

/*
 * "YYYY-MM-DD?HH:MM:SS[.uuuuuu]" + tail, by hand: every reply formats
 * dozens of instants, and snprintf was a tenth of a list's CPU time.
 * Years outside 0-9999 or a short buffer go through snprintf as before.
 */
static char *
format_tm(const struct tm *tm, long usec, char sep, int with_usec,
    const char *tail, char *buf, size_t n)
{
	size_t	 need = 19 + (with_usec ? 7 : 0) + strlen(tail) + 1;
	int	 year = tm->tm_year + 1900;
	char	*p = buf;

	if (year < 0 || year > 9999 || n < need) {
		if (with_usec)
			snprintf(buf, n, "%04d-%02d-%02d%c%02d:%02d:%02d.%06ld%s",
			    year, tm->tm_mon + 1, tm->tm_mday, sep,
			    tm->tm_hour, tm->tm_min, tm->tm_sec, usec, tail);
		else
			snprintf(buf, n, "%04d-%02d-%02d%c%02d:%02d:%02d%s",
			    year, tm->tm_mon + 1, tm->tm_mday, sep,
			    tm->tm_hour, tm->tm_min, tm->tm_sec, tail);
		return buf;
	}
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, tm->tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm->tm_mday, 2);
	*p++ = sep;
	p = put_digits(p, tm->tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm->tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm->tm_sec, 2);
	if (with_usec) {
		*p++ = '.';
		p = put_digits(p, usec, 6);
	}
	memcpy(p, tail, strlen(tail) + 1);
	return buf;
}

char *
utc_format(int64_t t, char *buf, size_t n, int with_usec)
{
	struct tm	 tm;
	long		 usec;

	split(t, &tm, &usec);
	return format_tm(&tm, usec, 'T', with_usec, "Z", buf, n);
}

char *
utc_to_db(int64_t t, char *buf, size_t n)
{
	struct tm	 tm;
	long		 usec;

	split(t, &tm, &usec);
	return format_tm(&tm, usec, ' ', 1, "", buf, n);
}

/* Read exactly n digits. */
static int
digits(const char **p, int n, int *out)
{
	int	 v = 0;

	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Lowest year of API dates, and of what a DATETIME column holds. */
#define YEAR_API_MIN	1900
#define YEAR_DB_MIN	1000

static int
date_part(const char **p, int ymin, int *y, int *mo, int *d)
{
	if (digits(p, 4, y) || *(*p)++ != '-' || digits(p, 2, mo) ||
	    *(*p)++ != '-' || digits(p, 2, d))
		return -1;
	if (*y < ymin || *y > 9999 || *mo < 1 || *mo > 12 || *d < 1 ||
	    *d > days_in_month(*y, *mo))
		return -1;
	return 0;
}

int
utc_parse_date(const char *s, int *y, int *m, int *d)
{
	if (date_part(&s, YEAR_API_MIN, y, m, d) == -1 || *s != '\0')
		return -1;
	return 0;
}

int
utc_in_range(int64_t t)
{
	return t >= UTC_INSTANT_MIN && t <= UTC_INSTANT_MAX;
}

int
utc_add(int64_t t, int64_t delta, int64_t *out)
{
	/* Both in range first, so the sum cannot overflow. */
	if (!utc_in_range(t) || delta > UTC_INSTANT_MAX - UTC_INSTANT_MIN ||
	    delta < UTC_INSTANT_MIN - UTC_INSTANT_MAX ||
	    !utc_in_range(t + delta))
		return -1;
	*out = t + delta;
	return 0;
}

/* Parse "hh:mm:ss[.f{1,6}]" into seconds of day and microseconds. */
static int
time_part(const char **p, int *h, int *mi, int *sec, long *usec)
{
	int	 scale = 100000;

	if (digits(p, 2, h) || *(*p)++ != ':' || digits(p, 2, mi) ||
	    *(*p)++ != ':' || digits(p, 2, sec))
		return -1;
	if (*h > 23 || *mi > 59 || *sec > 59)
		return -1;
	*usec = 0;
	if (**p == '.') {
		(*p)++;
		if (**p < '0' || **p > '9')
			return -1;
		while (**p >= '0' && **p <= '9') {
			if (scale == 0)
				return -1;	/* finer than microseconds */
			*usec += (**p - '0') * scale;
			scale /= 10;
			(*p)++;
		}
	}
	return 0;
}

static int64_t
to_usec(int y, int mo, int d, int h, int mi, int sec, long usec)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm) * UTC_SEC + usec;
}

int
utc_parse(const char *s, int64_t *out)
{
	int	 y, mo, d, h, mi, sec, oh, om, sign;
	long	 usec;
	int64_t	 t;

	if (date_part(&s, YEAR_API_MIN, &y, &mo, &d) == -1)
		return -1;
	if (*s != 'T' && *s != 't')
		return -1;
	s++;
	if (time_part(&s, &h, &mi, &sec, &usec) == -1)
		return -1;
	t = to_usec(y, mo, d, h, mi, sec, usec);
	if (*s == 'Z' || *s == 'z') {
		if (s[1] != '\0')
			return -1;
	} else {
		if (*s != '+' && *s != '-')
			return -1;
		sign = *s++ == '+' ? 1 : -1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om) ||
		    *s != '\0' || oh > 23 || om > 59)
			return -1;
		t -= sign * ((int64_t)oh * UTC_HOUR + (int64_t)om * UTC_MIN);
	}
	/* The range holds for the instant, not for the local date written. */
	if (!utc_in_range(t))
		return -1;
	*out = t;
	return 0;
}

int
utc_from_db(const char *s, int64_t *out)
{
	int	 y, mo, d, h, mi, sec;
	long	 usec;

	if (date_part(&s, YEAR_DB_MIN, &y, &mo, &d) == -1 || *s++ != ' ' ||
	    time_part(&s, &h, &mi, &sec, &usec) == -1 || *s != '\0')
		return -1;
	*out = to_usec(y, mo, d, h, mi, sec, usec);
	return 0;
}
