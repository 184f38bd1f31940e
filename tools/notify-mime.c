/*
 * The email message: RFC 5322 headers (Date, From, To, Subject,
 * Message-ID, Auto-Submitted) and one MIME text/plain part in UTF-8,
 * quoted-printable, so it passes any 7-bit relay. Header values that are
 * not plain ASCII become RFC 2047 encoded words.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/time.h"
#include "tools/notify.h"

/*
 * Raw bytes per encoded word: 36 bytes are 48 base64 characters, 60 with
 * "=?UTF-8?B?" and "?=", so even after "Subject: " a line holding encoded
 * words stays within 76 characters (RFC 2047 section 2).
 */
#define WORD_BYTES	36

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
mime_message_id(unsigned long long id, int64_t created, const char *domain,
    char *out, size_t n)
{
	int	 len;

	len = snprintf(out, n, "outbox.%llu.%lld@%s", id, (long long)created,
	    domain);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

void
mime_date(int64_t usec, char *out, size_t n)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t		 t = (time_t)(usec / UTC_SEC);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
is_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static int
add_b64(struct buf *out, const unsigned char *p, size_t n)
{
	char	 q[4];
	size_t	 i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		if (buf_add(out, q, 4) == -1)
			return -1;
	}
	return 0;
}

int
mime_encode_words(const char *s, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i = 0, n;

	if (is_plain(s))
		return buf_adds(out, s);
	while (i < len) {
		n = len - i < WORD_BYTES ? len - i : WORD_BYTES;
		/* Never split a UTF-8 sequence between two words. */
		while (n > 0 && i + n < len && (p[i + n] & 0xc0) == 0x80)
			n--;
		if (n == 0 ||
		    buf_adds(out, i == 0 ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?") == -1 ||
		    add_b64(out, p + i, n) == -1 || buf_adds(out, "?=") == -1)
			return -1;
		i += n;
	}
	return 0;
}

/* One character of quoted-printable: literal, or =XX. */
static int
qp_char(unsigned char c, int at_eol, struct buf *out, size_t *col)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3] = { '=', hex[c >> 4], hex[c & 15] };
	int			 literal;

	literal = (c >= 33 && c <= 126 && c != '=') ||
	    ((c == ' ' || c == '\t') && !at_eol);
	/* Soft line break: lines stay within 76 characters with the '='. */
	if (*col + (literal ? 1 : 3) > 75) {
		if (buf_adds(out, "=\r\n") == -1)
			return -1;
		*col = 0;
	}
	*col += literal ? 1 : 3;
	return literal ? buf_add(out, &c, 1) : buf_add(out, e, 3);
}

int
mime_encode_qp(const char *s, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 col = 0;

	for (; *p != '\0'; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			if (buf_adds(out, "\r\n") == -1)
				return -1;
			col = 0;
			continue;
		}
		if (qp_char(*p, p[1] == '\n' || p[1] == '\r' || p[1] == '\0',
		    out, &col) == -1)
			return -1;
	}
	return 0;
}

/* From: "Name" <addr>: a quoted string, or encoded words for UTF-8. */
static int
add_from(const struct mime_mail *m, struct buf *out)
{
	const char	*s;

	if (buf_adds(out, "From: ") == -1)
		return -1;
	if (!is_plain(m->from_name)) {
		/* Encoded words fill their lines: the address goes on its own. */
		if (mime_encode_words(m->from_name, out) == -1)
			return -1;
		return buf_addf(out, "\r\n <%s>\r\n", m->from_addr);
	}
	if (buf_adds(out, "\"") == -1)
		return -1;
	for (s = m->from_name; *s != '\0'; s++)
		if (((*s == '"' || *s == '\\') && buf_adds(out, "\\") == -1) ||
		    buf_add(out, s, 1) == -1)
			return -1;
	return buf_addf(out, "\" <%s>\r\n", m->from_addr);
}

int
mime_build(const struct mime_mail *m, struct buf *out)
{
	char	 date[48];

	mime_date(m->date, date, sizeof(date));
	buf_clear(out);
	if (buf_addf(out, "Date: %s\r\n", date) == -1 || add_from(m, out) == -1 ||
	    buf_addf(out, "To: <%s>\r\n", m->to_addr) == -1 ||
	    buf_adds(out, "Subject: ") == -1 ||
	    mime_encode_words(m->subject, out) == -1 ||
	    buf_addf(out, "\r\nMessage-ID: <%s>\r\n", m->message_id) == -1 ||
	    buf_adds(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n\r\n") == -1 ||
	    mime_encode_qp(m->body, out) == -1)
		return -1;
	/* The body ends with a line end (libcurl adds the final dot). */
	if (out->len < 2 || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
		return buf_adds(out, "\r\n");
	return 0;
}
