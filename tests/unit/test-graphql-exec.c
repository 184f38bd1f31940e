/*
 * Unit tests for lib/graphql-exec: a small clinic schema executed with a
 * resolver serving JSON fixtures. Aliases and merging, fragments,
 * @skip/@include, argument and variable coercion with graphql-js 16's
 * messages, snake_case defaults, enum folding, null propagation, error
 * paths, serial mutations, the limits, operation selection and
 * introspection (the expected texts of the graphql-js cases were
 * produced by graphql-js 16.9.0 for the same schema and root value).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <json.h>

#include "lib/buf.h"
#include "lib/graphql.h"
#include "lib/graphql-exec.h"
#include "lib/graphql-schema.h"
#include "lib/graphql-validate.h"
#include "lib/mem.h"

static struct arena		 A;
static struct gql_schema	*S;

/* ---- the schema ---- */

static const struct gql_field_def node_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const char *const node_iface[] = { "Node", NULL };

static const struct gql_field_def user_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "name", "String!", NULL, "Full name.", NULL },
	{ "email", "String", NULL, NULL, "Use contact." },
	{ "role", "Role!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def appointment_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "status", "Status!", NULL, NULL, NULL },
	{ "provider", "User!", NULL, NULL, NULL },
	{ "notes", "[String!]", NULL, NULL, NULL },
	{ "labResultIds", "[ID!]", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def page_info_fields[] = {
	{ "hasNextPage", "Boolean!", NULL, NULL, NULL },
	{ "endCursor", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def connection_fields[] = {
	{ "edges", "[Appointment!]!", NULL, NULL, NULL },
	{ "pageInfo", "PageInfo!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_enum_value_def status_values[] = {
	{ "BOOKED", "Confirmed.", NULL },
	{ "CHECKED_IN", NULL, NULL },
	{ "NO_SHOW", NULL, "Use CANCELLED." },
	{ "CANCELLED", NULL, NULL },
	{ NULL, NULL, NULL },
};

static const struct gql_enum_value_def role_values[] = {
	{ "PATIENT", NULL, NULL },
	{ "PROVIDER", NULL, NULL },
	{ NULL, NULL, NULL },
};

static const struct gql_input_def book_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "durationMinutes", "Int!", "30", NULL, NULL },
	{ "tags", "[String!]", NULL, NULL, NULL },
	{ "reason", "String", NULL, "Shown to the provider.", "Ask." },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const char *const search_members[] = { "User", "Appointment", NULL };

static const struct gql_input_def appointments_args[] = {
	{ "first", "Int", "20", NULL, NULL },
	{ "status", "[Status!]", "BOOKED", NULL, NULL },
	{ "after", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def id_arg[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def text_arg[] = {
	{ "text", "String!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def echo_args[] = {
	{ "n", "Int", NULL, NULL, NULL },
	{ "f", "Float", "1.5", NULL, NULL },
	{ "s", "String", NULL, NULL, NULL },
	{ "b", "Boolean", NULL, NULL, NULL },
	{ "i", "ID", NULL, NULL, NULL },
	{ "st", "Status", NULL, NULL, NULL },
	{ "l", "[Int!]", NULL, NULL, NULL },
	{ "inp", "BookInput", NULL, NULL, NULL },
	{ "dt", "DateTime", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def query_fields[] = {
	{ "me", "User", NULL, "The signed-in user.", NULL },
	{ "node", "Node", id_arg, NULL, NULL },
	{ "appointments", "Connection!", appointments_args, NULL, NULL },
	{ "search", "[SearchResult!]!", text_arg, NULL, NULL },
	{ "echo", "String", echo_args, NULL, NULL },
	{ "users", "[User!]", NULL, NULL, NULL },
	{ "required", "User!", NULL, NULL, NULL },
	{ "boom", "String", NULL, NULL, NULL },
	{ "count", "Int", NULL, NULL, NULL },
	{ "when", "DateTime", NULL, NULL, NULL },
	{ "word", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def book_arg[] = {
	{ "input", "BookInput!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def mutation_fields[] = {
	{ "book", "Appointment", book_arg, NULL, NULL },
	{ "cancel", "Boolean!", id_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_type_def clinic_types[] = {
	{ .kind = GQL_K_OBJECT, .name = "Query",
	    .description = "The root of every read.", .fields = query_fields },
	{ .kind = GQL_K_OBJECT, .name = "Mutation", .fields = mutation_fields },
	{ .kind = GQL_K_SCALAR, .name = "DateTime",
	    .description = "An instant, RFC 3339.",
	    .specified_by = "https://www.rfc-editor.org/rfc/rfc3339" },
	{ .kind = GQL_K_INTERFACE, .name = "Node", .fields = node_fields },
	{ .kind = GQL_K_OBJECT, .name = "User", .fields = user_fields,
	    .interfaces = node_iface },
	{ .kind = GQL_K_OBJECT, .name = "Appointment",
	    .fields = appointment_fields, .interfaces = node_iface },
	{ .kind = GQL_K_OBJECT, .name = "PageInfo", .fields = page_info_fields },
	{ .kind = GQL_K_OBJECT, .name = "Connection",
	    .fields = connection_fields },
	{ .kind = GQL_K_ENUM, .name = "Status", .values = status_values },
	{ .kind = GQL_K_ENUM, .name = "Role", .values = role_values },
	{ .kind = GQL_K_INPUT_OBJECT, .name = "BookInput",
	    .input_fields = book_fields },
	{ .kind = GQL_K_UNION, .name = "SearchResult",
	    .members = search_members },
	{ .name = NULL },
};

static const struct gql_schema_def clinic = {
	.description = "The clinic.",
	.types = clinic_types,
	.query = "Query",
	.mutation = "Mutation",
};

/* ---- the resolver: root fields from a fixture, the rest by default ---- */

static const char fixture_text[] =
    "{\"me\": {\"id\": \"u1\", \"name\": \"Ada\", \"email\": \"a@x\","
    " \"role\": \"PROVIDER\"},"
    " \"appointments\": {\"edges\": [{\"id\": \"a1\","
    " \"start_at\": \"2024-05-01T09:00:00Z\", \"status\": \"checked-in\","
    " \"provider\": {\"id\": 7, \"name\": \"Bo\", \"role\": \"provider\"},"
    " \"notes\": [\"x\", \"y\"], \"lab_result_ids\": [1, \"r2\"]},"
    " {\"id\": \"a2\", \"startAt\": \"camel\", \"start_at\": \"snake\","
    " \"status\": \"BOOKED\", \"provider\": {\"id\": \"u2\", \"name\": \"Cy\","
    " \"role\": \"PATIENT\"}, \"notes\": [\"z\", null]}],"
    " \"page_info\": {\"has_next_page\": true, \"end_cursor\": null}},"
    " \"search\": [{\"__typename\": \"User\", \"id\": \"u1\", \"name\": \"Ada\","
    " \"role\": \"PATIENT\"}, {\"__typename\": \"Appointment\", \"id\": \"a9\","
    " \"status\": \"BOOKED\"}],"
    " \"users\": [{\"id\": \"u1\", \"name\": \"Ada\", \"role\": \"PATIENT\"},"
    " {\"id\": \"u3\", \"name\": null, \"role\": \"PATIENT\"}],"
    " \"required\": null, \"count\": 2.0, \"when\": {\"t\": [1, 2]},"
    " \"word\": 12.5, \"node\": {\"__typename\": \"User\", \"id\": \"u1\","
    " \"name\": \"Ada\", \"role\": \"PATIENT\"}}";

struct fixture {
	struct json_object	*root;
	struct buf		 calls;		/* "book,cancel," */
	size_t			 nresolved;
};

static struct fixture	 F;

static enum gql_resolve_rc
resolve(void *arg, const struct gql_exec_field *f, struct json_object *parent,
    struct json_object **out, const char **message,
    struct json_object **extensions)
{
	struct fixture		*fx = arg;
	const char		*name = f->field->def->name;
	struct json_object	*v;

	fx->nresolved++;
	if (parent != NULL)
		return GQL_RESOLVE_DEFAULT;
	if (strcmp(f->parent_type->name, "Mutation") == 0) {
		buf_addf(&fx->calls, "%s(%s),", name,
		    json_object_to_json_string_ext(f->args,
		    JSON_C_TO_STRING_PLAIN));
		if (strcmp(name, "cancel") == 0) {
			*out = json_object_new_boolean(1);
			return GQL_RESOLVE_VALUE;
		}
		*out = json_tokener_parse("{\"id\": \"a5\", \"status\": "
		    "\"BOOKED\"}");
		return GQL_RESOLVE_VALUE;
	}
	if (strcmp(name, "echo") == 0) {
		*out = json_object_new_string(json_object_to_json_string_ext(
		    f->args, JSON_C_TO_STRING_PLAIN));
		return GQL_RESOLVE_VALUE;
	}
	if (strcmp(name, "boom") == 0) {
		*message = "Not allowed here.";
		*extensions = json_tokener_parse("{\"code\": \"FORBIDDEN\"}");
		return GQL_RESOLVE_ERROR;
	}
	if (json_object_object_get_ex(fx->root, name, &v)) {
		*out = json_object_get(v);
		return GQL_RESOLVE_VALUE;
	}
	return GQL_RESOLVE_DEFAULT;
}

static const struct gql_resolver	 R = { &F, resolve, NULL };

static int
setup(void **state)
{
	struct gql_error	 err;

	(void)state;
	arena_init(&A);
	if (gql_schema_check(&A, &clinic, &S, &err) == -1) {
		fprintf(stderr, "schema: %s\n", err.message);
		return -1;
	}
	F.root = json_tokener_parse(fixture_text);
	buf_init(&F.calls, 4096);
	return F.root != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	json_object_put(F.root);
	buf_release(&F.calls);
	arena_release(&A);
	return 0;
}

/*
 * Parse, validate and execute src with variables (JSON text or NULL);
 * the response {"data"?, "errors"?} as compact JSON, in the arena. A
 * request error has no "data" member.
 */
static const char *
run_opts(const char *src, const char *vars, const char *opname,
    const struct gql_exec_opts *o, enum gql_exec_rc *rcp)
{
	struct gql_document	*doc;
	struct gql_error	 perr;
	struct gql_verrors	 verr;
	struct gql_exec_result	 res;
	struct json_object	*v = NULL, *out;
	enum gql_exec_rc	 rc;
	const char		*s;

	if (gql_parse(&A, src, strlen(src), NULL, &doc, &perr) == -1) {
		fprintf(stderr, "parse: %u:%u %s\n", perr.line, perr.column,
		    perr.message);
		fail();
	}
	if (gql_validate(&A, S, doc, 0, &verr) == -1) {
		fprintf(stderr, "validate: %s\n", verr.items[0].message);
		fail();
	}
	if (vars != NULL)
		assert_non_null(v = json_tokener_parse(vars));
	rc = gql_execute(&A, S, doc, opname, v, &R, o, &res);
	if (rcp != NULL)
		*rcp = rc;
	out = json_object_new_object();
	if (rc == GQL_EXEC_OK)
		json_object_object_add(out, "data", res.data);
	else
		assert_null(res.data);
	if (res.errors != NULL)
		json_object_object_add(out, "errors", res.errors);
	s = arena_strdup(&A, json_object_to_json_string_ext(out,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	json_object_put(v);
	return s;
}

static const char *
run(const char *src, const char *vars, unsigned int flags)
{
	struct gql_exec_opts	 o;

	memset(&o, 0, sizeof(o));
	o.flags = flags;
	return run_opts(src, vars, NULL, &o, NULL);
}

#define SNAKE	GQL_EXEC_SNAKE_KEYS
#define FOLD	GQL_EXEC_ENUM_FOLD

/* ---- cases: a document, variables, flags and the whole response ---- */

struct xcase {
	const char	*src;
	const char	*vars;
	unsigned int	 flags;
	const char	*want;
};

static void
run_cases(const struct xcase *c, size_t n)
{
	const char	*got;
	size_t		 i, bad = 0;

	for (i = 0; i < n; i++) {
		got = run(c[i].src, c[i].vars, c[i].flags);
		if (c[i].want != NULL && strcmp(got, c[i].want) == 0)
			continue;
		fprintf(stderr, "case %zu: %s\n  got:  %s\n  want: %s\n", i,
		    c[i].src, got, c[i].want != NULL ? c[i].want : "?");
		bad++;
	}
	assert_int_equal(bad, 0);
}

#define NCASES(c)	(sizeof(c) / sizeof((c)[0]))

/* Aliases, merging of one response key, fragments, inline fragments. */
static void
t_selection(void **state)
{
	static const struct xcase c[] = {
	{ "{ me { id name } }", NULL, 0,
	  "{\"data\":{\"me\":{\"id\":\"u1\",\"name\":\"Ada\"}}}" },
	{ "{ a: me { n: name } b: me { id } me { name } }", NULL, 0,
	  "{\"data\":{\"a\":{\"n\":\"Ada\"},\"b\":{\"id\":\"u1\"},"
	  "\"me\":{\"name\":\"Ada\"}}}" },
	/* one key from three places: subfields merged in first-seen order */
	{ "{ me { id } ...F me { role ... on User { name id } } }"
	  " fragment F on Query { me { name } }", NULL, 0,
	  "{\"data\":{\"me\":{\"id\":\"u1\",\"name\":\"Ada\","
	  "\"role\":\"PROVIDER\"}}}" },
	{ "{ search(text: \"a\") { __typename ... on User { name }"
	  " ... on Appointment { status } ... on Node { id } } }", NULL, 0,
	  "{\"data\":{\"search\":[{\"__typename\":\"User\",\"name\":\"Ada\","
	  "\"id\":\"u1\"},{\"__typename\":\"Appointment\",\"status\":"
	  "\"BOOKED\",\"id\":\"a9\"}]}}" },
	{ "{ node(id: \"u1\") { id ... { __typename } ...U } }"
	  " fragment U on User { role }", NULL, 0,
	  "{\"data\":{\"node\":{\"id\":\"u1\",\"__typename\":\"User\","
	  "\"role\":\"PATIENT\"}}}" },
	{ "{ __typename me { __typename } }", NULL, 0,
	  "{\"data\":{\"__typename\":\"Query\",\"me\":{\"__typename\":"
	  "\"User\"}}}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

/* @skip and @include, literal and by variable, on every kind. */
static void
t_directives(void **state)
{
	static const struct xcase c[] = {
	{ "query ($no: Boolean!, $yes: Boolean = true) { me {"
	  " id @skip(if: $yes) name @include(if: $no)"
	  " ... on User @include(if: $yes) { role }"
	  " ...F @skip(if: $no) } } fragment F on User { email }",
	  "{\"no\": false}", 0,
	  "{\"data\":{\"me\":{\"role\":\"PROVIDER\",\"email\":\"a@x\"}}}" },
	{ "{ me { id @skip(if: true) id @include(if: true) } }", NULL, 0,
	  "{\"data\":{\"me\":{\"id\":\"u1\"}}}" },
	{ "{ me @skip(if: true) { id } count }", NULL, 0,
	  "{\"data\":{\"count\":2}}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

/* The coerced arguments the resolver is given. */
static void
t_arguments(void **state)
{
	static const struct xcase c[] = {
	{ "{ echo }", NULL, 0, "{\"data\":{\"echo\":\"{\\\"f\\\":1.5}\"}}" },
	{ "{ echo(n: 3, f: 2, s: \"x\", b: false, i: 12, st: NO_SHOW,"
	  " l: 4, dt: {a: [1, \"b\"]}) }", NULL, 0,
	  "{\"data\":{\"echo\":\"{\\\"n\\\":3,\\\"f\\\":2.0,\\\"s\\\":\\\"x\\\","
	  "\\\"b\\\":false,\\\"i\\\":\\\"12\\\",\\\"st\\\":\\\"NO_SHOW\\\","
	  "\\\"l\\\":[4],\\\"dt\\\":{\\\"a\\\":[1,\\\"b\\\"]}}\"}}" },
	{ "{ echo(s: null, inp: {startAt: \"t\", providerId: 5,"
	  " tags: \"one\"}) }", NULL, 0,
	  "{\"data\":{\"echo\":\"{\\\"f\\\":1.5,\\\"s\\\":null,\\\"inp\\\":"
	  "{\\\"providerId\\\":\\\"5\\\",\\\"startAt\\\":\\\"t\\\","
	  "\\\"durationMinutes\\\":30,\\\"tags\\\":[\\\"one\\\"]}}\"}}" },
	/* variables substituted; an absent one leaves the argument absent */
	{ "query ($n: Int, $s: String, $l: [Int!], $inp: BookInput) {"
	  " echo(n: $n, s: $s, l: $l, inp: $inp) }",
	  "{\"n\": 7, \"l\": 1, \"inp\": {\"providerId\": \"p\","
	  " \"startAt\": 0, \"durationMinutes\": 45}}", 0,
	  "{\"data\":{\"echo\":\"{\\\"n\\\":7,\\\"f\\\":1.5,\\\"l\\\":[1],"
	  "\\\"inp\\\":{\\\"providerId\\\":\\\"p\\\",\\\"startAt\\\":0,"
	  "\\\"durationMinutes\\\":45}}\"}}" },
	{ "query ($f: Float = 3, $t: String) { echo(f: $f, s: $t) }", NULL, 0,
	  "{\"data\":{\"echo\":\"{\\\"f\\\":3.0}\"}}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

/* Default reads in snake_case, enum folding, scalar serialization. */
static void
t_defaults(void **state)
{
	static const struct xcase c[] = {
	{ "{ appointments { edges { startAt labResultIds } pageInfo {"
	  " hasNextPage endCursor } } }", NULL, SNAKE,
	  "{\"data\":{\"appointments\":{\"edges\":[{\"startAt\":"
	  "\"2024-05-01T09:00:00Z\",\"labResultIds\":[\"1\",\"r2\"]},"
	  "{\"startAt\":\"camel\",\"labResultIds\":null}],\"pageInfo\":"
	  "{\"hasNextPage\":true,\"endCursor\":null}}}}" },
	/* without the flag, startAt is missing: null in a non-null field */
	{ "{ appointments { pageInfo { endCursor } } }", NULL, 0,
	  "{\"data\":null,\"errors\":[{\"message\":\"Cannot return null for "
	  "non-nullable field Connection.pageInfo.\",\"locations\":[{\"line\":"
	  "1,\"column\":18}],\"path\":[\"appointments\",\"pageInfo\"]}]}" },
	{ "{ appointments { edges { status provider { id role } } } }", NULL,
	  FOLD,
	  "{\"data\":{\"appointments\":{\"edges\":[{\"status\":\"CHECKED_IN\","
	  "\"provider\":{\"id\":\"7\",\"role\":\"PROVIDER\"}},{\"status\":"
	  "\"BOOKED\",\"provider\":{\"id\":\"u2\",\"role\":\"PATIENT\"}}]}}}" },
	{ "{ appointments { edges { id status } } }", NULL, 0,
	  "{\"data\":null,\"errors\":[{\"message\":\"Enum \\\"Status\\\" cannot "
	  "represent value: \\\"checked-in\\\"\",\"locations\":[{\"line\":1,"
	  "\"column\":29}],\"path\":[\"appointments\",\"edges\",0,\"status\"]}"
	  "]}" },
	/* Int from an integral double; String from a number; custom as is */
	{ "{ count word when }", NULL, 0,
	  "{\"data\":{\"count\":2,\"word\":\"12.5\",\"when\":{\"t\":[1,2]}}}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

/* Nulls propagate to the nearest nullable position; errors in order. */
static void
t_nulls(void **state)
{
	static const struct xcase c[] = {
	{ "{ users { id name } count }", NULL, 0,
	  "{\"data\":{\"users\":null,\"count\":2},\"errors\":[{\"message\":"
	  "\"Cannot return null for non-nullable field User.name.\","
	  "\"locations\":[{\"line\":1,\"column\":14}],\"path\":[\"users\",1,"
	  "\"name\"]}]}" },
	{ "{ count required { id } me { id } }", NULL, 0,
	  "{\"data\":null,\"errors\":[{\"message\":\"Cannot return null for "
	  "non-nullable field Query.required.\",\"locations\":[{\"line\":1,"
	  "\"column\":9}],\"path\":[\"required\"]}]}" },
	{ "{ boom me { id } b: boom }", NULL, 0,
	  "{\"data\":{\"boom\":null,\"me\":{\"id\":\"u1\"},\"b\":null},"
	  "\"errors\":[{\"message\":\"Not allowed here.\",\"locations\":"
	  "[{\"line\":1,\"column\":3}],\"path\":[\"boom\"],\"extensions\":"
	  "{\"code\":\"FORBIDDEN\"}},{\"message\":\"Not allowed here.\","
	  "\"locations\":[{\"line\":1,\"column\":18}],\"path\":[\"b\"],"
	  "\"extensions\":{\"code\":\"FORBIDDEN\"}}]}" },
	/* a list of non-null strings with a null: the list is null */
	{ "{ appointments { edges { notes } } }", NULL, 0,
	  "{\"data\":{\"appointments\":{\"edges\":[{\"notes\":[\"x\",\"y\"]},"
	  "{\"notes\":null}]}},\"errors\":[{\"message\":\"Cannot return null "
	  "for non-nullable field Appointment.notes.\",\"locations\":[{\"line\":"
	  "1,\"column\":26}],\"path\":[\"appointments\",\"edges\",1,\"notes\","
	  "1]}]}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

/* CoerceVariableValues: graphql-js's messages, request errors. */
static void
t_variables(void **state)
{
	static const struct xcase c[] = {
	{ "query ($x: Int!) { echo(n: $x) }", NULL, 0,
	  "{\"errors\":[{\"message\":\"Variable \\\"$x\\\" of required type "
	  "\\\"Int!\\\" was not provided.\",\"locations\":[{\"line\":1,"
	  "\"column\":8}]}]}" },
	{ "query ($x: Int!) { echo(n: $x) }", "{\"x\": null}", 0,
	  "{\"errors\":[{\"message\":\"Variable \\\"$x\\\" of non-null type "
	  "\\\"Int!\\\" must not be null.\",\"locations\":[{\"line\":1,"
	  "\"column\":8}]}]}" },
	{ "query ($x: Int, $y: Int, $z: Float, $s: String, $b: Boolean,"
	  " $i: ID, $e: Status) { echo(n: $x) a: echo(n: $y) b: echo(f: $z)"
	  " c: echo(s: $s) d: echo(b: $b) e: echo(i: $i) f: echo(st: $e) }",
	  "{\"x\": \"abc\", \"y\": 3000000000, \"z\": \"1\", \"s\": 1,"
	  " \"b\": 0, \"i\": 1.5, \"e\": \"LATE\"}", 0,
	  "{\"errors\":[{\"message\":\"Variable \\\"$x\\\" got invalid value "
	  "\\\"abc\\\"; Int cannot represent non-integer value: \\\"abc\\\"\","
	  "\"locations\":[{\"line\":1,\"column\":8}]},{\"message\":\"Variable "
	  "\\\"$y\\\" got invalid value 3000000000; Int cannot represent non "
	  "32-bit signed integer value: 3000000000\",\"locations\":[{\"line\":"
	  "1,\"column\":17}]},{\"message\":\"Variable \\\"$z\\\" got invalid "
	  "value \\\"1\\\"; Float cannot represent non numeric value: \\\"1\\\"\","
	  "\"locations\":[{\"line\":1,\"column\":26}]},{\"message\":\"Variable "
	  "\\\"$s\\\" got invalid value 1; String cannot represent a non string "
	  "value: 1\",\"locations\":[{\"line\":1,\"column\":37}]},{\"message\":"
	  "\"Variable \\\"$b\\\" got invalid value 0; Boolean cannot represent a "
	  "non boolean value: 0\",\"locations\":[{\"line\":1,\"column\":49}]},"
	  "{\"message\":\"Variable \\\"$i\\\" got invalid value 1.5; ID cannot "
	  "represent value: 1.5\",\"locations\":[{\"line\":1,\"column\":62}]},"
	  "{\"message\":\"Variable \\\"$e\\\" got invalid value \\\"LATE\\\"; "
	  "Value \\\"LATE\\\" does not exist in \\\"Status\\\" enum.\","
	  "\"locations\":[{\"line\":1,\"column\":70}]}]}" },
	{ "query ($l: [Int!], $b: BookInput) { echo(l: $l, inp: $b) }",
	  "{\"l\": [1, null, \"x\"], \"b\": {\"startAt\": 1, \"tags\": [2],"
	  " \"extra\": true}}", 0,
	  "{\"errors\":[{\"message\":\"Variable \\\"$l\\\" got invalid value "
	  "null at \\\"l[1]\\\"; Expected non-nullable type \\\"Int!\\\" not to "
	  "be null.\",\"locations\":[{\"line\":1,\"column\":8}]},{\"message\":"
	  "\"Variable \\\"$l\\\" got invalid value \\\"x\\\" at \\\"l[2]\\\"; Int "
	  "cannot represent non-integer value: \\\"x\\\"\",\"locations\":"
	  "[{\"line\":1,\"column\":8}]},{\"message\":\"Variable \\\"$b\\\" got "
	  "invalid value { startAt: 1, tags: [2], extra: true }; Field "
	  "\\\"providerId\\\" of required type \\\"ID!\\\" was not provided.\","
	  "\"locations\":[{\"line\":1,\"column\":20}]},{\"message\":\"Variable "
	  "\\\"$b\\\" got invalid value 2 at \\\"b.tags[0]\\\"; String cannot "
	  "represent a non string value: 2\",\"locations\":[{\"line\":1,"
	  "\"column\":20}]},{\"message\":\"Variable \\\"$b\\\" got invalid value "
	  "{ startAt: 1, tags: [2], extra: true }; Field \\\"extra\\\" is not "
	  "defined by type \\\"BookInput\\\".\",\"locations\":[{\"line\":1,"
	  "\"column\":20}]}]}" },
	{ "query ($b: BookInput) { echo(inp: $b) }", "{\"b\": [1]}", 0,
	  "{\"errors\":[{\"message\":\"Variable \\\"$b\\\" got invalid value "
	  "[1]; Expected type \\\"BookInput\\\" to be an object.\","
	  "\"locations\":[{\"line\":1,\"column\":8}]}]}" },
	{ "query ($i: ID, $x: Int) { echo(i: $i, n: $x) }",
	  "{\"i\": 42, \"x\": 5.0}", 0,
	  "{\"data\":{\"echo\":\"{\\\"n\\\":5,\\\"f\\\":1.5,\\\"i\\\":\\\"42\\\"}\"}}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

/* Mutations run their root fields serially, in document order. */
static void
t_mutation(void **state)
{
	const char	*got;

	(void)state;
	buf_clear(&F.calls);
	got = run("mutation ($p: ID!) { c1: cancel(id: 1)"
	    " b: book(input: {providerId: $p, startAt: \"t\"}) { id status }"
	    " c2: cancel(id: \"z\") }", "{\"p\": \"u2\"}", 0);
	assert_string_equal(got, "{\"data\":{\"c1\":true,\"b\":{\"id\":\"a5\","
	    "\"status\":\"BOOKED\"},\"c2\":true}}");
	assert_string_equal(F.calls.data, "cancel({\"id\":\"1\"}),"
	    "book({\"input\":{\"providerId\":\"u2\",\"startAt\":\"t\","
	    "\"durationMinutes\":30}}),cancel({\"id\":\"z\"}),");
}

/* Choosing the operation. */
static void
t_operation(void **state)
{
	struct gql_exec_opts	 o;
	enum gql_exec_rc	 rc;
	const char		*two = "query A { count } query B { word }";

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_string_equal(run_opts(two, NULL, NULL, &o, &rc),
	    "{\"errors\":[{\"message\":\"Must provide operation name if query "
	    "contains multiple operations.\"}]}");
	assert_int_equal(rc, GQL_EXEC_REQUEST_ERROR);
	assert_string_equal(run_opts(two, NULL, "C", &o, &rc),
	    "{\"errors\":[{\"message\":\"Unknown operation named \\\"C\\\".\"}]}");
	assert_string_equal(run_opts(two, NULL, "B", &o, &rc),
	    "{\"data\":{\"word\":\"12.5\"}}");
	assert_int_equal(rc, GQL_EXEC_OK);
	assert_string_equal(run_opts("{ count }", NULL, "X", &o, &rc),
	    "{\"errors\":[{\"message\":\"Unknown operation named \\\"X\\\".\"}]}");
}

/* Depth, fields and completed values, each with its message. */
static void
t_limits(void **state)
{
	struct gql_exec_opts	 o;
	enum gql_exec_rc	 rc;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.max_depth = 2;
	assert_string_equal(run_opts("{ appointments { edges { id } } }",
	    NULL, NULL, &o, &rc), "{\"errors\":[{\"message\":\"Query is too "
	    "deep: 3 levels, the limit is 2.\",\"locations\":[{\"line\":1,"
	    "\"column\":1}]}]}");
	assert_int_equal(rc, GQL_EXEC_REQUEST_ERROR);
	/* fragments count where they are spread, each time */
	o.max_depth = 3;
	o.max_fields = 5;
	assert_string_equal(run_opts("{ ...Q ...Q me { ...U } }"
	    " fragment Q on Query { count } fragment U on User { id name }",
	    NULL, NULL, &o, &rc), "{\"data\":{\"count\":2,\"me\":{\"id\":"
	    "\"u1\",\"name\":\"Ada\"}}}");
	o.max_fields = 4;
	assert_string_equal(run_opts("{ a: count ...Q me { ...U } }"
	    " fragment Q on Query { count } fragment U on User { id name }",
	    NULL, NULL, &o, &rc), "{\"errors\":[{\"message\":\"Query selects 5 "
	    "fields, the limit is 4.\",\"locations\":[{\"line\":1,\"column\":"
	    "1}]}]}");
	memset(&o, 0, sizeof(o));
	o.max_completed = 4;
	assert_string_equal(run_opts("{ count appointments { edges { id } } }",
	    NULL, NULL, &o, &rc), "{\"data\":null,\"errors\":[{\"message\":"
	    "\"Execution stopped: more than 4 values completed, the limit.\","
	    "\"locations\":[{\"line\":1,\"column\":32}],\"path\":["
	    "\"appointments\",\"edges\",0,\"id\"]}]}");
	assert_int_equal(rc, GQL_EXEC_OK);
}

/* 10 fragments a level, each spreading all of the next, 8 levels deep. */
static void
t_hostile(void **state)
{
	struct gql_document	*doc;
	struct gql_error	 perr;
	struct gql_measure	 m;
	struct gql_exec_result	 res;
	struct buf		 b;
	clock_t			 t0;
	int			 d, i, k;

	(void)state;
	buf_init(&b, 64 * 1024);
	buf_adds(&b, "{");
	for (i = 0; i < 10; i++)
		buf_addf(&b, " ...L1_%d", i);
	buf_adds(&b, " }");
	for (d = 1; d <= 8; d++)
		for (i = 0; i < 10; i++) {
			buf_addf(&b, " fragment L%d_%d on Query {", d, i);
			if (d == 8)
				buf_adds(&b, " count");
			else
				for (k = 0; k < 10; k++)
					buf_addf(&b, " ...L%d_%d", d + 1, k);
			buf_adds(&b, " }");
		}
	assert_int_equal(gql_parse(&A, b.data, b.len, NULL, &doc, &perr), 0);
	t0 = clock();
	assert_int_equal(gql_exec_measure(doc, doc->definitions, NULL, 0, &m),
	    0);
	assert_int_equal(m.depth, 1);
	assert_int_equal(m.fields, 100000000);
	assert_int_equal(m.root_fields, 100000000);
	assert_int_equal(gql_execute(&A, S, doc, NULL, NULL, &R, NULL, &res),
	    GQL_EXEC_REQUEST_ERROR);
	assert_string_equal(json_object_get_string(json_object_object_get(
	    json_object_array_get_idx(res.errors, 0), "message")),
	    "Query selects 100000000 fields, the limit is 2000.");
	json_object_put(res.errors);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
	buf_release(&b);
}

/* Introspection pieces, as graphql-js 16.9 answers them. */
static void
t_introspection(void **state)
{
	static const struct xcase c[] = {
	{ "{ __type(name: \"User\") { kind name description interfaces {"
	  " name } fields { name type { kind name ofType { kind name } } } } }",
	  NULL, 0,
	  "{\"data\":{\"__type\":{\"kind\":\"OBJECT\",\"name\":\"User\","
	  "\"description\":null,\"interfaces\":[{\"name\":\"Node\"}],"
	  "\"fields\":[{\"name\":\"id\",\"type\":{\"kind\":\"NON_NULL\","
	  "\"name\":null,\"ofType\":{\"kind\":\"SCALAR\",\"name\":\"ID\"}}},"
	  "{\"name\":\"name\",\"type\":{\"kind\":\"NON_NULL\",\"name\":null,"
	  "\"ofType\":{\"kind\":\"SCALAR\",\"name\":\"String\"}}},{\"name\":"
	  "\"role\",\"type\":{\"kind\":\"NON_NULL\",\"name\":null,\"ofType\":"
	  "{\"kind\":\"ENUM\",\"name\":\"Role\"}}}]}}}" },
	{ "{ __type(name: \"User\") { fields(includeDeprecated: true) { name"
	  " isDeprecated deprecationReason } } }", NULL, 0,
	  "{\"data\":{\"__type\":{\"fields\":[{\"name\":\"id\",\"isDeprecated\":"
	  "false,\"deprecationReason\":null},{\"name\":\"name\",\"isDeprecated\":"
	  "false,\"deprecationReason\":null},{\"name\":\"email\","
	  "\"isDeprecated\":true,\"deprecationReason\":\"Use contact.\"},"
	  "{\"name\":\"role\",\"isDeprecated\":false,\"deprecationReason\":"
	  "null}]}}}" },
	{ "{ __type(name: \"Connection\") { fields { name type { kind ofType {"
	  " kind ofType { kind ofType { name kind } } } } } } }", NULL, 0,
	  "{\"data\":{\"__type\":{\"fields\":[{\"name\":\"edges\",\"type\":"
	  "{\"kind\":\"NON_NULL\",\"ofType\":{\"kind\":\"LIST\",\"ofType\":"
	  "{\"kind\":\"NON_NULL\",\"ofType\":{\"name\":\"Appointment\",\"kind\":"
	  "\"OBJECT\"}}}}},{\"name\":\"pageInfo\",\"type\":{\"kind\":"
	  "\"NON_NULL\",\"ofType\":{\"kind\":\"OBJECT\",\"ofType\":null}}}]}}}" },
	{ "{ q: __type(name: \"Query\") { fields { name args { name"
	  " defaultValue } } } }", NULL, 0,
	  "{\"data\":{\"q\":{\"fields\":[{\"name\":\"me\",\"args\":[]},"
	  "{\"name\":\"node\",\"args\":[{\"name\":\"id\",\"defaultValue"
	  "\":null}]},{\"name\":\"appointments\",\"args\":[{\"name\":\""
	  "first\",\"defaultValue\":\"20\"},{\"name\":\"status\",\"defa"
	  "ultValue\":\"[BOOKED]\"},{\"name\":\"after\",\"defaultValue\""
	  ":null}]},{\"name\":\"search\",\"args\":[{\"name\":\"text\",\""
	  "defaultValue\":null}]},{\"name\":\"echo\",\"args\":[{\"name\""
	  ":\"n\",\"defaultValue\":null},{\"name\":\"f\",\"defaultValue"
	  "\":\"1.5\"},{\"name\":\"s\",\"defaultValue\":null},{\"name\""
	  ":\"b\",\"defaultValue\":null},{\"name\":\"i\",\"defaultValue"
	  "\":null},{\"name\":\"st\",\"defaultValue\":null},{\"name\":\""
	  "l\",\"defaultValue\":null},{\"name\":\"inp\",\"defaultValue\""
	  ":null},{\"name\":\"dt\",\"defaultValue\":null}]},{\"name\":\""
	  "users\",\"args\":[]},{\"name\":\"required\",\"args\":[]},{\""
	  "name\":\"boom\",\"args\":[]},{\"name\":\"count\",\"args\":[]"
	  "},{\"name\":\"when\",\"args\":[]},{\"name\":\"word\",\"args\""
	  ":[]}]}}}" },
	{ "{ __type(name: \"BookInput\") { kind inputFields { name"
	  " defaultValue } all: inputFields(includeDeprecated: true) { name"
	  " isDeprecated } isOneOf } e: __type(name: \"Status\") {"
	  " enumValues { name description } } n: __type(name: \"Nope\") {"
	  " name } }", NULL, 0,
	  "{\"data\":{\"__type\":{\"kind\":\"INPUT_OBJECT\",\"inputFields\":["
	  "{\"name\":\"providerId\",\"defaultValue\":null},{\"name\":"
	  "\"startAt\",\"defaultValue\":null},{\"name\":\"durationMinutes\","
	  "\"defaultValue\":\"30\"},{\"name\":\"tags\",\"defaultValue\":null}],"
	  "\"all\":[{\"name\":\"providerId\",\"isDeprecated\":false},{\"name\":"
	  "\"startAt\",\"isDeprecated\":false},{\"name\":\"durationMinutes\","
	  "\"isDeprecated\":false},{\"name\":\"tags\",\"isDeprecated\":false},"
	  "{\"name\":\"reason\",\"isDeprecated\":true}],\"isOneOf\":false},"
	  "\"e\":{\"enumValues\":[{\"name\":\"BOOKED\",\"description\":"
	  "\"Confirmed.\"},{\"name\":\"CHECKED_IN\",\"description\":null},"
	  "{\"name\":\"CANCELLED\",\"description\":null}]},\"n\":null}}" },
	{ "{ __type(name: \"SearchResult\") { kind possibleTypes { name } }"
	  " d: __type(name: \"DateTime\") { specifiedByURL description } }",
	  NULL, 0,
	  "{\"data\":{\"__type\":{\"kind\":\"UNION\",\"possibleTypes\":"
	  "[{\"name\":\"User\"},{\"name\":\"Appointment\"}]},\"d\":"
	  "{\"specifiedByURL\":\"https://www.rfc-editor.org/rfc/rfc3339\","
	  "\"description\":\"An instant, RFC 3339.\"}}}" },
	{ "{ __schema { description queryType { name } mutationType { name }"
	  " subscriptionType { name } types { name } directives { name"
	  " isRepeatable locations args { name } } } }", NULL, 0,
	  "{\"data\":{\"__schema\":{\"description\":\"The clinic.\",\"q"
	  "ueryType\":{\"name\":\"Query\"},\"mutationType\":{\"name\":\""
	  "Mutation\"},\"subscriptionType\":null,\"types\":[{\"name\":\""
	  "Query\"},{\"name\":\"ID\"},{\"name\":\"Int\"},{\"name\":\"St"
	  "ring\"},{\"name\":\"Float\"},{\"name\":\"Boolean\"},{\"name\""
	  ":\"Mutation\"},{\"name\":\"DateTime\"},{\"name\":\"Node\"},{"
	  "\"name\":\"User\"},{\"name\":\"Appointment\"},{\"name\":\"Pa"
	  "geInfo\"},{\"name\":\"Connection\"},{\"name\":\"Status\"},{\""
	  "name\":\"Role\"},{\"name\":\"BookInput\"},{\"name\":\"Search"
	  "Result\"},{\"name\":\"__Schema\"},{\"name\":\"__Type\"},{\"n"
	  "ame\":\"__TypeKind\"},{\"name\":\"__Field\"},{\"name\":\"__I"
	  "nputValue\"},{\"name\":\"__EnumValue\"},{\"name\":\"__Direct"
	  "ive\"},{\"name\":\"__DirectiveLocation\"}],\"directives\":[{"
	  "\"name\":\"include\",\"isRepeatable\":false,\"locations\":[\""
	  "FIELD\",\"FRAGMENT_SPREAD\",\"INLINE_FRAGMENT\"],\"args\":[{"
	  "\"name\":\"if\"}]},{\"name\":\"skip\",\"isRepeatable\":false"
	  ",\"locations\":[\"FIELD\",\"FRAGMENT_SPREAD\",\"INLINE_FRAGM"
	  "ENT\"],\"args\":[{\"name\":\"if\"}]},{\"name\":\"deprecated\""
	  ",\"isRepeatable\":false,\"locations\":[\"FIELD_DEFINITION\","
	  "\"ARGUMENT_DEFINITION\",\"INPUT_FIELD_DEFINITION\",\"ENUM_VA"
	  "LUE\"],\"args\":[{\"name\":\"reason\"}]},{\"name\":\"specifi"
	  "edBy\",\"isRepeatable\":false,\"locations\":[\"SCALAR\"],\"a"
	  "rgs\":[{\"name\":\"url\"}]}]}}}" },
	/* built-in descriptions and a default printed as graphql-js does */
	{ "{ __type(name: \"Boolean\") { description } __schema {"
	  " directives { name args { name defaultValue } } } }", NULL, 0,
	  "{\"data\":{\"__type\":{\"description\":\"The `Boolean` scala"
	  "r type represents `true` or `false`.\"},\"__schema\":{\"dire"
	  "ctives\":[{\"name\":\"include\",\"args\":[{\"name\":\"if\",\""
	  "defaultValue\":null}]},{\"name\":\"skip\",\"args\":[{\"name\""
	  ":\"if\",\"defaultValue\":null}]},{\"name\":\"deprecated\",\""
	  "args\":[{\"name\":\"reason\",\"defaultValue\":\"\\\"No longe"
	  "r supported\\\"\"}]},{\"name\":\"specifiedBy\",\"args\":[{\""
	  "name\":\"url\",\"defaultValue\":null}]}]}}}" },
	{ "{ count __schema { queryType { name } } }", NULL,
	  GQL_EXEC_NO_INTROSPECTION,
	  "{\"data\":null,\"errors\":[{\"message\":\"GraphQL introspection is "
	  "not allowed, but the query contained __schema or __type\","
	  "\"locations\":[{\"line\":1,\"column\":9}],\"path\":[\"__schema\"]}]}" },
	};

	(void)state;
	run_cases(c, NCASES(c));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_selection),
		cmocka_unit_test(t_directives),
		cmocka_unit_test(t_arguments),
		cmocka_unit_test(t_defaults),
		cmocka_unit_test(t_nulls),
		cmocka_unit_test(t_variables),
		cmocka_unit_test(t_mutation),
		cmocka_unit_test(t_operation),
		cmocka_unit_test(t_limits),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_introspection),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
