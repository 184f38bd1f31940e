/*
 * Delivery over libcurl: SMTP (plain on loopback; STARTTLS required, or
 * smtps://, with AUTH anywhere else) and a Twilio-style SMS gateway (an
 * HTTPS form POST with basic auth). Every call has a connect and a total
 * timeout; TLS certificates and host names are verified unless the URL
 * names a loopback host. The two handles are kept between messages, so
 * the SMTP connection stays open across a batch.
 *
 * Result classes: a refused connection, a timeout, SMTP 4xx and HTTP
 * 5xx/429/408 are temporary; SMTP 5xx and other HTTP 4xx are permanent,
 * except for authentication failures (SMTP 530/534/535, HTTP 401/407),
 * which are our configuration, not the message: temporary, and logged.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json.h>

#include "lib/log.h"
#include "lib/time.h"
#include "tools/notify.h"

#define RESPONSE_MAX	8192

struct notify_curl {
	const struct cfg	*cfg;
	CURL			*smtp;
	CURL			*http;
	int			 smtp_is_loopback;
	int			 sms_is_loopback;
	char			 errbuf[CURL_ERROR_SIZE];
	struct buf		 response;	/* gateway reply body, capped */
	int64_t			 retry_after;	/* from the last reply */
};

/* The message being uploaded to the SMTP server. */
struct upload {
	const char	*p;
	size_t		 left;
};

int
notify_url_is_loopback(const char *url)
{
	CURLU		*u;
	char		*host = NULL;
	unsigned char	 a6[16];
	struct in_addr	 a4;
	size_t		 n;
	int		 yes = 0;

	if (url == NULL || (u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	n = strlen(host);
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		yes = inet_pton(AF_INET6, host + 1, a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK((struct in6_addr *)a6);
	} else if (inet_pton(AF_INET, host, &a4) == 1)
		yes = (ntohl(a4.s_addr) >> 24) == 127;
	else
		yes = strcasecmp(host, "localhost") == 0;
out:
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

struct notify_curl *
notify_curl_new(const struct cfg *cfg)
{
	struct notify_curl	*k = xcalloc(1, sizeof(*k));

	k->cfg = cfg;
	k->smtp = curl_easy_init();
	k->http = curl_easy_init();
	if (k->smtp == NULL || k->http == NULL) {
		notify_curl_free(k);
		return NULL;
	}
	k->smtp_is_loopback = notify_url_is_loopback(cfg->notify_smtp_url);
	k->sms_is_loopback = notify_url_is_loopback(cfg->notify_sms_url);
	buf_init(&k->response, RESPONSE_MAX);
	return k;
}

void
notify_curl_free(struct notify_curl *k)
{
	if (k == NULL)
		return;
	if (k->smtp != NULL)
		curl_easy_cleanup(k->smtp);
	if (k->http != NULL)
		curl_easy_cleanup(k->http);
	buf_release(&k->response);
	free(k);
}

/* Options every call gets: timeouts, no signals, TLS checks. */
static void
common_opts(struct notify_curl *k, CURL *h, int is_loopback)
{
	curl_easy_reset(h);
	k->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, k->errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	    k->cfg->notify_connect_timeout_seconds);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, k->cfg->notify_timeout_seconds);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, is_loopback ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, is_loopback ? 0L : 2L);
}

static void
result_set(struct send_result *r, enum send_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
result_set(struct send_result *r, enum send_class cls, const char *fmt, ...)
{
	va_list	 ap;

	r->cls = cls;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

/* libcurl's message without its line end, or its text for rc. */
static void
errbuf_tidy(struct notify_curl *k, CURLcode rc)
{
	size_t	 n = strlen(k->errbuf);

	while (n > 0 && (k->errbuf[n - 1] == '\n' || k->errbuf[n - 1] == '\r' ||
	    k->errbuf[n - 1] == ' '))
		k->errbuf[--n] = '\0';
	if (n == 0)
		snprintf(k->errbuf, sizeof(k->errbuf), "%s", curl_easy_strerror(rc));
}

/* Failures before any reply: connection, TLS, timeouts. All temporary. */
static void
transport_failure(struct notify_curl *k, CURLcode rc, struct send_result *r)
{
	errbuf_tidy(k, rc);
	result_set(r, SEND_TEMP, "%s", k->errbuf);
}

static size_t
upload_read(char *dst, size_t size, size_t n, void *arg)
{
	struct upload	*u = arg;
	size_t		 m = size * n < u->left ? size * n : u->left;

	memcpy(dst, u->p, m);
	u->p += m;
	u->left -= m;
	return m;
}

void
notify_smtp_send(struct notify_curl *k, const char *to, const struct buf *msg,
    struct send_result *r)
{
	const struct cfg	*cfg = k->cfg;
	struct curl_slist	*rcpt = NULL;
	struct upload		 u = { msg->data, msg->len };
	char			 from[300], rcpt_to[300];
	long			 code = 0;
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	snprintf(from, sizeof(from), "<%s>", cfg->notify_mail_from);
	snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_to);
	common_opts(k, k->smtp, k->smtp_is_loopback);
	curl_easy_setopt(k->smtp, CURLOPT_URL, cfg->notify_smtp_url);
	curl_easy_setopt(k->smtp, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS or nothing, except to a relay on this host. */
	curl_easy_setopt(k->smtp, CURLOPT_USE_SSL, k->smtp_is_loopback ?
	    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	if (cfg->notify_smtp_user != NULL) {
		curl_easy_setopt(k->smtp, CURLOPT_USERNAME, cfg->notify_smtp_user);
		curl_easy_setopt(k->smtp, CURLOPT_PASSWORD,
		    cfg->notify_smtp_password ? cfg->notify_smtp_password : "");
	}
	curl_easy_setopt(k->smtp, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(k->smtp, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(k->smtp, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(k->smtp, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(k->smtp, CURLOPT_READDATA, &u);
	curl_easy_setopt(k->smtp, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	rc = curl_easy_perform(k->smtp);
	curl_easy_getinfo(k->smtp, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return;
	errbuf_tidy(k, rc);
	if (code == 530 || code == 534 || code == 535 || rc == CURLE_LOGIN_DENIED) {
		log_errx("notify: the SMTP server refuses our login (check "
		    "notify.smtp_user and notify.smtp_password)");
		result_set(r, SEND_TEMP, "SMTP %ld: authentication failed", code);
	} else if (code >= 500 && code <= 599)
		result_set(r, SEND_PERM, "SMTP %ld: %s", code, k->errbuf);
	else if (code >= 400 && code <= 499)
		result_set(r, SEND_TEMP, "SMTP %ld: %s", code, k->errbuf);
	else
		transport_failure(k, rc, r);
}

static size_t
response_write(char *p, size_t size, size_t n, void *arg)
{
	struct notify_curl	*k = arg;

	/* Past the cap the rest is dropped: only "sid" and "code" matter. */
	(void)buf_add(&k->response, p, size * n);
	return size * n;
}

static size_t
header_seen(char *p, size_t size, size_t n, void *arg)
{
	struct notify_curl	*k = arg;
	size_t			 len = size * n;
	char			 line[64], *end;
	long			 secs;

	if (len < 12 || len >= sizeof(line) || strncasecmp(p, "Retry-After:", 12))
		return len;
	memcpy(line, p + 12, len - 12);
	line[len - 12] = '\0';
	secs = strtol(line, &end, 10);
	if (end != line && secs > 0 && secs <= 86400)
		k->retry_after = secs * UTC_SEC;
	return len;
}

/* The gateway's "sid" into r->ref and its error "code" into *code. */
static void
read_reply(struct notify_curl *k, struct send_result *r, long *code)
{
	struct json_object	*o, *v;
	const char		*s;
	size_t			 i;

	*code = 0;
	if (k->response.data == NULL ||
	    (o = json_tokener_parse(k->response.data)) == NULL)
		return;
	if (json_object_object_get_ex(o, "sid", &v) &&
	    (s = json_object_get_string(v)) != NULL && strlen(s) < sizeof(r->ref)) {
		for (i = 0; s[i] != '\0' && s[i] > 0x20 && s[i] < 0x7f; i++)
			;
		if (s[i] == '\0')
			memcpy(r->ref, s, i + 1);
	}
	if (json_object_object_get_ex(o, "code", &v) &&
	    json_object_is_type(v, json_type_int))
		*code = (long)json_object_get_int64(v);
	json_object_put(o);
}

/* To, From (or MessagingServiceSid) and Body, form-encoded. NULL on failure. */
static char *
sms_form(CURL *h, const struct cfg *cfg, const char *to, const char *text)
{
	const char	*from_key = strncmp(cfg->notify_sms_from, "MG", 2) == 0 ?
	    "MessagingServiceSid" : "From";
	char		*a, *b, *c, *form = NULL;
	size_t		 n;

	a = curl_easy_escape(h, to, 0);
	b = curl_easy_escape(h, cfg->notify_sms_from, 0);
	c = curl_easy_escape(h, text, 0);
	if (a != NULL && b != NULL && c != NULL) {
		n = strlen(a) + strlen(b) + strlen(c) + 64;
		form = xmalloc(n);
		snprintf(form, n, "To=%s&%s=%s&Body=%s", a, from_key, b, c);
	}
	curl_free(a);
	curl_free(b);
	curl_free(c);
	return form;
}

static void
sms_classify(struct notify_curl *k, long status, struct send_result *r)
{
	long	 code;

	read_reply(k, r, &code);
	if (status >= 200 && status <= 299)
		return;
	r->retry_after = k->retry_after;
	if (status == 401 || status == 407) {
		log_errx("notify: the SMS gateway refuses our credentials "
		    "(check notify.sms_user and notify.sms_password)");
		result_set(r, SEND_TEMP, "HTTP %ld: authentication failed", status);
	} else if (status >= 500 || status == 429 || status == 408 ||
	    status == 425)
		result_set(r, SEND_TEMP, "HTTP %ld", status);
	else
		result_set(r, SEND_PERM, code != 0 ? "HTTP %ld (gateway code %ld)" :
		    "HTTP %ld", status, code);
}

void
notify_sms_send(struct notify_curl *k, const char *to, const char *text,
    const char *idem, struct send_result *r)
{
	const struct cfg	*cfg = k->cfg;
	struct curl_slist	*hdr = NULL;
	char			*form, line[128];
	long			 status = 0;
	CURLcode		 rc;

	memset(r, 0, sizeof(*r));
	if ((form = sms_form(k->http, cfg, to, text)) == NULL) {
		result_set(r, SEND_TEMP, "cannot encode the request");
		return;
	}
	snprintf(line, sizeof(line), "Idempotency-Key: %s", idem);
	hdr = curl_slist_append(hdr, line);
	hdr = curl_slist_append(hdr, "Accept: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	buf_clear(&k->response);
	k->retry_after = 0;
	common_opts(k, k->http, k->sms_is_loopback);
	curl_easy_setopt(k->http, CURLOPT_URL, cfg->notify_sms_url);
	curl_easy_setopt(k->http, CURLOPT_PROTOCOLS_STR,
	    k->sms_is_loopback ? "http,https" : "https");
	curl_easy_setopt(k->http, CURLOPT_USERAGENT, "concierge-notify/" VERSION);
	curl_easy_setopt(k->http, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(k->http, CURLOPT_POSTFIELDS, form);
	if (cfg->notify_sms_user != NULL) {
		curl_easy_setopt(k->http, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(k->http, CURLOPT_USERNAME, cfg->notify_sms_user);
		curl_easy_setopt(k->http, CURLOPT_PASSWORD,
		    cfg->notify_sms_password ? cfg->notify_sms_password : "");
	}
	curl_easy_setopt(k->http, CURLOPT_WRITEFUNCTION, response_write);
	curl_easy_setopt(k->http, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(k->http, CURLOPT_HEADERFUNCTION, header_seen);
	curl_easy_setopt(k->http, CURLOPT_HEADERDATA, k);
	rc = curl_easy_perform(k->http);
	curl_easy_getinfo(k->http, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	explicit_bzero(form, strlen(form));
	free(form);
	if (rc != CURLE_OK)
		transport_failure(k, rc, r);
	else
		sms_classify(k, status, r);
}
