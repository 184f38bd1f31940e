/*
 * concierge-waitingroom sweep: the time rules of the waiting room,
 * applied even when nobody calls the API.
 *
 *   concierge-waitingroom sweep --once   [--config FILE]   (cron, each minute)
 *   concierge-waitingroom sweep --follow [--config FILE] [--interval SECONDS]
 *
 * Each pass: entries whose appointment was cancelled or closed elsewhere
 * are removed; waiting entries without a heartbeat for
 * waitingroom.away_after_seconds become away; entries away for
 * waitingroom.keep_place_seconds are removed (the appointment back to
 * scheduled, or no_show once its start has passed); sessions running
 * longer than waitingroom.session_max_minutes are ended. Candidates are
 * read without locks and every transition is the same compare-and-swap
 * the API uses, in its own transaction with its audit rows and events,
 * so any number of sweepers (and API requests) may run at once: each
 * transition is applied exactly once. A sweep is a subcommand of the
 * worker binary so that it always runs the same transition code as the
 * worker that made the entries.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/waitingroom/store.h"
#include "cgi-bin/waitingroom/waitingroom.h"

#define SWEEP_MAX_ROUNDS	100	/* --once: full batches in a row */

static volatile sig_atomic_t	 stop;

struct sweep_counts {
	long	 away, removed, orphans, sessions;
};

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A transition for tx_run: fn(c, arg, now) with now read at each attempt. */
struct sweep_step {
	int	(*fn)(struct ctx *, void *, int64_t);
	void	*arg;
};

static int
sweep_step_tx(struct ctx *c, void *arg)
{
	const struct sweep_step	*st = arg;

	return st->fn(c, st->arg, utc_now());
}

/* One transition in its own transaction (tx_run: retried on deadlock). 1 applied, 0 not, -1. */
static int
run_tx(struct ctx *c, int (*fn)(struct ctx *, void *, int64_t), void *arg)
{
	struct sweep_step	 st;
	int			 rc;

	st.fn = fn;
	st.arg = arg;
	rc = tx_run(c, sweep_step_tx, &st);
	return rc == DB_OK ? 1 : rc == 2 ? 0 : -1;
}

static int
away_fn(struct ctx *c, void *arg, int64_t now)
{
	struct wr_entry		*e = arg;
	struct wr_snapshot	 before;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = wr_snapshot_take(c, e->provider_id, now, &before)) != DB_OK ||
	    (rc = wr_store_entry_away(c->db, e->id, now -
	    c->cfg->wr_away_after_seconds * UTC_SEC, now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 2;
	if ((rc = wr_audit(c, "away", "waiting_room_entry", e->id, e->patient_id,
	    "no heartbeat: patient away", NULL)) != DB_OK)
		return rc;
	return wr_notify_queue(c, e->provider_id, &before, now, NULL);
}

static int
remove_fn(struct ctx *c, void *arg, int64_t now)
{
	return wr_close_entry(c, arg, "away", "removed", now,
	    now - c->cfg->wr_keep_place_seconds * UTC_SEC);
}

static int
orphan_fn(struct ctx *c, void *arg, int64_t now)
{
	struct wr_entry	 e = *(const struct wr_entry *)arg;

	/* A copy: wr_close_entry moves its status, and tx_run may run this again. */
	return wr_close_entry(c, &e, e.status, "removed", now, 0);
}

static int
timeout_fn(struct ctx *c, void *arg, int64_t now)
{
	struct wr_session	*s = arg;
	int			 rc;

	if ((rc = wr_store_presence_lock(c->db, s->provider_id, now)) != DB_OK)
		return rc;
	return wr_end_session(c, s, "timeout", NULL, 0, now);
}

/* Apply kind to one batch. Returns the rows found, or -1. */
static long
sweep_entries(struct ctx *c, enum wr_due kind, int64_t cutoff, long *done)
{
	static int (*const fns[])(struct ctx *, void *, int64_t) = {
		away_fn, remove_fn, orphan_fn,
	};
	struct wr_entry	*rows;
	size_t		 i, n;
	int		 r;

	if (wr_store_due_entries(c->db, c->arena, kind, cutoff,
	    c->cfg->wr_sweep_batch, &rows, &n) != DB_OK)
		return -1;
	for (i = 0; i < n && !stop; i++) {
		if ((r = run_tx(c, fns[kind], &rows[i])) == -1)
			return -1;
		*done += r;
	}
	return (long)n;
}

static long
sweep_sessions(struct ctx *c, int64_t cutoff, long *done)
{
	struct wr_session	*rows;
	size_t			 i, n;
	int			 r;

	if (wr_store_due_sessions(c->db, c->arena, cutoff, c->cfg->wr_sweep_batch,
	    &rows, &n) != DB_OK)
		return -1;
	for (i = 0; i < n && !stop; i++) {
		if ((r = run_tx(c, timeout_fn, &rows[i])) == -1)
			return -1;
		*done += r;
	}
	return (long)n;
}

/* One pass over every kind. Returns 1 if a batch was full, 0 if not, -1. */
static int
sweep_pass(struct ctx *c, struct sweep_counts *k)
{
	const struct cfg	*cfg = c->cfg;
	int64_t			 now = utc_now();
	long			 found[4];

	arena_reset(c->arena);
	if ((found[0] = sweep_entries(c, WR_DUE_ORPHAN, now, &k->orphans)) < 0 ||
	    (found[1] = sweep_entries(c, WR_DUE_AWAY, now -
	    cfg->wr_away_after_seconds * UTC_SEC, &k->away)) < 0 ||
	    (found[2] = sweep_entries(c, WR_DUE_REMOVE, now -
	    cfg->wr_keep_place_seconds * UTC_SEC, &k->removed)) < 0 ||
	    (found[3] = sweep_sessions(c, now - cfg->wr_session_max_minutes *
	    UTC_MIN, &k->sessions)) < 0)
		return -1;
	return found[0] >= cfg->wr_sweep_batch || found[1] >= cfg->wr_sweep_batch ||
	    found[2] >= cfg->wr_sweep_batch || found[3] >= cfg->wr_sweep_batch;
}

static int
sweep_once(struct ctx *c)
{
	struct sweep_counts	 k;
	int			 r, rounds = 0;

	memset(&k, 0, sizeof(k));
	while ((r = sweep_pass(c, &k)) == 1 && ++rounds < SWEEP_MAX_ROUNDS && !stop)
		;
	if (r == -1) {
		log_errx("sweep: a pass failed (database)");
		return -1;
	}
	if (k.away + k.removed + k.orphans + k.sessions > 0)
		log_info("sweep: away=%ld removed=%ld orphans=%ld sessions_ended=%ld",
		    k.away, k.removed, k.orphans, k.sessions);
	return 0;
}

static void
pause_for(long seconds)
{
	struct timespec	 ts = { 0, 100 * 1000 * 1000 };
	long		 i;

	for (i = 0; i < seconds * 10 && !stop; i++)
		nanosleep(&ts, NULL);
}

static int
follow(struct ctx *c, long interval)
{
	log_info("sweep: following every %lds", interval);
	while (!stop) {
		if (sweep_once(c) == -1)
			(void)db_ping(c->db);	/* reconnect for the next pass */
		pause_for(interval);
	}
	log_info("sweep: stopped");
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: concierge-waitingroom sweep (--once | --follow)"
	    " [--config FILE] [--interval SECONDS]\n");
}

/* The options into *config, *mode (0 once, 1 follow), *interval. 0 or -1. */
static int
parse(int argc, char *argv[], const char **config, int *mode, long *interval)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "follow", no_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	int	 ch;

	*mode = -1;
	*interval = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*config = optarg;
			break;
		case 'o':
		case 'f':
			if (*mode != -1)
				return -1;
			*mode = ch == 'f';
			break;
		case 'i':
			*interval = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || *interval < 1 ||
			    *interval > 3600)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return *mode == -1 || optind != argc ? -1 : 0;
}

int
wr_sweep_main(int argc, char *argv[])
{
	struct cfg		 cfg;
	struct db		*db = NULL;
	struct arena		 arena;
	struct http_req		 req;
	struct ctx		 c;
	struct sigaction	 sa;
	const char		*config = getenv("CONCIERGE_CONFIG");
	char			 rid[32];
	long			 interval;
	int			 mode, rc = 1;

	log_init("waitingroom-sweep", LOG_LVL_INFO);
	if (parse(argc, argv, &config, &mode, &interval) == -1) {
		usage();
		return 2;
	}
	arena_init(&arena);
	cfg_defaults(&cfg);
	if (config != NULL && cfg_load(&cfg, config) == -1)
		goto out;
	if (db_open(&db, &cfg, DB_ROLE_WORKER) == -1)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Audit rows name the sweeper run as their request id. */
	snprintf(rid, sizeof(rid), "sweep-%ld", (long)getpid());
	memset(&req, 0, sizeof(req));
	req.request_id = rid;
	memset(&c, 0, sizeof(c));
	c.arena = &arena;
	c.cfg = &cfg;
	c.db = db;
	c.req = &req;
	c.worker = "waitingroom";
	rc = (mode ? follow(&c, interval > 0 ? interval :
	    cfg.wr_sweep_interval_seconds) : sweep_once(&c)) == 0 ? 0 : 1;
out:
	db_close(db);
	arena_release(&arena);
	cfg_release(&cfg);
	return rc;
}
