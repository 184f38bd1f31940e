/* UTC times as microseconds since the epoch, RFC 3339 and DATETIME(6) text. */
#ifndef CONCIERGE_TIME_H
#define CONCIERGE_TIME_H

#include <stddef.h>
#include <stdint.h>

#define UTC_SEC		1000000LL
#define UTC_MIN		(60 * UTC_SEC)
#define UTC_HOUR	(60 * UTC_MIN)
#define UTC_DAY		(24 * UTC_HOUR)

/* Size that holds any string these functions write. */
#define UTC_BUFSZ	40

/*
 * Every instant the API accepts, computes or stores lies in
 * 1900-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z: anything a
 * client sends or a handler derives (an end from a start and a length,
 * a due time) is checked against this range, in UTC, before it is used.
 */
#define UTC_INSTANT_MIN	(-2208988800LL * UTC_SEC)
#define UTC_INSTANT_MAX	(253402300800LL * UTC_SEC - 1)

/*
 * Now, in microseconds since 1970-01-01T00:00:00Z, plus the dev-mode
 * clock offset if one is set.
 */
int64_t	 utc_now(void);
/*
 * A monotonic clock in microseconds (for intervals and deadlines; no dev
 * offset, never steps back).
 */
int64_t	 utc_mono(void);
/* Sleep usec microseconds (<= 0: not at all); a signal may end it early. */
void	 utc_sleep(int64_t usec);
/*
 * Dev mode only (cfg_load enforces it): utc_now adds the signed number
 * of seconds written in path ("900", "-3600"), re-read whenever the file
 * changes; an absent file means 0. Tests use it to move every process's
 * clock at once instead of sleeping. NULL turns it off. 0, or -1 if the
 * path is too long.
 */
int	 utc_set_offset_file(const char *path);
/*
 * RFC 3339 in UTC: "2026-11-22T14:30:00Z", or with ".ffffff" when
 * with_usec is set. Returns buf.
 */
char	*utc_format(int64_t, char *buf, size_t n, int with_usec);
/* 1 if t lies in UTC_INSTANT_MIN .. UTC_INSTANT_MAX, else 0. */
int	 utc_in_range(int64_t t);
/*
 * *out = t + delta (microseconds, either sign) when the sum lies in the
 * range above: 0; else -1 and *out untouched. For every computed
 * instant.
 */
int	 utc_add(int64_t t, int64_t delta, int64_t *out);
/*
 * Parse RFC 3339 ("Z" or "+hh:mm" offsets, optional fraction up to
 * microseconds). Returns 0, or -1 if malformed or if the instant, once
 * the offset is applied, is out of range (UTC_INSTANT_MIN ..
 * UTC_INSTANT_MAX): "1900-01-01T00:00:00+00:01" is refused.
 */
int	 utc_parse(const char *, int64_t *);
/* MariaDB DATETIME(6) text "YYYY-MM-DD HH:MM:SS.ffffff". Returns buf. */
char	*utc_to_db(int64_t, char *buf, size_t n);
/*
 * Parse DATETIME text (fraction optional) of any value the column type
 * holds (years 1000-9999), so that a stored row is always readable,
 * even one written before the range above was enforced. 0 or -1.
 */
int	 utc_from_db(const char *, int64_t *);
/* Parse a calendar date "YYYY-MM-DD" (checked for real days). 0 or -1. */
int	 utc_parse_date(const char *, int *y, int *m, int *d);

#endif
