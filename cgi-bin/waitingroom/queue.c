/*
 * GET /api/v1/waiting-room?provider_id=: a provider's whole queue (the
 * provider, staff, admin), in order, each entry with its position and
 * estimate, with the provider's status, the running session and the
 * current announcements. At most WR_QUEUE_MAX entries; no cursor. One
 * audit row lists the entries read.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

/* Whose queue: ?provider_id=, a provider's own by default. 0, or -1 replied. */
static int
provider_param(struct ctx *c, const char **provider)
{
	const char	*p = http_query(c->req, "provider_id");

	if (p == NULL && c->actor.role == ROLE_PROVIDER)
		p = c->actor.user_id;
	if (p == NULL || !id_is_valid(p)) {
		ctx_error(c, "provider_id", p == NULL ? "is required" : "must be an id");
		problem_validation(c);
		return -1;
	}
	*provider = p;
	return 0;
}

static struct json_object *
session_brief(const struct wr_provider *p)
{
	struct json_object	*o;

	if (p->running_id == NULL)
		return NULL;
	o = json_object_new_object();
	jset_str(o, "video_session_id", p->running_id);
	jset_time(o, "started_at", p->running_started_at);
	jset_int(o, "booked_minutes", p->running_booked_minutes);
	return o;
}

int
wr_queue_get(struct ctx *c)
{
	struct pol_resource	 res = { 0, 0 };
	struct wr_queue		 q;
	struct wr_snapshot	 s;
	struct wr_announcement	*an;
	struct json_object	*o, *data;
	const char		*provider, **ids;
	size_t			 i, nan;
	int64_t			 now = utc_now();
	int			 yes;

	if (provider_param(c, &provider) == -1)
		return 0;
	res.is_self = strcmp(provider, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_WR_QUEUE_READ, &res) != POL_ALLOW)
		return audit_deny(c, "read", "waiting_room", provider, NULL, 0);
	if (wr_store_is_provider(c->db, c->arena, provider, &yes) != DB_OK ||
	    (yes && (wr_queue_load(c, provider, &q) != DB_OK ||
	    wr_store_announcements(c->db, c->arena, provider, now, &an, &nan) !=
	    DB_OK))) {
		problem_unavailable(c);
		return 0;
	}
	if (!yes) {
		problem(c, 404, "not_found", "no such provider");
		return 0;
	}
	wr_snapshot_of(c, &q, now, &s);
	ids = arena_alloc(c->arena, (q.n + 1) * sizeof(*ids));
	data = json_object_new_array();
	for (i = 0; i < q.n; i++) {
		ids[i] = q.e[i].id;
		json_object_array_add(data, wr_entry_view(&q.e[i], &s.p[i],
		    q.prov.status, NULL));
	}
	if (q.n > 0 && audit_append_read(c, "waiting_room_entry", ids, q.n, NULL,
	    "waiting-room queue read") != DB_OK) {
		json_object_put(data);
		problem_unavailable(c);
		return 0;
	}
	o = json_object_new_object();
	jset_str(o, "provider_id", provider);
	jset_str(o, "provider_status", q.prov.status);
	jset(o, "current_session", session_brief(&q.prov));
	jset(o, "announcements", wr_announcements_view(an, nan));
	jset(o, "data", data);
	jset(o, "next_cursor", NULL);
	json_reply(c, 200, o);
	return 0;
}
