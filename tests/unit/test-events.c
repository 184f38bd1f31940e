/*
 * Unit tests for realtime delivery: the cursor parser and the event's
 * JSON and SSE forms (lib/events), nchan message bodies and ids
 * (lib/nchan), and the relay's horizon over out-of-order commits
 * (tools/events-horizon.c) with a scripted lock probe.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lib/events.h"
#include "lib/log.h"
#include "lib/nchan.h"
#include "lib/time.h"
#include "tools/events-horizon.h"

#define ID26	"abcdefghijklmnopqrstuvwxyz"

static const struct event_row sample = {
	812, ID26, "appointment.booked", "appointment", "q3v5k7q3v5k7q3v5k7q3v5k7q3",
	1795962600123456LL,	/* 2026-11-29T14:30:00.123456Z */
};

static void
t_parse_id(void **state)
{
	unsigned long long	 v;

	(void)state;
	assert_int_equal(events_parse_id("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(events_parse_id("812", &v), 0);
	assert_int_equal(v, 812);
	assert_int_equal(events_parse_id("9223372036854775807", &v), 0);
	assert_int_equal(v, EVENTS_ID_MAX);
}

static void
t_parse_id_bad(void **state)
{
	const char		*bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0", "1796152772:0",
		"9223372036854775808", "99999999999999999999", "abc", "1,2",
	};
	unsigned long long	 v = 7;
	size_t			 i;

	(void)state;
	assert_int_equal(events_parse_id(NULL, &v), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(events_parse_id(bad[i], &v), -1);
	assert_int_equal(v, 7);
}

static void
t_event_json(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(events_json_text(&b, &sample), 0);
	assert_string_equal(b.data, "{\"id\":812,\"type\":\"appointment.booked\","
	    "\"entity_type\":\"appointment\",\"entity_id\":"
	    "\"q3v5k7q3v5k7q3v5k7q3v5k7q3\",\"at\":\"2026-11-29T14:30:00.123456Z\"}");
	/* The recipient is never part of what is sent. */
	assert_null(strstr(b.data, ID26));
	buf_release(&b);
}

static void
t_sse_frame(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(events_sse_frame(&b, &sample), 0);
	assert_true(strncmp(b.data, "id: 812\ndata: {\"id\":812,", 24) == 0);
	assert_int_equal(b.data[b.len - 1], '\n');
	assert_int_equal(b.data[b.len - 2], '\n');
	assert_null(memchr(b.data, '\r', b.len));
	buf_release(&b);
}

static void
t_nchan_bodies(void **state)
{
	struct buf		 b;
	unsigned long long	 id = 0;
	const char		*cr;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(nchan_body(&b, NCHAN_JSON, &sample), 0);
	assert_true(strncmp(b.data, "{\"data\":[{\"id\":812,", 19) == 0);
	assert_non_null(strstr(b.data, "}],\"last_id\":812}"));
	assert_int_equal(nchan_body_event_id(NCHAN_JSON, b.data, b.len, &id), 0);
	assert_int_equal(id, 812);
	/* SSE: one line for nchan (no LF), the event id after a lone CR. */
	assert_int_equal(nchan_body(&b, NCHAN_SSE, &sample), 0);
	assert_null(memchr(b.data, '\n', b.len));
	cr = memchr(b.data, '\r', b.len);
	assert_non_null(cr);
	assert_string_equal(cr, "\rid: 812");
	assert_int_equal(b.data[0], '{');
	assert_int_equal(cr[-1], '}');
	id = 0;
	assert_int_equal(nchan_body_event_id(NCHAN_SSE, b.data, b.len, &id), 0);
	assert_int_equal(id, 812);
	buf_release(&b);
}

static void
t_nchan_body_id_bad(void **state)
{
	const char		*sse_bad[] = {
		"{\"id\":1}", "{\"id\":1}\rid: ", "{\"id\":1}\rid: x1", "{\"id\":1}\rid: 1\r",
		"{\"id\":1}\rdata: 1", "\rid:1",
	};
	const char		*json_bad[] = {
		"", "{", "{\"data\":[]}", "{\"data\":[{\"id\":\"1\"}]}", "{\"data\":{}}",
		"{\"data\":[{\"id\":-1}]}", "{\"data\":[{\"id\":1},{\"id\":2}]}", "[1]",
	};
	unsigned long long	 id = 5;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(sse_bad) / sizeof(sse_bad[0]); i++)
		assert_int_equal(nchan_body_event_id(NCHAN_SSE, sse_bad[i],
		    strlen(sse_bad[i]), &id), -1);
	for (i = 0; i < sizeof(json_bad) / sizeof(json_bad[0]); i++)
		assert_int_equal(nchan_body_event_id(NCHAN_JSON, json_bad[i],
		    strlen(json_bad[i]), &id), -1);
	assert_int_equal(id, 5);
}

static void
t_nchan_id(void **state)
{
	const char	*bad[] = {
		"", ":", "1:", ":1", "1796152772", "1796152772:0 ", "a:0", "1:0:0",
		"1:[0],-", "1:-1", "1:0\r\nX-Evil: 1", "123456789012345678901:0",
	};
	size_t		 i;

	(void)state;
	assert_true(nchan_id_is_valid("1796152772:0"));
	assert_true(nchan_id_is_valid("0:0"));
	assert_true(nchan_id_is_valid("1796152772:32767"));
	assert_false(nchan_id_is_valid(NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(nchan_id_is_valid(bad[i]));
}

/* ---- the horizon ---- */

/* The probe answers from a list of busy (uncommitted) ids and counts its calls. */
struct probe_script {
	const unsigned long long	*busy;
	size_t				 nbusy;
	int				 calls;
	int				 fail;
};

static enum probe_rc
probe(void *arg, unsigned long long lo, unsigned long long hi)
{
	struct probe_script	*p = arg;
	size_t			 i;

	p->calls++;
	if (p->fail)
		return PROBE_ERROR;
	for (i = 0; i < p->nbusy; i++)
		if (p->busy[i] >= lo && p->busy[i] <= hi)
			return PROBE_BUSY;
	return PROBE_FREE;
}

static void
horizon_init(struct horizon *h, unsigned long long published, int64_t now)
{
	memset(h, 0, sizeof(*h));
	h->published = h->settled = published;
	h->now = now;
	h->gap_grace = 250 * 1000;
	h->gap_timeout = 60 * UTC_SEC;
}

static void
t_horizon_contiguous(void **state)
{
	const unsigned long long	 ids[] = { 11, 12, 13 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 10, UTC_SEC);
	assert_int_equal(horizon_advance(&h, ids, 3, probe, &p), 0);
	assert_int_equal(h.through, 13);
	assert_int_equal(h.count, 3);
	assert_false(h.is_blocked);
	assert_int_equal(p.calls, 0);	/* no gap, no probe */
}

static void
t_horizon_young_gap_waits(void **state)
{
	const unsigned long long	 ids[] = { 11, 13, 14 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 10, 100 * UTC_SEC);
	assert_int_equal(horizon_advance(&h, ids, 3, probe, &p), 0);
	assert_int_equal(h.through, 11);
	assert_int_equal(h.count, 1);
	assert_true(h.is_blocked);
	assert_int_equal(h.wait, 250 * 1000);
	assert_int_equal(p.calls, 0);	/* too young to be worth a probe */
	/* The window: everything up to 14 was seen missing now. */
	assert_int_equal(h.scan_through, 14);
	assert_int_equal(h.scan_at, 100 * UTC_SEC);
	/* 100 ms later: still waiting, the window unchanged. */
	h.published = h.settled = 11;
	h.now += 100 * 1000;
	assert_int_equal(horizon_advance(&h, ids + 1, 2, probe, &p), 0);
	assert_int_equal(h.through, 11);
	assert_true(h.is_blocked);
	assert_int_equal(h.wait, 150 * 1000);
	assert_int_equal(h.scan_at, 100 * UTC_SEC);
}

/* The clock went back after the window opened: the gap waits its grace again, not days. */
static void
t_horizon_clock_back(void **state)
{
	const unsigned long long	 ids[] = { 11, 13, 14 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 11, 100 * UTC_SEC);
	h.scan_through = 14;
	h.scan_at = 100 * UTC_SEC + 86400LL * UTC_SEC;	/* a day ahead */
	assert_int_equal(horizon_advance(&h, ids + 1, 2, probe, &p), 0);
	assert_true(h.is_blocked);
	assert_int_equal(h.wait, 250 * 1000);
	assert_int_equal(h.scan_at, 100 * UTC_SEC);	/* opened again, now */
	/* After the grace the gap (12) is probed and skipped. */
	h.now += 300 * 1000;
	assert_int_equal(horizon_advance(&h, ids + 1, 2, probe, &p), 0);
	assert_false(h.is_blocked);
	assert_int_equal(h.through, 14);
	assert_int_equal(h.skipped, 1);
	assert_int_equal(p.calls, 1);
}

static void
t_horizon_rolled_back_gap_skipped(void **state)
{
	const unsigned long long	 ids[] = { 13, 14, 20 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 11, 100 * UTC_SEC);
	h.scan_through = 20;
	h.scan_at = 100 * UTC_SEC - 300 * 1000;	/* seen missing 300 ms ago */
	assert_int_equal(horizon_advance(&h, ids, 3, probe, &p), 0);
	/* 12 and 15..19: free and old enough, skipped together. */
	assert_int_equal(h.through, 20);
	assert_int_equal(h.count, 3);
	assert_false(h.is_blocked);
	assert_int_equal(h.skipped, 1 + 5);
	assert_int_equal(p.calls, 2);
}

static void
t_horizon_busy_gap_waits_for_commit(void **state)
{
	const unsigned long long	 ids[] = { 13, 14 };
	const unsigned long long	 busy[] = { 12 };
	struct probe_script		 p = { busy, 1, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 11, 100 * UTC_SEC);
	h.scan_through = 14;
	h.scan_at = 90 * UTC_SEC;	/* 10 s: past the grace, within the timeout */
	assert_int_equal(horizon_advance(&h, ids, 2, probe, &p), 0);
	assert_int_equal(h.through, 11);
	assert_int_equal(h.count, 0);
	assert_true(h.is_blocked);
	assert_int_equal(h.skipped, 0);
	/* A minute on, still uncommitted: given up. */
	h.now = 151 * UTC_SEC;
	assert_int_equal(horizon_advance(&h, ids, 2, probe, &p), 0);
	assert_int_equal(h.through, 14);
	assert_int_equal(h.skipped, 1);
}

/* The probe finds the missing id's row committed since the read. */
static enum probe_rc
probe_again(void *arg, unsigned long long lo, unsigned long long hi)
{
	(void)lo;
	(void)hi;
	((struct probe_script *)arg)->calls++;
	return PROBE_AGAIN;
}

/* A gap whose row committed after the read is read again, never skipped, however old. */
static void
t_horizon_committed_since_read(void **state)
{
	const unsigned long long	 ids[] = { 13, 14 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 11, 100 * UTC_SEC);
	h.scan_through = 14;
	h.scan_at = 10 * UTC_SEC;	/* 90 s: past the grace and the timeout */
	assert_int_equal(horizon_advance(&h, ids, 2, probe_again, &p), 0);
	assert_int_equal(p.calls, 1);
	assert_true(h.is_blocked);
	assert_int_equal(h.through, 11);
	assert_int_equal(h.count, 0);
	assert_int_equal(h.skipped, 0);
	assert_int_equal(h.wait, 0);	/* at once: the next read has the row */
}

static void
t_horizon_new_window(void **state)
{
	const unsigned long long	 ids[] = { 31, 33 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 30, 200 * UTC_SEC);
	h.scan_through = 20;	/* an old window, all passed */
	h.scan_at = 100 * UTC_SEC;
	assert_int_equal(horizon_advance(&h, ids, 2, probe, &p), 0);
	/* 32 is beyond the old window: its age starts now. */
	assert_int_equal(h.through, 31);
	assert_true(h.is_blocked);
	assert_int_equal(h.scan_through, 33);
	assert_int_equal(h.scan_at, 200 * UTC_SEC);
}

static void
t_horizon_settled(void **state)
{
	const unsigned long long	 ids[] = { 12, 15, 25 };
	struct probe_script		 p = { NULL, 0, 0, 0 };
	struct horizon			 h;

	(void)state;
	/* Resuming an interrupted batch: ids up to 20 were decided before. */
	horizon_init(&h, 10, 100 * UTC_SEC);
	h.settled = 20;
	assert_int_equal(horizon_advance(&h, ids, 3, probe, &p), 0);
	assert_int_equal(h.through, 15);
	assert_int_equal(h.count, 2);
	assert_true(h.is_blocked);	/* 21..24 is a new gap */
	assert_int_equal(p.calls, 0);
}

static void
t_horizon_probe_error(void **state)
{
	const unsigned long long	 ids[] = { 11, 13 };
	struct probe_script		 p = { NULL, 0, 0, 1 };
	struct horizon			 h;

	(void)state;
	horizon_init(&h, 10, 100 * UTC_SEC);
	h.scan_through = 13;
	h.scan_at = 1;
	assert_int_equal(horizon_advance(&h, ids, 2, probe, &p), -1);
	assert_int_equal(h.through, 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_parse_id),
		cmocka_unit_test(t_parse_id_bad),
		cmocka_unit_test(t_event_json),
		cmocka_unit_test(t_sse_frame),
		cmocka_unit_test(t_nchan_bodies),
		cmocka_unit_test(t_nchan_body_id_bad),
		cmocka_unit_test(t_nchan_id),
		cmocka_unit_test(t_horizon_contiguous),
		cmocka_unit_test(t_horizon_young_gap_waits),
		cmocka_unit_test(t_horizon_rolled_back_gap_skipped),
		cmocka_unit_test(t_horizon_clock_back),
		cmocka_unit_test(t_horizon_busy_gap_waits_for_commit),
		cmocka_unit_test(t_horizon_committed_since_read),
		cmocka_unit_test(t_horizon_new_window),
		cmocka_unit_test(t_horizon_settled),
		cmocka_unit_test(t_horizon_probe_error),
	};

	/* The horizon logs the gaps it skips: not needed here. */
	log_init("test-events", LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
