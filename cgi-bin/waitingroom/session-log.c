/*
 * POST /api/v1/video-sessions/{id}/events {type, at, detail?,
 * amends_event_id?}: participants log what happened while the session
 * runs (joined, left, reconnected, media_quality, consent_captured); an
 * admin corrects the log afterwards with an 'amendment' event, never an
 * edit. POST .../end {notes_summary?}: the provider ends the session;
 * the duration is computed and the appointment completed. Detail and
 * notes are sealed at rest (lib/vault).
 */
#include "config.h"

#include <string.h>

#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/fields.h"
#include "lib/tx.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

static const char *const event_types[] = { "joined", "left", "reconnected",
    "media_quality", "consent_captured", "amendment", NULL };

struct wr_event_req {
	struct jv	 type;
	struct jv	 at;
	struct jv	 detail;
	struct jv	 amends_event_id;
};

#define E(n)	offsetof(struct wr_event_req, n)
const struct json_field session_event_fields[] = {
	{ "type", JF_ENUM, JF_REQUIRED, E(type), 0, 0, NULL, event_types, NULL, 0 },
	{ "at", JF_TIME, JF_REQUIRED, E(at), 0, 0, NULL, NULL, NULL, 0 },
	{ "detail", JF_STRING, JF_MULTILINE, E(detail), 1, WR_DETAIL_MAX, NULL,
	  NULL, NULL, 0 },
	{ "amends_event_id", JF_ID, 0, E(amends_event_id), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef E

struct wr_end_req {
	struct jv	 notes_summary;
};

const struct json_field session_end_fields[] = {
	{ "notes_summary", JF_STRING, JF_MULTILINE,
	  offsetof(struct wr_end_req, notes_summary), 1, WR_NOTES_MAX, NULL, NULL,
	  NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

/* Field rules that need the session: times, amendments. 0, or -1 (422). */
static int
event_checks(struct ctx *c, const struct wr_event_req *r,
    const struct wr_session *s, int is_amend, int64_t now)
{
	int64_t	 skew = c->cfg->wr_event_skew_seconds * UTC_SEC;
	int	 found = 0;

	if (r->at.i > now + skew)
		ctx_error(c, "at", "must not be in the future");
	else if (!is_amend && r->at.i < s->started_at - skew)
		ctx_error(c, "at", "is before the session started");
	if (is_amend && !r->detail.is_set)
		ctx_error(c, "detail", "is required for an amendment");
	if (!is_amend && r->amends_event_id.is_set)
		ctx_error(c, "amends_event_id", "only an amendment amends an event");
	if (c->nerrs == 0 && r->amends_event_id.is_set) {
		if (wr_store_event_exists(c->db, c->arena, s->id,
		    r->amends_event_id.s, &found) != DB_OK) {
			problem_unavailable(c);
			return -1;
		}
		if (!found)
			ctx_error(c, "amends_event_id", "no such event in this session");
	}
	if (c->nerrs == 0)
		return 0;
	problem_validation(c);
	return -1;
}

struct event_args {
	const struct wr_event	*ev;
	const struct wr_session	*s;
};

/* tx_run's step: the sealed event and its audit row. */
static int
event_tx(struct ctx *c, void *arg)
{
	const struct event_args	*a = arg;
	struct json_object	*meta;
	int			 rc;

	if ((rc = wr_store_event_insert(c->db, c->cfg, c->arena, a->ev)) != DB_OK)
		return rc;
	meta = json_object_new_object();
	jset_str(meta, "video_session_id", a->s->id);
	jset_str(meta, "type", a->ev->type);
	rc = wr_audit(c, strcmp(a->ev->type, "amendment") == 0 ? "amend" :
	    "create", "video_session_event", a->ev->id, a->s->patient_id,
	    "video session event logged", meta);
	json_object_put(meta);
	return rc;
}

static int
post_event(struct ctx *c)
{
	struct wr_event_req	 r;
	struct wr_session	 s;
	struct wr_event		 ev;
	struct event_args	 a;
	int64_t			 now = utc_now();
	int			 is_amend;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, session_event_fields, &r) == -1)
		return 0;
	is_amend = strcmp(r.type.s, "amendment") == 0;
	if (wr_session_load(c, is_amend ? POL_VS_AMEND : POL_VS_EVENT, "log", &s) ==
	    -1)
		return 0;
	if (!is_amend && strcmp(s.status, "running") != 0)
		return wr_conflict(c, "session_ended",
		    "this video session has ended; only an admin's amendment may follow");
	if (event_checks(c, &r, &s, is_amend, now) == -1)
		return 0;
	memset(&ev, 0, sizeof(ev));
	if (id_new(ev.id) == -1)
		return -1;
	ev.session_id = s.id;
	ev.type = r.type.s;
	ev.actor_id = c->actor.user_id;
	ev.actor_role = role_name(c->actor.role);
	ev.at = r.at.i;
	ev.recorded_at = now;
	ev.amends_event_id = r.amends_event_id.s;
	ev.detail = r.detail.s;
	ev.detail_len = r.detail.len;
	a.ev = &ev;
	a.s = &s;
	if (tx_run(c, event_tx, &a) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 201, wr_event_view(&ev));
	return 0;
}

struct end_args {
	struct wr_session	 loaded;	/* as read before the transaction */
	struct wr_session	 s;		/* as ended (each attempt from loaded) */
	const struct wr_end_req	*r;
};

/* tx_run's step: the end under the provider's presence lock; 2 if it ended already. */
static int
end_tx(struct ctx *c, void *arg)
{
	struct end_args	*a = arg;
	int64_t		 now = utc_now();
	int		 rc;

	a->s = a->loaded;
	if ((rc = wr_store_presence_lock(c->db, a->s.provider_id, now)) != DB_OK)
		return rc;
	return wr_end_session(c, &a->s, "provider", a->r->notes_summary.s,
	    a->r->notes_summary.len, now);
}

static int
end(struct ctx *c)
{
	struct wr_end_req	 r;
	struct end_args		 a;
	int			 rc;

	memset(&r, 0, sizeof(r));
	if (c->req->body != NULL && c->req->body_len > 0 &&
	    json_parse_body(c, session_end_fields, &r) == -1)
		return 0;
	if (wr_session_load(c, POL_VS_END, "end", &a.loaded) == -1)
		return 0;
	if (strcmp(a.loaded.status, "running") != 0)
		return wr_conflict(c, "session_ended", "this video session has ended");
	a.r = &r;
	if ((rc = tx_run(c, end_tx, &a)) == 2)
		return wr_conflict(c, "session_ended", "this video session has ended");
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, wr_session_view(&a.s, NULL));
	return 0;
}

int
wr_session_event(struct ctx *c)
{
	return idem_run(c, post_event);
}

int
wr_session_end(struct ctx *c)
{
	return idem_run(c, end);
}
