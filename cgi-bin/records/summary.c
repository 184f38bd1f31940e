/*
 * GET /api/v1/patients/{id}/summary: the patient's dashboard in one
 * request (the patient, their care team, staff): the profile, the
 * latest released lab results, the active treatment plans, the next
 * visits and counts. One audit row for the whole read names every id it
 * returned. The dashboard shows released results only, whoever asks:
 * it is the patient's own view of their record.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/records/clinical.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/store-labs.h"
#include "cgi-bin/records/store-plans.h"
#include "cgi-bin/records/store-records.h"
#include "cgi-bin/records/store-summary.h"

/* Active plans shown at most (a patient has a few). */
#define SUMMARY_PLANS	20

struct summary {
	struct patient_rec	 patient;
	struct lab_rec		*labs;
	size_t			 nlabs;
	struct plan_rec		*plans;
	size_t			 nplans;
	struct visit_rec	*visits;
	size_t			 nvisits;
	long long		 unread;	/* the reader's, about the patient */
};

/*
 * Read everything, text opened. DB_OK, 1 after a 404, 2 when a value
 * does not open, or an enum db_rc.
 */
static int
summary_load(struct ctx *c, const char *id, struct summary *s)
{
	struct lab_query	 lq;
	struct plan_query	 pq;
	size_t			 i;
	int			 rc, found = 0;

	if ((rc = store_patient_rec(c->db, c->arena, id, &s->patient,
	    &found)) != DB_OK)
		return rc;
	if (!found) {
		problem(c, 404, "not_found", "no such record");
		return 1;
	}
	memset(&lq, 0, sizeof(lq));
	lq.scope = CLIN_SCOPE_PATIENT_VISIBLE;
	lq.scope_id = id;
	lq.lo = CLIN_T_MIN;
	lq.hi = CLIN_T_MAX;
	lq.cur_at = CLIN_T_MAX + 1;
	lq.cur_id = "";
	lq.limit = CLIN_SUMMARY_LABS - 1;	/* the store reads one more */
	memset(&pq, 0, sizeof(pq));
	pq.scope = CLIN_SCOPE_PATIENT;
	pq.scope_id = id;
	pq.status = "active";
	pq.cur_at = CLIN_T_MAX;
	pq.cur_id = "";
	pq.limit = SUMMARY_PLANS - 1;
	if ((rc = store_lab_list(c->db, c->arena, &lq, &s->labs,
	    &s->nlabs)) != DB_OK ||
	    (rc = store_plan_list(c->db, c->arena, &pq, &s->plans,
	    &s->nplans)) != DB_OK ||
	    (rc = store_summary_visits(c->db, c->arena, id, utc_now(),
	    CLIN_SUMMARY_VISITS, &s->visits, &s->nvisits)) != DB_OK ||
	    (rc = store_summary_unread(c->db, c->arena, c->actor.user_id, id,
	    &s->unread)) != DB_OK)
		return rc;
	for (i = 0; i < s->nlabs; i++)
		if (lab_open(c, &s->labs[i]) == -1)
			return 2;
	for (i = 0; i < s->nplans; i++)
		if (plan_open(c, &s->plans[i]) == -1)
			return 2;
	return DB_OK;
}

/* The one audit row: the ids of everything shown, by kind. */
static int
summary_audit(struct ctx *c, const struct summary *s)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	struct json_object	*labs = json_object_new_array();
	struct json_object	*plans = json_object_new_array();
	struct json_object	*visits = json_object_new_array();
	size_t			 i;
	int			 rc;

	for (i = 0; i < s->nlabs; i++)
		json_object_array_add(labs, json_object_new_string(s->labs[i].id));
	for (i = 0; i < s->nplans; i++)
		json_object_array_add(plans,
		    json_object_new_string(s->plans[i].id));
	for (i = 0; i < s->nvisits; i++)
		json_object_array_add(visits,
		    json_object_new_string(s->visits[i].id));
	jset(meta, "lab_result_ids", labs);
	jset(meta, "treatment_plan_ids", plans);
	jset(meta, "appointment_ids", visits);
	memset(&e, 0, sizeof(e));
	e.action = "read";
	e.entity_type = "patient_summary";
	e.entity_id = s->patient.id;
	e.patient_id = s->patient.id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "patient summary read";
	e.metadata = meta;
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

static struct json_object *
visit_view(const struct visit_rec *v)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", v->id);
	jset_str(o, "provider_id", v->provider_id);
	jset_str(o, "provider_name", v->provider_name);
	jset_time(o, "start_at", v->start_at);
	jset_time(o, "end_at", v->end_at);
	jset_str(o, "status", v->status);
	jset_str(o, "visit_type", v->visit_type);
	jset_str(o, "location", v->location);
	return o;
}

static struct json_object *
summary_view(const struct summary *s)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*a, *counts;
	size_t			 i;

	jset(o, "patient", records_patient_json(&s->patient));
	a = json_object_new_array();
	for (i = 0; i < s->nlabs; i++)
		json_object_array_add(a, lab_view(&s->labs[i]));
	jset(o, "lab_results", a);
	a = json_object_new_array();
	for (i = 0; i < s->nplans; i++)
		json_object_array_add(a, plan_view(&s->plans[i]));
	jset(o, "treatment_plans", a);
	a = json_object_new_array();
	for (i = 0; i < s->nvisits; i++)
		json_object_array_add(a, visit_view(&s->visits[i]));
	jset(o, "upcoming_appointments", a);
	counts = json_object_new_object();
	jset_int(counts, "unread_messages", s->unread);
	jset(o, "counts", counts);
	return o;
}

int
records_patient_summary(struct ctx *c)
{
	struct summary	 s;
	int		 rc;

	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (!clin_patient_visible(c, POL_PATIENT_SUMMARY, c->cap[0], "read",
	    "patient_summary", c->cap[0], NULL))
		return 0;
	memset(&s, 0, sizeof(s));
	if ((rc = summary_load(c, c->cap[0], &s)) == 1)
		return 0;
	if (rc == 2)
		return -1;
	if (rc != DB_OK || summary_audit(c, &s) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, summary_view(&s));
	return 0;
}
