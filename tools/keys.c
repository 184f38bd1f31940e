/*
 * concierge-keys: rotation of the data keys of lib/vault.h.
 *
 *   concierge-keys [--config FILE] new
 *   concierge-keys [--config FILE] use ID
 *   concierge-keys [--config FILE] reencrypt [--batch N] [--max-batches N]
 *   concierge-keys [--config FILE] status
 *   concierge-keys [--config FILE] retire ID
 *   concierge-keys columns
 *
 * new adds a random key with the next id to crypto.keys_file (created
 * mode 0600 if absent) and makes it current; use makes an existing key
 * current again. Workers seal with the current key after a restart.
 * reencrypt re-seals every value and attachment file under an old key,
 * online, in short transactions of N rows (an audit row each); it keeps
 * no state: a run stopped anywhere is resumed by running it again.
 * status opens every value and file and counts them per key id. retire
 * removes a key from the file once nothing uses it. Exit: 0 done, 1
 * refused, a value that does not open, or stopped at --max-batches,
 * 2 usage, 3 could not run.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/audit.h"
#include "lib/buf.h"
#include "lib/cfg.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "tools/keys.h"

#define DEFAULT_BATCH	100
#define MAX_BATCH	10000
#define KEYS_FILE_MAX	(64 * 1024)

static void
usage(void)
{
	fprintf(stderr, "usage: concierge-keys [--config FILE] new | use ID | "
	    "reencrypt [--batch N] [--max-batches N] | status | retire ID | "
	    "columns\n");
}

int
keys_audit_batch(struct ctx *c, const char *what, unsigned long n,
    uint32_t key_id)
{
	struct json_object	*meta;
	int			 rc;

	meta = json_object_new_object();
	jset_str(meta, "column", what);
	jset_int(meta, "count", (long long)n);
	jset_int(meta, "key_id", (long long)key_id);
	rc = audit_append_system(c, "reencrypt", "data_key",
	    "values sealed again under the current data key", meta);
	json_object_put(meta);
	return rc;
}

/* ---- the keys file ---- */

/* The keys file into b (empty if it does not exist yet). 0 or -1. */
static int
file_read(const char *path, struct buf *b)
{
	if (buf_add_file(b, path) == -1)
		return errno == ENOENT ? 0 : -1;
	return 0;
}

/* Replace the keys file with n bytes of s: a 0600 file, on disk, renamed. */
static int
file_write(const char *path, const char *s, size_t n)
{
	char	 tmp[4096];
	int	 fd = -1, k, rc = -1;

	k = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (k < 0 || (size_t)k >= sizeof(tmp))
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		goto out;
	if (fchmod(fd, 0600) == -1 || (n > 0 && write(fd, s, n) != (ssize_t)n) ||
	    fsync(fd) == -1)
		goto out;
	if (close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1) {
		log_errx("keys: cannot write '%s': %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		(void)unlink(tmp);
	}
	return rc;
}

/*
 * The first word of a keys-file line into w0 (empty if none, or too
 * long) and the number after it into *id (0 if none).
 */
static void
line_words(const char *p, size_t len, char w0[16], unsigned long *id)
{
	char	 line[256], *save, *t, *end;

	w0[0] = '\0';
	*id = 0;
	if (len >= sizeof(line))
		return;
	memcpy(line, p, len);
	line[len] = '\0';
	if ((t = strtok_r(line, " \t\r\n", &save)) != NULL && strlen(t) < 16) {
		memcpy(w0, t, strlen(t) + 1);
		if ((t = strtok_r(NULL, " \t\r\n", &save)) != NULL &&
		    *t >= '0' && *t <= '9') {
			errno = 0;
			*id = strtoul(t, &end, 10);
			if (errno != 0 || *end != '\0')
				*id = 0;
		}
	}
	explicit_bzero(line, sizeof(line));
}

/*
 * The keys file without its "current" lines (drop_current) and without
 * the line of key drop_id (if not 0), into out. *max_id gets the
 * largest key id it names (1 at least: crypto.data_key). 0 or -1.
 */
static int
file_filter(const struct buf *in, struct buf *out, int drop_current,
    uint32_t drop_id, uint32_t *max_id)
{
	const char	*p = in->data, *end = in->data + in->len, *nl;
	char		 w0[16];
	unsigned long	 id;
	size_t		 len;

	*max_id = 1;
	while (p != NULL && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		/* The lines are checked by vault_init when the file is read back. */
		line_words(p, len, w0, &id);
		if (strcmp(w0, "key") == 0 && id > *max_id && id <= 0x7fffffffUL)
			*max_id = (uint32_t)id;
		if (!(drop_current && strcmp(w0, "current") == 0) &&
		    !(drop_id != 0 && strcmp(w0, "key") == 0 && id == drop_id) &&
		    buf_add(out, p, len) == -1)
			return -1;
		if (len > 0 && p[len - 1] != '\n' && buf_add(out, "\n", 1) == -1)
			return -1;
		p += len;
	}
	return 0;
}

/*
 * Rewrite the keys file: without "current" lines if drop_current,
 * without key drop_id, then add (a line or two). add_key: add a new key
 * with the next id, made current (*id gets it). The result is read back
 * by vault_init; if it does not load, the old file is put back. 0 or -1.
 */
static int
keys_edit(const struct cfg *cfg, int drop_current, uint32_t drop_id,
    uint32_t use_id, int add_key, uint32_t *id)
{
	const char	*path = cfg->crypto_keys_file;
	struct buf	 in, out;
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN];
	char		 hex[2 * CRYPTO_AEAD_KEY_LEN + 1];
	uint32_t	 max_id;
	int		 rc = -1;

	buf_init(&in, KEYS_FILE_MAX);
	buf_init(&out, KEYS_FILE_MAX);
	if (file_read(path, &in) == -1) {
		log_errx("keys: cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (file_filter(&in, &out, drop_current, drop_id, &max_id) == -1)
		goto out;
	if (drop_id != 0 && out.len == in.len) {
		log_errx("keys: key %u is not in '%s'", drop_id, path);
		goto out;
	}
	if (add_key) {
		if (max_id == 0x7fffffffU || crypto_random(key, sizeof(key)) == -1)
			goto out;
		crypto_hex(key, sizeof(key), hex);
		*id = max_id + 1;
		if (buf_addf(&out, "key %u %s\n", *id, hex) == -1)
			goto out;
		use_id = *id;
	}
	if (use_id != 0 && buf_addf(&out, "current %u\n", use_id) == -1)
		goto out;
	if (file_write(path, out.data ? out.data : "", out.len) == -1)
		goto out;
	vault_reset();
	if (vault_init(cfg) == -1) {
		log_errx("keys: the new '%s' does not load: the old one is back",
		    path);
		(void)file_write(path, in.data ? in.data : "", in.len);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(hex, sizeof(hex));
	if (in.data != NULL)
		explicit_bzero(in.data, in.len);
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);
	buf_release(&in);
	buf_release(&out);
	return rc;
}

static int
cmd_new(const struct cfg *cfg)
{
	uint32_t	 id = 0;

	if (keys_edit(cfg, 1, 0, 0, 1, &id) == -1)
		return 3;
	printf("%u\n", id);
	return 0;
}

static int
cmd_use(const struct cfg *cfg, uint32_t id)
{
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN];
	int		 has_key = vault_key(cfg, id, key) == 0;

	explicit_bzero(key, sizeof(key));
	if (!has_key) {
		log_errx("keys: there is no key %u", id);
		return 1;
	}
	return keys_edit(cfg, 1, 0, id, 0, NULL) == -1 ? 3 : 0;
}

/* Every value and file, counted per key (and re-sealed if is_reseal). */
static int
scan_all(struct ctx *c, struct keys_tally *vt, struct keys_tally *ft,
    int is_reseal, size_t batch, unsigned long max_batches)
{
	int	 rc;

	rc = keys_values_scan(c, vt, is_reseal, batch, max_batches);
	ft->batches = vt->batches;
	if (rc != 0)
		return rc;
	return keys_files_scan(c, ft, is_reseal, max_batches);
}

static void
print_tally(const char *what, const struct keys_tally *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		printf("%s under key %u: %lu\n", what, t->ids[i], t->counts[i]);
	printf("%s that do not open: %lu\n", what, t->bad);
}

static int
cmd_status(struct ctx *c)
{
	struct keys_tally	 vt, ft;

	memset(&vt, 0, sizeof(vt));
	memset(&ft, 0, sizeof(ft));
	if (scan_all(c, &vt, &ft, 0, DEFAULT_BATCH, 0) == -1)
		return 3;
	printf("current key: %u\n", vault_current_key(c->cfg));
	print_tally("values", &vt);
	print_tally("files", &ft);
	return vt.bad + ft.bad > 0 ? 1 : 0;
}

static int
cmd_reencrypt(struct ctx *c, size_t batch, unsigned long max_batches)
{
	struct keys_tally	 vt, ft;
	int			 rc;

	memset(&vt, 0, sizeof(vt));
	memset(&ft, 0, sizeof(ft));
	if ((rc = scan_all(c, &vt, &ft, 1, batch, max_batches)) == -1)
		return 3;
	printf("concierge-keys: sealed again under key %u: %lu values, %lu "
	    "files, in %lu batches%s\n", vault_current_key(c->cfg), vt.resealed,
	    ft.resealed, ft.batches, rc == 1 ? " (stopped at --max-batches: "
	    "run again to go on)" : "");
	if (vt.bad + ft.bad > 0)
		printf("concierge-keys: %lu values and %lu files do not open\n",
		    vt.bad, ft.bad);
	return rc == 1 || vt.bad + ft.bad > 0 ? 1 : 0;
}

static int
cmd_retire(struct ctx *c, uint32_t id)
{
	struct keys_tally	 vt, ft;
	unsigned long		 nv, nf;

	if (id == vault_current_key(c->cfg)) {
		log_errx("keys: key %u is the current key: it cannot be retired",
		    id);
		return 1;
	}
	if (id == 1 && c->cfg->crypto_data_key != NULL) {
		log_errx("keys: key 1 is crypto.data_key: once status counts "
		    "nothing under it, remove that line from the configuration");
		return 1;
	}
	memset(&vt, 0, sizeof(vt));
	memset(&ft, 0, sizeof(ft));
	if (scan_all(c, &vt, &ft, 0, DEFAULT_BATCH, 0) == -1)
		return 3;
	nv = keys_tally_of(&vt, id);
	nf = keys_tally_of(&ft, id);
	if (nv + nf > 0 || vt.bad + ft.bad > 0) {
		log_errx("keys: key %u still seals %lu values and %lu files (%lu "
		    "do not open): run reencrypt first", id, nv, nf,
		    vt.bad + ft.bad);
		return 1;
	}
	if (keys_edit(c->cfg, 0, id, 0, 0, NULL) == -1)
		return 3;
	printf("concierge-keys: retired key %u\n", id);
	return 0;
}

/* A decimal number in 1..max, or 0. */
static unsigned long
parse_num(const char *s, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || v > max ? 0 : v;
}

/* The commands that need the database. */
static int
run_db(struct cfg *cfg, const char *cmd, uint32_t id, size_t batch,
    unsigned long max_batches)
{
	struct arena	 a;
	struct http_req	 req;
	struct ctx	 c;
	int		 rc = 3;

	arena_init(&a);
	memset(&c, 0, sizeof(c));
	memset(&req, 0, sizeof(req));
	req.remote_addr = "";
	c.arena = &a;
	c.cfg = cfg;
	c.req = &req;
	/* The admin account: re-sealing updates append-only tables (0018). */
	if (db_open(&c.db, cfg, DB_ROLE_ADMIN) == -1)
		goto out;
	if (strcmp(cmd, "status") == 0)
		rc = cmd_status(&c);
	else if (strcmp(cmd, "reencrypt") == 0)
		rc = cmd_reencrypt(&c, batch, max_batches);
	else
		rc = cmd_retire(&c, id);
out:
	db_close(c.db);
	arena_release(&a);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'b' },
		{ "max-batches", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg	 cfg;
	const char	*config = getenv("CONCIERGE_CONFIG"), *cmd;
	unsigned long	 batch = DEFAULT_BATCH, max_batches = 0, id = 0;
	int		 ch, needs_id, rc = 3;

	log_init("keys", LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "c:b:m:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'b':
			if ((batch = parse_num(optarg, MAX_BATCH)) == 0) {
				usage();
				return 2;
			}
			break;
		case 'm':
			if ((max_batches = parse_num(optarg, 1UL << 30)) == 0) {
				usage();
				return 2;
			}
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind >= argc) {
		usage();
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "columns") == 0 && optind + 1 == argc) {
		keys_values_list();
		return 0;
	}
	needs_id = strcmp(cmd, "use") == 0 || strcmp(cmd, "retire") == 0;
	if ((needs_id ? optind + 2 : optind + 1) != argc ||
	    (needs_id && (id = vault_parse_key_id(argv[optind + 1])) == 0) ||
	    (!needs_id && strcmp(cmd, "new") != 0 &&
	    strcmp(cmd, "reencrypt") != 0 && strcmp(cmd, "status") != 0)) {
		usage();
		return 2;
	}
	cfg_defaults(&cfg);
	if (config != NULL && cfg_load(&cfg, config) == -1)
		goto out;
	if ((strcmp(cmd, "new") == 0 || needs_id) &&
	    cfg.crypto_keys_file == NULL) {
		log_errx("keys: crypto.keys_file is not set: add it to the "
		    "configuration (docs/OPERATIONS.md, \"Key rotation\")");
		goto out;
	}
	if (vault_init(&cfg) == -1)
		goto out;
	if (strcmp(cmd, "new") == 0)
		rc = cmd_new(&cfg);
	else if (strcmp(cmd, "use") == 0)
		rc = cmd_use(&cfg, (uint32_t)id);
	else
		rc = run_db(&cfg, cmd, (uint32_t)id, batch, max_batches);
out:
	vault_reset();
	cfg_release(&cfg);
	return rc;
}
