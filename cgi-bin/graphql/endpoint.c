/*
 * POST and GET /api/v1/graphql: the GraphQL over HTTP specification's
 * request and response (docs/GRAPHQL.md). The request's parameters are
 * checked first (a JSON object with a string "query", an object or null
 * "variables" and "extensions", a string or null "operationName"; GET
 * takes them from the query string), then the document is parsed,
 * validated, measured against the limits and executed.
 *
 * Replies are application/graphql-response+json when the client
 * accepts it (a request error is then 4xx: no "data"), else
 * application/json (then every well-formed request gets 200).
 */
#include "config.h"

#include <string.h>

#include <json.h>

#include "lib/graphql.h"
#include "lib/graphql-exec.h"
#include "lib/graphql-schema.h"
#include "lib/graphql-validate.h"
#include "lib/json.h"
#include "lib/log.h"
#include "cgi-bin/graphql/graphql.h"
#include "cgi-bin/graphql/persisted.h"
#include "cgi-bin/graphql/roots.h"

#define MT_GRAPHQL	"application/graphql-response+json"
#define MT_JSON		"application/json"

/* The request's parameters, as the spec names them. */
struct gql_params {
	const char		*query;		/* NULL: absent */
	size_t			 query_len;
	const char		*operation_name;
	struct json_object	*variables;	/* borrowed */
	struct json_object	*extensions;	/* borrowed */
};

/* The checked product schema: built once per process. */
static struct gql_schema	*product;
static struct arena		 product_arena;

static const struct gql_schema *
schema(void)
{
	struct gql_error	 err;

	if (product != NULL)
		return product;
	arena_init(&product_arena);
	if (gql_schema_check(&product_arena, &gql_product_schema, &product,
	    &err) == -1) {
		log_errx("graphql: the product schema is refused: %s",
		    err.message);
		arena_release(&product_arena);
		product = NULL;
	}
	return product;
}

/*
 * The media type to answer in, from Accept: graphql-response+json when
 * named; application/json when named, for any type ("*" "/" "*") or no
 * Accept (the spec's rule for clients that predate the new type); else
 * NULL (406). q-values are not weighed: a client that names both gets
 * graphql-response+json, the spec's preference.
 */
static const char *
negotiate(const char *accept)
{
	if (accept == NULL || *accept == '\0')
		return MT_JSON;	/* the spec: treat as application/json */
	if (strstr(accept, MT_GRAPHQL) != NULL)
		return MT_GRAPHQL;
	if (strstr(accept, MT_JSON) != NULL || strstr(accept, "*/*") != NULL ||
	    strstr(accept, "application/*") != NULL)
		return MT_JSON;
	return NULL;
}

/* A reply of the GraphQL response format: {"errors":[...],"data":...}. */
static void
reply(struct ctx *c, int status, const char *mt, struct json_object *errors,
    struct json_object *data, int has_data)
{
	struct json_object	*o = json_object_new_object();

	if (errors != NULL)
		json_object_object_add(o, "errors", errors);
	if (has_data)
		json_object_object_add(o, "data", data);
	json_reply_as(c, status, mt, o);
}

/* A request error: one message, no data; 400 or, as application/json, 200. */
static void
request_error(struct ctx *c, int status, const char *mt, const char *message,
    unsigned int line, unsigned int column)
{
	struct json_object	*errs = json_object_new_array();
	struct json_object	*e = json_object_new_object(), *locs, *loc;

	json_object_object_add(e, "message", json_object_new_string(message));
	if (line > 0) {
		locs = json_object_new_array();
		loc = json_object_new_object();
		json_object_object_add(loc, "line", json_object_new_int((int)line));
		json_object_object_add(loc, "column",
		    json_object_new_int((int)column));
		json_object_array_add(locs, loc);
		json_object_object_add(e, "locations", locs);
	}
	json_object_array_add(errs, e);
	if (strcmp(mt, MT_JSON) == 0 && status == 400)
		status = 200;
	reply(c, status, mt, errs, NULL, 0);
}

static void
add_location(struct json_object *locs, unsigned int line, unsigned int col)
{
	struct json_object	*loc = json_object_new_object();

	json_object_object_add(loc, "line", json_object_new_int((int)line));
	json_object_object_add(loc, "column", json_object_new_int((int)col));
	json_object_array_add(locs, loc);
}

/* Validation errors as the response's errors. */
static struct json_object *
validation_errors(const struct gql_verrors *v)
{
	struct json_object	*errs = json_object_new_array(), *e, *locs;
	size_t			 i;

	for (i = 0; i < v->n; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "message",
		    json_object_new_string(v->items[i].message));
		if (v->items[i].line > 0) {
			locs = json_object_new_array();
			add_location(locs, v->items[i].line,
			    v->items[i].column);
			if (v->items[i].line2 > 0)
				add_location(locs, v->items[i].line2,
				    v->items[i].column2);
			json_object_object_add(e, "locations", locs);
		}
		json_object_array_add(errs, e);
	}
	return errs;
}

/* Whether the operation chosen is a mutation (for GET and Idempotency-Key). */
static int
op_is(const struct gql_definition *op, enum gql_op kind)
{
	return op != NULL && op->op == kind;
}

/*
 * Parse, validate, measure and execute the request. is_get: refuse
 * mutations (405).
 */
static int
run(struct ctx *c, const char *mt, struct gql_params *p, int is_get)
{
	const struct gql_schema		*s;
	struct gql_document		*doc;
	struct gql_error		 perr;
	struct gql_limits		 lim;
	struct gql_verrors		 verr;
	const struct gql_definition	*op;
	struct gql_measure		 m;
	struct gql_exec_opts		 opts;
	struct gql_exec_result		 res;
	struct gql_product		 prod;
	struct gql_resolver		 r;
	const char			*msg;
	int				 introspection, prc;

	if ((s = schema()) == NULL) {
		problem(c, 500, "internal", "the GraphQL schema is not available");
		return 0;
	}
	if ((prc = gql_persisted_resolve(c, p->extensions, &p->query,
	    &p->query_len, &msg)) != 0) {
		request_error(c, prc, mt, msg, 0, 0);
		return 0;
	}
	if (p->query == NULL) {
		request_error(c, 400, mt, "Missing query.", 0, 0);
		return 0;
	}
	if (p->query_len > (size_t)c->cfg->gql_max_bytes) {
		request_error(c, 413, mt, arena_printf(c->arena,
		    "The document has %zu bytes, the limit is %ld.",
		    p->query_len, c->cfg->gql_max_bytes), 0, 0);
		return 0;
	}
	memset(&lim, 0, sizeof(lim));
	lim.max_bytes = (size_t)c->cfg->gql_max_bytes;
	lim.max_tokens = GQL_MAX_TOKENS;
	lim.max_depth = GQL_MAX_DEPTH;
	if (gql_parse(c->arena, p->query, p->query_len, &lim, &doc,
	    &perr) == -1) {
		request_error(c, 400, mt, arena_printf(c->arena,
		    "Syntax Error: %s", perr.message), perr.line, perr.column);
		return 0;
	}
	if (gql_validate(c->arena, s, doc, 0, &verr) == -1) {
		reply(c, strcmp(mt, MT_JSON) == 0 ? 200 : 400, mt,
		    validation_errors(&verr), NULL, 0);
		return 0;
	}
	if ((op = gql_exec_operation(doc, p->operation_name, &msg)) == NULL) {
		request_error(c, 400, mt, msg, 0, 0);
		return 0;
	}
	if (is_get && !op_is(op, GQL_QUERY)) {
		request_error(c, 405, mt, arena_printf(c->arena,
		    "Can only perform a %s operation from a POST request.",
		    gql_op_name(op->op)), 0, 0);
		(void)http_resp_header(c->resp, "Allow", "POST");
		return 0;
	}
	if (op_is(op, GQL_SUBSCRIPTION)) {
		request_error(c, 400, mt, "Subscriptions are not served here: "
		    "follow the event stream (GET /api/v1/events).",
		    op->line, op->column);
		return 0;
	}
	if (gql_exec_measure(doc, op, p->variables,
	    (unsigned int)c->cfg->gql_max_depth, &m) == -1 ||
	    m.depth > (unsigned int)c->cfg->gql_max_depth) {
		request_error(c, 400, mt, arena_printf(c->arena,
		    "The operation nests deeper than %ld levels.",
		    c->cfg->gql_max_depth), op->line, op->column);
		return 0;
	}
	if (m.root_fields > (size_t)c->cfg->gql_max_root_fields) {
		request_error(c, 400, mt, arena_printf(c->arena,
		    "The operation has %zu root fields, the limit is %ld.",
		    m.root_fields, c->cfg->gql_max_root_fields),
		    op->line, op->column);
		return 0;
	}
	if (c->req->idempotency_key != NULL && op_is(op, GQL_MUTATION) &&
	    m.root_fields > 1) {
		request_error(c, 400, mt, arena_printf(c->arena,
		    "An Idempotency-Key names one change: this mutation has "
		    "%zu fields. Send one per request.", m.root_fields),
		    op->line, op->column);
		return 0;
	}
	introspection = c->cfg->gql_introspection == 1 ||
	    (c->cfg->gql_introspection == -1 && c->cfg->is_dev);
	memset(&opts, 0, sizeof(opts));
	opts.flags = GQL_EXEC_SNAKE_KEYS | GQL_EXEC_ENUM_FOLD |
	    (introspection ? 0 : GQL_EXEC_NO_INTROSPECTION);
	opts.max_depth = (unsigned int)c->cfg->gql_max_depth;
	opts.max_fields = (size_t)c->cfg->gql_max_fields;
	memset(&prod, 0, sizeof(prod));
	prod.c = c;
	gql_product_resolver(&prod, &r);
	memset(&res, 0, sizeof(res));
	if (gql_execute(c->arena, s, doc, p->operation_name, p->variables, &r,
	    &opts, &res) == GQL_EXEC_REQUEST_ERROR) {
		json_object_put(res.data);
		reply(c, strcmp(mt, MT_JSON) == 0 ? 200 : 400, mt,
		    res.errors, NULL, 0);
		return 0;
	}
	if (p->extensions != NULL || p->query != NULL)
		gql_persisted_store(c, p->extensions, p->query, p->query_len);
	reply(c, 200, mt, res.errors, res.data, 1);
	return 0;
}

/*
 * A request parameter of the JSON body: 0 (absent or null), 1 (set), or
 * -1 when of another type than want.
 */
static int
param(struct json_object *body, const char *name, enum json_type want,
    struct json_object **out)
{
	*out = NULL;
	if (!json_object_object_get_ex(body, name, out) || *out == NULL) {
		*out = NULL;
		return 0;
	}
	if (!json_object_is_type(*out, want))
		return -1;
	return 1;
}

int
graphql_post(struct ctx *c)
{
	struct gql_params	 p;
	struct json_object	*body = NULL, *v;
	const char		*mt;
	int			 rc = 0;

	if ((mt = negotiate(c->req->accept)) == NULL) {
		request_error(c, 406, MT_JSON, "Accept " MT_GRAPHQL " or "
		    MT_JSON ".", 0, 0);
		return 0;
	}
	if (c->req->content_type == NULL ||
	    strcmp(c->req->content_type, "application/json") != 0) {
		request_error(c, 415, mt,
		    "Send the request as application/json.", 0, 0);
		return 0;
	}
	switch (http_req_read_body(c->req, c->io, c->arena,
	    (size_t)c->cfg->http_max_body)) {
	case HTTP_BODY_OK:
		break;
	case HTTP_BODY_TOO_LARGE:
		request_error(c, 413, mt, "The request body is too large.", 0, 0);
		return 0;
	default:
		request_error(c, 400, mt, "The request body could not be read.",
		    0, 0);
		return 0;
	}
	if (c->req->body == NULL || json_decode(c->req->body, c->req->body_len,
	    &body) != 0 || !json_object_is_type(body, json_type_object)) {
		/* Not well-formed: 400 whatever the media type. */
		json_object_put(body);
		request_error(c, 400, mt, "The body must be a JSON object.", 0, 0);
		c->resp->status = 400;
		return 0;
	}
	memset(&p, 0, sizeof(p));
	if (param(body, "query", json_type_string, &v) == -1 ||
	    param(body, "operationName", json_type_string, &v) == -1 ||
	    param(body, "variables", json_type_object, &v) == -1 ||
	    param(body, "extensions", json_type_object, &v) == -1) {
		request_error(c, 400, mt, "query and operationName must be "
		    "strings, variables and extensions objects.", 0, 0);
		c->resp->status = 400;
		goto out;
	}
	if (param(body, "query", json_type_string, &v) == 1) {
		p.query = json_object_get_string(v);
		p.query_len = (size_t)json_object_get_string_len(v);
	}
	if (param(body, "operationName", json_type_string, &v) == 1)
		p.operation_name = json_object_get_string(v);
	(void)param(body, "variables", json_type_object, &p.variables);
	(void)param(body, "extensions", json_type_object, &p.extensions);
	rc = run(c, mt, &p, 0);
out:
	json_object_put(body);
	return rc;
}

/* A query-string parameter holding JSON: 0 (absent), 1, or -1 (not an object). */
static int
json_param(struct ctx *c, const char *name, struct json_object **out)
{
	const char	*s = http_query(c->req, name);

	*out = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	if (json_decode(s, strlen(s), out) != 0)
		return -1;
	if (json_object_is_type(*out, json_type_null)) {
		json_object_put(*out);
		*out = NULL;
		return 0;
	}
	if (!json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return -1;
	}
	return 1;
}

int
graphql_get(struct ctx *c)
{
	struct gql_params	 p;
	const char		*mt;
	int			 rc;

	if ((mt = negotiate(c->req->accept)) == NULL) {
		request_error(c, 406, MT_JSON, "Accept " MT_GRAPHQL " or "
		    MT_JSON ".", 0, 0);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	if ((p.query = http_query(c->req, "query")) != NULL)
		p.query_len = strlen(p.query);
	p.operation_name = http_query(c->req, "operationName");
	if (json_param(c, "variables", &p.variables) == -1 ||
	    json_param(c, "extensions", &p.extensions) == -1) {
		request_error(c, 400, mt, "variables and extensions must be "
		    "JSON objects.", 0, 0);
		c->resp->status = 400;
		rc = 0;
		goto out;
	}
	rc = run(c, mt, &p, 1);
out:
	json_object_put(p.variables);
	json_object_put(p.extensions);
	return rc;
}
