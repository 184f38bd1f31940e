/*
 * Validation of an executable document against a schema (see
 * graphql-validate.h). One walk over the document calls, at each node,
 * the rules of graphql-js 16's specifiedRules that visit that node, in
 * that list's order (as its visitInParallel does), with its messages.
 * Rules that need fragments followed (variable usages, unused and
 * cyclic fragments) use explicit stacks; the field-merging rule is in
 * the second half of this file.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/graphql-validate.h"

/* A variable used at a position of a type (NULL: unknown). */
struct usage {
	const struct gql_value	*node;
	const struct gql_tref	*type;
	int			 has_location_default;
	struct usage		*next;
};

/* What the walk keeps about each definition of the document. */
struct def_info {
	const struct gql_definition	*d;
	size_t				 first_named;	/* same kind and name */
	struct usage			*usages, **tail;
	const struct gql_selection	**spreads;	/* getFragmentSpreads order */
	size_t				 nspreads;
};

struct validator {
	struct arena			*a;
	const struct gql_schema		*s;
	struct gql_verrors		*out;
	size_t				 max;
	int				 is_aborted;
	int				 is_collecting;	/* usages only, no errors */
	struct def_info			*defs;
	size_t				 ndefs;
	struct def_info			**frags;	/* fragments sorted by name */
	size_t				 nfrags;
	size_t				 nops;
	struct def_info			*cur;
	/* the field-merging check */
	size_t				*seen;	/* per def: NoFragmentCycles */
	unsigned int			*expanded;	/* per def: generation */
	unsigned int			 gen;
	size_t				 work;
	int				 is_too_deep, is_too_complex;
};

/* ---- errors ---- */

static int
add_error(struct validator *v, const char *msg, unsigned int line,
    unsigned int column, unsigned int line2, unsigned int column2)
{
	struct gql_verror	*e;

	if (v->is_aborted)
		return -1;
	if (v->is_collecting)
		return 0;
	e = &v->out->items[v->out->n++];
	if (v->out->n > v->max) {
		e->message = "Too many validation errors, error limit reached. "
		    "Validation aborted.";
		v->is_aborted = 1;
		return -1;
	}
	e->message = msg != NULL ? msg : "(out of memory)";
	e->line = line;
	e->column = column;
	e->line2 = line2;
	e->column2 = column2;
	return 0;
}

static int __attribute__((format(printf, 4, 5)))
report(struct validator *v, unsigned int line, unsigned int column,
    const char *fmt, ...)
{
	va_list		 ap;
	const char	*msg;

	if (v->is_aborted)
		return -1;
	if (v->is_collecting)
		return 0;
	va_start(ap, fmt);
	msg = gql_vprintf(v->a, fmt, ap);
	va_end(ap);
	return add_error(v, msg, line, column, 0, 0);
}

/* The last error reported gets a second location. */
static void
second_location(struct validator *v, unsigned int line, unsigned int column)
{
	if (!v->is_collecting && !v->is_aborted && v->out->n > 0) {
		v->out->items[v->out->n - 1].line2 = line;
		v->out->items[v->out->n - 1].column2 = column;
	}
}

/* A type of the document as written ("[User!]"). */
static const char *
text_of_type(struct validator *v, const struct gql_type *t)
{
	if (t->of != NULL)
		return arena_printf(v->a, "[%s]%s", text_of_type(v, t->of),
		    t->is_non_null ? "!" : "");
	return arena_printf(v->a, "%s%s", t->name.s, t->is_non_null ? "!" : "");
}

/* ---- the document's definitions ---- */

static int
by_def_name(const void *x, const void *y)
{
	const struct def_info *const	*a = x, *const *b = y;
	int				 c = strcmp((*a)->d->name.s, (*b)->d->name.s);

	if (c != 0)
		return c;
	return (*a)->d->line != (*b)->d->line ?
	    ((*a)->d->line < (*b)->d->line ? -1 : 1) :
	    ((*a)->d->column < (*b)->d->column ? -1 : 1);
}

/* The fragment called name (the last of that name, as graphql-js). */
static struct def_info *
fragment(const struct validator *v, const char *name)
{
	size_t	 lo = 0, hi = v->nfrags, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(v->frags[mid]->d->name.s, name);
		if (c <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && strcmp(v->frags[lo - 1]->d->name.s, name) == 0 ?
	    v->frags[lo - 1] : NULL;
}

static size_t
count_selections(const struct gql_selection *s)
{
	size_t	 n = 0;

	for (; s != NULL; s = s->next)
		n += 1 + count_selections(s->selections);
	return n;
}

/* graphql-js's getFragmentSpreads: a stack of selection sets. */
static void
find_spreads(struct validator *v, struct def_info *di)
{
	const struct gql_selection	**stack, *s;
	size_t				  n = count_selections(di->d->selections) + 1,
					  top = 0;

	stack = arena_alloc(v->a, n * sizeof(*stack));
	di->spreads = arena_alloc(v->a, n * sizeof(*di->spreads));
	stack[top++] = di->d->selections;
	while (top > 0)
		for (s = stack[--top]; s != NULL; s = s->next) {
			if (s->kind == GQL_S_SPREAD)
				di->spreads[di->nspreads++] = s;
			else if (s->selections != NULL)
				stack[top++] = s->selections;
		}
}

static void find_duplicates(struct validator *, const char **, size_t,
    size_t *, size_t *);

/* For each definition, the first one of its kind and name. */
static void
first_named(struct validator *v)
{
	const char	**names = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*names));
	size_t		 *first, *second, i;

	first = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*first));
	second = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*second));
	for (i = 0; i < v->ndefs; i++) {
		const struct gql_definition *d = v->defs[i].d;

		/* Anonymous operations are their own (an index as a name). */
		names[i] = d->name.s == NULL ? arena_printf(v->a, "-%zu", i) :
		    arena_printf(v->a, "%c%s", d->kind == GQL_D_FRAGMENT ? 'f' :
		    'o', d->name.s);
	}
	find_duplicates(v, names, v->ndefs, first, second);
	for (i = 0; i < v->ndefs; i++)
		v->defs[i].first_named = first[i];
}

static void
index_document(struct validator *v, const struct gql_document *doc)
{
	const struct gql_definition	*d;
	size_t				 i = 0;

	for (d = doc->definitions; d != NULL; d = d->next)
		v->ndefs++;
	v->defs = arena_alloc(v->a, v->ndefs * sizeof(*v->defs));
	v->frags = arena_alloc(v->a, v->ndefs * sizeof(*v->frags));
	v->seen = arena_alloc(v->a, v->ndefs * sizeof(*v->seen));
	memset(v->defs, 0, v->ndefs * sizeof(*v->defs));
	v->expanded = arena_alloc(v->a, v->ndefs * sizeof(*v->expanded));
	memset(v->seen, 0, v->ndefs * sizeof(*v->seen));
	memset(v->expanded, 0, v->ndefs * sizeof(*v->expanded));
	for (d = doc->definitions; d != NULL; d = d->next, i++) {
		v->defs[i].d = d;
		v->defs[i].tail = &v->defs[i].usages;
		find_spreads(v, &v->defs[i]);
		if (d->kind == GQL_D_FRAGMENT)
			v->frags[v->nfrags++] = &v->defs[i];
		else
			v->nops++;
	}
	qsort(v->frags, v->nfrags, sizeof(*v->frags), by_def_name);
	first_named(v);
}

/*
 * getRecursivelyReferencedFragments of di: into out (room for every
 * definition), in graphql-js's order. Returns how many.
 */
static size_t
referenced_fragments(struct validator *v, const struct def_info *di,
    struct def_info **out)
{
	const struct def_info	**stack;
	struct def_info		 *f;
	char			 *taken = arena_alloc(v->a, v->ndefs + 1);
	size_t			  top = 0, n = 0, i;

	memset(taken, 0, v->ndefs + 1);
	stack = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*stack));
	stack[top++] = di;
	while (top > 0) {
		di = stack[--top];
		for (i = 0; i < di->nspreads; i++) {
			if ((f = fragment(v, di->spreads[i]->name.s)) == NULL ||
			    taken[f - v->defs])
				continue;
			taken[f - v->defs] = 1;
			out[n++] = f;
			stack[top++] = f;
		}
	}
	return n;
}

/* ---- duplicate names ---- */

struct name_at {
	const char	*name;
	size_t		 i;
};

static int
by_name_then_index(const void *x, const void *y)
{
	const struct name_at	*a = x, *b = y;
	int			 c = strcmp(a->name, b->name);

	return c != 0 ? c : (a->i < b->i ? -1 : 1);
}

/*
 * For n names: first[i] is the index of the first name equal to name i
 * (i itself when it is the first), second[i] of a first one the index
 * of the next equal name (SIZE_MAX: none). Sorting keeps it n log n.
 */
static void
find_duplicates(struct validator *v, const char **names, size_t n,
    size_t *first, size_t *second)
{
	struct name_at	*list = arena_alloc(v->a, (n ? n : 1) * sizeof(*list));
	size_t		 i, g;

	for (i = 0; i < n; i++) {
		list[i].name = names[i];
		list[i].i = i;
		second[i] = SIZE_MAX;
	}
	qsort(list, n, sizeof(*list), by_name_then_index);
	for (i = 0, g = 0; i < n; i++) {
		if (i > 0 && strcmp(list[i].name, list[g].name) != 0)
			g = i;
		first[list[i].i] = list[g].i;
		if (i == g + 1)
			second[list[g].i] = list[i].i;
	}
}

/* A name of the document and where it is. */
struct named {
	const char	*name;
	unsigned int	 line, column;
};

/*
 * "There can be only one <what> named "<sigil><name>"." once for each
 * name that list holds more than once, at the first and the second.
 */
static int
unique_names(struct validator *v, const struct named *list, size_t n,
    const char *what, const char *sigil)
{
	const char	**names;
	size_t		 *first, *second, i;

	if (n < 2)
		return 0;
	names = arena_alloc(v->a, n * sizeof(*names));
	first = arena_alloc(v->a, n * sizeof(*first));
	second = arena_alloc(v->a, n * sizeof(*second));
	for (i = 0; i < n; i++)
		names[i] = list[i].name;
	find_duplicates(v, names, n, first, second);
	for (i = 0; i < n; i++) {
		if (first[i] != i || second[i] == SIZE_MAX)
			continue;
		if (report(v, list[i].line, list[i].column, "There can be only "
		    "one %s named \"%s%s\".", what, sigil, names[i]) == -1)
			return -1;
		second_location(v, list[second[i]].line, list[second[i]].column);
	}
	return 0;
}

/* UniqueArgumentNamesRule over a list of arguments. */
static int
unique_args(struct validator *v, const struct gql_arg *args)
{
	const struct gql_arg	*a;
	struct named		*list;
	size_t			 n = 0;

	for (a = args; a != NULL; a = a->next)
		n++;
	list = arena_alloc(v->a, (n ? n : 1) * sizeof(*list));
	for (n = 0, a = args; a != NULL; a = a->next)
		list[n++] = (struct named){ a->name.s, a->line, a->column };
	return unique_names(v, list, n, "argument", "");
}

/* ---- values ---- */

static int
value_report(void *arg, unsigned int line, unsigned int column,
    const char *message)
{
	return add_error(arg, message, line, column, 0, 0);
}

/* UniqueInputFieldNamesRule: each later duplicate, with the first. */
static int
unique_object_fields(struct validator *v, const struct gql_value *val)
{
	const struct gql_arg	*f, **at;
	const char		**names;
	size_t			  n = 0, i, *first, *second;

	for (f = val->fields; f != NULL; f = f->next)
		n++;
	if (n < 2)
		return 0;
	names = arena_alloc(v->a, n * sizeof(*names));
	at = arena_alloc(v->a, n * sizeof(*at));
	first = arena_alloc(v->a, n * sizeof(*first));
	second = arena_alloc(v->a, n * sizeof(*second));
	for (i = 0, f = val->fields; f != NULL; f = f->next, i++) {
		names[i] = f->name.s;
		at[i] = f;
	}
	find_duplicates(v, names, n, first, second);
	for (i = 0; i < n; i++) {
		if (first[i] == i)
			continue;
		if (report(v, at[first[i]]->line, at[first[i]]->column, "There "
		    "can be only one input field named \"%s\".", names[i]) == -1)
			return -1;
		second_location(v, at[i]->line, at[i]->column);
	}
	return 0;
}

/* UniqueInputFieldNamesRule in the object values of val, depth first. */
static int
unique_input_fields(struct validator *v, const struct gql_value *val)
{
	const struct gql_value	*i;
	const struct gql_arg	*f;

	if (val->kind == GQL_V_LIST)
		for (i = val->items; i != NULL; i = i->next)
			if (unique_input_fields(v, i) == -1)
				return -1;
	if (val->kind != GQL_V_OBJECT)
		return 0;
	if (unique_object_fields(v, val) == -1)
		return -1;
	for (f = val->fields; f != NULL; f = f->next)
		if (unique_input_fields(v, f->value) == -1)
			return -1;
	return 0;
}

/* Record the variables in val, at positions of type t, as usages. */
static void
collect_usages(struct validator *v, const struct gql_value *val,
    const struct gql_tref *t, int has_default)
{
	const struct gql_ntype	*n = t != NULL ? gql_tref_named(t) : NULL;
	const struct gql_input	*in;
	const struct gql_value	*i;
	const struct gql_arg	*f;
	struct usage		*u;

	switch (val->kind) {
	case GQL_V_VARIABLE:
		u = arena_alloc(v->a, sizeof(*u));
		u->node = val;
		u->type = t;
		u->has_location_default = has_default;
		u->next = NULL;
		*v->cur->tail = u;
		v->cur->tail = &u->next;
		return;
	case GQL_V_LIST:
		for (i = val->items; i != NULL; i = i->next)
			collect_usages(v, i, t != NULL && t->of != NULL ? t->of :
			    t, 0);
		return;
	case GQL_V_OBJECT:
		for (f = val->fields; f != NULL; f = f->next) {
			in = n != NULL && n->kind == GQL_K_INPUT_OBJECT ?
			    gql_schema_input(n->input_fields, n->ninput_fields,
			    f->name.s) : NULL;
			collect_usages(v, f->value, in ? in->type : NULL,
			    in != NULL && in->default_value != NULL);
		}
		return;
	default:
		return;
	}
}

/* A value at a position of type t (NULL: unknown) with a default or not. */
static int
walk_value(struct validator *v, const struct gql_value *val,
    const struct gql_tref *t, int has_default)
{
	if (v->is_collecting) {
		collect_usages(v, val, t, has_default);
		return 0;
	}
	if (t != NULL && gql_value_check(v->a, t, val, value_report, v) == -1)
		return -1;
	return unique_input_fields(v, val);
}

/*
 * Arguments of a field (f) or a directive (d): KnownArgumentNames on
 * fields at each argument, then the values.
 */
static int
walk_args(struct validator *v, const struct gql_arg *args,
    const struct gql_input *defs, size_t ndefs, const struct gql_ntype *parent,
    const struct gql_field *f)
{
	const struct gql_arg	*a;
	const struct gql_input	*in;

	for (a = args; a != NULL; a = a->next) {
		in = defs != NULL ? gql_schema_input(defs, ndefs, a->name.s) : NULL;
		if (f != NULL && in == NULL && report(v, a->line, a->column,
		    "Unknown argument \"%s\" on field \"%s.%s\".", a->name.s,
		    parent->name, f->def->name) == -1)
			return -1;
		if (walk_value(v, a->value, in ? in->type : NULL,
		    in != NULL && in->default_value != NULL) == -1)
			return -1;
	}
	return 0;
}

/* ProvidedRequiredArguments: what of defs is non-null, no default, absent. */
static int
required_args(struct validator *v, const struct gql_arg *args,
    const struct gql_input *defs, size_t ndefs, unsigned int line,
    unsigned int column, const char *field, const char *directive)
{
	const struct gql_arg	*a;
	size_t			 i;

	for (i = 0; i < ndefs; i++) {
		if (!defs[i].type->is_non_null || defs[i].default_value != NULL)
			continue;
		for (a = args; a != NULL && strcmp(a->name.s,
		    defs[i].def->name) != 0; a = a->next)
			;
		if (a != NULL)
			continue;
		if (field != NULL ? report(v, line, column, "Field \"%s\" "
		    "argument \"%s\" of type \"%s\" is required, but it was not "
		    "provided.", field, defs[i].def->name,
		    gql_tref_string(v->a, defs[i].type)) : report(v, line, column,
		    "Directive \"@%s\" argument \"%s\" of type \"%s\" is "
		    "required, but it was not provided.", directive,
		    defs[i].def->name, gql_tref_string(v->a, defs[i].type)) == -1)
			return -1;
	}
	return 0;
}

/* ---- directives ---- */

/* UniqueDirectivesPerLocationRule on one node's directives. */
static int
unique_directives(struct validator *v, const struct gql_directive *list)
{
	const struct gql_directive		*d, *e;
	const struct gql_directive_type		*t;

	for (d = list; d != NULL; d = d->next) {
		if ((t = gql_schema_directive(v->s, d->name.s)) == NULL ||
		    t->def->is_repeatable)
			continue;
		for (e = list; e != d && strcmp(e->name.s, d->name.s) != 0;
		    e = e->next)
			;
		if (e == d)
			continue;
		if (report(v, e->line, e->column, "The directive \"@%s\" can only "
		    "be used once at this location.", d->name.s) == -1)
			return -1;
		second_location(v, d->line, d->column);
	}
	return 0;
}

/* Each directive: KnownDirectives, argument names, values, required. */
static int
walk_directives(struct validator *v, const struct gql_directive *list,
    unsigned int location)
{
	const struct gql_directive		*d;
	const struct gql_directive_type		*t;
	const struct gql_arg			*a;

	for (d = list; d != NULL; d = d->next) {
		t = gql_schema_directive(v->s, d->name.s);
		if (t == NULL && report(v, d->line, d->column, "Unknown "
		    "directive \"@%s\".", d->name.s) == -1)
			return -1;
		if (t != NULL && !(t->def->locations & location) &&
		    report(v, d->line, d->column, "Directive \"@%s\" may not be "
		    "used on %s.", d->name.s, gql_dir_loc_name(location)) == -1)
			return -1;
		for (a = d->args; t != NULL && a != NULL; a = a->next)
			if (gql_schema_input(t->args, t->nargs, a->name.s) ==
			    NULL && report(v, a->line, a->column, "Unknown "
			    "argument \"%s\" on directive \"@%s\".", a->name.s,
			    d->name.s) == -1)
				return -1;
		if (unique_args(v, d->args) == -1 || walk_args(v, d->args,
		    t ? t->args : NULL, t ? t->nargs : 0, NULL, NULL) == -1)
			return -1;
		if (t != NULL && required_args(v, d->args, t->args, t->nargs,
		    d->line, d->column, NULL, d->name.s) == -1)
			return -1;
	}
	return 0;
}

/* ---- selections ---- */

/* The type a type condition names (NULL: unknown) and KnownTypeNames. */
static const struct gql_ntype *
named_type(struct validator *v, const struct gql_str *name, unsigned int line,
    unsigned int column, int *rc)
{
	const struct gql_ntype	*t = gql_schema_type(v->s, name->s, name->len);

	if (t == NULL && report(v, line, column, "Unknown type \"%s\".",
	    name->s) == -1)
		*rc = -1;
	return t;
}

static int walk_selections(struct validator *, const struct gql_selection *,
    const struct gql_ntype *);
static int merge_check(struct validator *, const struct gql_selection *,
    const struct gql_ntype *);

/* A selection set: OverlappingFieldsCanBeMerged, then its selections. */
static int
walk_set(struct validator *v, const struct gql_selection *set,
    const struct gql_ntype *parent)
{
	/* TypeInfo: a selection set's parent type is a composite one or none. */
	if (parent != NULL && !gql_type_is_composite(parent))
		parent = NULL;
	if (!v->is_collecting && merge_check(v, set, parent) == -1)
		return -1;
	return walk_selections(v, set, parent);
}

static int
walk_field(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *parent)
{
	const struct gql_field	*f = gql_schema_field(v->s, parent, s->name.s);
	const struct gql_ntype	*n = f != NULL ? gql_tref_named(f->type) : NULL;

	if (n != NULL && !gql_type_is_composite(n) && s->selections != NULL &&
	    report(v, s->set_line, s->set_column, "Field \"%s\" must not have "
	    "a selection since type \"%s\" has no subfields.", s->name.s,
	    gql_tref_string(v->a, f->type)) == -1)
		return -1;
	if (n != NULL && gql_type_is_composite(n) && s->selections == NULL &&
	    report(v, s->line, s->column, "Field \"%s\" of type \"%s\" must "
	    "have a selection of subfields. Did you mean \"%s { ... }\"?",
	    s->name.s, gql_tref_string(v->a, f->type), s->name.s) == -1)
		return -1;
	if (f == NULL && parent != NULL && report(v, s->line, s->column,
	    "Cannot query field \"%s\" on type \"%s\".", s->name.s,
	    parent->name) == -1)
		return -1;
	if (unique_directives(v, s->directives) == -1 ||
	    unique_args(v, s->args) == -1 ||
	    walk_args(v, s->args, f ? f->args : NULL, f ? f->nargs : 0, parent,
	    f) == -1 || walk_directives(v, s->directives, GQL_L_FIELD) == -1)
		return -1;
	if (s->selections != NULL && walk_set(v, s->selections, n) == -1)
		return -1;
	return f == NULL ? 0 : required_args(v, s->args, f->args, f->nargs,
	    s->line, s->column, f->def->name, NULL);
}

/* PossibleFragmentSpreadsRule: frag (NULL: unknown) spread in parent. */
static int
possible_spread(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *frag, const struct gql_ntype *parent)
{
	if (frag == NULL || parent == NULL || !gql_type_is_composite(frag) ||
	    !gql_type_is_composite(parent) || gql_types_overlap(frag, parent))
		return 0;
	if (s->kind == GQL_S_INLINE)
		return report(v, s->line, s->column, "Fragment cannot be spread "
		    "here as objects of type \"%s\" can never be of type \"%s\".",
		    parent->name, frag->name);
	return report(v, s->line, s->column, "Fragment \"%s\" cannot be spread "
	    "here as objects of type \"%s\" can never be of type \"%s\".",
	    s->name.s, parent->name, frag->name);
}

static int
walk_inline(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *parent)
{
	const struct gql_ntype	*t = parent;
	int			 rc = 0;

	if (s->type_condition.s != NULL) {
		t = gql_schema_type(v->s, s->type_condition.s,
		    s->type_condition.len);
		if (t != NULL && !gql_type_is_composite(t) && report(v,
		    s->tc_line, s->tc_column, "Fragment cannot condition on non "
		    "composite type \"%s\".", s->type_condition.s) == -1)
			return -1;
	}
	if (possible_spread(v, s, s->type_condition.s ? t : NULL, parent) == -1 ||
	    unique_directives(v, s->directives) == -1)
		return -1;
	if (s->type_condition.s != NULL && t == NULL)
		(void)named_type(v, &s->type_condition, s->tc_line, s->tc_column,
		    &rc);
	if (rc == -1 || walk_directives(v, s->directives,
	    GQL_L_INLINE_FRAGMENT) == -1)
		return -1;
	return walk_set(v, s->selections, t);
}

static int
walk_spread(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *parent)
{
	const struct def_info	*f = fragment(v, s->name.s);
	const struct gql_ntype	*t = NULL;

	if (f == NULL && report(v, s->name_line, s->name_column, "Unknown "
	    "fragment \"%s\".", s->name.s) == -1)
		return -1;
	if (f != NULL)
		t = gql_schema_type(v->s, f->d->type_condition.s,
		    f->d->type_condition.len);
	if (possible_spread(v, s, t, parent) == -1 ||
	    unique_directives(v, s->directives) == -1)
		return -1;
	return walk_directives(v, s->directives, GQL_L_FRAGMENT_SPREAD);
}

static int
walk_selections(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *parent)
{
	int	 rc = 0;

	for (; s != NULL && rc == 0; s = s->next)
		switch (s->kind) {
		case GQL_S_FIELD:
			rc = walk_field(v, s, parent);
			break;
		case GQL_S_INLINE:
			rc = walk_inline(v, s, parent);
			break;
		case GQL_S_SPREAD:
			rc = walk_spread(v, s, parent);
			break;
		}
	return rc;
}

/* ---- operations ---- */

static const struct gql_ntype *
root_type(const struct validator *v, enum gql_op op)
{
	switch (op) {
	case GQL_MUTATION:
		return v->s->mutation;
	case GQL_SUBSCRIPTION:
		return v->s->subscription;
	default:
		return v->s->query;
	}
}

/* UniqueOperationNames, UniqueFragmentNames: d against the first. */
static int
unique_definition_name(struct validator *v, const struct def_info *di)
{
	const struct gql_definition	*d = di->d, *e;

	if (d->name.s == NULL || &v->defs[di->first_named] == di)
		return 0;
	e = v->defs[di->first_named].d;
	if (report(v, e->name_line, e->name_column, "There can be only one %s "
	    "named \"%s\".", d->kind == GQL_D_FRAGMENT ? "fragment" :
	    "operation", d->name.s) == -1)
		return -1;
	second_location(v, d->name_line, d->name_column);
	return 0;
}

/* The type a document type names, or NULL. */
static const struct gql_tref *
tref_of(struct validator *v, const struct gql_type *t)
{
	struct gql_tref		*r;
	const struct gql_tref	*of = NULL;
	const struct gql_ntype	*n = NULL;

	if (t->of != NULL && (of = tref_of(v, t->of)) == NULL)
		return NULL;
	if (t->of == NULL && (n = gql_schema_type(v->s, t->name.s,
	    t->name.len)) == NULL)
		return NULL;
	r = arena_alloc(v->a, sizeof(*r));
	r->named = n;
	r->of = of;
	r->is_non_null = t->is_non_null;
	return r;
}

static const struct gql_type *
bottom(const struct gql_type *t)
{
	while (t->of != NULL)
		t = t->of;
	return t;
}

/* UniqueVariableNamesRule. */
static int
unique_variables(struct validator *v, const struct gql_var_def *vars)
{
	const struct gql_var_def	*d;
	struct named			*list;
	size_t				 n = 0;

	for (d = vars; d != NULL; d = d->next)
		n++;
	list = arena_alloc(v->a, (n ? n : 1) * sizeof(*list));
	for (n = 0, d = vars; d != NULL; d = d->next)
		list[n++] = (struct named){ d->name.s, d->name_line,
		    d->name_column };
	return unique_names(v, list, n, "variable", "$");
}

static int
walk_var_defs(struct validator *v, const struct gql_var_def *d)
{
	const struct gql_tref	*t;
	int			 rc = 0;

	for (; d != NULL; d = d->next) {
		t = tref_of(v, d->type);
		if (t != NULL && !gql_type_is_input(gql_tref_named(t)) &&
		    report(v, d->type->line, d->type->column, "Variable \"$%s\" "
		    "cannot be non-input type \"%s\".", d->name.s,
		    text_of_type(v, d->type)) == -1)
			return -1;
		(void)named_type(v, &bottom(d->type)->name, bottom(d->type)->line,
		    bottom(d->type)->column, &rc);
		if (rc == -1 || unique_directives(v, d->directives) == -1)
			return -1;
		if (d->default_value != NULL && walk_value(v, d->default_value,
		    t != NULL && gql_type_is_input(gql_tref_named(t)) ? t : NULL,
		    0) == -1)
			return -1;
		if (walk_directives(v, d->directives,
		    GQL_L_VARIABLE_DEFINITION) == -1)
			return -1;
	}
	return 0;
}

static int single_field_subscription(struct validator *,
    const struct gql_definition *);
static int operation_variables(struct validator *, struct def_info *);

static int
walk_operation(struct validator *v, struct def_info *di)
{
	const struct gql_definition	*d = di->d;
	static const unsigned int	 locs[] = { GQL_L_QUERY, GQL_L_MUTATION,
	    GQL_L_SUBSCRIPTION };

	if (unique_definition_name(v, di) == -1)
		return -1;
	if (d->name.s == NULL && v->nops > 1 && report(v, d->line, d->column,
	    "This anonymous operation must be the only defined operation.") == -1)
		return -1;
	if (d->op == GQL_SUBSCRIPTION && v->s->subscription != NULL &&
	    single_field_subscription(v, d) == -1)
		return -1;
	if (unique_variables(v, d->vars) == -1 ||
	    unique_directives(v, d->directives) == -1 ||
	    walk_var_defs(v, d->vars) == -1 ||
	    walk_directives(v, d->directives, locs[d->op]) == -1 ||
	    walk_set(v, d->selections, root_type(v, d->op)) == -1)
		return -1;
	return v->is_collecting ? 0 : operation_variables(v, di);
}

static int no_fragment_cycles(struct validator *, struct def_info *);

static int
walk_fragment(struct validator *v, struct def_info *di)
{
	const struct gql_definition	*d = di->d;
	const struct gql_ntype		*t;
	int				 rc = 0;

	t = gql_schema_type(v->s, d->type_condition.s, d->type_condition.len);
	if (t != NULL && !gql_type_is_composite(t) && report(v, d->tc_line,
	    d->tc_column, "Fragment \"%s\" cannot condition on non composite "
	    "type \"%s\".", d->name.s, d->type_condition.s) == -1)
		return -1;
	if (unique_definition_name(v, di) == -1 ||
	    (!v->is_collecting && no_fragment_cycles(v, di) == -1) ||
	    unique_directives(v, d->directives) == -1)
		return -1;
	if (t == NULL)
		(void)named_type(v, &d->type_condition, d->tc_line, d->tc_column,
		    &rc);
	if (rc == -1 || walk_directives(v, d->directives,
	    GQL_L_FRAGMENT_DEFINITION) == -1)
		return -1;
	return walk_set(v, d->selections, t);
}

/* ---- rules over operations and fragments ---- */

static int
allowed_usage(const struct gql_var_def *d, const struct gql_tref *vt,
    const struct usage *u)
{
	struct gql_tref		 nullable;

	if (u->type->is_non_null && !vt->is_non_null) {
		if ((d->default_value == NULL ||
		    d->default_value->kind == GQL_V_NULL) &&
		    !u->has_location_default)
			return 0;
		nullable = *u->type;
		nullable.is_non_null = 0;
		return gql_tref_is_subtype(vt, &nullable);
	}
	return gql_tref_is_subtype(vt, u->type);
}

/* One usage: NoUndefinedVariables; then VariablesInAllowedPosition. */
static int
check_usage(struct validator *v, const struct gql_definition *op,
    const struct usage *u, int is_position_pass)
{
	const struct gql_var_def	*d, *e;
	const struct gql_tref		*vt;

	/* The last definition of a name, as graphql-js's varDefMap keeps. */
	for (d = NULL, e = op->vars; e != NULL; e = e->next)
		if (strcmp(e->name.s, u->node->text.s) == 0)
			d = e;
	if (!is_position_pass) {
		if (d != NULL)
			return 0;
		if ((op->name.s != NULL ? report(v, u->node->line,
		    u->node->column, "Variable \"$%s\" is not defined by "
		    "operation \"%s\".", u->node->text.s, op->name.s) :
		    report(v, u->node->line, u->node->column, "Variable \"$%s\" "
		    "is not defined.", u->node->text.s)) == -1)
			return -1;
		second_location(v, op->line, op->column);
		return 0;
	}
	if (d == NULL || u->type == NULL || (vt = tref_of(v, d->type)) == NULL ||
	    allowed_usage(d, vt, u))
		return 0;
	if (report(v, d->line, d->column, "Variable \"$%s\" of type \"%s\" used "
	    "in position expecting type \"%s\".", d->name.s, gql_tref_string(v->a, vt),
	    gql_tref_string(v->a, u->type)) == -1)
		return -1;
	second_location(v, u->node->line, u->node->column);
	return 0;
}

/*
 * At an operation's end: NoUndefinedVariables, NoUnusedVariables and
 * VariablesInAllowedPosition over its usages and its fragments'.
 */
static int
operation_variables(struct validator *v, struct def_info *di)
{
	struct def_info			**frags;
	const struct usage		 *u;
	const struct gql_var_def	 *d;
	size_t				  n, i, pass;
	int				  is_used;

	frags = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*frags));
	n = referenced_fragments(v, di, frags);
	for (pass = 0; pass < 2; pass++) {
		for (u = di->usages; u != NULL; u = u->next)
			if (check_usage(v, di->d, u, (int)pass) == -1)
				return -1;
		for (i = 0; i < n; i++)
			for (u = frags[i]->usages; u != NULL; u = u->next)
				if (check_usage(v, di->d, u, (int)pass) == -1)
					return -1;
		if (pass == 1)
			break;
		for (d = di->d->vars; d != NULL; d = d->next) {
			is_used = 0;
			for (u = di->usages; u != NULL && !is_used; u = u->next)
				is_used = strcmp(u->node->text.s, d->name.s) == 0;
			for (i = 0; i < n && !is_used; i++)
				for (u = frags[i]->usages; u != NULL && !is_used;
				    u = u->next)
					is_used = strcmp(u->node->text.s,
					    d->name.s) == 0;
			if (is_used)
				continue;
			if ((di->d->name.s != NULL ? report(v, d->line, d->column,
			    "Variable \"$%s\" is never used in operation \"%s\".",
			    d->name.s, di->d->name.s) : report(v, d->line,
			    d->column, "Variable \"$%s\" is never used.",
			    d->name.s)) == -1)
				return -1;
		}
	}
	return 0;
}

struct cycle_frame {
	struct def_info	*f;
	size_t		 i;
};

/* The spreads path[from..n) as "A", "B" for a cycle's message. */
static const char *
cycle_via(struct validator *v, const struct gql_selection **path, size_t from,
    size_t n)
{
	const char	*via = "";
	size_t		 i;

	for (i = from; i + 1 < n; i++)
		via = arena_printf(v->a, "%s%s\"%s\"", via, i > from ? ", " : "",
		    path[i]->name.s);
	return via;
}

/*
 * NoFragmentCyclesRule from the fragment di: graphql-js's depth-first
 * search with an explicit stack. v->seen holds visited marks (1) and
 * the 1-based position of a fragment on the spread path (> 1).
 */
static int
no_fragment_cycles(struct validator *v, struct def_info *di)
{
	struct cycle_frame		 *stack;
	const struct gql_selection	**path;
	struct def_info			 *f;
	size_t				  top = 0, n = 0, at;
	const char			 *via;

	if ((f = fragment(v, di->d->name.s)) == NULL || v->seen[f - v->defs])
		return 0;
	v->seen[f - v->defs] = 1;
	if (f->nspreads == 0)
		return 0;
	stack = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*stack));
	path = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*path));
	v->seen[f - v->defs] = 2;	/* on the path at 0 */
	stack[top++] = (struct cycle_frame){ f, 0 };
	while (top > 0) {
		struct cycle_frame *fr = &stack[top - 1];

		if (fr->i == fr->f->nspreads) {
			v->seen[fr->f - v->defs] = 1;
			if (--top > 0)
				n--;
			continue;
		}
		path[n++] = fr->f->spreads[fr->i++];
		f = fragment(v, path[n - 1]->name.s);
		if (f != NULL && v->seen[f - v->defs] >= 2) {
			at = v->seen[f - v->defs] - 2;
			via = cycle_via(v, path, at, n);
			if (report(v, path[at]->line, path[at]->column, "Cannot "
			    "spread fragment \"%s\" within itself%s%s.",
			    path[n - 1]->name.s, *via ? " via " : "", via) == -1)
				return -1;
			if (n - at > 1)
				second_location(v, path[at + 1]->line,
				    path[at + 1]->column);
		} else if (f != NULL && v->seen[f - v->defs] == 0) {
			v->seen[f - v->defs] = 1;
			if (f->nspreads > 0) {
				v->seen[f - v->defs] = n + 2;
				stack[top++] = (struct cycle_frame){ f, 0 };
				continue;
			}
		}
		n--;
	}
	return 0;
}

/* NoUnusedFragmentsRule, at the document's end. */
static int
unused_fragments(struct validator *v)
{
	struct def_info	**frags;
	char		 *used = arena_alloc(v->a, v->ndefs + 1);
	size_t		  i, k, n;

	memset(used, 0, v->ndefs + 1);
	frags = arena_alloc(v->a, (v->ndefs + 1) * sizeof(*frags));
	for (i = 0; i < v->ndefs; i++) {
		if (v->defs[i].d->kind != GQL_D_OPERATION)
			continue;
		n = referenced_fragments(v, &v->defs[i], frags);
		for (k = 0; k < n; k++)
			used[frags[k] - v->defs] = 1;
	}
	for (i = 0; i < v->ndefs; i++) {
		const struct gql_definition *d = v->defs[i].d;
		const struct def_info *f;

		if (d->kind != GQL_D_FRAGMENT ||
		    ((f = fragment(v, d->name.s)) != NULL && used[f - v->defs]))
			continue;
		if (report(v, d->line, d->column, "Fragment \"%s\" is never used.",
		    d->name.s) == -1)
			return -1;
	}
	return 0;
}

/* Whether @skip / @include with literal arguments leave s out. */
static int
is_skipped(const struct gql_directive *d)
{
	for (; d != NULL; d = d->next) {
		if (d->args == NULL || strcmp(d->args->name.s, "if") != 0 ||
		    d->args->value->kind != GQL_V_BOOLEAN)
			continue;
		if (strcmp(d->name.s, "skip") == 0 && d->args->value->boolean)
			return 1;
		if (strcmp(d->name.s, "include") == 0 && !d->args->value->boolean)
			return 1;
	}
	return 0;
}

struct top_field {
	const char			*response;
	const struct gql_selection	*first;
};

/* collectFields of the subscription root, by response name, bounded. */
static void
collect_top(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *root, struct top_field *out, size_t *n,
    char *taken, unsigned int depth)
{
	const struct gql_ntype	*t;
	struct def_info		*f;
	const char		*r;
	size_t			 i;

	if (depth > GQL_MAX_SPREAD_DEPTH) {
		v->is_too_deep = 1;
		return;
	}
	for (; s != NULL; s = s->next) {
		if (is_skipped(s->directives))
			continue;
		if (s->kind == GQL_S_FIELD) {
			r = s->alias.s ? s->alias.s : s->name.s;
			for (i = 0; i < *n && strcmp(out[i].response, r) != 0; i++)
				;
			if (i == *n)
				out[(*n)++] = (struct top_field){ r, s };
			continue;
		}
		if (s->kind == GQL_S_SPREAD) {
			if ((f = fragment(v, s->name.s)) == NULL ||
			    taken[f - v->defs])
				continue;
			taken[f - v->defs] = 1;
			t = gql_schema_type(v->s, f->d->type_condition.s,
			    f->d->type_condition.len);
			if (t != NULL && gql_type_is_possible(t, root))
				collect_top(v, f->d->selections, root, out, n,
				    taken, depth + 1);
			continue;
		}
		t = s->type_condition.s == NULL ? root : gql_schema_type(v->s,
		    s->type_condition.s, s->type_condition.len);
		if (t != NULL && gql_type_is_possible(t, root))
			collect_top(v, s->selections, root, out, n, taken, depth);
	}
}

/* SingleFieldSubscriptionsRule. */
static int
single_field_subscription(struct validator *v, const struct gql_definition *d)
{
	struct top_field	*top;
	char			*taken = arena_alloc(v->a, v->ndefs + 1);
	size_t			 n = 0, i, cap = count_selections(d->selections);
	const char		*name = d->name.s;

	for (i = 0; i < v->nfrags; i++)
		cap += count_selections(v->frags[i]->d->selections);
	top = arena_alloc(v->a, (cap + 1) * sizeof(*top));
	memset(taken, 0, v->ndefs + 1);
	collect_top(v, d->selections, v->s->subscription, top, &n, taken, 0);
	if (n > 1 && (name != NULL ? report(v, top[1].first->line,
	    top[1].first->column, "Subscription \"%s\" must select only one "
	    "top level field.", name) : report(v, top[1].first->line,
	    top[1].first->column, "Anonymous Subscription must select only one "
	    "top level field.")) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (strncmp(top[i].first->name.s, "__", 2) == 0 &&
		    (name != NULL ? report(v, top[i].first->line,
		    top[i].first->column, "Subscription \"%s\" must not select an "
		    "introspection top level field.", name) : report(v,
		    top[i].first->line, top[i].first->column, "Anonymous "
		    "Subscription must not select an introspection top level "
		    "field.")) == -1)
			return -1;
	return 0;
}

/* ---- OverlappingFieldsCanBeMergedRule ---- */

/* A field collected from selection sets, inline fragments and spreads. */
struct ofield {
	const struct gql_ntype		*parent;	/* NULL: unknown */
	const struct gql_selection	*node;
	const struct gql_field		*def;	/* NULL: unknown */
	const char			*response;
	const char			*args;	/* canonical text */
	size_t				 origin;
};

/* A selection set to collect from, with its type and where it came from. */
struct oset {
	const struct gql_selection	*set;
	const struct gql_ntype		*parent;
	size_t				 origin;
};

/* Fields with the same response name, field, arguments, parent and def. */
struct oclass {
	const struct ofield		*f;	/* members f[0..n), in order */
	size_t				 n;
	int				 is_multi_origin;
	const struct gql_selection	*group_first;	/* of its response name */
};

/*
 * A conflict of two fields n1 and n2. graphql-js's locations are n1,
 * then the first fields of subfield conflicts, then n2: second is what
 * comes after n1.
 */
struct conflict {
	const char			*response, *reason;
	const struct gql_selection	*n1, *n2, *second;
	struct conflict			*next;
};

/* The arguments of a field, sorted, values printed with sorted objects. */
static const char *
canonical_args(struct validator *v, const struct gql_arg *args)
{
	struct gql_value	 obj;

	if (args == NULL)
		return "";
	memset(&obj, 0, sizeof(obj));
	obj.kind = GQL_V_OBJECT;
	obj.fields = (struct gql_arg *)args;
	return gql_value_string(v->a, &obj, 1);
}

static void
collect_fields(struct validator *v, const struct gql_selection *s,
    const struct gql_ntype *parent, size_t origin, struct ofield **out,
    size_t *n, size_t *cap, unsigned int depth)
{
	const struct gql_ntype	*t;
	struct def_info		*f;

	if (depth > GQL_MAX_SPREAD_DEPTH) {
		v->is_too_deep = 1;
		return;
	}
	for (; s != NULL && !v->is_too_complex; s = s->next) {
		if (s->kind == GQL_S_FIELD) {
			if (++v->work > GQL_MAX_MERGE_WORK) {
				v->is_too_complex = 1;
				return;
			}
			if (*n == *cap) {
				struct ofield *grown = arena_alloc(v->a, *cap * 2 *
				    sizeof(*grown));

				memcpy(grown, *out, *n * sizeof(*grown));
				*out = grown;
				*cap *= 2;
			}
			(*out)[(*n)++] = (struct ofield){ parent, s,
			    gql_schema_field(v->s, parent, s->name.s),
			    s->alias.s ? s->alias.s : s->name.s,
			    canonical_args(v, s->args), origin };
		} else if (s->kind == GQL_S_INLINE) {
			t = s->type_condition.s == NULL ? parent :
			    gql_schema_type(v->s, s->type_condition.s,
			    s->type_condition.len);
			collect_fields(v, s->selections, t, origin, out, n, cap,
			    depth);
		} else if ((f = fragment(v, s->name.s)) != NULL &&
		    v->expanded[f - v->defs] != v->gen) {
			v->expanded[f - v->defs] = v->gen;
			collect_fields(v, f->d->selections,
			    gql_schema_type(v->s, f->d->type_condition.s,
			    f->d->type_condition.len), origin, out, n, cap,
			    depth + 1);
		}
	}
}

/* Document order of two nodes. */
static int
cmp_position(const struct gql_selection *a, const struct gql_selection *b)
{
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->column == b->column ? 0 : (a->column < b->column ? -1 : 1);
}

static int
cmp_ptr(const void *a, const void *b)
{
	return a == b ? 0 : (a < b ? -1 : 1);
}

/* Order of fields by class: response name first, then the class key. */
static int
class_key_cmp(const struct ofield *a, const struct ofield *b)
{
	int	 c;

	if ((c = strcmp(a->response, b->response)) != 0 ||
	    (c = strcmp(a->node->name.s, b->node->name.s)) != 0 ||
	    (c = strcmp(a->args, b->args)) != 0 ||
	    (c = cmp_ptr(a->parent, b->parent)) != 0)
		return c;
	return cmp_ptr(a->def, b->def);
}

/* Within a class, document order (the nodes' order in memory is not). */
static int
by_class(const void *x, const void *y)
{
	const struct ofield	*a = x, *b = y;
	int			 c = class_key_cmp(a, b);

	return c != 0 ? c : cmp_position(a->node, b->node);
}

/* Classes in graphql-js's order: response names as first met, then classes. */
static int
by_first_met(const void *x, const void *y)
{
	const struct oclass	*a = x, *b = y;
	int			 c = cmp_position(a->group_first, b->group_first);

	return c != 0 ? c : cmp_position(a->f->node, b->f->node);
}

static size_t group_end(const struct oclass *, size_t, size_t);

/*
 * Response-name groups of cls (sorted by name) get their first field;
 * with is_met_order, classes are then ordered as graphql-js meets them
 * (the walk between two sets needs them sorted by name).
 */
static void
order_groups(struct oclass *cls, size_t n, int is_met_order)
{
	const struct gql_selection	*first;
	size_t				 g, end, i;

	for (g = 0; g < n; g = end) {
		end = group_end(cls, g, n);
		for (first = cls[g].f->node, i = g + 1; i < end; i++)
			if (cmp_position(cls[i].f->node, first) < 0)
				first = cls[i].f->node;
		for (i = g; i < end; i++)
			cls[i].group_first = first;
	}
	if (is_met_order)
		qsort(cls, n, sizeof(*cls), by_first_met);
}

/*
 * Collect the fields of sets into classes sorted by response name. A
 * fragment is expanded once per collection (v->seen against v->gen).
 */
static struct oclass *
classes_of(struct validator *v, const struct oset *sets, size_t nsets,
    int is_top, int is_met_order, size_t *nclasses)
{
	struct ofield	*fields;
	struct oclass	*cls;
	size_t		 n = 0, cap = 16, i, k = 0;

	fields = arena_alloc(v->a, cap * sizeof(*fields));
	v->gen++;
	for (i = 0; i < nsets; i++)
		collect_fields(v, sets[i].set, sets[i].parent, sets[i].origin,
		    &fields, &n, &cap, 0);
	/* In one selection set, every field is its own origin. */
	for (i = 0; is_top && i < n; i++)
		fields[i].origin = i;
	qsort(fields, n, sizeof(*fields), by_class);
	cls = arena_alloc(v->a, (n ? n : 1) * sizeof(*cls));
	for (i = 0; i < n; i++) {
		if (k > 0 && class_key_cmp(cls[k - 1].f, &fields[i]) == 0) {
			if (fields[i].origin != cls[k - 1].f->origin)
				cls[k - 1].is_multi_origin = 1;
			cls[k - 1].n++;
			continue;
		}
		cls[k++] = (struct oclass){ &fields[i], 1, 0, NULL };
	}
	order_groups(cls, k, is_met_order);
	*nclasses = k;
	return cls;
}

/* The sub-selections of a class's members, each with its origin. */
static struct oset *
subsets_of(struct validator *v, const struct oclass *k, size_t *n)
{
	struct oset	*sets = arena_alloc(v->a, k->n * sizeof(*sets));
	size_t		 i;

	*n = 0;
	for (i = 0; i < k->n; i++)
		if (k->f[i].node->selections != NULL)
			sets[(*n)++] = (struct oset){ k->f[i].node->selections,
			    k->f[i].def ? gql_tref_named(k->f[i].def->type) : NULL,
			    k->f[i].origin };
	return sets;
}

static int
is_leaf(const struct gql_ntype *t)
{
	return t->kind == GQL_K_SCALAR || t->kind == GQL_K_ENUM;
}

/* doTypesConflict: lists and non-null must match, leaves be the same. */
static int
types_conflict(const struct gql_tref *a, const struct gql_tref *b)
{
	if (a->is_non_null != b->is_non_null || (a->of == NULL) != (b->of == NULL))
		return 1;
	if (a->of != NULL)
		return types_conflict(a->of, b->of);
	return (is_leaf(a->named) || is_leaf(b->named)) && a->named != b->named;
}

static struct conflict *between(struct validator *, const struct oset *,
    size_t, const struct oset *, size_t, int, unsigned int, size_t);

/* graphql-js's reasonMessage for a list of subfield conflicts. */
static const char *
subfield_reason(struct validator *v, const struct conflict *c)
{
	const char	*r = "";

	for (; c != NULL; c = c->next)
		r = arena_printf(v->a, "%s%ssubfields \"%s\" conflict because %s",
		    r, *r ? " and " : "", c->response, c->reason);
	return r;
}

/* findConflict between two classes of one response name; NULL: none. */
static const char *
class_conflict(struct validator *v, const struct oclass *k1,
    const struct oclass *k2, int is_exclusive, unsigned int depth,
    const struct gql_selection **second)
{
	const struct ofield	*a = k1->f, *b = k2->f;
	struct oset		*s1, *s2;
	struct conflict		*sub;
	size_t			 n1, n2;

	is_exclusive = is_exclusive || (a->parent != b->parent &&
	    a->parent != NULL && b->parent != NULL &&
	    a->parent->kind == GQL_K_OBJECT && b->parent->kind == GQL_K_OBJECT);
	if (!is_exclusive && strcmp(a->node->name.s, b->node->name.s) != 0)
		return arena_printf(v->a, "\"%s\" and \"%s\" are different fields",
		    a->node->name.s, b->node->name.s);
	if (!is_exclusive && strcmp(a->args, b->args) != 0)
		return "they have differing arguments";
	if (a->def != NULL && b->def != NULL &&
	    types_conflict(a->def->type, b->def->type))
		return arena_printf(v->a, "they return conflicting types \"%s\" "
		    "and \"%s\"", gql_tref_string(v->a, a->def->type),
		    gql_tref_string(v->a, b->def->type));
	s1 = subsets_of(v, k1, &n1);
	s2 = subsets_of(v, k2, &n2);
	if (n1 == 0 || n2 == 0 ||
	    (sub = between(v, s1, n1, s2, n2, is_exclusive, depth + 1,
	    GQL_MAX_ERRORS)) == NULL)
		return NULL;
	*second = sub->n1;
	return subfield_reason(v, sub);
}

/* A conflict of k1 and k2 (k1 == k2: two of its members) at the tail. */
static struct conflict *
add_conflict(struct validator *v, struct conflict **tail, const char *reason,
    const struct oclass *k1, const struct oclass *k2,
    const struct gql_selection *second)
{
	struct conflict	*c = arena_alloc(v->a, sizeof(*c));
	size_t		 i = 0;

	if (k1 == k2)
		for (i = 1; i + 1 < k1->n && k1->f[i].origin == k1->f[0].origin;
		    i++)
			;
	*c = (struct conflict){ k1->f->response, reason, k1->f->node,
	    k2->f[i].node, second != NULL ? second : k2->f[i].node, NULL };
	*tail = c;
	return c;
}

/* The end of the response-name group starting at classes[i]. */
static size_t
group_end(const struct oclass *k, size_t i, size_t n)
{
	size_t	 j = i + 1;

	while (j < n && strcmp(k[j].f->response, k[i].f->response) == 0)
		j++;
	return j;
}

/* Whether two classes hold fields of different origins. */
static int
is_cross_origin(const struct oclass *a, const struct oclass *b)
{
	return a->is_multi_origin || b->is_multi_origin ||
	    a->f->origin != b->f->origin;
}

static int
too_deep_to_merge(struct validator *v, unsigned int depth)
{
	if (depth <= 2 * GQL_MAX_SPREAD_DEPTH)
		return 0;
	v->is_too_complex = 1;
	return 1;
}

/*
 * findConflictsWithinSelectionSet over the fields of sets: every pair of
 * classes of a response name with fields of different origins, and
 * each class's members' sub-selections against each other.
 */
static struct conflict *
within(struct validator *v, const struct oset *sets, size_t nsets, int is_top,
    unsigned int depth, size_t limit)
{
	struct oclass	*k;
	struct conflict	*head = NULL, **tail = &head, *sub;
	struct oset			*subs;
	size_t				 n, i, j, g, end, nsubs, found = 0;
	const char			*r;
	const struct gql_selection	*second;

	if (too_deep_to_merge(v, depth))
		return NULL;
	k = classes_of(v, sets, nsets, is_top, 1, &n);
	/* Past limit conflicts, more would only be cut off (or joined). */
	for (g = 0; g < n && !v->is_too_complex && found < limit; g = end) {
		end = group_end(k, g, n);
		for (i = g; i < end && found < limit; i++) {
			subs = subsets_of(v, &k[i], &nsubs);
			if (k[i].is_multi_origin && nsubs > 1 &&
			    (sub = within(v, subs, nsubs, 0, depth + 1,
			    GQL_MAX_ERRORS)) != NULL && ++found)
				tail = &add_conflict(v, tail, subfield_reason(v, sub),
				    &k[i], &k[i], sub->n1)->next;
			for (j = i + 1; j < end && found < limit; j++) {
				second = NULL;
				if (is_cross_origin(&k[i], &k[j]) && (r =
				    class_conflict(v, &k[i], &k[j], 0, depth,
				    &second)) != NULL && ++found)
					tail = &add_conflict(v, tail, r, &k[i],
					    &k[j], second)->next;
			}
		}
	}
	return head;
}

/* findConflictsBetweenSubSelectionSets: classes of one side against the other's. */
static struct conflict *
between(struct validator *v, const struct oset *s1, size_t n1,
    const struct oset *s2, size_t n2, int is_exclusive, unsigned int depth,
    size_t limit)
{
	struct oclass	*k1, *k2;
	struct conflict	*head = NULL, **tail = &head;
	size_t				 m1, m2, i = 0, j = 0, e1, e2, a, b,
					 found = 0;
	const char			*r;
	const struct gql_selection	*second;
	int				 c;

	if (too_deep_to_merge(v, depth))
		return NULL;
	k1 = classes_of(v, s1, n1, 0, 0, &m1);
	k2 = classes_of(v, s2, n2, 0, 0, &m2);
	while (i < m1 && j < m2 && !v->is_too_complex && found < limit) {
		c = strcmp(k1[i].f->response, k2[j].f->response);
		e1 = group_end(k1, i, m1);
		e2 = group_end(k2, j, m2);
		if (c == 0)
			for (a = i; a < e1 && found < limit; a++)
				for (b = j; b < e2 && found < limit; b++) {
					second = NULL;
					if ((r = class_conflict(v, &k1[a], &k2[b],
					    is_exclusive, depth, &second)) != NULL &&
					    ++found)
						tail = &add_conflict(v, tail, r,
						    &k1[a], &k2[b], second)->next;
				}
		if (c <= 0)
			i = e1;
		if (c >= 0)
			j = e2;
	}
	return head;
}

/* OverlappingFieldsCanBeMergedRule at one selection set. */
static int
merge_check(struct validator *v, const struct gql_selection *set,
    const struct gql_ntype *parent)
{
	struct oset		 top = { set, parent, 0 };
	const struct conflict	*c;

	if (v->is_too_complex)
		return 0;
	for (c = within(v, &top, 1, 1, 0, v->max + 1 - v->out->n); c != NULL;
	    c = c->next) {
		if (report(v, c->n1->line, c->n1->column, "Fields \"%s\" conflict "
		    "because %s. Use different aliases on the fields to fetch "
		    "both if this was intentional.", c->response, c->reason) == -1)
			return -1;
		second_location(v, c->second->line, c->second->column);
	}
	return 0;
}

/* ---- the entry point ---- */

static int
walk_definitions(struct validator *v)
{
	size_t	 i;

	for (i = 0; i < v->ndefs; i++) {
		v->cur = &v->defs[i];
		if ((v->defs[i].d->kind == GQL_D_OPERATION ?
		    walk_operation(v, &v->defs[i]) :
		    walk_fragment(v, &v->defs[i])) == -1)
			return -1;
	}
	return 0;
}

int
gql_validate(struct arena *a, const struct gql_schema *s,
    const struct gql_document *doc, size_t max_errors, struct gql_verrors *out)
{
	struct validator	 v;

	memset(&v, 0, sizeof(v));
	v.a = a;
	v.s = s;
	v.out = out;
	v.max = max_errors ? max_errors : GQL_MAX_ERRORS;
	out->n = 0;
	out->items = arena_alloc(a, (v.max + 1) * sizeof(*out->items));
	memset(out->items, 0, (v.max + 1) * sizeof(*out->items));
	index_document(&v, doc);
	/* First the variable usages of every definition, then the rules. */
	v.is_collecting = 1;
	(void)walk_definitions(&v);
	v.is_collecting = 0;
	if (walk_definitions(&v) == 0 && unused_fragments(&v) == 0) {
		if (v.is_too_deep)
			(void)report(&v, 0, 0, "Fragment spreads nest deeper "
			    "than %d levels.", GQL_MAX_SPREAD_DEPTH);
		else if (v.is_too_complex)
			(void)report(&v, 0, 0, "Document is too complex to check "
			    "that its fields can be merged.");
	}
	return out->n == 0 ? 0 : -1;
}
