/*
 * lib/graphql-introspect.c: the introspection values of graphql-js 16.9
 * (__schema, __type and the fields of __Schema, __Type, __Field,
 * __InputValue, __EnumValue and __Directive) answered from a checked
 * struct gql_schema, for the executor (lib/graphql-introspect.h).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "lib/buf.h"
#include "lib/graphql.h"
#include "lib/graphql-introspect.h"
#include "lib/graphql-schema.h"
#include "lib/mem.h"

/* What an introspection value describes (json-c userdata, in the arena). */
struct gqli_ref {
	enum gqli_kind				 kind;
	const struct gql_ntype			*named;		/* TYPE: named */
	const struct gql_tref			*tref;		/* TYPE: wrapper */
	const struct gql_field			*field;
	const struct gql_input			*input;
	const struct gql_enum_value_def		*value;
	const struct gql_directive_type		*directive;
	const char				*owner;	/* built-in: its key */
};

/*
 * The descriptions graphql-js 16.9 gives its built-in scalars,
 * introspection types and specified directives, keyed "Type",
 * "Type.field", "Type.field.arg", "Type.VALUE", "@directive" and
 * "@directive.arg" (generated from graphql-js; the schema tables leave
 * them out).
 */
static const struct builtin_description {
	const char	*key;
	const char	*text;
} builtin_descriptions[] = {
	{ "String",
	    "The `String` scalar type represents textual data, "
	    "represented as UTF-8 character sequences. The String type "
	    "is most often used by GraphQL to represent free-form "
	    "human-readable text." },
	{ "Int",
	    "The `Int` scalar type represents non-fractional signed "
	    "whole numeric values. Int can represent values between "
	    "-(2^31) and 2^31 - 1." },
	{ "Float",
	    "The `Float` scalar type represents signed double-precision "
	    "fractional values as specified by [IEEE "
	    "754](https://en.wikipedia.org/wiki/IEEE_floating_point)." },
	{ "Boolean",
	    "The `Boolean` scalar type represents `true` or `false`." },
	{ "ID",
	    "The `ID` scalar type represents a unique identifier, often "
	    "used to refetch an object or as key for a cache. The ID "
	    "type appears in a JSON response as a String; however, it is "
	    "not intended to be human-readable. When expected as an "
	    "input type, any string (such as `\"4\"`) or integer (such "
	    "as `4`) input value will be accepted as an ID." },
	{ "__Schema",
	    "A GraphQL Schema defines the capabilities of a GraphQL "
	    "server. It exposes all available types and directives on "
	    "the server, as well as the entry points for query, "
	    "mutation, and subscription operations." },
	{ "__Schema.types",
	    "A list of all types supported by this server." },
	{ "__Schema.queryType",
	    "The type that query operations will be rooted at." },
	{ "__Schema.mutationType",
	    "If this server supports mutation, the type that mutation "
	    "operations will be rooted at." },
	{ "__Schema.subscriptionType",
	    "If this server support subscription, the type that "
	    "subscription operations will be rooted at." },
	{ "__Schema.directives",
	    "A list of all directives supported by this server." },
	{ "__Directive",
	    "A Directive provides a way to describe alternate runtime "
	    "execution and type validation behavior in a GraphQL "
	    "document.\n\nIn some cases, you need to provide options to "
	    "alter GraphQL's execution behavior in ways field arguments "
	    "will not suffice, such as conditionally including or "
	    "skipping a field. Directives provide this by describing "
	    "additional information to the executor." },
	{ "__DirectiveLocation",
	    "A Directive can be adjacent to many parts of the GraphQL "
	    "language, a __DirectiveLocation describes one such possible "
	    "adjacencies." },
	{ "__DirectiveLocation.QUERY",
	    "Location adjacent to a query operation." },
	{ "__DirectiveLocation.MUTATION",
	    "Location adjacent to a mutation operation." },
	{ "__DirectiveLocation.SUBSCRIPTION",
	    "Location adjacent to a subscription operation." },
	{ "__DirectiveLocation.FIELD",
	    "Location adjacent to a field." },
	{ "__DirectiveLocation.FRAGMENT_DEFINITION",
	    "Location adjacent to a fragment definition." },
	{ "__DirectiveLocation.FRAGMENT_SPREAD",
	    "Location adjacent to a fragment spread." },
	{ "__DirectiveLocation.INLINE_FRAGMENT",
	    "Location adjacent to an inline fragment." },
	{ "__DirectiveLocation.VARIABLE_DEFINITION",
	    "Location adjacent to a variable definition." },
	{ "__DirectiveLocation.SCHEMA",
	    "Location adjacent to a schema definition." },
	{ "__DirectiveLocation.SCALAR",
	    "Location adjacent to a scalar definition." },
	{ "__DirectiveLocation.OBJECT",
	    "Location adjacent to an object type definition." },
	{ "__DirectiveLocation.FIELD_DEFINITION",
	    "Location adjacent to a field definition." },
	{ "__DirectiveLocation.ARGUMENT_DEFINITION",
	    "Location adjacent to an argument definition." },
	{ "__DirectiveLocation.INTERFACE",
	    "Location adjacent to an interface definition." },
	{ "__DirectiveLocation.UNION",
	    "Location adjacent to a union definition." },
	{ "__DirectiveLocation.ENUM",
	    "Location adjacent to an enum definition." },
	{ "__DirectiveLocation.ENUM_VALUE",
	    "Location adjacent to an enum value definition." },
	{ "__DirectiveLocation.INPUT_OBJECT",
	    "Location adjacent to an input object type definition." },
	{ "__DirectiveLocation.INPUT_FIELD_DEFINITION",
	    "Location adjacent to an input object field definition." },
	{ "__Type",
	    "The fundamental unit of any GraphQL Schema is the type. "
	    "There are many kinds of types in GraphQL as represented by "
	    "the `__TypeKind` enum.\n\nDepending on the kind of a type, "
	    "certain fields describe information about that type. Scalar "
	    "types provide no information beyond a name, description and "
	    "optional `specifiedByURL`, while Enum types provide their "
	    "values. Object and Interface types provide the fields they "
	    "describe. Abstract types, Union and Interface, provide the "
	    "Object types possible at runtime. List and NonNull types "
	    "compose other types." },
	{ "__Field",
	    "Object and Interface types are described by a list of "
	    "Fields, each of which has a name, potentially a list of "
	    "arguments, and a return type." },
	{ "__InputValue",
	    "Arguments provided to Fields or Directives and the input "
	    "fields of an InputObject are represented as Input Values "
	    "which describe their type and optionally a default value." },
	{ "__InputValue.defaultValue",
	    "A GraphQL-formatted string representing the default value "
	    "for this input value." },
	{ "__EnumValue",
	    "One possible value for a given Enum. Enum values are unique "
	    "values, not a placeholder for a string or numeric value. "
	    "However an Enum value is returned in a JSON response as a "
	    "string." },
	{ "__TypeKind",
	    "An enum describing what kind of type a given `__Type` is." },
	{ "__TypeKind.SCALAR",
	    "Indicates this type is a scalar." },
	{ "__TypeKind.OBJECT",
	    "Indicates this type is an object. `fields` and `interfaces` "
	    "are valid fields." },
	{ "__TypeKind.INTERFACE",
	    "Indicates this type is an interface. `fields`, "
	    "`interfaces`, and `possibleTypes` are valid fields." },
	{ "__TypeKind.UNION",
	    "Indicates this type is a union. `possibleTypes` is a valid "
	    "field." },
	{ "__TypeKind.ENUM",
	    "Indicates this type is an enum. `enumValues` is a valid "
	    "field." },
	{ "__TypeKind.INPUT_OBJECT",
	    "Indicates this type is an input object. `inputFields` is a "
	    "valid field." },
	{ "__TypeKind.LIST",
	    "Indicates this type is a list. `ofType` is a valid field." },
	{ "__TypeKind.NON_NULL",
	    "Indicates this type is a non-null. `ofType` is a valid "
	    "field." },
	{ "@include",
	    "Directs the executor to include this field or fragment only "
	    "when the `if` argument is true." },
	{ "@include.if",
	    "Included when true." },
	{ "@skip",
	    "Directs the executor to skip this field or fragment when "
	    "the `if` argument is true." },
	{ "@skip.if",
	    "Skipped when true." },
	{ "@deprecated",
	    "Marks an element of a GraphQL schema as no longer supported." },
	{ "@deprecated.reason",
	    "Explains why this element was deprecated, usually also "
	    "including a suggestion for how to access supported similar "
	    "data. Formatted using the Markdown syntax, as specified by "
	    "[CommonMark](https://commonmark.org/)." },
	{ "@specifiedBy",
	    "Exposes a URL that specifies the behavior of this scalar." },
	{ "@specifiedBy.url",
	    "The URL that specifies the behavior of this scalar." },

	{ NULL, NULL },
};

/* The description of element name of owner (NULL: owner itself). */
static const char *
builtin_description(struct arena *a, const char *owner, const char *name)
{
	const struct builtin_description	*d;
	const char				*key = owner;

	if (owner == NULL)
		return NULL;
	if (name != NULL && (key = arena_printf(a, "%s.%s", owner, name)) ==
	    NULL)
		return NULL;
	for (d = builtin_descriptions; d->key != NULL; d++)
		if (strcmp(d->key, key) == 0)
			return d->text;
	return NULL;
}

struct json_object *
jcheck(struct json_object *o)
{
	if (o == NULL)
		abort();
	return o;
}

static void
jpush(struct json_object *arr, struct json_object *v)
{
	if (json_object_array_add(arr, v) != 0)
		abort();
}

static struct json_object *
str_or_null(const char *s)
{
	return s != NULL ? jcheck(json_object_new_string(s)) : NULL;
}

static struct json_object *
ref_value(struct arena *a, const struct gqli_ref *r)
{
	struct gqli_ref		*copy = arena_alloc(a, sizeof(*copy));
	struct json_object	*o = jcheck(json_object_new_object());

	*copy = *r;
	json_object_set_userdata(o, copy, NULL);
	return o;
}

static struct json_object *
named_value(struct arena *a, const struct gql_ntype *t)
{
	struct gqli_ref	 r;

	memset(&r, 0, sizeof(r));
	r.kind = GQLI_TYPE;
	r.named = t;
	return ref_value(a, &r);
}

/* A type reference: NON_NULL and LIST wrappers, or its named type. */
static struct json_object *
tref_value(struct arena *a, const struct gql_tref *t)
{
	struct gqli_ref	 r;

	if (!t->is_non_null && t->of == NULL)
		return named_value(a, t->named);
	memset(&r, 0, sizeof(r));
	r.kind = GQLI_TYPE;
	r.tref = t;
	return ref_value(a, &r);
}

int
gqli_is_meta_type(const struct gql_ntype *t)
{
	return t->is_builtin && t->kind == GQL_K_OBJECT &&
	    strncmp(t->name, "__", 2) == 0;
}

struct json_object *
gqli_schema_value(struct arena *a, const struct gql_schema *s)
{
	struct gqli_ref	 r;

	(void)s;
	memset(&r, 0, sizeof(r));
	r.kind = GQLI_SCHEMA;
	return ref_value(a, &r);
}

struct json_object *
gqli_type_value(struct arena *a, const struct gql_schema *s,
    const char *name)
{
	const struct gql_ntype	*t;

	if (name == NULL || (t = gql_schema_type(s, name, strlen(name))) ==
	    NULL || !t->is_referenced)
		return NULL;
	return named_value(a, t);
}

/* ---- __Schema.types in graphql-js's type map order ---- */

static void
type_add(const struct gql_ntype **list, size_t *n, const struct gql_ntype *t,
    size_t max)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (list[i] == t)
			return;
	if (*n < max)
		list[(*n)++] = t;
}

/* The built-in scalars t refers to, as collectReferencedTypes meets them. */
static void
type_add_refs(const struct gql_ntype **list, size_t *n,
    const struct gql_ntype *t, size_t max)
{
	const struct gql_ntype	*r;
	size_t			 i, k;

	for (i = 0; i < t->nfields; i++) {
		r = gql_tref_named(t->fields[i].type);
		if (r->is_builtin)
			type_add(list, n, r, max);
		for (k = 0; k < t->fields[i].nargs; k++) {
			r = gql_tref_named(t->fields[i].args[k].type);
			if (r->is_builtin)
				type_add(list, n, r, max);
		}
	}
	for (i = 0; i < t->ninput_fields; i++) {
		r = gql_tref_named(t->input_fields[i].type);
		if (r->is_builtin)
			type_add(list, n, r, max);
	}
}

/*
 * The schema's own types in order, each followed by the built-in
 * scalars it first refers to; then those directives' arguments need;
 * then the introspection types.
 */
static struct json_object *
schema_types(struct arena *a, const struct gql_schema *s)
{
	const struct gql_ntype	**list, *t;
	struct json_object	 *arr;
	size_t			  n = 0, i, k;

	list = xcalloc(s->ntypes ? s->ntypes : 1, sizeof(*list));
	for (i = 0; i < s->ntypes; i++) {
		t = &s->types[i];
		if (t->is_builtin)
			continue;
		type_add(list, &n, t, s->ntypes);
		type_add_refs(list, &n, t, s->ntypes);
	}
	for (i = 0; i < s->ndirectives; i++)
		for (k = 0; k < s->directives[i].nargs; k++)
			type_add(list, &n, gql_tref_named(
			    s->directives[i].args[k].type), s->ntypes);
	for (i = 0; i < s->ntypes; i++) {
		t = &s->types[i];
		if (t->is_builtin && strncmp(t->name, "__", 2) == 0)
			type_add(list, &n, t, s->ntypes);
	}
	arr = jcheck(json_object_new_array());
	for (i = 0; i < n; i++)
		jpush(arr, named_value(a, list[i]));
	free(list);
	return arr;
}

/* ---- defaultValue: print(astFromValue(coerced default, type)) ---- */

static int put_ast(struct buf *, struct json_object *,
    const struct gql_tref *);

static int
put_quoted(struct buf *out, const char *s)
{
	struct gql_value	 v;

	memset(&v, 0, sizeof(v));
	v.kind = GQL_V_STRING;
	v.text.s = s;
	v.text.len = strlen(s);
	return gql_value_print(out, &v, 0);
}

static int
put_ast_object(struct buf *out, struct json_object *v,
    const struct gql_ntype *n)
{
	struct json_object	*fv;
	size_t			 i;
	int			 any = 0;

	if (buf_adds(out, "{") == -1)
		return -1;
	for (i = 0; i < n->ninput_fields; i++) {
		if (!json_object_object_get_ex(v, n->input_fields[i].def->name,
		    &fv))
			continue;
		if ((any++ && buf_adds(out, ", ") == -1) ||
		    buf_adds(out, n->input_fields[i].def->name) == -1 ||
		    buf_adds(out, ": ") == -1 ||
		    put_ast(out, fv, n->input_fields[i].type) == -1)
			return -1;
	}
	return buf_adds(out, "}");
}

static int
put_ast(struct buf *out, struct json_object *v, const struct gql_tref *t)
{
	const struct gql_ntype	*n = gql_tref_named(t);
	size_t			 i, len;

	if (v == NULL)
		return buf_adds(out, "null");
	if (t->of != NULL && json_object_is_type(v, json_type_array)) {
		len = json_object_array_length(v);
		if (buf_adds(out, "[") == -1)
			return -1;
		for (i = 0; i < len; i++)
			if ((i > 0 && buf_adds(out, ", ") == -1) ||
			    put_ast(out, json_object_array_get_idx(v, i),
			    t->of) == -1)
				return -1;
		return buf_adds(out, "]");
	}
	if (t->of != NULL)
		return put_ast(out, v, t->of);
	if (n->kind == GQL_K_INPUT_OBJECT)
		return put_ast_object(out, v, n);
	switch (json_object_get_type(v)) {
	case json_type_boolean:
		return buf_adds(out, json_object_get_boolean(v) ? "true" :
		    "false");
	case json_type_int:
		return buf_addf(out, "%lld", (long long)json_object_get_int64(v));
	case json_type_double:
		return gql_number_print(out, json_object_get_double(v));
	case json_type_string:
		if (n->kind == GQL_K_ENUM || (n->is_builtin &&
		    strcmp(n->name, "ID") == 0 &&
		    gql_is_integer_text(json_object_get_string(v))))
			return buf_adds(out, json_object_get_string(v));
		return put_quoted(out, json_object_get_string(v));
	default:
		/* A custom scalar's list or object: graphql-js prints it so. */
		return buf_adds(out, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
	}
}

static struct json_object *
default_value(struct arena *a, const struct gql_input *in)
{
	struct json_object	*v, *s = NULL;
	struct buf		 b;

	(void)a;
	if (in->default_value == NULL ||
	    gqlx_literal_json(in->type, in->default_value, &v) == -1)
		return NULL;
	buf_init(&b, 64 * 1024);
	if (put_ast(&b, v, in->type) == 0 && b.data != NULL)
		s = jcheck(json_object_new_string(b.data));
	buf_release(&b);
	json_object_put(v);
	return s;
}

/* ---- the fields of the introspection types ---- */

static int
include_deprecated(struct json_object *args)
{
	struct json_object	*v;

	return args != NULL && json_object_object_get_ex(args,
	    "includeDeprecated", &v) && json_object_get_boolean(v);
}

static struct json_object *
inputs_value(struct arena *a, const struct gql_input *list, size_t n,
    struct json_object *args, const char *owner)
{
	struct json_object	*arr = jcheck(json_object_new_array());
	struct gqli_ref		 r;
	size_t			 i;
	int			 is_all = include_deprecated(args);

	for (i = 0; i < n; i++) {
		if (list[i].def->deprecation != NULL && !is_all)
			continue;
		memset(&r, 0, sizeof(r));
		r.kind = GQLI_INPUT_VALUE;
		r.input = &list[i];
		r.owner = owner;
		jpush(arr, ref_value(a, &r));
	}
	return arr;
}

static const char *
kind_name(const struct gqli_ref *r)
{
	static const char *const names[] = { "SCALAR", "OBJECT", "INTERFACE",
	    "UNION", "ENUM", "INPUT_OBJECT" };

	if (r->tref != NULL)
		return r->tref->is_non_null ? "NON_NULL" : "LIST";
	return names[r->named->kind];
}

static struct json_object *
type_fields(struct arena *a, const struct gql_ntype *t, const char *name,
    struct json_object *args)
{
	struct json_object	*arr;
	struct gqli_ref		 r;
	size_t			 i;
	int			 is_all = include_deprecated(args);

	if (strcmp(name, "fields") == 0) {
		if (t->kind != GQL_K_OBJECT && t->kind != GQL_K_INTERFACE)
			return NULL;
		arr = jcheck(json_object_new_array());
		for (i = 0; i < t->nfields; i++) {
			if (t->fields[i].def->deprecation != NULL && !is_all)
				continue;
			memset(&r, 0, sizeof(r));
			r.kind = GQLI_FIELD;
			r.field = &t->fields[i];
			r.owner = t->is_builtin ? t->name : NULL;
			jpush(arr, ref_value(a, &r));
		}
		return arr;
	}
	if (strcmp(name, "enumValues") == 0) {
		if (t->kind != GQL_K_ENUM)
			return NULL;
		arr = jcheck(json_object_new_array());
		for (i = 0; t->def->values[i].name != NULL; i++) {
			if (t->def->values[i].deprecation != NULL && !is_all)
				continue;
			memset(&r, 0, sizeof(r));
			r.kind = GQLI_ENUM_VALUE;
			r.value = &t->def->values[i];
			r.owner = t->is_builtin ? t->name : NULL;
			jpush(arr, ref_value(a, &r));
		}
		return arr;
	}
	if (t->kind != GQL_K_INPUT_OBJECT)
		return NULL;
	return inputs_value(a, t->input_fields, t->ninput_fields, args, NULL);
}

static struct json_object *
type_list(struct arena *a, const struct gql_ntype *const *list, size_t n)
{
	struct json_object	*arr = jcheck(json_object_new_array());
	size_t			 i;

	for (i = 0; i < n; i++)
		jpush(arr, named_value(a, list[i]));
	return arr;
}

static struct json_object *
resolve_type(struct arena *a, const struct gqli_ref *r, const char *name,
    struct json_object *args)
{
	const struct gql_ntype	*t = r->named;
	struct gql_tref		*inner;

	if (strcmp(name, "kind") == 0)
		return jcheck(json_object_new_string(kind_name(r)));
	if (strcmp(name, "ofType") == 0) {
		if (r->tref == NULL)
			return NULL;
		if (!r->tref->is_non_null)
			return tref_value(a, r->tref->of);
		inner = arena_alloc(a, sizeof(*inner));
		*inner = *r->tref;
		inner->is_non_null = 0;
		return tref_value(a, inner);
	}
	if (t == NULL)
		return NULL;	/* every other field of a wrapper is null */
	if (strcmp(name, "name") == 0)
		return jcheck(json_object_new_string(t->name));
	if (strcmp(name, "description") == 0)
		return str_or_null(t->def->description != NULL ?
		    t->def->description : t->is_builtin ?
		    builtin_description(a, t->name, NULL) : NULL);
	if (strcmp(name, "specifiedByURL") == 0)
		return t->kind == GQL_K_SCALAR ?
		    str_or_null(t->def->specified_by) : NULL;
	if (strcmp(name, "interfaces") == 0)
		return t->kind == GQL_K_OBJECT || t->kind == GQL_K_INTERFACE ?
		    type_list(a, t->interfaces, t->ninterfaces) : NULL;
	if (strcmp(name, "possibleTypes") == 0)
		return t->kind == GQL_K_UNION || t->kind == GQL_K_INTERFACE ?
		    type_list(a, t->possible, t->npossible) : NULL;
	if (strcmp(name, "isOneOf") == 0)
		return t->kind == GQL_K_INPUT_OBJECT ?
		    jcheck(json_object_new_boolean(0)) : NULL;
	return type_fields(a, t, name, args);
}

/* name, description, isDeprecated, deprecationReason of any element. */
static int
resolve_common(struct arena *a, const char *owner, const char *name,
    const char *ename, const char *desc, const char *deprecation,
    struct json_object **out)
{
	if (desc == NULL && owner != NULL)
		desc = builtin_description(a, owner, ename);
	if (strcmp(name, "name") == 0)
		*out = jcheck(json_object_new_string(ename));
	else if (strcmp(name, "description") == 0)
		*out = str_or_null(desc);
	else if (strcmp(name, "isDeprecated") == 0)
		*out = jcheck(json_object_new_boolean(deprecation != NULL));
	else if (strcmp(name, "deprecationReason") == 0)
		*out = str_or_null(deprecation);
	else
		return -1;
	return 0;
}

/* A directive's locations in graphql-js's order (@deprecated's own). */
static struct json_object *
directive_locations(const struct gql_directive_type *d)
{
	static const unsigned int deprecated_order[] = {
	    GQL_L_FIELD_DEFINITION, GQL_L_ARGUMENT_DEFINITION,
	    GQL_L_INPUT_FIELD_DEFINITION, GQL_L_ENUM_VALUE, 0 };
	struct json_object	*arr = jcheck(json_object_new_array());
	unsigned int		 bit;
	size_t			 i;

	if (d->is_builtin && strcmp(d->def->name, "deprecated") == 0) {
		for (i = 0; deprecated_order[i] != 0; i++)
			jpush(arr, jcheck(json_object_new_string(
			    gql_dir_loc_name(deprecated_order[i]))));
		return arr;
	}
	for (bit = 1; bit <= GQL_L_INPUT_FIELD_DEFINITION; bit <<= 1)
		if (d->def->locations & bit)
			jpush(arr, jcheck(json_object_new_string(
			    gql_dir_loc_name(bit))));
	return arr;
}

static struct json_object *
resolve_schema(struct arena *a, const struct gql_schema *s, const char *name)
{
	struct json_object	*arr;
	struct gqli_ref		 r;
	size_t			 i;

	if (strcmp(name, "description") == 0)
		return str_or_null(s->def->description);
	if (strcmp(name, "types") == 0)
		return schema_types(a, s);
	if (strcmp(name, "queryType") == 0)
		return named_value(a, s->query);
	if (strcmp(name, "mutationType") == 0)
		return s->mutation != NULL ? named_value(a, s->mutation) : NULL;
	if (strcmp(name, "subscriptionType") == 0)
		return s->subscription != NULL ?
		    named_value(a, s->subscription) : NULL;
	if (strcmp(name, "directives") != 0)
		return NULL;
	arr = jcheck(json_object_new_array());
	for (i = 0; i < s->ndirectives; i++) {
		memset(&r, 0, sizeof(r));
		r.kind = GQLI_DIRECTIVE;
		r.directive = &s->directives[i];
		if (s->directives[i].is_builtin)
			r.owner = arena_printf(a, "@%s",
			    s->directives[i].def->name);
		jpush(arr, ref_value(a, &r));
	}
	return arr;
}

int
gqli_resolve(struct arena *a, const struct gql_schema *s,
    const struct gql_ntype *t, const char *name, struct json_object *parent,
    struct json_object *args, struct json_object **out)
{
	const struct gqli_ref	*r;

	(void)t;
	*out = NULL;
	if (parent == NULL || (r = json_object_get_userdata(parent)) == NULL)
		return -1;
	switch (r->kind) {
	case GQLI_SCHEMA:
		*out = resolve_schema(a, s, name);
		break;
	case GQLI_TYPE:
		*out = resolve_type(a, r, name, args);
		break;
	case GQLI_FIELD:
		if (strcmp(name, "args") == 0)
			*out = inputs_value(a, r->field->args, r->field->nargs,
			    args, r->owner != NULL ? arena_printf(a, "%s.%s",
			    r->owner, r->field->def->name) : NULL);
		else if (strcmp(name, "type") == 0)
			*out = tref_value(a, r->field->type);
		else
			(void)resolve_common(a, r->owner, name,
			    r->field->def->name,
			    r->field->def->description,
			    r->field->def->deprecation, out);
		break;
	case GQLI_INPUT_VALUE:
		if (strcmp(name, "type") == 0)
			*out = tref_value(a, r->input->type);
		else if (strcmp(name, "defaultValue") == 0)
			*out = default_value(a, r->input);
		else
			(void)resolve_common(a, r->owner, name,
			    r->input->def->name,
			    r->input->def->description,
			    r->input->def->deprecation, out);
		break;
	case GQLI_ENUM_VALUE:
		(void)resolve_common(a, r->owner, name, r->value->name,
		    r->value->description, r->value->deprecation, out);
		break;
	case GQLI_DIRECTIVE:
		if (strcmp(name, "isRepeatable") == 0)
			*out = jcheck(json_object_new_boolean(
			    r->directive->def->is_repeatable));
		else if (strcmp(name, "locations") == 0)
			*out = directive_locations(r->directive);
		else if (strcmp(name, "args") == 0)
			*out = inputs_value(a, r->directive->args,
			    r->directive->nargs, args, r->owner);
		else
			(void)resolve_common(a, NULL, name,
			    r->directive->def->name,
			    r->directive->def->description != NULL ?
			    r->directive->def->description :
			    builtin_description(a, r->owner, NULL), NULL, out);
		break;
	}
	return 0;
}
