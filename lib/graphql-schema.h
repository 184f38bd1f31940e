/*
 * lib/graphql-schema.h: a GraphQL type system declared once in static
 * const C tables (issue 18; docs/GRAPHQL.md), checked and resolved into
 * a struct gql_schema by gql_schema_check, printed as SDL the way
 * graphql-js 16's printSchema() prints it, and looked up by name by the
 * validator (lib/graphql-validate.h).
 *
 * Tables are arrays ended by an entry whose name is NULL. Type
 * references are written as in SDL ("[Appointment!]!") and default
 * values as GraphQL literal text ("20", "BOOKED", "{first: 5}").
 */
#ifndef CONCIERGE_GRAPHQL_SCHEMA_H
#define CONCIERGE_GRAPHQL_SCHEMA_H

#include <stdarg.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/graphql.h"
#include "lib/mem.h"

enum gql_kind {
	GQL_K_SCALAR = 0,
	GQL_K_OBJECT,
	GQL_K_INTERFACE,
	GQL_K_UNION,
	GQL_K_ENUM,
	GQL_K_INPUT_OBJECT,
};

/* Directive locations, as bits (the names are graphql-js's). */
enum gql_dir_loc {
	GQL_L_QUERY = 1 << 0,
	GQL_L_MUTATION = 1 << 1,
	GQL_L_SUBSCRIPTION = 1 << 2,
	GQL_L_FIELD = 1 << 3,
	GQL_L_FRAGMENT_DEFINITION = 1 << 4,
	GQL_L_FRAGMENT_SPREAD = 1 << 5,
	GQL_L_INLINE_FRAGMENT = 1 << 6,
	GQL_L_VARIABLE_DEFINITION = 1 << 7,
	GQL_L_SCHEMA = 1 << 8,
	GQL_L_SCALAR = 1 << 9,
	GQL_L_OBJECT = 1 << 10,
	GQL_L_FIELD_DEFINITION = 1 << 11,
	GQL_L_ARGUMENT_DEFINITION = 1 << 12,
	GQL_L_INTERFACE = 1 << 13,
	GQL_L_UNION = 1 << 14,
	GQL_L_ENUM = 1 << 15,
	GQL_L_ENUM_VALUE = 1 << 16,
	GQL_L_INPUT_OBJECT = 1 << 17,
	GQL_L_INPUT_FIELD_DEFINITION = 1 << 18,
};

/* The name of one location bit ("QUERY"), as graphql-js spells it. */
const char *gql_dir_loc_name(unsigned int loc);

/* ---- the tables a schema is written in ---- */

/* An argument or an input field. */
struct gql_input_def {
	const char	*name;
	const char	*type;		/* "[Int!]" */
	const char	*default_value;	/* literal text, NULL: none */
	const char	*description;	/* NULL: none */
	const char	*deprecation;	/* reason, NULL: not deprecated */
};

struct gql_field_def {
	const char			*name;
	const char			*type;
	const struct gql_input_def	*args;		/* NULL: none */
	const char			*description;
	const char			*deprecation;
};

struct gql_enum_value_def {
	const char	*name;
	const char	*description;
	const char	*deprecation;
};

struct gql_type_def {
	enum gql_kind				 kind;
	const char				*name;
	const char				*description;
	const struct gql_field_def		*fields;	/* object, interface */
	const char *const			*interfaces;	/* object, interface; NULL-ended */
	const char *const			*members;	/* union; NULL-ended */
	const struct gql_enum_value_def		*values;	/* enum */
	const struct gql_input_def		*input_fields;	/* input object */
	const char				*specified_by;	/* scalar: URL or NULL */
};

struct gql_directive_def {
	const char			*name;
	const char			*description;
	const struct gql_input_def	*args;
	unsigned int			 locations;	/* enum gql_dir_loc bits */
	int				 is_repeatable;
};

/*
 * A schema: its own types (the built-in scalars Int, Float, String,
 * Boolean and ID and the introspection types are added by
 * gql_schema_check), the root type names (query required) and any
 * directives of its own beside @include, @skip, @deprecated and
 * @specifiedBy.
 */
struct gql_schema_def {
	const char			*description;
	const struct gql_type_def	*types;
	const struct gql_directive_def	*directives;	/* NULL: none */
	const char			*query;
	const char			*mutation;	/* NULL: none */
	const char			*subscription;	/* NULL: none */
};

/* ---- the checked schema ---- */

struct gql_ntype;

/* A resolved type reference: a named type, or a list of one; non-null. */
struct gql_tref {
	const struct gql_ntype	*named;		/* when of is NULL */
	const struct gql_tref	*of;		/* a list */
	int			 is_non_null;
};

struct gql_input {
	const struct gql_input_def	*def;
	const struct gql_tref		*type;
	const struct gql_value		*default_value;	/* parsed; NULL: none */
};

struct gql_field {
	const struct gql_field_def	*def;
	const struct gql_tref		*type;
	const struct gql_input		*args;
	size_t				 nargs;
};

struct gql_ntype {
	const struct gql_type_def	*def;
	enum gql_kind			 kind;
	const char			*name;
	int				 is_builtin;	/* a built-in scalar or introspection */
	int				 is_referenced;	/* in graphql-js's type map */
	const struct gql_field		*fields;
	size_t				 nfields;
	const struct gql_ntype		**interfaces;
	size_t				 ninterfaces;
	const struct gql_ntype		**possible;	/* union, interface: objects */
	size_t				 npossible;
	const struct gql_input		*input_fields;
	size_t				 ninput_fields;
};

struct gql_directive_type {
	const struct gql_directive_def	*def;
	const struct gql_input		*args;
	size_t				 nargs;
	int				 is_builtin;
};

struct gql_schema {
	const struct gql_schema_def	*def;
	struct gql_ntype		*types;	/* the schema's own first, in order */
	size_t				 ntypes;
	struct gql_directive_type	*directives;	/* built-ins first */
	size_t				 ndirectives;
	const struct gql_ntype		*query, *mutation, *subscription;
	const struct gql_field		*typename_field;	/* __typename: String! */
	const struct gql_field		*schema_field;	/* __schema: __Schema! */
	const struct gql_field		*type_field;	/* __type(name: String!): __Type */
};

/*
 * Check def and resolve it into *out, allocated in a (which must live
 * as long as the schema is used). 0, or -1 with err->message saying what
 * is wrong ("unknown type "Foo" in field "Query.me"") and line and column
 * 0. Refused: unknown or duplicate type, field, argument, enum value or
 * directive names; names starting "__"; an output type as an argument
 * or input field type, an input type as a field type; an object not
 * implementing its interfaces' fields with compatible types and
 * arguments; a union member that is not an object; a default value not
 * of its type; a missing or non-object root type; empty field, value or
 * member lists.
 */
int	gql_schema_check(struct arena *a, const struct gql_schema_def *def,
	    struct gql_schema **out, struct gql_error *err);

/*
 * Print s as SDL into out, as graphql-js 16's printSchema() does for a
 * schema whose type map is in s's definition order. 0, or -1 if the
 * buffer's limit was reached.
 */
int	gql_schema_print(const struct gql_schema *s, struct buf *out);

/* The named type called name (of len bytes), or NULL. */
const struct gql_ntype *gql_schema_type(const struct gql_schema *s,
	    const char *name, size_t len);

/*
 * The field called name of t (an object or interface), or NULL; the
 * meta-fields __typename (any composite type) and __schema and __type
 * (the query root) included.
 */
const struct gql_field *gql_schema_field(const struct gql_schema *s,
	    const struct gql_ntype *t, const char *name);

/* The argument or input field called name of the n in list, or NULL. */
const struct gql_input *gql_schema_input(const struct gql_input *list,
	    size_t n, const char *name);

/* The directive called name, or NULL. */
const struct gql_directive_type *gql_schema_directive(
	    const struct gql_schema *s, const char *name);

/* Whether t is an input type (scalar, enum, input object). */
int	gql_type_is_input(const struct gql_ntype *t);
/* Whether t is composite (object, interface, union). */
int	gql_type_is_composite(const struct gql_ntype *t);
/* Whether the object type obj is one of the possible types of t. */
int	gql_type_is_possible(const struct gql_ntype *t,
	    const struct gql_ntype *obj);
/* Whether the named types a and b can have an object type in common. */
int	gql_types_overlap(const struct gql_ntype *a, const struct gql_ntype *b);

/*
 * graphql-js's isTypeSubTypeOf: sub may stand where t is expected (as
 * strict or stricter about null, the same lists, the same named type or
 * an object type of the abstract one).
 */
int	gql_tref_is_subtype(const struct gql_tref *sub, const struct gql_tref *t);

/* The named type at the bottom of t (lists and non-null taken off). */
const struct gql_ntype *gql_tref_named(const struct gql_tref *t);

/* Append t as SDL writes it ("[Int!]!"). 0 or -1 (buffer full). */
int	gql_tref_print(struct buf *out, const struct gql_tref *t);

/*
 * arena_vprintf for messages: never NULL (a format error gives a fixed
 * string).
 */
const char *gql_vprintf(struct arena *a, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/* t as a string in a ("[Int!]!"), for messages. */
const char *gql_tref_string(struct arena *a, const struct gql_tref *t);

/*
 * Append d as JavaScript's String(d) writes it (mostly: integers in
 * +-1e18 plainly, others in the fewest %g digits that read back as d).
 * 0 or -1 (buffer full).
 */
int	gql_number_print(struct buf *out, double d);

/* 1 if s is an integer as graphql-js's ID serializer prints bare ("-12"). */
int	gql_is_integer_text(const char *s);

/* v as gql_value_print writes it, as a string in a. */
const char *gql_value_string(struct arena *a, const struct gql_value *v,
	    int is_sorted);

/*
 * Append v as graphql-js's print() writes a value ("[1, 2]", "{a: 1}",
 * strings with its escapes, block strings as block strings); with
 * is_sorted, object fields sorted by name (graphql-js's sortValueNode).
 * 0 or -1 (buffer full).
 */
int	gql_value_print(struct buf *out, const struct gql_value *v,
	    int is_sorted);

/*
 * Check the literal v against the input type t as graphql-js's
 * ValuesOfCorrectTypeRule does (variables are not checked here), calling
 * report(arg, line, column, message) for each problem with graphql-js's
 * message; message lives in a. Returns the number of problems, or -1 if
 * report returned -1 (stop).
 */
int	gql_value_check(struct arena *a, const struct gql_tref *t,
	    const struct gql_value *v,
	    int (*report)(void *, unsigned int, unsigned int, const char *),
	    void *arg);

#endif
