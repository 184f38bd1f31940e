/*
 * lib/graphql-exec.c: ExecuteRequest of the October 2021 specification
 * over a validated document (lib/graphql-exec.h): the operation, its
 * variables coerced, its measure checked against the limits, then its
 * selection sets executed and completed with graphql-js 16's messages.
 * Introspection values come from lib/graphql-introspect.c.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json.h>

#include "lib/buf.h"
#include "lib/graphql.h"
#include "lib/graphql-exec.h"
#include "lib/graphql-introspect.h"
#include "lib/graphql-schema.h"
#include "lib/mem.h"

#define DEFAULT_MAX_DEPTH	15
#define DEFAULT_MAX_FIELDS	2000
#define DEFAULT_MAX_COMPLETED	100000
/* Measuring recurses at most this deep: selection sets and spreads. */
#define MEASURE_MAX_FRAMES	128
/* Fragment spreads followed inside fragment spreads when collecting. */
#define MAX_SPREAD_CHAIN	64
/* The path string handed to resolvers. */
#define PATH_MAX_BYTES		1024

/* A response path: keys and list indexes, innermost last. */
struct path {
	const struct path	*prev;
	const char		*key;		/* NULL: index */
	size_t			 index;
};

/* The fragments of a document, sorted by name for lookups. */
struct frags {
	const struct gql_definition	**list;
	size_t				  n;
	unsigned int			 *visited;	/* generation marks */
	unsigned int			  gen;
};

/* Fields collected under one response key, in order of appearance. */
struct group {
	const char			 *key;
	const struct gql_selection	**nodes;
	size_t				  n, cap;
};

/* CollectFields' result: groups in order, with a hash index on keys. */
struct fieldset {
	struct group	*groups;
	size_t		 n, cap;
	size_t		*slots;		/* index + 1; 0: empty */
	size_t		 nslots;
};

struct exec {
	struct arena			*a;
	const struct gql_schema		*s;
	const struct gql_document	*doc;
	const struct gql_resolver	*r;
	unsigned int			 flags;
	size_t				 max_completed;
	size_t				 completed;
	int				 is_stopped;
	struct json_object		*vars;		/* coerced */
	struct json_object		*errors;
	struct frags			 frags;
};

/* What completion knows of the field a value belongs to. */
struct finfo {
	const struct gql_ntype		*parent_type;
	const struct gql_field		*field;
	const struct group		*g;
};

/* ---- small helpers ---- */

static void
jadd(struct json_object *obj, const char *key, struct json_object *v)
{
	if (json_object_object_add(obj, key, v) != 0)
		abort();
}

static void
jpush(struct json_object *arr, struct json_object *v)
{
	if (json_object_array_add(arr, v) != 0)
		abort();
}

static const char *
field_name(const struct gql_field *f)
{
	return f->def->name;
}

static const char *
tref_string(struct exec *e, const struct gql_tref *t)
{
	return gql_tref_string(e->a, t);
}

static const char * __attribute__((format(printf, 2, 3)))
msg(struct exec *e, const char *fmt, ...)
{
	va_list		 ap;
	const char	*s;

	va_start(ap, fmt);
	s = gql_vprintf(e->a, fmt, ap);
	va_end(ap);
	return s;
}

/* A double that is an integer JavaScript would print without a dot. */
static int
is_integral(double d)
{
	if (!isfinite(d))
		return 0;
	/* Past 2^53 every double is an integer. */
	if (d >= 9007199254740992.0 || d <= -9007199254740992.0)
		return 1;
	return d == (double)(int64_t)d;
}

/* JavaScript's String(number), for messages and String serialization. */
static const char *
js_number(struct arena *a, struct json_object *v)
{
	char	 tmp[40];
	double	 d;
	int	 prec, n;

	if (json_object_get_type(v) == json_type_int)
		return arena_printf(a, "%lld",
		    (long long)json_object_get_int64(v));
	d = json_object_get_double(v);
	if (isnan(d))
		return "NaN";
	if (isinf(d))
		return d > 0 ? "Infinity" : "-Infinity";
	if (d > -1e21 && d < 1e21 && is_integral(d))
		return arena_printf(a, "%.0f", d);
	for (prec = 1; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return "NaN";
		if (strtod(tmp, NULL) == d)
			break;
	}
	return arena_strdup(a, tmp);
}

/*
 * graphql-js's inspect() of a JSON value, for messages: strings quoted,
 * objects "{ a: 1 }", arrays "[1, 2]", nesting past two levels
 * "[Object]" / "[Array]", lists past ten items "... n more items".
 */
static int
inspect_into(struct arena *a, struct buf *b, struct json_object *v,
    unsigned int depth)
{
	size_t	 i, n;
	int	 any = 0;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return buf_adds(b, "null");
	case json_type_boolean:
		return buf_adds(b, json_object_get_boolean(v) ? "true" : "false");
	case json_type_int:
	case json_type_double:
		return buf_adds(b, js_number(a, v));
	case json_type_string:
		return buf_adds(b, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_NOSLASHESCAPE));
	case json_type_array:
		n = json_object_array_length(v);
		if (n == 0)
			return buf_adds(b, "[]");
		if (depth >= 2)
			return buf_adds(b, "[Array]");
		if (buf_adds(b, "[") == -1)
			return -1;
		for (i = 0; i < n && i < 10; i++)
			if ((i > 0 && buf_adds(b, ", ") == -1) ||
			    inspect_into(a, b, json_object_array_get_idx(v, i),
			    depth + 1) == -1)
				return -1;
		if (n > 10 && buf_addf(b, ", ... %zu more item%s", n - 10,
		    n - 10 > 1 ? "s" : "") == -1)
			return -1;
		return buf_adds(b, "]");
	case json_type_object:
		if (json_object_object_length(v) == 0)
			return buf_adds(b, "{}");
		if (depth >= 2)
			return buf_adds(b, "[Object]");
		if (buf_adds(b, "{ ") == -1)
			return -1;
		json_object_object_foreach(v, key, val) {
			if ((any++ && buf_adds(b, ", ") == -1) ||
			    buf_adds(b, key) == -1 || buf_adds(b, ": ") == -1 ||
			    inspect_into(a, b, val, depth + 1) == -1)
				return -1;
		}
		return buf_adds(b, " }");
	}
	return -1;
}

static const char *
inspect(struct arena *a, struct json_object *v)
{
	struct buf	 b;
	const char	*s;

	buf_init(&b, 512);
	if (inspect_into(a, &b, v, 0) == -1)
		(void)buf_adds(&b, "...");
	s = arena_strdup(a, b.data != NULL ? b.data : "");
	buf_release(&b);
	return s;
}

/* ---- errors ---- */

static struct json_object *
path_json(const struct path *p)
{
	struct json_object	 *arr = jcheck(json_object_new_array());
	const struct path	**list, *q;
	size_t			  n = 0, i;

	for (q = p; q != NULL; q = q->prev)
		n++;
	if (n == 0)
		return arr;
	list = xcalloc(n, sizeof(*list));
	for (i = n, q = p; q != NULL; q = q->prev)
		list[--i] = q;
	for (i = 0; i < n; i++)
		jpush(arr, list[i]->key != NULL ?
		    jcheck(json_object_new_string(list[i]->key)) :
		    jcheck(json_object_new_int64((int64_t)list[i]->index)));
	free(list);
	return arr;
}

/*
 * Append an error: message at line:column (0: no locations), at path
 * (with_path 0: none, a request error), with extensions (consumed).
 */
static void
add_error(struct exec *e, const char *message, unsigned int line,
    unsigned int column, int with_path, const struct path *path,
    struct json_object *extensions)
{
	struct json_object	*err, *locs, *loc;

	if (e->errors == NULL)
		e->errors = jcheck(json_object_new_array());
	err = jcheck(json_object_new_object());
	jadd(err, "message", jcheck(json_object_new_string(message)));
	if (line > 0) {
		locs = jcheck(json_object_new_array());
		loc = jcheck(json_object_new_object());
		jadd(loc, "line", jcheck(json_object_new_int(line)));
		jadd(loc, "column", jcheck(json_object_new_int(column)));
		jpush(locs, loc);
		jadd(err, "locations", locs);
	}
	if (with_path)
		jadd(err, "path", path_json(path));
	if (extensions != NULL)
		jadd(err, "extensions", extensions);
	jpush(e->errors, err);
}

/* A field error at the field's first node. */
static void
field_error(struct exec *e, const struct finfo *fi, const struct path *path,
    const char *message)
{
	const struct gql_selection *n = fi->g->nodes[0];

	add_error(e, message, n->line, n->column, 1, path, NULL);
}

/* ---- fragments ---- */

static int
frag_cmp(const void *x, const void *y)
{
	const struct gql_definition *const *a = x, *const *b = y;

	return strcmp((*a)->name.s, (*b)->name.s);
}

static void
frags_init(struct frags *f, const struct gql_document *doc)
{
	const struct gql_definition	*d;
	size_t				 n = 0;

	memset(f, 0, sizeof(*f));
	for (d = doc->definitions; d != NULL; d = d->next)
		if (d->kind == GQL_D_FRAGMENT)
			n++;
	f->list = xcalloc(n ? n : 1, sizeof(*f->list));
	f->visited = xcalloc(n ? n : 1, sizeof(*f->visited));
	for (d = doc->definitions; d != NULL; d = d->next)
		if (d->kind == GQL_D_FRAGMENT)
			f->list[f->n++] = d;
	qsort(f->list, f->n, sizeof(*f->list), frag_cmp);
}

static void
frags_release(struct frags *f)
{
	free(f->list);
	free(f->visited);
	memset(f, 0, sizeof(*f));
}

/* The index of the fragment called name, or -1. */
static long
frag_find(const struct frags *f, const struct gql_str *name)
{
	size_t	 lo = 0, hi = f->n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name->s, f->list[mid]->name.s);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* ---- @skip and @include ---- */

/*
 * The if: argument of directive d as a boolean: a literal, or a
 * variable's value in vars; dflt when it cannot be read.
 */
static int
directive_if(const struct gql_directive *d, struct json_object *vars,
    int dflt)
{
	const struct gql_arg	*arg;
	struct json_object	*v;

	for (arg = d->args; arg != NULL; arg = arg->next)
		if (strcmp(arg->name.s, "if") == 0)
			break;
	if (arg == NULL)
		return dflt;
	if (arg->value->kind == GQL_V_BOOLEAN)
		return arg->value->boolean;
	if (arg->value->kind == GQL_V_VARIABLE && vars != NULL &&
	    json_object_object_get_ex(vars, arg->value->text.s, &v) &&
	    json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	return dflt;
}

static int
should_include(const struct gql_directive *dirs, struct json_object *vars)
{
	const struct gql_directive	*d;

	for (d = dirs; d != NULL; d = d->next) {
		if (strcmp(d->name.s, "skip") == 0 && directive_if(d, vars, 0))
			return 0;
		if (strcmp(d->name.s, "include") == 0 &&
		    !directive_if(d, vars, 1))
			return 0;
	}
	return 1;
}

/* ---- the operation ---- */

static char	 unknown_op[256];

const struct gql_definition *
gql_exec_operation(const struct gql_document *doc, const char *name,
    const char **message)
{
	const struct gql_definition	*d, *found = NULL;

	*message = NULL;
	for (d = doc->definitions; d != NULL; d = d->next) {
		if (d->kind != GQL_D_OPERATION)
			continue;
		if (name == NULL) {
			if (found != NULL) {
				*message = "Must provide operation name if "
				    "query contains multiple operations.";
				return NULL;
			}
			found = d;
		} else if (d->name.s != NULL && strcmp(d->name.s, name) == 0)
			return d;
	}
	if (found != NULL)
		return found;
	if (name == NULL)
		*message = "Must provide an operation.";
	else {
		/* Valid until the next call: the caller copies or uses it. */
		(void)snprintf(unknown_op, sizeof(unknown_op),
		    "Unknown operation named \"%.200s\".", name);
		*message = unknown_op;
	}
	return NULL;
}

/* ---- measuring ---- */

struct measurer {
	const struct frags	*frags;
	struct json_object	*vars;
	struct fmemo {
		int		 state;		/* 0 new, 1 measuring, 2 done */
		unsigned int	 height;
		size_t		 fields, direct;
	}			*memo;
	int			 is_overflow;	/* frames ran out */
};

static size_t
sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/*
 * The height (selection set levels), fields and direct fields (at this
 * level, through fragments) of set. Fragments are measured once.
 */
static void
measure_set(struct measurer *m, const struct gql_selection *set,
    unsigned int frames, unsigned int *height, size_t *fields, size_t *direct)
{
	const struct gql_selection	*sel;
	struct fmemo			*fm;
	unsigned int			 h, best = 1;
	size_t				 f = 0, d = 0, sf, sd;
	long				 k;

	*height = 0;
	*fields = *direct = 0;
	if (frames >= MEASURE_MAX_FRAMES) {
		m->is_overflow = 1;
		return;
	}
	for (sel = set; sel != NULL; sel = sel->next) {
		if (!should_include(sel->directives, m->vars))
			continue;
		switch (sel->kind) {
		case GQL_S_FIELD:
			f = sat_add(f, 1);
			d = sat_add(d, 1);
			if (sel->selections == NULL)
				break;
			measure_set(m, sel->selections, frames + 1, &h, &sf,
			    &sd);
			if (h + 1 > best)
				best = h + 1;
			f = sat_add(f, sf);
			break;
		case GQL_S_INLINE:
			measure_set(m, sel->selections, frames + 1, &h, &sf,
			    &sd);
			if (h > best)
				best = h;
			f = sat_add(f, sf);
			d = sat_add(d, sd);
			break;
		case GQL_S_SPREAD:
			if ((k = frag_find(m->frags, &sel->name)) < 0)
				break;
			fm = &m->memo[k];
			if (fm->state == 0) {
				fm->state = 1;
				measure_set(m, m->frags->list[k]->selections,
				    frames + 1, &fm->height, &fm->fields,
				    &fm->direct);
				fm->state = 2;
			}
			/* A cycle (not valid) counts as nothing. */
			if (fm->state != 2)
				break;
			if (fm->height > best)
				best = fm->height;
			f = sat_add(f, fm->fields);
			d = sat_add(d, fm->direct);
			break;
		}
	}
	*height = best;
	*fields = f;
	*direct = d;
}

int
gql_exec_measure(const struct gql_document *doc,
    const struct gql_definition *op, struct json_object *variables,
    unsigned int max_depth, struct gql_measure *out)
{
	struct measurer	 m;
	struct frags	 frags;

	memset(out, 0, sizeof(*out));
	if (max_depth == 0)
		max_depth = DEFAULT_MAX_DEPTH;
	frags_init(&frags, doc);
	memset(&m, 0, sizeof(m));
	m.frags = &frags;
	m.vars = variables;
	m.memo = xcalloc(frags.n ? frags.n : 1, sizeof(*m.memo));
	measure_set(&m, op->selections, 0, &out->depth, &out->fields,
	    &out->root_fields);
	free(m.memo);
	frags_release(&frags);
	return m.is_overflow || out->depth > max_depth ? -1 : 0;
}

/* ---- CollectFields ---- */

static size_t
key_hash(const char *s)
{
	size_t	 h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void
fs_rehash(struct fieldset *fs)
{
	size_t	 i, j, n = fs->nslots ? fs->nslots * 2 : 16;

	free(fs->slots);
	fs->slots = xcalloc(n, sizeof(*fs->slots));
	fs->nslots = n;
	for (i = 0; i < fs->n; i++) {
		for (j = key_hash(fs->groups[i].key) & (n - 1);
		    fs->slots[j] != 0; j = (j + 1) & (n - 1))
			;
		fs->slots[j] = i + 1;
	}
}

/* Add sel under key: to its group, or to a new group at the end. */
static void
fs_add(struct fieldset *fs, const char *key, const struct gql_selection *sel)
{
	struct group	*g;
	size_t		 j;

	if ((fs->n + 1) * 2 > fs->nslots)
		fs_rehash(fs);
	for (j = key_hash(key) & (fs->nslots - 1); fs->slots[j] != 0;
	    j = (j + 1) & (fs->nslots - 1))
		if (strcmp(fs->groups[fs->slots[j] - 1].key, key) == 0)
			break;
	if (fs->slots[j] != 0)
		g = &fs->groups[fs->slots[j] - 1];
	else {
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? fs->cap * 2 : 8;
			fs->groups = xrealloc(fs->groups,
			    fs->cap * sizeof(*fs->groups));
		}
		g = &fs->groups[fs->n++];
		memset(g, 0, sizeof(*g));
		g->key = key;
		fs->slots[j] = fs->n;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 2;
		g->nodes = xrealloc(g->nodes, g->cap * sizeof(*g->nodes));
	}
	g->nodes[g->n++] = sel;
}

static void
fs_release(struct fieldset *fs)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++)
		free(fs->groups[i].nodes);
	free(fs->groups);
	free(fs->slots);
	memset(fs, 0, sizeof(*fs));
}

/* DoesFragmentTypeApply: the type condition tc to the object type t. */
static int
type_applies(struct exec *e, const struct gql_ntype *t,
    const struct gql_str *tc)
{
	const struct gql_ntype	*c;

	if (tc->s == NULL)
		return 1;
	if ((c = gql_schema_type(e->s, tc->s, tc->len)) == NULL)
		return 0;
	if (c == t)
		return 1;
	return (c->kind == GQL_K_INTERFACE || c->kind == GQL_K_UNION) &&
	    gql_type_is_possible(c, t);
}

/* CollectFields of set for the object type t, into fs. */
static void
collect(struct exec *e, const struct gql_ntype *t,
    const struct gql_selection *set, struct fieldset *fs, unsigned int chain)
{
	const struct gql_selection	*sel;
	const struct gql_definition	*frag;
	long				 k;

	for (sel = set; sel != NULL; sel = sel->next) {
		if (!should_include(sel->directives, e->vars))
			continue;
		switch (sel->kind) {
		case GQL_S_FIELD:
			fs_add(fs, sel->alias.s != NULL ? sel->alias.s :
			    sel->name.s, sel);
			break;
		case GQL_S_INLINE:
			if (type_applies(e, t, &sel->type_condition))
				collect(e, t, sel->selections, fs, chain);
			break;
		case GQL_S_SPREAD:
			if (chain >= MAX_SPREAD_CHAIN ||
			    (k = frag_find(&e->frags, &sel->name)) < 0 ||
			    e->frags.visited[k] == e->frags.gen)
				break;
			e->frags.visited[k] = e->frags.gen;
			frag = e->frags.list[k];
			if (type_applies(e, t, &frag->type_condition))
				collect(e, t, frag->selections, fs, chain + 1);
			break;
		}
	}
}

/* Start a collection: a new generation of visited fragments. */
static void
collect_begin(struct exec *e)
{
	if (++e->frags.gen == 0) {
		memset(e->frags.visited, 0, (e->frags.n ? e->frags.n : 1) *
		    sizeof(*e->frags.visited));
		e->frags.gen = 1;
	}
}

/* ---- CoerceVariableValues: JSON input to a JSON value of a type ---- */

struct vcoerce {
	struct exec		*e;
	const struct gql_var_def *def;
	int			 nerrors;
};

static int
is_builtin_scalar(const struct gql_ntype *n, const char *name)
{
	return n->is_builtin && n->kind == GQL_K_SCALAR &&
	    strcmp(n->name, name) == 0;
}

/* An integral JSON number, within [lo, hi] when ranged. */
static int
json_integer(struct json_object *v, int64_t *out, int *is_ranged)
{
	double	 d;

	*is_ranged = 1;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 1;
	}
	if (!json_object_is_type(v, json_type_double))
		return 0;
	d = json_object_get_double(v);
	if (!is_integral(d))
		return 0;
	if (d < -9.2e18 || d > 9.2e18) {
		*is_ranged = 0;
		return 1;
	}
	*out = (int64_t)d;
	return 1;
}

/* "a.b[0]" of graphql-js's printPathArray, after the variable name. */
static const char *
input_path(struct arena *a, const struct path *p)
{
	const struct path	*q;
	size_t			 n = 0, i;
	const struct path	**list;
	struct buf		 b;
	const char		*s;

	for (q = p; q != NULL; q = q->prev)
		n++;
	if (n == 0)
		return "";
	list = xcalloc(n, sizeof(*list));
	for (i = n, q = p; q != NULL; q = q->prev)
		list[--i] = q;
	buf_init(&b, 512);
	for (i = 0; i < n; i++)
		if (list[i]->key != NULL)
			(void)buf_addf(&b, ".%s", list[i]->key);
		else
			(void)buf_addf(&b, "[%zu]", list[i]->index);
	free(list);
	s = arena_strdup(a, b.data != NULL ? b.data : "");
	buf_release(&b);
	return s;
}

static void
vc_error(struct vcoerce *c, const struct path *p, struct json_object *v,
    const char *message)
{
	struct exec		*e = c->e;
	const char		*at = "";

	if (p != NULL)
		at = msg(e, " at \"%s%s\"", c->def->name.s,
		    input_path(e->a, p));
	add_error(e, msg(e, "Variable \"$%s\" got invalid value %s%s; %s",
	    c->def->name.s, inspect(e->a, v), at, message), c->def->line,
	    c->def->column, 0, NULL, NULL);
	c->nerrors++;
}

static struct json_object *
coerce_leaf(struct vcoerce *c, const struct gql_ntype *n,
    struct json_object *v, const struct path *p)
{
	struct exec	*e = c->e;
	const struct gql_enum_value_def *ev;
	int64_t		 i = 0;
	int		 is_ranged;
	const char	*s;

	if (n->kind == GQL_K_ENUM) {
		if (!json_object_is_type(v, json_type_string)) {
			vc_error(c, p, v, msg(e, "Enum \"%s\" cannot represent "
			    "non-string value: %s.", n->name, inspect(e->a, v)));
			return NULL;
		}
		s = json_object_get_string(v);
		for (ev = n->def->values; ev->name != NULL; ev++)
			if (strcmp(ev->name, s) == 0)
				return jcheck(json_object_new_string(s));
		vc_error(c, p, v, msg(e, "Value \"%s\" does not exist in \"%s\" "
		    "enum.", s, n->name));
		return NULL;
	}
	if (is_builtin_scalar(n, "Int")) {
		if (!json_integer(v, &i, &is_ranged))
			vc_error(c, p, v, msg(e, "Int cannot represent "
			    "non-integer value: %s", inspect(e->a, v)));
		else if (!is_ranged || i < INT32_MIN || i > INT32_MAX)
			vc_error(c, p, v, msg(e, "Int cannot represent non "
			    "32-bit signed integer value: %s", inspect(e->a, v)));
		else
			return jcheck(json_object_new_int64(i));
		return NULL;
	}
	if (is_builtin_scalar(n, "Float")) {
		if (json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double))
			return jcheck(json_object_new_double(
			    json_object_get_double(v)));
		vc_error(c, p, v, msg(e, "Float cannot represent non numeric "
		    "value: %s", inspect(e->a, v)));
		return NULL;
	}
	if (is_builtin_scalar(n, "String")) {
		if (json_object_is_type(v, json_type_string))
			return jcheck(json_object_new_string(
			    json_object_get_string(v)));
		vc_error(c, p, v, msg(e, "String cannot represent a non string "
		    "value: %s", inspect(e->a, v)));
		return NULL;
	}
	if (is_builtin_scalar(n, "Boolean")) {
		if (json_object_is_type(v, json_type_boolean))
			return jcheck(json_object_new_boolean(
			    json_object_get_boolean(v)));
		vc_error(c, p, v, msg(e, "Boolean cannot represent a non "
		    "boolean value: %s", inspect(e->a, v)));
		return NULL;
	}
	if (is_builtin_scalar(n, "ID")) {
		if (json_object_is_type(v, json_type_string))
			return jcheck(json_object_new_string(
			    json_object_get_string(v)));
		if (json_integer(v, &i, &is_ranged) && is_ranged)
			return jcheck(json_object_new_string(
			    js_number(e->a, v)));
		vc_error(c, p, v, msg(e, "ID cannot represent value: %s",
		    inspect(e->a, v)));
		return NULL;
	}
	/* A custom scalar takes any JSON value as it is. */
	return json_object_get(v);
}

static int coerce_input(struct vcoerce *, const struct gql_tref *,
    struct json_object *, const struct path *, struct json_object **);

static struct json_object *
coerce_object(struct vcoerce *c, const struct gql_ntype *n,
    struct json_object *v, const struct path *p)
{
	struct exec		*e = c->e;
	struct json_object	*obj, *fv, *cv;
	const struct gql_input	*in;
	struct path		 fp;
	size_t			 i;

	if (!json_object_is_type(v, json_type_object)) {
		vc_error(c, p, v, msg(e, "Expected type \"%s\" to be an "
		    "object.", n->name));
		return NULL;
	}
	obj = jcheck(json_object_new_object());
	for (i = 0; i < n->ninput_fields; i++) {
		in = &n->input_fields[i];
		if (!json_object_object_get_ex(v, in->def->name, &fv)) {
			if (in->default_value != NULL) {
				if (gqlx_literal_json(in->type,
				    in->default_value, &cv) == 0)
					jadd(obj, in->def->name, cv);
			} else if (in->type->is_non_null)
				vc_error(c, p, v, msg(e, "Field \"%s\" of "
				    "required type \"%s\" was not provided.",
				    in->def->name, tref_string(e, in->type)));
			continue;
		}
		fp.prev = p;
		fp.key = in->def->name;
		fp.index = 0;
		if (coerce_input(c, in->type, fv, &fp, &cv) == 0)
			jadd(obj, in->def->name, cv);
	}
	json_object_object_foreach(v, key, val) {
		(void)val;
		if (gql_schema_input(n->input_fields, n->ninput_fields,
		    key) == NULL)
			vc_error(c, p, v, msg(e, "Field \"%s\" is not defined "
			    "by type \"%s\".", key, n->name));
	}
	return obj;
}

/*
 * CoerceInputValue of graphql-js: v (JSON, NULL for null) as a value of
 * t. 0 with *out (a new reference or NULL), or -1 after reporting.
 */
static int
coerce_input(struct vcoerce *c, const struct gql_tref *t,
    struct json_object *v, const struct path *p, struct json_object **out)
{
	const struct gql_ntype	*n;
	struct json_object	*arr, *item;
	struct path		 ip;
	size_t			 i, len;
	int			 before = c->nerrors;

	*out = NULL;
	if (t->is_non_null && v == NULL) {
		vc_error(c, p, v, msg(c->e, "Expected non-nullable type \"%s\" "
		    "not to be null.", tref_string(c->e, t)));
		return -1;
	}
	if (v == NULL)
		return 0;
	if (t->of != NULL && json_object_is_type(v, json_type_array)) {
		arr = jcheck(json_object_new_array());
		len = json_object_array_length(v);
		for (i = 0; i < len; i++) {
			ip.prev = p;
			ip.key = NULL;
			ip.index = i;
			if (coerce_input(c, t->of,
			    json_object_array_get_idx(v, i), &ip, &item) == 0)
				jpush(arr, item);
		}
		*out = arr;
	} else if (t->of != NULL) {
		if (coerce_input(c, t->of, v, p, &item) == 0) {
			*out = jcheck(json_object_new_array());
			jpush(*out, item);
		}
	} else {
		n = t->named;
		*out = n->kind == GQL_K_INPUT_OBJECT ?
		    coerce_object(c, n, v, p) : coerce_leaf(c, n, v, p);
	}
	if (c->nerrors == before)
		return 0;
	json_object_put(*out);
	*out = NULL;
	return -1;
}

/* A variable definition's type, resolved against the schema. */
static const struct gql_tref *
var_type(struct exec *e, const struct gql_type *t, unsigned int depth)
{
	struct gql_tref		*r;

	if (depth > GQL_MAX_DEPTH)
		return NULL;
	r = arena_alloc(e->a, sizeof(*r));
	r->is_non_null = t->is_non_null;
	if (t->of != NULL)
		r->of = var_type(e, t->of, depth + 1);
	else
		r->named = gql_schema_type(e->s, t->name.s, t->name.len);
	if (r->of == NULL && r->named == NULL)
		return NULL;
	if (r->named != NULL && !gql_type_is_input(r->named))
		return NULL;
	return r;
}

static int value_from_ast(const struct gql_tref *, const struct gql_value *,
    struct json_object *, struct json_object **);

/* CoerceVariableValues into e->vars. 0, or -1 with errors added. */
static int
coerce_variables(struct exec *e, const struct gql_definition *op,
    struct json_object *inputs)
{
	const struct gql_var_def	*d;
	const struct gql_tref		*t;
	struct json_object		*v, *cv;
	struct vcoerce			 c;

	e->vars = jcheck(json_object_new_object());
	memset(&c, 0, sizeof(c));
	c.e = e;
	if (inputs != NULL && !json_object_is_type(inputs, json_type_object))
		inputs = NULL;
	for (d = op->vars; d != NULL; d = d->next) {
		c.def = d;
		if ((t = var_type(e, d->type, 0)) == NULL) {
			add_error(e, msg(e, "Variable \"$%s\" expected value of "
			    "type \"%s\" which cannot be used as an input "
			    "type.", d->name.s, d->type->name.s != NULL ?
			    d->type->name.s : "?"), d->type->line,
			    d->type->column, 0, NULL, NULL);
			c.nerrors++;
			continue;
		}
		if (inputs == NULL ||
		    !json_object_object_get_ex(inputs, d->name.s, &v)) {
			if (d->default_value != NULL) {
				if (value_from_ast(t, d->default_value, NULL,
				    &cv) == 0)
					jadd(e->vars, d->name.s, cv);
			} else if (t->is_non_null) {
				add_error(e, msg(e, "Variable \"$%s\" of "
				    "required type \"%s\" was not provided.",
				    d->name.s, tref_string(e, t)), d->line,
				    d->column, 0, NULL, NULL);
				c.nerrors++;
			}
			continue;
		}
		if (v == NULL && t->is_non_null) {
			add_error(e, msg(e, "Variable \"$%s\" of non-null type "
			    "\"%s\" must not be null.", d->name.s,
			    tref_string(e, t)), d->line, d->column, 0, NULL,
			    NULL);
			c.nerrors++;
			continue;
		}
		if (coerce_input(&c, t, v, NULL, &cv) == 0)
			jadd(e->vars, d->name.s, cv);
	}
	return c.nerrors == 0 ? 0 : -1;
}

/* ---- valueFromAST: a literal (with variables) to JSON ---- */

static int
is_missing_var(const struct gql_value *v, struct json_object *vars)
{
	return v->kind == GQL_V_VARIABLE && (vars == NULL ||
	    !json_object_object_get_ex(vars, v->text.s, NULL));
}

/* An Int literal's text within 32 bits. */
static int
literal_int32(const char *text, int64_t *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || n < INT32_MIN || n > INT32_MAX)
		return -1;
	*out = n;
	return 0;
}

/* valueFromASTUntyped: a custom scalar's literal as JSON. */
static int
untyped_json(const struct gql_value *v, struct json_object *vars,
    struct json_object **out)
{
	const struct gql_value	*i;
	const struct gql_arg	*f;
	struct json_object	*item, *var;
	int64_t			 n;

	*out = NULL;
	switch (v->kind) {
	case GQL_V_VARIABLE:
		if (vars != NULL && json_object_object_get_ex(vars, v->text.s,
		    &var))
			*out = json_object_get(var);
		return 0;
	case GQL_V_INT:
		if (literal_int32(v->text.s, &n) == 0)
			*out = jcheck(json_object_new_int64(n));
		else
			*out = jcheck(json_object_new_double(strtod(v->text.s,
			    NULL)));
		return 0;
	case GQL_V_FLOAT:
		*out = jcheck(json_object_new_double(strtod(v->text.s, NULL)));
		return 0;
	case GQL_V_STRING:
	case GQL_V_ENUM:
		*out = jcheck(json_object_new_string_len(v->text.s,
		    (int)v->text.len));
		return 0;
	case GQL_V_BOOLEAN:
		*out = jcheck(json_object_new_boolean(v->boolean));
		return 0;
	case GQL_V_NULL:
		return 0;
	case GQL_V_LIST:
		*out = jcheck(json_object_new_array());
		for (i = v->items; i != NULL; i = i->next) {
			(void)untyped_json(i, vars, &item);
			jpush(*out, item);
		}
		return 0;
	case GQL_V_OBJECT:
		*out = jcheck(json_object_new_object());
		for (f = v->fields; f != NULL; f = f->next) {
			(void)untyped_json(f->value, vars, &item);
			jadd(*out, f->name.s, item);
		}
		return 0;
	}
	return 0;
}

static int
leaf_from_ast(const struct gql_ntype *n, const struct gql_value *v,
    struct json_object *vars, struct json_object **out)
{
	const struct gql_enum_value_def	*ev;
	int64_t				 i;

	if (n->kind == GQL_K_ENUM) {
		if (v->kind != GQL_V_ENUM)
			return -1;
		for (ev = n->def->values; ev->name != NULL; ev++)
			if (strcmp(ev->name, v->text.s) == 0) {
				*out = jcheck(json_object_new_string(ev->name));
				return 0;
			}
		return -1;
	}
	if (is_builtin_scalar(n, "Int")) {
		if (v->kind != GQL_V_INT || literal_int32(v->text.s, &i) == -1)
			return -1;
		*out = jcheck(json_object_new_int64(i));
	} else if (is_builtin_scalar(n, "Float")) {
		if (v->kind != GQL_V_INT && v->kind != GQL_V_FLOAT)
			return -1;
		*out = jcheck(json_object_new_double(strtod(v->text.s, NULL)));
	} else if (is_builtin_scalar(n, "String")) {
		if (v->kind != GQL_V_STRING)
			return -1;
		*out = jcheck(json_object_new_string_len(v->text.s,
		    (int)v->text.len));
	} else if (is_builtin_scalar(n, "Boolean")) {
		if (v->kind != GQL_V_BOOLEAN)
			return -1;
		*out = jcheck(json_object_new_boolean(v->boolean));
	} else if (is_builtin_scalar(n, "ID")) {
		if (v->kind != GQL_V_STRING && v->kind != GQL_V_INT)
			return -1;
		*out = jcheck(json_object_new_string_len(v->text.s,
		    (int)v->text.len));
	} else
		return untyped_json(v, vars, out);
	return 0;
}

static int
object_from_ast(const struct gql_ntype *n, const struct gql_value *v,
    struct json_object *vars, struct json_object **out)
{
	const struct gql_input	*in;
	const struct gql_arg	*f;
	struct json_object	*obj, *fv;
	size_t			 i;

	if (v->kind != GQL_V_OBJECT)
		return -1;
	obj = jcheck(json_object_new_object());
	for (i = 0; i < n->ninput_fields; i++) {
		in = &n->input_fields[i];
		for (f = v->fields; f != NULL; f = f->next)
			if (strcmp(f->name.s, in->def->name) == 0)
				break;
		if (f == NULL || is_missing_var(f->value, vars)) {
			if (in->default_value != NULL) {
				if (value_from_ast(in->type, in->default_value,
				    NULL, &fv) == -1)
					goto bad;
				jadd(obj, in->def->name, fv);
			} else if (in->type->is_non_null)
				goto bad;
			continue;
		}
		if (value_from_ast(in->type, f->value, vars, &fv) == -1)
			goto bad;
		jadd(obj, in->def->name, fv);
	}
	*out = obj;
	return 0;
bad:
	json_object_put(obj);
	return -1;
}

/*
 * graphql-js's valueFromAST: v as a value of t with the coerced vars.
 * 0 with *out (a new reference or NULL: null), or -1 (undefined: not a
 * value of t, or a missing variable where one is needed).
 */
static int
value_from_ast(const struct gql_tref *t, const struct gql_value *v,
    struct json_object *vars, struct json_object **out)
{
	const struct gql_value	*i;
	struct json_object	*arr, *item, *var;

	*out = NULL;
	if (v->kind == GQL_V_VARIABLE) {
		if (vars == NULL || !json_object_object_get_ex(vars,
		    v->text.s, &var) || (var == NULL && t->is_non_null))
			return -1;
		*out = json_object_get(var);
		return 0;
	}
	if (t->is_non_null && v->kind == GQL_V_NULL)
		return -1;
	if (v->kind == GQL_V_NULL)
		return 0;
	if (t->of != NULL && v->kind == GQL_V_LIST) {
		arr = jcheck(json_object_new_array());
		for (i = v->items; i != NULL; i = i->next) {
			if (is_missing_var(i, vars)) {
				if (t->of->is_non_null)
					goto bad;
				jpush(arr, NULL);
				continue;
			}
			if (value_from_ast(t->of, i, vars, &item) == -1)
				goto bad;
			jpush(arr, item);
		}
		*out = arr;
		return 0;
	}
	if (t->of != NULL) {
		if (value_from_ast(t->of, v, vars, &item) == -1)
			return -1;
		*out = jcheck(json_object_new_array());
		jpush(*out, item);
		return 0;
	}
	if (t->named->kind == GQL_K_INPUT_OBJECT)
		return object_from_ast(t->named, v, vars, out);
	return leaf_from_ast(t->named, v, vars, out);
bad:
	json_object_put(arr);
	return -1;
}

int
gqlx_literal_json(const struct gql_tref *t, const struct gql_value *v,
    struct json_object **out)
{
	return value_from_ast(t, v, NULL, out);
}

/*
 * CoerceArgumentValues of the field (or directive) arguments defs for
 * the node's args, into *out (a new object). 0, or -1 with *message.
 */
static int
coerce_args(struct exec *e, const struct gql_input *defs, size_t n,
    const struct gql_arg *given, struct json_object **out,
    const char **message)
{
	const struct gql_input	*in;
	const struct gql_arg	*a;
	struct json_object	*obj, *v, *var;
	size_t			 i;
	int			 is_null;

	*message = NULL;
	obj = jcheck(json_object_new_object());
	for (i = 0; i < n; i++) {
		in = &defs[i];
		for (a = given; a != NULL; a = a->next)
			if (strcmp(a->name.s, in->def->name) == 0)
				break;
		if (a == NULL || is_missing_var(a->value, e->vars)) {
			if (in->default_value != NULL) {
				if (value_from_ast(in->type, in->default_value,
				    NULL, &v) == 0)
					jadd(obj, in->def->name, v);
			} else if (in->type->is_non_null && a == NULL) {
				*message = msg(e, "Argument \"%s\" of required "
				    "type \"%s\" was not provided.",
				    in->def->name, tref_string(e, in->type));
				goto bad;
			} else if (in->type->is_non_null) {
				*message = msg(e, "Argument \"%s\" of required "
				    "type \"%s\" was provided the variable "
				    "\"$%s\" which was not provided a runtime "
				    "value.", in->def->name,
				    tref_string(e, in->type), a->value->text.s);
				goto bad;
			}
			continue;
		}
		is_null = a->value->kind == GQL_V_NULL;
		if (a->value->kind == GQL_V_VARIABLE) {
			(void)json_object_object_get_ex(e->vars,
			    a->value->text.s, &var);
			is_null = var == NULL;
		}
		if (is_null && in->type->is_non_null) {
			*message = msg(e, "Argument \"%s\" of non-null type "
			    "\"%s\" must not be null.", in->def->name,
			    tref_string(e, in->type));
			goto bad;
		}
		if (value_from_ast(in->type, a->value, e->vars, &v) == -1) {
			*message = msg(e, "Argument \"%s\" has invalid value "
			    "%s.", in->def->name,
			    gql_value_string(e->a, a->value, 0));
			goto bad;
		}
		jadd(obj, in->def->name, v);
	}
	*out = obj;
	return 0;
bad:
	json_object_put(obj);
	*out = NULL;
	return -1;
}

/* ---- ExecuteSelectionSet and CompleteValue ---- */

static int execute_set(struct exec *, const struct gql_ntype *,
    struct json_object *, const struct fieldset *, const struct path *,
    struct json_object **);

/* "me.appointments.0" for the resolver, in the arena. */
static const char *
path_string(struct exec *e, const struct path *p)
{
	const char	*s = input_path(e->a, p);

	/* input_path writes ".a[0]": turn it into "a.0". */
	struct buf	 b;
	const char	*out;

	buf_init(&b, PATH_MAX_BYTES);
	for (; *s != '\0'; s++) {
		if (*s == '[')
			(void)buf_adds(&b, b.len > 0 ? "." : "");
		else if (*s == ']')
			continue;
		else if (*s == '.' && b.len == 0)
			continue;
		else
			(void)buf_add(&b, s, 1);
	}
	out = arena_strdup(e->a, b.data != NULL ? b.data : "");
	buf_release(&b);
	return out;
}

/* Serialize v as the built-in or custom scalar n, or NULL with *err. */
static struct json_object *
serialize_scalar(struct exec *e, const struct gql_ntype *n,
    struct json_object *v, const char **err)
{
	enum json_type	 jt = json_object_get_type(v);
	int64_t		 i = 0;
	int		 is_ranged;

	*err = NULL;
	if (is_builtin_scalar(n, "Int")) {
		if (jt == json_type_boolean)
			return jcheck(json_object_new_int(
			    json_object_get_boolean(v)));
		if (!json_integer(v, &i, &is_ranged))
			*err = msg(e, "Int cannot represent non-integer value: "
			    "%s", inspect(e->a, v));
		else if (!is_ranged || i < INT32_MIN || i > INT32_MAX)
			*err = msg(e, "Int cannot represent non 32-bit signed "
			    "integer value: %s", inspect(e->a, v));
		else
			return jcheck(json_object_new_int64(i));
		return NULL;
	}
	if (is_builtin_scalar(n, "Float")) {
		if (jt == json_type_boolean)
			return jcheck(json_object_new_double(
			    json_object_get_boolean(v)));
		if ((jt == json_type_int || jt == json_type_double) &&
		    isfinite(json_object_get_double(v)))
			return json_object_get(v);
		*err = msg(e, "Float cannot represent non numeric value: %s",
		    inspect(e->a, v));
		return NULL;
	}
	if (is_builtin_scalar(n, "String")) {
		if (jt == json_type_string)
			return json_object_get(v);
		if (jt == json_type_boolean)
			return jcheck(json_object_new_string(
			    json_object_get_boolean(v) ? "true" : "false"));
		if ((jt == json_type_int || jt == json_type_double) &&
		    isfinite(json_object_get_double(v)))
			return jcheck(json_object_new_string(js_number(e->a,
			    v)));
		*err = msg(e, "String cannot represent value: %s",
		    inspect(e->a, v));
		return NULL;
	}
	if (is_builtin_scalar(n, "Boolean")) {
		if (jt == json_type_boolean)
			return json_object_get(v);
		if ((jt == json_type_int || jt == json_type_double) &&
		    isfinite(json_object_get_double(v)))
			return jcheck(json_object_new_boolean(
			    json_object_get_double(v) != 0));
		*err = msg(e, "Boolean cannot represent a non boolean value: "
		    "%s", inspect(e->a, v));
		return NULL;
	}
	if (is_builtin_scalar(n, "ID")) {
		if (jt == json_type_string)
			return json_object_get(v);
		if (json_integer(v, &i, &is_ranged) && is_ranged)
			return jcheck(json_object_new_string(js_number(e->a,
			    v)));
		*err = msg(e, "ID cannot represent value: %s",
		    inspect(e->a, v));
		return NULL;
	}
	return json_object_get(v);
}

/* Whether a and b are equal folded: case-insensitive, '-' as '_'. */
static int
enum_fold_eq(const char *a, const char *b)
{
	int	 x, y;

	for (;; a++, b++) {
		x = *a == '-' ? '_' : (unsigned char)*a;
		y = *b == '-' ? '_' : (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return 0;
		if (x == '\0')
			return 1;
	}
}

static struct json_object *
serialize_enum(struct exec *e, const struct gql_ntype *n,
    struct json_object *v, const char **err)
{
	const struct gql_enum_value_def	*ev;
	const char			*s;

	*err = NULL;
	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		for (ev = n->def->values; ev->name != NULL; ev++)
			if (strcmp(ev->name, s) == 0)
				return json_object_get(v);
		if (e->flags & GQL_EXEC_ENUM_FOLD)
			for (ev = n->def->values; ev->name != NULL; ev++)
				if (enum_fold_eq(ev->name, s))
					return jcheck(json_object_new_string(
					    ev->name));
	}
	*err = msg(e, "Enum \"%s\" cannot represent value: %s", n->name,
	    inspect(e->a, v));
	return NULL;
}

/* The object type an abstract type's value has, or NULL with *err. */
static const struct gql_ntype *
runtime_type(struct exec *e, const struct gql_ntype *abstract,
    const struct finfo *fi, struct json_object *v, const char **err)
{
	const struct gql_ntype	*t;
	struct json_object	*tn;
	const char		*name = NULL;

	if (e->r != NULL && e->r->resolve_type != NULL)
		name = e->r->resolve_type(e->r->arg, abstract, v);
	if (name == NULL && json_object_object_get_ex(v, "__typename", &tn) &&
	    json_object_is_type(tn, json_type_string))
		name = json_object_get_string(tn);
	if (name == NULL) {
		*err = msg(e, "Abstract type \"%s\" must resolve to an Object "
		    "type at runtime for field \"%s.%s\". Either the \"%s\" "
		    "type should provide a \"resolveType\" function or each "
		    "possible type should provide an \"isTypeOf\" function.",
		    abstract->name, fi->parent_type->name,
		    field_name(fi->field), abstract->name);
		return NULL;
	}
	if ((t = gql_schema_type(e->s, name, strlen(name))) == NULL) {
		*err = msg(e, "Abstract type \"%s\" was resolved to a type "
		    "\"%s\" that does not exist inside the schema.",
		    abstract->name, name);
		return NULL;
	}
	if (t->kind != GQL_K_OBJECT) {
		*err = msg(e, "Abstract type \"%s\" was resolved to a "
		    "non-object type \"%s\".", abstract->name, name);
		return NULL;
	}
	if (!gql_type_is_possible(abstract, t)) {
		*err = msg(e, "Runtime Object type \"%s\" is not a possible "
		    "type for \"%s\".", t->name, abstract->name);
		return NULL;
	}
	return t;
}

/* An object value: its subfields collected from every node, executed. */
static int
complete_object(struct exec *e, const struct gql_ntype *t,
    const struct finfo *fi, const struct path *path, struct json_object *v,
    struct json_object **out)
{
	struct fieldset	 fs;
	size_t		 i;
	int		 rc;

	memset(&fs, 0, sizeof(fs));
	collect_begin(e);
	for (i = 0; i < fi->g->n; i++)
		collect(e, t, fi->g->nodes[i]->selections, &fs, 0);
	rc = execute_set(e, t, v, &fs, path, out);
	fs_release(&fs);
	return rc;
}

static int complete_value(struct exec *, const struct gql_tref *,
    const struct finfo *, const struct path *, struct json_object *,
    struct json_object **);

static int
complete_list(struct exec *e, const struct gql_tref *t,
    const struct finfo *fi, const struct path *path, struct json_object *v,
    struct json_object **out)
{
	struct json_object	*arr, *item;
	struct path		 ip;
	size_t			 i, n;

	if (!json_object_is_type(v, json_type_array)) {
		field_error(e, fi, path, msg(e, "Expected Iterable, but did "
		    "not find one for field \"%s.%s\".", fi->parent_type->name,
		    field_name(fi->field)));
		return -1;
	}
	arr = jcheck(json_object_new_array());
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		ip.prev = path;
		ip.key = NULL;
		ip.index = i;
		if (complete_value(e, t->of, fi, &ip,
		    json_object_array_get_idx(v, i), &item) == -1) {
			json_object_put(arr);
			return -1;
		}
		jpush(arr, item);
	}
	*out = arr;
	return 0;
}

/* CompleteValue for the nullable type t: -1 means null after an error. */
static int
complete_nullable(struct exec *e, const struct gql_tref *t,
    const struct finfo *fi, const struct path *path, struct json_object *v,
    struct json_object **out)
{
	const struct gql_ntype	*n = t->named;
	const char		*err = NULL;

	*out = NULL;
	if (e->is_stopped)
		return -1;
	if (++e->completed > e->max_completed) {
		e->is_stopped = 1;
		field_error(e, fi, path, msg(e, "Execution stopped: more than "
		    "%zu values completed, the limit.", e->max_completed));
		return -1;
	}
	if (v == NULL)
		return 0;
	if (t->of != NULL)
		return complete_list(e, t, fi, path, v, out);
	switch (n->kind) {
	case GQL_K_SCALAR:
		*out = serialize_scalar(e, n, v, &err);
		break;
	case GQL_K_ENUM:
		*out = serialize_enum(e, n, v, &err);
		break;
	case GQL_K_OBJECT:
		return complete_object(e, n, fi, path, v, out);
	case GQL_K_INTERFACE:
	case GQL_K_UNION:
		if ((n = runtime_type(e, n, fi, v, &err)) == NULL)
			break;
		return complete_object(e, n, fi, path, v, out);
	case GQL_K_INPUT_OBJECT:
		err = "Cannot complete value of an input object type.";
		break;
	}
	if (err == NULL)
		return 0;
	field_error(e, fi, path, err);
	return -1;
}

/*
 * CompleteValue: 0 with *out (a new reference or NULL for null where t
 * allows it), or -1: null that must propagate to the nearest nullable
 * position (its error already added).
 */
static int
complete_value(struct exec *e, const struct gql_tref *t,
    const struct finfo *fi, const struct path *path, struct json_object *v,
    struct json_object **out)
{
	struct gql_tref	 inner;

	if (!t->is_non_null) {
		/* A nullable position takes the null: it stops here. */
		(void)complete_nullable(e, t, fi, path, v, out);
		return 0;
	}
	inner = *t;
	inner.is_non_null = 0;
	if (complete_nullable(e, &inner, fi, path, v, out) == -1)
		return -1;
	if (*out != NULL)
		return 0;
	field_error(e, fi, path, msg(e, "Cannot return null for "
	    "non-nullable field %s.%s.", fi->parent_type->name,
	    field_name(fi->field)));
	return -1;
}

const char *
gql_snake_case(struct arena *a, const char *name)
{
	size_t	 n = strlen(name), i, j = 0;
	char	*s = arena_alloc(a, 2 * n + 1);

	for (i = 0; i < n; i++) {
		if (name[i] >= 'A' && name[i] <= 'Z') {
			if (i > 0)
				s[j++] = '_';
			s[j++] = (char)(name[i] - 'A' + 'a');
		} else
			s[j++] = name[i];
	}
	s[j] = '\0';
	return s;
}

/* "startAt" as "start_at", in the arena; NULL if no capital in name. */
static const char *
snake_name(struct arena *a, const char *name)
{
	const char	*s = gql_snake_case(a, name);

	return strcmp(s, name) == 0 ? NULL : s;
}

/* The default resolver: the parent's member (a new reference) or NULL. */
static struct json_object *
default_value(struct exec *e, struct json_object *parent, const char *name)
{
	struct json_object	*v;
	const char		*snake;

	if (parent == NULL || !json_object_is_type(parent, json_type_object))
		return NULL;
	if (json_object_object_get_ex(parent, name, &v))
		return json_object_get(v);
	if ((e->flags & GQL_EXEC_SNAKE_KEYS) &&
	    (snake = snake_name(e->a, name)) != NULL &&
	    json_object_object_get_ex(parent, snake, &v))
		return json_object_get(v);
	return NULL;
}

/*
 * The value of field f of parent: a meta-field, introspection, or the
 * resolver. 0 with *v (a new reference or NULL), or -1 with *message and
 * *ext for a field error.
 */
static int
resolve_field(struct exec *e, const struct gql_ntype *t,
    const struct gql_field *f, const struct group *g, const struct path *p,
    struct json_object *parent, struct json_object *args,
    struct json_object **v, const char **message, struct json_object **ext)
{
	struct gql_exec_field	 xf;
	struct json_object	*name;
	const char		*fname = field_name(f);

	*v = NULL;
	*message = NULL;
	*ext = NULL;
	if (f == e->s->typename_field) {
		*v = jcheck(json_object_new_string(t->name));
		return 0;
	}
	if (f == e->s->schema_field || f == e->s->type_field) {
		if (e->flags & GQL_EXEC_NO_INTROSPECTION) {
			*message = "GraphQL introspection is not allowed, but "
			    "the query contained __schema or __type";
			return -1;
		}
		if (f == e->s->schema_field)
			*v = gqli_schema_value(e->a, e->s);
		else if (json_object_object_get_ex(args, "name", &name))
			*v = gqli_type_value(e->a, e->s,
			    json_object_get_string(name));
		return 0;
	}
	if (gqli_is_meta_type(t)) {
		(void)gqli_resolve(e->a, e->s, t, fname, parent, args, v);
		return 0;
	}
	if (e->r != NULL && e->r->resolve != NULL) {
		memset(&xf, 0, sizeof(xf));
		xf.parent_type = t;
		xf.field = f;
		xf.node = g->nodes[0];
		xf.response_key = g->key;
		xf.args = args;
		xf.path = path_string(e, p);
		switch (e->r->resolve(e->r->arg, &xf, parent, v, message,
		    ext)) {
		case GQL_RESOLVE_VALUE:
			return 0;
		case GQL_RESOLVE_ERROR:
			json_object_put(*v);
			*v = NULL;
			if (*message == NULL)
				*message = "Unexpected error.";
			return -1;
		case GQL_RESOLVE_DEFAULT:
			json_object_put(*v);
			*v = NULL;
			break;
		}
	}
	*v = default_value(e, parent, fname);
	return 0;
}

/* ExecuteField: 0 with *out, or -1 if the null must propagate. */
static int
execute_field(struct exec *e, const struct gql_ntype *t,
    struct json_object *parent, const struct group *g,
    const struct gql_field *f, const struct path *p, struct json_object **out)
{
	const struct gql_selection	*node = g->nodes[0];
	struct json_object		*args = NULL, *v = NULL, *ext = NULL;
	const char			*message;
	struct finfo			 fi;
	int				 rc;

	*out = NULL;
	fi.parent_type = t;
	fi.field = f;
	fi.g = g;
	if (e->is_stopped)
		return f->type->is_non_null ? -1 : 0;
	if (coerce_args(e, f->args, f->nargs, node->args, &args,
	    &message) == -1 || resolve_field(e, t, f, g, p, parent, args, &v,
	    &message, &ext) == -1) {
		add_error(e, message, node->line, node->column, 1, p, ext);
		json_object_put(args);
		return f->type->is_non_null ? -1 : 0;
	}
	rc = complete_value(e, f->type, &fi, p, v, out);
	json_object_put(v);
	json_object_put(args);
	return rc;
}

/*
 * ExecuteSelectionSet (in order: serially for mutations too, as we are
 * single-threaded): 0 with *out an object, or -1 (null) if a non-null
 * field's null reached this object.
 */
static int
execute_set(struct exec *e, const struct gql_ntype *t,
    struct json_object *value, const struct fieldset *fs,
    const struct path *path, struct json_object **out)
{
	const struct gql_field	*f;
	struct json_object	*obj, *v;
	struct path		 p;
	size_t			 i;

	*out = NULL;
	obj = jcheck(json_object_new_object());
	for (i = 0; i < fs->n; i++) {
		const struct group *g = &fs->groups[i];

		if ((f = gql_schema_field(e->s, t, g->nodes[0]->name.s)) ==
		    NULL)
			continue;
		p.prev = path;
		p.key = g->key;
		p.index = 0;
		if (execute_field(e, t, value, g, f, &p, &v) == -1) {
			json_object_put(obj);
			return -1;
		}
		jadd(obj, g->key, v);
	}
	*out = obj;
	return 0;
}

/* ---- ExecuteRequest ---- */

static const struct gql_ntype *
root_type(const struct gql_schema *s, enum gql_op op)
{
	switch (op) {
	case GQL_QUERY:
		return s->query;
	case GQL_MUTATION:
		return s->mutation;
	case GQL_SUBSCRIPTION:
		return s->subscription;
	}
	return NULL;
}

/* The limits: measure op, and say which one it passes. 0 or -1. */
static int
check_limits(struct exec *e, const struct gql_definition *op,
    const struct gql_exec_opts *o, struct gql_measure *m)
{
	unsigned int	 max_depth = o->max_depth ? o->max_depth :
			    DEFAULT_MAX_DEPTH;
	size_t		 max_fields = o->max_fields ? o->max_fields :
			    DEFAULT_MAX_FIELDS;

	if (gql_exec_measure(e->doc, op, e->vars, max_depth, m) == -1) {
		add_error(e, m->depth > max_depth ? msg(e, "Query is too deep: "
		    "%u levels, the limit is %u.", m->depth, max_depth) :
		    msg(e, "Query is too deep: fragments nest past %d "
		    "levels.", MEASURE_MAX_FRAMES), op->line, op->column, 0,
		    NULL, NULL);
		return -1;
	}
	if (m->fields > max_fields) {
		add_error(e, msg(e, "Query selects %zu fields, the limit is "
		    "%zu.", m->fields, max_fields), op->line, op->column, 0,
		    NULL, NULL);
		return -1;
	}
	return 0;
}

enum gql_exec_rc
gql_execute(struct arena *a, const struct gql_schema *s,
    const struct gql_document *doc, const char *operation_name,
    struct json_object *variables, const struct gql_resolver *r,
    const struct gql_exec_opts *opts, struct gql_exec_result *res)
{
	static const struct gql_exec_opts	 none;
	const struct gql_definition		*op;
	const struct gql_ntype			*root;
	const char				*message;
	struct fieldset				 fs;
	struct exec				 e;
	enum gql_exec_rc			 rc = GQL_EXEC_REQUEST_ERROR;

	memset(res, 0, sizeof(*res));
	memset(&e, 0, sizeof(e));
	memset(&fs, 0, sizeof(fs));
	if (opts == NULL)
		opts = &none;
	e.a = a;
	e.s = s;
	e.doc = doc;
	e.r = r;
	e.flags = opts->flags;
	e.max_completed = opts->max_completed ? opts->max_completed :
	    DEFAULT_MAX_COMPLETED;
	frags_init(&e.frags, doc);
	if ((op = gql_exec_operation(doc, operation_name, &message)) == NULL) {
		add_error(&e, arena_strdup(a, message), 0, 0, 0, NULL, NULL);
		goto out;
	}
	res->op = op->op;
	res->operation = op;
	if ((root = root_type(s, op->op)) == NULL) {
		add_error(&e, msg(&e, "Schema is not configured to execute %s "
		    "operation.", gql_op_name(op->op)), op->line, op->column,
		    0, NULL, NULL);
		goto out;
	}
	if (coerce_variables(&e, op, variables) == -1 ||
	    check_limits(&e, op, opts, &res->measure) == -1)
		goto out;
	collect_begin(&e);
	collect(&e, root, op->selections, &fs, 0);
	if (execute_set(&e, root, NULL, &fs, NULL, &res->data) == -1)
		res->data = NULL;
	rc = GQL_EXEC_OK;
out:
	fs_release(&fs);
	frags_release(&e.frags);
	json_object_put(e.vars);
	res->errors = e.errors;
	return rc;
}
