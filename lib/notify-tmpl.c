/*
 * The notification templates and their rendering. Placeholders:
 *   {product}     notify.from_name          {portal}   notify.portal_url
 *   {when}        "Monday 1 February 2027 at 15:00 (America/New_York)"
 *   {when_short}  "Mon 1 Feb 15:00 (America/New_York)"
 *   {reset_link}  {portal}/reset-password#token=TOKEN
 *   {expires}     minutes a reset link works
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json.h>

#include "lib/notify-tmpl.h"
#include "lib/time.h"
#include "lib/tz.h"

#define FOOTER \
	"\n-- \nThis message was sent automatically by {product}; replies " \
	"are not read.\nYou can choose which messages you get in your " \
	"account settings.\n"

static const struct ntmpl templates[] = {
	{ "appointment_confirmation", NTMPL_SMS | NTMPL_APPOINTMENT,
	  "{product}: your appointment is booked",
	  "Hello,\n\nYour appointment on {when} is booked.\n\n"
	  "See the details, or join a video visit, in your portal:\n"
	  "{portal}\n" FOOTER,
	  "{product}: appointment booked for {when_short}. Details: {portal}" },
	{ "appointment_changed", NTMPL_SMS | NTMPL_APPOINTMENT,
	  "{product}: your appointment has moved",
	  "Hello,\n\nYour appointment has moved to {when}.\n\n"
	  "See the details in your portal:\n{portal}\n" FOOTER,
	  "{product}: your appointment moved to {when_short}. Details: {portal}" },
	{ "appointment_cancelled", NTMPL_SMS | NTMPL_APPOINTMENT,
	  "{product}: your appointment is cancelled",
	  "Hello,\n\nYour appointment on {when} has been cancelled.\n\n"
	  "To book another one, visit your portal:\n{portal}\n" FOOTER,
	  "{product}: your appointment on {when_short} is cancelled. {portal}" },
	{ "appointment_reminder", NTMPL_SMS | NTMPL_APPOINTMENT | NTMPL_REMINDER,
	  "{product}: reminder of your appointment",
	  "Hello,\n\nThis is a reminder of your appointment on {when}.\n\n"
	  "See the details, or join a video visit, in your portal:\n"
	  "{portal}\n" FOOTER,
	  "{product}: reminder, appointment {when_short}. Details: {portal}" },
	{ "password_reset", NTMPL_SECURITY | NTMPL_URGENT | NTMPL_RESET,
	  "{product}: reset your password",
	  "Hello,\n\nSomeone asked to reset the password of your {product} "
	  "account.\nIf it was you, open this link within {expires} minutes "
	  "and choose a new password:\n\n{reset_link}\n\n"
	  "If it was not you, ignore this message: your password stays as "
	  "it is.\n" FOOTER,
	  NULL },
	{ "mfa_replay", NTMPL_SECURITY | NTMPL_URGENT,
	  "{product}: a sign-in code was used again",
	  "Hello,\n\nA sign-in to your {product} account was refused because "
	  "its two-factor code had already been used.\n\n"
	  "If you did not just try to sign in, someone may know your "
	  "password: change it now in your portal:\n{portal}\n" FOOTER,
	  NULL },
	{ "lab_result_available", NTMPL_SMS,
	  "{product}: a new result is available",
	  "Hello,\n\nA new result is available in your portal.\n"
	  "Sign in to see it:\n{portal}\n" FOOTER,
	  "{product}: a new result is available in your portal: {portal}" },
	{ "new_secure_message", NTMPL_SMS,
	  "{product}: you have a new secure message",
	  "Hello,\n\nYou have a new secure message.\n"
	  "Sign in to read it:\n{portal}\n" FOOTER,
	  "{product}: you have a new secure message. Sign in to read it: {portal}" },
	{ "provider_ready", NTMPL_SMS | NTMPL_URGENT,
	  "{product}: your provider is ready",
	  "Hello,\n\nYour provider is ready for your video visit.\n"
	  "Join now from your portal:\n{portal}\n" FOOTER,
	  "{product}: your provider is ready. Join now: {portal}" },
};

#define NTEMPLATES	(sizeof(templates) / sizeof(templates[0]))

static const char *const day_names[7] = { "Monday", "Tuesday", "Wednesday",
	"Thursday", "Friday", "Saturday", "Sunday" };
static const char *const month_names[12] = { "January", "February",
	"March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December" };

const struct ntmpl *
ntmpl_find(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < NTEMPLATES; i++)
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	return NULL;
}

size_t
ntmpl_count(void)
{
	return NTEMPLATES;
}

const struct ntmpl *
ntmpl_at(size_t i)
{
	return i < NTEMPLATES ? &templates[i] : NULL;
}

static int
is_token(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != CRYPTO_TOKEN_LEN)
		return 0;
	for (i = 0; i < CRYPTO_TOKEN_LEN; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* The string member key of o, or NULL when absent or not a string. */
static const char *
member_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Appointment id and optional start. 0 or -1. */
static int
parse_appointment(struct json_object *o, struct ntmpl_payload *p)
{
	const char	*s;

	if (!id_is_valid(s = member_str(o, "appointment_id")))
		return -1;
	memcpy(p->appointment_id, s, ID_LEN + 1);
	p->has_appointment = 1;
	if (json_object_object_get_ex(o, "start_at", NULL) &&
	    ((s = member_str(o, "start_at")) == NULL ||
	    utc_parse(s, &p->start_at) == -1 || p->start_at <= 0))
		return -1;
	return 0;
}

/* Token and expiry of a reset. 0 or -1. */
static int
parse_reset(struct json_object *o, struct ntmpl_payload *p)
{
	struct json_object	*v;
	const char		*s;
	int64_t			 n;

	if (!is_token(s = member_str(o, "token")))
		return -1;
	memcpy(p->token, s, CRYPTO_TOKEN_LEN + 1);
	p->has_token = 1;
	p->expires_minutes = 30;
	if (json_object_object_get_ex(o, "expires_minutes", &v)) {
		if (!json_object_is_type(v, json_type_int) ||
		    (n = json_object_get_int64(v)) < 1 || n > 1440)
			return -1;
		p->expires_minutes = (long)n;
	}
	return 0;
}

int
ntmpl_payload_parse(const struct ntmpl *t, const char *json,
    struct ntmpl_payload *p)
{
	struct json_object	*o = NULL;
	int			 rc = -1;

	memset(p, 0, sizeof(*p));
	if (!(t->flags & (NTMPL_APPOINTMENT | NTMPL_RESET)))
		return 0;
	if (json == NULL || (o = json_tokener_parse(json)) == NULL ||
	    !json_object_is_type(o, json_type_object))
		goto out;
	if ((t->flags & NTMPL_APPOINTMENT) && parse_appointment(o, p) == -1)
		goto out;
	if ((t->flags & NTMPL_RESET) && parse_reset(o, p) == -1)
		goto out;
	rc = 0;
out:
	json_object_put(o);
	if (rc == -1)
		explicit_bzero(p, sizeof(*p));
	return rc;
}

/* {when} or {when_short} for the appointment's start in v's zone. 0 or -1. */
static int
add_when(struct buf *b, const struct ntmpl_vars *v, int is_short)
{
	struct tz_local	 l;
	const char	*zone = v->zone != NULL ? v->zone : "UTC";

	if (v->start_at <= 0 || tz_utc_to_local(zone, v->start_at, &l) == -1)
		return -1;
	if (is_short)
		return buf_addf(b, "%.3s %d %.3s %02d:%02d (%s)",
		    day_names[l.weekday], l.day, month_names[l.month - 1],
		    l.minute / 60, l.minute % 60, zone);
	return buf_addf(b, "%s %d %s %d at %02d:%02d (%s)", day_names[l.weekday],
	    l.day, month_names[l.month - 1], l.year, l.minute / 60,
	    l.minute % 60, zone);
}

/* The portal address without a trailing slash. 0 or -1. */
static int
add_portal(struct buf *b, const struct ntmpl_vars *v)
{
	size_t	 n;

	if (v->portal_url == NULL || (n = strlen(v->portal_url)) == 0)
		return -1;
	while (n > 1 && v->portal_url[n - 1] == '/')
		n--;
	return buf_add(b, v->portal_url, n);
}

/* Append the value of placeholder name (n bytes). 0 or -1. */
static int
add_var(struct buf *b, const char *name, size_t n, const struct ntmpl_vars *v)
{
#define IS(s)	(n == sizeof(s) - 1 && memcmp(name, s, n) == 0)
	if (IS("product"))
		return v->product == NULL ? -1 : buf_adds(b, v->product);
	if (IS("portal"))
		return add_portal(b, v);
	if (IS("when"))
		return add_when(b, v, 0);
	if (IS("when_short"))
		return add_when(b, v, 1);
	if (IS("expires"))
		return v->expires_minutes <= 0 ? -1 :
		    buf_addf(b, "%ld", v->expires_minutes);
	if (IS("reset_link"))
		return v->token == NULL || add_portal(b, v) == -1 ? -1 :
		    buf_addf(b, "/reset-password#token=%s", v->token);
#undef IS
	return -1;
}

/* Expand text into b (cleared first). 0 or -1. */
static int
expand(struct buf *b, const char *text, const struct ntmpl_vars *v)
{
	const char	*p = text, *open, *close;

	buf_clear(b);
	while ((open = strchr(p, '{')) != NULL) {
		if ((close = strchr(open, '}')) == NULL ||
		    buf_add(b, p, (size_t)(open - p)) == -1 ||
		    add_var(b, open + 1, (size_t)(close - open - 1), v) == -1)
			return -1;
		p = close + 1;
	}
	return buf_adds(b, p);
}

int
ntmpl_render(const struct ntmpl *t, int is_sms, const struct ntmpl_vars *v,
    struct buf *subject, struct buf *body)
{
	if (is_sms)
		return t->sms == NULL ? -1 : expand(body, t->sms, v);
	if (subject == NULL || expand(subject, t->subject, v) == -1)
		return -1;
	return expand(body, t->email, v);
}
