/*
 * lib/graphql.h: the GraphQL language (October 2021 specification),
 * executable documents only: a lexer and recursive-descent parser into a
 * tree allocated in an arena, and a printer of that tree (issue 18;
 * docs/GRAPHQL.md). A request's document is untrusted bytes: parsing is
 * bounded in size, nesting and token count, rejects what the grammar
 * does not produce with the line and column the spec's errors carry, and
 * never reads past the input. Validation against a schema and execution
 * are separate steps over this tree.
 */
#ifndef CONCIERGE_GRAPHQL_H
#define CONCIERGE_GRAPHQL_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/mem.h"

enum gql_op {
	GQL_QUERY = 0,
	GQL_MUTATION,
	GQL_SUBSCRIPTION,
};

enum gql_value_kind {
	GQL_V_VARIABLE = 0,	/* $name: text is the name */
	GQL_V_INT,		/* text is the literal as written */
	GQL_V_FLOAT,		/* text is the literal as written */
	GQL_V_STRING,		/* text is the decoded string (UTF-8) */
	GQL_V_BOOLEAN,		/* boolean */
	GQL_V_NULL,
	GQL_V_ENUM,		/* text is the name */
	GQL_V_LIST,		/* items */
	GQL_V_OBJECT,		/* fields */
};

/* A string of the document or decoded from it: len bytes, NUL-terminated. */
struct gql_str {
	const char	*s;
	size_t		 len;
};

struct gql_value;

/* One name: value pair of an object value or an argument list. */
struct gql_arg {
	struct gql_str		 name;
	struct gql_value	*value;
	unsigned int		 line, column;
	struct gql_arg		*next;
};

struct gql_value {
	enum gql_value_kind	 kind;
	struct gql_str		 text;
	int			 boolean;
	int			 is_block;	/* a """block string""" (for printing) */
	struct gql_value	*items;		/* GQL_V_LIST */
	struct gql_arg		*fields;	/* GQL_V_OBJECT */
	unsigned int		 line, column;
	struct gql_value	*next;		/* in a list */
};

struct gql_directive {
	struct gql_str		 name;
	struct gql_arg		*args;
	unsigned int		 line, column;
	struct gql_directive	*next;
};

/* A type reference: a named type, a list of one, and non-null marks. */
struct gql_type {
	struct gql_str		 name;		/* when of is NULL */
	struct gql_type		*of;		/* a list type: [of] */
	int			 is_non_null;
	unsigned int		 line, column;
};

enum gql_selection_kind {
	GQL_S_FIELD = 0,
	GQL_S_SPREAD,		/* ...Name */
	GQL_S_INLINE,		/* ... on Type { } or ... { } */
};

struct gql_selection {
	enum gql_selection_kind	 kind;
	struct gql_str		 alias;		/* field: s NULL when none */
	struct gql_str		 name;		/* field name or fragment name */
	struct gql_str		 type_condition;	/* inline: s NULL when none */
	struct gql_arg		*args;
	struct gql_directive	*directives;
	struct gql_selection	*selections;	/* NULL: a leaf field */
	unsigned int		 line, column;
	unsigned int		 name_line, name_column;	/* a spread's name */
	unsigned int		 tc_line, tc_column;	/* type_condition */
	unsigned int		 set_line, set_column;	/* the "{" of selections */
	struct gql_selection	*next;
};

struct gql_var_def {
	struct gql_str		 name;
	struct gql_type		*type;
	struct gql_value	*default_value;	/* NULL when none */
	struct gql_directive	*directives;
	unsigned int		 line, column;	/* the "$" */
	unsigned int		 name_line, name_column;
	struct gql_var_def	*next;
};

enum gql_def_kind {
	GQL_D_OPERATION = 0,
	GQL_D_FRAGMENT,
};

struct gql_definition {
	enum gql_def_kind	 kind;
	enum gql_op		 op;		/* operation */
	int			 is_shorthand;	/* operation written as { ... } */
	struct gql_str		 name;		/* s NULL: an anonymous operation */
	struct gql_str		 type_condition;	/* fragment */
	struct gql_var_def	*vars;
	struct gql_directive	*directives;
	struct gql_selection	*selections;
	unsigned int		 line, column;
	unsigned int		 name_line, name_column;	/* when named */
	unsigned int		 tc_line, tc_column;	/* fragment: type_condition */
	struct gql_definition	*next;
};

struct gql_document {
	struct gql_definition	*definitions;
	size_t			 ntokens;
	unsigned int		 depth;		/* deepest nesting reached */
};

/* Bounds on what one document may cost to parse. */
struct gql_limits {
	size_t		 max_bytes;	/* the whole document */
	size_t		 max_tokens;
	unsigned int	 max_depth;	/* selection sets, lists and objects nested */
};

/* Defaults: 64 KiB, 10,000 tokens, depth 32. */
#define GQL_MAX_BYTES	(64 * 1024)
#define GQL_MAX_TOKENS	10000
#define GQL_MAX_DEPTH	32

/* A syntax error: where (1-based, columns in code points) and what. */
struct gql_error {
	unsigned int	 line, column;
	char		 message[160];
};

/*
 * Parse src (len bytes, any bytes) into *doc, allocated in a. limits NULL
 * means the defaults. 0, or -1 with *err filled: a syntax error, a limit
 * passed, or bytes that are not UTF-8 source text.
 */
int	gql_parse(struct arena *a, const char *src, size_t len,
	    const struct gql_limits *limits, struct gql_document **doc,
	    struct gql_error *err);

/*
 * Print doc in one canonical form (single spaces, no commas, strings in
 * double quotes with the escapes JSON uses), which gql_parse reads back
 * into the same tree. Returns 0, or -1 if the buffer's limit was reached.
 */
int	gql_print(struct buf *out, const struct gql_document *doc);

/* The operation name of op ("query", "mutation", "subscription"). */
const char *gql_op_name(enum gql_op op);

#endif
