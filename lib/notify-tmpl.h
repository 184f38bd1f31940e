/*
 * Notification templates: every outbox template name, the channels it
 * has, and its texts (docs/NOTIFICATIONS.md lists them). Texts carry no
 * PHI: fixed words, the product name and portal address from config,
 * and for appointments the date and time only. Nothing from a payload
 * reaches a text except a validated appointment time and a password
 * reset token.
 */
#ifndef CONCIERGE_NOTIFY_TMPL_H
#define CONCIERGE_NOTIFY_TMPL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/id.h"

#define NTMPL_SMS		0x01	/* has an SMS text */
#define NTMPL_SECURITY		0x02	/* by email whatever the preferences say */
#define NTMPL_URGENT		0x04	/* not held back by quiet hours */
#define NTMPL_APPOINTMENT	0x08	/* payload names an appointment */
#define NTMPL_REMINDER		0x10	/* void once its visit moved or ended */
#define NTMPL_RESET		0x20	/* payload carries a reset token */

/* Longest subject and body a template renders to. */
#define NTMPL_SUBJECT_MAX	256
#define NTMPL_BODY_MAX		4096

struct ntmpl {
	const char	*name;
	unsigned	 flags;
	const char	*subject;	/* email subject */
	const char	*email;		/* email body, text/plain */
	const char	*sms;		/* NULL without NTMPL_SMS */
};

/* What a payload may contribute, validated (ntmpl_payload_parse). */
struct ntmpl_payload {
	int	 has_appointment;
	char	 appointment_id[ID_LEN + 1];
	int64_t	 start_at;		/* 0: not in the payload */
	int	 has_token;
	char	 token[CRYPTO_TOKEN_LEN + 1];
	long	 expires_minutes;
};

/* Everything a text may show. */
struct ntmpl_vars {
	const char	*product;	/* notify.from_name */
	const char	*portal_url;	/* notify.portal_url */
	const char	*zone;		/* IANA zone for times; NULL: UTC */
	int64_t		 start_at;	/* the appointment's start; 0: none */
	const char	*token;		/* reset token; NULL: none */
	long		 expires_minutes;
};

/* The template called name, or NULL. */
const struct ntmpl *ntmpl_find(const char *name);
/* Number of templates, and the i-th (0-based), for listings and tests. */
size_t	ntmpl_count(void);
const struct ntmpl *ntmpl_at(size_t i);

/*
 * Take what template t needs from payload_json (may be NULL): an
 * appointment id (and optional start_at) for appointment templates, a
 * token (43 base64url characters) and expires_minutes for a reset.
 * Every other key is ignored. 0, or -1 when a needed value is missing
 * or malformed (the row cannot be sent).
 */
int	ntmpl_payload_parse(const struct ntmpl *, const char *payload_json,
	    struct ntmpl_payload *);
/*
 * Render the SMS text (is_sms) or the email subject and body of t with
 * v into subject (email only; may be NULL for SMS) and body, which are
 * cleared first. 0, or -1 if a value the text needs is missing or the
 * text does not fit.
 */
int	ntmpl_render(const struct ntmpl *, int is_sms, const struct ntmpl_vars *,
	    struct buf *subject, struct buf *body);

#endif
