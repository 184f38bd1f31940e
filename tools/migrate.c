/*
 * concierge-migrate: apply migrations/NNNN_name.sql in order, each
 * recorded in schema_migrations with its SHA-256. Re-running is a
 * no-op; a file edited after it was applied is refused.
 *
 * MariaDB commits DDL implicitly, so a file holding DDL is atomic per
 * statement, not per file; the record is written only after the whole
 * file succeeded.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/cfg.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/mem.h"

#define MAX_FILES	1000
#define MAX_FILE_SIZE	(4 * 1024 * 1024)

static const char SQL_CREATE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static const char SQL_LOCK[] = "SELECT GET_LOCK('concierge_migrate', 60)";
static const char SQL_UNLOCK[] = "SELECT RELEASE_LOCK('concierge_migrate')";

static const char SQL_APPLIED[] =
    "SELECT name, checksum FROM schema_migrations WHERE version = ?";

static const char SQL_RECORD[] =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
    " VALUES (?, ?, ?, UTC_TIMESTAMP(6))";

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NNNN_lowercase_words.sql */
static int
is_migration_name(const char *n)
{
	size_t	 i, len = strlen(n);

	if (len < 10 || strcmp(n + len - 4, ".sql") != 0 || n[4] != '_')
		return 0;
	for (i = 0; i < 4; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	for (i = 5; i < len - 4; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') ||
		    n[i] == '_'))
			return 0;
	return 1;
}

static int
list_files(const char *dir, char ***out, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		**v;

	if ((d = opendir(dir)) == NULL) {
		log_errx("migrate: cannot open '%s': %s", dir, strerror(errno));
		return -1;
	}
	v = xcalloc(MAX_FILES, sizeof(*v));
	*n = 0;
	while ((e = readdir(d)) != NULL && *n < MAX_FILES)
		if (is_migration_name(e->d_name))
			v[(*n)++] = xstrdup(e->d_name);
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_names);
	*out = v;
	return 0;
}

static int
read_file(const char *path, struct buf *b)
{
	if (buf_add_file(b, path) == 0)
		return 0;
	if (errno == EFBIG)
		log_errx("migrate: '%s' is larger than %d bytes", path,
		    MAX_FILE_SIZE);
	else
		log_errx("migrate: cannot read '%s': %s", path, strerror(errno));
	return -1;
}

/* Apply one file unless recorded; refuse an edited one. 0, 1 (applied) or -1. */
static int
migrate_one(struct db *db, struct arena *a, const char *dir, const char *name)
{
	struct buf	 text;
	struct db_res	 res;
	unsigned char	 sum[CRYPTO_SHA256_LEN];
	char		 hex[2 * CRYPTO_SHA256_LEN + 1], path[4096];
	long		 version = strtol(name, NULL, 10);
	int		 rc = -1;

	buf_init(&text, MAX_FILE_SIZE);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    read_file(path, &text) == -1)
		goto out;
	crypto_sha256(text.data ? text.data : "", text.len, sum);
	crypto_hex(sum, sizeof(sum), hex);
	if (db_query(db, a, SQL_APPLIED, DB_ARGS(DB_INT(version)), &res) != DB_OK)
		goto out;
	if (res.nrows > 0) {
		if (strcmp(res.rows[0].v[0], name) != 0) {
			log_errx("migrate: version %04ld is recorded as '%s', "
			    "not '%s'", version, res.rows[0].v[0], name);
			goto out;
		}
		if (strcmp(res.rows[0].v[1], hex) != 0) {
			fprintf(stderr, "concierge-migrate: '%s' was edited after it "
			    "was applied (checksum %.12s..., recorded %.12s...); "
			    "add a new migration instead\n", name, hex,
			    res.rows[0].v[1]);
			goto out;
		}
		rc = 0;
		goto out;
	}
	/*
	 * No transaction around the script: every migration holds DDL, and
	 * MariaDB commits before and after each DDL statement, so one would
	 * only pretend (lib/db takes a transaction the server ended for an
	 * abort). The version is recorded once the whole script has run.
	 */
	if (db_exec_script(db, text.data, text.len) != DB_OK) {
		fprintf(stderr, "concierge-migrate: '%s' failed: %s\n", name,
		    db_error(db));
		goto out;
	}
	if (db_exec(db, SQL_RECORD, DB_ARGS(DB_INT(version), DB_TEXT(name),
	    DB_TEXT(hex)), NULL) != DB_OK)
		goto out;
	printf("concierge-migrate: applied %s\n", name);
	rc = 1;
out:
	buf_release(&text);
	return rc;
}

static int
check_versions(char **names, size_t n)
{
	size_t	 i;

	for (i = 1; i < n; i++)
		if (strncmp(names[i - 1], names[i], 4) == 0) {
			log_errx("migrate: '%s' and '%s' share a version number",
			    names[i - 1], names[i]);
			return -1;
		}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg	 cfg;
	struct db	*db = NULL;
	struct arena	 a;
	char		**names = NULL;
	const char	*config = getenv("CONCIERGE_CONFIG"), *dir = "migrations";
	size_t		 n = 0, i;
	int		 ch, r, applied = 0, rc = 1;

	log_init("migrate", LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "c:d:", longopts, NULL)) != -1) {
		if (ch == 'c')
			config = optarg;
		else if (ch == 'd')
			dir = optarg;
		else {
			fprintf(stderr, "usage: concierge-migrate [--config FILE] "
			    "[--dir DIR]\n");
			return 2;
		}
	}
	arena_init(&a);
	cfg_defaults(&cfg);
	if (config != NULL && cfg_load(&cfg, config) == -1)
		goto out;
	if (list_files(dir, &names, &n) == -1 || check_versions(names, n) == -1)
		goto out;
	if (db_open(&db, &cfg, DB_ROLE_ADMIN) == -1)
		goto out;
	if (db_exec(db, SQL_CREATE, DB_NOARGS, NULL) != DB_OK ||
	    db_exec(db, SQL_LOCK, DB_NOARGS, NULL) != DB_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = migrate_one(db, &a, dir, names[i])) == -1)
			goto out;
		applied += r;
		arena_reset(&a);
	}
	if (applied == 0)
		printf("concierge-migrate: up to date (%zu migrations)\n", n);
	rc = 0;
out:
	if (db != NULL)
		(void)db_exec(db, SQL_UNLOCK, DB_NOARGS, NULL);
	db_close(db);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	arena_release(&a);
	cfg_release(&cfg);
	return rc;
}
