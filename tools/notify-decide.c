/*
 * What to do with one claimed row, decided just before sending from the
 * state of now (not of when it was queued): the recipient's account and
 * preferences, the appointment it is about, the quiet hours.
 *
 *   unknown template, bad payload, no such user  -> dead
 *   disabled user                                -> cancelled
 *   email turned off (not a security text)       -> cancelled
 *   SMS turned off, no phone, no gateway         -> cancelled
 *   a reminder whose visit moved or ended        -> cancelled (superseded)
 *   quiet hours (not urgent)                     -> pending until they end
 *   otherwise                                    -> send the rendered text
 */
#include "config.h"

#include <string.h>

#include "lib/notify-tmpl.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/tz.h"
#include "lib/valid.h"
#include "tools/notify.h"

void
notify_plan_init(struct notify_plan *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->subject, NTMPL_SUBJECT_MAX);
	buf_init(&p->body, NTMPL_BODY_MAX);
}

void
notify_plan_release(struct notify_plan *p)
{
	if (p->body.data != NULL)
		explicit_bzero(p->body.data, p->body.len);
	buf_release(&p->subject);
	buf_release(&p->body);
}

static int
plan_end(struct notify_plan *p, enum plan_kind kind, const char *reason)
{
	p->kind = kind;
	p->reason = reason;
	return 0;
}

/* The recipient's address for the row's channel, or a reason not to send. */
static void
pick_address(struct notify_ctx *n, const struct notify_row *r,
    const struct ntmpl *t, const struct user_row *u,
    const struct notify_prefs *pr, struct notify_plan *p)
{
	if (r->channel == OUTBOX_EMAIL) {
		if (!pr->email_enabled && !(t->flags & NTMPL_SECURITY))
			plan_end(p, PLAN_CANCEL, "email turned off by the user");
		else if (u->email == NULL ||
		    valid_email(u->email, strlen(u->email)) != NULL)
			plan_end(p, PLAN_DEAD, "no usable email address");
		else
			p->to = u->email;
		return;
	}
	if (n->cfg->notify_sms_url == NULL)
		plan_end(p, PLAN_CANCEL, "no SMS gateway configured");
	else if (!pr->sms_enabled)
		plan_end(p, PLAN_CANCEL, "sms turned off by the user");
	else if (u->phone == NULL)
		plan_end(p, PLAN_CANCEL, "no phone number");
	else if (valid_phone(u->phone, strlen(u->phone)) != NULL)
		plan_end(p, PLAN_DEAD, "phone number not in E.164 form");
	else
		p->to = u->phone;
}

/*
 * The appointment's time and zone into v, or a reason not to send: a
 * reminder goes only while its visit is still on, at the time it was
 * made for, and not yet begun. 0, or -1 on a database failure.
 */
static int
appointment_vars(struct notify_ctx *n, const struct notify_row *r,
    const struct ntmpl *t, const struct ntmpl_payload *pl,
    const struct notify_prefs *pr, int64_t now, struct ntmpl_vars *v,
    struct notify_plan *p)
{
	struct notify_appt	 a;

	if (store_notify_appt(n->db, &n->arena, pl->appointment_id, &a) != DB_OK)
		return -1;
	if (!a.is_found)
		return plan_end(p, PLAN_DEAD, "no such appointment");
	if ((t->flags & NTMPL_REMINDER) && (!a.is_live || a.start_at <= now ||
	    (pl->start_at != 0 && pl->start_at != a.start_at)))
		return plan_end(p, PLAN_CANCEL, "superseded");
	v->start_at = pl->start_at != 0 ? pl->start_at : a.start_at;
	v->zone = pr->timezone != NULL ? pr->timezone :
	    a.zone != NULL && tz_is_valid(a.zone) ? a.zone : "UTC";
	return 0;
}

/* Fill v from the payload, the appointment and the config. 0 or -1. */
static int
make_vars(struct notify_ctx *n, const struct notify_row *r,
    const struct ntmpl *t, const struct notify_prefs *pr, int64_t now,
    struct ntmpl_payload *pl, struct ntmpl_vars *v, struct notify_plan *p)
{
	memset(v, 0, sizeof(*v));
	v->product = n->cfg->notify_from_name;
	v->portal_url = n->cfg->notify_portal_url;
	if (ntmpl_payload_parse(t, r->payload, pl) == -1)
		return plan_end(p, PLAN_DEAD, "payload unusable for the template");
	if (pl->has_token) {
		v->token = pl->token;
		v->expires_minutes = pl->expires_minutes;
	}
	if (t->flags & NTMPL_APPOINTMENT)
		return appointment_vars(n, r, t, pl, pr, now, v, p);
	return 0;
}

/* Quiet hours hold back what is not urgent (p then says defer). */
static void
check_quiet(const struct ntmpl *t, const struct notify_prefs *pr, int64_t now,
    struct notify_plan *p)
{
	int64_t	 until;

	if ((t->flags & NTMPL_URGENT) || notify_quiet_until(pr, now, &until) != 1)
		return;
	p->until = until;
	plan_end(p, PLAN_DEFER, "quiet hours");
}

int
notify_decide(struct notify_ctx *n, const struct notify_row *r, int64_t now,
    struct notify_plan *p)
{
	const struct ntmpl	*t = ntmpl_find(r->template);
	struct user_row		 u;
	struct notify_prefs	 pr;
	struct ntmpl_payload	 pl;
	struct ntmpl_vars	 v;
	int			 found, rc = -1;

	p->kind = PLAN_SEND;
	memset(&pl, 0, sizeof(pl));
	if (t == NULL)
		return plan_end(p, PLAN_DEAD, "unknown template");
	if (r->channel == OUTBOX_SMS && !(t->flags & NTMPL_SMS))
		return plan_end(p, PLAN_DEAD, "the template has no SMS text");
	if (r->attempts > n->cfg->notify_max_attempts)
		return plan_end(p, PLAN_DEAD, "abandoned by senders too often");
	if (store_user_by_id(n->db, &n->arena, r->recipient, &u, &found) != DB_OK ||
	    (found && store_prefs_get(n->db, &n->arena, r->recipient, &pr) != DB_OK))
		return -1;
	if (!found)
		return plan_end(p, PLAN_DEAD, "no such recipient");
	if (u.is_disabled)
		return plan_end(p, PLAN_CANCEL, "recipient disabled");
	pick_address(n, r, t, &u, &pr, p);
	if (p->kind != PLAN_SEND)
		return 0;
	if (make_vars(n, r, t, &pr, now, &pl, &v, p) == -1)
		goto out;
	if (p->kind == PLAN_SEND)
		check_quiet(t, &pr, now, p);
	if (p->kind == PLAN_SEND && ntmpl_render(t, r->channel == OUTBOX_SMS,
	    &v, &p->subject, &p->body) == -1)
		plan_end(p, PLAN_DEAD, "the text cannot be rendered");
	rc = 0;
out:
	explicit_bzero(&pl, sizeof(pl));
	return rc;
}
