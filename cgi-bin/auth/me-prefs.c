/*
 * notification_preferences in GET and PATCH /api/v1/me:
 *   {"email": true, "sms": true,
 *    "quiet_hours": {"start": "22:00", "end": "07:00"} | null,
 *    "timezone": "Europe/Berlin" | null}
 * A PATCH may send any of the four; quiet_hours null clears them. Quiet
 * hours need a time zone (sent now or stored before). Security mails
 * (password reset, MFA alerts) go out whatever these say.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/store-prefs.h"
#include "lib/time.h"
#include "lib/tz.h"
#include "cgi-bin/auth/me-prefs.h"

static const char *
valid_hhmm(const char *s, size_t n)
{
	if (n != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9' ||
	    (s[0] == '2' && s[1] > '3'))
		return "must be a time of day such as 22:00";
	return NULL;
}

static const char *
valid_zone(const char *s, size_t n)
{
	return tz_is_valid(s) ? NULL :
	    "must be an IANA time zone such as Europe/Berlin";
}

#define Q(n)	offsetof(struct me_quiet_req, n)
const struct json_field me_quiet_fields[] = {
	{ "start", JF_STRING, JF_REQUIRED, Q(start), 5, 5, valid_hhmm, NULL, NULL, 0 },
	{ "end", JF_STRING, JF_REQUIRED, Q(end), 5, 5, valid_hhmm, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef Q

#define P(n)	offsetof(struct me_prefs_req, n)
const struct json_field me_prefs_fields[] = {
	{ "email", JF_BOOL, 0, P(email), 0, 0, NULL, NULL, NULL, 0 },
	{ "sms", JF_BOOL, 0, P(sms), 0, 0, NULL, NULL, NULL, 0 },
	{ "quiet_hours", JF_OBJECT, JF_NULLABLE, P(quiet_hours), 0, 0, NULL, NULL,
	  me_quiet_fields, sizeof(struct me_quiet_req) },
	{ "timezone", JF_STRING, JF_NULLABLE, P(timezone), 1, TZ_NAME_MAX,
	  valid_zone, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef P

static int
hhmm_minutes(const char *s)
{
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 +
	    (s[4] - '0');
}

int
me_prefs_add(struct ctx *c, struct json_object *o, const char *user_id)
{
	struct notify_prefs	 p;
	struct json_object	*v, *q = NULL;
	char			 t[32];

	if (store_prefs_get(c->db, c->arena, user_id, &p) != DB_OK)
		return -1;
	v = json_object_new_object();
	jset_bool(v, "email", p.email_enabled);
	jset_bool(v, "sms", p.sms_enabled);
	if (p.has_quiet) {
		q = json_object_new_object();
		snprintf(t, sizeof(t), "%02d:%02d", p.quiet_start_min / 60,
		    p.quiet_start_min % 60);
		jset_str(q, "start", t);
		snprintf(t, sizeof(t), "%02d:%02d", p.quiet_end_min / 60,
		    p.quiet_end_min % 60);
		jset_str(q, "end", t);
	}
	jset(v, "quiet_hours", q);
	jset_str(v, "timezone", p.timezone);
	jset(o, "notification_preferences", v);
	return 0;
}

/* Merge the request r into p; record errors. 0, or -1 if invalid. */
static int
merge(struct ctx *c, const struct me_prefs_req *r, struct notify_prefs *p)
{
	const struct me_quiet_req	*q = r->quiet_hours.items;

	if (r->email.is_set)
		p->email_enabled = r->email.i != 0;
	if (r->sms.is_set)
		p->sms_enabled = r->sms.i != 0;
	if (r->timezone.is_set)
		p->timezone = r->timezone.is_null ? NULL : r->timezone.s;
	if (r->quiet_hours.is_set && r->quiet_hours.is_null)
		p->has_quiet = 0;
	else if (r->quiet_hours.is_set) {
		p->has_quiet = 1;
		p->quiet_start_min = hhmm_minutes(q->start.s);
		p->quiet_end_min = hhmm_minutes(q->end.s);
		if (p->quiet_start_min == p->quiet_end_min) {
			ctx_error(c, "notification_preferences.quiet_hours.end",
			    "must differ from start");
			return -1;
		}
	}
	if (p->has_quiet && p->timezone == NULL) {
		ctx_error(c, "notification_preferences.timezone",
		    "is required with quiet_hours");
		return -1;
	}
	return 0;
}

int
me_prefs_apply(struct ctx *c, const struct jv *v, const char *user_id)
{
	struct notify_prefs	 p;
	int64_t			 now = utc_now();
	int			 rc;

	if (!v->is_set)
		return DB_OK;
	if ((rc = store_prefs_lock(c->db, c->arena, user_id, now, &p)) != DB_OK)
		return rc;
	if (merge(c, v->items, &p) == -1)
		return ME_PREFS_INVALID;
	return store_prefs_update(c->db, user_id, &p, now);
}
