/*
 * Unit tests for the parts of concierge-notify that need no server: the
 * MIME writer (encoded words, quoted-printable, dates, message ids),
 * quiet hours across midnight and DST, the retry backoff and loopback
 * detection. The real SMTP and HTTP exchanges are e2e-notify-*.sh.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cfg.h"
#include "lib/time.h"
#include "tools/notify.h"

static int64_t
at(const char *s)
{
	int64_t	 t = 0;

	if (utc_parse(s, &t) != 0)
		fail_msg("bad test time '%s'", s);
	return t;
}

/* The longest line of s (CRLF separated). */
static size_t
longest_line(const char *s)
{
	size_t		 max = 0;
	const char	*e;

	for (; *s != '\0'; s = e + 2) {
		if ((e = strstr(s, "\r\n")) == NULL)
			e = s + strlen(s);
		if ((size_t)(e - s) > max)
			max = (size_t)(e - s);
		if (*e == '\0')
			break;
	}
	return max;
}

static void
t_words(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(mime_encode_words("Plain ASCII subject", &b), 0);
	assert_string_equal(b.data, "Plain ASCII subject");
	buf_clear(&b);
	/* "Clínica": one word, base64 of the UTF-8 bytes */
	assert_int_equal(mime_encode_words("Cl\xc3\xadnica", &b), 0);
	assert_string_equal(b.data, "=?UTF-8?B?Q2zDrW5pY2E=?=");
	buf_clear(&b);
	/* Long text: several words, each at most 75 characters, folded, and
	 * no UTF-8 sequence cut between two words (each word decodes alone). */
	assert_int_equal(mime_encode_words("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
	    "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 x \xe2\x82\xac\xe2"
	    "\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac",
	    &b), 0);
	assert_non_null(strstr(b.data, "?=\r\n =?UTF-8?B?"));
	assert_true(longest_line(b.data) <= 75);
	/* 36 bytes per word at most: never an odd split of "é" (2 bytes) */
	assert_null(strstr(b.data, "=?UTF-8?B?qcOp"));
	/* control characters are never sent raw: no header can be injected */
	buf_clear(&b);
	assert_int_equal(mime_encode_words("a\r\nBcc: x@example.test", &b), 0);
	assert_null(strchr(b.data, '\r'));
	assert_null(strchr(b.data, '\n'));
	assert_string_equal(b.data, "=?UTF-8?B?YQ0KQmNjOiB4QGV4YW1wbGUudGVzdA==?=");
	buf_release(&b);
}

static void
t_qp(void **state)
{
	struct buf	 b;
	char		 longline[300];

	(void)state;
	buf_init(&b, 8192);
	assert_int_equal(mime_encode_qp("Hello,\n\nCl\xc3\xadnica = 1 \nend", &b), 0);
	assert_string_equal(b.data, "Hello,\r\n\r\nCl=C3=ADnica =3D 1=20\r\nend");
	buf_clear(&b);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	assert_int_equal(mime_encode_qp(longline, &b), 0);
	assert_true(longest_line(b.data) <= 76);
	assert_non_null(strstr(b.data, "=\r\n"));
	buf_clear(&b);
	/* an encoded character is never split by a soft break */
	memset(longline, 'a', 74);
	memcpy(longline + 74, "\xc3\xa9\xc3\xa9", 5);
	assert_int_equal(mime_encode_qp(longline, &b), 0);
	assert_true(longest_line(b.data) <= 76);
	assert_null(strstr(b.data, "=C=\r\n"));
	assert_null(strstr(b.data, "=\r\n3"));
	buf_release(&b);
}

static void
t_build(void **state)
{
	struct mime_mail	 m;
	struct buf		 b;
	char			 id[160], date[48];

	(void)state;
	assert_int_equal(mime_message_id(42, 1796167554501484LL, "concierge.test",
	    id, sizeof(id)), 0);
	assert_string_equal(id, "outbox.42.1796167554501484@concierge.test");
	assert_int_equal(mime_message_id(42, 1, "x", id, 8), -1);
	mime_date(at("2026-12-01T14:30:05Z"), date, sizeof(date));
	assert_string_equal(date, "Tue, 01 Dec 2026 14:30:05 +0000");
	memset(&m, 0, sizeof(m));
	m.from_name = "Concierge \"Dev\"";
	m.from_addr = "noreply@concierge.test";
	m.to_addr = "pat@example.test";
	m.subject = "Concierge: reminder";
	m.body = "Line one\n.dot line\nend";
	m.date = at("2026-12-01T14:30:05Z");
	m.message_id = "outbox.1.2@concierge.test";
	buf_init(&b, 65536);
	assert_int_equal(mime_build(&m, &b), 0);
	assert_non_null(strstr(b.data, "Date: Tue, 01 Dec 2026 14:30:05 +0000\r\n"));
	/* quotes in the name are escaped in the quoted string */
	assert_non_null(strstr(b.data,
	    "From: \"Concierge \\\"Dev\\\"\" <noreply@concierge.test>\r\n"));
	assert_non_null(strstr(b.data, "To: <pat@example.test>\r\n"));
	assert_non_null(strstr(b.data, "Subject: Concierge: reminder\r\n"));
	assert_non_null(strstr(b.data, "Message-ID: <outbox.1.2@concierge.test>\r\n"));
	assert_non_null(strstr(b.data, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n"));
	assert_non_null(strstr(b.data, "Auto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(b.data, "\r\n\r\nLine one\r\n.dot line\r\nend\r\n"));
	/* no bare LF anywhere */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n')
			assert_true(i > 0 && b.data[i - 1] == '\r');
	m.from_name = "Cl\xc3\xadnica";
	assert_int_equal(mime_build(&m, &b), 0);
	assert_non_null(strstr(b.data, "From: =?UTF-8?B?Q2zDrW5pY2E=?=\r\n"
	    " <noreply@concierge.test>\r\n"));
	buf_release(&b);
}

static void
quiet(const char *zone, int start, int end, const char *now, int want,
    const char *until)
{
	struct notify_prefs	 p;
	int64_t			 u = 0;
	char			 buf[UTC_BUFSZ];
	int			 rc;

	prefs_default(&p);
	p.has_quiet = 1;
	p.quiet_start_min = start;
	p.quiet_end_min = end;
	p.timezone = zone;
	rc = notify_quiet_until(&p, at(now), &u);
	if (rc != want)
		fail_msg("%s %d-%d at %s: got %d, want %d", zone, start, end, now,
		    rc, want);
	if (want == 1 && u != at(until))
		fail_msg("%s %d-%d at %s: ends %s, want %s", zone, start, end, now,
		    utc_format(u, buf, sizeof(buf), 0), until);
}

static void
t_quiet(void **state)
{
	struct notify_prefs	 p;
	int64_t			 u;

	(void)state;
	/* 22:00-07:00 Berlin (UTC+1 in winter) */
	quiet("Europe/Berlin", 1320, 420, "2026-12-01T20:59:00Z", 0, NULL);
	quiet("Europe/Berlin", 1320, 420, "2026-12-01T21:00:00Z", 1, "2026-12-02T06:00:00Z");
	quiet("Europe/Berlin", 1320, 420, "2026-12-01T23:30:00Z", 1, "2026-12-02T06:00:00Z");
	quiet("Europe/Berlin", 1320, 420, "2026-12-02T05:59:00Z", 1, "2026-12-02T06:00:00Z");
	quiet("Europe/Berlin", 1320, 420, "2026-12-02T06:00:00Z", 0, NULL);
	/* a window inside one day: 12:00-14:00 Tokyo (UTC+9) */
	quiet("Asia/Tokyo", 720, 840, "2026-12-01T03:30:00Z", 1, "2026-12-01T05:00:00Z");
	quiet("Asia/Tokyo", 720, 840, "2026-12-01T05:00:00Z", 0, NULL);
	/* DST: the night of 2027-03-14 in New York loses an hour; 07:00 is 11:00Z */
	quiet("America/New_York", 1320, 420, "2027-03-14T03:30:00Z", 1, "2027-03-14T11:00:00Z");
	/* and in autumn it gains one: 07:00 EST is 12:00Z */
	quiet("America/New_York", 1320, 420, "2026-11-01T04:30:00Z", 1, "2026-11-01T12:00:00Z");
	/* no quiet hours, no zone, a broken zone */
	prefs_default(&p);
	assert_int_equal(notify_quiet_until(&p, at("2026-12-01T23:00:00Z"), &u), 0);
	p.has_quiet = 1;
	p.quiet_start_min = 0;
	p.quiet_end_min = 600;
	assert_int_equal(notify_quiet_until(&p, at("2026-12-01T01:00:00Z"), &u), 0);
	p.timezone = "Not/AZone";
	assert_int_equal(notify_quiet_until(&p, at("2026-12-01T01:00:00Z"), &u), -1);
}

static void
t_backoff(void **state)
{
	struct cfg	 c;
	int64_t		 d;
	long		 a;
	int		 i;

	(void)state;
	cfg_defaults(&c);
	c.notify_backoff_seconds = 30;
	c.notify_backoff_max_seconds = 3600;
	for (a = 1; a <= 12; a++) {
		int64_t	 full = 30LL * UTC_SEC << (a - 1 > 10 ? 10 : a - 1);

		if (full > 3600LL * UTC_SEC)
			full = 3600LL * UTC_SEC;
		for (i = 0; i < 200; i++) {
			d = notify_backoff(&c, a);
			if (d < full / 2 || d > full)
				fail_msg("attempt %ld: %lld usec outside [%lld, %lld]", a,
				    (long long)d, (long long)(full / 2), (long long)full);
		}
	}
	/* jitter: 200 draws are not all the same */
	d = notify_backoff(&c, 3);
	for (i = 0; i < 200 && notify_backoff(&c, 3) == d; i++)
		;
	assert_true(i < 200);
	cfg_release(&c);
}

static void
t_loopback(void **state)
{
	(void)state;
	assert_true(notify_url_is_loopback("smtp://127.0.0.1:2525"));
	assert_true(notify_url_is_loopback("http://127.8.9.10/sms"));
	assert_true(notify_url_is_loopback("https://[::1]:8443/x"));
	assert_true(notify_url_is_loopback("smtp://LOCALHOST"));
	assert_false(notify_url_is_loopback("smtps://smtp.example.com:465"));
	assert_false(notify_url_is_loopback("https://api.twilio.com/2010-04-01"));
	assert_false(notify_url_is_loopback("https://128.0.0.1/"));
	assert_false(notify_url_is_loopback("https://127.0.0.1.example.com/"));
	assert_false(notify_url_is_loopback("https://localhost.example.com/"));
	assert_false(notify_url_is_loopback("https://[::2]/"));
	assert_false(notify_url_is_loopback("not a url"));
	assert_false(notify_url_is_loopback(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_words),
		cmocka_unit_test(t_qp),
		cmocka_unit_test(t_build),
		cmocka_unit_test(t_quiet),
		cmocka_unit_test(t_backoff),
		cmocka_unit_test(t_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
