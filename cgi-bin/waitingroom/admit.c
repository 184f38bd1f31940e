/*
 * POST /api/v1/waiting-room/admit {entry_id?, provider_id?}: the
 * provider (or staff, admin) admits the next waiting patient, or the
 * given one. Atomic on three levels, so two clicks, two tabs or staff
 * and provider together admit an entry once and a provider never runs
 * two sessions:
 *   - the provider's presence row is locked FOR UPDATE first, which
 *     serialises every admission and end of that provider;
 *   - the entry (waiting -> admitted) and the appointment (checked_in ->
 *     in_session) move by compare-and-swap: a loser matches no row;
 *   - video_sessions.running_provider_id is UNIQUE: a second running
 *     session of one provider cannot be inserted (on a multi-primary
 *     cluster, where row locks are local, this and the CAS still hold
 *     as write-set conflicts, retried as deadlocks).
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/outbox.h"
#include "lib/events.h"
#include "lib/store-appointment.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/fields.h"
#include "lib/tx.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

struct wr_admit_req {
	struct jv	 entry_id;
	struct jv	 provider_id;
};

const struct json_field admit_fields[] = {
	{ "entry_id", JF_ID, 0, offsetof(struct wr_admit_req, entry_id), 0, 0,
	  NULL, NULL, NULL, 0 },
	{ "provider_id", JF_ID, 0, offsetof(struct wr_admit_req, provider_id), 0, 0,
	  NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

/* Outcomes of one attempt besides an enum db_rc. */
enum {
	ADMIT_MOVED = 2,	/* a CAS found the row moved: try again */
	ADMIT_RUNNING,		/* the provider already runs a session */
	ADMIT_NOT_WAITING,	/* the given entry is not waiting */
	ADMIT_EMPTY,		/* nobody is waiting */
	ADMIT_APPT,		/* the appointment left checked_in */
};

/* {"consent_signed_at", "captured_at", "source"} of the patient now. */
static const char *
consent_snapshot(struct ctx *c, const char *patient, int64_t now)
{
	struct json_object	*o;
	const char		*s;
	int64_t			 signed_at;

	if (wr_store_consent(c->db, c->arena, patient, &signed_at) != DB_OK)
		return NULL;
	o = json_object_new_object();
	jset_time(o, "consent_signed_at", signed_at);
	jset_bool(o, "consent_on_file", signed_at != JTIME_NULL);
	jset_time(o, "captured_at", now);
	jset_str(o, "source", "patient_profile");
	s = arena_strdup(c->arena, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

/* The session row (s->id already drawn) and its 'started' log event for entry e. */
static int
start_session(struct ctx *c, const struct wr_entry *e, struct wr_session *s,
    int64_t now)
{
	struct wr_event	 ev;
	int		 rc;

	memset(&ev, 0, sizeof(ev));
	if (id_new(ev.id) == -1)
		return DB_ERROR;
	s->appointment_id = e->appointment_id;
	s->entry_id = e->id;
	s->provider_id = e->provider_id;
	s->patient_id = e->patient_id;
	s->room = arena_printf(c->arena, "concierge-%s", s->id);
	s->status = "running";
	s->appt_start_at = e->appt_start_at;
	s->booked_minutes = e->booked_minutes;
	s->started_at = now;
	s->started_by = c->actor.user_id;
	s->ended_at = JTIME_NULL;
	s->duration_seconds = -1;
	if ((s->consent_snapshot = consent_snapshot(c, e->patient_id, now)) == NULL)
		return DB_ERROR;
	if ((rc = wr_store_session_insert(c->db, s)) != DB_OK)
		return rc == DB_DUPLICATE ? ADMIT_RUNNING : rc;
	ev.session_id = s->id;
	ev.type = "started";
	ev.actor_id = c->actor.user_id;
	ev.actor_role = role_name(c->actor.role);
	ev.at = ev.recorded_at = now;
	return wr_store_event_insert(c->db, c->cfg, c->arena, &ev);
}

/* Audit rows, events and the "provider is ready" notice of an admission. */
static int
admitted(struct ctx *c, const struct wr_entry *e, const struct wr_session *s)
{
	struct json_object	*meta;
	const char		*payload;
	int			 rc;

	meta = json_object_new_object();
	jset_str(meta, "appointment_id", e->appointment_id);
	jset_str(meta, "video_session_id", s->id);
	rc = wr_audit(c, "admit", "waiting_room_entry", e->id, e->patient_id,
	    "patient admitted", meta);
	if (rc == DB_OK)
		rc = wr_audit(c, "start", "video_session", s->id, e->patient_id,
		    "video session started", meta);
	payload = arena_strdup(c->arena, json_object_to_json_string_ext(meta,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(meta);
	if (rc != DB_OK ||
	    (rc = wr_audit(c, "start", "appointment", e->appointment_id,
	    e->patient_id, "appointment in session", NULL)) != DB_OK ||
	    (rc = events_append(c->db, e->patient_id, "waiting_room.admitted",
	    "waiting_room_entry", e->id)) != DB_OK ||
	    (rc = events_append(c->db, e->provider_id, "waiting_room.admitted",
	    "waiting_room_entry", e->id)) != DB_OK ||
	    (rc = wr_notify_session(c, s, "video_session.started",
	    "video_session", s->id)) != DB_OK)
		return rc;
	/* By email and SMS (the template has both; docs/NOTIFICATIONS.md). */
	return outbox_notify(c->db, e->patient_id, "provider_ready", payload, 0);
}

/* Lock the given entry or the next waiting one. An enum db_rc or ADMIT_*. */
static int
pick(struct ctx *c, const char *provider, const char *entry_id,
    struct wr_entry *e)
{
	int	 rc, found = 0;

	if (entry_id != NULL) {
		if ((rc = wr_store_entry_lock(c->db, c->arena, entry_id, e,
		    &found)) != DB_OK)
			return rc;
		return !found || strcmp(e->status, "waiting") != 0 ||
		    strcmp(e->provider_id, provider) != 0 ? ADMIT_NOT_WAITING : DB_OK;
	}
	if ((rc = wr_store_next_waiting(c->db, c->arena, provider, e, &found)) !=
	    DB_OK)
		return rc;
	return found ? DB_OK : ADMIT_EMPTY;
}

static int
admit_steps(struct ctx *c, const char *provider, const char *entry_id,
    struct wr_entry *e, struct wr_session *s, int64_t now)
{
	struct wr_snapshot	 before;
	struct wr_provider	 p;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = wr_store_presence_lock(c->db, provider, now)) != DB_OK ||
	    (rc = wr_store_provider(c->db, c->arena, provider, &p)) != DB_OK)
		return rc;
	if (p.running_id != NULL)
		return ADMIT_RUNNING;
	memset(s, 0, sizeof(*s));
	if (id_new(s->id) == -1)
		return DB_ERROR;
	if ((rc = wr_snapshot_take(c, provider, now, &before)) != DB_OK ||
	    (rc = pick(c, provider, entry_id, e)) != DB_OK ||
	    (rc = wr_store_entry_admit(c->db, e->id, s->id, now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return ADMIT_MOVED;
	if ((rc = store_appt_set_status(c->db, e->appointment_id, "checked_in",
	    "in_session", now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return ADMIT_APPT;
	if ((rc = start_session(c, e, s, now)) != DB_OK)
		return rc;
	e->status = "admitted";
	e->video_session_id = s->id;
	e->ended_at = e->updated_at = now;
	if ((rc = wr_store_presence_set(c->db, provider, "busy", now)) != DB_OK ||
	    (rc = admitted(c, e, s)) != DB_OK)
		return rc;
	return wr_notify_queue(c, provider, &before, now, e->id);
}

struct admit_args {
	const char		*provider;
	const char		*entry_id;	/* NULL: the next waiting */
	struct wr_entry		*e;
	struct wr_session	*s;
};

/* tx_run's step: the admission, or an ADMIT_* outcome (rolled back). */
static int
admit_tx(struct ctx *c, void *arg)
{
	struct admit_args	*a = arg;

	return admit_steps(c, a->provider, a->entry_id, a->e, a->s, utc_now());
}

/* Whose queue and which entry; policy. 0, or -1 with the reply set. */
static int
admit_target(struct ctx *c, const struct wr_admit_req *r, const char **provider)
{
	struct pol_resource	 res = { 0, 0 };
	struct wr_entry		 e;
	int			 found = 0;

	/* Roles that can never admit are refused before anything is looked up. */
	res.is_self = 1;
	if (pol_check(&c->actor, POL_WR_ADMIT, &res) != POL_ALLOW) {
		audit_deny(c, "admit", "waiting_room", NULL, NULL, 0);
		return -1;
	}
	*provider = r->provider_id.is_set ? r->provider_id.s :
	    c->actor.role == ROLE_PROVIDER ? c->actor.user_id : NULL;
	if (r->entry_id.is_set) {
		if (wr_store_entry_get(c->db, c->arena, r->entry_id.s, 0, &e,
		    &found) != DB_OK) {
			problem_unavailable(c);
			return -1;
		}
		if (!found) {
			problem(c, 404, "not_found", "no such waiting-room entry");
			return -1;
		}
		if (wr_allowed(c, POL_WR_ENTRY_READ, POL_WR_ADMIT, "admit",
		    "waiting_room_entry", e.id, e.patient_id, e.provider_id) == -1)
			return -1;
		if (*provider != NULL && strcmp(*provider, e.provider_id) != 0) {
			ctx_error(c, "entry_id", "is not in this provider's queue");
			problem_validation(c);
			return -1;
		}
		*provider = e.provider_id;
	}
	if (*provider == NULL) {
		ctx_error(c, "provider_id", "is required when staff admit the next patient");
		problem_validation(c);
		return -1;
	}
	res.is_self = strcmp(*provider, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_WR_ADMIT, &res) != POL_ALLOW) {
		audit_deny(c, "admit", "waiting_room", *provider, NULL, 0);
		return -1;
	}
	return 0;
}

/*
 * The reply is made from what the transaction wrote: nothing is read
 * after the commit (the display name for the token is read before it),
 * so a committed admission always answers 201. If the join credential
 * cannot be made, "join" is null and GET .../join issues it.
 */
static int
admit(struct ctx *c)
{
	struct wr_admit_req	 r;
	struct wr_entry		 e;
	struct wr_session	 s;
	struct admit_args	 a;
	struct json_object	*o, *join = NULL;
	const char		*provider, *name = NULL;
	int			 rc, tries, self;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, admit_fields, &r) == -1 ||
	    admit_target(c, &r, &provider) == -1)
		return 0;
	self = strcmp(c->actor.user_id, provider) == 0;
	if (self && wr_store_user_name(c->db, c->arena, provider, &name) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	a.provider = provider;
	a.entry_id = r.entry_id.is_set ? r.entry_id.s : NULL;
	a.e = &e;
	a.s = &s;
	/* tx_run retries deadlocks; a CAS that found the row moved, here. */
	for (tries = 0; (rc = tx_run(c, admit_tx, &a)) == ADMIT_MOVED &&
	    tries < WR_TX_TRIES; tries++)
		;
	switch (rc) {
	case DB_OK:
		break;
	case ADMIT_RUNNING:
		return wr_conflict(c, "session_running",
		    "the provider is already in a video session; end it first");
	case ADMIT_NOT_WAITING:
		return wr_conflict(c, "entry_not_waiting",
		    "that patient is not waiting (away, admitted or gone)");
	case ADMIT_EMPTY:
		return wr_conflict(c, "queue_empty", "nobody is waiting");
	case ADMIT_APPT:
	case ADMIT_MOVED:
		return wr_conflict(c, "conflict", "the waiting room changed meanwhile");
	default:
		problem_unavailable(c);
		return 0;
	}
	if (self && wr_join_view(c, &s, c->actor.user_id, name, &join) == -1)
		join = NULL;
	o = json_object_new_object();
	jset(o, "video_session", wr_session_view(&s, NULL));
	jset(o, "join", join);
	jset_str(o, "waiting_room_entry_id", e.id);
	json_reply(c, 201, o);
	return 0;
}

int
wr_admit(struct ctx *c)
{
	return idem_run(c, admit);
}
