/*
 * GET /api/v1/audit (auditor, admin): audit rows filtered by actor,
 * patient, entity, action, outcome and time, newest first by (at, id),
 * with cursor pagination; and the query helpers the other audit routes
 * share. Every query is itself audited.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"
#include "cgi-bin/audit/audit.h"

/* 1900-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: the range utc_parse accepts. */
#define AUDIT_TIME_MIN	(-2208988800LL * UTC_SEC)
#define AUDIT_TIME_MAX	(253402300800LL * UTC_SEC - 1)
#define AUDIT_ID_MAX	0x7fffffffffffffffULL

static const char *
check_id(const char *s)
{
	return id_is_valid(s) ? NULL : "must be an id";
}

/* Bytes of s are all in set and there are 1..max of them. */
static int
is_made_of(const char *s, const char *set, size_t max)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= max && strspn(s, set) == n;
}

static const char *
check_entity_type(const char *s)
{
	return is_made_of(s, "abcdefghijklmnopqrstuvwxyz_", 32) ? NULL :
	    "must be 1 to 32 lowercase letters or '_'";
}

static const char *
check_entity_id(const char *s)
{
	return is_made_of(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._:-", 64) ? NULL :
	    "must be 1 to 64 letters, digits or '.', '_', ':', '-'";
}

static const char *
check_action(const char *s)
{
	return is_made_of(s, "abcdefghijklmnopqrstuvwxyz_.", 48) ? NULL :
	    "must be 1 to 48 lowercase letters, '_' or '.'";
}

static const char *
check_outcome(const char *s)
{
	return strcmp(s, "success") == 0 || strcmp(s, "denied") == 0 ||
	    strcmp(s, "failure") == 0 ? NULL :
	    "must be success, denied or failure";
}

static const struct {
	const char	*name;
	unsigned	 bit;
	const char	*(*check)(const char *);
	size_t		 off;	/* of the string in struct audit_filter */
} qparams[] = {
	{ "actor_id", AQ_ACTOR_ID, check_id, offsetof(struct audit_filter, actor_id) },
	{ "patient_id", AQ_PATIENT_ID, check_id, offsetof(struct audit_filter, patient_id) },
	{ "entity_type", AQ_ENTITY_TYPE, check_entity_type, offsetof(struct audit_filter, entity_type) },
	{ "entity_id", AQ_ENTITY_ID, check_entity_id, offsetof(struct audit_filter, entity_id) },
	{ "action", AQ_ACTION, check_action, offsetof(struct audit_filter, action) },
	{ "outcome", AQ_OUTCOME, check_outcome, offsetof(struct audit_filter, outcome) },
	{ "from", AQ_FROM, NULL, 0 },
	{ "to", AQ_TO, NULL, 0 },
	{ "limit", AQ_PAGE, NULL, 0 },
	{ "cursor", AQ_PAGE, NULL, 0 },
};
#define NQPARAMS	(sizeof(qparams) / sizeof(qparams[0]))

/* Unknown parameters would silently widen an auditor's query: refuse them. */
static void
check_names(struct ctx *c, unsigned allowed)
{
	size_t	 i, j, k;

	for (i = 0; i < c->req->nqv; i++) {
		const char *name = c->req->qv[i].name;

		for (j = 0; j < NQPARAMS; j++)
			if (strcmp(qparams[j].name, name) == 0)
				break;
		if (j == NQPARAMS || !(qparams[j].bit & allowed)) {
			ctx_error(c, name, "is not a parameter of this route");
			continue;
		}
		for (k = 0; k < i; k++)
			if (strcmp(c->req->qv[k].name, name) == 0) {
				ctx_error(c, qparams[j].name, "is given more than once");
				break;
			}
	}
}

static void
parse_time(struct ctx *c, const char *name, int64_t *out)
{
	const char	*v = http_query(c->req, name);

	if (v != NULL && utc_parse(v, out) == -1)
		ctx_error(c, name, "must be an RFC 3339 time");
}

int
audit_filter_parse(struct ctx *c, unsigned allowed, struct audit_filter *f)
{
	const char	*v, *msg;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	f->from = AUDIT_TIME_MIN;
	f->to = AUDIT_TIME_MAX;
	check_names(c, allowed);
	for (i = 0; i < NQPARAMS; i++) {
		if (qparams[i].check == NULL || !(qparams[i].bit & allowed) ||
		    (v = http_query(c->req, qparams[i].name)) == NULL)
			continue;
		if ((msg = qparams[i].check(v)) != NULL)
			ctx_error(c, qparams[i].name, msg);
		else
			*(const char **)((char *)f + qparams[i].off) = v;
	}
	if (allowed & AQ_FROM)
		parse_time(c, "from", &f->from);
	if (allowed & AQ_TO)
		parse_time(c, "to", &f->to);
	if (c->nerrs == 0 && f->from >= f->to)
		ctx_error(c, "to", "must be after from");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

struct json_object *
audit_filter_json(const struct audit_filter *f)
{
	struct json_object	*o = json_object_new_object();
	size_t			 i;
	const char		*v;

	for (i = 0; i < NQPARAMS; i++) {
		if (qparams[i].check == NULL)
			continue;
		v = *(const char *const *)((const char *)f + qparams[i].off);
		if (v != NULL)
			jset_str(o, qparams[i].name, v);
	}
	if (f->from != AUDIT_TIME_MIN)
		jset_time(o, "from", f->from);
	if (f->to != AUDIT_TIME_MAX)
		jset_time(o, "to", f->to);
	return o;
}

int
audit_pos_parse(struct ctx *c, const struct page *pg, struct audit_pos *pos)
{
	const char	*at, *id;
	char		*end;

	pos->at = AUDIT_TIME_MAX;
	pos->id = AUDIT_ID_MAX;
	if (pg->after == NULL)
		return 0;
	if (page_split(c, pg->after, &at, &id) == -1 || *at == '\0' ||
	    *id < '0' || *id > '9')
		goto bad;
	errno = 0;
	pos->at = strtoll(at, &end, 10);
	if (errno != 0 || *end != '\0' || pos->at < AUDIT_TIME_MIN ||
	    pos->at > AUDIT_TIME_MAX)
		goto bad;
	pos->id = strtoull(id, &end, 10);
	if (errno != 0 || *end != '\0' || pos->id > AUDIT_ID_MAX)
		goto bad;
	return 0;
bad:
	ctx_error(c, "cursor", "is not a cursor from this list");
	problem_validation(c);
	return -1;
}

const char *
audit_pos_cursor(struct ctx *c, const char *at, const char *id)
{
	int64_t	 t = 0;

	(void)db_cell_time(at, &t);
	return page_cursor(c, arena_printf(c->arena, "%lld|%s", (long long)t,
	    id));
}

struct json_object *
audit_row_json(char *const *v)
{
	static const char *const names[] = {
		"id", "at", "actor_id", "actor_role", "action", "entity_type",
		"entity_id", "patient_id", "outcome", "request_id", "ip",
		"summary",
	};
	struct json_object	*o = json_object_new_object();
	char			 buf[UTC_BUFSZ];
	int64_t			 t;
	long long		 id;
	size_t			 i;

	if (db_cell_int(v[0], &id) == 0)
		jset_int(o, names[0], id);
	if (db_cell_time(v[1], &t) == 0)
		jset_str(o, names[1], utc_format(t, buf, sizeof(buf), 1));
	for (i = 2; i < sizeof(names) / sizeof(names[0]); i++)
		jset_str(o, names[i], v[i]);
	/* Stored JSON (CHECK JSON_VALID); an unparseable value shows as null. */
	jset(o, "metadata", v[12] != NULL ? json_tokener_parse(v[12]) : NULL);
	return o;
}

struct json_object *
audit_page_json(struct ctx *c, const struct db_res *res, long limit,
    struct json_object *(*fn)(char *const *), size_t at_col, size_t id_col,
    const char **next)
{
	struct json_object	*data = json_object_new_array();
	size_t			 i, shown;

	shown = res->nrows > (size_t)limit ? (size_t)limit : res->nrows;
	for (i = 0; i < shown; i++)
		json_object_array_add(data, fn(res->rows[i].v));
	*next = NULL;
	if (res->nrows > shown)
		*next = audit_pos_cursor(c, res->rows[shown - 1].v[at_col],
		    res->rows[shown - 1].v[id_col]);
	return data;
}

int
audit_self_append(struct ctx *c, const char *action, const char *summary,
    struct json_object *meta)
{
	struct audit_entry	 e;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = "audit_log";
	e.outcome = AUDIT_SUCCESS;
	e.summary = summary;
	e.metadata = meta;
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

int
audit_list_get(struct ctx *c)
{
	struct audit_filter	 f;
	struct audit_pos	 pos;
	struct page		 pg;
	struct db_res		 res;
	struct json_object	*data, *meta;
	const char		*next;

	if (pol_check(&c->actor, POL_AUDIT_READ, NULL) != POL_ALLOW)
		return audit_deny(c, "read", "audit_log", NULL, NULL, 0);
	if (audit_filter_parse(c, AQ_FILTERS | AQ_PAGE, &f) == -1 ||
	    page_parse(c, &pg) == -1 || audit_pos_parse(c, &pg, &pos) == -1)
		return 0;
	if (audit_store_list(c->db, c->arena, &f, &pos, pg.limit + 1, &res) !=
	    DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = audit_page_json(c, &res, pg.limit, audit_row_json, 1, 0, &next);
	meta = json_object_new_object();
	jset(meta, "filters", audit_filter_json(&f));
	jset_int(meta, "rows", (long long)json_object_array_length(data));
	if (audit_self_append(c, "read", "audit log queried", meta) != DB_OK) {
		json_object_put(data);
		problem_unavailable(c);
		return 0;
	}
	page_reply(c, data, next);
	return 0;
}
