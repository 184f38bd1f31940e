/*
 * The GraphQL language: lexer, parser and printer of executable documents
 * (see graphql.h). The lexical grammar follows the specification as
 * graphql-js 16 implements it (the reference implementation the test
 * suite compares with): source text is any Unicode scalar value in
 * UTF-8, strings take \uXXXX (surrogate pairs joined), \u{...} and the
 * JSON escapes, block strings are dedented by the spec's algorithm, and
 * numbers may not run into a name or a dot. Type system definitions are
 * refused (a request carries executable definitions only).
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/graphql.h"

enum tok {
	T_EOF = 0,
	T_BANG, T_DOLLAR, T_AMP, T_LPAREN, T_RPAREN, T_SPREAD, T_COLON,
	T_EQUALS, T_AT, T_LBRACKET, T_RBRACKET, T_LBRACE, T_PIPE, T_RBRACE,
	T_NAME, T_INT, T_FLOAT, T_STRING, T_BLOCK_STRING,
};

static const char *const tok_names[] = {
	"<EOF>", "\"!\"", "\"$\"", "\"&\"", "\"(\"", "\")\"", "\"...\"",
	"\":\"", "\"=\"", "\"@\"", "\"[\"", "\"]\"", "\"{\"", "\"|\"", "\"}\"",
	"Name", "Int", "Float", "String", "BlockString",
};

struct lexer {
	const unsigned char	*src;
	size_t			 len, pos;
	unsigned int		 line;
	size_t			 line_start;	/* offset of the current line */
	size_t			 col_off;	/* column cache: offset on this line */
	unsigned int		 col_at;	/* and its column */
	/* the current token */
	enum tok		 t;
	size_t			 start, end;
	unsigned int		 tline, tcol;
	struct gql_str		 value;		/* names, numbers, decoded strings */
	/* bounds and failure */
	struct arena		*a;
	size_t			 ntokens, max_tokens;
	struct gql_error	*err;
};

struct parser {
	struct lexer		 lx;
	unsigned int		 depth, max_depth, deepest;
};

/*
 * Column (1-based, in code points) of byte offset off on the current
 * line. Offsets only grow, so counting goes on from the last one asked
 * (linear in the line, not quadratic on a one-line document).
 */
static unsigned int
column_of(struct lexer *lx, size_t line_start, size_t off)
{
	size_t	 i;

	if (lx->col_off < line_start || off < lx->col_off) {
		lx->col_off = line_start;
		lx->col_at = 1;
	}
	for (i = lx->col_off; i < off && i < lx->len; i++)
		if ((lx->src[i] & 0xC0) != 0x80)
			lx->col_at++;
	lx->col_off = i;
	return lx->col_at;
}

static int __attribute__((format(printf, 4, 5)))
fail_at(struct lexer *lx, unsigned int line, unsigned int col,
    const char *fmt, ...)
{
	va_list	 ap;

	if (lx->err->message[0] != '\0')
		return -1;	/* the first error stands */
	lx->err->line = line;
	lx->err->column = col;
	va_start(ap, fmt);
	vsnprintf(lx->err->message, sizeof(lx->err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* An error at byte offset off (on the current line). */
#define FAIL_HERE(lx, off, ...) \
	fail_at((lx), (lx)->line, column_of((lx), (lx)->line_start, (off)), __VA_ARGS__)

/*
 * Decode the UTF-8 sequence at *i (a byte >= 0x80) into *cp: a Unicode
 * scalar value, shortest form. 0 and *i past it, or -1.
 */
static int
utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char	 b = s[*i];
	uint32_t	 v, min;
	size_t		 n, k;

	if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
		v = b & 0x1F;
		min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		v = b & 0x0F;
		min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		v = b & 0x07;
		min = 0x10000;
	} else
		return -1;
	if (len - *i < n)
		return -1;
	for (k = 1; k < n; k++) {
		if ((s[*i + k] & 0xC0) != 0x80)
			return -1;
		v = (v << 6) | (s[*i + k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return -1;
	*i += n;
	*cp = v;
	return 0;
}

/* Append code point cp to out as UTF-8 (4 bytes at most). */
static size_t
utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int
is_name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The byte at pos, or -1 past the end. */
static int
at(const struct lexer *lx, size_t pos)
{
	return pos < lx->len ? lx->src[pos] : -1;
}

static int
hex_val(int c)
{
	return c >= 0 && c < 0x80 ? crypto_hex_digit((char)c) : -1;
}

/* Four hex digits at pos as a number, or -1. */
static long
hex4(const struct lexer *lx, size_t pos)
{
	long	 v = 0;
	int	 k, h;

	for (k = 0; k < 4; k++) {
		if ((h = hex_val(at(lx, pos + k))) == -1)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* A line terminator at pos: move to the next line. Returns its length. */
static size_t
newline(struct lexer *lx, size_t pos)
{
	size_t	 n = lx->src[pos] == '\r' && at(lx, pos + 1) == '\n' ? 2 : 1;

	lx->line++;
	lx->line_start = pos + n;
	return n;
}

/* The escape sequence at pos (a backslash) into out; *pos past it. */
static int
read_escape(struct lexer *lx, size_t *pos, char *out, size_t *o)
{
	size_t		 p = *pos;
	long		 cp, lo;
	uint32_t	 v;
	int		 c = at(lx, p + 1), h;
	size_t		 k;

	switch (c) {
	case '"': out[(*o)++] = '"'; *pos = p + 2; return 0;
	case '\\': out[(*o)++] = '\\'; *pos = p + 2; return 0;
	case '/': out[(*o)++] = '/'; *pos = p + 2; return 0;
	case 'b': out[(*o)++] = '\b'; *pos = p + 2; return 0;
	case 'f': out[(*o)++] = '\f'; *pos = p + 2; return 0;
	case 'n': out[(*o)++] = '\n'; *pos = p + 2; return 0;
	case 'r': out[(*o)++] = '\r'; *pos = p + 2; return 0;
	case 't': out[(*o)++] = '\t'; *pos = p + 2; return 0;
	case 'u':
		break;
	default:
		return FAIL_HERE(lx, p, "Invalid character escape sequence.");
	}
	if (at(lx, p + 2) == '{') {
		/* \u{X...}: at most 8 digits, a Unicode scalar value. */
		v = 0;
		for (k = 3; k < 12; k++) {
			c = at(lx, p + k);
			if (c == '}') {
				if (k < 4 || v > 0x10FFFF ||
				    (v >= 0xD800 && v <= 0xDFFF))
					break;
				*o += utf8_put(out + *o, v);
				*pos = p + k + 1;
				return 0;
			}
			if ((h = hex_val(c)) == -1 || v > 0x0FFFFFFF)
				break;
			v = v * 16 + (uint32_t)h;
		}
		return FAIL_HERE(lx, p, "Invalid Unicode escape sequence.");
	}
	if ((cp = hex4(lx, p + 2)) == -1)
		return FAIL_HERE(lx, p, "Invalid Unicode escape sequence.");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		/* A leading surrogate: only as a pair written \uD8xx\uDCxx. */
		if (at(lx, p + 6) == '\\' && at(lx, p + 7) == 'u' &&
		    (lo = hex4(lx, p + 8)) >= 0xDC00 && lo <= 0xDFFF) {
			v = 0x10000 + (((uint32_t)cp - 0xD800) << 10) +
			    ((uint32_t)lo - 0xDC00);
			*o += utf8_put(out + *o, v);
			*pos = p + 12;
			return 0;
		}
		return FAIL_HERE(lx, p, "Invalid Unicode escape sequence.");
	}
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return FAIL_HERE(lx, p, "Invalid Unicode escape sequence.");
	*o += utf8_put(out + *o, (uint32_t)cp);
	*pos = p + 6;
	return 0;
}

/* Copy the source character at *pos (a UTF-8 sequence) to out + *o. */
static int
copy_char(struct lexer *lx, size_t *pos, char *out, size_t *o)
{
	size_t		 from = *pos;
	uint32_t	 cp;

	if (lx->src[from] < 0x80)
		(*pos)++;
	else if (utf8_next(lx->src, lx->len, pos, &cp) == -1)
		return FAIL_HERE(lx, from, "Invalid character within String.");
	memcpy(out + *o, lx->src + from, *pos - from);
	*o += *pos - from;
	return 0;
}

/* Bytes from lx->start to the end of its "string" (or of the input). */
static size_t
string_extent(const struct lexer *lx)
{
	size_t	 pos = lx->start + 1;

	while (pos < lx->len && lx->src[pos] != '"' && lx->src[pos] != '\n' &&
	    lx->src[pos] != '\r')
		pos += lx->src[pos] == '\\' ? 2 : 1;
	return (pos < lx->len ? pos : lx->len) - lx->start;
}

/* Bytes from lx->start to the end of its """block string""" (or of the input). */
static size_t
block_extent(const struct lexer *lx)
{
	size_t	 pos = lx->start + 3;

	while (pos < lx->len) {
		if (lx->src[pos] == '\\' && at(lx, pos + 1) == '"' &&
		    at(lx, pos + 2) == '"' && at(lx, pos + 3) == '"')
			pos += 4;
		else if (lx->src[pos] == '"' && at(lx, pos + 1) == '"' &&
		    at(lx, pos + 2) == '"')
			return pos - lx->start;
		else
			pos++;
	}
	return lx->len - lx->start;
}

/* A "string" from lx->start. */
static int
read_string(struct lexer *lx)
{
	size_t		 pos = lx->start + 1, o = 0;
	char		*out;

	/* Decoding never makes a string longer than its source. */
	out = arena_alloc(lx->a, string_extent(lx) + 1);
	while (pos < lx->len) {
		unsigned char c = lx->src[pos];

		if (c == '"') {
			out[o] = '\0';
			lx->value = (struct gql_str){ out, o };
			lx->end = pos + 1;
			lx->t = T_STRING;
			return 0;
		}
		if (c == '\\') {
			if (read_escape(lx, &pos, out, &o) == -1)
				return -1;
			continue;
		}
		if (c == '\n' || c == '\r')
			break;
		if (copy_char(lx, &pos, out, &o) == -1)
			return -1;
	}
	return FAIL_HERE(lx, pos, "Unterminated string.");
}

/* Leading spaces and tabs of line s..s+n. */
static size_t
indent_of(const char *s, size_t n)
{
	size_t	 i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * Dedent raw (the block string's characters, \""" already unescaped) as
 * the spec's BlockStringValue: common indentation off every line but
 * the first, blank lines off both ends, lines joined by \n.
 */
static void
block_value(struct lexer *lx, const char *raw, size_t n)
{
	size_t		 i, s, e, ls, le, common = SIZE_MAX, first = SIZE_MAX,
			 last = 0, line, ind, o = 0;
	char		*out = arena_alloc(lx->a, n + 1);
	int		 any = 0;

	/* First pass: common indent, first and last non-blank lines. */
	for (i = 0, line = 0; i <= n; line++) {
		s = i;
		while (i < n && raw[i] != '\n' && raw[i] != '\r')
			i++;
		e = i;
		ind = indent_of(raw + s, e - s);
		if (ind < e - s) {
			if (first == SIZE_MAX)
				first = line;
			last = line;
			any = 1;
			if (line != 0 && ind < common)
				common = ind;
		}
		if (i < n && raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n')
			i++;
		i++;
	}
	if (common == SIZE_MAX)
		common = 0;
	/* Second pass: the lines first..last, dedented. */
	for (i = 0, line = 0; any && i <= n; line++) {
		s = i;
		while (i < n && raw[i] != '\n' && raw[i] != '\r')
			i++;
		e = i;
		if (line >= first && line <= last) {
			ls = s;
			le = e;
			if (line != 0)
				ls += indent_of(raw + s, e - s) < common ?
				    indent_of(raw + s, e - s) : common;
			if (line != first)
				out[o++] = '\n';
			memcpy(out + o, raw + ls, le - ls);
			o += le - ls;
		}
		if (i < n && raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n')
			i++;
		i++;
	}
	out[o] = '\0';
	lx->value = (struct gql_str){ out, o };
}

/* A """block string""" from lx->start. */
static int
read_block_string(struct lexer *lx)
{
	size_t		 pos = lx->start + 3, o = 0;
	char		*raw = arena_alloc(lx->a, block_extent(lx) + 1);

	while (pos < lx->len) {
		unsigned char c = lx->src[pos];

		if (c == '"' && at(lx, pos + 1) == '"' && at(lx, pos + 2) == '"') {
			block_value(lx, raw, o);
			lx->end = pos + 3;
			lx->t = T_BLOCK_STRING;
			return 0;
		}
		if (c == '\\' && at(lx, pos + 1) == '"' && at(lx, pos + 2) == '"' &&
		    at(lx, pos + 3) == '"') {
			memcpy(raw + o, "\"\"\"", 3);
			o += 3;
			pos += 4;
			continue;
		}
		if (c == '\n' || c == '\r') {
			size_t n = newline(lx, pos);

			memcpy(raw + o, lx->src + pos, n);
			o += n;
			pos += n;
			continue;
		}
		if (copy_char(lx, &pos, raw, &o) == -1)
			return -1;
	}
	return FAIL_HERE(lx, pos, "Unterminated string.");
}

/* At least one digit at *pos. */
static int
read_digits(struct lexer *lx, size_t *pos)
{
	if (!is_digit(at(lx, *pos)))
		return FAIL_HERE(lx, *pos, "Invalid number, expected digit but "
		    "got: %s.", at(lx, *pos) == -1 ? "<EOF>" : "another character");
	while (is_digit(at(lx, *pos)))
		(*pos)++;
	return 0;
}

/* An Int or Float from lx->start. */
static int
read_number(struct lexer *lx)
{
	size_t	 pos = lx->start;
	int	 is_float = 0, c;

	if (at(lx, pos) == '-')
		pos++;
	if (at(lx, pos) == '0') {
		pos++;
		if (is_digit(at(lx, pos)))
			return FAIL_HERE(lx, pos, "Invalid number, unexpected "
			    "digit after 0.");
	} else if (read_digits(lx, &pos) == -1)
		return -1;
	if (at(lx, pos) == '.') {
		is_float = 1;
		pos++;
		if (read_digits(lx, &pos) == -1)
			return -1;
	}
	if (at(lx, pos) == 'e' || at(lx, pos) == 'E') {
		is_float = 1;
		pos++;
		if (at(lx, pos) == '+' || at(lx, pos) == '-')
			pos++;
		if (read_digits(lx, &pos) == -1)
			return -1;
	}
	c = at(lx, pos);
	if (c == '.' || is_name_start(c))
		return FAIL_HERE(lx, pos, "Invalid number, expected digit but "
		    "got: \"%c\".", c);
	lx->end = pos;
	lx->t = is_float ? T_FLOAT : T_INT;
	lx->value = (struct gql_str){ arena_strndup(lx->a,
	    (const char *)lx->src + lx->start, pos - lx->start), pos - lx->start };
	return 0;
}

/* Skip white space, line terminators, commas, comments and a BOM. */
static int
skip_ignored(struct lexer *lx)
{
	uint32_t	 cp;
	size_t		 p;

	while (lx->pos < lx->len) {
		unsigned char c = lx->src[lx->pos];

		if (c == ' ' || c == '\t' || c == ',') {
			lx->pos++;
		} else if (c == '\n' || c == '\r') {
			lx->pos += newline(lx, lx->pos);
		} else if (c == 0xEF && at(lx, lx->pos + 1) == 0xBB &&
		    at(lx, lx->pos + 2) == 0xBF) {
			lx->pos += 3;	/* U+FEFF */
		} else if (c == '#') {
			lx->pos++;
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n' &&
			    lx->src[lx->pos] != '\r') {
				if (lx->src[lx->pos] < 0x80) {
					lx->pos++;
					continue;
				}
				p = lx->pos;
				if (utf8_next(lx->src, lx->len, &p, &cp) == -1)
					return FAIL_HERE(lx, lx->pos,
					    "Invalid character in a comment.");
				lx->pos = p;
			}
		} else
			break;
	}
	return 0;
}

/* The next token into lx->t. 0 or -1. */
static int
lex_next(struct lexer *lx)
{
	int	 c;

	if (skip_ignored(lx) == -1)
		return -1;
	lx->start = lx->pos;
	lx->tline = lx->line;
	lx->tcol = column_of(lx, lx->line_start, lx->pos);
	lx->value = (struct gql_str){ NULL, 0 };
	if (lx->pos >= lx->len) {
		lx->t = T_EOF;
		lx->end = lx->pos;
		return 0;
	}
	if (++lx->ntokens > lx->max_tokens)
		return fail_at(lx, lx->tline, lx->tcol, "Document contains "
		    "more than %zu tokens.", lx->max_tokens);
	c = lx->src[lx->pos];
	lx->end = lx->pos + 1;
	switch (c) {
	case '!': lx->t = T_BANG; break;
	case '$': lx->t = T_DOLLAR; break;
	case '&': lx->t = T_AMP; break;
	case '(': lx->t = T_LPAREN; break;
	case ')': lx->t = T_RPAREN; break;
	case ':': lx->t = T_COLON; break;
	case '=': lx->t = T_EQUALS; break;
	case '@': lx->t = T_AT; break;
	case '[': lx->t = T_LBRACKET; break;
	case ']': lx->t = T_RBRACKET; break;
	case '{': lx->t = T_LBRACE; break;
	case '|': lx->t = T_PIPE; break;
	case '}': lx->t = T_RBRACE; break;
	case '.':
		if (at(lx, lx->pos + 1) != '.' || at(lx, lx->pos + 2) != '.')
			return fail_at(lx, lx->tline, lx->tcol,
			    "Unexpected \".\": did you mean \"...\"?");
		lx->t = T_SPREAD;
		lx->end = lx->pos + 3;
		break;
	case '"':
		if (at(lx, lx->pos + 1) == '"' && at(lx, lx->pos + 2) == '"') {
			if (read_block_string(lx) == -1)
				return -1;
		} else if (read_string(lx) == -1)
			return -1;
		break;
	default:
		if (is_name_start(c)) {
			size_t e = lx->pos + 1;

			while (is_name_start(at(lx, e)) || is_digit(at(lx, e)))
				e++;
			lx->t = T_NAME;
			lx->end = e;
			lx->value = (struct gql_str){ arena_strndup(lx->a,
			    (const char *)lx->src + lx->pos, e - lx->pos),
			    e - lx->pos };
			break;
		}
		if (c == '-' || is_digit(c)) {
			if (read_number(lx) == -1)
				return -1;
			break;
		}
		return fail_at(lx, lx->tline, lx->tcol, c >= 0x20 && c < 0x7F ?
		    "Unexpected character: \"%c\"." : "Unexpected character: "
		    "byte 0x%02X.", c);
	}
	lx->pos = lx->end;
	return 0;
}

/* ---- parser ---- */

static int
unexpected(struct parser *p)
{
	struct lexer	*lx = &p->lx;

	if (lx->t == T_NAME)
		return fail_at(lx, lx->tline, lx->tcol, "Unexpected Name \"%.40s\".",
		    lx->value.s);
	return fail_at(lx, lx->tline, lx->tcol, "Unexpected %s.", tok_names[lx->t]);
}

static int
expect(struct parser *p, enum tok t)
{
	struct lexer	*lx = &p->lx;

	if (lx->t != t)
		return fail_at(lx, lx->tline, lx->tcol, "Expected %s, found %s.",
		    tok_names[t], lx->t == T_NAME ? "Name" : tok_names[lx->t]);
	return lex_next(lx);
}

static int
is_keyword(const struct parser *p, const char *kw)
{
	return p->lx.t == T_NAME && strcmp(p->lx.value.s, kw) == 0;
}

/* A Name into *out. */
static int
parse_name(struct parser *p, struct gql_str *out)
{
	if (p->lx.t != T_NAME)
		return expect(p, T_NAME);
	*out = p->lx.value;
	return lex_next(&p->lx);
}

/* A Name into *out, and where it starts into *line, *column. */
static int
parse_name_at(struct parser *p, struct gql_str *out, unsigned int *line,
    unsigned int *column)
{
	*line = p->lx.tline;
	*column = p->lx.tcol;
	return parse_name(p, out);
}

/* Enter one level of nesting (selection sets, lists, objects, list types). */
static int
nest(struct parser *p)
{
	if (++p->depth > p->max_depth)
		return fail_at(&p->lx, p->lx.tline, p->lx.tcol, "Document "
		    "nests deeper than %u levels.", p->max_depth);
	if (p->depth > p->deepest)
		p->deepest = p->depth;
	return 0;
}

static void *
node(struct parser *p, size_t size)
{
	void	*n = arena_alloc(p->lx.a, size);

	memset(n, 0, size);
	return n;
}

static int parse_value(struct parser *, int is_const, struct gql_value **);

/* Name : Value, for arguments and object fields. */
static int
parse_arg(struct parser *p, int is_const, struct gql_arg **out)
{
	struct gql_arg	*a = node(p, sizeof(*a));

	a->line = p->lx.tline;
	a->column = p->lx.tcol;
	if (parse_name(p, &a->name) == -1 || expect(p, T_COLON) == -1 ||
	    parse_value(p, is_const, &a->value) == -1)
		return -1;
	*out = a;
	return 0;
}

/* ( Argument+ ), if there. */
static int
parse_args(struct parser *p, int is_const, struct gql_arg **out)
{
	struct gql_arg	**tail = out;

	*out = NULL;
	if (p->lx.t != T_LPAREN)
		return 0;
	if (lex_next(&p->lx) == -1)
		return -1;
	do {
		if (parse_arg(p, is_const, tail) == -1)
			return -1;
		tail = &(*tail)->next;
	} while (p->lx.t != T_RPAREN);
	return lex_next(&p->lx);
}

static int
parse_value(struct parser *p, int is_const, struct gql_value **out)
{
	struct lexer		*lx = &p->lx;
	struct gql_value	*v = node(p, sizeof(*v)), **items;
	struct gql_arg		**fields;

	v->line = lx->tline;
	v->column = lx->tcol;
	*out = v;
	switch (lx->t) {
	case T_LBRACKET:
		v->kind = GQL_V_LIST;
		if (nest(p) == -1 || lex_next(lx) == -1)
			return -1;
		for (items = &v->items; lx->t != T_RBRACKET;
		    items = &(*items)->next)
			if (parse_value(p, is_const, items) == -1)
				return -1;
		p->depth--;
		return lex_next(lx);
	case T_LBRACE:
		v->kind = GQL_V_OBJECT;
		if (nest(p) == -1 || lex_next(lx) == -1)
			return -1;
		for (fields = &v->fields; lx->t != T_RBRACE;
		    fields = &(*fields)->next)
			if (parse_arg(p, is_const, fields) == -1)
				return -1;
		p->depth--;
		return lex_next(lx);
	case T_INT:
	case T_FLOAT:
		v->kind = lx->t == T_INT ? GQL_V_INT : GQL_V_FLOAT;
		v->text = lx->value;
		return lex_next(lx);
	case T_STRING:
	case T_BLOCK_STRING:
		v->kind = GQL_V_STRING;
		v->text = lx->value;
		return lex_next(lx);
	case T_NAME:
		if (strcmp(lx->value.s, "true") == 0 ||
		    strcmp(lx->value.s, "false") == 0) {
			v->kind = GQL_V_BOOLEAN;
			v->boolean = lx->value.s[0] == 't';
		} else if (strcmp(lx->value.s, "null") == 0)
			v->kind = GQL_V_NULL;
		else {
			v->kind = GQL_V_ENUM;
			v->text = lx->value;
		}
		return lex_next(lx);
	case T_DOLLAR:
		if (lex_next(lx) == -1)
			return -1;
		if (is_const) {
			if (lx->t == T_NAME)
				return fail_at(lx, v->line, v->column,
				    "Unexpected variable \"$%.40s\" in constant "
				    "value.", lx->value.s);
			return unexpected(p);
		}
		v->kind = GQL_V_VARIABLE;
		return parse_name(p, &v->text);
	default:
		return unexpected(p);
	}
}

/* Directives: ( @ Name Arguments? )*. */
static int
parse_directives(struct parser *p, int is_const, struct gql_directive **out)
{
	struct gql_directive	**tail = out, *d;

	*out = NULL;
	while (p->lx.t == T_AT) {
		d = node(p, sizeof(*d));
		d->line = p->lx.tline;
		d->column = p->lx.tcol;
		if (lex_next(&p->lx) == -1 || parse_name(p, &d->name) == -1 ||
		    parse_args(p, is_const, &d->args) == -1)
			return -1;
		*tail = d;
		tail = &d->next;
	}
	return 0;
}

static int
parse_type(struct parser *p, struct gql_type **out)
{
	struct gql_type	*t = node(p, sizeof(*t));

	*out = t;
	t->line = p->lx.tline;
	t->column = p->lx.tcol;
	if (p->lx.t == T_LBRACKET) {
		if (nest(p) == -1 || lex_next(&p->lx) == -1 ||
		    parse_type(p, &t->of) == -1 || expect(p, T_RBRACKET) == -1)
			return -1;
		p->depth--;
	} else if (parse_name(p, &t->name) == -1)
		return -1;
	if (p->lx.t == T_BANG) {
		t->is_non_null = 1;
		return lex_next(&p->lx);
	}
	return 0;
}

/* ( VariableDefinition+ ), if there. */
static int
parse_var_defs(struct parser *p, struct gql_var_def **out)
{
	struct gql_var_def	**tail = out, *v;

	*out = NULL;
	if (p->lx.t != T_LPAREN)
		return 0;
	if (lex_next(&p->lx) == -1)
		return -1;
	do {
		v = node(p, sizeof(*v));
		v->line = p->lx.tline;
		v->column = p->lx.tcol;
		if (expect(p, T_DOLLAR) == -1 || parse_name_at(p, &v->name,
		    &v->name_line, &v->name_column) == -1 ||
		    expect(p, T_COLON) == -1 || parse_type(p, &v->type) == -1)
			return -1;
		if (p->lx.t == T_EQUALS && (lex_next(&p->lx) == -1 ||
		    parse_value(p, 1, &v->default_value) == -1))
			return -1;
		if (parse_directives(p, 1, &v->directives) == -1)
			return -1;
		*tail = v;
		tail = &v->next;
	} while (p->lx.t != T_RPAREN);
	return lex_next(&p->lx);
}

/* A fragment's name: any Name but "on". */
static int
parse_fragment_name(struct parser *p, struct gql_definition *d)
{
	if (is_keyword(p, "on"))
		return unexpected(p);
	return parse_name_at(p, &d->name, &d->name_line, &d->name_column);
}

static int parse_selection_set(struct parser *, struct gql_selection **);

static int
parse_selection(struct parser *p, struct gql_selection **out)
{
	struct gql_selection	*s = node(p, sizeof(*s));
	struct gql_str		 first;

	s->line = p->lx.tline;
	s->column = p->lx.tcol;
	*out = s;
	if (p->lx.t == T_SPREAD) {
		if (lex_next(&p->lx) == -1)
			return -1;
		if (is_keyword(p, "on")) {
			s->kind = GQL_S_INLINE;
			if (lex_next(&p->lx) == -1 || parse_name_at(p,
			    &s->type_condition, &s->tc_line, &s->tc_column) == -1)
				return -1;
		} else if (p->lx.t == T_NAME) {
			s->kind = GQL_S_SPREAD;
			return parse_name_at(p, &s->name, &s->name_line,
			    &s->name_column) == -1 ? -1 :
			    parse_directives(p, 0, &s->directives);
		} else
			s->kind = GQL_S_INLINE;
		if (parse_directives(p, 0, &s->directives) == -1)
			return -1;
		s->set_line = p->lx.tline;
		s->set_column = p->lx.tcol;
		return parse_selection_set(p, &s->selections);
	}
	s->kind = GQL_S_FIELD;
	if (parse_name(p, &first) == -1)
		return -1;
	if (p->lx.t == T_COLON) {
		s->alias = first;
		if (lex_next(&p->lx) == -1 || parse_name(p, &s->name) == -1)
			return -1;
	} else
		s->name = first;
	if (parse_args(p, 0, &s->args) == -1 ||
	    parse_directives(p, 0, &s->directives) == -1)
		return -1;
	if (p->lx.t == T_LBRACE) {
		s->set_line = p->lx.tline;
		s->set_column = p->lx.tcol;
		return parse_selection_set(p, &s->selections);
	}
	return 0;
}

/* { Selection+ } */
static int
parse_selection_set(struct parser *p, struct gql_selection **out)
{
	struct gql_selection	**tail = out;

	*out = NULL;
	if (nest(p) == -1 || expect(p, T_LBRACE) == -1)
		return -1;
	do {
		if (parse_selection(p, tail) == -1)
			return -1;
		tail = &(*tail)->next;
	} while (p->lx.t != T_RBRACE);
	p->depth--;
	return lex_next(&p->lx);
}

static int
parse_definition(struct parser *p, struct gql_definition **out)
{
	struct lexer		*lx = &p->lx;
	struct gql_definition	*d = node(p, sizeof(*d));

	d->line = lx->tline;
	d->column = lx->tcol;
	*out = d;
	if (lx->t == T_LBRACE) {
		d->kind = GQL_D_OPERATION;
		d->op = GQL_QUERY;
		d->is_shorthand = 1;
		return parse_selection_set(p, &d->selections);
	}
	if (lx->t == T_STRING || lx->t == T_BLOCK_STRING)
		return fail_at(lx, lx->tline, lx->tcol, "Unexpected description, "
		    "descriptions are supported only on type definitions.");
	if (lx->t != T_NAME)
		return unexpected(p);
	if (is_keyword(p, "fragment")) {
		d->kind = GQL_D_FRAGMENT;
		if (lex_next(lx) == -1 || parse_fragment_name(p, d) == -1)
			return -1;
		if (!is_keyword(p, "on"))
			return fail_at(lx, lx->tline, lx->tcol, "Expected \"on\", "
			    "found %s.", lx->t == T_NAME ? "Name" : tok_names[lx->t]);
		if (lex_next(lx) == -1 || parse_name_at(p, &d->type_condition,
		    &d->tc_line, &d->tc_column) == -1 ||
		    parse_directives(p, 0, &d->directives) == -1)
			return -1;
		return parse_selection_set(p, &d->selections);
	}
	d->kind = GQL_D_OPERATION;
	if (is_keyword(p, "query"))
		d->op = GQL_QUERY;
	else if (is_keyword(p, "mutation"))
		d->op = GQL_MUTATION;
	else if (is_keyword(p, "subscription"))
		d->op = GQL_SUBSCRIPTION;
	else
		return fail_at(lx, lx->tline, lx->tcol, "Unexpected Name \"%.40s\"%s.",
		    lx->value.s, strcmp(lx->value.s, "schema") == 0 ||
		    strcmp(lx->value.s, "type") == 0 ||
		    strcmp(lx->value.s, "extend") == 0 ?
		    ": type system definitions are not executable" : "");
	if (lex_next(lx) == -1)
		return -1;
	if (lx->t == T_NAME && parse_name_at(p, &d->name, &d->name_line,
	    &d->name_column) == -1)
		return -1;
	if (parse_var_defs(p, &d->vars) == -1 ||
	    parse_directives(p, 0, &d->directives) == -1)
		return -1;
	return parse_selection_set(p, &d->selections);
}

int
gql_parse(struct arena *a, const char *src, size_t len,
    const struct gql_limits *limits, struct gql_document **doc,
    struct gql_error *err)
{
	static const struct gql_limits	 defaults = { GQL_MAX_BYTES,
	    GQL_MAX_TOKENS, GQL_MAX_DEPTH };
	struct parser			 p;
	struct gql_definition		**tail;
	struct gql_document		*d;

	if (limits == NULL)
		limits = &defaults;
	memset(err, 0, sizeof(*err));
	*doc = NULL;
	memset(&p, 0, sizeof(p));
	p.lx.src = (const unsigned char *)src;
	p.lx.len = len;
	p.lx.line = 1;
	p.lx.col_at = 1;
	p.lx.a = a;
	p.lx.err = err;
	p.lx.max_tokens = limits->max_tokens;
	p.max_depth = limits->max_depth;
	if (len > limits->max_bytes)
		return fail_at(&p.lx, 1, 1, "Document is larger than %zu bytes.",
		    limits->max_bytes);
	if (lex_next(&p.lx) == -1)
		return -1;
	d = node(&p, sizeof(*d));
	tail = &d->definitions;
	do {
		if (parse_definition(&p, tail) == -1)
			return -1;
		tail = &(*tail)->next;
	} while (p.lx.t != T_EOF);
	d->ntokens = p.lx.ntokens;
	d->depth = p.deepest;
	*doc = d;
	return 0;
}

/* ---- printer ---- */

static int
put_str(struct buf *b, const struct gql_str *s)
{
	return buf_add(b, s->s, s->len);
}

/* A string value in double quotes, escaped as JSON escapes it. */
static int
put_quoted(struct buf *b, const struct gql_str *s)
{
	size_t		 i;
	unsigned char	 c;
	int		 rc = buf_adds(b, "\"");

	for (i = 0; i < s->len && rc == 0; i++) {
		c = (unsigned char)s->s[i];
		switch (c) {
		case '"': rc = buf_adds(b, "\\\""); break;
		case '\\': rc = buf_adds(b, "\\\\"); break;
		case '\b': rc = buf_adds(b, "\\b"); break;
		case '\f': rc = buf_adds(b, "\\f"); break;
		case '\n': rc = buf_adds(b, "\\n"); break;
		case '\r': rc = buf_adds(b, "\\r"); break;
		case '\t': rc = buf_adds(b, "\\t"); break;
		default:
			rc = c < 0x20 || c == 0x7F ? buf_addf(b, "\\u%04X", c) :
			    buf_add(b, &s->s[i], 1);
		}
	}
	return rc == 0 ? buf_adds(b, "\"") : -1;
}

static int put_value(struct buf *, const struct gql_value *);

static int
put_args(struct buf *b, const struct gql_arg *a, const char *open,
    const char *close)
{
	int	 rc = 0;

	if (a == NULL)
		return 0;
	rc = buf_adds(b, open);
	for (; a != NULL && rc == 0; a = a->next)
		rc = put_str(b, &a->name) == 0 && buf_adds(b, ": ") == 0 &&
		    put_value(b, a->value) == 0 &&
		    (a->next == NULL || buf_adds(b, " ") == 0) ? 0 : -1;
	return rc == 0 ? buf_adds(b, close) : -1;
}

static int
put_value(struct buf *b, const struct gql_value *v)
{
	const struct gql_value	*i;
	int			 rc;

	switch (v->kind) {
	case GQL_V_VARIABLE:
		return buf_adds(b, "$") == 0 ? put_str(b, &v->text) : -1;
	case GQL_V_INT:
	case GQL_V_FLOAT:
	case GQL_V_ENUM:
		return put_str(b, &v->text);
	case GQL_V_STRING:
		return put_quoted(b, &v->text);
	case GQL_V_BOOLEAN:
		return buf_adds(b, v->boolean ? "true" : "false");
	case GQL_V_NULL:
		return buf_adds(b, "null");
	case GQL_V_LIST:
		rc = buf_adds(b, "[");
		for (i = v->items; i != NULL && rc == 0; i = i->next)
			rc = put_value(b, i) == 0 &&
			    (i->next == NULL || buf_adds(b, " ") == 0) ? 0 : -1;
		return rc == 0 ? buf_adds(b, "]") : -1;
	case GQL_V_OBJECT:
		if (v->fields == NULL)
			return buf_adds(b, "{}");
		return put_args(b, v->fields, "{", "}");
	}
	return -1;
}

static int
put_directives(struct buf *b, const struct gql_directive *d)
{
	for (; d != NULL; d = d->next)
		if (buf_adds(b, " @") == -1 || put_str(b, &d->name) == -1 ||
		    put_args(b, d->args, "(", ")") == -1)
			return -1;
	return 0;
}

static int
put_type(struct buf *b, const struct gql_type *t)
{
	if (t->of != NULL) {
		if (buf_adds(b, "[") == -1 || put_type(b, t->of) == -1 ||
		    buf_adds(b, "]") == -1)
			return -1;
	} else if (put_str(b, &t->name) == -1)
		return -1;
	return t->is_non_null ? buf_adds(b, "!") : 0;
}

static int
put_selections(struct buf *b, const struct gql_selection *s)
{
	if (buf_adds(b, "{") == -1)
		return -1;
	for (; s != NULL; s = s->next) {
		switch (s->kind) {
		case GQL_S_FIELD:
			if ((s->alias.s != NULL && (put_str(b, &s->alias) == -1 ||
			    buf_adds(b, ": ") == -1)) || put_str(b, &s->name) == -1 ||
			    put_args(b, s->args, "(", ")") == -1 ||
			    put_directives(b, s->directives) == -1)
				return -1;
			break;
		case GQL_S_SPREAD:
			if (buf_adds(b, "...") == -1 || put_str(b, &s->name) == -1 ||
			    put_directives(b, s->directives) == -1)
				return -1;
			break;
		case GQL_S_INLINE:
			if (buf_adds(b, "...") == -1 || (s->type_condition.s != NULL &&
			    (buf_adds(b, " on ") == -1 ||
			    put_str(b, &s->type_condition) == -1)) ||
			    put_directives(b, s->directives) == -1)
				return -1;
			break;
		}
		if (s->selections != NULL && (buf_adds(b, " ") == -1 ||
		    put_selections(b, s->selections) == -1))
			return -1;
		if (s->next != NULL && buf_adds(b, " ") == -1)
			return -1;
	}
	return buf_adds(b, "}");
}

const char *
gql_op_name(enum gql_op op)
{
	switch (op) {
	case GQL_MUTATION:
		return "mutation";
	case GQL_SUBSCRIPTION:
		return "subscription";
	default:
		return "query";
	}
}

static int
put_definition(struct buf *b, const struct gql_definition *d)
{
	const struct gql_var_def	*v;

	if (d->kind == GQL_D_FRAGMENT) {
		if (buf_adds(b, "fragment ") == -1 || put_str(b, &d->name) == -1 ||
		    buf_adds(b, " on ") == -1 ||
		    put_str(b, &d->type_condition) == -1)
			return -1;
	} else if (!d->is_shorthand) {
		if (buf_adds(b, gql_op_name(d->op)) == -1 ||
		    (d->name.s != NULL && (buf_adds(b, " ") == -1 ||
		    put_str(b, &d->name) == -1)))
			return -1;
		if (d->vars != NULL) {
			if (buf_adds(b, "(") == -1)
				return -1;
			for (v = d->vars; v != NULL; v = v->next)
				if (buf_adds(b, "$") == -1 ||
				    put_str(b, &v->name) == -1 ||
				    buf_adds(b, ": ") == -1 ||
				    put_type(b, v->type) == -1 ||
				    (v->default_value != NULL &&
				    (buf_adds(b, " = ") == -1 ||
				    put_value(b, v->default_value) == -1)) ||
				    put_directives(b, v->directives) == -1 ||
				    (v->next != NULL && buf_adds(b, " ") == -1))
					return -1;
			if (buf_adds(b, ")") == -1)
				return -1;
		}
	}
	if (put_directives(b, d->directives) == -1)
		return -1;
	if (!d->is_shorthand && buf_adds(b, " ") == -1)
		return -1;
	return put_selections(b, d->selections);
}

int
gql_print(struct buf *out, const struct gql_document *doc)
{
	const struct gql_definition	*d;

	for (d = doc->definitions; d != NULL; d = d->next)
		if (put_definition(out, d) == -1 ||
		    (d->next != NULL && buf_adds(out, "\n") == -1))
			return -1;
	return 0;
}
