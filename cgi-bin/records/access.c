/*
 * Helpers shared by the records routes: query-text validation, LIKE
 * patterns, (full_name, id) cursors, and who the actor is to a patient.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/http.h"
#include "lib/id.h"
#include "lib/json.h"
#include "lib/store-user.h"
#include "cgi-bin/records/records.h"

int
records_query_text(struct ctx *c, const char *name, size_t max,
    const char **out)
{
	const char	*s;
	size_t		 i, n;

	*out = NULL;
	if ((s = http_query(c->req, name)) == NULL || *s == '\0')
		return 0;
	n = strlen(s);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			ctx_error(c, name, "must not contain control characters");
			return -1;
		}
	if (!utf8_valid(s, n)) {
		ctx_error(c, name, "must be UTF-8 text");
		return -1;
	}
	if (utf8_chars(s, n) > max) {
		ctx_error(c, name, "is too long");
		return -1;
	}
	*out = s;
	return 0;
}

const char *
records_like_contains(struct ctx *c, const char *s, int lower)
{
	size_t	 n = strlen(s), i, j = 0;
	char	*p = arena_alloc(c->arena, 2 * n + 3);

	p[j++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '!')
			p[j++] = '!';
		p[j++] = lower && s[i] >= 'A' && s[i] <= 'Z' ?
		    (char)(s[i] - 'A' + 'a') : s[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

int
records_page_after(struct ctx *c, const struct page *pg, const char **id,
    const char **name)
{
	*id = *name = NULL;
	if (pg->after == NULL)
		return 0;
	/* The id comes first: names may hold '|', ids never do. */
	if (page_split(c, pg->after, id, name) == -1 || !id_is_valid(*id)) {
		*id = *name = NULL;
		ctx_error(c, "cursor", "is not a cursor from this list");
		problem_validation(c);
		return -1;
	}
	return 0;
}

const char *
records_page_next(struct ctx *c, const char *id, const char *name)
{
	return page_cursor(c, arena_printf(c->arena, "%s|%s", id, name));
}

int
records_patient_resource(struct ctx *c, const char *patient_id,
    struct pol_resource *res)
{
	int	 yes = 0, rc = DB_OK;

	memset(res, 0, sizeof(*res));
	res->is_self = c->actor.role == ROLE_PATIENT &&
	    strcmp(c->actor.user_id, patient_id) == 0;
	if (c->actor.role == ROLE_PROVIDER)
		rc = store_care_team_has(c->db, c->arena, patient_id,
		    c->actor.user_id, &yes);
	res->is_care_team = yes;
	return rc;
}

int
records_patient_allowed(struct ctx *c, enum pol_action act,
    const char *patient_id, const char *action, const char *entity_type,
    struct pol_resource *res)
{
	struct pol_resource	 mine;
	enum pol_decision	 d;

	if (res == NULL)
		res = &mine;
	if (records_patient_resource(c, patient_id, res) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if ((d = pol_check(&c->actor, act, res)) == POL_ALLOW)
		return 1;
	audit_deny(c, action, entity_type, patient_id, patient_id,
	    d == POL_HIDE);
	return 0;
}

int
records_forbid(struct ctx *c, const char *action, const char *entity_type,
    const char *entity_id, const char *patient_id, const char *detail)
{
	audit_deny(c, action, entity_type, entity_id, patient_id, 0);
	/* The same 403, with a detail that says what would be allowed. */
	problem(c, 403, "forbidden", detail);
	return 0;
}

struct json_object *
records_ids_meta(const char *key, const char *const *ids, size_t n)
{
	struct json_object	*o = json_object_new_object();
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(ids[i]));
	jset(o, key, a);
	return o;
}

struct json_object *
records_fields_meta(const char *const *names, size_t n)
{
	return records_ids_meta("fields", names, n);
}
