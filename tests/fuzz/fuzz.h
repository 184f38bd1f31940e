/*
 * What every fuzz target shares (docs/FUZZING.md). A target is one file
 * tests/fuzz/fuzz-NAME.c defining LLVMFuzzerTestOneInput; built with
 * --enable-fuzzing it links libFuzzer, otherwise tests/fuzz/replay.c,
 * which runs it once over each file of tests/fuzz/corpus/NAME/ in make
 * check. A target checks properties of what the parser returns, and
 * stops the process with FUZZ_CHECK when one does not hold.
 */
#ifndef CONCIERGE_TESTS_FUZZ_H
#define CONCIERGE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cfg.h"
#include "lib/ctx.h"
#include "lib/http.h"
#include "lib/mem.h"

/* The entry point libFuzzer (or the replay driver) calls per input. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message naming the broken property (abort: libFuzzer saves the input). */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);	\
} while (0)

void	fuzz_fail(const char *file, int line, const char *cond,
	    const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 4, 5)));

/* Silence lib/log (parsers log refusals; millions of lines help no one). */
void	fuzz_quiet(void);

/*
 * A request context as a worker builds one, without a database: an
 * arena, a request with no parameters, a response and the default
 * configuration. fuzz_ctx_reset empties it for the next input.
 */
struct fuzz_ctx {
	struct arena	 arena;
	struct http_req	 req;
	struct http_resp resp;
	struct cfg	 cfg;
	struct ctx	 c;
};

void	fuzz_ctx_init(struct fuzz_ctx *);
void	fuzz_ctx_reset(struct fuzz_ctx *);
void	fuzz_ctx_release(struct fuzz_ctx *);

/* Parse a request whose only parameter is QUERY_STRING = query into f->req. */
void	fuzz_ctx_query(struct fuzz_ctx *, const char *query);

/*
 * After a parser answered with a problem: the reply has the given
 * status (or one of 400/422 when status is 0), is problem+json, and its
 * body is a JSON object whose "status" says the same.
 */
void	fuzz_check_problem(const struct fuzz_ctx *, int status);

/*
 * Split the input at its first '\n': *head is that line (NUL-terminated
 * copy in the arena), *rest and *restlen the bytes after it. Returns 0,
 * or -1 if there is no '\n'.
 */
int	fuzz_split(struct arena *, const uint8_t *data, size_t size,
	    char **head, const uint8_t **rest, size_t *restlen);

#endif
