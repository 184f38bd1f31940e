/* Helpers the waitingroom handlers share: loading with policy, 409 replies. */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

int
wr_conflict(struct ctx *c, const char *code, const char *detail)
{
	c->nerrs = 0;
	problem(c, 409, code, detail);
	return 0;
}

int
wr_is_active(const char *status)
{
	return strcmp(status, "waiting") == 0 || strcmp(status, "away") == 0;
}

int
wr_allowed(struct ctx *c, enum pol_action read, enum pol_action act,
    const char *verb, const char *type, const char *id, const char *patient,
    const char *provider)
{
	struct pol_resource	 res = { 0, 0 };

	res.is_self = strcmp(patient, c->actor.user_id) == 0 ||
	    strcmp(provider, c->actor.user_id) == 0;
	if (pol_check(&c->actor, read, &res) != POL_ALLOW) {
		audit_deny(c, verb, type, id, patient, 1);
		return -1;
	}
	if (act != read && pol_check(&c->actor, act, &res) != POL_ALLOW) {
		audit_deny(c, verb, type, id, patient, 0);
		return -1;
	}
	return 0;
}

int
wr_entry_load(struct ctx *c, enum pol_action act, const char *verb,
    struct wr_entry *e)
{
	int	 found = 0;

	if (id_is_valid(c->cap[0]) && wr_store_entry_get(c->db, c->arena,
	    c->cap[0], 0, e, &found) != DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such waiting-room entry");
		return -1;
	}
	return wr_allowed(c, POL_WR_ENTRY_READ, act, verb, "waiting_room_entry",
	    e->id, e->patient_id, e->provider_id);
}

int
wr_session_load(struct ctx *c, enum pol_action act, const char *verb,
    struct wr_session *s)
{
	int	 found = 0;

	if (id_is_valid(c->cap[0]) && wr_store_session_get(c->db, c->arena,
	    c->cap[0], s, &found) != DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such video session");
		return -1;
	}
	return wr_allowed(c, POL_VS_READ, act, verb, "video_session", s->id,
	    s->patient_id, s->provider_id);
}
