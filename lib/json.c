/* JSON request parsing against field tables, replies and problems. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "lib/db.h"
#include "lib/id.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"

#define JSON_MAX_DEPTH	16
#define JSON_MAX_ARRAY	256

void
ctx_error(struct ctx *c, const char *field, const char *message)
{
	if (c->nerrs < CTX_MAX_ERRORS) {
		c->errs[c->nerrs].field = field;
		c->errs[c->nerrs].message = message;
		c->nerrs++;
	}
}

int
utf8_valid(const char *p, size_t n)
{
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 i = 0, k, len;
	unsigned long		 cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* No overlong forms, no surrogates, nothing past U+10FFFF. */
		if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

/* 1 if obj holds a NaN or infinite number anywhere (json-c accepts them). */
static int
has_nonfinite(struct json_object *obj, int depth)
{
	size_t	 i, n;

	if (obj == NULL || depth > JSON_MAX_DEPTH)
		return 0;
	switch (json_object_get_type(obj)) {
	case json_type_double:
		return !isfinite(json_object_get_double(obj));
	case json_type_array:
		n = json_object_array_length(obj);
		for (i = 0; i < n; i++)
			if (has_nonfinite(json_object_array_get_idx(obj, i), depth + 1))
				return 1;
		return 0;
	case json_type_object: {
		json_object_object_foreach(obj, key, val) {
			(void)key;
			if (has_nonfinite(val, depth + 1))
				return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *
check_text(const char *s, size_t len, unsigned flags)
{
	size_t		 i;
	unsigned char	 c;

	if (strlen(s) != len)
		return "must not contain NUL characters";
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 || c == 0x7f) &&
		    !((flags & JF_MULTILINE) && (c == '\n' || c == '\t' || c == '\r')))
			return "must not contain control characters";
	}
	return NULL;
}

static void parse_fields(struct ctx *, const struct json_field *,
    struct json_object *, void *, const char *);

static const char *
field_name(struct ctx *c, const char *prefix, const char *name)
{
	if (prefix == NULL)
		return name;
	return arena_printf(c->arena, "%s.%s", prefix, name);
}

/* Parse one present, non-null value. Returns an error message or NULL. */
static const char *
parse_value(struct ctx *c, const struct json_field *f, struct json_object *v,
    struct jv *out, const char *fname)
{
	const char	*s, *why;
	size_t		 len, i, n;
	int		 y, m, d;
	int64_t		 t;
	struct json_object *e;

	switch (f->kind) {
	case JF_INT:
		if (!json_object_is_type(v, json_type_int))
			return "must be an integer";
		out->i = json_object_get_int64(v);
		if (out->i < f->min || out->i > f->max)
			return arena_printf(c->arena, "must be between %lld and %lld",
			    f->min, f->max);
		return NULL;
	case JF_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return "must be true or false";
		out->i = json_object_get_boolean(v) ? 1 : 0;
		return NULL;
	case JF_IDS:
	case JF_OBJECTS:
		if (!json_object_is_type(v, json_type_array))
			return "must be an array";
		n = json_object_array_length(v);
		if ((long long)n < f->min || (long long)n > f->max || n > JSON_MAX_ARRAY)
			return arena_printf(c->arena, "must have %lld to %lld items",
			    f->min, f->max);
		out->n = n;
		if (f->kind == JF_IDS) {
			out->strs = arena_alloc(c->arena, (n + 1) * sizeof(char *));
			for (i = 0; i < n; i++) {
				e = json_object_array_get_idx(v, i);
				if (!json_object_is_type(e, json_type_string) ||
				    !id_is_valid(json_object_get_string(e)))
					return "must be an array of ids";
				out->strs[i] = arena_strdup(c->arena,
				    json_object_get_string(e));
			}
			return NULL;
		}
		out->items = arena_alloc(c->arena, (n ? n : 1) * f->elem_size);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_object)) {
				ctx_error(c, arena_printf(c->arena, "%s[%zu]", fname, i),
				    "must be an object");
				continue;
			}
			parse_fields(c, f->sub, e, (char *)out->items + i * f->elem_size,
			    arena_printf(c->arena, "%s[%zu]", fname, i));
		}
		return NULL;
	case JF_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			return "must be an object";
		out->items = arena_alloc(c->arena, f->elem_size);
		parse_fields(c, f->sub, v, out->items, fname);
		return NULL;
	default:
		break;
	}
	/* The rest are strings. */
	if (!json_object_is_type(v, json_type_string))
		return "must be a string";
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if ((why = check_text(s, len, f->flags)) != NULL)
		return why;
	out->s = arena_strndup(c->arena, s, len);
	out->len = len;
	switch (f->kind) {
	case JF_STRING:
		n = utf8_chars(s, len);
		if ((long long)n < f->min || (f->max > 0 && (long long)n > f->max))
			return f->min > 0 && n < (size_t)f->min && f->min == 1 ?
			    "must not be empty" :
			    arena_printf(c->arena, "must be %lld to %lld characters",
			    f->min, f->max);
		break;
	case JF_TIME:
		if (utc_parse(s, &t) == -1)
			return "must be an RFC 3339 time such as 2026-11-22T14:30:00Z";
		out->i = t;
		break;
	case JF_DATE:
		if (utc_parse_date(s, &y, &m, &d) == -1)
			return "must be a date such as 1990-05-17";
		break;
	case JF_ID:
		if (!id_is_valid(s))
			return "must be an id";
		break;
	case JF_ENUM:
		for (i = 0; f->enums[i] != NULL; i++)
			if (strcmp(f->enums[i], s) == 0)
				break;
		if (f->enums[i] == NULL) {
			struct buf	 list;
			const char	*msg;

			buf_init(&list, 512);
			for (i = 0; f->enums[i] != NULL; i++)
				(void)buf_addf(&list, "%s%s", i ? ", " : "",
				    f->enums[i]);
			msg = arena_printf(c->arena, "must be one of: %s",
			    list.data ? list.data : "");
			buf_release(&list);
			return msg;
		}
		out->s = f->enums[i];
		out->i = (long long)i;
		break;
	default:
		break;
	}
	if (f->check != NULL)
		return f->check(out->s, out->len);
	return NULL;
}

static void
parse_fields(struct ctx *c, const struct json_field *table,
    struct json_object *obj, void *out, const char *prefix)
{
	const struct json_field	*f;
	struct jv		*jv;
	const char		*why;

	json_object_object_foreach(obj, key, val) {
		for (f = table; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				break;
		if (f->name == NULL) {
			/* Echo the name only when it is short, printable text. */
			ctx_error(c, check_text(key, strlen(key), 0) == NULL &&
			    strlen(key) <= 64 ? field_name(c, prefix,
			    arena_strdup(c->arena, key)) : "(unknown)",
			    "unknown field");
			continue;
		}
		jv = (struct jv *)((char *)out + f->off);
		jv->is_set = 1;
		if (val == NULL) {
			jv->is_null = 1;
			if (!(f->flags & JF_NULLABLE))
				ctx_error(c, field_name(c, prefix, f->name),
				    "must not be null");
			continue;
		}
		why = parse_value(c, f, val, jv, field_name(c, prefix, f->name));
		if (why != NULL)
			ctx_error(c, field_name(c, prefix, f->name), why);
	}
	for (f = table; f->name != NULL; f++) {
		jv = (struct jv *)((char *)out + f->off);
		if ((f->flags & JF_REQUIRED) && !jv->is_set)
			ctx_error(c, field_name(c, prefix, f->name), "is required");
	}
}

int
json_decode(const char *s, size_t len, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*obj = NULL;
	size_t			 end;
	int			 rc = -1;

	*out = NULL;
	if (!utf8_valid(s, len) || len > INT_MAX)
		return -1;
	if ((tok = json_tokener_new_ex(JSON_MAX_DEPTH)) == NULL)
		return -2;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	end = json_tokener_get_parse_end(tok);
	/* A bare number or word waits for more input: end it. */
	if (obj == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		obj = json_tokener_parse_ex(tok, "", 1);
	/* Only white space may follow the value. */
	while (end < len && (s[end] == ' ' || s[end] == '\t' ||
	    s[end] == '\r' || s[end] == '\n'))
		end++;
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    end < len || has_nonfinite(obj, 0))
		goto out;
	*out = obj;
	obj = NULL;
	rc = 0;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

int
json_parse_body(struct ctx *c, const struct json_field *table, void *out)
{
	struct json_object	*obj = NULL;
	int			 rc = -1;

	if (c->req->body == NULL || c->req->body_len == 0) {
		problem(c, 400, "malformed_json", "a JSON object body is required");
		return -1;
	}
	if (!utf8_valid(c->req->body, c->req->body_len)) {
		problem(c, 400, "malformed_json", "the body is not valid UTF-8");
		return -1;
	}
	switch (json_decode(c->req->body, c->req->body_len, &obj)) {
	case 0:
		break;
	case -2:
		problem(c, 500, "internal", "cannot parse now");
		return -1;
	default:
		problem(c, 400, "malformed_json", "the body is not valid JSON");
		return -1;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		ctx_error(c, "", "must be a JSON object");
		problem_validation(c);
		goto out;
	}
	parse_fields(c, table, obj, out, NULL);
	if (c->nerrs > 0) {
		problem_validation(c);
		goto out;
	}
	rc = 0;
out:
	json_object_put(obj);
	return rc;
}

static void
reply_obj(struct ctx *c, int status, const char *ctype, struct json_object *obj)
{
	const char	*s;
	size_t		 len;

	http_resp_init(c->resp, c->resp->body.max);
	c->resp->status = status;
	c->resp->content_type = ctype;
	if (c->resp->is_capture) {
		json_object_put(c->resp->captured);
		c->resp->captured = obj;
		return;
	}
	s = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || buf_add(&c->resp->body, s, len) == -1) {
		log_errx("json: reply of %zu bytes does not fit", len);
		buf_clear(&c->resp->body);
		c->resp->status = 500;
		c->resp->content_type = "application/problem+json";
		buf_adds(&c->resp->body, "{\"type\":\"about:blank\",\"title\":"
		    "\"Internal Server Error\",\"status\":500}");
	}
	json_object_put(obj);
}

void
json_reply_as(struct ctx *c, int status, const char *content_type,
    struct json_object *obj)
{
	reply_obj(c, status, content_type, obj);
}

void
json_reply(struct ctx *c, int status, struct json_object *obj)
{
	reply_obj(c, status, "application/json", obj);
}

void
json_reply_empty(struct ctx *c, int status)
{
	http_resp_init(c->resp, c->resp->body.max);
	c->resp->status = status;
	if (c->resp->is_capture) {
		json_object_put(c->resp->captured);
		c->resp->captured = NULL;
	}
}

void
problem(struct ctx *c, int status, const char *code, const char *detail)
{
	struct json_object	*o, *errs, *e;
	size_t			 i;
	char			 type[96];

	o = json_object_new_object();
	if (code == NULL)
		jset_str(o, "type", "about:blank");
	else {
		snprintf(type, sizeof(type), "urn:concierge:problem:%s", code);
		jset_str(o, "type", type);
	}
	jset_str(o, "title", http_reason(status));
	jset_int(o, "status", status);
	if (detail != NULL)
		jset_str(o, "detail", detail);
	if (code != NULL)
		jset_str(o, "code", code);
	if (c->nerrs > 0) {
		errs = json_object_new_array();
		for (i = 0; i < c->nerrs; i++) {
			e = json_object_new_object();
			jset_str(e, "field", c->errs[i].field);
			jset_str(e, "message", c->errs[i].message);
			json_object_array_add(errs, e);
		}
		jset(o, "errors", errs);
	}
	reply_obj(c, status, "application/problem+json", o);
}

void
problem_validation(struct ctx *c)
{
	problem(c, 422, "validation", "the request has invalid fields");
}

void
problem_unavailable(struct ctx *c)
{
	c->nerrs = 0;
	if (c->db != NULL && db_commit_unknown(c->db)) {
		/* No Retry-After: a plain retry may do it twice. */
		problem(c, 503, "outcome_unknown", "the connection to the "
		    "database was lost while committing: the change may or may "
		    "not have been made; retry with the same Idempotency-Key, "
		    "or read the resource to check");
		return;
	}
	problem(c, 503, "unavailable", "try again shortly");
	(void)http_resp_header(c->resp, "Retry-After", "1");
}

void
jset_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

void
jset_int(struct json_object *o, const char *k, long long v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

void
jset_bool(struct json_object *o, const char *k, int v)
{
	json_object_object_add(o, k, json_object_new_boolean(v ? 1 : 0));
}

void
jset_time(struct json_object *o, const char *k, int64_t t)
{
	char	 buf[UTC_BUFSZ];

	if (t == JTIME_NULL)
		json_object_object_add(o, k, NULL);
	else
		json_object_object_add(o, k,
		    json_object_new_string(utc_format(t, buf, sizeof(buf), 0)));
}

void
jset(struct json_object *o, const char *k, struct json_object *child)
{
	json_object_object_add(o, k, child);
}
