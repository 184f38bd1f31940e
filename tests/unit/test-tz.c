/* Unit tests for lib/tz: zone names, wall time <-> UTC across DST, civil dates. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lib/time.h"
#include "lib/tz.h"

static int64_t
at(const char *s)
{
	int64_t	 t = 0;

	if (utc_parse(s, &t) != 0)
		fail_msg("bad test time '%s'", s);
	return t;
}

static void
assert_l2u(const char *zone, int y, int m, int d, int min, const char *want,
    enum tz_kind kind)
{
	int64_t		 got = 0;
	enum tz_kind	 k = TZ_EXACT;
	char		 buf[UTC_BUFSZ];

	assert_int_equal(tz_local_to_utc(zone, y, m, d, min, &got, &k), 0);
	if (got != at(want))
		fail_msg("%s %04d-%02d-%02d +%d min: got %s, want %s", zone, y, m, d,
		    min, utc_format(got, buf, sizeof(buf), 0), want);
	assert_int_equal(k, kind);
}

static void
t_tz_valid(void **state)
{
	(void)state;
	assert_true(tz_is_valid("America/New_York"));
	assert_true(tz_is_valid("Europe/Berlin"));
	assert_true(tz_is_valid("UTC"));
	assert_true(tz_is_valid("America/Argentina/Buenos_Aires"));
	assert_true(tz_is_valid("Etc/GMT+5"));
}

static void
t_tz_valid_bad(void **state)
{
	(void)state;
	assert_false(tz_is_valid(NULL));
	assert_false(tz_is_valid(""));
	assert_false(tz_is_valid("Mars/Olympus_Mons"));
	assert_false(tz_is_valid("../../../etc/passwd"));
	assert_false(tz_is_valid("America/../../etc/passwd"));
	assert_false(tz_is_valid("/etc/passwd"));
	assert_false(tz_is_valid("America//New_York"));
	assert_false(tz_is_valid("America/New_York/"));
	assert_false(tz_is_valid("America"));		/* a directory */
	assert_false(tz_is_valid("zone.tab"));		/* not TZif */
	assert_false(tz_is_valid(".hidden"));
	assert_false(tz_is_valid("EST5EDT,M3.2.0,M11.1.0"));
	assert_false(tz_is_valid("America/New York"));
	assert_false(tz_is_valid(
	    "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
t_tz_local_to_utc(void **state)
{
	(void)state;
	assert_l2u("America/New_York", 2026, 7, 1, 9 * 60, "2026-07-01T13:00:00Z", TZ_EXACT);
	assert_l2u("America/New_York", 2026, 12, 1, 9 * 60, "2026-12-01T14:00:00Z", TZ_EXACT);
	assert_l2u("Europe/Berlin", 2026, 7, 1, 9 * 60, "2026-07-01T07:00:00Z", TZ_EXACT);
	assert_l2u("Europe/Berlin", 2026, 12, 1, 9 * 60, "2026-12-01T08:00:00Z", TZ_EXACT);
	assert_l2u("UTC", 2026, 12, 1, 1440, "2026-12-02T00:00:00Z", TZ_EXACT);
	/* Around the fall-back of 2026-11-01 in New York (02:00 EDT -> 01:00 EST). */
	assert_l2u("America/New_York", 2026, 10, 31, 9 * 60, "2026-10-31T13:00:00Z", TZ_EXACT);
	assert_l2u("America/New_York", 2026, 11, 2, 9 * 60, "2026-11-02T14:00:00Z", TZ_EXACT);
	assert_l2u("America/New_York", 2026, 11, 1, 0, "2026-11-01T04:00:00Z", TZ_EXACT);
	assert_l2u("America/New_York", 2026, 11, 1, 1440, "2026-11-02T05:00:00Z", TZ_EXACT);
}

static void
t_tz_gap_overlap(void **state)
{
	(void)state;
	/* 2027-03-14 New York: 02:00 EST -> 03:00 EDT; 02:30 does not exist. */
	assert_l2u("America/New_York", 2027, 3, 14, 150, "2027-03-14T07:30:00Z", TZ_GAP);
	assert_l2u("America/New_York", 2027, 3, 14, 180, "2027-03-14T07:00:00Z", TZ_EXACT);
	assert_l2u("America/New_York", 2027, 3, 14, 90, "2027-03-14T06:30:00Z", TZ_EXACT);
	/* 2026-11-01 New York: 01:30 happens twice; the earlier (EDT) is used. */
	assert_l2u("America/New_York", 2026, 11, 1, 90, "2026-11-01T05:30:00Z", TZ_OVERLAP);
	/* Berlin 2026-03-29 02:30 is in the gap; 2026-10-25 02:30 twice. */
	assert_l2u("Europe/Berlin", 2026, 3, 29, 150, "2026-03-29T01:30:00Z", TZ_GAP);
	assert_l2u("Europe/Berlin", 2026, 10, 25, 150, "2026-10-25T00:30:00Z", TZ_OVERLAP);
}

static void
t_tz_utc_to_local(void **state)
{
	struct tz_local	 l;

	(void)state;
	assert_int_equal(tz_utc_to_local("America/New_York",
	    at("2026-11-01T05:30:00Z"), &l), 0);
	assert_int_equal(l.minute, 90);
	assert_int_equal(l.offset_sec, -4 * 3600);
	assert_int_equal(tz_utc_to_local("America/New_York",
	    at("2026-11-01T06:30:00Z"), &l), 0);
	assert_int_equal(l.minute, 90);
	assert_int_equal(l.offset_sec, -5 * 3600);
	assert_int_equal(l.weekday, 6);		/* a Sunday */
	assert_int_equal(tz_utc_to_local("Europe/Berlin",
	    at("2026-12-31T23:30:00Z"), &l), 0);
	assert_int_equal(l.year, 2027);
	assert_int_equal(l.month, 1);
	assert_int_equal(l.day, 1);
	assert_int_equal(l.minute, 30);
	assert_int_equal(tz_utc_to_local("No/Such_Zone", 0, &l), -1);
	assert_int_equal(tz_local_to_utc("../etc/passwd", 2026, 1, 1, 0, &(int64_t){0},
	    NULL), -1);
}

static void
t_tz_civil(void **state)
{
	int	 y, m, d;
	long	 n;

	(void)state;
	assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tz_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tz_weekday(0), 3);	/* Thursday */
	assert_int_equal(tz_weekday(tz_days_from_civil(2026, 11, 2)), 0);
	assert_int_equal(tz_weekday(-1), 2);
	for (n = -800000; n < 800000; n += 997) {
		tz_civil_from_days(n, &y, &m, &d);
		assert_int_equal(tz_days_from_civil(y, m, d), n);
	}
	tz_civil_from_days(tz_days_from_civil(2028, 2, 29), &y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20280229);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_tz_valid),
		cmocka_unit_test(t_tz_valid_bad),
		cmocka_unit_test(t_tz_local_to_utc),
		cmocka_unit_test(t_tz_gap_overlap),
		cmocka_unit_test(t_tz_utc_to_local),
		cmocka_unit_test(t_tz_civil),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
