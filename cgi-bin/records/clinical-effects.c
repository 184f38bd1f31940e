/*
 * Side effects of clinical changes, written in the command's
 * transaction: one audit row, the events (ids and types only), and when
 * a lab result is released the patient's notification (a template name
 * and the id: no test name, no value). A patient hears nothing of a
 * record they may not see: no event for a preliminary result or a
 * draft plan.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/outbox.h"
#include "cgi-bin/records/clinical.h"

static const struct {
	const char	*action;	/* audit */
	const char	*summary;	/* audit, fixed text */
	const char	*event;		/* to the ordering provider */
	int		 tells_patient;	/* the event goes to the patient too */
	const char	*template;	/* outbox, to the patient; NULL: none */
} lab_changes[] = {
	{ "create", "lab result created", "lab_result.created", 0, NULL },
	{ "update", "lab result updated", "lab_result.updated", 0, NULL },
	{ "finalize", "lab result finalised", "lab_result.published", 1,
	  "lab_result_available" },
	{ "amend", "lab result amended", "lab_result.published", 1,
	  "lab_result_available" },
	{ "cancel", "lab result cancelled", "lab_result.cancelled", 0, NULL },
	{ "entered_in_error", "lab result entered in error",
	  "lab_result.withdrawn", 1, NULL },
};

static const struct {
	const char	*action;
	const char	*summary;
} plan_changes[] = {
	{ "create", "treatment plan created" },
	{ "update", "treatment plan updated" },
	{ "status", "treatment plan status changed" },
};

/* Event type of every plan change the patient can see. */
#define PLAN_EVENT	"treatment_plan.updated"

static int
audit_change(struct ctx *c, const char *action, const char *summary,
    const char *entity_type, const char *id, const char *patient_id,
    struct json_object *meta)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = entity_type;
	e.entity_id = id;
	e.patient_id = patient_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = summary;
	e.metadata = meta;
	return audit_append(c, &e);
}

/* {"lab_result_id": id}: the id only. Arena memory. */
static const char *
lab_payload(struct ctx *c, const char *id)
{
	struct json_object	*o = json_object_new_object();
	const char		*s;

	jset_str(o, "lab_result_id", id);
	s = arena_strdup(c->arena, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

int
lab_effects(struct ctx *c, const struct lab_rec *r, enum lab_change ch,
    struct json_object *meta)
{
	int	 rc;

	if ((rc = audit_change(c, lab_changes[ch].action,
	    lab_changes[ch].summary, "lab_result", r->id, r->patient_id,
	    meta)) != DB_OK ||
	    (rc = events_append(c->db, r->ordered_by, lab_changes[ch].event,
	    "lab_result", r->id)) != DB_OK)
		return rc;
	if (!lab_changes[ch].tells_patient)
		return DB_OK;
	if ((rc = events_append(c->db, r->patient_id, lab_changes[ch].event,
	    "lab_result", r->id)) != DB_OK)
		return rc;
	if (lab_changes[ch].template != NULL)
		rc = outbox_enqueue(c->db, OUTBOX_EMAIL, r->patient_id,
		    lab_changes[ch].template, lab_payload(c, r->id), 0);
	return rc;
}

int
plan_effects(struct ctx *c, const struct plan_rec *p, enum plan_change ch,
    int was_shared, struct json_object *meta)
{
	int	 rc;

	if ((rc = audit_change(c, plan_changes[ch].action,
	    plan_changes[ch].summary, "treatment_plan", p->id, p->patient_id,
	    meta)) != DB_OK)
		return rc;
	if (!was_shared && !plan_is_shared(p->status))
		return DB_OK;
	return events_append(c->db, p->patient_id, PLAN_EVENT,
	    "treatment_plan", p->id);
}
