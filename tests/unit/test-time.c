/* Unit tests for lib/time: RFC 3339 and DATETIME(6) text both ways, dates. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/time.h"

/* 2026-11-22T14:30:00Z */
#define T0	(1795357800LL * UTC_SEC)

static void
assert_parse(const char *s, int64_t want)
{
	int64_t	 got = 0;

	if (utc_parse(s, &got) != 0)
		fail_msg("'%s' refused", s);
	if (got != want)
		fail_msg("'%s': got %lld, want %lld", s, (long long)got,
		    (long long)want);
}

static void
t_utc_parse(void **state)
{
	(void)state;
	assert_parse("2026-11-22T14:30:00Z", T0);
	assert_parse("1970-01-01T00:00:00Z", 0);
	assert_parse("2026-11-22T14:30:00.5Z", T0 + 500000);
	assert_parse("2026-11-22T14:30:00.05Z", T0 + 50000);
	assert_parse("2026-11-22T14:30:00.123456Z", T0 + 123456);
	assert_parse("2026-11-22T14:30:00.000001Z", T0 + 1);
	assert_parse("2026-11-22T14:30:00.000000Z", T0);
	assert_parse("2026-11-22t14:30:00z", T0);
	assert_parse("2026-11-22T23:59:59Z", T0 + (9 * 3600 + 29 * 60 + 59) * UTC_SEC);
}

static void
t_utc_parse_offset(void **state)
{
	(void)state;
	assert_parse("2026-11-22T16:30:00+02:00", T0);
	assert_parse("2026-11-22T09:00:00-05:30", T0);
	assert_parse("2026-11-22T14:30:00+00:00", T0);
	assert_parse("2026-11-22T14:30:00-00:00", T0);
	assert_parse("2026-11-23T00:30:00+10:00", T0);
	assert_parse("2026-11-22T16:30:00.25+02:00", T0 + 250000);
}

static void
t_utc_parse_leap(void **state)
{
	(void)state;
	assert_parse("2028-02-29T00:00:00Z", 1835395200LL * UTC_SEC);
	assert_parse("2000-02-29T12:00:00Z", 951825600LL * UTC_SEC);
	assert_parse("1900-01-01T00:00:00Z", -2208988800LL * UTC_SEC);
	assert_parse("9999-12-31T23:59:59Z", 253402300799LL * UTC_SEC);
}

static void
t_utc_parse_bad(void **state)
{
	const char	*bad[] = {
		"",
		"2026-11-22",
		"2026-11-22 14:30:00Z",
		"2026-11-22_14:30:00Z",
		"2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z",
		"2026-11-00T00:00:00Z",
		"2026-11-31T00:00:00Z",
		"2026-02-29T00:00:00Z",		/* not a leap year */
		"1900-02-29T00:00:00Z",		/* nor is 1900 */
		"2026-11-22T25:00:00Z",
		"2026-11-22T24:00:00Z",
		"2026-11-22T14:60:00Z",
		"2026-11-22T14:30:60Z",		/* no leap seconds */
		"2026-11-22T14:30:00.1234567Z",	/* finer than microseconds */
		"2026-11-22T14:30:00.Z",
		"2026-11-22T14:30:00,5Z",
		"2026-11-22T14:30:00",		/* no zone */
		"2026-11-22T14:30Z",
		"2026-11-22T14:30:00ZZ",
		"2026-11-22T14:30:00Z ",
		"2026-11-22T14:30:00Zjunk",
		" 2026-11-22T14:30:00Z",
		"2026-11-22T14:30:00+0200",
		"2026-11-22T14:30:00+02",
		"2026-11-22T14:30:00+02:00x",
		"2026-11-22T14:30:00+24:00",
		"2026-11-22T14:30:00+02:60",
		"2026-11-22T14:30:00 +02:00",
		"2026-1-22T14:30:00Z",
		"26-11-22T14:30:00Z",
		"+2026-11-22T14:30:00Z",
		"-2026-11-22T14:30:00Z",
		"1899-12-31T23:59:59Z",
		"10000-01-01T00:00:00Z",
		"2026-11-22T1:30:00Z",
		"2026-11-22T14:30:0Z",
		"2026-11-22T14:30:00.-1Z",
		"2026-11-22T14:30:00.+5Z",
		"2026-11-22T14:3a:00Z",
		"2026\xef\xbc\x8d""11-22T14:30:00Z",
	};
	int64_t		 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (utc_parse(bad[i], &v) != -1)
			fail_msg("'%s' accepted", bad[i]);
}

/*
 * Found by tests/fuzz/fuzz-time (corpus: regress-offset-past-9999): an
 * offset carried a date inside the range to an instant outside it, which
 * was accepted and then could not be written back as RFC 3339.
 */
static void
t_utc_parse_range_offset(void **state)
{
	static const char *const bad[] = {
		"1900-01-01T00:00:00+00:01",
		"1900-01-01T23:58:59+23:59",
		"9999-12-31T23:59:59-00:01",
		"9999-12-31T23:59:59.9-23:59",
		"9999-12-31T00:01:00-23:59",
	};
	int64_t		 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (utc_parse(bad[i], &v) != -1)
			fail_msg("'%s' accepted as %lld", bad[i], (long long)v);
	/* The ends of the range themselves, reached through an offset. */
	assert_parse("1900-01-01T23:59:00+23:59", -2208988800LL * UTC_SEC);
	assert_parse("1900-01-01T00:00:00-00:01", -2208988740LL * UTC_SEC);
	assert_parse("9999-12-31T23:59:59.999999+00:00",
	    253402300799LL * UTC_SEC + 999999);
	assert_parse("9999-12-31T00:00:59-23:59", 253402300799LL * UTC_SEC);
}

static void
t_utc_format(void **state)
{
	char	 buf[UTC_BUFSZ];

	(void)state;
	assert_string_equal(utc_format(T0, buf, sizeof(buf), 0),
	    "2026-11-22T14:30:00Z");
	assert_string_equal(utc_format(T0 + 500000, buf, sizeof(buf), 0),
	    "2026-11-22T14:30:00Z");
	assert_string_equal(utc_format(T0 + 500000, buf, sizeof(buf), 1),
	    "2026-11-22T14:30:00.500000Z");
	assert_string_equal(utc_format(T0 + 1, buf, sizeof(buf), 1),
	    "2026-11-22T14:30:00.000001Z");
	assert_string_equal(utc_format(0, buf, sizeof(buf), 1),
	    "1970-01-01T00:00:00.000000Z");
	assert_string_equal(utc_format(-1, buf, sizeof(buf), 1),
	    "1969-12-31T23:59:59.999999Z");
	assert_string_equal(utc_format(253402300799LL * UTC_SEC + 999999, buf,
	    sizeof(buf), 1), "9999-12-31T23:59:59.999999Z");
	assert_ptr_equal(utc_format(T0, buf, sizeof(buf), 0), buf);
	/* Outside the hand-written path: year 10000, a short buffer. */
	assert_string_equal(utc_format(253402300800LL * UTC_SEC, buf,
	    sizeof(buf), 0), "10000-01-01T00:00:00Z");
	assert_string_equal(utc_format(T0, buf, 11, 1), "2026-11-22");
	assert_string_equal(utc_format(T0, buf, 21, 0), "2026-11-22T14:30:00Z");
	assert_string_equal(utc_format(T0, buf, 20, 0), "2026-11-22T14:30:00");
}

static void
t_utc_format_roundtrip(void **state)
{
	const int64_t	 v[] = {
		0, T0, T0 + 1, T0 + 999999, 1835395200LL * UTC_SEC + 123456,
		-2208988800LL * UTC_SEC, 253402300799LL * UTC_SEC + 999999,
	};
	char		 buf[UTC_BUFSZ];
	int64_t		 back;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		utc_format(v[i], buf, sizeof(buf), 1);
		assert_int_equal(utc_parse(buf, &back), 0);
		assert_int_equal(back, v[i]);
	}
}

/* The range holds for the UTC instant, whatever local date is written. */
static void
t_utc_parse_range(void **state)
{
	const char	*bad[] = {
		"1900-01-01T00:00:00+00:01",	/* 1899-12-31T23:59:00Z */
		"1900-01-01T05:00:00+05:01",
		"9999-12-31T23:59:59-00:01",	/* 10000-01-01T00:00:59Z */
		"9999-12-31T20:00:00-04:00",
		"9999-12-31T23:59:59.999999-00:01",
	};
	int64_t		 v = 42;
	size_t		 i;

	(void)state;
	assert_parse("1900-01-01T00:00:00Z", UTC_INSTANT_MIN);
	assert_parse("1900-01-01T00:01:00+00:01", UTC_INSTANT_MIN);
	assert_parse("1900-01-01T00:00:00-01:00", UTC_INSTANT_MIN + UTC_HOUR);
	assert_parse("9999-12-31T23:59:59.999999Z", UTC_INSTANT_MAX);
	assert_parse("9999-12-31T23:59:59.999999+00:00", UTC_INSTANT_MAX);
	assert_parse("9999-12-31T23:00:00+01:00", UTC_INSTANT_MAX + 1 - 2 * UTC_HOUR);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (utc_parse(bad[i], &v) != -1)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(v, 42);
	}
}

static void
t_utc_add(void **state)
{
	int64_t	 v = 7;

	(void)state;
	assert_int_equal(utc_in_range(UTC_INSTANT_MIN), 1);
	assert_int_equal(utc_in_range(UTC_INSTANT_MAX), 1);
	assert_int_equal(utc_in_range(UTC_INSTANT_MIN - 1), 0);
	assert_int_equal(utc_in_range(UTC_INSTANT_MAX + 1), 0);
	assert_int_equal(utc_add(T0, 30 * UTC_MIN, &v), 0);
	assert_int_equal(v, T0 + 30 * UTC_MIN);
	assert_int_equal(utc_add(UTC_INSTANT_MAX - 30 * UTC_MIN, 30 * UTC_MIN, &v), 0);
	assert_int_equal(v, UTC_INSTANT_MAX);
	v = 7;
	/* 9999-12-31T23:45:00Z + 30 minutes */
	assert_int_equal(utc_add(UTC_INSTANT_MAX + 1 - 15 * UTC_MIN, 30 * UTC_MIN,
	    &v), -1);
	assert_int_equal(utc_add(UTC_INSTANT_MIN, -1, &v), -1);
	assert_int_equal(utc_add(UTC_INSTANT_MIN + UTC_DAY, -UTC_DAY, &v), 0);
	assert_int_equal(v, UTC_INSTANT_MIN);
	v = 7;
	assert_int_equal(utc_add(T0, INT64_MAX, &v), -1);
	assert_int_equal(utc_add(T0, INT64_MIN, &v), -1);
	assert_int_equal(utc_add(INT64_MAX, -1, &v), -1);
	assert_int_equal(v, 7);
}

static void
t_utc_db(void **state)
{
	char	 buf[UTC_BUFSZ];
	int64_t	 back;

	(void)state;
	assert_string_equal(utc_to_db(T0, buf, sizeof(buf)),
	    "2026-11-22 14:30:00.000000");
	assert_int_equal(utc_from_db(buf, &back), 0);
	assert_int_equal(back, T0);
	assert_string_equal(utc_to_db(T0 + 123456, buf, sizeof(buf)),
	    "2026-11-22 14:30:00.123456");
	assert_int_equal(utc_from_db(buf, &back), 0);
	assert_int_equal(back, T0 + 123456);
	/* MariaDB drops the fraction of DATETIME without (6). */
	assert_int_equal(utc_from_db("2026-11-22 14:30:00", &back), 0);
	assert_int_equal(back, T0);
	assert_int_equal(utc_from_db("2026-11-22 14:30:00.5", &back), 0);
	assert_int_equal(back, T0 + 500000);
	assert_int_equal(utc_from_db("2028-02-29 00:00:00", &back), 0);
	assert_int_equal(back, 1835395200LL * UTC_SEC);
	/* Whatever the column holds stays readable, older rows included. */
	assert_int_equal(utc_from_db("1899-12-31 23:59:00.000000", &back), 0);
	assert_int_equal(back, UTC_INSTANT_MIN - UTC_MIN);
	assert_int_equal(utc_from_db("1000-01-01 00:00:00", &back), 0);
	assert_int_equal(back, -30610224000LL * UTC_SEC);
	assert_int_equal(utc_from_db("9999-12-31 23:59:59.999999", &back), 0);
	assert_int_equal(back, UTC_INSTANT_MAX);
}

static void
t_utc_db_bad(void **state)
{
	const char	*bad[] = {
		"", "2026-11-22", "2026-11-22T14:30:00", "2026-11-22 14:30:00Z",
		"2026-11-22 14:30", "2026-11-22  14:30:00", "2026-02-30 00:00:00",
		"2026-11-22 14:30:00.", "2026-11-22 14:30:00.1234567",
		"2026-11-22 24:00:00", "0000-00-00 00:00:00",
		"2026-11-22 14:30:00 ", "0999-12-31 23:59:59",
	};
	int64_t		 v;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (utc_from_db(bad[i], &v) != -1)
			fail_msg("'%s' accepted", bad[i]);
}

static void
t_utc_parse_date(void **state)
{
	int	 y = 0, m = 0, d = 0;

	(void)state;
	assert_int_equal(utc_parse_date("1990-05-17", &y, &m, &d), 0);
	assert_int_equal(y, 1990);
	assert_int_equal(m, 5);
	assert_int_equal(d, 17);
	assert_int_equal(utc_parse_date("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(utc_parse_date("2000-02-29", &y, &m, &d), 0);
	assert_int_equal(utc_parse_date("9999-12-31", &y, &m, &d), 0);
	assert_int_equal(y, 9999);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
}

static void
t_utc_parse_date_bad(void **state)
{
	const char	*bad[] = {
		"", "1990", "1990-05", "1990-5-17", "1990-05-7", "19900517",
		"1990/05/17", "1990-05-17 ", "1990-05-17T00:00:00Z", "2026-02-29",
		"1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
		"2026-01-00", "1899-12-31", "x990-05-17", "1990-05-1x",
	};
	int		 y, m, d;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (utc_parse_date(bad[i], &y, &m, &d) != -1)
			fail_msg("'%s' accepted", bad[i]);
}

static void
t_utc_now(void **state)
{
	int64_t	 a, b;

	(void)state;
	a = utc_now();
	b = utc_now();
	/* After 2025-01-01 and before 2100-01-01, and not going back. */
	assert_true(a > 1735689600LL * UTC_SEC);
	assert_true(a < 4102444800LL * UTC_SEC);
	assert_true(b >= a);
}

/* write_offset PATH TEXT: replace the offset file (a new inode each time). */
static void
write_offset(const char *path, const char *text)
{
	char	 tmp[96];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	assert_non_null(f = fopen(tmp, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0);
}

static void
t_utc_now_offset(void **state)
{
	char	 path[] = "/tmp/test-time-offset.XXXXXX";
	int64_t	 t0, t1;
	int	 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	unlink(path);
	assert_int_equal(utc_set_offset_file(path), 0);
	/* No file: no offset. */
	t0 = utc_now();
	assert_true(llabs(t0 - utc_now()) < 60 * UTC_SEC);
	write_offset(path, "900\n");
	t1 = utc_now();
	assert_true(t1 - t0 >= 900 * UTC_SEC && t1 - t0 < 960 * UTC_SEC);
	write_offset(path, "-3600");
	t1 = utc_now();
	assert_true(t0 - t1 >= 3540 * UTC_SEC && t0 - t1 <= 3600 * UTC_SEC);
	/* Garbage and absurd values count as no offset. */
	write_offset(path, "12abc");
	assert_true(llabs(utc_now() - t0) < 60 * UTC_SEC);
	write_offset(path, "99999999999");
	assert_true(llabs(utc_now() - t0) < 60 * UTC_SEC);
	unlink(path);
	assert_true(llabs(utc_now() - t0) < 60 * UTC_SEC);
	assert_int_equal(utc_set_offset_file(NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_utc_parse),
		cmocka_unit_test(t_utc_parse_offset),
		cmocka_unit_test(t_utc_parse_leap),
		cmocka_unit_test(t_utc_parse_bad),
		cmocka_unit_test(t_utc_parse_range),
		cmocka_unit_test(t_utc_add),
		cmocka_unit_test(t_utc_parse_range_offset),
		cmocka_unit_test(t_utc_format),
		cmocka_unit_test(t_utc_format_roundtrip),
		cmocka_unit_test(t_utc_db),
		cmocka_unit_test(t_utc_db_bad),
		cmocka_unit_test(t_utc_parse_date),
		cmocka_unit_test(t_utc_parse_date_bad),
		cmocka_unit_test(t_utc_now),
		cmocka_unit_test(t_utc_now_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
