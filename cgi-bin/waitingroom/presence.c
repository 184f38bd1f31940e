/*
 * PUT /api/v1/waiting-room/presence {status} (the provider's readiness)
 * and POST /api/v1/waiting-room/announcements {provider_id, text,
 * expires_at?} (the provider or staff): both change what everyone in
 * the queue sees, so both tell everyone.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/waitingroom/fields.h"
#include "lib/tx.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

static const char *const presence_states[] = { "available", "busy", "offline",
    NULL };

struct wr_presence_req {
	struct jv	 status;
};

const struct json_field presence_fields[] = {
	{ "status", JF_ENUM, JF_REQUIRED, offsetof(struct wr_presence_req, status),
	  0, 0, NULL, presence_states, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

struct wr_announce_req {
	struct jv	 provider_id;
	struct jv	 text;
	struct jv	 expires_at;
};

#define A(n)	offsetof(struct wr_announce_req, n)
const struct json_field announce_fields[] = {
	{ "provider_id", JF_ID, JF_REQUIRED, A(provider_id), 0, 0, NULL, NULL, NULL, 0 },
	{ "text", JF_STRING, JF_REQUIRED, A(text), 1, WR_TEXT_MAX, NULL, NULL, NULL, 0 },
	{ "expires_at", JF_TIME, 0, A(expires_at), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef A

struct presence_args {
	const char	*status;
	int64_t		 now;
};

/* tx_run's step: the presence row, its audit row and the queue's events. */
static int
presence_tx(struct ctx *c, void *arg)
{
	const struct presence_args *a = arg;
	struct wr_snapshot	 before;
	struct json_object	*meta;
	const char		*me = c->actor.user_id;
	int			 rc;

	if ((rc = wr_store_presence_lock(c->db, me, a->now)) != DB_OK ||
	    (rc = wr_snapshot_take(c, me, a->now, &before)) != DB_OK ||
	    (rc = wr_store_presence_set(c->db, me, a->status, a->now)) != DB_OK)
		return rc;
	meta = json_object_new_object();
	jset_str(meta, "status", a->status);
	rc = wr_audit(c, "presence", "provider_presence", me, NULL,
	    "provider presence changed", meta);
	json_object_put(meta);
	return rc != DB_OK ? rc : wr_notify_queue(c, me, &before, a->now, NULL);
}

int
wr_presence_put(struct ctx *c)
{
	struct pol_resource	 res = { 1, 0 };
	struct wr_presence_req	 r;
	struct presence_args	 a;
	struct json_object	*o;
	int64_t			 now = utc_now();

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, presence_fields, &r) == -1)
		return 0;
	if (pol_check(&c->actor, POL_WR_PRESENCE, &res) != POL_ALLOW)
		return audit_deny(c, "presence", "provider_presence", NULL, NULL, 0);
	a.status = r.status.s;
	a.now = now;
	if (tx_run(c, presence_tx, &a) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	o = json_object_new_object();
	jset_str(o, "provider_id", c->actor.user_id);
	jset_str(o, "status", r.status.s);
	jset_time(o, "updated_at", now);
	json_reply(c, 200, o);
	return 0;
}

/* expires_at in (now, now + max]; default now + default minutes. 0 or -1 (422). */
static int
expiry(struct ctx *c, const struct wr_announce_req *r, int64_t now, int64_t *at)
{
	*at = now + c->cfg->wr_announcement_default_minutes * UTC_MIN;
	if (!r->expires_at.is_set)
		return 0;
	*at = r->expires_at.i;
	if (*at <= now)
		ctx_error(c, "expires_at", "must be in the future");
	else if (*at > now + c->cfg->wr_announcement_max_hours * UTC_HOUR)
		ctx_error(c, "expires_at", "is too far ahead");
	else
		return 0;
	problem_validation(c);
	return -1;
}

/* tx_run's step: the announcement, its audit row, everyone's event. */
static int
announce_tx(struct ctx *c, void *arg)
{
	const struct wr_announcement *an = arg;
	struct json_object	*meta;
	int			 rc;

	if ((rc = wr_store_announcement_insert(c->db, an)) != DB_OK)
		return rc;
	meta = json_object_new_object();
	jset_str(meta, "provider_id", an->provider_id);
	rc = wr_audit(c, "create", "waiting_room_announcement", an->id, NULL,
	    "waiting-room announcement made", meta);
	json_object_put(meta);
	return rc != DB_OK ? rc : wr_notify_everyone(c, an->provider_id,
	    an->created_at);
}

static int
announce(struct ctx *c)
{
	struct pol_resource	 res = { 0, 0 };
	struct wr_announce_req	 r;
	struct wr_announcement	 an;
	int64_t			 now = utc_now();
	int			 yes = 0;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, announce_fields, &r) == -1)
		return 0;
	res.is_self = strcmp(r.provider_id.s, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_WR_ANNOUNCE, &res) != POL_ALLOW)
		return audit_deny(c, "create", "waiting_room_announcement", NULL,
		    NULL, 0);
	memset(&an, 0, sizeof(an));
	if (expiry(c, &r, now, &an.expires_at) == -1)
		return 0;
	if (wr_store_is_provider(c->db, c->arena, r.provider_id.s, &yes) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!yes) {
		ctx_error(c, "provider_id", "no such provider");
		problem_validation(c);
		return 0;
	}
	if (id_new(an.id) == -1)
		return -1;
	an.provider_id = r.provider_id.s;
	an.text = r.text.s;
	an.created_by = c->actor.user_id;
	an.created_at = now;
	if (tx_run(c, announce_tx, &an) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 201, wr_announcement_view(&an));
	return 0;
}

int
wr_announce(struct ctx *c)
{
	return idem_run(c, announce);
}
