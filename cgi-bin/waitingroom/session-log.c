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

static int
event_tx(struct ctx *c, const struct wr_event *ev, const struct wr_session *s)
{
	struct json_object	*meta;
	int			 rc;

	if ((rc = db_begin(c->db)) != DB_OK)
		return rc;
	if ((rc = wr_store_event_insert(c->db, c->cfg, c->arena, ev)) == DB_OK) {
		meta = json_object_new_object();
		jset_str(meta, "video_session_id", s->id);
		jset_str(meta, "type", ev->type);
		rc = wr_audit(c, strcmp(ev->type, "amendment") == 0 ? "amend" :
		    "create", "video_session_event", ev->id, s->patient_id,
		    "video session event logged", meta);
		json_object_put(meta);
		if (rc == DB_OK)
			rc = db_commit(c->db);
	}
	if (rc != DB_OK)
		db_rollback(c->db);
	return rc;
}

static int
post_event(struct ctx *c)
{
	struct wr_event_req	 r;
	struct wr_session	 s;
	struct wr_event		 ev;
	int64_t			 now = utc_now();
	int			 is_amend, rc, tries;

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
	for (tries = 0; (rc = event_tx(c, &ev, &s)) == DB_DEADLOCK &&
	    tries < WR_TX_TRIES; tries++)
		;
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 201, wr_event_view(&ev));
	return 0;
}

static int
end_tx(struct ctx *c, struct wr_session *s, const struct wr_end_req *r)
{
	int64_t	 now = utc_now();
	int	 rc;

	if ((rc = db_begin(c->db)) != DB_OK)
		return rc;
	if ((rc = wr_store_presence_lock(c->db, s->provider_id, now)) == DB_OK &&
	    (rc = wr_end_session(c, s, "provider", r->notes_summary.s,
	    r->notes_summary.len, now)) == DB_OK)
		rc = db_commit(c->db);
	if (rc != DB_OK)
		db_rollback(c->db);
	return rc;
}

static int
end(struct ctx *c)
{
	struct wr_end_req	 r;
	struct wr_session	 s;
	int			 rc, tries;

	memset(&r, 0, sizeof(r));
	if (c->req->body != NULL && c->req->body_len > 0 &&
	    json_parse_body(c, session_end_fields, &r) == -1)
		return 0;
	if (wr_session_load(c, POL_VS_END, "end", &s) == -1)
		return 0;
	if (strcmp(s.status, "running") != 0)
		return wr_conflict(c, "session_ended", "this video session has ended");
	for (tries = 0; (rc = end_tx(c, &s, &r)) == DB_DEADLOCK &&
	    tries < WR_TX_TRIES; tries++)
		;
	if (rc == 2)
		return wr_conflict(c, "session_ended", "this video session has ended");
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, wr_session_view(&s, NULL));
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
