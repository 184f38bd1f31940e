/*
 * The GraphQL type system (see graphql-schema.h): the built-in scalars,
 * directives and introspection types, gql_schema_check resolving a
 * schema's tables, lookups, and checking literals against input types.
 * The SDL printer is in graphql-schema-print.c.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/graphql-schema.h"

/* ---- built-ins ---- */

static const struct gql_type_def builtin_scalars[] = {
	{ .kind = GQL_K_SCALAR, .name = "Int" },
	{ .kind = GQL_K_SCALAR, .name = "Float" },
	{ .kind = GQL_K_SCALAR, .name = "String" },
	{ .kind = GQL_K_SCALAR, .name = "Boolean" },
	{ .kind = GQL_K_SCALAR, .name = "ID" },
	{ .name = NULL },
};

static const struct gql_input_def include_deprecated_arg[] = {
	{ "includeDeprecated", "Boolean", "false", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* The introspection types of graphql-js 16 (src/type/introspection.ts). */
static const struct gql_field_def schema_fields[] = {
	{ "description", "String", NULL, NULL, NULL },
	{ "types", "[__Type!]!", NULL, NULL, NULL },
	{ "queryType", "__Type!", NULL, NULL, NULL },
	{ "mutationType", "__Type", NULL, NULL, NULL },
	{ "subscriptionType", "__Type", NULL, NULL, NULL },
	{ "directives", "[__Directive!]!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def type_fields[] = {
	{ "kind", "__TypeKind!", NULL, NULL, NULL },
	{ "name", "String", NULL, NULL, NULL },
	{ "description", "String", NULL, NULL, NULL },
	{ "specifiedByURL", "String", NULL, NULL, NULL },
	{ "fields", "[__Field!]", include_deprecated_arg, NULL, NULL },
	{ "interfaces", "[__Type!]", NULL, NULL, NULL },
	{ "possibleTypes", "[__Type!]", NULL, NULL, NULL },
	{ "enumValues", "[__EnumValue!]", include_deprecated_arg, NULL, NULL },
	{ "inputFields", "[__InputValue!]", include_deprecated_arg, NULL, NULL },
	{ "ofType", "__Type", NULL, NULL, NULL },
	{ "isOneOf", "Boolean", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def field_fields[] = {
	{ "name", "String!", NULL, NULL, NULL },
	{ "description", "String", NULL, NULL, NULL },
	{ "args", "[__InputValue!]!", include_deprecated_arg, NULL, NULL },
	{ "type", "__Type!", NULL, NULL, NULL },
	{ "isDeprecated", "Boolean!", NULL, NULL, NULL },
	{ "deprecationReason", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def input_value_fields[] = {
	{ "name", "String!", NULL, NULL, NULL },
	{ "description", "String", NULL, NULL, NULL },
	{ "type", "__Type!", NULL, NULL, NULL },
	{ "defaultValue", "String", NULL, NULL, NULL },
	{ "isDeprecated", "Boolean!", NULL, NULL, NULL },
	{ "deprecationReason", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def enum_value_fields[] = {
	{ "name", "String!", NULL, NULL, NULL },
	{ "description", "String", NULL, NULL, NULL },
	{ "isDeprecated", "Boolean!", NULL, NULL, NULL },
	{ "deprecationReason", "String", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_field_def directive_fields[] = {
	{ "name", "String!", NULL, NULL, NULL },
	{ "description", "String", NULL, NULL, NULL },
	{ "isRepeatable", "Boolean!", NULL, NULL, NULL },
	{ "locations", "[__DirectiveLocation!]!", NULL, NULL, NULL },
	{ "args", "[__InputValue!]!", include_deprecated_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_enum_value_def type_kinds[] = {
	{ "SCALAR", NULL, NULL }, { "OBJECT", NULL, NULL },
	{ "INTERFACE", NULL, NULL }, { "UNION", NULL, NULL },
	{ "ENUM", NULL, NULL }, { "INPUT_OBJECT", NULL, NULL },
	{ "LIST", NULL, NULL }, { "NON_NULL", NULL, NULL },
	{ NULL, NULL, NULL },
};

/* In the order of the bits of enum gql_dir_loc. */
static const char *const location_names[] = {
	"QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION",
	"FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA",
	"SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION",
	"INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
	"INPUT_FIELD_DEFINITION", NULL,
};

static const struct gql_enum_value_def directive_locations[] = {
	{ "QUERY", NULL, NULL }, { "MUTATION", NULL, NULL },
	{ "SUBSCRIPTION", NULL, NULL }, { "FIELD", NULL, NULL },
	{ "FRAGMENT_DEFINITION", NULL, NULL }, { "FRAGMENT_SPREAD", NULL, NULL },
	{ "INLINE_FRAGMENT", NULL, NULL }, { "VARIABLE_DEFINITION", NULL, NULL },
	{ "SCHEMA", NULL, NULL }, { "SCALAR", NULL, NULL },
	{ "OBJECT", NULL, NULL }, { "FIELD_DEFINITION", NULL, NULL },
	{ "ARGUMENT_DEFINITION", NULL, NULL }, { "INTERFACE", NULL, NULL },
	{ "UNION", NULL, NULL }, { "ENUM", NULL, NULL },
	{ "ENUM_VALUE", NULL, NULL }, { "INPUT_OBJECT", NULL, NULL },
	{ "INPUT_FIELD_DEFINITION", NULL, NULL }, { NULL, NULL, NULL },
};

static const struct gql_type_def introspection_types[] = {
	{ .kind = GQL_K_OBJECT, .name = "__Schema", .fields = schema_fields },
	{ .kind = GQL_K_OBJECT, .name = "__Type", .fields = type_fields },
	{ .kind = GQL_K_ENUM, .name = "__TypeKind", .values = type_kinds },
	{ .kind = GQL_K_OBJECT, .name = "__Field", .fields = field_fields },
	{ .kind = GQL_K_OBJECT, .name = "__InputValue",
	    .fields = input_value_fields },
	{ .kind = GQL_K_OBJECT, .name = "__EnumValue",
	    .fields = enum_value_fields },
	{ .kind = GQL_K_OBJECT, .name = "__Directive",
	    .fields = directive_fields },
	{ .kind = GQL_K_ENUM, .name = "__DirectiveLocation",
	    .values = directive_locations },
	{ .name = NULL },
};

static const struct gql_input_def if_arg_include[] = {
	{ "if", "Boolean!", NULL, "Included when true.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def if_arg_skip[] = {
	{ "if", "Boolean!", NULL, "Skipped when true.", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def reason_arg[] = {
	{ "reason", "String", "\"No longer supported\"", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_input_def url_arg[] = {
	{ "url", "String!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct gql_directive_def builtin_directives[] = {
	{ "include", NULL, if_arg_include, GQL_L_FIELD | GQL_L_FRAGMENT_SPREAD |
	    GQL_L_INLINE_FRAGMENT, 0 },
	{ "skip", NULL, if_arg_skip, GQL_L_FIELD | GQL_L_FRAGMENT_SPREAD |
	    GQL_L_INLINE_FRAGMENT, 0 },
	{ "deprecated", NULL, reason_arg, GQL_L_FIELD_DEFINITION |
	    GQL_L_ARGUMENT_DEFINITION | GQL_L_INPUT_FIELD_DEFINITION |
	    GQL_L_ENUM_VALUE, 0 },
	{ "specifiedBy", NULL, url_arg, GQL_L_SCALAR, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct gql_input_def type_name_arg[] = {
	{ "name", "String!", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* The meta-fields, resolved like any other field. */
static const struct gql_field_def meta_fields[] = {
	{ "__typename", "String!", NULL, NULL, NULL },
	{ "__schema", "__Schema!", NULL, NULL, NULL },
	{ "__type", "__Type", type_name_arg, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* ---- checking ---- */

struct checker {
	struct arena		*a;
	struct gql_schema	*s;
	struct gql_error	*err;
};

static int __attribute__((format(printf, 2, 3)))
check_fail(struct checker *c, const char *fmt, ...)
{
	va_list	 ap;

	if (c->err->message[0] != '\0')
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err->message, sizeof(c->err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* A GraphQL Name: /[_A-Za-z][_0-9A-Za-z]*-/. */
static int
is_name(const char *s)
{
	size_t	 i;

	if (s == NULL || !((s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* A name a schema may declare: a Name not starting "__". */
static int
check_name(struct checker *c, const char *name, const char *what,
    const char *where)
{
	if (!is_name(name))
		return check_fail(c, "invalid %s name \"%.40s\" in %s", what,
		    name ? name : "(null)", where);
	if (name[0] == '_' && name[1] == '_')
		return check_fail(c, "%s name \"%.40s\" in %s: \"__\" is "
		    "reserved for introspection", what, name, where);
	return 0;
}

const struct gql_ntype *
gql_schema_type(const struct gql_schema *s, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < s->ntypes; i++)
		if (strlen(s->types[i].name) == len &&
		    memcmp(s->types[i].name, name, len) == 0)
			return s->types[i].is_referenced ? &s->types[i] : NULL;
	return NULL;
}

/* Any type of that name, referenced or not (while checking). */
static struct gql_ntype *
find_type(struct gql_schema *s, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < s->ntypes; i++)
		if (strlen(s->types[i].name) == len &&
		    memcmp(s->types[i].name, name, len) == 0)
			return &s->types[i];
	return NULL;
}

/* Parse the type reference text at *p ("[X!]!"), depth-bounded. */
static const struct gql_tref *
parse_tref(struct checker *c, const char **p, unsigned int depth)
{
	struct gql_tref		*t;
	struct gql_ntype	*named;
	const char		*q = *p;

	if (depth > GQL_MAX_DEPTH)
		return NULL;
	t = arena_alloc(c->a, sizeof(*t));
	if (*q == '[') {
		q++;
		if ((t->of = parse_tref(c, &q, depth + 1)) == NULL || *q != ']')
			return NULL;
		q++;
	} else {
		while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
		    (*q >= '0' && *q <= '9') || *q == '_')
			q++;
		if (q == *p || (named = find_type(c->s, *p, (size_t)(q - *p))) ==
		    NULL)
			return NULL;
		named->is_referenced = 1;
		t->named = named;
	}
	if (*q == '!') {
		t->is_non_null = 1;
		q++;
	}
	*p = q;
	return t;
}

const struct gql_ntype *
gql_tref_named(const struct gql_tref *t)
{
	while (t->of != NULL)
		t = t->of;
	return t->named;
}

/* Resolve text as a type reference, as an input type or an output type. */
static const struct gql_tref *
resolve_tref(struct checker *c, const char *text, int is_input,
    const char *where)
{
	const char		*p = text;
	const struct gql_tref	*t;
	const struct gql_ntype	*n;

	if (text == NULL)
		return check_fail(c, "no type in %s", where), NULL;
	if ((t = parse_tref(c, &p, 0)) == NULL || *p != '\0')
		return check_fail(c, "unknown type \"%.60s\" in %s", text,
		    where), NULL;
	n = gql_tref_named(t);
	if (is_input && !gql_type_is_input(n))
		return check_fail(c, "output type \"%.60s\" as the input type "
		    "of %s", text, where), NULL;
	if (!is_input && n->kind == GQL_K_INPUT_OBJECT)
		return check_fail(c, "input type \"%.60s\" as the output type "
		    "of %s", text, where), NULL;
	return t;
}

static int
default_report(void *arg, unsigned int line, unsigned int column,
    const char *message)
{
	const char	**first = arg;

	(void)line;
	(void)column;
	if (*first == NULL)
		*first = message;
	return -1;
}

/* Parse and check the default value text of in against its type. */
static int
resolve_default(struct checker *c, struct gql_input *in, const char *where)
{
	struct gql_document	*doc;
	struct gql_error	 perr;
	struct gql_var_def	*v;
	const char		*src, *problem = NULL;

	src = arena_printf(c->a, "query($v: Int = %s) { a }",
	    in->def->default_value);
	if (src == NULL || gql_parse(c->a, src, strlen(src), NULL, &doc,
	    &perr) == -1 || (v = doc->definitions->vars) == NULL ||
	    v->next != NULL || v->default_value == NULL)
		return check_fail(c, "default value of %s is not a constant "
		    "literal", where);
	if (gql_value_check(c->a, in->type, v->default_value, default_report,
	    &problem) != 0)
		return check_fail(c, "default value of %s: %.100s", where,
		    problem ? problem : "invalid");
	in->default_value = v->default_value;
	return 0;
}

/* Resolve a NULL-ended list of arguments or input fields. */
static int
resolve_inputs(struct checker *c, const struct gql_input_def *defs,
    const char *owner, const struct gql_input **out, size_t *n)
{
	struct gql_input	*list;
	size_t			 i, j, k = 0;
	const char		*where;

	*out = NULL;
	*n = 0;
	while (defs != NULL && defs[k].name != NULL)
		k++;
	if (k == 0)
		return 0;
	list = arena_alloc(c->a, k * sizeof(*list));
	for (i = 0; i < k; i++) {
		where = arena_printf(c->a, "%s(%s:)", owner, defs[i].name);
		if (check_name(c, defs[i].name, "argument", owner) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(defs[j].name, defs[i].name) == 0)
				return check_fail(c, "duplicate argument \"%s\" "
				    "in %s", defs[i].name, owner);
		list[i].def = &defs[i];
		if ((list[i].type = resolve_tref(c, defs[i].type, 1, where)) ==
		    NULL)
			return -1;
	}
	*out = list;
	*n = k;
	return 0;
}

/* Defaults are checked once every type is resolved (an enum may follow). */
static int
resolve_defaults(struct checker *c, const struct gql_input *list, size_t n,
    const char *owner)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (list[i].def->default_value != NULL &&
		    resolve_default(c, (struct gql_input *)&list[i],
		    arena_printf(c->a, "%s(%s:)", owner, list[i].def->name)) == -1)
			return -1;
	return 0;
}

static int
resolve_fields(struct checker *c, struct gql_ntype *t)
{
	struct gql_field	*list;
	size_t			 i, j, k = 0;
	const char		*where;

	while (t->def->fields != NULL && t->def->fields[k].name != NULL)
		k++;
	if (k == 0)
		return check_fail(c, "type \"%s\" has no fields", t->name);
	list = arena_alloc(c->a, k * sizeof(*list));
	for (i = 0; i < k; i++) {
		const struct gql_field_def *f = &t->def->fields[i];

		where = arena_printf(c->a, "%s.%s", t->name, f->name);
		if (!t->is_builtin && check_name(c, f->name, "field",
		    t->name) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(t->def->fields[j].name, f->name) == 0)
				return check_fail(c, "duplicate field \"%s\"",
				    where);
		list[i].def = f;
		if ((list[i].type = resolve_tref(c, f->type, 0, where)) == NULL ||
		    resolve_inputs(c, f->args, where, &list[i].args,
		    &list[i].nargs) == -1)
			return -1;
	}
	t->fields = list;
	t->nfields = k;
	return 0;
}

/* A NULL-ended list of type names into types of kind want. */
static int
resolve_names(struct checker *c, const char *const *names, enum gql_kind want,
    const char *what, const struct gql_ntype *owner,
    const struct gql_ntype ***out, size_t *n)
{
	const struct gql_ntype	**list;
	struct gql_ntype	 *t;
	size_t			  i, j, k = 0;

	while (names != NULL && names[k] != NULL)
		k++;
	*out = NULL;
	*n = k;
	if (k == 0)
		return 0;
	list = arena_alloc(c->a, k * sizeof(*list));
	for (i = 0; i < k; i++) {
		if ((t = find_type(c->s, names[i], strlen(names[i]))) == NULL)
			return check_fail(c, "unknown type \"%.40s\" as %s of "
			    "\"%s\"", names[i], what, owner->name);
		if (t->kind != want)
			return check_fail(c, "type \"%s\" as %s of \"%s\" is "
			    "not an %s", t->name, what, owner->name,
			    want == GQL_K_OBJECT ? "object" : "interface");
		for (j = 0; j < i; j++)
			if (list[j] == t)
				return check_fail(c, "type \"%s\" twice as %s "
				    "of \"%s\"", t->name, what, owner->name);
		t->is_referenced = 1;
		list[i] = t;
	}
	*out = list;
	return 0;
}

static int
resolve_enum(struct checker *c, struct gql_ntype *t)
{
	size_t	 i, j;

	for (i = 0; t->def->values != NULL && t->def->values[i].name != NULL;
	    i++) {
		const char *v = t->def->values[i].name;

		if ((!t->is_builtin && check_name(c, v, "enum value",
		    t->name) == -1) || strcmp(v, "true") == 0 ||
		    strcmp(v, "false") == 0 || strcmp(v, "null") == 0)
			return check_fail(c, "invalid enum value \"%s\" in %s",
			    v, t->name);
		for (j = 0; j < i; j++)
			if (strcmp(t->def->values[j].name, v) == 0)
				return check_fail(c, "duplicate enum value "
				    "\"%s.%s\"", t->name, v);
	}
	if (i == 0)
		return check_fail(c, "enum \"%s\" has no values", t->name);
	return 0;
}

/* Resolve what type t's table says, by kind. */
static int
resolve_type(struct checker *c, struct gql_ntype *t)
{
	switch (t->kind) {
	case GQL_K_SCALAR:
		return 0;
	case GQL_K_ENUM:
		return resolve_enum(c, t);
	case GQL_K_INPUT_OBJECT:
		if (resolve_inputs(c, t->def->input_fields, t->name,
		    &t->input_fields, &t->ninput_fields) == -1)
			return -1;
		if (t->ninput_fields == 0)
			return check_fail(c, "input \"%s\" has no fields",
			    t->name);
		return 0;
	case GQL_K_UNION:
		if (resolve_names(c, t->def->members, GQL_K_OBJECT, "a member",
		    t, &t->possible, &t->npossible) == -1)
			return -1;
		if (t->npossible == 0)
			return check_fail(c, "union \"%s\" has no members",
			    t->name);
		return 0;
	case GQL_K_OBJECT:
	case GQL_K_INTERFACE:
		return resolve_fields(c, t) == -1 ? -1 :
		    resolve_names(c, t->def->interfaces, GQL_K_INTERFACE,
		    "an interface", t, &t->interfaces, &t->ninterfaces);
	}
	return check_fail(c, "type \"%s\" of unknown kind", t->name);
}

/* Append the types of defs (NULL-ended) to s->types. */
static int
add_types(struct checker *c, const struct gql_type_def *defs, int is_builtin)
{
	struct gql_ntype	*t;
	size_t			 i;

	for (i = 0; defs[i].name != NULL; i++) {
		if (!is_builtin && check_name(c, defs[i].name, "type",
		    "the schema") == -1)
			return -1;
		if (find_type(c->s, defs[i].name, strlen(defs[i].name)) != NULL)
			return check_fail(c, "duplicate type \"%s\"",
			    defs[i].name);
		t = &c->s->types[c->s->ntypes++];
		t->def = &defs[i];
		t->kind = defs[i].kind;
		t->name = defs[i].name;
		t->is_builtin = is_builtin;
		/* graphql-js's type map holds Int, Float and ID only if used. */
		t->is_referenced = defs != builtin_scalars;
	}
	return 0;
}

static size_t
count_types(const struct gql_type_def *defs)
{
	size_t	 n = 0;

	while (defs != NULL && defs[n].name != NULL)
		n++;
	return n;
}

int
gql_tref_is_subtype(const struct gql_tref *sub, const struct gql_tref *t)
{
	if (t->is_non_null && !sub->is_non_null)
		return 0;
	if ((t->of == NULL) != (sub->of == NULL))
		return 0;
	if (t->of != NULL)
		return gql_tref_is_subtype(sub->of, t->of);
	return sub->named == t->named ||
	    gql_type_is_possible(t->named, sub->named);
}

static int
same_tref(const struct gql_tref *a, const struct gql_tref *b)
{
	if (a->is_non_null != b->is_non_null || (a->of == NULL) != (b->of == NULL))
		return 0;
	return a->of != NULL ? same_tref(a->of, b->of) : a->named == b->named;
}

/* t implements the fields and arguments of the interface i. */
static int
check_implements(struct checker *c, const struct gql_ntype *t,
    const struct gql_ntype *i)
{
	const struct gql_field	*f, *g;
	const struct gql_input	*a;
	size_t			 k, m;

	for (k = 0; k < i->ninterfaces; k++)
		for (m = 0; m < t->ninterfaces && t->interfaces[m] !=
		    i->interfaces[k]; m++)
			if (m + 1 == t->ninterfaces)
				return check_fail(c, "type \"%s\" must implement "
				    "\"%s\" (implemented by \"%s\")", t->name,
				    i->interfaces[k]->name, i->name);
	for (k = 0; k < i->nfields; k++) {
		g = &i->fields[k];
		if ((f = gql_schema_field(c->s, t, g->def->name)) == NULL)
			return check_fail(c, "\"%s\" lacks field \"%s.%s\" of "
			    "its interface", t->name, i->name, g->def->name);
		if (!gql_tref_is_subtype(f->type, g->type))
			return check_fail(c, "field \"%s.%s\" has a type not "
			    "compatible with \"%s.%s\"", t->name, f->def->name,
			    i->name, g->def->name);
		for (m = 0; m < g->nargs; m++)
			if ((a = gql_schema_input(f->args, f->nargs,
			    g->args[m].def->name)) == NULL ||
			    !same_tref(a->type, g->args[m].type))
				return check_fail(c, "field \"%s.%s\" lacks "
				    "argument \"%s\" of \"%s.%s\" or changes its "
				    "type", t->name, f->def->name,
				    g->args[m].def->name, i->name, g->def->name);
		for (m = 0; m < f->nargs; m++)
			if (gql_schema_input(g->args, g->nargs,
			    f->args[m].def->name) == NULL &&
			    f->args[m].type->is_non_null &&
			    f->args[m].def->default_value == NULL)
				return check_fail(c, "field \"%s.%s\" adds the "
				    "required argument \"%s\"", t->name,
				    f->def->name, f->args[m].def->name);
	}
	return 0;
}

/* The objects implementing each interface, and the implementations. */
static int
link_interfaces(struct checker *c)
{
	struct gql_schema	*s = c->s;
	struct gql_ntype	*t, *i;
	size_t			 k, m, n;

	for (k = 0; k < s->ntypes; k++) {
		i = &s->types[k];
		if (i->kind != GQL_K_INTERFACE)
			continue;
		for (n = 0, m = 0; m < s->ntypes; m++)
			if (s->types[m].kind == GQL_K_OBJECT &&
			    gql_type_is_possible(i, &s->types[m]))
				n++;
		i->possible = arena_alloc(c->a, (n ? n : 1) * sizeof(*i->possible));
		for (m = 0; m < s->ntypes; m++)
			if (s->types[m].kind == GQL_K_OBJECT &&
			    gql_type_is_possible(i, &s->types[m]))
				i->possible[i->npossible++] = &s->types[m];
	}
	for (k = 0; k < s->ntypes; k++) {
		t = &s->types[k];
		for (m = 0; m < t->ninterfaces; m++)
			if (check_implements(c, t, t->interfaces[m]) == -1)
				return -1;
	}
	return 0;
}

static int
resolve_directives(struct checker *c, const struct gql_directive_def *defs,
    int is_builtin)
{
	struct gql_directive_type	*d;
	size_t				 i;
	const char			*where;

	for (i = 0; defs != NULL && defs[i].name != NULL; i++) {
		where = arena_printf(c->a, "@%s", defs[i].name);
		if ((!is_builtin && check_name(c, defs[i].name, "directive",
		    "the schema") == -1))
			return -1;
		if (gql_schema_directive(c->s, defs[i].name) != NULL)
			return check_fail(c, "duplicate directive \"@%s\"",
			    defs[i].name);
		if (defs[i].locations == 0 ||
		    defs[i].locations >= (unsigned int)GQL_L_INPUT_FIELD_DEFINITION << 1)
			return check_fail(c, "directive \"@%s\" has no valid "
			    "locations", defs[i].name);
		d = &c->s->directives[c->s->ndirectives++];
		d->def = &defs[i];
		d->is_builtin = is_builtin;
		if (resolve_inputs(c, defs[i].args, where, &d->args,
		    &d->nargs) == -1)
			return -1;
	}
	return 0;
}

/* The root type called name (NULL: none): it must be an object. */
static int
resolve_root(struct checker *c, const char *name, const char *op,
    const struct gql_ntype **out)
{
	struct gql_ntype	*t;

	*out = NULL;
	if (name == NULL)
		return 0;
	if ((t = find_type(c->s, name, strlen(name))) == NULL ||
	    t->kind != GQL_K_OBJECT || t->is_builtin)
		return check_fail(c, "%s root type \"%.40s\" is not an object "
		    "type of the schema", op, name);
	t->is_referenced = 1;
	*out = t;
	return 0;
}

static int
resolve_meta_fields(struct checker *c)
{
	struct gql_field	*f;
	size_t			 i;

	f = arena_alloc(c->a, 3 * sizeof(*f));
	for (i = 0; i < 3; i++) {
		f[i].def = &meta_fields[i];
		if ((f[i].type = resolve_tref(c, meta_fields[i].type, 0,
		    meta_fields[i].name)) == NULL ||
		    resolve_inputs(c, meta_fields[i].args, meta_fields[i].name,
		    &f[i].args, &f[i].nargs) == -1)
			return -1;
	}
	c->s->typename_field = &f[0];
	c->s->schema_field = &f[1];
	c->s->type_field = &f[2];
	return 0;
}

/* Resolve every type's lists, then defaults (which need every type). */
static int
resolve_all(struct checker *c)
{
	struct gql_schema	*s = c->s;
	size_t			 i, k;

	for (i = 0; i < s->ntypes; i++)
		if (resolve_type(c, &s->types[i]) == -1)
			return -1;
	if (resolve_meta_fields(c) == -1 ||
	    resolve_directives(c, builtin_directives, 1) == -1 ||
	    resolve_directives(c, s->def->directives, 0) == -1 ||
	    link_interfaces(c) == -1)
		return -1;
	for (i = 0; i < s->ntypes; i++) {
		const struct gql_ntype *t = &s->types[i];

		for (k = 0; k < t->nfields; k++)
			if (resolve_defaults(c, t->fields[k].args,
			    t->fields[k].nargs, arena_printf(c->a, "%s.%s",
			    t->name, t->fields[k].def->name)) == -1)
				return -1;
		if (resolve_defaults(c, t->input_fields, t->ninput_fields,
		    t->name) == -1)
			return -1;
	}
	for (i = 0; i < s->ndirectives; i++)
		if (resolve_defaults(c, s->directives[i].args,
		    s->directives[i].nargs, arena_printf(c->a, "@%s",
		    s->directives[i].def->name)) == -1)
			return -1;
	return 0;
}

int
gql_schema_check(struct arena *a, const struct gql_schema_def *def,
    struct gql_schema **out, struct gql_error *err)
{
	struct checker		 c;
	struct gql_schema	*s;
	size_t			 nt, nd;

	memset(err, 0, sizeof(*err));
	*out = NULL;
	s = arena_alloc(a, sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->def = def;
	c.a = a;
	c.s = s;
	c.err = err;
	nt = count_types(def->types) + count_types(builtin_scalars) +
	    count_types(introspection_types);
	s->types = arena_alloc(a, nt * sizeof(*s->types));
	memset(s->types, 0, nt * sizeof(*s->types));
	for (nd = 4; def->directives != NULL && def->directives[nd - 4].name !=
	    NULL; nd++)
		;
	s->directives = arena_alloc(a, nd * sizeof(*s->directives));
	if (def->types == NULL)
		return check_fail(&c, "the schema has no types");
	if (add_types(&c, def->types, 0) == -1 ||
	    add_types(&c, builtin_scalars, 1) == -1 ||
	    add_types(&c, introspection_types, 1) == -1)
		return -1;
	if (def->query == NULL)
		return check_fail(&c, "the schema has no query root type");
	if (resolve_root(&c, def->query, "query", &s->query) == -1 ||
	    resolve_root(&c, def->mutation, "mutation", &s->mutation) == -1 ||
	    resolve_root(&c, def->subscription, "subscription",
	    &s->subscription) == -1 || resolve_all(&c) == -1)
		return -1;
	*out = s;
	return 0;
}

/* ---- lookups ---- */

const struct gql_field *
gql_schema_field(const struct gql_schema *s, const struct gql_ntype *t,
    const char *name)
{
	size_t	 i;

	if (t == NULL)
		return NULL;
	if (gql_type_is_composite(t) && strcmp(name, "__typename") == 0)
		return s->typename_field;
	if (t == s->query && strcmp(name, "__schema") == 0)
		return s->schema_field;
	if (t == s->query && strcmp(name, "__type") == 0)
		return s->type_field;
	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].def->name, name) == 0)
			return &t->fields[i];
	return NULL;
}

const struct gql_input *
gql_schema_input(const struct gql_input *list, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i].def->name, name) == 0)
			return &list[i];
	return NULL;
}

const struct gql_directive_type *
gql_schema_directive(const struct gql_schema *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->ndirectives; i++)
		if (strcmp(s->directives[i].def->name, name) == 0)
			return &s->directives[i];
	return NULL;
}

int
gql_type_is_input(const struct gql_ntype *t)
{
	return t->kind == GQL_K_SCALAR || t->kind == GQL_K_ENUM ||
	    t->kind == GQL_K_INPUT_OBJECT;
}

int
gql_type_is_composite(const struct gql_ntype *t)
{
	return t->kind == GQL_K_OBJECT || t->kind == GQL_K_INTERFACE ||
	    t->kind == GQL_K_UNION;
}

int
gql_type_is_possible(const struct gql_ntype *t, const struct gql_ntype *obj)
{
	size_t	 i;

	if (t == obj)
		return 1;
	if (t->kind == GQL_K_UNION) {
		for (i = 0; i < t->npossible; i++)
			if (t->possible[i] == obj)
				return 1;
		return 0;
	}
	if (t->kind == GQL_K_INTERFACE)
		for (i = 0; i < obj->ninterfaces; i++)
			if (obj->interfaces[i] == t)
				return 1;
	return 0;
}

int
gql_types_overlap(const struct gql_ntype *a, const struct gql_ntype *b)
{
	size_t	 i;

	if (a == b)
		return 1;
	if (a->kind == GQL_K_OBJECT)
		return gql_type_is_possible(b, a);
	if (b->kind == GQL_K_OBJECT)
		return gql_type_is_possible(a, b);
	for (i = 0; i < a->npossible; i++)
		if (gql_type_is_possible(b, a->possible[i]))
			return 1;
	return 0;
}

/* ---- literals against input types (ValuesOfCorrectTypeRule) ---- */

struct value_checker {
	struct arena	*a;
	int		 (*report)(void *, unsigned int, unsigned int, const char *);
	void		*arg;
	int		 n;
};

const char *
gql_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	const char	*out = arena_vprintf(a, fmt, ap);

	return out != NULL ? out : "(unprintable message)";
}

const char *
gql_value_string(struct arena *a, const struct gql_value *v, int is_sorted)
{
	struct buf	 b;
	const char	*s;

	buf_init(&b, GQL_MAX_BYTES * 2);
	s = gql_value_print(&b, v, is_sorted) == 0 && b.data != NULL ?
	    arena_strndup(a, b.data, b.len) : "...";
	buf_release(&b);
	return s;
}

const char *
gql_tref_string(struct arena *a, const struct gql_tref *t)
{
	struct buf	 b;
	const char	*s;

	buf_init(&b, 4096);
	s = gql_tref_print(&b, t) == 0 && b.data != NULL ?
	    arena_strndup(a, b.data, b.len) : "?";
	buf_release(&b);
	return s;
}

static int __attribute__((format(printf, 3, 4)))
value_problem(struct value_checker *vc, const struct gql_value *v,
    const char *fmt, ...)
{
	va_list		 ap;
	const char	*msg;

	va_start(ap, fmt);
	msg = gql_vprintf(vc->a, fmt, ap);
	va_end(ap);
	vc->n++;
	return vc->report(vc->arg, v->line, v->column, msg);
}

/* Int: a 32-bit signed integer literal. */
static int
is_int32(const char *text)
{
	long long	 n;
	char		*end;

	errno = 0;
	n = strtoll(text, &end, 10);
	return errno == 0 && *end == '\0' && n >= INT32_MIN && n <= INT32_MAX;
}

/* A literal for a scalar: the built-ins check the kind, others take any. */
static int
check_scalar(struct value_checker *vc, const struct gql_ntype *n,
    const struct gql_value *v)
{
	const char	*name = n->name;

	if (!n->is_builtin)
		return 0;
	if (strcmp(name, "Int") == 0) {
		if (v->kind != GQL_V_INT)
			return value_problem(vc, v, "Int cannot represent "
			    "non-integer value: %s", gql_value_string(vc->a, v, 0));
		if (!is_int32(v->text.s))
			return value_problem(vc, v, "Int cannot represent non "
			    "32-bit signed integer value: %s", v->text.s);
	} else if (strcmp(name, "Float") == 0) {
		if (v->kind != GQL_V_INT && v->kind != GQL_V_FLOAT)
			return value_problem(vc, v, "Float cannot represent "
			    "non numeric value: %s", gql_value_string(vc->a, v, 0));
	} else if (strcmp(name, "String") == 0) {
		if (v->kind != GQL_V_STRING)
			return value_problem(vc, v, "String cannot represent a "
			    "non string value: %s", gql_value_string(vc->a, v, 0));
	} else if (strcmp(name, "Boolean") == 0) {
		if (v->kind != GQL_V_BOOLEAN)
			return value_problem(vc, v, "Boolean cannot represent "
			    "a non boolean value: %s", gql_value_string(vc->a, v, 0));
	} else if (strcmp(name, "ID") == 0) {
		if (v->kind != GQL_V_STRING && v->kind != GQL_V_INT)
			return value_problem(vc, v, "ID cannot represent a "
			    "non-string and non-integer value: %s",
			    gql_value_string(vc->a, v, 0));
	}
	return 0;
}

static int
check_enum(struct value_checker *vc, const struct gql_ntype *n,
    const struct gql_value *v)
{
	size_t	 i;

	if (v->kind != GQL_V_ENUM)
		return value_problem(vc, v, "Enum \"%s\" cannot represent "
		    "non-enum value: %s.", n->name, gql_value_string(vc->a, v, 0));
	for (i = 0; n->def->values[i].name != NULL; i++)
		if (strcmp(n->def->values[i].name, v->text.s) == 0)
			return 0;
	return value_problem(vc, v, "Value \"%s\" does not exist in \"%s\" "
	    "enum.", v->text.s, n->name);
}

static int check_value(struct value_checker *, const struct gql_tref *,
    const struct gql_value *);

static int
check_object(struct value_checker *vc, const struct gql_tref *t,
    const struct gql_value *v)
{
	const struct gql_ntype	*n = gql_tref_named(t);
	const struct gql_arg	*f;
	const struct gql_input	*in;
	size_t			 i;

	for (i = 0; i < n->ninput_fields; i++) {
		in = &n->input_fields[i];
		for (f = v->fields; f != NULL && strcmp(f->name.s,
		    in->def->name) != 0; f = f->next)
			;
		if (f == NULL && in->type->is_non_null &&
		    in->def->default_value == NULL &&
		    value_problem(vc, v, "Field \"%s.%s\" of required type "
		    "\"%s\" was not provided.", n->name, in->def->name,
		    gql_tref_string(vc->a, in->type)) == -1)
			return -1;
	}
	for (f = v->fields; f != NULL; f = f->next) {
		if ((in = gql_schema_input(n->input_fields, n->ninput_fields,
		    f->name.s)) == NULL) {
			vc->n++;
			if (vc->report(vc->arg, f->line, f->column,
			    arena_printf(vc->a, "Field \"%s\" is not defined by "
			    "type \"%s\".", f->name.s, n->name)) == -1)
				return -1;
			continue;
		}
		if (check_value(vc, in->type, f->value) == -1)
			return -1;
	}
	return 0;
}

/* One literal at a position of type t (graphql-js's TypeInfo walk). */
static int
check_value(struct value_checker *vc, const struct gql_tref *t,
    const struct gql_value *v)
{
	const struct gql_ntype	*n = gql_tref_named(t);
	const struct gql_value	*i;

	if (v->kind == GQL_V_VARIABLE)
		return 0;
	if (v->kind == GQL_V_NULL)
		return t->is_non_null ? value_problem(vc, v, "Expected value of "
		    "type \"%s\", found null.", gql_tref_string(vc->a, t)) : 0;
	if (v->kind == GQL_V_LIST && t->of != NULL) {
		for (i = v->items; i != NULL; i = i->next)
			if (check_value(vc, t->of, i) == -1)
				return -1;
		return 0;
	}
	if (v->kind == GQL_V_OBJECT && n->kind == GQL_K_INPUT_OBJECT)
		return check_object(vc, t, v);
	if (n->kind == GQL_K_INPUT_OBJECT) {
		/* At a list, graphql-js's TypeInfo has taken non-null off. */
		struct gql_tref	 nullable = *t;

		if (v->kind == GQL_V_LIST)
			nullable.is_non_null = 0;
		return value_problem(vc, v, "Expected value of type \"%s\", "
		    "found %s.", gql_tref_string(vc->a, &nullable),
		    gql_value_string(vc->a, v, 0));
	}
	if (n->kind == GQL_K_ENUM)
		return check_enum(vc, n, v);
	return check_scalar(vc, n, v);
}

int
gql_value_check(struct arena *a, const struct gql_tref *t,
    const struct gql_value *v,
    int (*report)(void *, unsigned int, unsigned int, const char *),
    void *arg)
{
	struct value_checker	 vc = { a, report, arg, 0 };

	if (check_value(&vc, t, v) == -1)
		return -1;
	return vc.n;
}

const char *
gql_dir_loc_name(unsigned int loc)
{
	size_t	 i;

	for (i = 0; location_names[i] != NULL; i++)
		if (loc == 1u << i)
			return location_names[i];
	return "?";
}
