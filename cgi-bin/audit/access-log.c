/*
 * GET /api/v1/me/access-log (patients): the accounting of who read or
 * changed my records. Rows of audit_log with patient_id = me and outcome
 * success, newest first, except my own acts (my reads of my profile
 * would drown the rest). Each shows when, the actor's name and role (as
 * recorded at the time; "system" when no user acted), the kind of act
 * and of record, and the row's fixed summary. Staff ids are never
 * shown. Reading the access log is audited (and, being my own act, not
 * listed in it).
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "cgi-bin/audit/audit.h"

/* Cells of audit_store_access_log. */
enum { AL_ID = 0, AL_AT, AL_ROLE, AL_NAME, AL_ACTION, AL_TYPE, AL_SUMMARY };

static struct json_object *
access_json(char *const *v)
{
	struct json_object	*o = json_object_new_object(), *actor;
	char			 buf[UTC_BUFSZ];
	int64_t			 t;

	actor = json_object_new_object();
	jset_str(actor, "name", v[AL_NAME]);
	jset_str(actor, "role", v[AL_ROLE] != NULL ? v[AL_ROLE] : "system");
	if (db_cell_time(v[AL_AT], &t) == 0)
		jset_str(o, "at", utc_format(t, buf, sizeof(buf), 1));
	jset(o, "actor", actor);
	jset_str(o, "action", v[AL_ACTION]);
	jset_str(o, "record_type", v[AL_TYPE]);
	jset_str(o, "summary", v[AL_SUMMARY]);
	return o;
}

/* The access-log read's own audit row. Returns an enum db_rc. */
static int
audit_access_read(struct ctx *c)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = "read";
	e.entity_type = "access_log";
	e.entity_id = c->actor.user_id;
	e.patient_id = c->actor.user_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "access log read";
	return audit_append(c, &e);
}

int
audit_access_log_get(struct ctx *c)
{
	struct pol_resource	 res = { 1, 0 };
	struct audit_filter	 f;
	struct audit_pos	 pos;
	struct page		 pg;
	struct db_res		 rows;
	struct json_object	*data;
	const char		*next;

	if (pol_check(&c->actor, POL_ACCESS_LOG_READ, &res) != POL_ALLOW)
		return audit_deny(c, "read", "access_log", NULL, NULL, 0);
	if (audit_filter_parse(c, AQ_PAGE, &f) == -1 ||
	    page_parse(c, &pg) == -1 || audit_pos_parse(c, &pg, &pos) == -1)
		return 0;
	if (audit_store_access_log(c->db, c->arena, c->actor.user_id, &pos,
	    pg.limit + 1, &rows) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = audit_page_json(c, &rows, pg.limit, access_json, AL_AT, AL_ID,
	    &next);
	if (audit_access_read(c) != DB_OK) {
		json_object_put(data);
		problem_unavailable(c);
		return 0;
	}
	page_reply(c, data, next);
	return 0;
}
