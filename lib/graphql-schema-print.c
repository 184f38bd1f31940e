/*
 * Printing for the GraphQL type system (see graphql-schema.h): SDL as
 * graphql-js 16's printSchema() writes it (src/utilities/printSchema.ts),
 * type references, and values as its print() writes them, with its
 * string escapes and block-string rules (src/language/printString.ts,
 * blockString.ts).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/graphql-schema.h"

/* printString: JSON-like escapes, U+007F-U+009F as \u00XX too. */
static int
put_string(struct buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 i;
	int			 rc = buf_adds(b, "\"");

	for (i = 0; i < len && rc == 0; i++) {
		c = (unsigned char)s[i];
		if (c == '"')
			rc = buf_adds(b, "\\\"");
		else if (c == '\\')
			rc = buf_adds(b, "\\\\");
		else if (c == '\b')
			rc = buf_adds(b, "\\b");
		else if (c == '\t')
			rc = buf_adds(b, "\\t");
		else if (c == '\n')
			rc = buf_adds(b, "\\n");
		else if (c == '\f')
			rc = buf_adds(b, "\\f");
		else if (c == '\r')
			rc = buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7F)
			rc = buf_addf(b, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		else if (c == 0xC2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9F) {
			c = (unsigned char)s[++i];
			rc = buf_addf(b, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		} else
			rc = buf_add(b, &s[i], 1);
	}
	return rc == 0 ? buf_adds(b, "\"") : -1;
}

/* isPrintableAsBlockString of graphql-js. */
static int
is_block_printable(const char *s)
{
	int	 is_empty_line = 1, has_indent = 0, has_common_indent = 1,
		 seen_non_empty = 0;

	if (*s == '\0')
		return 1;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		/* Non-printable characters, and \r (read back as \n). */
		if (c <= 0x08 || c == 0x0B || c == 0x0C || c == 0x0E ||
		    c == 0x0F || c == '\r')
			return 0;
		if (c == '\n') {
			if (is_empty_line && !seen_non_empty)
				return 0;
			seen_non_empty = 1;
			is_empty_line = 1;
			has_indent = 0;
		} else if (c == '\t' || c == ' ')
			has_indent |= is_empty_line;
		else {
			has_common_indent &= has_indent;
			is_empty_line = 0;
		}
	}
	if (is_empty_line)
		return 0;
	return !(has_common_indent && seen_non_empty);
}

/* Length in UTF-16 code units, as JavaScript counts a string. */
static size_t
js_length(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n += (unsigned char)*s >= 0xF0 ? 2 : 1;
	return n;
}

/* printBlockString's forceLeadingNewLine: every line after the first blank or indented. */
static int
is_rest_indented(const char *e)
{
	const char	*nl = strchr(e, '\n');

	if (nl == NULL)
		return 0;
	for (; nl != NULL; nl = strchr(nl + 1, '\n'))
		if (nl[1] != '\0' && nl[1] != '\n' && nl[1] != ' ' && nl[1] != '\t')
			return 0;
	return 1;
}

/* printBlockString of graphql-js, value NUL-terminated. */
static int
put_block_string(struct buf *b, const char *value)
{
	struct buf	 e;
	const char	*p, *esc;
	size_t		 len = strlen(value), elen;
	int		 is_single, force_lead, trail3, force_trail, multi,
			 rc = -1;

	buf_init(&e, len * 2 + 16);
	for (p = value; *p != '\0'; p++) {
		if (strncmp(p, "\"\"\"", 3) == 0) {
			if (buf_adds(&e, "\\\"\"\"") == -1)
				goto out;
			p += 2;
		} else if (buf_add(&e, p, 1) == -1)
			goto out;
	}
	esc = e.data != NULL ? e.data : "";
	elen = e.len;
	is_single = strchr(esc, '\n') == NULL;
	force_lead = is_rest_indented(esc);
	trail3 = elen >= 4 && strcmp(esc + elen - 4, "\\\"\"\"") == 0;
	force_trail = len > 0 && ((value[len - 1] == '"' && !trail3) ||
	    value[len - 1] == '\\');
	multi = !is_single || js_length(value) > 70 || force_trail ||
	    force_lead || trail3;
	rc = buf_adds(b, "\"\"\"");
	if (rc == 0 && ((multi && !(is_single && (value[0] == ' ' ||
	    value[0] == '\t'))) || force_lead))
		rc = buf_adds(b, "\n");
	if (rc == 0)
		rc = buf_add(b, esc, elen);
	if (rc == 0 && (multi || force_trail))
		rc = buf_adds(b, "\n");
	if (rc == 0)
		rc = buf_adds(b, "\"\"\"");
out:
	buf_release(&e);
	return rc;
}

int
gql_tref_print(struct buf *out, const struct gql_tref *t)
{
	if (t->of != NULL) {
		if (buf_adds(out, "[") == -1 || gql_tref_print(out, t->of) == -1 ||
		    buf_adds(out, "]") == -1)
			return -1;
	} else if (buf_adds(out, t->named->name) == -1)
		return -1;
	return t->is_non_null ? buf_adds(out, "!") : 0;
}

static int
by_field_name(const void *x, const void *y)
{
	const struct gql_arg *const	*a = x, *const *b = y;

	return strcmp((*a)->name.s, (*b)->name.s);
}

/* Object fields "{a: 1, b: 2}", sorted by name when asked. */
static int
put_object(struct buf *out, const struct gql_value *v, int is_sorted)
{
	const struct gql_arg	**list, *f;
	size_t			  n = 0, i;
	int			  rc;

	for (f = v->fields; f != NULL; f = f->next)
		n++;
	if ((list = calloc(n ? n : 1, sizeof(*list))) == NULL)
		return -1;
	for (i = 0, f = v->fields; f != NULL; f = f->next)
		list[i++] = f;
	if (is_sorted)
		qsort(list, n, sizeof(*list), by_field_name);
	rc = buf_adds(out, "{");
	for (i = 0; i < n && rc == 0; i++)
		rc = (i > 0 && buf_adds(out, ", ") == -1) ||
		    buf_add(out, list[i]->name.s, list[i]->name.len) == -1 ||
		    buf_adds(out, ": ") == -1 ||
		    gql_value_print(out, list[i]->value, is_sorted) == -1 ? -1 : 0;
	free(list);
	return rc == 0 ? buf_adds(out, "}") : -1;
}

int
gql_value_print(struct buf *out, const struct gql_value *v, int is_sorted)
{
	const struct gql_value	*i;
	int			 rc;

	switch (v->kind) {
	case GQL_V_VARIABLE:
		return buf_adds(out, "$") == 0 ? buf_add(out, v->text.s,
		    v->text.len) : -1;
	case GQL_V_INT:
	case GQL_V_FLOAT:
	case GQL_V_ENUM:
		return buf_add(out, v->text.s, v->text.len);
	case GQL_V_STRING:
		return v->is_block ? put_block_string(out, v->text.s) :
		    put_string(out, v->text.s, v->text.len);
	case GQL_V_BOOLEAN:
		return buf_adds(out, v->boolean ? "true" : "false");
	case GQL_V_NULL:
		return buf_adds(out, "null");
	case GQL_V_LIST:
		rc = buf_adds(out, "[");
		for (i = v->items; i != NULL && rc == 0; i = i->next)
			rc = (i != v->items && buf_adds(out, ", ") == -1) ||
			    gql_value_print(out, i, is_sorted) == -1 ? -1 : 0;
		return rc == 0 ? buf_adds(out, "]") : -1;
	case GQL_V_OBJECT:
		return put_object(out, v, is_sorted);
	}
	return -1;
}

/* ---- default values, as astFromValue(coerced value) prints them ---- */

static int put_default(struct buf *, const struct gql_value *,
    const struct gql_tref *);

int
gql_number_print(struct buf *out, double d)
{
	char	 tmp[40];
	int	 prec, n;

	/* The range first: casting a larger double is undefined. */
	if (d > -1e18 && d < 1e18 && d == (double)(long long)d)
		return buf_addf(out, "%lld", (long long)d);
	for (prec = 1; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return -1;
		if (strtod(tmp, NULL) == d)
			break;
	}
	return buf_adds(out, tmp);
}

/* An input object's coerced value: its fields in type order, defaults in. */
static int
put_default_object(struct buf *out, const struct gql_value *v,
    const struct gql_ntype *n)
{
	const struct gql_input	*in;
	const struct gql_arg	*f;
	size_t			 i;
	int			 rc = buf_adds(out, "{"), any = 0;

	for (i = 0; i < n->ninput_fields && rc == 0; i++) {
		in = &n->input_fields[i];
		for (f = v->fields; f != NULL && strcmp(f->name.s,
		    in->def->name) != 0; f = f->next)
			;
		if (f == NULL && in->default_value == NULL)
			continue;
		rc = (any++ && buf_adds(out, ", ") == -1) ||
		    buf_adds(out, in->def->name) == -1 ||
		    buf_adds(out, ": ") == -1 || put_default(out, f != NULL ?
		    f->value : in->default_value, in->type) == -1 ? -1 : 0;
	}
	return rc == 0 ? buf_adds(out, "}") : -1;
}

int
gql_is_integer_text(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		return s[1] == '\0';
	if (*s < '1' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

static int
put_default(struct buf *out, const struct gql_value *v, const struct gql_tref *t)
{
	const struct gql_ntype	*n = gql_tref_named(t);
	const struct gql_value	*i;
	int			 rc;

	if (v->kind == GQL_V_NULL)
		return buf_adds(out, "null");
	if (t->of != NULL && v->kind != GQL_V_LIST)
		return buf_adds(out, "[") == 0 && put_default(out, v, t->of) == 0 ?
		    buf_adds(out, "]") : -1;
	if (t->of != NULL) {
		rc = buf_adds(out, "[");
		for (i = v->items; i != NULL && rc == 0; i = i->next)
			rc = (i != v->items && buf_adds(out, ", ") == -1) ||
			    put_default(out, i, t->of) == -1 ? -1 : 0;
		return rc == 0 ? buf_adds(out, "]") : -1;
	}
	if (n->kind == GQL_K_INPUT_OBJECT)
		return put_default_object(out, v, n);
	if (n->is_builtin && (strcmp(n->name, "Int") == 0 ||
	    strcmp(n->name, "Float") == 0))
		return gql_number_print(out, strtod(v->text.s, NULL));
	if (n->is_builtin && strcmp(n->name, "ID") == 0 &&
	    gql_is_integer_text(v->text.s))
		return buf_adds(out, v->text.s);
	if (v->kind == GQL_V_STRING)
		return put_string(out, v->text.s, v->text.len);
	return gql_value_print(out, v, 0);
}

/* ---- SDL ---- */

/* printDescription: indentation, and a blank line unless first in block. */
static int
put_description(struct buf *out, const char *d, const char *indent,
    int is_first)
{
	struct buf	 s;
	const char	*p;
	int		 rc = -1;

	if (d == NULL)
		return 0;
	buf_init(&s, strlen(d) * 8 + 16);
	if ((is_block_printable(d) ? put_block_string(&s, d) :
	    put_string(&s, d, strlen(d))) == -1)
		goto out;
	if ((*indent != '\0' && !is_first && buf_adds(out, "\n") == -1) ||
	    buf_adds(out, indent) == -1)
		goto out;
	for (p = s.data; *p != '\0'; p++)
		if ((*p == '\n' ? buf_addf(out, "\n%s", indent) :
		    buf_add(out, p, 1)) == -1)
			goto out;
	rc = buf_adds(out, "\n");
out:
	buf_release(&s);
	return rc;
}

static int
put_deprecated(struct buf *out, const char *reason)
{
	if (reason == NULL)
		return 0;
	if (strcmp(reason, "No longer supported") == 0)
		return buf_adds(out, " @deprecated");
	return buf_adds(out, " @deprecated(reason: ") == 0 &&
	    put_string(out, reason, strlen(reason)) == 0 ?
	    buf_adds(out, ")") : -1;
}

/* name: Type = default @deprecated */
static int
put_input_value(struct buf *out, const struct gql_input *in)
{
	if (buf_addf(out, "%s: ", in->def->name) == -1 ||
	    gql_tref_print(out, in->type) == -1)
		return -1;
	if (in->default_value != NULL && (buf_adds(out, " = ") == -1 ||
	    put_default(out, in->default_value, in->type) == -1))
		return -1;
	return put_deprecated(out, in->def->deprecation);
}

/* printArgs: one line unless an argument has a description. */
static int
put_args(struct buf *out, const struct gql_input *args, size_t n,
    const char *indent)
{
	size_t	 i;
	int	 has_description = 0;
	char	 inner[16];

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (args[i].def->description != NULL)
			has_description = 1;
	if (!has_description) {
		if (buf_adds(out, "(") == -1)
			return -1;
		for (i = 0; i < n; i++)
			if ((i > 0 && buf_adds(out, ", ") == -1) ||
			    put_input_value(out, &args[i]) == -1)
				return -1;
		return buf_adds(out, ")");
	}
	i = (size_t)snprintf(inner, sizeof(inner), "  %s", indent);
	if (i >= sizeof(inner) || buf_adds(out, "(\n") == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (put_description(out, args[i].def->description, inner,
		    i == 0) == -1 || buf_adds(out, inner) == -1 ||
		    put_input_value(out, &args[i]) == -1 ||
		    buf_adds(out, "\n") == -1)
			return -1;
	return buf_addf(out, "%s)", indent);
}

static int
put_fields(struct buf *out, const struct gql_ntype *t)
{
	const struct gql_field	*f;
	size_t			 i;

	if (buf_adds(out, " {\n") == -1)
		return -1;
	for (i = 0; i < t->nfields; i++) {
		f = &t->fields[i];
		if (put_description(out, f->def->description, "  ", i == 0) == -1 ||
		    buf_addf(out, "  %s", f->def->name) == -1 ||
		    put_args(out, f->args, f->nargs, "  ") == -1 ||
		    buf_adds(out, ": ") == -1 || gql_tref_print(out, f->type) == -1 ||
		    put_deprecated(out, f->def->deprecation) == -1 ||
		    buf_adds(out, "\n") == -1)
			return -1;
	}
	return buf_adds(out, "}");
}

static int
put_interfaces(struct buf *out, const struct gql_ntype *t)
{
	size_t	 i;

	for (i = 0; i < t->ninterfaces; i++)
		if (buf_addf(out, "%s%s", i == 0 ? " implements " : " & ",
		    t->interfaces[i]->name) == -1)
			return -1;
	return 0;
}

static int
put_enum_values(struct buf *out, const struct gql_ntype *t)
{
	const struct gql_enum_value_def	*v;
	size_t				 i;

	if (buf_adds(out, " {\n") == -1)
		return -1;
	for (i = 0; t->def->values[i].name != NULL; i++) {
		v = &t->def->values[i];
		if (put_description(out, v->description, "  ", i == 0) == -1 ||
		    buf_addf(out, "  %s", v->name) == -1 ||
		    put_deprecated(out, v->deprecation) == -1 ||
		    buf_adds(out, "\n") == -1)
			return -1;
	}
	return buf_adds(out, "}");
}

static int
put_input_fields(struct buf *out, const struct gql_ntype *t)
{
	size_t	 i;

	if (buf_adds(out, " {\n") == -1)
		return -1;
	for (i = 0; i < t->ninput_fields; i++)
		if (put_description(out, t->input_fields[i].def->description,
		    "  ", i == 0) == -1 || buf_adds(out, "  ") == -1 ||
		    put_input_value(out, &t->input_fields[i]) == -1 ||
		    buf_adds(out, "\n") == -1)
			return -1;
	return buf_adds(out, "}");
}

static int
put_type(struct buf *out, const struct gql_ntype *t)
{
	size_t	 i;

	if (put_description(out, t->def->description, "", 1) == -1)
		return -1;
	switch (t->kind) {
	case GQL_K_SCALAR:
		if (buf_addf(out, "scalar %s", t->name) == -1)
			return -1;
		return t->def->specified_by == NULL ? 0 :
		    buf_adds(out, " @specifiedBy(url: ") == 0 &&
		    put_string(out, t->def->specified_by,
		    strlen(t->def->specified_by)) == 0 ? buf_adds(out, ")") : -1;
	case GQL_K_OBJECT:
	case GQL_K_INTERFACE:
		return buf_addf(out, "%s %s", t->kind == GQL_K_OBJECT ? "type" :
		    "interface", t->name) == -1 || put_interfaces(out, t) == -1 ?
		    -1 : put_fields(out, t);
	case GQL_K_UNION:
		if (buf_addf(out, "union %s", t->name) == -1)
			return -1;
		for (i = 0; i < t->npossible; i++)
			if (buf_addf(out, "%s%s", i == 0 ? " = " : " | ",
			    t->possible[i]->name) == -1)
				return -1;
		return 0;
	case GQL_K_ENUM:
		return buf_addf(out, "enum %s", t->name) == -1 ? -1 :
		    put_enum_values(out, t);
	case GQL_K_INPUT_OBJECT:
		return buf_addf(out, "input %s", t->name) == -1 ? -1 :
		    put_input_fields(out, t);
	}
	return -1;
}

static int
put_directive_def(struct buf *out, const struct gql_directive_type *d)
{
	unsigned int	 bit;
	int		 n = 0;

	if (put_description(out, d->def->description, "", 1) == -1 ||
	    buf_addf(out, "directive @%s", d->def->name) == -1 ||
	    put_args(out, d->args, d->nargs, "") == -1 ||
	    (d->def->is_repeatable && buf_adds(out, " repeatable") == -1) ||
	    buf_adds(out, " on ") == -1)
		return -1;
	for (bit = 1; bit <= (unsigned int)GQL_L_INPUT_FIELD_DEFINITION; bit <<= 1)
		if ((d->def->locations & bit) && buf_addf(out, "%s%s",
		    n++ ? " | " : "", gql_dir_loc_name(bit)) == -1)
			return -1;
	return 0;
}

/* The schema { } block, unless the roots have the common names. */
static int
put_schema_def(struct buf *out, const struct gql_schema *s, int *any)
{
	if (s->def->description == NULL &&
	    strcmp(s->query->name, "Query") == 0 &&
	    (s->mutation == NULL || strcmp(s->mutation->name, "Mutation") == 0) &&
	    (s->subscription == NULL ||
	    strcmp(s->subscription->name, "Subscription") == 0))
		return 0;
	*any = 1;
	if (put_description(out, s->def->description, "", 1) == -1 ||
	    buf_addf(out, "schema {\n  query: %s\n", s->query->name) == -1 ||
	    (s->mutation != NULL && buf_addf(out, "  mutation: %s\n",
	    s->mutation->name) == -1) || (s->subscription != NULL &&
	    buf_addf(out, "  subscription: %s\n", s->subscription->name) == -1))
		return -1;
	return buf_adds(out, "}");
}

int
gql_schema_print(const struct gql_schema *s, struct buf *out)
{
	size_t	 i;
	int	 any = 0;

	if (put_schema_def(out, s, &any) == -1)
		return -1;
	for (i = 0; i < s->ndirectives; i++) {
		if (s->directives[i].is_builtin)
			continue;
		if ((any++ && buf_adds(out, "\n\n") == -1) ||
		    put_directive_def(out, &s->directives[i]) == -1)
			return -1;
	}
	for (i = 0; i < s->ntypes; i++) {
		if (s->types[i].is_builtin)
			continue;
		if ((any++ && buf_adds(out, "\n\n") == -1) ||
		    put_type(out, &s->types[i]) == -1)
			return -1;
	}
	return 0;
}
