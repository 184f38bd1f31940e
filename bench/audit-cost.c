/*
 * concierge-bench-audit: what an audit row costs a command. Runs the
 * same small command (one transaction: UPDATE users.updated_at of one
 * user, then COMMIT) with and without audit_append in the transaction,
 * through lib/db and lib/audit exactly as a worker does, in alternating
 * blocks of the same run so that drift hits both alike. Prints, for
 * bench/bench-audit.sh:
 *
 *   audit-write-plain    <commands/s> <p50 ms> <p99 ms>
 *   audit-write-audited  <commands/s> <p50 ms> <p99 ms>
 *
 * usage: concierge-bench-audit --config FILE --user ID [--iterations N] [--admin]
 * Bench only: it updates that user's updated_at and appends N audit rows
 * (bench/bench-audit.sh points it at a scratch database). --admin
 * connects as db.admin_user instead of db.user.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/audit.h"
#include "lib/cfg.h"
#include "lib/ctx.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/time.h"

#define BLOCK	200

static const char SQL_TOUCH[] =
    "UPDATE users SET updated_at = ? WHERE id = ?";

static int64_t
mono_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * UTC_SEC + ts.tv_nsec / 1000;
}

/* One command; with is_audited its audit row too. Returns an enum db_rc. */
static int
command(struct ctx *c, const char *user, int is_audited)
{
	struct audit_entry	 e;
	int			 rc;

	memset(&e, 0, sizeof(e));
	e.action = "update";
	e.entity_type = "user";
	e.entity_id = user;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "bench command";
	if ((rc = db_begin(c->db)) == DB_OK &&
	    (rc = db_exec(c->db, SQL_TOUCH, DB_ARGS(DB_TIME(utc_now()),
	    DB_TEXT(user)), NULL)) == DB_OK &&
	    (!is_audited || (rc = audit_append(c, &e)) == DB_OK))
		rc = db_commit(c->db);
	if (rc != DB_OK)
		db_rollback(c->db);
	return rc;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *name, int64_t *lat, long n, int64_t total)
{
	qsort(lat, (size_t)n, sizeof(*lat), cmp_i64);
	printf("%-20s %.0f %.3f %.3f\n", name, (double)n * 1e6 / (double)total,
	    (double)lat[n / 2] / 1000.0, (double)lat[(n * 99) / 100] / 1000.0);
}

/* Alternate blocks of plain and audited commands, n of each. 0 or -1. */
static int
measure(struct ctx *c, const char *user, long n)
{
	int64_t	*lat[2], total[2] = { 0, 0 }, t0, d;
	long	 done[2] = { 0, 0 }, i;
	int	 k, rc = -1;

	lat[0] = xcalloc((size_t)n, sizeof(int64_t));
	lat[1] = xcalloc((size_t)n, sizeof(int64_t));
	while (done[1] < n) {
		for (k = 0; k < 2; k++)
			for (i = 0; i < BLOCK && done[k] < n; i++) {
				t0 = mono_usec();
				if (command(c, user, k) != DB_OK)
					goto out;
				d = mono_usec() - t0;
				lat[k][done[k]++] = d;
				total[k] += d;
			}
	}
	printf("# name commands/s p50_ms p99_ms (%ld each, one connection)\n", n);
	report("audit-write-plain", lat[0], n, total[0]);
	report("audit-write-audited", lat[1], n, total[1]);
	rc = 0;
out:
	free(lat[0]);
	free(lat[1]);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "admin", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg	 cfg;
	struct arena	 arena;
	struct http_req	 req;
	struct ctx	 c;
	const char	*config = NULL, *user = NULL;
	char		*end;
	long		 n = 5000;
	int		 ch, rc = 1, is_admin = 0;

	log_init("bench-audit", LOG_LVL_WARN);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'c')
			config = optarg;
		else if (ch == 'u')
			user = optarg;
		else if (ch == 'a')
			is_admin = 1;
		else if (ch == 'n') {
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || *end != '\0' || n < 10 || n > 10000000)
				goto usage;
		} else
			goto usage;
	}
	if (config == NULL || user == NULL || optind != argc)
		goto usage;
	cfg_defaults(&cfg);
	arena_init(&arena);
	memset(&req, 0, sizeof(req));
	req.request_id = "bench-audit";
	req.remote_addr = "127.0.0.1";
	memset(&c, 0, sizeof(c));
	c.arena = &arena;
	c.cfg = &cfg;
	c.req = &req;
	c.actor.is_authenticated = 1;
	c.actor.role = ROLE_ADMIN;
	snprintf(c.actor.user_id, sizeof(c.actor.user_id), "%s", user);
	if (cfg_load(&cfg, config) == 0 &&
	    db_open(&c.db, &cfg, is_admin ? DB_ROLE_ADMIN : DB_ROLE_WORKER) == 0) {
		rc = measure(&c, user, n) == 0 ? 0 : 1;
		db_close(c.db);
	}
	arena_release(&arena);
	cfg_release(&cfg);
	return rc;
usage:
	fprintf(stderr, "usage: concierge-bench-audit --config FILE --user ID "
	    "[--iterations N] [--admin]\n");
	return 2;
}
