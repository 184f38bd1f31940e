/*
 * Fuzz the configuration file (lib/cfg.c). The input is the file.
 * Properties: a line that is not blank, not a comment and not
 * "key = value" of a known key, or one too long for the reader, fails
 * the load; what loading and cfg_log write is the same whatever the
 * value of a secret key (so it tells nothing of it); and spacing does not matter: the same lines written as
 * "\tkey \t= value \t" give the same result and the same configuration.
 * The known and the secret keys are learnt from cfg_log at start-up, so
 * the target follows the key table without a copy of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/cfg.h"
#include "lib/log.h"
#include "lib/time.h"
#include "tests/fuzz/capture.h"
#include "tests/fuzz/fuzz.h"

#define MAX_KEYS	128
#define LINE_MAX_CFG	1022	/* longest line cfg_load reads (1024 with "\n\0") */

static struct fuzz_file	 file;
static struct arena	 a;
static const char	*keys[MAX_KEYS];
static int		 is_secret[MAX_KEYS];
static size_t		 nkeys;

/* Load n bytes as the configuration; stderr and cfg_log's lines into *log. */
static int
load(const void *data, size_t n, char **log)
{
	struct fuzz_capture	 cap;
	struct cfg		 c;
	int			 rc;

	FUZZ_CHECK(fuzz_file_set(&file, data, n) == 0, "%s", "memfd write");
	cfg_defaults(&c);
	FUZZ_CHECK(fuzz_capture_begin(&cap) == 0, "%s", "capture");
	rc = cfg_load(&c, file.path);
	if (rc == 0)
		cfg_log(&c);
	*log = fuzz_capture_end(&cap, &a);
	cfg_release(&c);
	utc_set_offset_file(NULL);
	return rc;
}

/* The messages of the captured log lines only ("config: k = v\n"...). */
static char *
messages(const char *log)
{
	struct buf	 b;
	const char	*p, *m, *eol;
	char		*s;

	buf_init(&b, 1 << 20);
	for (p = log; *p != '\0'; p = eol + 1) {
		if ((eol = strchr(p, '\n')) == NULL)
			break;
		/* Line by line: strstr over the whole log would be quadratic. */
		if ((m = memmem(p, (size_t)(eol - p), " msg=\"", 6)) == NULL)
			continue;
		m += 6;
		(void)buf_add(&b, m, (size_t)(eol - m));
		(void)buf_adds(&b, "\n");
	}
	s = arena_strdup(&a, b.data ? b.data : "");
	buf_release(&b);
	return s;
}

/* The value cfg_log shows for key, in the arena, or NULL. */
static char *
shown(const char *msgs, const char *key)
{
	const char	*p = msgs, *v, *eol;
	size_t		 n = strlen(key);

	while ((p = strstr(p, "config: ")) != NULL) {
		p += 8;
		if (strncmp(p, key, n) == 0 && strncmp(p + n, " = ", 3) == 0) {
			v = p + n + 3;
			eol = strchr(v, '"');
			return arena_strndup(&a, v, eol ? (size_t)(eol - v) : strlen(v));
		}
	}
	return NULL;
}

/* Learn every key from cfg_log of the defaults, and which are secret. */
static void
learn_keys(void)
{
	struct cfg	 c;
	struct fuzz_capture cap;
	char		*msgs, *p, *eq, *line, *log;
	size_t		 i;

	cfg_defaults(&c);
	FUZZ_CHECK(fuzz_capture_begin(&cap) == 0, "%s", "capture");
	cfg_log(&c);
	msgs = messages(fuzz_capture_end(&cap, &a));
	cfg_release(&c);
	for (p = msgs; (p = strstr(p, "config: ")) != NULL && nkeys < MAX_KEYS;
	    p = eq) {
		p += 8;
		if ((eq = strstr(p, " = ")) == NULL)
			break;
		keys[nkeys++] = arena_strndup(&a, p, (size_t)(eq - p));
	}
	FUZZ_CHECK(nkeys > 10, "learnt only %zu keys", nkeys);
	/* A secret is a string key whose value cfg_log shows as "(set)". */
	for (i = 0; i < nkeys; i++) {
		line = arena_printf(&a, "%s = fuzz-secret-value\n", keys[i]);
		if (load(line, strlen(line), &log) == 0) {
			p = shown(messages(log), keys[i]);
			is_secret[i] = p != NULL && strcmp(p, "(set)") == 0;
		}
	}
	/* Keep them past the arena resets of each input. */
	for (i = 0; i < nkeys; i++)
		keys[i] = xstrdup(keys[i]);
}

static int
key_index(const char *k, size_t n)
{
	size_t	 i;

	for (i = 0; i < nkeys; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
			return (int)i;
	return -1;
}

/* Trim as cfg_load does: spaces and tabs in front, and CR/LF behind. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
	    (*s)[*n - 1] == '\r'))
		(*n)--;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 is_init;
	const char	*p, *end, *nl, *k, *v, *eq;
	size_t		 kn, vn, len;
	struct buf	 canon;
	char		*log, *log2, *masked;
	int		 rc, rc2, must_fail = 0, idx, is_canon_ok, has_secret = 0;

	if (size > 65536)
		return 0;
	if (!is_init) {
		arena_init(&a);
		log_init("fuzz", LOG_LVL_DEBUG);
		FUZZ_CHECK(fuzz_file_init(&file, "cfg") == 0, "%s", "memfd");
		learn_keys();
		arena_reset(&a);
		is_init = 1;
	}
	rc = load(data, size, &log);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (memchr(data, '\0', size) != NULL)
		goto out;
	buf_init(&canon, 1 << 20);
	is_canon_ok = 1;
	masked = arena_alloc(&a, size + 1);
	memcpy(masked, data, size);
	for (p = (const char *)data, end = p + size; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len > LINE_MAX_CFG)
			must_fail = 1;
		k = p;
		kn = len;
		trim(&k, &kn);
		if (kn == 0 || *k == '#') {
			(void)buf_add(&canon, p, len);
			(void)buf_adds(&canon, "\n");
			continue;
		}
		if ((eq = memchr(k, '=', kn)) == NULL) {
			must_fail = 1;
			continue;
		}
		v = eq + 1;
		vn = kn - (size_t)(v - k);
		kn = (size_t)(eq - k);
		trim(&k, &kn);
		trim(&v, &vn);
		if ((idx = key_index(k, kn)) == -1) {
			must_fail = 1;
			continue;
		}
		if (len + 6 > LINE_MAX_CFG)
			is_canon_ok = 0;
		(void)buf_addf(&canon, "\t%.*s \t= %.*s \t\n", (int)kn, k, (int)vn, v);
		/* Mask a secret's value: the log must not change. */
		if (is_secret[idx] && vn > 0) {
			memset(masked + (v - (const char *)data), 'X', vn);
			has_secret = 1;
		}
	}
	if (must_fail)
		FUZZ_CHECK(rc == -1, "%s", "a malformed, unknown or too long line "
		    "was accepted");
	else if (is_canon_ok) {
		rc2 = load(canon.data ? canon.data : "", canon.len, &log2);
		FUZZ_CHECK(rc2 == rc, "respaced lines: rc %d, before %d", rc2, rc);
		if (rc == 0)
			FUZZ_CHECK(strcmp(messages(log), messages(log2)) == 0,
			    "%s", "respaced lines give another configuration");
	}
	if (has_secret) {
		rc2 = load(masked, size, &log2);
		FUZZ_CHECK(rc2 == rc && strcmp(messages(log), messages(log2)) == 0,
		    "%s", "the log tells something of a secret's value");
	}
	buf_release(&canon);
out:
	arena_reset(&a);
	return 0;
}
