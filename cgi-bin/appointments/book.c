/*
 * POST /api/v1/appointments: a patient books for themselves, staff for
 * anyone. No provider is double-booked and no patient has overlapping
 * visits: the transaction locks the provider's profile row, then the
 * patient's (always in that order, so bookers never deadlock), and
 * only then looks for overlaps and inserts. Under READ COMMITTED the
 * overlap SELECT after the lock sees every booking committed before it.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/appointments/appointments.h"
#include "cgi-bin/appointments/fields.h"
#include "cgi-bin/appointments/store.h"

static const char *const visit_types[] = { "video", "in_person", NULL };

struct appt_book_req {
	struct jv	 provider_id;
	struct jv	 patient_id;
	struct jv	 start_at;
	struct jv	 duration_minutes;
	struct jv	 visit_type;
	struct jv	 location;
	struct jv	 reason;
	struct jv	 override_reason;
};

#define F(n)	offsetof(struct appt_book_req, n)
const struct json_field book_fields[] = {
	{ "provider_id", JF_ID, JF_REQUIRED, F(provider_id), 0, 0, NULL, NULL, NULL, 0 },
	{ "patient_id", JF_ID, 0, F(patient_id), 0, 0, NULL, NULL, NULL, 0 },
	{ "start_at", JF_TIME, JF_REQUIRED, F(start_at), 0, 0, NULL, NULL, NULL, 0 },
	{ "duration_minutes", JF_INT, JF_REQUIRED, F(duration_minutes),
	  APPT_DUR_MIN, APPT_DUR_MAX, NULL, NULL, NULL, 0 },
	{ "visit_type", JF_ENUM, JF_REQUIRED, F(visit_type), 0, 0, NULL, visit_types, NULL, 0 },
	{ "location", JF_STRING, 0, F(location), 1, 200, NULL, NULL, NULL, 0 },
	{ "reason", JF_STRING, JF_MULTILINE, F(reason), 0, 500, NULL, NULL, NULL, 0 },
	{ "override_reason", JF_STRING, 0, F(override_reason), 1, 500, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/*
 * Whether the provider can take a visit of visit_type: active (verified,
 * not disabled) and, for video, doing telehealth. 0, or 1 after a 422.
 */
static int
provider_takes(struct ctx *c, int found, int active, int tele,
    const char *visit_type)
{
	if (found && active && (tele || strcmp(visit_type, "video") != 0))
		return 0;
	ctx_error(c, "provider_id", !found ? "no such provider" : !active ?
	    "the provider is not taking appointments" :
	    "the provider does not take video visits");
	problem(c, 422, "provider_unavailable", "the provider cannot take this visit");
	return 1;
}

int
appt_lock_and_check(struct ctx *c, const char *provider_id,
    const char *patient_id, int64_t start, int64_t end,
    const char *visit_type, const char *exclude_id)
{
	int	 rc, found, active, tele, busy;

	if ((rc = store_provider_state(c->db, c->arena, provider_id, 1, &found,
	    &active, &tele)) != DB_OK)
		return rc;
	if (provider_takes(c, found, active, tele, visit_type) != 0)
		return 1;
	if ((rc = store_patient_lock(c->db, c->arena, patient_id, &found)) != DB_OK)
		return rc;
	if (!found) {
		ctx_error(c, "patient_id", "no such patient");
		problem_validation(c);
		return 1;
	}
	/* Cluster-safe: competing bookings write a common row (0017). */
	if ((rc = store_booking_fence(c->db, 0, provider_id)) != DB_OK ||
	    (rc = store_booking_fence(c->db, 1, patient_id)) != DB_OK)
		return rc;
	if ((rc = store_busy(c->db, c->arena, 0, provider_id, start, end,
	    exclude_id, &busy)) != DB_OK)
		return rc;
	if (busy) {
		problem(c, 409, "slot_taken", "the provider is booked at that time");
		return 1;
	}
	if ((rc = store_busy(c->db, c->arena, 1, patient_id, start, end,
	    exclude_id, &busy)) != DB_OK)
		return rc;
	if (busy) {
		problem(c, 409, "patient_busy",
		    "the patient has another visit at that time");
		return 1;
	}
	return DB_OK;
}

/* Who the visit is for; policy. 0, or -1 with the reply set. */
static int
book_policy(struct ctx *c, const struct appt_book_req *r, const char **patient)
{
	struct pol_resource	 res = { 0, 0 };

	*patient = r->patient_id.is_set ? r->patient_id.s : c->actor.user_id;
	res.is_self = c->actor.role == ROLE_PATIENT &&
	    strcmp(*patient, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_APPT_BOOK, &res) != POL_ALLOW) {
		audit_deny(c, "create", "appointment", NULL, NULL, 0);
		return -1;
	}
	if (r->override_reason.is_set &&
	    pol_check(&c->actor, POL_APPT_OVERRIDE, NULL) != POL_ALLOW) {
		audit_deny(c, "override", "appointment", NULL, *patient, 0);
		return -1;
	}
	if (c->actor.role != ROLE_PATIENT && !r->patient_id.is_set) {
		ctx_error(c, "patient_id", "is required when staff book");
		problem_validation(c);
		return -1;
	}
	return 0;
}

/*
 * Checks before any lock: the provider can take the visit, the time is in
 * the future, and (without a staff override) inside availability and
 * after the minimum notice. 0, or -1 with a 422 reply.
 */
static int
book_checks(struct ctx *c, const struct appt_book_req *r, int64_t end)
{
	struct avail	 av;
	int		 found, active, tele, in = 0;
	int64_t		 now = utc_now();

	if (store_provider_state(c->db, c->arena, r->provider_id.s, 0, &found,
	    &active, &tele) != DB_OK)
		goto fail;
	if (provider_takes(c, found, active, tele, r->visit_type.s) != 0)
		return -1;
	if (r->start_at.i <= now) {
		ctx_error(c, "start_at", "must be in the future");
		problem_validation(c);
		return -1;
	}
	if (r->override_reason.is_set)
		return 0;
	if (store_avail_get(c->db, c->arena, r->provider_id.s, &av, &found) != DB_OK ||
	    (found && (in = appt_within(c, &av, r->start_at.i, end)) == -1))
		goto fail;
	if (!in || r->start_at.i < now + c->cfg->appt_min_notice_minutes * UTC_MIN) {
		ctx_error(c, "start_at", !in ? "is outside the provider's availability" :
		    "is sooner than the minimum notice");
		problem(c, 422, "outside_availability",
		    "the provider is not available at that time");
		return -1;
	}
	return 0;
fail:
	problem_unavailable(c);
	return -1;
}

/*
 * Join the care team by the rule of lib/store-user.h (the provider's rows
 * are locked and checked already, so it cannot refuse but is asked all
 * the same). Returns an enum db_rc, or 1 after a 422.
 */
static int
book_care_team(struct ctx *c, const struct appt_row *a)
{
	enum care_team_add	 done;
	int			 rc;

	if ((rc = store_care_team_add(c->db, c->arena, a->patient_id,
	    a->provider_id, c->actor.user_id, a->created_at, &done)) != DB_OK)
		return rc;
	return done == CARE_TEAM_INELIGIBLE ?
	    provider_takes(c, 1, 0, 1, a->visit_type) : DB_OK;
}

/* The booking transaction (tx_run). Returns an enum db_rc, or 1 if answered. */
static int
book_tx(struct ctx *c, void *arg)
{
	const struct appt_row	*a = arg;
	struct json_object	*meta = NULL;
	int			 rc;

	if (a->override_reason != NULL) {
		meta = json_object_new_object();
		jset_bool(meta, "availability_override", 1);
	}
	if ((rc = appt_lock_and_check(c, a->provider_id, a->patient_id,
	    a->start_at, a->end_at, a->visit_type, NULL)) == DB_OK &&
	    (rc = store_appt_insert(c->db, a)) == DB_OK &&
	    (rc = book_care_team(c, a)) == DB_OK)
		rc = appt_effects(c, a, APPT_BOOKED, meta);
	json_object_put(meta);
	return rc;
}

int
appt_end_of(struct ctx *c, int64_t start, int64_t minutes, int64_t *end)
{
	if (utc_add(start, minutes * UTC_MIN, end) == 0)
		return 0;
	ctx_error(c, "duration_minutes",
	    "makes the visit end after 9999-12-31T23:59:59.999999Z");
	problem_validation(c);
	return -1;
}

static int
book(struct ctx *c)
{
	struct appt_book_req	 r;
	struct appt_row		 a;
	const char		*patient;
	int64_t			 end;
	int			 rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, book_fields, &r) == -1 ||
	    book_policy(c, &r, &patient) == -1 ||
	    appt_end_of(c, r.start_at.i, r.duration_minutes.i, &end) == -1 ||
	    book_checks(c, &r, end) == -1)
		return 0;
	memset(&a, 0, sizeof(a));
	if (id_new(a.id) == -1)
		return -1;
	a.provider_id = r.provider_id.s;
	a.patient_id = patient;
	a.start_at = r.start_at.i;
	a.end_at = end;
	a.status = "scheduled";
	a.visit_type = r.visit_type.s;
	a.location = r.location.s;
	a.reason = r.reason.s;
	a.booked_by = c->actor.user_id;
	a.override_reason = r.override_reason.s;
	a.cancelled_at = JTIME_NULL;
	a.created_at = a.updated_at = utc_now();
	if ((rc = tx_run(c, book_tx, &a)) == 1)
		return 0;
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 201, appt_view(&a));
	return 0;
}

int
appt_book(struct ctx *c)
{
	return idem_run(c, book);
}
