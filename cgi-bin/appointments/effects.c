/*
 * Side effects of an appointment change, written in the command's
 * transaction: one audit row, outbox rows for the patient and the
 * provider on every channel the template has (ids, the visit's start
 * and template names only, never PHI) and their events.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/outbox.h"
#include "lib/time.h"
#include "cgi-bin/appointments/appointments.h"
#include "cgi-bin/appointments/store.h"

static const struct {
	const char	*action;	/* audit */
	const char	*summary;	/* audit, fixed text */
	const char	*template;	/* outbox; NULL: no notification */
	const char	*event;
	int		 has_reminder;	/* a reminder 24 h before start */
	int		 drops_reminders;
} changes[] = {
	{ "create", "appointment booked", "appointment_confirmation",
	  "appointment.booked", 1, 0 },
	{ "reschedule", "appointment rescheduled", "appointment_changed",
	  "appointment.rescheduled", 1, 1 },
	{ "cancel", "appointment cancelled", "appointment_cancelled",
	  "appointment.cancelled", 0, 1 },
	{ "no_show", "appointment marked no-show", NULL,
	  "appointment.no_show", 0, 1 },
	{ "complete", "appointment completed", NULL,
	  "appointment.completed", 0, 0 },
};

/*
 * {"appointment_id", "recipient_role", "start_at"}: ids, a role name and
 * the start the notice is about (texts may show the date and time; the
 * sender drops a reminder whose visit no longer starts then).
 */
static const char *
payload(struct ctx *c, const struct appt_row *r, const char *role)
{
	struct json_object	*o = json_object_new_object();
	const char		*s;

	jset_str(o, "appointment_id", r->id);
	jset_str(o, "recipient_role", role);
	jset_time(o, "start_at", r->start_at);
	s = arena_strdup(c->arena, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static int
notify(struct ctx *c, const struct appt_row *r, enum appt_change ch)
{
	const char	*who[2] = { r->patient_id, r->provider_id };
	const char	*role[2] = { "patient", "provider" };
	int64_t		 due;
	int		 i, rc, has_due;

	has_due = utc_add(r->start_at, -UTC_DAY, &due) == 0;
	if (changes[ch].drops_reminders &&
	    (rc = store_reminders_drop(c->db, r)) != DB_OK)
		return rc;
	for (i = 0; i < 2; i++) {
		if (changes[ch].template != NULL && (rc = outbox_notify(c->db,
		    who[i], changes[ch].template, payload(c, r, role[i]),
		    0)) != DB_OK)
			return rc;
		/* Booked less than a day ahead: the confirmation is the reminder. */
		if (changes[ch].has_reminder && has_due && due > utc_now() &&
		    (rc = outbox_notify(c->db, who[i], "appointment_reminder",
		    payload(c, r, role[i]), due)) != DB_OK)
			return rc;
		if ((rc = events_append(c->db, who[i], changes[ch].event,
		    "appointment", r->id)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

int
appt_effects(struct ctx *c, const struct appt_row *r, enum appt_change ch,
    struct json_object *meta)
{
	struct audit_entry	 e;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = changes[ch].action;
	e.entity_type = "appointment";
	e.entity_id = r->id;
	e.patient_id = r->patient_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = changes[ch].summary;
	e.metadata = meta;
	if ((rc = audit_append(c, &e)) != DB_OK)
		return rc;
	return notify(c, r, ch);
}
