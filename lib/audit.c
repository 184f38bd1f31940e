/* Append-only audit rows. */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"

static const char SQL_INSERT[] =
    "INSERT INTO audit_log (at, actor_id, actor_role, action, entity_type,"
    " entity_id, patient_id, outcome, request_id, ip, summary, metadata)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char *const outcomes[] = { "success", "denied", "failure" };

/* Widest client address the ip column holds (an IPv6 text form). */
#define AUDIT_IP_MAX	45

int
audit_append(struct ctx *c, const struct audit_entry *e)
{
	const char	*actor = e->actor_id, *role = e->actor_role, *meta = NULL;
	const char	*rid = c->req->request_id, *ip = c->req->remote_addr;
	int		 rc;

	if (actor == NULL && c->actor.is_authenticated) {
		actor = c->actor.user_id;
		if (role == NULL)
			role = role_name(c->actor.role);
	}
	if (e->metadata != NULL)
		meta = json_object_to_json_string_ext(e->metadata,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (rid != NULL && strlen(rid) > 64)
		rid = NULL;
	/* A value the column cannot hold must not make the command fail. */
	if (ip != NULL && (*ip == '\0' || strlen(ip) > AUDIT_IP_MAX))
		ip = NULL;
	rc = db_exec(c->db, SQL_INSERT, DB_ARGS(DB_TIME(utc_now()),
	    DB_TEXT(actor), DB_TEXT(role), DB_TEXT(e->action),
	    DB_TEXT(e->entity_type), DB_TEXT(e->entity_id),
	    DB_TEXT(e->patient_id), DB_TEXT(outcomes[e->outcome]),
	    DB_TEXT(rid), DB_TEXT(ip), DB_TEXT(e->summary),
	    DB_TEXT(meta)), NULL);
	if (rc != DB_OK)
		log_errx("audit: append %s %s failed", e->action, e->entity_type);
	return rc;
}

int
audit_append_read(struct ctx *c, const char *entity_type,
    const char *const *ids, size_t n, const char *patient_id,
    const char *summary)
{
	struct audit_entry	 e;
	struct json_object	*meta = NULL, *list;
	size_t			 i;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = "read";
	e.entity_type = entity_type;
	e.entity_id = n == 1 ? ids[0] : NULL;
	e.patient_id = patient_id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = summary;
	meta = json_object_new_object();
	list = json_object_new_array();
	for (i = 0; i < n && i < AUDIT_READ_MAX_IDS; i++)
		json_object_array_add(list, json_object_new_string(ids[i]));
	jset(meta, "ids", list);
	jset_int(meta, "count", (long long)n);
	e.metadata = meta;
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

int
audit_deny(struct ctx *c, const char *action, const char *entity_type,
    const char *entity_id, const char *patient_id, int is_hidden)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = entity_type;
	e.entity_id = entity_id;
	e.patient_id = patient_id;
	e.outcome = AUDIT_DENIED;
	e.summary = "access denied";
	(void)audit_append(c, &e);
	if (is_hidden)
		problem(c, 404, "not_found", "no such record");
	else
		problem(c, 403, "forbidden", "you may not do this");
	return 0;
}

int
audit_append_system(struct ctx *c, const char *action, const char *entity_type,
    const char *summary, struct json_object *meta)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = entity_type;
	e.outcome = AUDIT_SUCCESS;
	e.summary = summary;
	e.metadata = meta;
	e.actor_role = "system";
	return audit_append(c, &e);
}
