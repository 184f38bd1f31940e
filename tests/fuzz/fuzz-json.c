/*
 * Fuzz request bodies against the workers' JSON field tables (lib/json.c
 * with the tables of tests/fuzz/tables-WORKER.c, one target per worker).
 * Input: a table's name on the first line, then the body.
 *
 * Properties: an accepted body filled the typed values as the table
 * says - every required field present, null only where nullable, strings
 * valid UTF-8 of the allowed length without NUL or control characters
 * (but newlines and tabs in multi-line fields), integers in range, enum
 * values from the list, ids, times and dates that parse, arrays in
 * bounds and their objects (and a single object) checked the same way,
 * every field's own check passing; a refused body got a 400 or 422
 * problem, a 422 with 1 to 32 errors each naming a field. The output
 * struct is allocated at exactly the size the table implies, so ASan
 * catches a write past it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "lib/id.h"
#include "lib/json.h"
#include "lib/time.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/tables.h"

static struct fuzz_ctx	 fc;

/* Bytes of the struct a table fills: its last struct jv's end. */
static size_t
table_size(const struct json_field *t)
{
	size_t	 n = 0;

	for (; t->name != NULL; t++)
		if (t->off + sizeof(struct jv) > n)
			n = t->off + sizeof(struct jv);
	return n;
}

static void
check_string(const struct json_field *f, const struct jv *v, const char *where)
{
	size_t	 i, chars;

	FUZZ_CHECK(v->s != NULL && strlen(v->s) == v->len, "%s: string of %zu "
	    "bytes holds a NUL or is missing", where, v->len);
	FUZZ_CHECK(utf8_valid(v->s, v->len), "%s: not UTF-8", where);
	for (i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->s[i];

		FUZZ_CHECK(!(c < 0x20 || c == 0x7f) || ((f->flags & JF_MULTILINE) &&
		    (c == '\n' || c == '\t' || c == '\r')), "%s: control byte "
		    "0x%02x", where, c);
	}
	if (f->kind == JF_STRING) {
		chars = utf8_chars(v->s, v->len);
		FUZZ_CHECK((long long)chars >= f->min && (f->max <= 0 ||
		    (long long)chars <= f->max), "%s: %zu characters outside "
		    "%lld..%lld", where, chars, f->min, f->max);
	}
}

static void check_fields(const struct json_field *, const void *, const char *);

static void
check_value(const struct json_field *f, const struct jv *v, const char *where)
{
	int64_t	 t;
	int	 y, m, d;
	size_t	 i;

	switch (f->kind) {
	case JF_INT:
		FUZZ_CHECK(v->i >= f->min && v->i <= f->max, "%s: %lld outside "
		    "%lld..%lld", where, v->i, f->min, f->max);
		return;
	case JF_BOOL:
		FUZZ_CHECK(v->i == 0 || v->i == 1, "%s: boolean %lld", where, v->i);
		return;
	case JF_IDS:
		FUZZ_CHECK((long long)v->n >= f->min && (long long)v->n <= f->max &&
		    v->strs != NULL, "%s: %zu ids", where, v->n);
		for (i = 0; i < v->n; i++)
			FUZZ_CHECK(id_is_valid(v->strs[i]), "%s[%zu] is not an id",
			    where, i);
		return;
	case JF_OBJECTS:
		FUZZ_CHECK((long long)v->n >= f->min && (long long)v->n <= f->max &&
		    v->items != NULL, "%s: %zu items", where, v->n);
		for (i = 0; i < v->n; i++)
			check_fields(f->sub, (const char *)v->items + i * f->elem_size,
			    where);
		return;
	case JF_OBJECT:
		FUZZ_CHECK(v->items != NULL, "%s: object not filled", where);
		check_fields(f->sub, v->items, where);
		return;
	default:
		break;
	}
	check_string(f, v, where);
	switch (f->kind) {
	case JF_TIME:
		FUZZ_CHECK(utc_parse(v->s, &t) == 0 && t == v->i, "%s: time '%s'",
		    where, v->s);
		break;
	case JF_DATE:
		FUZZ_CHECK(utc_parse_date(v->s, &y, &m, &d) == 0, "%s: date '%s'",
		    where, v->s);
		break;
	case JF_ID:
		FUZZ_CHECK(id_is_valid(v->s), "%s: id '%s'", where, v->s);
		break;
	case JF_ENUM:
		for (i = 0; f->enums[i] != NULL; i++)
			;
		FUZZ_CHECK(v->i >= 0 && (size_t)v->i < i &&
		    v->s == f->enums[v->i], "%s: enum '%s'", where, v->s);
		break;
	default:
		break;
	}
	if (f->check != NULL)
		FUZZ_CHECK(f->check(v->s, v->len) == NULL, "%s: '%s' fails its "
		    "check", where, v->s);
}

static void
check_fields(const struct json_field *t, const void *out, const char *where)
{
	const struct json_field	*f;
	const struct jv		*v;

	for (f = t; f->name != NULL; f++) {
		v = (const struct jv *)((const char *)out + f->off);
		FUZZ_CHECK(v->is_set || !(f->flags & JF_REQUIRED), "%s.%s: required "
		    "but absent", where, f->name);
		if (!v->is_set) {
			FUZZ_CHECK(!v->is_null, "%s.%s: null but not set", where,
			    f->name);
			continue;
		}
		if (v->is_null) {
			FUZZ_CHECK(f->flags & JF_NULLABLE, "%s.%s: null accepted",
			    where, f->name);
			continue;
		}
		check_value(f, v, f->name);
	}
}

/* A 422 lists 1 to CTX_MAX_ERRORS errors, each with a field and a message. */
static void
check_errors(void)
{
	struct json_object	*o, *errs, *e, *x;
	size_t			 i, n;

	o = json_tokener_parse(fc.resp.body.data);
	FUZZ_CHECK(json_object_object_get_ex(o, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array), "%s", "422 without errors");
	n = json_object_array_length(errs);
	FUZZ_CHECK(n >= 1 && n <= CTX_MAX_ERRORS, "%zu errors", n);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(errs, i);
		FUZZ_CHECK(json_object_object_get_ex(e, "field", &x) &&
		    json_object_is_type(x, json_type_string) &&
		    json_object_object_get_ex(e, "message", &x) &&
		    json_object_is_type(x, json_type_string) &&
		    json_object_get_string_len(x) > 0, "error %zu is not "
		    "{field, message}", i);
	}
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int			 is_init;
	const struct fuzz_json_table	*t;
	const uint8_t			*body;
	size_t				 len;
	char				*name;
	void				*out = NULL;
	int				 rc;

	if (size > 65536)
		return 0;
	if (!is_init) {
		fuzz_quiet();
		fuzz_ctx_init(&fc);
		is_init = 1;
	}
	fuzz_ctx_reset(&fc);
	if (fuzz_split(&fc.arena, data, size, &name, &body, &len) == -1)
		return 0;
	for (t = fuzz_json_tables; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			break;
	if (t->name == NULL)
		return 0;
	fc.req.method = HTTP_POST;
	fc.req.body = arena_strndup(&fc.arena, (const char *)body, len);
	fc.req.body_len = len;
	if (t->fields != NULL) {
		out = calloc(1, table_size(t->fields));
		rc = json_parse_body(&fc.c, t->fields, out);
	} else
		rc = t->parse(&fc.c);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(fc.c.nerrs == 0, "accepted with %zu errors", fc.c.nerrs);
		if (t->fields != NULL)
			check_fields(t->fields, out, t->name);
	} else {
		fuzz_check_problem(&fc, 0);
		if (fc.resp.status == 422)
			check_errors();
	}
	free(out);
	return 0;
}
