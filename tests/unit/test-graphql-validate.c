/*
 * Unit tests for lib/graphql-schema and lib/graphql-validate: a clinic
 * schema declared in C tables is checked and printed as graphql-js 16's
 * printSchema() prints it, bad tables are refused with a reason, and
 * every validation rule of graphql-js's specifiedRules accepts a valid
 * document and refuses an invalid one with graphql-js's message at its
 * position (the expected texts were produced by graphql-js 16.9.0).
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

#include "lib/buf.h"
#include "lib/graphql.h"
#include "lib/graphql-schema.h"
#include "lib/graphql-validate.h"
#include "lib/mem.h"

static struct arena	 A;

/* ---- the test schema: a small clinic ---- */

static const struct gql_field_def node_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const char *const node_iface[] = { "Node", NULL };

static const struct gql_field_def user_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "name", "String!", NULL, "Full name, as the user wrote it.", NULL },
	{ "email", "String", NULL, NULL, "Use contact." },
	{ "phone", "String", NULL, NULL, "No longer supported" },
	{ "role", "Role!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def first_arg[] = {
	{ "first", "Int", "20", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def patient_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "name", "String!", NULL, NULL, NULL },
	{ "birthDate", "DateTime", NULL, NULL, NULL },
	{ "appointments", "[Appointment!]!", first_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def notes_args[] = {
	{ "limit", "Int", NULL, "At most this many.", NULL },
	{ "order", "[AppointmentStatus!]", "DONE", "Say \"which\" first.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def appointment_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "startsAt", "DateTime!", NULL, NULL, NULL },
	{ "status", "AppointmentStatus!", NULL, NULL, NULL },
	{ "patient", "Patient!", NULL, NULL, NULL },
	{ "provider", "User!", NULL, NULL, NULL },
	{ "notes", "[String!]", notes_args, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def edge_fields[] = {
	{ "cursor", "String!", NULL, NULL, NULL },
	{ "node", "Appointment!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def page_info_fields[] = {
	{ "hasNextPage", "Boolean!", NULL, NULL, NULL },
	{ "endCursor", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def connection_fields[] = {
	{ "edges", "[AppointmentEdge!]!", NULL, NULL, NULL },
	{ "pageInfo", "PageInfo!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_enum_value_def status_values[] = {
	{ "BOOKED", "Confirmed, in the future.", NULL },
	{ "CANCELLED", NULL, NULL },
	{ "DONE", NULL, NULL },
	{ "NO_SHOW", NULL, "Use CANCELLED." },
	{ NULL, NULL, NULL },
};

static const struct gql_enum_value_def role_values[] = {
	{ "PATIENT", NULL, NULL },
	{ "PROVIDER", NULL, NULL },
	{ NULL, NULL, NULL },
};

static const struct gql_input_def book_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "startsAt", "DateTime!", NULL, NULL, NULL },
	{ "reason", "String", NULL, "Shown to the provider.", NULL },
	{ "durationMinutes", "Int!", "30", NULL, NULL },
	{ "tags", "[String!]", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const char *const search_members[] = { "User", "Patient",
    "Appointment", NULL };

static const struct gql_input_def appointments_args[] = {
	{ "first", "Int", "20", NULL, NULL },
	{ "after", "String", NULL, NULL, NULL },
	{ "status", "AppointmentStatus", NULL, NULL, NULL },
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

static const struct gql_field_def query_fields[] = {
	{ "me", "User!", NULL, "The signed-in user.", NULL },
	{ "appointments", "AppointmentConnection!", appointments_args, NULL,
	    NULL },
	{ "node", "Node", id_arg, NULL, NULL },
	{ "search", "[SearchResult!]!", text_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def book_arg[] = {
	{ "input", "BookInput!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def mutation_fields[] = {
	{ "bookAppointment", "Appointment", book_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def subscription_fields[] = {
	{ "appointmentChanged", "Appointment!", id_arg, NULL, NULL },
	{ "notice", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def audit_args[] = {
	{ "reason", "String!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_directive_def clinic_directives[] = {
	{ "audit", "Recorded in the audit log.", audit_args, GQL_L_FIELD |
	    GQL_L_QUERY, 0 },
	{ "tag", NULL, NULL, GQL_L_FIELD, 1 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct gql_type_def clinic_types[] = {
	{ .kind = GQL_K_OBJECT, .name = "Query",
	    .description = "The root of every read.", .fields = query_fields },
	{ .kind = GQL_K_OBJECT, .name = "Mutation", .fields = mutation_fields },
	{ .kind = GQL_K_OBJECT, .name = "Subscription",
	    .fields = subscription_fields },
	{ .kind = GQL_K_SCALAR, .name = "DateTime",
	    .description = "An instant, RFC 3339.",
	    .specified_by = "https://www.rfc-editor.org/rfc/rfc3339" },
	{ .kind = GQL_K_INTERFACE, .name = "Node", .fields = node_fields },
	{ .kind = GQL_K_OBJECT, .name = "User", .fields = user_fields,
	    .interfaces = node_iface },
	{ .kind = GQL_K_OBJECT, .name = "Patient", .fields = patient_fields,
	    .interfaces = node_iface },
	{ .kind = GQL_K_OBJECT, .name = "Appointment",
	    .description = "A booked slot.\n\nOne patient, one provider.",
	    .fields = appointment_fields, .interfaces = node_iface },
	{ .kind = GQL_K_OBJECT, .name = "AppointmentEdge", .fields = edge_fields },
	{ .kind = GQL_K_OBJECT, .name = "PageInfo", .fields = page_info_fields },
	{ .kind = GQL_K_OBJECT, .name = "AppointmentConnection",
	    .fields = connection_fields },
	{ .kind = GQL_K_ENUM, .name = "AppointmentStatus",
	    .values = status_values },
	{ .kind = GQL_K_ENUM, .name = "Role", .values = role_values },
	{ .kind = GQL_K_INPUT_OBJECT, .name = "BookInput",
	    .input_fields = book_fields },
	{ .kind = GQL_K_UNION, .name = "SearchResult", .members = search_members },
	{ .name = NULL },
};

static const struct gql_schema_def clinic = {
	.types = clinic_types,
	.directives = clinic_directives,
	.query = "Query",
	.mutation = "Mutation",
	.subscription = "Subscription",
};

static int
setup(void **state)
{
	(void)state;
	arena_init(&A);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_release(&A);
	return 0;
}

/* The clinic schema, checked; fails the test if refused. */
static const struct gql_schema *
clinic_schema(void)
{
	struct gql_schema	*s;
	struct gql_error	 err;

	if (gql_schema_check(&A, &clinic, &s, &err) != 0)
		fail_msg("the clinic schema was refused: %s", err.message);
	return s;
}

/* The SDL of s, as a string in the arena. */
static const char *
sdl_of(const struct gql_schema *s)
{
	struct buf	 b;
	const char	*out;

	buf_init(&b, 1 << 20);
	assert_int_equal(gql_schema_print(s, &b), 0);
	out = arena_strndup(&A, b.data ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

/*
 * The errors of validating src, one a line: "line:column message", a
 * second location as "line:column,line2:column2". "" when valid.
 */
static const char *
errors_of(const char *src)
{
	struct gql_document	*doc;
	struct gql_error	 err;
	struct gql_verrors	 errs;
	struct buf		 b;
	const char		*out;
	size_t			 i;
	int			 rc;

	if (gql_parse(&A, src, strlen(src), NULL, &doc, &err) != 0)
		fail_msg("parse of <%s> failed at %u:%u: %s", src, err.line,
		    err.column, err.message);
	rc = gql_validate(&A, clinic_schema(), doc, 0, &errs);
	assert_int_equal(rc, errs.n == 0 ? 0 : -1);
	buf_init(&b, 1 << 20);
	for (i = 0; i < errs.n; i++) {
		const struct gql_verror *e = &errs.items[i];

		assert_int_equal(buf_addf(&b, "%u:%u", e->line, e->column), 0);
		if (e->line2 != 0)
			assert_int_equal(buf_addf(&b, ",%u:%u", e->line2,
			    e->column2), 0);
		assert_int_equal(buf_addf(&b, " %s\n", e->message), 0);
	}
	out = arena_strndup(&A, b.data ? b.data : "", b.len);
	buf_release(&b);
	return out;
}

/*
 * The clinic's SDL. graphql-js 16.9.0 prints the same text from it:
 * printSchema(buildSchema(x)) == x (the order of definition is a fixed
 * point of its type map).
 */
static const char clinic_sdl[] =
	    "\"\"\"Recorded in the audit log.\"\"\"\n"
	    "directive @audit(reason: String!) on QUERY | FIELD\n"
	    "\n"
	    "directive @tag repeatable on FIELD\n"
	    "\n"
	    "\"\"\"The root of every read.\"\"\"\n"
	    "type Query {\n"
	    "  \"\"\"The signed-in user.\"\"\"\n"
	    "  me: User!\n"
	    "  appointments(first: Int = 20, after: String, status: AppointmentStatus): AppointmentConnection!\n"
	    "  node(id: ID!): Node\n"
	    "  search(text: String!): [SearchResult!]!\n"
	    "}\n"
	    "\n"
	    "type Mutation {\n"
	    "  bookAppointment(input: BookInput!): Appointment\n"
	    "}\n"
	    "\n"
	    "type Subscription {\n"
	    "  appointmentChanged(id: ID!): Appointment!\n"
	    "  notice: String\n"
	    "}\n"
	    "\n"
	    "\"\"\"An instant, RFC 3339.\"\"\"\n"
	    "scalar DateTime @specifiedBy(url: \"https://www.rfc-editor.org/rfc/rfc3339\")\n"
	    "\n"
	    "interface Node {\n"
	    "  id: ID!\n"
	    "}\n"
	    "\n"
	    "type User implements Node {\n"
	    "  id: ID!\n"
	    "\n"
	    "  \"\"\"Full name, as the user wrote it.\"\"\"\n"
	    "  name: String!\n"
	    "  email: String @deprecated(reason: \"Use contact.\")\n"
	    "  phone: String @deprecated\n"
	    "  role: Role!\n"
	    "}\n"
	    "\n"
	    "type Patient implements Node {\n"
	    "  id: ID!\n"
	    "  name: String!\n"
	    "  birthDate: DateTime\n"
	    "  appointments(first: Int = 20): [Appointment!]!\n"
	    "}\n"
	    "\n"
	    "\"\"\"\n"
	    "A booked slot.\n"
	    "\n"
	    "One patient, one provider.\n"
	    "\"\"\"\n"
	    "type Appointment implements Node {\n"
	    "  id: ID!\n"
	    "  startsAt: DateTime!\n"
	    "  status: AppointmentStatus!\n"
	    "  patient: Patient!\n"
	    "  provider: User!\n"
	    "  notes(\n"
	    "    \"\"\"At most this many.\"\"\"\n"
	    "    limit: Int\n"
	    "\n"
	    "    \"\"\"Say \"which\" first.\"\"\"\n"
	    "    order: [AppointmentStatus!] = [DONE]\n"
	    "  ): [String!]\n"
	    "}\n"
	    "\n"
	    "type AppointmentEdge {\n"
	    "  cursor: String!\n"
	    "  node: Appointment!\n"
	    "}\n"
	    "\n"
	    "type PageInfo {\n"
	    "  hasNextPage: Boolean!\n"
	    "  endCursor: String\n"
	    "}\n"
	    "\n"
	    "type AppointmentConnection {\n"
	    "  edges: [AppointmentEdge!]!\n"
	    "  pageInfo: PageInfo!\n"
	    "}\n"
	    "\n"
	    "enum AppointmentStatus {\n"
	    "  \"\"\"Confirmed, in the future.\"\"\"\n"
	    "  BOOKED\n"
	    "  CANCELLED\n"
	    "  DONE\n"
	    "  NO_SHOW @deprecated(reason: \"Use CANCELLED.\")\n"
	    "}\n"
	    "\n"
	    "enum Role {\n"
	    "  PATIENT\n"
	    "  PROVIDER\n"
	    "}\n"
	    "\n"
	    "input BookInput {\n"
	    "  providerId: ID!\n"
	    "  startsAt: DateTime!\n"
	    "\n"
	    "  \"\"\"Shown to the provider.\"\"\"\n"
	    "  reason: String\n"
	    "  durationMinutes: Int! = 30\n"
	    "  tags: [String!]\n"
	    "}\n"
	    "\n"
	    "union SearchResult = User | Patient | Appointment";

static void
t_schema_print(void **state)
{
	(void)state;
	assert_string_equal(sdl_of(clinic_schema()), clinic_sdl);
}

struct rule_case {
	const char	*rule;
	const char	*doc;
	const char	*errors;
};

/* Each rule: a valid document, then invalid ones (from graphql-js 16.9.0). */
static const struct rule_case rule_cases[] = {
	{ "UniqueOperationNames",
	    "query A { me { id } }\n"
	    "query B { me { id } }",
	    "" },
	{ "UniqueOperationNames",
	    "query A { me { id } }\n"
	    "query A { me { name } }",
	    "1:7,2:7 There can be only one operation named \"A\".\n" },
	{ "LoneAnonymousOperation",
	    "{ me { id } }",
	    "" },
	{ "LoneAnonymousOperation",
	    "{ me { id } }\n"
	    "query B { me { id } }",
	    "1:1 This anonymous operation must be the only defined operation.\n" },
	{ "SingleFieldSubscriptions",
	    "subscription S { appointmentChanged(id: \"1\") { id } }",
	    "" },
	{ "SingleFieldSubscriptions",
	    "subscription S { appointmentChanged(id: \"1\") { id }\n"
	    "  notice }",
	    "2:3 Subscription \"S\" must select only one top level field.\n" },
	{ "SingleFieldSubscriptions",
	    "subscription { ...F }\n"
	    "fragment F on Subscription { notice __typename }",
	    "2:37 Anonymous Subscription must select only one top level field.\n"
	    "2:37 Anonymous Subscription must not select an introspection top level field.\n" },
	{ "SingleFieldSubscriptions",
	    "subscription S { notice @skip(if: true) appointmentChanged(id: 1) { id } }",
	    "" },
	{ "KnownTypeNames",
	    "query ($s: AppointmentStatus) { appointments(status: $s) { edges { cursor } } }",
	    "" },
	{ "KnownTypeNames",
	    "query ($f: Float, $x: [Qwxz!]) { me { ... on Zork { id } } f: me { id } }\n"
	    "fragment G on Plugh { id }",
	    "1:12 Unknown type \"Float\".\n"
	    "1:24 Unknown type \"Qwxz\".\n"
	    "1:46 Unknown type \"Zork\".\n"
	    "1:8 Variable \"$f\" is never used.\n"
	    "1:19 Variable \"$x\" is never used.\n"
	    "2:15 Unknown type \"Plugh\".\n"
	    "2:1 Fragment \"G\" is never used.\n" },
	{ "FragmentsOnCompositeTypes",
	    "{ me { ...F ... on Node { id } } }\n"
	    "fragment F on User { id }",
	    "" },
	{ "FragmentsOnCompositeTypes",
	    "{ me { ... on String { id } } }\n"
	    "fragment F on Role { id }\n"
	    "{ me { ...F } }",
	    "1:1 This anonymous operation must be the only defined operation.\n"
	    "1:15 Fragment cannot condition on non composite type \"String\".\n"
	    "2:15 Fragment \"F\" cannot condition on non composite type \"Role\".\n"
	    "3:1 This anonymous operation must be the only defined operation.\n" },
	{ "VariablesAreInputTypes",
	    "query ($input: BookInput!) { me { id } }",
	    "1:8 Variable \"$input\" is never used.\n" },
	{ "VariablesAreInputTypes",
	    "query Q($u: [User!], $ok: Int) { appointments(first: $ok) { edges { cursor } } }",
	    "1:13 Variable \"$u\" cannot be non-input type \"[User!]\".\n"
	    "1:9 Variable \"$u\" is never used in operation \"Q\".\n" },
	{ "ScalarLeafs",
	    "{ me { id role } }",
	    "" },
	{ "ScalarLeafs",
	    "{ me { id {\n"
	    " x } }\n"
	    "  appointments }",
	    "1:11 Field \"id\" must not have a selection since type \"ID!\" has no subfields.\n"
	    "3:3 Field \"appointments\" of type \"AppointmentConnection!\" must have a selection of subfields. Did you mean \"appointments { ... }\"?\n" },
	{ "FieldsOnCorrectType",
	    "{ __typename me { __typename id } search(text: \"a\") { __typename ... on User { id } } }",
	    "" },
	{ "FieldsOnCorrectType",
	    "{ me { zzz }\n"
	    "  search(text: \"a\") { qqq } }",
	    "1:8 Cannot query field \"zzz\" on type \"User\".\n"
	    "2:23 Cannot query field \"qqq\" on type \"SearchResult\".\n" },
	{ "UniqueFragmentNames",
	    "{ me { ...A ...B } }\n"
	    "fragment A on User { id }\n"
	    "fragment B on User { name }",
	    "" },
	{ "UniqueFragmentNames",
	    "{ me { ...A } }\n"
	    "fragment A on User { id }\n"
	    "fragment A on User { name }",
	    "2:10,3:10 There can be only one fragment named \"A\".\n" },
	{ "KnownFragmentNames",
	    "{ me { ...A } }\n"
	    "fragment A on User { id }",
	    "" },
	{ "KnownFragmentNames",
	    "{ me { ...Missing } }",
	    "1:11 Unknown fragment \"Missing\".\n" },
	{ "NoUnusedFragments",
	    "{ me { ...A } }\n"
	    "fragment A on User { ...B }\n"
	    "fragment B on User { id }",
	    "" },
	{ "NoUnusedFragments",
	    "{ me { id } }\n"
	    "fragment A on User { ...B }\n"
	    "fragment B on User { id }\n"
	    "fragment C on User { id }",
	    "2:1 Fragment \"A\" is never used.\n"
	    "3:1 Fragment \"B\" is never used.\n"
	    "4:1 Fragment \"C\" is never used.\n" },
	{ "PossibleFragmentSpreads",
	    "{ node(id: 1) { ... on User { id } ...P } search(text: \"a\") { ... on Node { id } } }\n"
	    "fragment P on Patient { name }",
	    "" },
	{ "PossibleFragmentSpreads",
	    "{ me { ... on Patient { id } ...P } }\n"
	    "fragment P on Patient { name }",
	    "1:8 Fragment cannot be spread here as objects of type \"User\" can never be of type \"Patient\".\n"
	    "1:30 Fragment \"P\" cannot be spread here as objects of type \"User\" can never be of type \"Patient\".\n" },
	{ "NoFragmentCycles",
	    "{ me { ...A } }\n"
	    "fragment A on User { ...B ...B }\n"
	    "fragment B on User { id }",
	    "" },
	{ "NoFragmentCycles",
	    "{ me { ...A } }\n"
	    "fragment A on User { ...B }\n"
	    "fragment B on User { ...C }\n"
	    "fragment C on User { ...A ...C }",
	    "2:22,3:22 Cannot spread fragment \"A\" within itself via \"B\", \"C\".\n"
	    "4:27 Cannot spread fragment \"C\" within itself.\n" },
	{ "UniqueVariableNames",
	    "query ($a: Int, $b: Int) { a: appointments(first: $a) { edges { cursor } } b: appointments(first: $b) { edges { cursor } } }",
	    "" },
	{ "UniqueVariableNames",
	    "query ($a: Int, $a: Int, $a: String) { appointments(first: $a) { edges { cursor } } }",
	    "1:9,1:18 There can be only one variable named \"$a\".\n"
	    "1:26,1:60 Variable \"$a\" of type \"String\" used in position expecting type \"Int\".\n" },
	{ "NoUndefinedVariables",
	    "query ($id: ID!) { node(id: $id) { id } }",
	    "" },
	{ "NoUndefinedVariables",
	    "query Q { node(id: $id) { ...F } }\n"
	    "fragment F on Node { id ... on Patient { appointments(first: $n) { id } } }",
	    "1:20,1:1 Variable \"$id\" is not defined by operation \"Q\".\n"
	    "2:62,1:1 Variable \"$n\" is not defined by operation \"Q\".\n" },
	{ "NoUnusedVariables",
	    "query ($id: ID!, $n: Int) { node(id: $id) { ...F } }\n"
	    "fragment F on Patient { appointments(first: $n) { id } }",
	    "" },
	{ "NoUnusedVariables",
	    "query Q($id: ID!, $n: Int) { me { id } }\n"
	    "query ($x: Int) { me { id } }",
	    "1:9 Variable \"$id\" is never used in operation \"Q\".\n"
	    "1:19 Variable \"$n\" is never used in operation \"Q\".\n"
	    "2:1 This anonymous operation must be the only defined operation.\n"
	    "2:8 Variable \"$x\" is never used.\n" },
	{ "KnownDirectives",
	    "query ($v: Boolean!) @audit(reason: \"x\") { me @include(if: $v) { id @tag @tag } }",
	    "" },
	{ "KnownDirectives",
	    "query @include(if: true) { me @nope { ...F @deprecated } }\n"
	    "fragment F on User @skip(if: true) { id }",
	    "1:7 Directive \"@include\" may not be used on QUERY.\n"
	    "1:31 Unknown directive \"@nope\".\n"
	    "1:44 Directive \"@deprecated\" may not be used on FRAGMENT_SPREAD.\n"
	    "2:20 Directive \"@skip\" may not be used on FRAGMENT_DEFINITION.\n" },
	{ "UniqueDirectivesPerLocation",
	    "{ me @skip(if: false) @include(if: true) { id } }",
	    "" },
	{ "UniqueDirectivesPerLocation",
	    "{ me @skip(if: false) @skip(if: true) { id } ... @include(if: true) @include(if: true) { __typename } }",
	    "1:6,1:23 The directive \"@skip\" can only be used once at this location.\n"
	    "1:50,1:69 The directive \"@include\" can only be used once at this location.\n" },
	{ "KnownArgumentNames",
	    "{ appointments(first: 1, after: \"c\", status: DONE) { edges { cursor } } }",
	    "" },
	{ "KnownArgumentNames",
	    "{ me(x: 1) @skip(if: true, unless: 1) { id } }",
	    "1:6 Unknown argument \"x\" on field \"Query.me\".\n"
	    "1:28 Unknown argument \"unless\" on directive \"@skip\".\n" },
	{ "UniqueArgumentNames",
	    "{ appointments(first: 1, after: \"c\") { edges { cursor } } }",
	    "" },
	{ "UniqueArgumentNames",
	    "{ appointments(first: 1, first: 2, after: \"x\") { edges { cursor } } }",
	    "1:16,1:26 There can be only one argument named \"first\".\n" },
	{ "ValuesOfCorrectType",
	    "mutation { bookAppointment(input: {providerId: 7, startsAt: {any: [1]}, tags: \"one\", reason: null}) { id notes(limit: -2147483648, order: NO_SHOW) } }",
	    "" },
	{ "ValuesOfCorrectType",
	    "{ appointments(first: 2147483648, after: 3, status: \"zz\") { edges { cursor } } a: appointments(first: 1.5, status: LATE) { edges { cursor } } }",
	    "1:23 Int cannot represent non 32-bit signed integer value: 2147483648\n"
	    "1:42 String cannot represent a non string value: 3\n"
	    "1:53 Enum \"AppointmentStatus\" cannot represent non-enum value: \"zz\".\n"
	    "1:103 Int cannot represent non-integer value: 1.5\n"
	    "1:116 Value \"LATE\" does not exist in \"AppointmentStatus\" enum.\n" },
	{ "ValuesOfCorrectType",
	    "mutation { bookAppointment(input: {startsAt: \"t\", nope: 1, durationMinutes: null, tags: [1, \"a\"]}) { id } }",
	    "1:35 Field \"BookInput.providerId\" of required type \"ID!\" was not provided.\n"
	    "1:51 Field \"nope\" is not defined by type \"BookInput\".\n"
	    "1:77 Expected value of type \"Int!\", found null.\n"
	    "1:90 String cannot represent a non string value: 1\n" },
	{ "ValuesOfCorrectType",
	    "mutation { bookAppointment(input: [1, 2]) { id } }\n"
	    "query ($b: Boolean = 1, $i: ID = 1.5, $n: BookInput = {providerId: true, startsAt: \"\"\"x\"\"\"}) { me @include(if: \"yes\") { id } node(id: [\"a\"]) { id } }",
	    "1:1 This anonymous operation must be the only defined operation.\n"
	    "1:35 Expected value of type \"BookInput\", found [1, 2].\n"
	    "2:1 This anonymous operation must be the only defined operation.\n"
	    "2:22 Boolean cannot represent a non boolean value: 1\n"
	    "2:34 ID cannot represent a non-string and non-integer value: 1.5\n"
	    "2:68 ID cannot represent a non-string and non-integer value: true\n"
	    "2:112 Boolean cannot represent a non boolean value: \"yes\"\n"
	    "2:135 ID cannot represent a non-string and non-integer value: [\"a\"]\n"
	    "2:8 Variable \"$b\" is never used.\n"
	    "2:25 Variable \"$i\" is never used.\n"
	    "2:39 Variable \"$n\" is never used.\n" },
	{ "ProvidedRequiredArguments",
	    "{ node(id: 1) { id } me @include(if: true) { id } }",
	    "" },
	{ "ProvidedRequiredArguments",
	    "{ node { id } me @include { id } search { __typename } }",
	    "1:3 Field \"node\" argument \"id\" of type \"ID!\" is required, but it was not provided.\n"
	    "1:18 Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.\n"
	    "1:34 Field \"search\" argument \"text\" of type \"String!\" is required, but it was not provided.\n" },
	{ "VariablesInAllowedPosition",
	    "query ($id: ID!, $i: Int, $s: [String!]!, $d: ID = 1) { node(id: $id) { id } appointments(first: $i) { edges { node { notes(limit: $i) } } } a: node(id: $d) { id } }",
	    "1:27 Variable \"$s\" is never used.\n" },
	{ "VariablesInAllowedPosition",
	    "query ($id: ID, $n: String, $t: [String]) { node(id: $id) { id } mutable: appointments(first: $n) { edges { cursor } } }\n"
	    "mutation M($t: [String]) { bookAppointment(input: {providerId: 1, startsAt: 1, tags: $t}) { id } }",
	    "1:1 This anonymous operation must be the only defined operation.\n"
	    "1:29 Variable \"$t\" is never used.\n"
	    "1:8,1:54 Variable \"$id\" of type \"ID\" used in position expecting type \"ID!\".\n"
	    "1:17,1:95 Variable \"$n\" of type \"String\" used in position expecting type \"Int\".\n"
	    "2:12,2:86 Variable \"$t\" of type \"[String]\" used in position expecting type \"[String!]\".\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ me { id } me { name } node(id: 1) { ... on User { v: name } ... on Patient { v: name } } }",
	    "" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ me { x: id x: name } }",
	    "1:8,1:14 Fields \"x\" conflict because \"id\" and \"name\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ appointments(first: 1) { pageInfo { hasNextPage } } appointments(first: 2) { pageInfo { hasNextPage } } }",
	    "1:3,1:55 Fields \"appointments\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ node(id: 1) { ... on User { v: name } ... on Patient { v: birthDate } } }",
	    "1:31,1:58 Fields \"v\" conflict because they return conflicting types \"String!\" and \"DateTime\". Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ me { id } me { id: name } }",
	    "1:3,1:8 Fields \"me\" conflict because subfields \"id\" conflict because \"id\" and \"name\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ me { ...A ...B } }\n"
	    "fragment A on User { k: id }\n"
	    "fragment B on User { k: role }",
	    "2:22,3:22 Fields \"k\" conflict because \"id\" and \"role\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "UniqueInputFieldNames",
	    "mutation { bookAppointment(input: {providerId: 1, startsAt: \"t\", tags: [\"a\", \"b\"]}) { id } }",
	    "" },
	{ "UniqueInputFieldNames",
	    "mutation { bookAppointment(input: {providerId: 1, providerId: 2, startsAt: \"t\", providerId: 3}) { id } }",
	    "1:36,1:51 There can be only one input field named \"providerId\".\n"
	    "1:36,1:81 There can be only one input field named \"providerId\".\n" },
	{ "Introspection",
	    "{ __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name args { defaultValue } } } } __type(name: \"User\") { name } }",
	    "" },
	{ "Introspection",
	    "{ __schema { nope } me { __schema { queryType { name } } } __type { name } }",
	    "1:14 Cannot query field \"nope\" on type \"__Schema\".\n"
	    "1:26 Cannot query field \"__schema\" on type \"User\".\n"
	    "1:60 Field \"__type\" argument \"name\" of type \"String!\" is required, but it was not provided.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ node(id: 1) { ... on User { x: id } ... on Patient { x: name } } }",
	    "1:31,1:56 Fields \"x\" conflict because they return conflicting types \"ID!\" and \"String!\". Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ me { a: id b: id a: id } appointments { edges { node { id } } } appointments { edges { node { id: status } } } }",
	    "1:28,1:43 Fields \"appointments\" conflict because subfields \"edges\" conflict because subfields \"node\" conflict because subfields \"id\" conflict because \"id\" and \"status\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ me { ...A } me { ...A } }\n"
	    "fragment A on User { id x: name }",
	    "" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ search(text: \"a\") { ... on User { id } ... on Patient { id } ... on Node { id } } }",
	    "" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ node(id: 1) { ... on Patient { appointments { id } } ... on Patient { appointments(first: 2) { id } } } }",
	    "1:34,1:73 Fields \"appointments\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ appointments { edges { node { x: id } } pageInfo { y: hasNextPage } } appointments { edges { node { x: status } } pageInfo { y: endCursor } } }",
	    "1:3,1:18 Fields \"appointments\" conflict because subfields \"edges\" conflict because subfields \"node\" conflict because subfields \"x\" conflict because \"id\" and \"status\" are different fields and subfields \"pageInfo\" conflict because subfields \"y\" conflict because \"hasNextPage\" and \"endCursor\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ a: me { id } a: node(id: 1) { id } }",
	    "1:3,1:16 Fields \"a\" conflict because \"me\" and \"node\" are different fields. Use different aliases on the fields to fetch both if this was intentional.\n" },
	{ "OverlappingFieldsCanBeMerged",
	    "{ appointments(status: DONE, first: 1) { edges { cursor } } appointments(first: 1, status: DONE) { edges { cursor } } }",
	    "" },
	{ "ValuesOfCorrectType",
	    "mutation { bookAppointment(input: {providerId: \"p\", startsAt: \"t\", tags: [\"a\", null]}) { id notes(order: [DONE, BOOKED]) } }",
	    "1:80 Expected value of type \"String!\", found null.\n" },
	{ "ValuesOfCorrectType",
	    "query ($d: DateTime = {a: [1, {b: null}]}) { me { id } }",
	    "1:8 Variable \"$d\" is never used.\n" },
};


/* Every rule's cases give graphql-js's errors, exactly, in its order. */
static void
t_rules(void **state)
{
	size_t		 i, bad = 0;
	const char	*got;

	(void)state;
	for (i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		got = errors_of(rule_cases[i].doc);
		if (strcmp(got, rule_cases[i].errors) == 0)
			continue;
		bad++;
		print_error("%s: <%s>\nwanted:\n%sgot:\n%s\n", rule_cases[i].rule,
		    rule_cases[i].doc, rule_cases[i].errors, got);
	}
	assert_int_equal(bad, 0);
}

/* ---- tables gql_schema_check refuses ---- */

static const struct gql_field_def bad_unknown_fields[] = {
	{ "me", "Nope", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def bad_output_arg[] = {
	{ "u", "Query", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def bad_output_arg_fields[] = {
	{ "f", "String", bad_output_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def bad_input_field_fields[] = {
	{ "b", "In", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def in_fields[] = {
	{ "x", "Int", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def one_field[] = {
	{ "a", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def twice_field[] = {
	{ "a", "String", NULL, NULL, NULL },
	{ "a", "Int", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def name_field[] = {
	{ "name", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def string_id_field[] = {
	{ "id", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def bad_default_arg[] = {
	{ "n", "Int", "\"x\"", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def bad_default_fields[] = {
	{ "f", "String", bad_default_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def bad_syntax_fields[] = {
	{ "f", "[Int", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const char *const in_member[] = { "In", NULL };

static const struct gql_enum_value_def twice_values[] = {
	{ "A", NULL, NULL }, { "A", NULL, NULL }, { NULL, NULL, NULL },
};

#define QUERY_OF(f)	{ .kind = GQL_K_OBJECT, .name = "Query", .fields = (f) }
#define IN_TYPE		{ .kind = GQL_K_INPUT_OBJECT, .name = "In", \
			    .input_fields = in_fields }
#define END_TYPE	{ .name = NULL }

static const struct gql_type_def bad_unknown[] = { QUERY_OF(bad_unknown_fields),
    END_TYPE };
static const struct gql_type_def bad_output_as_input[] = {
    QUERY_OF(bad_output_arg_fields), END_TYPE };
static const struct gql_type_def bad_input_as_output[] = {
    QUERY_OF(bad_input_field_fields), IN_TYPE, END_TYPE };
static const struct gql_type_def bad_twice_type[] = { QUERY_OF(one_field),
    QUERY_OF(one_field), END_TYPE };
static const struct gql_type_def bad_twice_field[] = { QUERY_OF(twice_field),
    END_TYPE };
static const struct gql_type_def bad_lacks_field[] = { QUERY_OF(one_field),
    { .kind = GQL_K_INTERFACE, .name = "Node", .fields = node_fields },
    { .kind = GQL_K_OBJECT, .name = "User", .fields = name_field,
    .interfaces = node_iface }, END_TYPE };
static const struct gql_type_def bad_field_type[] = { QUERY_OF(one_field),
    { .kind = GQL_K_INTERFACE, .name = "Node", .fields = node_fields },
    { .kind = GQL_K_OBJECT, .name = "User", .fields = string_id_field,
    .interfaces = node_iface }, END_TYPE };
static const struct gql_type_def bad_default[] = { QUERY_OF(bad_default_fields),
    END_TYPE };
static const struct gql_type_def bad_reserved[] = { QUERY_OF(one_field),
    { .kind = GQL_K_SCALAR, .name = "__Foo" }, END_TYPE };
static const struct gql_type_def bad_member[] = { QUERY_OF(one_field), IN_TYPE,
    { .kind = GQL_K_UNION, .name = "U", .members = in_member }, END_TYPE };
static const struct gql_type_def bad_syntax[] = { QUERY_OF(bad_syntax_fields),
    END_TYPE };
static const struct gql_type_def bad_builtin[] = { QUERY_OF(one_field),
    { .kind = GQL_K_SCALAR, .name = "String" }, END_TYPE };
static const struct gql_type_def bad_enum[] = { QUERY_OF(one_field),
    { .kind = GQL_K_ENUM, .name = "E", .values = twice_values }, END_TYPE };
static const struct gql_type_def good_input_root[] = { QUERY_OF(one_field),
    IN_TYPE, END_TYPE };

struct bad_schema {
	struct gql_schema_def	 def;
	const char		*error;
};

static const struct bad_schema bad_schemas[] = {
	{ { .types = bad_unknown, .query = "Query" },
	    "unknown type \"Nope\" in Query.me" },
	{ { .types = bad_output_as_input, .query = "Query" },
	    "output type \"Query\" as the input type of Query.f(u:)" },
	{ { .types = bad_input_as_output, .query = "Query" },
	    "input type \"In\" as the output type of Query.b" },
	{ { .types = bad_twice_type, .query = "Query" },
	    "duplicate type \"Query\"" },
	{ { .types = bad_twice_field, .query = "Query" },
	    "duplicate field \"Query.a\"" },
	{ { .types = bad_lacks_field, .query = "Query" },
	    "\"User\" lacks field \"Node.id\" of its interface" },
	{ { .types = bad_field_type, .query = "Query" },
	    "field \"User.id\" has a type not compatible with \"Node.id\"" },
	{ { .types = bad_default, .query = "Query" },
	    "default value of Query.f(n:): Int cannot represent non-integer "
	    "value: \"x\"" },
	{ { .types = bad_reserved, .query = "Query" },
	    "type name \"__Foo\" in the schema: \"__\" is reserved for "
	    "introspection" },
	{ { .types = bad_member, .query = "Query" },
	    "type \"In\" as a member of \"U\" is not an object" },
	{ { .types = bad_syntax, .query = "Query" },
	    "unknown type \"[Int\" in Query.f" },
	{ { .types = bad_builtin, .query = "Query" },
	    "duplicate type \"String\"" },
	{ { .types = bad_enum, .query = "Query" },
	    "duplicate enum value \"E.A\"" },
	{ { .types = good_input_root, .query = NULL },
	    "the schema has no query root type" },
	{ { .types = good_input_root, .query = "In" },
	    "query root type \"In\" is not an object type of the schema" },
	{ { .types = good_input_root, .query = "Query", .mutation = "Nope" },
	    "mutation root type \"Nope\" is not an object type of the schema" },
};

/* Bad tables are refused, each with its reason. */
static void
t_schema_check_bad(void **state)
{
	struct gql_schema	*s;
	struct gql_error	 err;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad_schemas) / sizeof(bad_schemas[0]); i++) {
		if (gql_schema_check(&A, &bad_schemas[i].def, &s, &err) == 0)
			fail_msg("bad schema %zu was accepted", i);
		assert_null(s);
		assert_string_equal(err.message, bad_schemas[i].error);
	}
	/* The last tables are good once the root is right. */
	assert_int_equal(gql_schema_check(&A, &(struct gql_schema_def){
	    .types = good_input_root, .query = "Query" }, &s, &err), 0);
	assert_non_null(gql_schema_type(s, "In", 2));
	/* Int is in the type map (In.x), Float and ID are not (graphql-js). */
	assert_non_null(gql_schema_type(s, "Int", 3));
	assert_null(gql_schema_type(s, "Float", 5));
	assert_null(gql_schema_type(s, "ID", 2));
	assert_non_null(gql_schema_type(s, "Boolean", 7));
	assert_non_null(gql_schema_type(s, "__Type", 6));
}

/* Lookups by name in the clinic schema. */
static void
t_schema_lookup(void **state)
{
	const struct gql_schema		*s = clinic_schema();
	const struct gql_ntype		*user, *node, *search;
	const struct gql_field		*f;
	const struct gql_input		*in;

	(void)state;
	user = gql_schema_type(s, "User", 4);
	node = gql_schema_type(s, "Node", 4);
	search = gql_schema_type(s, "SearchResult", 12);
	assert_non_null(user);
	assert_int_equal(node->kind, GQL_K_INTERFACE);
	assert_int_equal(node->npossible, 3);
	assert_true(gql_type_is_possible(node, user));
	assert_true(gql_types_overlap(node, search));
	assert_false(gql_types_overlap(user, gql_schema_type(s, "Patient", 7)));
	f = gql_schema_field(s, s->query, "appointments");
	assert_non_null(f);
	assert_string_equal(gql_tref_string(&A, f->type), "AppointmentConnection!");
	in = gql_schema_input(f->args, f->nargs, "first");
	assert_non_null(in);
	assert_string_equal(in->default_value->text.s, "20");
	assert_null(gql_schema_input(f->args, f->nargs, "last"));
	assert_ptr_equal(gql_schema_field(s, search, "__typename"),
	    s->typename_field);
	assert_null(gql_schema_field(s, search, "id"));
	assert_ptr_equal(gql_schema_field(s, s->query, "__schema"),
	    s->schema_field);
	assert_null(gql_schema_field(s, user, "__schema"));
	assert_non_null(gql_schema_directive(s, "include"));
	assert_non_null(gql_schema_directive(s, "audit"));
	assert_null(gql_schema_directive(s, "nope"));
	assert_null(gql_schema_type(s, "Nope", 4));
}

/* After 100 errors, graphql-js's abort error, with no location. */
static void
t_error_limit(void **state)
{
	struct gql_document	*doc;
	struct gql_error	 err;
	struct gql_verrors	 errs;
	struct buf		 b;
	int			 i;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(buf_adds(&b, "{ me { "), 0);
	for (i = 0; i < 105; i++)
		assert_int_equal(buf_addf(&b, "a%d ", i), 0);
	assert_int_equal(buf_adds(&b, "} }"), 0);
	assert_int_equal(gql_parse(&A, b.data, b.len, NULL, &doc, &err), 0);
	assert_int_equal(gql_validate(&A, clinic_schema(), doc, 0, &errs), -1);
	assert_int_equal(errs.n, 101);
	assert_string_equal(errs.items[99].message,
	    "Cannot query field \"a99\" on type \"User\".");
	assert_int_equal(errs.items[99].column, 394);
	assert_string_equal(errs.items[100].message, "Too many validation "
	    "errors, error limit reached. Validation aborted.");
	assert_int_equal(errs.items[100].line, 0);
	/* A smaller limit. */
	assert_int_equal(gql_validate(&A, clinic_schema(), doc, 3, &errs), -1);
	assert_int_equal(errs.n, 4);
	buf_release(&b);
}

/* Milliseconds spent validating the document built in b. */
static double
validate_ms(struct buf *b, struct gql_verrors *errs)
{
	struct gql_document	*doc;
	struct gql_error	 err;
	struct timespec		 t0, t1;
	double			 ms;

	if (gql_parse(&A, b->data, b->len, NULL, &doc, &err) != 0)
		fail_msg("hostile document did not parse: %s", err.message);
	if (getenv("GQL_TEST_VERBOSE") != NULL)
		fprintf(stderr, "%zu tokens\n", doc->ntokens);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	(void)gql_validate(&A, clinic_schema(), doc, 0, errs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (getenv("GQL_TEST_VERBOSE") != NULL)
		fprintf(stderr, "%.2f ms, %zu errors\n", ms, errs->n);
	return ms;
}

/*
 * Not a speed goal (those are scripts/dev bench's): a bound that only a
 * quadratic blow-up reaches. Each document validates in 1-15 ms here;
 * 9,000 fields compared pairwise take seconds. 300 times the measured
 * time leaves room for the sanitizers and a loaded machine.
 */
#define HOSTILE_MS_MAX	5000

/* Append what fmt (a literal) makes of i and i + 1, for i in [0, n). */
#define REPEAT(b, n, fmt) do {						\
	int	 i_;							\
									\
	for (i_ = 0; i_ < (n); i_++)					\
		assert_int_equal(buf_addf((b), (fmt), i_, i_ + 1), 0);	\
} while (0)

/* Append the text t n times. */
static void
repeat_text(struct buf *b, int n, const char *t)
{
	int	 i;

	for (i = 0; i < n; i++)
		assert_int_equal(buf_adds(b, t), 0);
}

/*
 * Hostile documents near the parser's 10,000 tokens stay cheap: the
 * same field thousands of times, thousands of distinct aliases, deep
 * duplicates, a long chain of fragments and one that fans out.
 */
static void
t_hostile(void **state)
{
	struct gql_verrors	 errs;
	struct buf		 b;
	double			 ms;
	const char		*p;
	int			 n;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(buf_adds(&b, "{ me { "), 0);
	repeat_text(&b, 9000, "id ");
	assert_int_equal(buf_adds(&b, "} }"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 0);
	assert_true(ms < HOSTILE_MS_MAX);

	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ me { "), 0);
	REPEAT(&b, 1500, "a%d: id b%d: name ");
	assert_int_equal(buf_adds(&b, "} }"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 0);
	assert_true(ms < HOSTILE_MS_MAX);

	/* Same response name, all different: errors up to the limit. */
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ "), 0);
	REPEAT(&b, 500, "a: appointments(first: %d, after: \"%d\") { edges { cursor } } ");
	assert_int_equal(buf_adds(&b, "}"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 101);
	assert_true(ms < HOSTILE_MS_MAX);

	/* 400 conflicts between two sets: one error, 100 of them in it. */
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ appointments { edges { node { "), 0);
	REPEAT(&b, 400, "x%d: notes(limit: %d) ");
	assert_int_equal(buf_adds(&b, "} } } appointments { edges { node { "), 0);
	REPEAT(&b, 400, "x%d: notes(limit: -%d) ");
	assert_int_equal(buf_adds(&b, "} } } }"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 1);
	for (n = 0, p = errs.items[0].message; (p = strstr(p, "differing")) != NULL;
	    p++)
		n++;
	assert_int_equal(n, 100);
	assert_true(ms < HOSTILE_MS_MAX);

	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ "), 0);
	repeat_text(&b, 900, "appointments { edges { node { id } } } ");
	assert_int_equal(buf_adds(&b, "}"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 0);
	assert_true(ms < HOSTILE_MS_MAX);

	/* 800 fragments, 800 spreads of them. */
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ me { "), 0);
	for (n = 0; n < 800; n++)
		assert_int_equal(buf_addf(&b, "...F%d ", n), 0);
	assert_int_equal(buf_adds(&b, "} }\n"), 0);
	REPEAT(&b, 800, "fragment F%d on User { x%d: id }\n");
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 0);
	assert_true(ms < HOSTILE_MS_MAX);

	/* Objects of 3,000 fields (a DateTime takes any literal). */
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "mutation { bookAppointment(input: "
	    "{providerId: 1, startsAt: {"), 0);
	REPEAT(&b, 3000, "f%d: %d ");
	assert_int_equal(buf_adds(&b, "}}) { id } }"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 0);
	assert_true(ms < HOSTILE_MS_MAX);
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "mutation { bookAppointment(input: "
	    "{providerId: 1, startsAt: {"), 0);
	for (n = 0; n < 3000; n++)
		assert_int_equal(buf_addf(&b, "f: %d ", n), 0);
	assert_int_equal(buf_adds(&b, "}}) { id } }"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 101);
	assert_string_equal(errs.items[0].message,
	    "There can be only one input field named \"f\".");
	assert_true(ms < HOSTILE_MS_MAX);

	/* A chain of 100 fragments: spreads nest too deep. */
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ me { ...F0 } }\n"), 0);
	REPEAT(&b, 100, "fragment F%d on User { id ...F%d }\n");
	assert_int_equal(buf_adds(&b, "fragment F100 on User { id }"), 0);
	ms = validate_ms(&b, &errs);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.items[0].message,
	    "Fragment spreads nest deeper than 64 levels.");
	assert_true(ms < HOSTILE_MS_MAX);

	/* Each fragment spreads the next twice under one name. */
	buf_clear(&b);
	assert_int_equal(buf_adds(&b, "{ me { ...F0 } }\n"), 0);
	REPEAT(&b, 40, "fragment F%d on User { id ... on User { ...F%d } }\n");
	assert_int_equal(buf_adds(&b, "fragment F40 on User { id }"), 0);
	ms = validate_ms(&b, &errs);
	assert_true(ms < HOSTILE_MS_MAX);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_schema_print),
		cmocka_unit_test(t_rules),
		cmocka_unit_test(t_schema_check_bad),
		cmocka_unit_test(t_schema_lookup),
		cmocka_unit_test(t_error_limit),
		cmocka_unit_test(t_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
