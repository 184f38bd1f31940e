/*
 * The product schema's resolver: a root field becomes the REST request
 * its entry in roots.c describes (arguments into the path, the query or
 * the JSON body), and the reply becomes the field's value (an object, a
 * page turned into a connection, a member, true for a 204). A refusal
 * is the field's error with the REST problem's code and status in its
 * extensions, and the field is null: GraphQL neither adds nor loses a
 * rule. Fields below a root read the reply (the executor's default).
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "lib/json.h"
#include "cgi-bin/graphql/graphql.h"
#include "cgi-bin/graphql/roots.h"

/* Most query parameters one root field sends. */
#define RESOLVE_MAX_QV	16
/* Longest REST path a root builds. */
#define RESOLVE_PATH_MAX 256

/* An enum value as REST spells it: lowercase ("CHECKED_IN": "checked_in"). */
static const char *
enum_rest(struct arena *a, const char *name)
{
	char	*s = arena_strdup(a, name);
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

/*
 * v (a coerced argument of type t) as the REST body takes it: enum
 * values lowercase, input object fields in snake_case. A new reference.
 */
static struct json_object *
to_rest(struct arena *a, const struct gql_tref *t, struct json_object *v)
{
	const struct gql_ntype	*nt;
	const struct gql_input	*in;
	struct json_object	*o;
	size_t			 i, n;

	if (v == NULL)
		return NULL;
	if (t->of != NULL) {
		if (!json_object_is_type(v, json_type_array))
			return json_object_get(v);
		o = json_object_new_array();
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			json_object_array_add(o, to_rest(a, t->of,
			    json_object_array_get_idx(v, i)));
		return o;
	}
	nt = t->named;
	if (nt->kind == GQL_K_ENUM && json_object_is_type(v, json_type_string))
		return json_object_new_string(enum_rest(a,
		    json_object_get_string(v)));
	if (nt->kind != GQL_K_INPUT_OBJECT ||
	    !json_object_is_type(v, json_type_object))
		return json_object_get(v);
	o = json_object_new_object();
	for (i = 0; i < nt->ninput_fields; i++) {
		struct json_object	*fv;

		in = &nt->input_fields[i];
		if (!json_object_object_get_ex(v, in->def->name, &fv))
			continue;
		json_object_object_add(o, gql_snake_case(a, in->def->name),
		    to_rest(a, in->type, fv));
	}
	return o;
}

/* A scalar or enum argument as a query or path string; NULL for null. */
static const char *
to_text(struct arena *a, const struct gql_tref *t, struct json_object *v)
{
	const struct gql_ntype	*nt = gql_tref_named(t);

	if (v == NULL || json_object_is_type(v, json_type_null))
		return NULL;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? "true" : "false";
	if (json_object_is_type(v, json_type_int))
		return arena_printf(a, "%" PRId64, json_object_get_int64(v));
	if (json_object_is_type(v, json_type_double))
		return arena_printf(a, "%.17g", json_object_get_double(v));
	if (nt->kind == GQL_K_ENUM)
		return enum_rest(a, json_object_get_string(v));
	return arena_strdup(a, json_object_get_string(v));
}

/* A path capture: id characters only, so a value cannot change the route. */
static int
is_segment(const char *s)
{
	size_t	 i;

	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

/* Fill q's path from the pattern and the RA_PATH arguments. 0 or -1. */
static int
build_path(struct arena *a, const struct gql_root *root,
    const struct gql_exec_field *f, char *path, size_t sz)
{
	const struct gql_root_arg	*ra;
	const struct gql_input		*in;
	struct json_object		*v;
	const char			*p = root->path, *e, *val;
	size_t				 n = 0, k;

	while (*p != '\0') {
		if (*p != '{') {
			if (n + 1 >= sz)
				return -1;
			path[n++] = *p++;
			continue;
		}
		if ((e = strchr(p, '}')) == NULL)
			return -1;
		val = NULL;
		for (ra = root->args; ra->arg != NULL; ra++) {
			if (ra->where != RA_PATH ||
			    strlen(ra->rest) != (size_t)(e - p - 1) ||
			    strncmp(ra->rest, p + 1, (size_t)(e - p - 1)) != 0)
				continue;
			in = gql_schema_input(f->field->args, f->field->nargs,
			    ra->arg);
			if (in != NULL && json_object_object_get_ex(f->args,
			    ra->arg, &v))
				val = to_text(a, in->type, v);
			break;
		}
		if (!is_segment(val))
			return -1;
		k = strlen(val);
		if (n + k >= sz)
			return -1;
		memcpy(path + n, val, k);
		n += k;
		p = e + 1;
	}
	path[n] = '\0';
	return 0;
}

/* The REST request of root field f. 0, or -1: an argument no route takes. */
static int
build_request(struct arena *a, const struct gql_root *root,
    const struct gql_exec_field *f, struct gql_subreq *q, char *path,
    size_t pathsz)
{
	const struct gql_root_arg	*ra;
	const struct gql_input		*in;
	struct json_object		*v, *rv;
	const char			*s;

	memset(q, 0, sizeof(*q));
	q->method = root->method;
	if (build_path(a, root, f, path, pathsz) == -1)
		return -1;
	q->path = path;
	q->qv = arena_alloc(a, RESOLVE_MAX_QV * sizeof(*q->qv));
	for (ra = root->args; ra->arg != NULL; ra++) {
		if (ra->where == RA_PATH)
			continue;
		in = gql_schema_input(f->field->args, f->field->nargs, ra->arg);
		if (in == NULL || !json_object_object_get_ex(f->args, ra->arg,
		    &v))
			continue;
		switch (ra->where) {
		case RA_QUERY:
			if ((s = to_text(a, in->type, v)) == NULL)
				break;
			if (q->nqv == RESOLVE_MAX_QV)
				return -1;
			q->qv[q->nqv].name = ra->rest;
			q->qv[q->nqv++].value = s;
			break;
		case RA_BODY:
		case RA_BODY_ALL:
			if (q->body == NULL)
				q->body = json_object_new_object();
			rv = to_rest(a, in->type, v);
			if (ra->where == RA_BODY)
				json_object_object_add(q->body, ra->rest, rv);
			else if (rv != NULL &&
			    json_object_is_type(rv, json_type_object)) {
				json_object_object_foreach(rv, key, val)
					json_object_object_add(q->body, key,
					    json_object_get(val));
				json_object_put(rv);
			} else
				json_object_put(rv);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* A REST page as a Relay connection (roots.h, ROOT_PAGE). */
static struct json_object *
connection(struct json_object *page)
{
	struct json_object	*data = NULL, *next = NULL, *o, *edges, *edge;
	struct json_object	*info;
	size_t			 i, n;
	int			 has_next;

	if (page == NULL ||
	    !json_object_object_get_ex(page, "data", &data) ||
	    !json_object_is_type(data, json_type_array))
		return NULL;
	(void)json_object_object_get_ex(page, "next_cursor", &next);
	has_next = next != NULL && json_object_is_type(next, json_type_string);
	edges = json_object_new_array();
	n = json_object_array_length(data);
	for (i = 0; i < n; i++) {
		edge = json_object_new_object();
		json_object_object_add(edge, "cursor", i + 1 == n && has_next ?
		    json_object_get(next) : NULL);
		json_object_object_add(edge, "node",
		    json_object_get(json_object_array_get_idx(data, i)));
		json_object_array_add(edges, edge);
	}
	info = json_object_new_object();
	json_object_object_add(info, "has_next_page",
	    json_object_new_boolean(has_next));
	json_object_object_add(info, "end_cursor",
	    has_next ? json_object_get(next) : NULL);
	o = json_object_new_object();
	json_object_object_add(o, "edges", edges);
	json_object_object_add(o, "nodes", json_object_get(data));
	json_object_object_add(o, "page_info", info);
	return o;
}

/* The field's value from a 2xx reply, by the root's shape. */
static struct json_object *
shape_value(const struct gql_root *root, int status, struct json_object *reply)
{
	struct json_object	*v = NULL;

	switch (root->shape) {
	case ROOT_PAGE:
		return connection(reply);
	case ROOT_MEMBER:
	case ROOT_ARRAY:
		if (reply != NULL && json_object_object_get_ex(reply,
		    root->shape == ROOT_ARRAY ? "data" : root->member, &v))
			return json_object_get(v);
		return NULL;
	case ROOT_EMPTY:
		return json_object_new_boolean(status >= 200 && status < 300);
	default:
		return json_object_get(reply);
	}
}

/*
 * A refused REST request as a field error: the problem's detail (or
 * title) as the message; code, status and any field errors as
 * extensions.
 */
static void
field_error(struct arena *a, int status, struct json_object *reply,
    const char **message, struct json_object **ext)
{
	struct json_object	*v;
	const char		*msg = NULL;

	if (reply != NULL && json_object_object_get_ex(reply, "detail", &v))
		msg = json_object_get_string(v);
	else if (reply != NULL &&
	    json_object_object_get_ex(reply, "title", &v))
		msg = json_object_get_string(v);
	*message = arena_strdup(a, msg != NULL ? msg : http_reason(status));
	*ext = json_object_new_object();
	if (reply != NULL && json_object_object_get_ex(reply, "code", &v))
		json_object_object_add(*ext, "code", json_object_get(v));
	json_object_object_add(*ext, "status", json_object_new_int(status));
	if (reply != NULL && json_object_object_get_ex(reply, "errors", &v))
		json_object_object_add(*ext, "errors", json_object_get(v));
}

static enum gql_resolve_rc
product_resolve(void *arg, const struct gql_exec_field *f,
    struct json_object *parent, struct json_object **out,
    const char **message, struct json_object **ext)
{
	struct gql_product	*p = arg;
	struct ctx		*c = p->c;
	const struct gql_root	*root;
	struct gql_subreq	 q;
	struct json_object	*reply = NULL;
	char			 path[RESOLVE_PATH_MAX];
	int			 status;

	if (parent != NULL)
		return GQL_RESOLVE_DEFAULT;
	if ((root = gql_root_find(f->parent_type->name,
	    f->field->def->name)) == NULL)
		return GQL_RESOLVE_DEFAULT;
	if (build_request(c->arena, root, f, &q, path, sizeof(path)) == -1) {
		/* A path argument that is no id: as REST, nothing is there. */
		json_object_put(q.body);
		*message = "no such record";
		*ext = json_object_new_object();
		json_object_object_add(*ext, "code",
		    json_object_new_string("not_found"));
		json_object_object_add(*ext, "status", json_object_new_int(404));
		return GQL_RESOLVE_ERROR;
	}
	p->requests++;
	status = 0;
	if (gql_subreq(c, &q, &status, &reply) == -1)
		status = 500;
	json_object_put(q.body);
	if (status >= 200 && status < 300) {
		*out = shape_value(root, status, reply);
		json_object_put(reply);
		return GQL_RESOLVE_VALUE;
	}
	field_error(c->arena, status, reply, message, ext);
	json_object_put(reply);
	return GQL_RESOLVE_ERROR;
}

void
gql_product_resolver(struct gql_product *p, struct gql_resolver *out)
{
	memset(out, 0, sizeof(*out));
	out->arg = p;
	out->resolve = product_resolve;
}
