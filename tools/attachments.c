/*
 * concierge-attachments: housekeeping of the attachment store.
 *
 *   concierge-attachments [--config FILE] purge [--hours N] [--dry-run]
 *
 * purge removes uploads that were never linked to a record and are
 * older than N hours (attachments.purge_hours, a day by default): the
 * row first (DELETE ... WHERE attached_kind IS NULL, so an upload being
 * linked at that moment is either linked or purged, never both), with
 * one audit row per batch listing the ids, then the file. It also
 * removes files nothing names any more (an upload whose row never
 * committed) and temporary files of uploads that died, once older than
 * the same age. Run it from cron as the workers' account:
 *
 *   17 * * * * concierge /usr/bin/concierge-attachments --config /etc/concierge.conf purge
 *
 * Output: one line of counts. Exit: 0 done, 1 something could not be
 * removed (it is tried again next run), 2 usage, 3 could not run.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/audit.h"
#include "lib/cfg.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/store-attachment.h"
#include "lib/time.h"
#include "lib/tx.h"

#define BATCH		200

struct purge {
	struct ctx		*c;
	int64_t			 cutoff;
	int			 is_dry;
	unsigned long		 rows, orphans, partials, failures;
};

static void
usage(void)
{
	fprintf(stderr, "usage: concierge-attachments [--config FILE] purge "
	    "[--hours N] [--dry-run]\n");
}

/* One batch of stale uploads, being deleted. */
struct batch {
	struct attachment_row	*rows;
	size_t			 nrows;
	char			 (*names)[ATTFILE_NAME_LEN + 1];	/* deleted */
	size_t			 gone;
};

/* The rows that are still unattached, and the audit row (run by tx_run). */
static int
batch_tx(struct ctx *c, void *arg)
{
	struct batch		*b = arg;
	struct json_object	*meta, *ids;
	unsigned long long	 n;
	size_t			 i;
	int			 rc;

	b->gone = 0;
	ids = json_object_new_array();
	for (i = 0; i < b->nrows; i++) {
		if ((rc = store_att_delete_unattached(c->db, b->rows[i].id, &n)) !=
		    DB_OK) {
			json_object_put(ids);
			return rc;
		}
		if (n != 1)
			continue;	/* linked meanwhile: it stays */
		memcpy(b->names[b->gone++], b->rows[i].storage_name,
		    ATTFILE_NAME_LEN + 1);
		json_object_array_add(ids, json_object_new_string(b->rows[i].id));
	}
	meta = json_object_new_object();
	jset(meta, "ids", ids);
	jset_int(meta, "count", (long long)b->gone);
	rc = audit_append_system(c, "purge", "attachment",
	    "unattached uploads purged", meta);
	json_object_put(meta);
	return rc;
}

/* One batch: the rows with their audit row, then the files. -1, or the rows looked at. */
static long
purge_batch(struct purge *p)
{
	struct batch	 b;
	size_t		 i;

	memset(&b, 0, sizeof(b));
	if (store_att_stale(p->c->db, p->c->arena, p->cutoff, BATCH, &b.rows,
	    &b.nrows) != DB_OK)
		return -1;
	if (b.nrows == 0 || p->is_dry)
		return (long)b.nrows;
	b.names = arena_alloc(p->c->arena, b.nrows * sizeof(*b.names));
	if (tx_run(p->c, batch_tx, &b) != DB_OK)
		return -1;
	/* The rows are gone for good: now the files. */
	for (i = 0; i < b.gone; i++)
		if (attfile_remove(p->c->cfg, b.names[i]) == -1)
			p->failures++;
	p->rows += b.gone;
	return (long)b.nrows;
}

/* a "/" b into out; -1 if it does not fit. */
static int
path_join(char *out, size_t n, const char *a, const char *b)
{
	int	 k = snprintf(out, n, "%s/%s", a, b);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

static int
is_old(const char *path, int64_t cutoff)
{
	struct stat	 sb;

	return lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (int64_t)sb.st_mtime * UTC_SEC < cutoff;
}

static void
remove_file(struct purge *p, const char *path, unsigned long *count)
{
	if (p->is_dry || unlink(path) == 0 || errno == ENOENT)
		(*count)++;
	else {
		log_errx("purge: cannot remove a file: %s", strerror(errno));
		p->failures++;
	}
}

/* Files of one <dir>/<2 hex> folder that no row names. 0 or -1. */
static int
sweep_folder(struct purge *p, const char *folder)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[ATTFILE_PATH_MAX];
	int		 exists, rc = 0;

	if ((d = opendir(folder)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (!attfile_name_is_valid(de->d_name))
			continue;
		if (path_join(path, sizeof(path), folder, de->d_name) == -1 ||
		    !is_old(path, p->cutoff))
			continue;
		arena_reset(p->c->arena);
		if (store_att_name_exists(p->c->db, p->c->arena, de->d_name,
		    &exists) != DB_OK) {
			rc = -1;
			break;
		}
		if (!exists)
			remove_file(p, path, &p->orphans);
	}
	closedir(d);
	return rc;
}

/* A folder name of the fan-out: two lowercase hex digits. */
static int
is_fanout(const char *s)
{
	return strlen(s) == 2 && strspn(s, "0123456789abcdef") == 2;
}

/* Old temporary files, then files without a row. 0 or -1. */
static int
sweep(struct purge *p)
{
	const char	*top = p->c->cfg->attachments_dir;
	char		 tmp[ATTFILE_PATH_MAX], path[ATTFILE_PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	size_t		 n;
	int		 rc = 0;

	if (path_join(tmp, sizeof(tmp), top, "tmp") == -1)
		return -1;
	if ((d = opendir(tmp)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			n = strlen(de->d_name);
			if (n < 6 || strcmp(de->d_name + n - 5, ".part") != 0 ||
			    path_join(path, sizeof(path), tmp, de->d_name) == -1)
				continue;
			if (is_old(path, p->cutoff))
				remove_file(p, path, &p->partials);
		}
		closedir(d);
	}
	if ((d = opendir(top)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL && rc == 0) {
		if (!is_fanout(de->d_name) ||
		    path_join(path, sizeof(path), top, de->d_name) == -1)
			continue;
		rc = sweep_folder(p, path);
	}
	closedir(d);
	return rc;
}

static int
run_purge(struct ctx *c, long hours, int is_dry)
{
	struct purge	 p;
	long		 n;

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.is_dry = is_dry;
	p.cutoff = utc_now() - hours * UTC_HOUR;
	do {
		arena_reset(c->arena);
		if ((n = purge_batch(&p)) == -1) {
			log_errx("purge: the database failed");
			return 3;
		}
		if (is_dry)
			p.rows += (unsigned long)n;
	} while (n == BATCH && !is_dry);
	if (sweep(&p) == -1) {
		log_errx("purge: cannot read attachments.dir");
		return 3;
	}
	printf("concierge-attachments: %s%lu unattached uploads, %lu orphan "
	    "files, %lu temporary files\n", is_dry ? "would purge " : "purged ",
	    p.rows, p.orphans, p.partials);
	return p.failures > 0 ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "hours", required_argument, NULL, 'H' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg	 cfg;
	struct arena	 a;
	struct http_req	 req;
	struct ctx	 c;
	const char	*config = getenv("CONCIERGE_CONFIG");
	char		*end;
	long		 hours = -1;
	int		 ch, is_dry = 0, rc = 3;

	log_init("attachments", LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "c:H:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'H':
			errno = 0;
			hours = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || hours < 1 || hours > 8760) {
				usage();
				return 2;
			}
			break;
		case 'n':
			is_dry = 1;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "purge") != 0) {
		usage();
		return 2;
	}
	arena_init(&a);
	cfg_defaults(&cfg);
	memset(&c, 0, sizeof(c));
	memset(&req, 0, sizeof(req));
	req.remote_addr = "";
	c.arena = &a;
	c.cfg = &cfg;
	c.req = &req;
	if (config != NULL && cfg_load(&cfg, config) == -1)
		goto out;
	if (db_open(&c.db, &cfg, DB_ROLE_WORKER) == -1)
		goto out;
	rc = run_purge(&c, hours > 0 ? hours : cfg.attachments_purge_hours,
	    is_dry);
out:
	db_close(c.db);
	arena_release(&a);
	cfg_release(&cfg);
	return rc;
}
