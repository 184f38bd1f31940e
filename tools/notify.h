/*
 * concierge-notify: the outbox sender. Shared types of its parts:
 *   notify.c         command line, configuration checks, the run loop
 *   notify-batch.c   one batch: claim, decide, send, record, release
 *   notify-decide.c  what to do with a row: preferences, quiet hours,
 *                    superseded reminders, rendering
 *   notify-quiet.c   quiet hours in the user's zone
 *   notify-mime.c    the email message (RFC 5322 + MIME)
 *   notify-curl.c    libcurl: SMTP and the SMS gateway, result classes
 *   notify-store.c   its SQL
 */
#ifndef CONCIERGE_TOOLS_NOTIFY_H
#define CONCIERGE_TOOLS_NOTIFY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/id.h"
#include "lib/mem.h"
#include "lib/outbox.h"
#include "lib/store-prefs.h"

/* Exit statuses. */
#define NOTIFY_EXIT_OK		0
#define NOTIFY_EXIT_USAGE	2
#define NOTIFY_EXIT_FAIL	3	/* configuration or database */

/* A claimed outbox row. Strings live in the batch arena. */
struct notify_row {
	unsigned long long	 id;
	enum outbox_channel	 channel;
	const char		*recipient;
	const char		*template;
	const char		*payload;	/* NULL: none */
	long			 attempts;	/* counting this claim */
	int64_t			 created_at;
	int64_t			 due_at;
};

/* A claim: the rows, the token that fences their updates, the lease end. */
struct notify_claim {
	char			 token[ID_LEN + 1];
	int64_t			 lease_end;
	struct notify_row	*rows;
	size_t			 n;
};

/* Totals of a run, printed at the end. */
struct notify_stats {
	unsigned long		 sent, retried, dead, cancelled, deferred;
	unsigned long		 released, lost;	/* lost: claim taken over */
};

enum send_class {
	SEND_OK = 0,
	SEND_TEMP,	/* try again later */
	SEND_PERM,	/* this message will never go: dead */
};

/* The outcome of one delivery attempt. */
struct send_result {
	enum send_class	 cls;
	char		 error[200];	/* no addresses, no texts */
	char		 ref[65];	/* gateway's message id, or "" */
	int64_t		 retry_after;	/* usec the gateway asked us to wait; 0 */
};

enum plan_kind {
	PLAN_SEND = 0,
	PLAN_CANCEL,	/* deliberately not sent: status cancelled, reason */
	PLAN_DEFER,	/* not now (quiet hours): pending again at until */
	PLAN_DEAD,	/* cannot be sent: status dead, reason */
};

/* What to do with a row, and for PLAN_SEND what to send to whom. */
struct notify_plan {
	enum plan_kind	 kind;
	const char	*reason;	/* fixed text, for last_error */
	int64_t		 until;		/* PLAN_DEFER */
	const char	*to;		/* email address or E.164 number */
	struct buf	 subject;	/* email */
	struct buf	 body;
};

/* The sender's state: configuration, connections, curl handles. */
struct notify_ctx {
	const struct cfg	*cfg;
	struct db		*db;
	struct arena		 arena;		/* per batch */
	struct notify_curl	*curl;
	const char		*mail_domain;	/* of notify.mail_from */
	struct notify_stats	 stats;
	volatile sig_atomic_t	*stop;		/* set by SIGTERM and SIGINT */
};

/* ---- notify-batch.c ---- */

/*
 * Claim up to notify.batch due rows and handle each. *n gets the number
 * claimed (0: nothing was due). 0, or -1 on a database failure.
 */
int	notify_batch(struct notify_ctx *, size_t *n);
/*
 * The retry delay after attempt number attempts (1-based): backoff
 * doubling from notify.backoff_seconds up to notify.backoff_max_seconds,
 * with jitter: a random point in the upper half of that. Usec.
 */
int64_t	notify_backoff(const struct cfg *, long attempts);

/* ---- notify-decide.c, notify-quiet.c ---- */

/* An empty plan with its buffers ready. */
void	notify_plan_init(struct notify_plan *);
void	notify_plan_release(struct notify_plan *);
/*
 * Decide what to do with row r at time now. 0 with *p filled, or -1 on
 * a database failure (the row is left to its lease).
 */
int	notify_decide(struct notify_ctx *, const struct notify_row *, int64_t now,
	    struct notify_plan *);
/*
 * Whether now lies in the quiet hours of p (with its timezone): 1 with
 * *until set to when they end, 0 if not (or no quiet hours), -1 if the
 * zone cannot be loaded.
 */
int	notify_quiet_until(const struct notify_prefs *, int64_t now, int64_t *until);

/* ---- notify-mime.c ---- */

/* What goes into one email. */
struct mime_mail {
	const char	*from_name;	/* UTF-8 display name */
	const char	*from_addr;
	const char	*to_addr;
	const char	*subject;	/* UTF-8 */
	const char	*body;		/* UTF-8 text, '\n' line ends */
	int64_t		 date;		/* usec */
	const char	*message_id;	/* without angle brackets */
};

/*
 * The message id of outbox row id created at created (stable across
 * retries, unique per row): "outbox.ID.CREATED@domain" into out of n
 * bytes. 0, or -1 if it does not fit.
 */
int	mime_message_id(unsigned long long id, int64_t created,
	    const char *domain, char *out, size_t n);
/*
 * The whole message (headers, blank line, quoted-printable UTF-8 text)
 * with CRLF line ends into out. 0, or -1 if it does not fit.
 */
int	mime_build(const struct mime_mail *, struct buf *out);
/*
 * A header value as RFC 2047 "B" encoded words of UTF-8 when it is not
 * plain printable ASCII (folded at 75 characters per word), else as is.
 * 0 or -1.
 */
int	mime_encode_words(const char *, struct buf *out);
/* Text as quoted-printable (RFC 2045), '\n' becoming CRLF. 0 or -1. */
int	mime_encode_qp(const char *, struct buf *out);
/* "Tue, 01 Dec 2026 14:30:00 +0000" (RFC 5322) into out[40]. */
void	mime_date(int64_t usec, char *out, size_t n);

/* ---- notify-curl.c ---- */

struct notify_curl;

/* Handles for SMTP and SMS, reused so connections stay open. NULL on failure. */
struct notify_curl *notify_curl_new(const struct cfg *);
void	notify_curl_free(struct notify_curl *);
/* 1 if url names a loopback host (127.0.0.0/8, ::1, localhost). */
int	notify_url_is_loopback(const char *url);
/* Send a built message to one recipient over SMTP. */
void	notify_smtp_send(struct notify_curl *, const char *to,
	    const struct buf *msg, struct send_result *);
/*
 * POST an SMS (To, From or MessagingServiceSid, Body) to the gateway
 * with basic auth; idem is sent as Idempotency-Key.
 */
void	notify_sms_send(struct notify_curl *, const char *to, const char *text,
	    const char *idem, struct send_result *);

/* ---- notify-store.c ---- */

/* Claim up to max due or abandoned rows for c (token and lease set by the caller). */
int	store_notify_claim(struct db *, struct arena *, int64_t now, size_t max,
	    struct notify_claim *c);
/* Record a delivery (ref may be ""). *owned 0 if the claim was lost. */
int	store_notify_sent(struct db *, const struct notify_claim *,
	    unsigned long long id, int64_t now, const char *ref, int *owned);
/* Back to pending at due_at with error (a failed attempt). */
int	store_notify_retry(struct db *, const struct notify_claim *,
	    unsigned long long id, int64_t due_at, const char *error, int *owned);
/* Back to pending at due_at without using up an attempt. */
int	store_notify_defer(struct db *, const struct notify_claim *,
	    unsigned long long id, int64_t due_at, const char *reason, int *owned);
/* Final: status 'dead' or 'cancelled' with the reason. */
int	store_notify_finish(struct db *, const struct notify_claim *,
	    unsigned long long id, const char *status, const char *reason,
	    int *owned);
/* Hand an unhandled row back at once (the attempt is given back). */
int	store_notify_release(struct db *, const struct notify_claim *,
	    unsigned long long id);

/* An appointment as texts need it. */
struct notify_appt {
	int		 is_found;
	int64_t		 start_at;
	int		 is_live;	/* scheduled or checked in */
	const char	*zone;		/* the provider's zone, or NULL */
};

int	store_notify_appt(struct db *, struct arena *, const char *id,
	    struct notify_appt *);

#endif
