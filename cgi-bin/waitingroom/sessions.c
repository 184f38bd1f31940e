/*
 * GET /api/v1/video-sessions?appointment_id= (a participant's own, an
 * admin's any; newest first, cursor pages), GET /api/v1/video-sessions/{id}
 * (with its log, opened) and GET .../{id}/join (a fresh join credential
 * for a participant while the session runs). Reads are audited; so is
 * every credential issued.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/page.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

#define T_MAX	(253402300799LL * UTC_SEC)	/* 9999-12-31T23:59:59Z */

/* The cursor "usec|id" of the last row of the previous page. 0, or -1 (422). */
static int
cursor(struct ctx *c, const char *key, int64_t *start, const char **id)
{
	const char	*ts;
	char		*end;
	long long	 v;

	*start = T_MAX;
	*id = "";
	if (key == NULL)
		return 0;
	errno = 0;
	if (page_split(c, key, &ts, id) == -1 || !id_is_valid(*id) ||
	    (v = strtoll(ts, &end, 10), errno != 0 || end == ts || *end != '\0')) {
		ctx_error(c, "cursor", "is not a cursor from this list");
		problem_validation(c);
		return -1;
	}
	*start = v;
	return 0;
}

int
wr_session_list(struct ctx *c)
{
	struct pol_resource	 res = { 1, 0 };
	struct wr_session	*rows;
	struct page		 p;
	struct json_object	*data;
	const char		*appt, *cur_id, *who = NULL, **ids, *next = NULL;
	int64_t			 cur_start;
	size_t			 i, n;

	if (pol_check(&c->actor, POL_VS_LIST, &res) != POL_ALLOW)
		return audit_deny(c, "list", "video_session", NULL, NULL, 0);
	if ((appt = http_query(c->req, "appointment_id")) != NULL &&
	    !id_is_valid(appt)) {
		ctx_error(c, "appointment_id", "must be an id");
		problem_validation(c);
		return 0;
	}
	if (page_parse(c, &p) == -1 || cursor(c, p.after, &cur_start, &cur_id) == -1)
		return 0;
	if (c->actor.role == ROLE_PATIENT || c->actor.role == ROLE_PROVIDER)
		who = c->actor.user_id;
	if (wr_store_session_list(c->db, c->arena, who,
	    c->actor.role == ROLE_PATIENT, appt, cur_start, cur_id, p.limit, &rows,
	    &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = json_object_new_array();
	ids = arena_alloc(c->arena, (n + 1) * sizeof(*ids));
	for (i = 0; i < n && i < (size_t)p.limit; i++) {
		json_object_array_add(data, wr_session_view(&rows[i], NULL));
		ids[i] = rows[i].id;
	}
	if (n > (size_t)p.limit)
		next = page_cursor(c, arena_printf(c->arena, "%lld|%s",
		    (long long)rows[p.limit - 1].started_at, rows[p.limit - 1].id));
	if (i > 0 && audit_append_read(c, "video_session", ids, i,
	    c->actor.role == ROLE_PATIENT ? c->actor.user_id : NULL,
	    "video sessions listed") != DB_OK) {
		json_object_put(data);
		problem_unavailable(c);
		return 0;
	}
	page_reply(c, data, next);
	return 0;
}

int
wr_session_get(struct ctx *c)
{
	struct wr_session	 s;
	struct wr_event		*ev;
	struct json_object	*list;
	const char		*ids[1];
	size_t			 i, n;

	if (wr_session_load(c, POL_VS_READ, "read", &s) == -1)
		return 0;
	if (wr_store_events(c->db, c->cfg, c->arena, s.id, &ev, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	ids[0] = s.id;
	if (audit_append_read(c, "video_session", ids, 1, s.patient_id,
	    "video session read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, wr_event_view(&ev[i]));
	json_reply(c, 200, wr_session_view(&s, list));
	return 0;
}

int
wr_session_join(struct ctx *c)
{
	struct wr_session	 s;
	struct json_object	*join = NULL;
	const char		*name = NULL;

	if (wr_session_load(c, POL_VS_JOIN, "join", &s) == -1)
		return 0;
	if (strcmp(s.status, "running") != 0)
		return wr_conflict(c, "session_ended", "this video session has ended");
	if (strcmp(c->cfg->video_provider, "none") == 0)
		return wr_conflict(c, "video_disabled",
		    "video is turned off on this server (video.provider = none)");
	if (wr_store_user_name(c->db, c->arena, c->actor.user_id, &name) !=
	    DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (wr_join_view(c, &s, c->actor.user_id, name, &join) == -1)
		return -1;
	if (wr_audit(c, "join", "video_session", s.id, s.patient_id,
	    "video join credential issued", NULL) != DB_OK) {
		json_object_put(join);
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, join);
	return 0;
}
