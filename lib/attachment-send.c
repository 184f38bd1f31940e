/*
 * Attachments out: the download (decrypted chunk by chunk straight into
 * the response) and the file names that go with it (what an upload may
 * call itself, and how a download names itself safely).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/attachment.h"
#include "lib/attachment-sniff.h"
#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"

/* Bytes of the ASCII fallback name, before the extension. */
#define FALLBACK_MAX	120

static void
read_audit(struct ctx *c, const struct attachment_row *a,
    const char *patient_id, int *rc)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();

	jset_str(meta, "attached_kind", a->attached_kind);
	jset_str(meta, "attached_id", a->attached_id);
	memset(&e, 0, sizeof(e));
	e.action = "read";
	e.entity_type = "attachment";
	e.entity_id = a->id;
	e.patient_id = patient_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "attachment downloaded";
	e.metadata = meta;
	*rc = audit_append(c, &e);
	json_object_put(meta);
}

static int
send_head(struct ctx *c, const struct attachment_row *a)
{
	char	 len[32];

	c->resp->status = 200;
	c->resp->content_type = a->content_type;
	c->resp->is_streaming = 1;
	snprintf(len, sizeof(len), "%llu", (unsigned long long)a->size);
	if (http_resp_header(c->resp, "Content-Length", len) == -1 ||
	    http_resp_header(c->resp, "Content-Disposition",
	    attachment_disposition(c->arena, a->filename, a->content_type)) == -1 ||
	    http_resp_header(c->resp, "X-Content-Type-Options", "nosniff") == -1 ||
	    http_resp_header(c->resp, "Content-Security-Policy",
	    "default-src 'none'; sandbox") == -1)
		return -1;
	return http_resp_send_head(c->resp, c->req, c->io);
}

/* After the head: the remaining chunks. */
static void
send_rest(struct ctx *c, struct attfile_reader *r, const unsigned char *p,
    long n, const struct attachment_row *a)
{
	unsigned char	 sha[CRYPTO_SHA256_LEN];

	for (;;) {
		if (c->io->write(c->io->ctx, p, (size_t)n) == -1) {
			log_warnx("attachments: client went away during %s", a->id);
			return;
		}
		if ((n = attfile_read(r, &p, sha)) < 0) {
			/* Logged by the reader; the short body tells the client. */
			return;
		}
		if (n == 0)
			break;
	}
	if (!crypto_equal(sha, a->sha256, sizeof(sha)))
		log_errx("attachments: %s does not match its recorded SHA-256",
		    a->id);
	(void)c->io->flush(c->io->ctx);
}

int
attachment_send(struct ctx *c, const struct attachment_row *a,
    const char *patient_id)
{
	struct attfile_reader	 r;
	const unsigned char	*p;
	unsigned char		 sha[CRYPTO_SHA256_LEN];
	long			 n;
	int			 rc;

	/* The first chunk opens before anything is promised to the client. */
	if (attfile_open(&r, c->cfg, a->storage_name, a->id, a->key_id,
	    a->size) != ATTFILE_OK || (n = attfile_read(&r, &p, sha)) <= 0) {
		attfile_close(&r);
		problem(c, 500, "attachment_unavailable",
		    "the file cannot be read now");
		return 0;
	}
	read_audit(c, a, patient_id, &rc);
	if (rc != DB_OK) {
		attfile_close(&r);
		problem_unavailable(c);
		return 0;
	}
	if (send_head(c, a) == -1)
		log_warnx("attachments: client went away before the head");
	else
		send_rest(c, &r, p, n, a);
	attfile_close(&r);
	return 0;
}

/* ---- names ---- */

/* Length of the UTF-8 sequence at s (valid UTF-8 assumed), and its code point. */
static size_t
cp_at(const unsigned char *s, unsigned long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (unsigned long)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (unsigned long)(s[0] & 0x0f) << 12 |
		    (unsigned long)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (unsigned long)(s[0] & 0x07) << 18 | (unsigned long)(s[1] & 0x3f) << 12 |
	    (unsigned long)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

/* Code points that may hide what a name is: controls, bidi and invisible marks. */
static int
is_deceptive(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

const char *
attachment_filename_check(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 i, k;

	if (len == 0 || len > ATTACHMENT_FILENAME_MAX)
		return "must be 1 to 255 bytes";
	if (strlen(s) != len || !utf8_valid(s, len))
		return "must be UTF-8 text";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "must be a file name";
	for (i = 0; i < len; i += k) {
		k = cp_at(p + i, &cp);
		if (is_deceptive(cp))
			return "must not contain control or direction characters";
		if (cp == '/' || cp == '\\')
			return "must be a file name, not a path";
	}
	return NULL;
}

static int
has_extension(const char *name, const char *content_type)
{
	const char	*dot = strrchr(name, '.');
	int		 t = attsniff_type_of(content_type);

	if (dot == NULL || t == -1)
		return 0;
	if (strcasecmp(dot, attsniff_extension((enum attsniff_type)t)) == 0)
		return 1;
	return t == ATTSNIFF_JPEG && strcasecmp(dot, ".jpeg") == 0;
}

/* RFC 8187 attr-char: ALPHA / DIGIT / "!" "#" "$" "&" "+" "-" "." "^" "_" "`" "|" "~" */
static int
is_attr_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || strchr("!#$&+-.^_`|~", ch) != NULL;
}

const char *
attachment_disposition(struct arena *a, const char *filename,
    const char *content_type)
{
	const unsigned char	*p = (const unsigned char *)(filename ? filename : "");
	const char		*ext = "", *cut_ext = "", *out;
	struct buf		 ascii, utf8;
	unsigned long		 cp;
	size_t			 i, k, n = strlen((const char *)p), used = 0;
	int			 t = attsniff_type_of(content_type);

	if (t != -1 && !has_extension((const char *)p, content_type))
		ext = attsniff_extension((enum attsniff_type)t);
	buf_init(&ascii, 1024);
	buf_init(&utf8, 4096);
	for (i = 0; i < n; i += k) {
		k = cp_at(p + i, &cp);
		if (used++ == FALLBACK_MAX) {
			/* Cut short: the name's own extension went with the rest. */
			if (t != -1)
				cut_ext = attsniff_extension((enum attsniff_type)t);
			break;
		}
		(void)buf_addf(&ascii, "%c", cp >= 0x20 && cp < 0x7f &&
		    strchr("\"\\%;/:*?<>|", (int)cp) == NULL ? (char)cp : '_');
	}
	for (i = 0; i < n; i++)
		(void)buf_addf(&utf8, is_attr_char(p[i]) ? "%c" : "%%%02X", p[i]);
	out = arena_printf(a, "attachment; filename=\"%s%s\"; "
	    "filename*=UTF-8''%s%s", ascii.data ? ascii.data : "file",
	    *cut_ext ? cut_ext : ext, utf8.data ? utf8.data : "file", ext);
	buf_release(&ascii);
	buf_release(&utf8);
	return out;
}
