/*
 * Side effects written in the command's transaction: audit rows, the
 * waiting_room.updated events of everyone a change moved, session
 * events, and the two transitions both the API and the sweeper apply
 * (closing an entry, ending a session). Event payloads are ids and
 * types only.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/store-appointment.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

int
wr_audit(struct ctx *c, const char *action, const char *entity_type,
    const char *entity_id, const char *patient_id, const char *summary,
    struct json_object *meta)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = entity_type;
	e.entity_id = entity_id;
	e.patient_id = patient_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = summary;
	e.metadata = meta;
	if (!c->actor.is_authenticated)
		e.actor_role = "system";
	return audit_append(c, &e);
}

static const struct wr_place *
find_place(const struct wr_snapshot *s, const char *entry_id)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->p[i].entry_id, entry_id) == 0)
			return &s->p[i];
	return NULL;
}

/* Whether what the patient sees changed: place, estimate, status, provider. */
static int
moved(const struct wr_snapshot *sa, const struct wr_place *a,
    const struct wr_snapshot *sb, const struct wr_place *b)
{
	return a == NULL || b == NULL || a->position != b->position ||
	    a->estimate != b->estimate || strcmp(a->status, b->status) != 0 ||
	    strcmp(sa->provider_status, sb->provider_status) != 0;
}

static int
updated(struct ctx *c, const struct wr_place *p, const char *skip)
{
	if (skip != NULL && strcmp(p->entry_id, skip) == 0)
		return DB_OK;
	return events_append(c->db, p->patient_id, "waiting_room.updated",
	    "waiting_room_entry", p->entry_id);
}

int
wr_notify_queue(struct ctx *c, const char *provider,
    const struct wr_snapshot *before, int64_t now, const char *skip)
{
	struct wr_snapshot	 after;
	size_t			 i;
	int			 rc;

	if ((rc = wr_snapshot_take(c, provider, now, &after)) != DB_OK)
		return rc;
	for (i = 0; i < before->n; i++)
		if (moved(before, &before->p[i], &after,
		    find_place(&after, before->p[i].entry_id)) &&
		    (rc = updated(c, &before->p[i], skip)) != DB_OK)
			return rc;
	for (i = 0; i < after.n; i++)
		if (find_place(before, after.p[i].entry_id) == NULL &&
		    (rc = updated(c, &after.p[i], skip)) != DB_OK)
			return rc;
	return events_append(c->db, provider, "waiting_room.updated",
	    "waiting_room", provider);
}

int
wr_notify_everyone(struct ctx *c, const char *provider, int64_t now)
{
	struct wr_snapshot	 s;
	size_t			 i;
	int			 rc;

	if ((rc = wr_snapshot_take(c, provider, now, &s)) != DB_OK)
		return rc;
	for (i = 0; i < s.n; i++)
		if ((rc = updated(c, &s.p[i], NULL)) != DB_OK)
			return rc;
	return events_append(c->db, provider, "waiting_room.updated",
	    "waiting_room", provider);
}

int
wr_notify_session(struct ctx *c, const struct wr_session *s, const char *type,
    const char *entity_type, const char *entity_id)
{
	int	 rc;

	if ((rc = events_append(c->db, s->patient_id, type, entity_type,
	    entity_id)) != DB_OK)
		return rc;
	return events_append(c->db, s->provider_id, type, entity_type, entity_id);
}

/* The appointment of a closed entry: back to scheduled, or no_show once started. */
static int
release_appointment(struct ctx *c, const struct wr_entry *e, int64_t now)
{
	unsigned long long	 n = 0;
	const char		*to = e->appt_start_at > now ? "scheduled" : "no_show";
	struct json_object	*meta;
	int			 rc;

	if ((rc = store_appt_set_status(c->db, e->appointment_id, "checked_in",
	    to, now, &n)) != DB_OK || n == 0)
		return rc;	/* cancelled or closed elsewhere: nothing to undo */
	meta = json_object_new_object();
	jset_str(meta, "from", "checked_in");
	jset_str(meta, "to", to);
	jset_str(meta, "waiting_room_entry_id", e->id);
	rc = wr_audit(c, strcmp(to, "no_show") == 0 ? "no_show" : "check_in_undo",
	    "appointment", e->appointment_id, e->patient_id,
	    strcmp(to, "no_show") == 0 ? "appointment marked no-show" :
	    "appointment back to scheduled", meta);
	json_object_put(meta);
	if (rc == DB_OK && strcmp(to, "no_show") == 0 &&
	    (rc = events_append(c->db, e->patient_id, "appointment.no_show",
	    "appointment", e->appointment_id)) == DB_OK)
		rc = events_append(c->db, e->provider_id, "appointment.no_show",
		    "appointment", e->appointment_id);
	return rc;
}

int
wr_close_entry(struct ctx *c, struct wr_entry *e, const char *from,
    const char *to, int64_t now, int64_t away_cutoff)
{
	struct wr_snapshot	 before;
	unsigned long long	 n = 0;
	int			 rc, is_leave = strcmp(to, "left") == 0;

	if ((rc = wr_snapshot_take(c, e->provider_id, now, &before)) != DB_OK ||
	    (rc = wr_store_entry_close(c->db, e->id, from, to, away_cutoff, now,
	    &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 2;
	e->status = to;
	e->ended_at = e->updated_at = now;
	if ((rc = release_appointment(c, e, now)) != DB_OK ||
	    (rc = wr_audit(c, is_leave ? "leave" : "remove", "waiting_room_entry",
	    e->id, e->patient_id, is_leave ? "patient left the waiting room" :
	    "entry removed from the waiting room", NULL)) != DB_OK)
		return rc;
	return wr_notify_queue(c, e->provider_id, &before, now, NULL);
}

/* Fold a session ended by its provider into the provider's pace and lateness. */
static int
learn(struct ctx *c, const struct wr_session *s, long duration, int64_t now)
{
	double	 booked = s->booked_minutes * 60.0;

	if (booked <= 0)
		return DB_OK;
	return wr_store_presence_learn(c->db, s->provider_id, duration / booked,
	    (double)(s->started_at - s->appt_start_at) / UTC_SEC, now);
}

static int
log_ended(struct ctx *c, const struct wr_session *s, const char *notes,
    size_t notes_len, int64_t now)
{
	struct wr_event	 ev;

	memset(&ev, 0, sizeof(ev));
	if (id_new(ev.id) == -1)
		return DB_ERROR;
	ev.session_id = s->id;
	ev.type = "ended";
	ev.actor_id = c->actor.is_authenticated ? c->actor.user_id : NULL;
	ev.actor_role = c->actor.is_authenticated ? role_name(c->actor.role) :
	    "system";
	ev.at = ev.recorded_at = now;
	ev.notes = notes;
	ev.notes_len = notes_len;
	return wr_store_event_insert(c->db, c->cfg, c->arena, &ev);
}

static int
complete_appointment(struct ctx *c, const struct wr_session *s, int64_t now)
{
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = store_appt_set_status(c->db, s->appointment_id, "in_session",
	    "completed", now, &n)) != DB_OK || n == 0)
		return rc;
	if ((rc = wr_audit(c, "complete", "appointment", s->appointment_id,
	    s->patient_id, "appointment completed", NULL)) != DB_OK)
		return rc;
	return wr_notify_session(c, s, "appointment.completed", "appointment",
	    s->appointment_id);
}

int
wr_end_session(struct ctx *c, struct wr_session *s, const char *reason,
    const char *notes, size_t notes_len, int64_t now)
{
	struct wr_snapshot	 before;
	struct json_object	*meta;
	unsigned long long	 n = 0;
	long			 dur;
	int			 rc;

	dur = now > s->started_at ? (long)((now - s->started_at) / UTC_SEC) : 0;
	if ((rc = wr_snapshot_take(c, s->provider_id, now, &before)) != DB_OK ||
	    (rc = wr_store_session_end(c->db, s->id, c->actor.is_authenticated ?
	    c->actor.user_id : NULL, reason, dur, now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 2;
	s->status = "ended";
	s->ended_at = now;
	s->ended_by = c->actor.is_authenticated ? c->actor.user_id : NULL;
	s->end_reason = reason;
	s->duration_seconds = dur;
	meta = json_object_new_object();
	jset_str(meta, "reason", reason);
	jset_int(meta, "duration_seconds", dur);
	jset_bool(meta, "has_notes", notes != NULL);
	rc = wr_audit(c, "end", "video_session", s->id, s->patient_id,
	    "video session ended", meta);
	json_object_put(meta);
	if (rc != DB_OK ||
	    (rc = log_ended(c, s, notes, notes_len, now)) != DB_OK ||
	    (rc = complete_appointment(c, s, now)) != DB_OK ||
	    (strcmp(reason, "provider") == 0 &&
	    (rc = learn(c, s, dur, now)) != DB_OK) ||
	    (rc = wr_store_presence_cas(c->db, s->provider_id, "busy",
	    "available", now)) != DB_OK ||
	    (rc = wr_notify_session(c, s, "video_session.ended", "video_session",
	    s->id)) != DB_OK)
		return rc;
	return wr_notify_queue(c, s->provider_id, &before, now, NULL);
}
