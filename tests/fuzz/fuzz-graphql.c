/*
 * Fuzz the GraphQL parser and printer (lib/graphql.c), whose input is a
 * request's document. Properties: an accepted document stays inside the
 * limits (tokens, nesting), every name is a GraphQL Name, every decoded
 * string is UTF-8 of Unicode scalar values, and its print parses back to
 * a tree that prints the same (the printer writes only what the parser
 * reads, and nothing is lost between them); a refused one says where, on
 * a line the input has, with a message.
 */
#include "config.h"

#include <string.h>

#include "lib/buf.h"
#include "lib/graphql.h"
#include "tests/fuzz/fuzz.h"

static struct arena	 arena;
static int		 is_ready;

/* s is a Name: /[_A-Za-z][_0-9A-Za-z]*\/. */
static int
is_name(const struct gql_str *s)
{
	size_t	 i;

	if (s->s == NULL || s->len == 0 || strlen(s->s) != s->len)
		return 0;
	for (i = 0; i < s->len; i++) {
		char c = s->s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '_' || (i > 0 && c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

/* s is UTF-8 of Unicode scalar values (NUL among them), NUL-terminated at len. */
static int
is_utf8(const struct gql_str *s)
{
	const unsigned char	*p = (const unsigned char *)s->s;
	size_t			 i = 0, n, k;
	unsigned long		 v;

	if (p[s->len] != '\0')
		return 0;
	while (i < s->len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : p[i] >= 0xC0 ? 2 : 0;
		if (n == 0 || i + n > s->len)
			return 0;
		v = p[i] & (0x7F >> n);
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			v = (v << 6) | (p[i + k] & 0x3F);
		}
		if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) ||
		    (n == 4 && v < 0x10000) || v > 0x10FFFF ||
		    (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		i += n;
	}
	return 1;
}

static void check_value(const struct gql_value *);

static void
check_args(const struct gql_arg *a)
{
	for (; a != NULL; a = a->next) {
		FUZZ_CHECK(is_name(&a->name), "an argument or field name is not a Name");
		FUZZ_CHECK(a->value != NULL, "an argument without a value");
		check_value(a->value);
	}
}

static void
check_value(const struct gql_value *v)
{
	const struct gql_value	*i;

	switch (v->kind) {
	case GQL_V_VARIABLE:
	case GQL_V_ENUM:
		FUZZ_CHECK(is_name(&v->text), "a variable or enum value is not a Name");
		FUZZ_CHECK(v->kind != GQL_V_ENUM || (strcmp(v->text.s, "true") != 0 &&
		    strcmp(v->text.s, "false") != 0 && strcmp(v->text.s, "null") != 0),
		    "the enum value %s", v->text.s);
		break;
	case GQL_V_INT:
	case GQL_V_FLOAT:
		FUZZ_CHECK(v->text.len > 0 && strlen(v->text.s) == v->text.len,
		    "an empty number");
		break;
	case GQL_V_STRING:
		FUZZ_CHECK(is_utf8(&v->text), "a decoded string is not UTF-8");
		break;
	case GQL_V_LIST:
		for (i = v->items; i != NULL; i = i->next)
			check_value(i);
		break;
	case GQL_V_OBJECT:
		check_args(v->fields);
		break;
	default:
		break;
	}
}

static void
check_directives(const struct gql_directive *d)
{
	for (; d != NULL; d = d->next) {
		FUZZ_CHECK(is_name(&d->name), "a directive name is not a Name");
		check_args(d->args);
	}
}

static void
check_selections(const struct gql_selection *s)
{
	FUZZ_CHECK(s != NULL, "an empty selection set");
	for (; s != NULL; s = s->next) {
		check_args(s->args);
		check_directives(s->directives);
		switch (s->kind) {
		case GQL_S_FIELD:
			FUZZ_CHECK(is_name(&s->name), "a field name is not a Name");
			FUZZ_CHECK(s->alias.s == NULL || is_name(&s->alias),
			    "an alias is not a Name");
			if (s->selections != NULL)
				check_selections(s->selections);
			break;
		case GQL_S_SPREAD:
			FUZZ_CHECK(is_name(&s->name) && strcmp(s->name.s, "on") != 0,
			    "a spread's fragment name");
			FUZZ_CHECK(s->selections == NULL, "a spread with a selection set");
			break;
		case GQL_S_INLINE:
			FUZZ_CHECK(s->type_condition.s == NULL ||
			    is_name(&s->type_condition), "a type condition");
			check_selections(s->selections);
			break;
		}
	}
}

static void
check_document(const struct gql_document *doc)
{
	const struct gql_definition	*d;
	const struct gql_var_def	*v;

	FUZZ_CHECK(doc->definitions != NULL, "a document without definitions");
	FUZZ_CHECK(doc->ntokens <= GQL_MAX_TOKENS && doc->depth <= GQL_MAX_DEPTH,
	    "past the limits: %zu tokens, depth %u", doc->ntokens, doc->depth);
	for (d = doc->definitions; d != NULL; d = d->next) {
		FUZZ_CHECK(d->name.s == NULL || is_name(&d->name), "a definition's name");
		if (d->kind == GQL_D_FRAGMENT)
			FUZZ_CHECK(is_name(&d->type_condition) &&
			    strcmp(d->name.s, "on") != 0, "a fragment's names");
		for (v = d->vars; v != NULL; v = v->next) {
			FUZZ_CHECK(is_name(&v->name) && v->type != NULL,
			    "a variable definition");
			if (v->default_value != NULL)
				check_value(v->default_value);
			check_directives(v->directives);
		}
		check_directives(d->directives);
		check_selections(d->selections);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gql_document	*doc, *again;
	struct gql_error	 err;
	struct buf		 p1, p2;
	size_t			 lines = 1, i;

	if (!is_ready) {
		arena_init(&arena);
		is_ready = 1;
	}
	arena_reset(&arena);
	if (gql_parse(&arena, (const char *)data, size, NULL, &doc, &err) != 0) {
		for (i = 0; i < size; i++)
			if (data[i] == '\n' || (data[i] == '\r' &&
			    (i + 1 == size || data[i + 1] != '\n')))
				lines++;
		FUZZ_CHECK(doc == NULL && err.message[0] != '\0', "a refusal "
		    "without a message");
		FUZZ_CHECK(err.line >= 1 && err.line <= lines && err.column >= 1 &&
		    err.column <= size + 1, "the error at %u:%u of %zu lines, "
		    "%zu bytes", err.line, err.column, lines, size);
		return 0;
	}
	check_document(doc);
	buf_init(&p1, 1 << 22);
	buf_init(&p2, 1 << 22);
	FUZZ_CHECK(gql_print(&p1, doc) == 0, "the print overflowed");
	/* The print may nest as deep and be longer (escapes): no limits on it. */
	{
		struct gql_limits big = { (size_t)1 << 22, (size_t)1 << 20,
		    GQL_MAX_DEPTH };

		FUZZ_CHECK(gql_parse(&arena, p1.data ? p1.data : "", p1.len, &big,
		    &again, &err) == 0, "the print does not parse: %u:%u %s",
		    err.line, err.column, err.message);
	}
	FUZZ_CHECK(gql_print(&p2, again) == 0, "the second print overflowed");
	FUZZ_CHECK(p1.len == p2.len && memcmp(p1.data, p2.data, p1.len) == 0,
	    "the print of the print differs (%zu and %zu bytes)", p1.len, p2.len);
	buf_release(&p1);
	buf_release(&p2);
	return 0;
}
