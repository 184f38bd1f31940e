/*
 * Unit tests for lib/graphql: the parser builds the tree the grammar
 * says (operations, fragments, every kind of value, directives, variable
 * definitions), decodes strings and block strings as the spec and
 * graphql-js do, refuses what the grammar does not produce with the
 * line and column of the offending token, stays inside its limits, and
 * the printer writes a form that parses back to the same tree.
 */
#include "config.h"

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
#include "lib/mem.h"

static struct arena	 A;

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

/* Parse s; fail the test on a syntax error. */
static struct gql_document *
parse_ok(const char *s)
{
	struct gql_document	*doc;
	struct gql_error	 err;

	if (gql_parse(&A, s, strlen(s), NULL, &doc, &err) != 0)
		fail_msg("parse of <%s> failed at %u:%u: %s", s, err.line,
		    err.column, err.message);
	return doc;
}

/* Parse s, expecting a syntax error at line:column whose message holds what. */
static void
parse_bad(const char *s, size_t len, unsigned int line, unsigned int column,
    const char *what)
{
	struct gql_document	*doc;
	struct gql_error	 err;

	if (gql_parse(&A, s, len, NULL, &doc, &err) == 0)
		fail_msg("<%s> parsed", s);
	assert_null(doc);
	if (err.line != line || err.column != column)
		fail_msg("<%s>: error at %u:%u (%s), wanted %u:%u", s, err.line,
		    err.column, err.message, line, column);
	if (what != NULL && strstr(err.message, what) == NULL)
		fail_msg("<%s>: message <%s> lacks <%s>", s, err.message, what);
}
#define BAD(s, line, col, what)	parse_bad((s), strlen(s), (line), (col), (what))

/* The canonical print of a parsed document. */
static char *
printed(const struct gql_document *doc)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 1 << 20);
	assert_int_equal(gql_print(&b, doc), 0);
	s = arena_strndup(&A, b.data ? b.data : "", b.len);
	buf_release(&b);
	return s;
}

static void
t_gql_everything(void **state)
{
	struct gql_document	*doc;
	struct gql_definition	*op, *frag;
	struct gql_selection	*s;
	struct gql_var_def	*v;
	struct gql_arg		*a;

	(void)state;
	doc = parse_ok(
	    "# the dashboard\n"
	    "query Dashboard($id: ID!, $n: Int = 10, $tags: [String!]! @deprecated) @live {\n"
	    "  me { id ...Who }\n"
	    "  p: patient(id: $id) {\n"
	    "    labs(first: $n, status: FINAL, f: 1.5e3, s: \"a\\nb\", b: true, z: null,\n"
	    "         list: [1, 2, [3]], obj: {k: \"v\", nested: {x: -0}}) @include(if: true) {\n"
	    "      ... on LabResult { value }\n"
	    "      ... @skip(if: false) { units }\n"
	    "    }\n"
	    "  }\n"
	    "}\n"
	    "fragment Who on User @x { fullName }\n");
	op = doc->definitions;
	assert_non_null(op);
	assert_int_equal(op->kind, GQL_D_OPERATION);
	assert_int_equal(op->op, GQL_QUERY);
	assert_false(op->is_shorthand);
	assert_string_equal(op->name.s, "Dashboard");
	assert_int_equal(op->line, 2);
	assert_int_equal(op->column, 1);
	v = op->vars;
	assert_string_equal(v->name.s, "id");
	assert_string_equal(v->type->name.s, "ID");
	assert_true(v->type->is_non_null);
	assert_null(v->default_value);
	v = v->next;
	assert_string_equal(v->name.s, "n");
	assert_int_equal(v->default_value->kind, GQL_V_INT);
	assert_string_equal(v->default_value->text.s, "10");
	v = v->next;
	assert_non_null(v->type->of);
	assert_true(v->type->is_non_null);
	assert_true(v->type->of->is_non_null);
	assert_string_equal(v->type->of->name.s, "String");
	assert_string_equal(v->directives->name.s, "deprecated");
	assert_null(v->next);
	assert_string_equal(op->directives->name.s, "live");

	s = op->selections;
	assert_string_equal(s->name.s, "me");
	assert_null(s->alias.s);
	assert_int_equal(s->selections->next->kind, GQL_S_SPREAD);
	assert_string_equal(s->selections->next->name.s, "Who");
	s = s->next;
	assert_string_equal(s->alias.s, "p");
	assert_string_equal(s->name.s, "patient");
	assert_int_equal(s->args->value->kind, GQL_V_VARIABLE);
	assert_string_equal(s->args->value->text.s, "id");
	s = s->selections;	/* labs */
	assert_string_equal(s->directives->name.s, "include");
	assert_int_equal(s->directives->args->value->kind, GQL_V_BOOLEAN);
	a = s->args;
	assert_int_equal(a->value->kind, GQL_V_VARIABLE);
	a = a->next;
	assert_int_equal(a->value->kind, GQL_V_ENUM);
	assert_string_equal(a->value->text.s, "FINAL");
	a = a->next;
	assert_int_equal(a->value->kind, GQL_V_FLOAT);
	assert_string_equal(a->value->text.s, "1.5e3");
	a = a->next;
	assert_int_equal(a->value->kind, GQL_V_STRING);
	assert_string_equal(a->value->text.s, "a\nb");
	a = a->next;
	assert_int_equal(a->value->boolean, 1);
	a = a->next;
	assert_int_equal(a->value->kind, GQL_V_NULL);
	a = a->next;
	assert_int_equal(a->value->kind, GQL_V_LIST);
	assert_int_equal(a->value->items->next->next->kind, GQL_V_LIST);
	a = a->next;
	assert_int_equal(a->value->kind, GQL_V_OBJECT);
	assert_string_equal(a->value->fields->next->name.s, "nested");
	assert_string_equal(a->value->fields->next->value->fields->value->text.s,
	    "-0");
	assert_null(a->next);
	assert_int_equal(s->selections->kind, GQL_S_INLINE);
	assert_string_equal(s->selections->type_condition.s, "LabResult");
	assert_int_equal(s->selections->next->kind, GQL_S_INLINE);
	assert_null(s->selections->next->type_condition.s);
	assert_string_equal(s->selections->next->directives->name.s, "skip");

	frag = op->next;
	assert_int_equal(frag->kind, GQL_D_FRAGMENT);
	assert_string_equal(frag->name.s, "Who");
	assert_string_equal(frag->type_condition.s, "User");
	assert_string_equal(frag->directives->name.s, "x");
	assert_null(frag->next);
	assert_int_equal(doc->depth, 4);	/* labs' inline fragment, and obj.nested */

	assert_string_equal(printed(doc),
	    "query Dashboard($id: ID! $n: Int = 10 $tags: [String!]! @deprecated) @live "
	    "{me {id ...Who} p: patient(id: $id) {labs(first: $n status: FINAL f: 1.5e3 "
	    "s: \"a\\nb\" b: true z: null list: [1 2 [3]] obj: {k: \"v\" nested: {x: -0}}) "
	    "@include(if: true) {... on LabResult {value} ... @skip(if: false) {units}}}}\n"
	    "fragment Who on User @x {fullName}");
}

static void
t_gql_operations(void **state)
{
	struct gql_document	*doc;

	(void)state;
	doc = parse_ok("{ me { id } }");
	assert_true(doc->definitions->is_shorthand);
	assert_string_equal(printed(doc), "{me {id}}");
	doc = parse_ok("mutation { book(x: 1) { id } } subscription S { events { id } }"
	    " query { a }");
	assert_int_equal(doc->definitions->op, GQL_MUTATION);
	assert_null(doc->definitions->name.s);
	assert_int_equal(doc->definitions->next->op, GQL_SUBSCRIPTION);
	assert_string_equal(doc->definitions->next->name.s, "S");
	assert_string_equal(printed(doc),
	    "mutation {book(x: 1) {id}}\nsubscription S {events {id}}\nquery {a}");
	/* Keywords are names elsewhere: fields, arguments, enum values. */
	doc = parse_ok("query query { query(on: on, fragment: query) { on } }");
	assert_string_equal(doc->definitions->name.s, "query");
	assert_string_equal(printed(doc),
	    "query query {query(on: on fragment: query) {on}}");
	/* "...onX" is a spread named onX, "... on X" an inline fragment. */
	doc = parse_ok("{ ...onX ... on X { a } }");
	assert_int_equal(doc->definitions->selections->kind, GQL_S_SPREAD);
	assert_string_equal(doc->definitions->selections->name.s, "onX");
	assert_int_equal(doc->definitions->selections->next->kind, GQL_S_INLINE);
	/* Commas, a BOM and comments are ignored; \r\n counts one line. */
	doc = parse_ok("\xEF\xBB\xBF{,a,,b # c\r\n d}");
	assert_string_equal(printed(doc), "{a b d}");
}

static void
t_gql_strings(void **state)
{
	struct gql_document	*doc;
	const char		*v;

	(void)state;
#define VALUE(src) (doc = parse_ok("{ f(s: " src ") }"), \
	doc->definitions->selections->args->value->text.s)
	assert_string_equal(VALUE("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""),
	    "\" \\ / \b \f \n \r \t");
	assert_string_equal(VALUE("\"caf\\u00e9 \\u00E9\""), "caf\xC3\xA9 \xC3\xA9");
	assert_string_equal(VALUE("\"\\u{1F600}\""), "\xF0\x9F\x98\x80");
	assert_string_equal(VALUE("\"\\uD83D\\uDE00\""), "\xF0\x9F\x98\x80");
	assert_string_equal(VALUE("\"\\u{0}x\""), "");	/* NUL: len says 2 */
	assert_int_equal(doc->definitions->selections->args->value->text.len, 2);
	assert_string_equal(VALUE("\"raw \xC3\xA9 \xF0\x9F\x98\x80\""),
	    "raw \xC3\xA9 \xF0\x9F\x98\x80");
	/* A control character is a source character in a string (graphql-js). */
	v = VALUE("\"a\x01" "b\"");
	assert_string_equal(v, "a\x01" "b");
	assert_string_equal(printed(doc), "{f(s: \"a\\u0001b\")}");
	/* Block strings: common indentation and blank edge lines removed. */
	assert_string_equal(VALUE("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n"
	    "      GraphQL.\n  \"\"\""), "Hello,\n  World!\n\nYours,\n  GraphQL.");
	assert_string_equal(VALUE("\"\"\"  first\n   second\r\n    third\"\"\""),
	    "  first\nsecond\n third");
	assert_string_equal(VALUE("\"\"\"a \\\"\"\" b \\n\"\"\""), "a \"\"\" b \\n");
	assert_string_equal(VALUE("\"\"\"\n\n  \n\"\"\""), "");
	assert_string_equal(printed(doc), "{f(s: \"\")}");
#undef VALUE
}

static void
t_gql_strings_bad(void **state)
{
	(void)state;
	BAD("{ f(s: \"abc) }", 1, 15, "Unterminated string");
	BAD("{ f(s: \"a\nb\") }", 1, 10, "Unterminated string");
	BAD("{ f(s: \"\\x\") }", 1, 9, "Invalid character escape");
	BAD("{ f(s: \"\\u12\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\uD800\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\uDC00\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\uD83D\\u0041\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\u{}\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\u{110000}\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\u{D800}\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\\u{000000041}\") }", 1, 9, "Invalid Unicode escape");
	BAD("{ f(s: \"\xC3\") }", 1, 9, "Invalid character within String");
	BAD("{ f(s: \"\xED\xA0\x80\") }", 1, 9, "Invalid character within String");
	BAD("{ f(s: \"\xC0\xAF\") }", 1, 9, "Invalid character within String");
	BAD("{ f(s: \"\"\"abc) }", 1, 17, "Unterminated string");
	/* Columns count code points: é is one. */
	BAD("{ f(s: \"\xC3\xA9\", t: \"\\q\") }", 1, 17, "Invalid character escape");
	BAD("# \xFF\n{ a }", 1, 3, "Invalid character in a comment");
}

static void
t_gql_numbers(void **state)
{
	struct gql_document	*doc;
	static const char *const good[][2] = {
		{ "0", "Int" }, { "-0", "Int" }, { "123", "Int" }, { "-45", "Int" },
		{ "1.5", "Float" }, { "1e10", "Float" }, { "1.5E-3", "Float" },
		{ "0.0", "Float" }, { "-1e+2", "Float" },
	};
	static const char *const bad[] = {
		"01", "1.", ".5", "1.e3", "0x1", "1a", "-", "1e", "1.5.2", "-a",
		"00", "1e5x", "1_000",
	};
	char	 src[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(src, sizeof(src), "{ f(n: %s) }", good[i][0]);
		doc = parse_ok(src);
		assert_int_equal(doc->definitions->selections->args->value->kind,
		    strcmp(good[i][1], "Int") == 0 ? GQL_V_INT : GQL_V_FLOAT);
		assert_string_equal(doc->definitions->selections->args->value->text.s,
		    good[i][0]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gql_error err;

		snprintf(src, sizeof(src), "{ f(n: %s) }", bad[i]);
		if (gql_parse(&A, src, strlen(src), NULL, &doc, &err) == 0)
			fail_msg("%s parsed as a number", bad[i]);
	}
}

static void
t_gql_syntax_errors(void **state)
{
	(void)state;
	BAD("", 1, 1, "Unexpected <EOF>");
	BAD("  # nothing\n", 2, 1, "Unexpected <EOF>");
	BAD("{}", 1, 2, "Expected Name, found \"}\"");
	BAD("{\n  a(\n}", 3, 1, "Expected Name, found \"}\"");
	BAD("{ a() }", 1, 5, "Expected Name");
	BAD("{ a", 1, 4, "Expected Name, found <EOF>");
	BAD("query Q() { a }", 1, 9, "Expected \"$\"");
	BAD("query ($a) { a }", 1, 10, "Expected \":\"");
	BAD("query ($a: ) { a }", 1, 12, "Expected Name");
	BAD("query ($a: [Int) { a }", 1, 16, "Expected \"]\"");
	BAD("query ($a: Int = $b) { a }", 1, 18, "Unexpected variable \"$b\" in constant value");
	BAD("query ($a: Int @d(x: $b)) { a }", 1, 22, "Unexpected variable \"$b\"");
	BAD("{ a(x: $) }", 1, 9, "Expected Name");
	BAD("{ a(x: [1, }) }", 1, 12, "Unexpected \"}\"");
	BAD("{ a(x: {b}) }", 1, 10, "Expected \":\"");
	BAD("{ a(x: @) }", 1, 8, "Unexpected \"@\"");
	BAD("{ a @ }", 1, 7, "Expected Name");
	BAD("{ .. }", 1, 3, "did you mean \"...\"");
	BAD("{ ... on }", 1, 10, "Expected Name");
	BAD("{ ... }", 1, 7, "Expected \"{\"");
	BAD("fragment on on T { a }", 1, 10, "Unexpected Name \"on\"");
	BAD("fragment F T { a }", 1, 12, "Expected \"on\"");
	BAD("fragment F on T", 1, 16, "Expected \"{\"");
	BAD("query Q", 1, 8, "Expected \"{\"");
	BAD("type Query { a: Int }", 1, 1, "not executable");
	BAD("schema { query: Q }", 1, 1, "not executable");
	BAD("\"desc\" query { a }", 1, 1, "descriptions are supported only");
	BAD("{ a } }", 1, 7, "Unexpected \"}\"");
	BAD("{ a } &", 1, 7, "Unexpected \"&\"");
	BAD("{ a ? }", 1, 5, "Unexpected character: \"?\"");
	BAD("{ a \xC3\xA9 }", 1, 5, "Unexpected character");
	BAD("{ a(x: 1.) }", 1, 10, "Invalid number");
	BAD("{ a(x: 01) }", 1, 9, "unexpected digit after 0");
	parse_bad("{ a\0 }", 6, 1, 4, "Unexpected character");
}

static void
t_gql_limits(void **state)
{
	struct gql_limits	 lim = { 64, 10, 3 };
	struct gql_document	*doc;
	struct gql_error	 err;
	char			 deep[512];
	size_t			 i, n = 0;

	(void)state;
	assert_int_equal(gql_parse(&A, "{ a { b { c } } }", 17, &lim, &doc, &err), 0);
	assert_int_equal(doc->depth, 3);
	assert_int_equal(gql_parse(&A, "{ a { b { c { d } } } }", 23, &lim, &doc,
	    &err), -1);
	assert_non_null(strstr(err.message, "deeper than 3"));
	assert_int_equal(err.column, 13);
	assert_int_equal(gql_parse(&A, "{ a(x: [[[1]]]) }", 17, &lim, &doc, &err), -1);
	assert_non_null(strstr(err.message, "deeper than 3"));
	assert_int_equal(gql_parse(&A, "{ a b c d e f g h i }", 21, &lim, &doc, &err),
	    -1);
	assert_non_null(strstr(err.message, "more than 10 tokens"));
	assert_int_equal(err.column, 21);	/* the 11th token, "}" */
	memset(deep, ' ', sizeof(deep));
	assert_int_equal(gql_parse(&A, deep, 65, &lim, &doc, &err), -1);
	assert_non_null(strstr(err.message, "larger than 64 bytes"));
	/* The default depth (32) stops a deep document before the stack does. */
	for (i = 0; i < 100; i++)
		deep[n++] = '{', deep[n++] = 'a';
	for (i = 0; i < 100; i++)
		deep[n++] = '}';
	assert_int_equal(gql_parse(&A, deep, n, NULL, &doc, &err), -1);
	assert_non_null(strstr(err.message, "deeper than 32"));
}

/* print(parse(x)) parses back to a tree that prints the same. */
static void
t_gql_print_round_trip(void **state)
{
	static const char *const docs[] = {
		"query Q($a: [[Int!]]! = [[1]] @d(x: {y: [\"z\"]})) @o { a: b(c: $a) @e { ...F ... on T { x } ... { y } } }",
		"fragment F on T @dir(a: ENUM, b: -1.5e-3) { f(s: \"\"\"\n  block\n   string\n\"\"\") }",
		"{ f(s: \"\\u{1F600} \\t \\\" \x01\") }",
		"mutation M { book(input: {provider: \"p\", at: \"2027-01-11T15:00:00Z\", tags: []}) { id } }",
		"subscription { events(after: 10) { id type } }",
		"{ a(o: {}) }",
	};
	struct gql_document	*doc, *again;
	struct gql_error	 err;
	const char		*p1, *p2;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		doc = parse_ok(docs[i]);
		p1 = printed(doc);
		if (gql_parse(&A, p1, strlen(p1), NULL, &again, &err) != 0)
			fail_msg("the print <%s> does not parse: %s", p1, err.message);
		p2 = printed(again);
		assert_string_equal(p1, p2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_gql_everything),
		cmocka_unit_test(t_gql_operations),
		cmocka_unit_test(t_gql_strings),
		cmocka_unit_test(t_gql_strings_bad),
		cmocka_unit_test(t_gql_numbers),
		cmocka_unit_test(t_gql_syntax_errors),
		cmocka_unit_test(t_gql_limits),
		cmocka_unit_test(t_gql_print_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
