/*
 * Unit tests for the GraphQL worker's product schema and its root table
 * (cgi-bin/graphql/schema.c, roots.c): the schema checks; each root
 * field has exactly one entry, in schema order, naming every argument
 * and nothing else; path captures and RA_PATH arguments match; every
 * route exists with its method in the REST worker's route table and
 * replies JSON; the REST names an entry sends appear in that worker's
 * sources; results have the shape the entry says; and the printed SDL
 * is docs/schema.graphql byte for byte.
 *
 * The route tables are read as text from cgi-bin/<worker>/routes.c, and
 * body and query names from the worker's other sources, under $srcdir
 * (set by make check; else the source tree configure saw), rather than
 * linking every worker into this test.
 *
 * To regenerate docs/schema.graphql after changing the schema:
 *	GQL_WRITE_SCHEMA=../docs/schema.graphql \
 *	    ./tests/unit/test-graphql-schema-product
 * (from the build directory): the SDL is written there, then compared.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/graphql.h"
#include "lib/graphql-exec.h"
#include "lib/graphql-schema.h"
#include "lib/mem.h"
#include "cgi-bin/graphql/roots.h"

#ifndef GQL_TOP_SRCDIR
#define GQL_TOP_SRCDIR	"."
#endif

/* The workers an in-process request can reach (cgi-bin/graphql/subreq.c). */
static const char *const rest_workers[] = {
	"auth", "records", "appointments", "messaging", "waitingroom", "audit",
	NULL,
};

/* Largest source file read. */
#define SRC_MAX		(1 << 20)

static struct arena	 A;
static struct gql_schema *S;

static int
setup(void **state)
{
	struct gql_error	 err;

	(void)state;
	arena_init(&A);
	if (gql_schema_check(&A, &gql_product_schema, &S, &err) != 0) {
		fprintf(stderr, "product schema refused: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

static const char *
top_srcdir(void)
{
	const char	*s = getenv("srcdir");

	return s != NULL && *s != '\0' ? s : GQL_TOP_SRCDIR;
}

/* The file at srcdir/rel, NUL-terminated, in A; fails the test if absent. */
static const char *
read_src(const char *rel)
{
	struct buf	 b;
	const char	*path, *out;

	path = arena_printf(&A, "%s/%s", top_srcdir(), rel);
	buf_init(&b, SRC_MAX);
	if (buf_add_file(&b, path) == -1)
		fail_msg("cannot read %s", path);
	out = arena_strndup(&A, b.data != NULL ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

/* name in snake_case, as the resolver sends it to REST. */
static const char *
snake(const char *name)
{
	return gql_snake_case(&A, name);
}

static const struct gql_ntype *
type_named(const char *name)
{
	const struct gql_ntype	*t = gql_schema_type(S, name, strlen(name));

	if (t == NULL)
		fail_msg("no type %s", name);
	return t;
}

/* ---- the schema ---- */

static void
t_schema_checks(void **state)
{
	(void)state;
	assert_non_null(S);
	assert_non_null(S->query);
	assert_non_null(S->mutation);
	assert_null(S->subscription);
}

/* Every XConnection and XEdge has the shape roots.h's ROOT_PAGE makes. */
static void
t_connections(void **state)
{
	const struct gql_ntype	*t, *edge;
	const char		*base, *s;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < S->ntypes; i++) {
		t = &S->types[i];
		n = strlen(t->name);
		if (t->is_builtin || n <= 10 ||
		    strcmp(t->name + n - 10, "Connection") != 0)
			continue;
		base = arena_strndup(&A, t->name, n - 10);
		assert_int_equal(t->nfields, 3);
		s = gql_tref_string(&A, gql_schema_field(S, t, "edges")->type);
		assert_string_equal(s, arena_printf(&A, "[%sEdge!]!", base));
		s = gql_tref_string(&A, gql_schema_field(S, t, "nodes")->type);
		assert_string_equal(s, arena_printf(&A, "[%s!]!", base));
		s = gql_tref_string(&A,
		    gql_schema_field(S, t, "pageInfo")->type);
		assert_string_equal(s, "PageInfo!");
		edge = type_named(arena_printf(&A, "%sEdge", base));
		assert_int_equal(edge->nfields, 2);
		s = gql_tref_string(&A, gql_schema_field(S, edge, "cursor")->type);
		assert_string_equal(s, "String");
		s = gql_tref_string(&A, gql_schema_field(S, edge, "node")->type);
		assert_string_equal(s, arena_printf(&A, "%s!", base));
	}
}

/* ---- the root table against the schema ---- */

static void
t_roots_match_fields(void **state)
{
	const struct gql_root	*r;
	const struct gql_ntype	*roots[2];
	const struct gql_field	*f;
	size_t			 k, i, count;

	(void)state;
	roots[0] = S->query;
	roots[1] = S->mutation;
	/* Entries follow the fields of Query, then Mutation, one each. */
	r = gql_product_roots;
	for (k = 0; k < 2; k++)
		for (i = 0; i < roots[k]->nfields; i++, r++) {
			f = &roots[k]->fields[i];
			if (r->type == NULL)
				fail_msg("no root entry for %s.%s",
				    roots[k]->name, f->def->name);
			if (strcmp(r->type, roots[k]->name) != 0 ||
			    strcmp(r->field, f->def->name) != 0)
				fail_msg("root entry %s.%s where %s.%s is due",
				    r->type, r->field, roots[k]->name,
				    f->def->name);
		}
	if (r->type != NULL)
		fail_msg("root entry %s.%s is no field", r->type, r->field);
	/* And each is found, once. */
	for (r = gql_product_roots; r->type != NULL; r++) {
		assert_ptr_equal(gql_root_find(r->type, r->field), r);
		count = 0;
		for (k = 0; gql_product_roots[k].type != NULL; k++)
			if (strcmp(gql_product_roots[k].type, r->type) == 0 &&
			    strcmp(gql_product_roots[k].field, r->field) == 0)
				count++;
		assert_int_equal(count, 1);
	}
	assert_null(gql_root_find("Query", "nope"));
	assert_null(gql_root_find("Mutation", "me"));
}

static const struct gql_field *
root_field(const struct gql_root *r)
{
	const struct gql_ntype	*t = type_named(r->type);
	const struct gql_field	*f = gql_schema_field(S, t, r->field);

	if (f == NULL)
		fail_msg("%s.%s: no such field", r->type, r->field);
	return f;
}

static void
t_roots_args(void **state)
{
	const struct gql_root		*r;
	const struct gql_root_arg	*ra, *rb;
	const struct gql_field		*f;
	const struct gql_input		*in;
	const struct gql_ntype		*nt;
	size_t				 i, n;

	(void)state;
	for (r = gql_product_roots; r->type != NULL; r++) {
		f = root_field(r);
		n = 0;
		for (ra = r->args; ra->arg != NULL; ra++, n++) {
			if ((in = gql_schema_input(f->args, f->nargs,
			    ra->arg)) == NULL)
				fail_msg("%s.%s: entry names no argument %s",
				    r->type, r->field, ra->arg);
			for (rb = r->args; rb != ra; rb++)
				if (strcmp(rb->arg, ra->arg) == 0)
					fail_msg("%s.%s: %s listed twice",
					    r->type, r->field, ra->arg);
			nt = gql_tref_named(in->type);
			switch (ra->where) {
			case RA_PATH:
				/* A path cannot be built without it. */
				if (!in->type->is_non_null || in->type->of)
					fail_msg("%s.%s(%s:) goes in the path: "
					    "a non-null scalar", r->type,
					    r->field, ra->arg);
				assert_non_null(ra->rest);
				break;
			case RA_QUERY:
				if (in->type->of != NULL ||
				    nt->kind == GQL_K_INPUT_OBJECT)
					fail_msg("%s.%s(%s:) goes in the query: "
					    "a scalar or enum", r->type,
					    r->field, ra->arg);
				assert_non_null(ra->rest);
				break;
			case RA_BODY:
				assert_non_null(ra->rest);
				break;
			case RA_BODY_ALL:
				if (nt->kind != GQL_K_INPUT_OBJECT ||
				    in->type->of != NULL)
					fail_msg("%s.%s(%s:) is RA_BODY_ALL: an "
					    "input object", r->type, r->field,
					    ra->arg);
				break;
			default:
				fail_msg("%s.%s(%s:): where is %d", r->type,
				    r->field, ra->arg, (int)ra->where);
			}
		}
		/* And the field has no argument the entry leaves out. */
		for (i = 0; i < f->nargs; i++) {
			for (ra = r->args; ra->arg != NULL; ra++)
				if (strcmp(ra->arg, f->args[i].def->name) == 0)
					break;
			if (ra->arg == NULL)
				fail_msg("%s.%s(%s:) has no place in the entry",
				    r->type, r->field, f->args[i].def->name);
		}
		assert_int_equal(n, f->nargs);
	}
}

/* Whether path has the capture {name}. */
static int
path_has_capture(const char *path, const char *name)
{
	const char	*p = path, *e;
	size_t		 n = strlen(name);

	while ((p = strchr(p, '{')) != NULL) {
		if ((e = strchr(p, '}')) == NULL)
			return 0;
		if ((size_t)(e - p - 1) == n && strncmp(p + 1, name, n) == 0)
			return 1;
		p = e + 1;
	}
	return 0;
}

static void
t_roots_paths(void **state)
{
	const struct gql_root		*r;
	const struct gql_root_arg	*ra;
	const char			*p, *e, *name;

	(void)state;
	for (r = gql_product_roots; r->type != NULL; r++) {
		assert_true(strncmp(r->path, "/api/v1/", 8) == 0);
		for (ra = r->args; ra->arg != NULL; ra++)
			if (ra->where == RA_PATH &&
			    !path_has_capture(r->path, ra->rest))
				fail_msg("%s.%s: %s has no {%s}", r->type,
				    r->field, r->path, ra->rest);
		for (p = r->path; (p = strchr(p, '{')) != NULL; p = e + 1) {
			assert_non_null(e = strchr(p, '}'));
			name = arena_strndup(&A, p + 1, (size_t)(e - p - 1));
			for (ra = r->args; ra->arg != NULL; ra++)
				if (ra->where == RA_PATH &&
				    strcmp(ra->rest, name) == 0)
					break;
			if (ra->arg == NULL)
				fail_msg("%s.%s: no argument fills {%s}",
				    r->type, r->field, name);
		}
	}
}

/* The field's type has the shape the entry's reply becomes. */
static void
t_roots_shapes(void **state)
{
	const struct gql_root		*r;
	const struct gql_root_arg	*ra;
	const struct gql_field		*f;
	const struct gql_ntype		*nt;
	const char			*s;
	size_t				 n;
	int				 has_first, has_after;

	(void)state;
	for (r = gql_product_roots; r->type != NULL; r++) {
		f = root_field(r);
		nt = gql_tref_named(f->type);
		s = gql_tref_string(&A, f->type);
		switch (r->shape) {
		case ROOT_PAGE:
			n = strlen(nt->name);
			if (f->type->of != NULL || n <= 10 ||
			    strcmp(nt->name + n - 10, "Connection") != 0)
				fail_msg("%s.%s is a page: a connection, not %s",
				    r->type, r->field, s);
			has_first = has_after = 0;
			for (ra = r->args; ra->arg != NULL; ra++) {
				if (strcmp(ra->arg, "first") == 0)
					has_first = ra->where == RA_QUERY &&
					    strcmp(ra->rest, "limit") == 0;
				if (strcmp(ra->arg, "after") == 0)
					has_after = ra->where == RA_QUERY &&
					    strcmp(ra->rest, "cursor") == 0;
			}
			if (!has_first || !has_after)
				fail_msg("%s.%s: first and after are limit and "
				    "cursor", r->type, r->field);
			break;
		case ROOT_ARRAY:
			if (f->type->of == NULL)
				fail_msg("%s.%s is a list, not %s", r->type,
				    r->field, s);
			break;
		case ROOT_EMPTY:
			assert_string_equal(s, "Boolean!");
			assert_int_not_equal(r->method, HTTP_GET);
			break;
		case ROOT_MEMBER:
			assert_non_null(r->member);
			break;
		default:
			if (f->type->of != NULL || nt->kind != GQL_K_OBJECT)
				fail_msg("%s.%s is an object, not %s", r->type,
				    r->field, s);
			break;
		}
		/* Queries read; mutations change. */
		if (strcmp(r->type, "Query") == 0)
			assert_int_equal(r->method, HTTP_GET);
		else
			assert_int_not_equal(r->method, HTTP_GET);
	}
}

/* ---- the root table against the REST workers ---- */

struct rest_route {
	const char	*worker;
	const char	*method;	/* "HTTP_GET" */
	const char	*path;
	int		 is_stream;	/* a ROUTE_STREAM* or ROUTE_RAW_BODY flag */
};

static struct rest_route *routes;
static size_t		  nroutes;

/*
 * The entries "{ HTTP_X, "path", handler, flags }" of a routes.c, which
 * may run over lines.
 */
static void
routes_parse(const char *worker, const char *text)
{
	const char	*p = text, *q, *open, *end;

	if (routes == NULL)
		routes = arena_alloc(&A, 256 * sizeof(*routes));
	while ((p = strstr(p, "{ HTTP_")) != NULL) {
		p += 2;
		q = p;
		while (isupper((unsigned char)*q) || *q == '_')
			q++;
		open = strchr(q, '"');
		end = open != NULL ? strchr(open + 1, '"') : NULL;
		assert_non_null(end);
		assert_true(nroutes < 256);
		routes[nroutes].worker = worker;
		routes[nroutes].method = arena_strndup(&A, p, (size_t)(q - p));
		routes[nroutes].path = arena_strndup(&A, open + 1,
		    (size_t)(end - open - 1));
		p = strchr(end, '}');
		assert_non_null(p);
		q = arena_strndup(&A, end, (size_t)(p - end));
		routes[nroutes].is_stream = strstr(q, "ROUTE_STREAM") != NULL ||
		    strstr(q, "ROUTE_RAW_BODY") != NULL;
		nroutes++;
	}
}

static void
routes_load(void)
{
	size_t	 i;

	if (routes != NULL)
		return;
	for (i = 0; rest_workers[i] != NULL; i++)
		routes_parse(rest_workers[i], read_src(arena_printf(&A,
		    "cgi-bin/%s/routes.c", rest_workers[i])));
	assert_true(nroutes > 50);
}

static const char *
method_token(enum http_method m)
{
	switch (m) {
	case HTTP_GET:
		return "HTTP_GET";
	case HTTP_POST:
		return "HTTP_POST";
	case HTTP_PUT:
		return "HTTP_PUT";
	case HTTP_PATCH:
		return "HTTP_PATCH";
	case HTTP_DELETE:
		return "HTTP_DELETE";
	default:
		return "?";
	}
}

static const struct rest_route *
route_of(const struct gql_root *r)
{
	size_t	 i;

	for (i = 0; i < nroutes; i++)
		if (strcmp(routes[i].method, method_token(r->method)) == 0 &&
		    strcmp(routes[i].path, r->path) == 0)
			return &routes[i];
	return NULL;
}

static void
t_roots_routes(void **state)
{
	const struct gql_root	*r;
	const struct rest_route	*rr;

	(void)state;
	routes_load();
	for (r = gql_product_roots; r->type != NULL; r++) {
		if ((rr = route_of(r)) == NULL)
			fail_msg("%s.%s: no route %s %s", r->type, r->field,
			    method_token(r->method), r->path);
		if (rr->is_stream)
			fail_msg("%s.%s: %s %s does not reply JSON", r->type,
			    r->field, method_token(r->method), r->path);
	}
}

/* Every .c of cgi-bin/worker but routes.c and main.c, as one string. */
static const char *
worker_text(const char *worker)
{
	struct buf	 b;
	struct dirent	*d;
	DIR		*dir;
	const char	*path, *out;
	size_t		 n;

	path = arena_printf(&A, "%s/cgi-bin/%s", top_srcdir(), worker);
	if ((dir = opendir(path)) == NULL)
		fail_msg("cannot open %s", path);
	buf_init(&b, 16 * SRC_MAX);
	while ((d = readdir(dir)) != NULL) {
		n = strlen(d->d_name);
		if (n < 3 || strcmp(d->d_name + n - 2, ".c") != 0 ||
		    strcmp(d->d_name, "routes.c") == 0 ||
		    strcmp(d->d_name, "main.c") == 0)
			continue;
		if (buf_add_file(&b, arena_printf(&A, "%s/%s", path,
		    d->d_name)) == -1)
			fail_msg("cannot read %s/%s", path, d->d_name);
	}
	closedir(dir);
	out = arena_strndup(&A, b.data != NULL ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

/* Whether the worker's text has the JSON body field name (a table entry). */
static int
has_body_field(const char *text, const char *name)
{
	return strstr(text, arena_printf(&A, "{ \"%s\", JF_", name)) != NULL;
}

/* Each input field, in snake_case, is a body field of the worker. */
static void
input_in_rest(const struct gql_root *r, const char *text,
    const struct gql_ntype *t, unsigned int depth)
{
	const struct gql_input	*in;
	const struct gql_ntype	*nt;
	const char		*rest;
	size_t			 i;

	assert_true(depth < 4);
	for (i = 0; i < t->ninput_fields; i++) {
		in = &t->input_fields[i];
		rest = snake(in->def->name);
		if (!has_body_field(text, rest))
			fail_msg("%s.%s: %s.%s: no body field \"%s\" in REST",
			    r->type, r->field, t->name, in->def->name, rest);
		nt = gql_tref_named(in->type);
		if (nt->kind == GQL_K_INPUT_OBJECT)
			input_in_rest(r, text, nt, depth + 1);
	}
}

/*
 * The names an entry sends are the worker's: body members are entries
 * of its JSON field tables, query parameters string literals of its
 * sources (http_query's and the audit filter table's).
 */
static void
t_roots_rest_names(void **state)
{
	const struct gql_root		*r;
	const struct gql_root_arg	*ra;
	const struct rest_route		*rr;
	const struct gql_field		*f;
	const struct gql_input		*in;
	const char			*text;

	(void)state;
	routes_load();
	for (r = gql_product_roots; r->type != NULL; r++) {
		if ((rr = route_of(r)) == NULL)
			continue;	/* t_roots_routes says so */
		text = worker_text(rr->worker);
		f = root_field(r);
		for (ra = r->args; ra->arg != NULL; ra++) {
			in = gql_schema_input(f->args, f->nargs, ra->arg);
			assert_non_null(in);
			switch (ra->where) {
			case RA_QUERY:
				/* page_parse reads these for every list. */
				if (strcmp(ra->rest, "limit") == 0 ||
				    strcmp(ra->rest, "cursor") == 0)
					break;
				if (strstr(text, arena_printf(&A, "\"%s\"",
				    ra->rest)) == NULL)
					fail_msg("%s.%s(%s:): no query parameter "
					    "\"%s\" in %s", r->type, r->field,
					    ra->arg, ra->rest, rr->worker);
				break;
			case RA_BODY:
				if (!has_body_field(text, ra->rest))
					fail_msg("%s.%s(%s:): no body field "
					    "\"%s\" in %s", r->type, r->field,
					    ra->arg, ra->rest, rr->worker);
				break;
			case RA_BODY_ALL:
				input_in_rest(r, text, gql_tref_named(in->type),
				    0);
				break;
			default:
				break;
			}
		}
	}
}

/* ---- the SDL ---- */

static void
t_sdl_file(void **state)
{
	struct buf	 b;
	const char	*want, *out;
	FILE		*fp;

	(void)state;
	buf_init(&b, 1 << 20);
	assert_int_equal(gql_schema_print(S, &b), 0);
	out = arena_strndup(&A, b.data != NULL ? b.data : "", b.len);
	buf_release(&b);
	if ((want = getenv("GQL_WRITE_SCHEMA")) != NULL && *want != '\0') {
		if ((fp = fopen(want, "w")) == NULL)
			fail_msg("cannot write %s", want);
		assert_int_equal(fwrite(out, 1, strlen(out), fp), strlen(out));
		assert_int_equal(fclose(fp), 0);
	}
	want = read_src("docs/schema.graphql");
	if (strcmp(want, out) != 0)
		fail_msg("docs/schema.graphql is not the printed schema; "
		    "regenerate it (see the top of this file)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_schema_checks),
		cmocka_unit_test(t_connections),
		cmocka_unit_test(t_roots_match_fields),
		cmocka_unit_test(t_roots_args),
		cmocka_unit_test(t_roots_paths),
		cmocka_unit_test(t_roots_shapes),
		cmocka_unit_test(t_roots_routes),
		cmocka_unit_test(t_roots_rest_names),
		cmocka_unit_test(t_sdl_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
