/*
 * concierge-bench-events-load: the event load of bench/bench-events.sh.
 * Commits RATE events a second for SECONDS seconds, each in a transaction
 * of its own written with events_append exactly as a command writes it,
 * spread over the users listed in USERS (one id a line), from PROCS
 * processes with a connection each. After each commit it sends the relay
 * its wake-up (events_wake), as the worker runtime does, and prints
 *
 *   <event id> <recipient> <commit time, usec since the epoch (wall clock)>
 *
 * so the bench can measure commit -> client. Paced against the clock: a
 * process that falls behind catches up rather than lowering the rate.
 *
 * usage: concierge-bench-events-load --config FILE --users FILE
 *            [--rate 1000] [--seconds 20] [--procs 4] [--admin]
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/events.h"
#include "lib/id.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/time.h"

#define MAX_USERS	100000
#define MAX_PROCS	32

struct load {
	const char	*config;
	const char	*users_file;
	long		 rate, seconds, procs;
	int		 is_admin;
	char		(*users)[ID_LEN + 1];
	long		 nusers;
};

static int64_t
wall_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * UTC_SEC + ts.tv_nsec / 1000;
}

static int
read_users(struct load *l)
{
	FILE	*f;
	char	 line[64];

	if ((f = fopen(l->users_file, "r")) == NULL) {
		log_errx("load: cannot open %s: %s", l->users_file, strerror(errno));
		return -1;
	}
	l->users = xcalloc(MAX_USERS, sizeof(*l->users));
	while (l->nusers < MAX_USERS && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!id_is_valid(line))
			continue;
		memcpy(l->users[l->nusers++], line, ID_LEN + 1);
	}
	fclose(f);
	return l->nusers > 0 ? 0 : -1;
}

/* One event in its own transaction. 0, or -1 after logging. */
static int
commit_one(struct db *db, const char *user, unsigned long long *id)
{
	int	 rc;

	if ((rc = db_begin(db)) == DB_OK &&
	    (rc = events_append(db, user, "appointment.rescheduled",
	    "appointment", "benchbenchbenchbenchbench")) == DB_OK) {
		*id = db_insert_id(db);
		rc = db_commit(db);
	}
	if (rc != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* Process k of procs: events k, k + procs, k + 2 procs... on schedule. */
static int
run_proc(const struct load *l, const struct cfg *cfg, long k)
{
	struct db		*db = NULL;
	const char		*user;
	unsigned long long	 id;
	long			 total = l->rate * l->seconds, i;
	int64_t			 start, due, now;

	/* One write per line: the processes share stdout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (db_open(&db, cfg, l->is_admin ? DB_ROLE_ADMIN : DB_ROLE_WORKER) == -1)
		return 1;
	start = wall_usec();
	for (i = k; i < total; i += l->procs) {
		due = start + i * UTC_SEC / l->rate;
		if ((now = wall_usec()) < due)
			utc_sleep(due - now);
		/* Spread over the users, each getting its share in turn. */
		user = l->users[(i * 7919) % l->nusers];
		if (commit_one(db, user, &id) == -1)
			continue;
		printf("%llu %s %lld\n", id, user, (long long)wall_usec());
		events_wake(cfg);
	}
	fflush(stdout);
	db_close(db);
	return 0;
}

static int
parse(int argc, char *argv[], struct load *l)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "users", required_argument, NULL, 'u' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "procs", required_argument, NULL, 'p' },
		{ "admin", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	long	*dst, v;
	int	 ch;

	memset(l, 0, sizeof(*l));
	l->rate = 1000;
	l->seconds = 20;
	l->procs = 4;
	while ((ch = getopt_long(argc, argv, "c:u:r:s:p:a", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			l->config = optarg;
			continue;
		case 'u':
			l->users_file = optarg;
			continue;
		case 'a':
			l->is_admin = 1;
			continue;
		case 'r':
			dst = &l->rate;
			break;
		case 's':
			dst = &l->seconds;
			break;
		case 'p':
			dst = &l->procs;
			break;
		default:
			return -1;
		}
		errno = 0;
		v = strtol(optarg, &end, 10);
		if (errno != 0 || *end != '\0' || v < 1 || v > 100000)
			return -1;
		*dst = v;
	}
	return l->config != NULL && l->users_file != NULL &&
	    l->procs <= MAX_PROCS && optind == argc ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	struct load	 l;
	struct cfg	 cfg;
	pid_t		 kids[MAX_PROCS];
	long		 k;
	int		 st, rc = 0;

	log_init("bench-events-load", LOG_LVL_WARN);
	if (parse(argc, argv, &l) == -1) {
		fprintf(stderr, "usage: concierge-bench-events-load --config FILE "
		    "--users FILE [--rate N] [--seconds N] [--procs N] [--admin]\n");
		return 2;
	}
	cfg_defaults(&cfg);
	if (cfg_load(&cfg, l.config) == -1 || read_users(&l) == -1)
		return 1;
	fflush(stdout);
	for (k = 0; k < l.procs; k++) {
		if ((kids[k] = fork()) == -1)
			return 1;
		if (kids[k] == 0)
			_exit(run_proc(&l, &cfg, k));
	}
	for (k = 0; k < l.procs; k++)
		if (waitpid(kids[k], &st, 0) == -1 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			rc = 1;
	free(l.users);
	cfg_release(&cfg);
	return rc;
}
