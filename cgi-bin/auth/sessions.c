/*
 * GET /api/v1/auth/sessions (the caller's live sessions) and
 * DELETE /api/v1/auth/sessions/{id} (revoke one of them). Idle and
 * absolute expiry are enforced by lib/session.c; a session past either
 * is not listed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/page.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/store-login.h"

static struct json_object *
session_view(const struct session_row *s, const char *current_id)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", s->id);
	jset_str(o, "user_agent", s->user_agent);
	jset_str(o, "ip", s->ip);
	jset_time(o, "created_at", s->created_at);
	jset_time(o, "last_seen_at", s->last_seen_at);
	jset_time(o, "expires_at", s->expires_at);
	jset_bool(o, "current", strcmp(s->id, current_id) == 0);
	return o;
}

/* Decode a cursor "created|id" into its parts. 0, or -1 after a 422. */
static int
sessions_cursor(struct ctx *c, const struct page *pg, int64_t *created,
    const char **id)
{
	const char	*t;

	*created = 0;
	*id = NULL;
	if (pg->after == NULL)
		return 0;
	if (page_split(c, pg->after, &t, id) == -1 ||
	    utc_from_db(t, created) == -1 || !id_is_valid(*id)) {
		ctx_error(c, "cursor", "is not a cursor from this list");
		problem_validation(c);
		return -1;
	}
	return 0;
}

int
auth_sessions_list(struct ctx *c)
{
	struct pol_resource	 res = { 1, 0 };
	struct session_row	*rows;
	struct json_object	*data;
	struct page		 pg;
	const char		*after_id, *next = NULL;
	char			 key[UTC_BUFSZ + ID_LEN + 2], t[UTC_BUFSZ];
	int64_t			 now = utc_now(), after;
	size_t			 n, i;

	if (pol_check(&c->actor, POL_SESSIONS_MANAGE, &res) != POL_ALLOW)
		return audit_deny(c, "list", "session", NULL, NULL, 1);
	if (page_parse(c, &pg) == -1 ||
	    sessions_cursor(c, &pg, &after, &after_id) == -1)
		return 0;
	if (store_session_page(c->db, c->arena, c->actor.user_id, now,
	    now - c->cfg->session_idle_minutes * UTC_MIN, after, after_id,
	    pg.limit + 1, &rows, &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = json_object_new_array();
	for (i = 0; i < n && i < (size_t)pg.limit; i++)
		json_object_array_add(data,
		    session_view(&rows[i], c->actor.session_id));
	if (n > (size_t)pg.limit) {
		snprintf(key, sizeof(key), "%s|%s", utc_to_db(rows[i - 1].created_at,
		    t, sizeof(t)), rows[i - 1].id);
		next = page_cursor(c, key);
	}
	page_reply(c, data, next);
	return 0;
}

struct revoke_tx {
	const char		*id;
	struct audit_entry	*e;
};

/* Revoke the session (1 if it was revoked meanwhile) and audit it. */
static int
revoke_tx(struct ctx *c, void *arg)
{
	const struct revoke_tx	*t = arg;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = store_session_revoke(c->db, t->id, c->actor.user_id,
	    utc_now(), &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 1;
	return audit_append(c, t->e);
}

int
auth_sessions_revoke(struct ctx *c)
{
	struct pol_resource	 res = { 0, 0 };
	struct audit_entry	 e;
	struct revoke_tx	 t = { c->cap[0], &e };
	char			 owner[ID_LEN + 1];
	const char		*id = c->cap[0];
	int			 found = 0, rc;

	if (!id_is_valid(id))
		return audit_deny(c, "revoke", "session", NULL, NULL, 1);
	if (store_session_owner(c->db, c->arena, id, owner, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	/* Another user's session is as unknown as one that does not exist. */
	res.is_self = found && strcmp(owner, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_SESSIONS_MANAGE, &res) != POL_ALLOW)
		return audit_deny(c, "revoke", "session", id, NULL, 1);
	memset(&e, 0, sizeof(e));
	e.action = "revoke";
	e.entity_type = "session";
	e.entity_id = id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "session revoked";
	if ((rc = tx_run(c, revoke_tx, &t)) != DB_OK) {
		if (rc == 1)	/* revoked meanwhile */
			return audit_deny(c, "revoke", "session", id, NULL, 1);
		problem_unavailable(c);
		return 0;
	}
	json_reply_empty(c, 204);
	return 0;
}
