/*
 * Fuzz lib/time.c: RFC 3339 times, calendar dates and DATETIME(6) text.
 * Properties: every accepted time lies inside the UTC range (years
 * 1900-9999 in UTC, offsets applied), and reads back from what we write
 * (utc_format and utc_to_db); an accepted date is its own canonical
 * spelling; any instant of the range written by utc_format parses back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/time.h"
#include "tests/fuzz/fuzz.h"

/* 1900-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z. */
#define T_MIN	(-2208988800LL * UTC_SEC)
#define T_MAX	(253402300799LL * UTC_SEC + 999999)
/* 1000-01-01 00:00:00: the first value a DATETIME column holds. */
#define DB_MIN	(-30610224000LL * UTC_SEC)

static void
check_instant(const char *what, const char *in, int64_t t)
{
	char	 buf[UTC_BUFSZ];
	int64_t	 t2;

	FUZZ_CHECK(t >= T_MIN && t <= T_MAX,
	    "%s accepted '%s' as %lld, outside the UTC range", what, in,
	    (long long)t);
	utc_format(t, buf, sizeof(buf), 1);
	FUZZ_CHECK(utc_parse(buf, &t2) == 0 && t2 == t,
	    "%s '%s': utc_format gave '%s', which does not parse back", what,
	    in, buf);
	utc_format(t, buf, sizeof(buf), 0);
	FUZZ_CHECK(utc_parse(buf, &t2) == 0 && t2 == t - ((t % UTC_SEC) +
	    UTC_SEC) % UTC_SEC, "%s '%s': '%s' (whole seconds) does not parse back",
	    what, in, buf);
	utc_to_db(t, buf, sizeof(buf));
	FUZZ_CHECK(utc_from_db(buf, &t2) == 0 && t2 == t,
	    "%s '%s': utc_to_db gave '%s', which does not parse back", what,
	    in, buf);
}

/*
 * utc_from_db reads any value a DATETIME column holds (years 1000-9999,
 * so that rows stored before the API's range was enforced stay
 * readable): in that range, back through utc_to_db unchanged, and an
 * instant of the API's range on every other path too.
 */
static void
check_db_instant(const char *in, int64_t t)
{
	char	 buf[UTC_BUFSZ];
	int64_t	 t2;

	FUZZ_CHECK(t >= DB_MIN && t <= T_MAX,
	    "utc_from_db accepted '%s' as %lld, outside what a DATETIME holds",
	    in, (long long)t);
	utc_to_db(t, buf, sizeof(buf));
	FUZZ_CHECK(utc_from_db(buf, &t2) == 0 && t2 == t,
	    "utc_from_db '%s': utc_to_db gave '%s', which does not read back",
	    in, buf);
	if (t >= T_MIN)
		check_instant("utc_from_db", in, t);
}

static void
fuzz_dates(const char *s)
{
	char	 buf[32], iso[48];
	int	 y, m, d;
	int64_t	 t;

	if (utc_parse_date(s, &y, &m, &d) != 0)
		return;
	FUZZ_CHECK(y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31, "date '%s' gave %d-%d-%d", s, y, m, d);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	FUZZ_CHECK(strcmp(buf, s) == 0, "date '%s' is not canonical ('%s')", s,
	    buf);
	snprintf(iso, sizeof(iso), "%sT00:00:00Z", s);
	FUZZ_CHECK(utc_parse(iso, &t) == 0, "date '%s' but not '%s'", s, iso);
	check_instant("utc_parse", iso, t);
}

/* Any instant of the range, taken from 8 input bytes, round-trips. */
static void
fuzz_instant(const uint8_t *data, size_t size)
{
	uint64_t	 u = 0;
	int64_t		 t;
	size_t		 i;
	char		 buf[UTC_BUFSZ];

	if (size < 8)
		return;
	for (i = 0; i < 8; i++)
		u = u << 8 | data[i];
	t = T_MIN + (int64_t)(u % (uint64_t)(T_MAX - T_MIN + 1));
	utc_format(t, buf, sizeof(buf), 1);
	check_instant("utc_format", buf, t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;
	int64_t	 t;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (utc_parse(s, &t) == 0)
		check_instant("utc_parse", s, t);
	if (utc_from_db(s, &t) == 0)
		check_db_instant(s, t);
	fuzz_dates(s);
	fuzz_instant(data, size);
	free(s);
	return 0;
}
