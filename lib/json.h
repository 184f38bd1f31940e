/*
 * JSON at the edge: request bodies parsed against a field table into
 * typed values (unknown or bad fields answer 422, malformed JSON 400),
 * JSON replies, and RFC 9457 problem replies.
 */
#ifndef CONCIERGE_JSON_H
#define CONCIERGE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "lib/ctx.h"

enum jf_kind {
	JF_STRING = 0,	/* s, len */
	JF_INT,		/* i */
	JF_BOOL,	/* i (0 or 1) */
	JF_TIME,	/* i: RFC 3339 as microseconds since the epoch */
	JF_DATE,	/* s: "YYYY-MM-DD", a real calendar day */
	JF_ENUM,	/* s (canonical) and i (index into enums) */
	JF_ID,		/* s: an opaque id */
	JF_IDS,		/* strs, n: array of ids */
	JF_OBJECTS,	/* items, n: array of objects parsed by sub */
	JF_OBJECT,	/* items: one object parsed by sub (elem_size bytes) */
};

#define JF_REQUIRED	0x01	/* must be present */
#define JF_NULLABLE	0x02	/* may be null (PATCH: clear the value) */
#define JF_MULTILINE	0x04	/* string may hold newlines and tabs */

/* A parsed value. is_set: the field was present; is_null: it was null. */
struct jv {
	int		 is_set;
	int		 is_null;
	const char	*s;
	size_t		 len;
	long long	 i;
	const char	**strs;
	void		*items;
	size_t		 n;
};

/* Extra check of a string's bytes; returns NULL if fine, or a message. */
typedef const char *(*jf_check)(const char *s, size_t len);

struct json_field {
	const char		*name;
	enum jf_kind		 kind;
	unsigned		 flags;
	size_t			 off;	/* offsetof the struct jv in the target */
	long long		 min;	/* INT: value; STRING: characters; arrays: items */
	long long		 max;
	jf_check		 check;
	const char *const	*enums;	/* ENUM: NULL-terminated */
	const struct json_field	*sub;	/* OBJECTS: element table */
	size_t			 elem_size;
};

/*
 * Parse the request body into out using the NULL-name-terminated table.
 * Returns 0, or -1 after setting a problem reply (400 or 422).
 */
int	json_parse_body(struct ctx *, const struct json_field *, void *out);

/*
 * Decode len bytes of JSON text (strict, UTF-8, depth-bounded, nothing
 * but white space after the value, no NaN or Infinity) into *out, a
 * new reference. 0, -1 when the text is not such JSON, -2 out of memory.
 */
int	json_decode(const char *s, size_t len, struct json_object **out);

/*
 * Reply with a JSON document (ownership of obj passes here). Replies
 * reset the response, headers included: add headers after them.
 */
void	json_reply(struct ctx *, int status, struct json_object *obj);
/* Reply with no body (204 and friends). */
void	json_reply_empty(struct ctx *, int status);
/* Reply with obj as JSON under another media type (application/graphql-response+json). */
void	json_reply_as(struct ctx *, int status, const char *content_type,
	    struct json_object *obj);
/*
 * Reply with an RFC 9457 problem. code is a short slug ("not_found")
 * sent as "code" and used in "type"; detail is for humans and must not
 * hold another user's data. Errors recorded with ctx_error are added.
 */
void	problem(struct ctx *, int status, const char *code, const char *detail);
/* 422 with the recorded ctx_error list. */
void	problem_validation(struct ctx *);
/*
 * 503: the database failed or is gone; the client may retry (Retry-After
 * 1). After a COMMIT whose reply was lost (db_commit_unknown) it is 503
 * outcome_unknown instead, without Retry-After: retry only with the same
 * Idempotency-Key, or check the resource.
 */
void	problem_unavailable(struct ctx *);

/* Builders: NULL strings become JSON null. */
void	jset_str(struct json_object *, const char *key, const char *val);
void	jset_int(struct json_object *, const char *key, long long val);
void	jset_bool(struct json_object *, const char *key, int val);
/* RFC 3339 UTC; JTIME_NULL gives null. */
#define JTIME_NULL	INT64_MIN
void	jset_time(struct json_object *, const char *key, int64_t usec);
/* Attach a child (ownership passes). */
void	jset(struct json_object *, const char *key, struct json_object *child);

/* 1 if the n bytes are well-formed UTF-8 (RFC 3629: no overlongs, no surrogates). */
int	utf8_valid(const char *, size_t n);
/* Count UTF-8 characters of valid UTF-8 text. */
size_t	utf8_chars(const char *, size_t len);

#endif
