/*
 * concierge-audit seal: extend the chain over committed audit rows in id
 * order (docs/AUDIT.md).
 *
 * Workers insert audit rows concurrently, so ids become visible out of
 * order: id 7 may commit before id 6, and id 6 may never commit (rolled
 * back). The sealer reads plain READ COMMITTED snapshots (no locks on
 * audit_log, so it never slows a worker) and seals only up to the first
 * missing id. A missing id that stays missing for gap_timeout after the
 * sealer first saw a higher id is recorded as a skip entry in the chain,
 * so verification knows it never existed and flags a row that appears
 * there later. Each pass is one transaction: seal entries plus a
 * checkpoint. An advisory lock keeps to one sealer; the primary key of
 * audit_seal makes a second one fail rather than seal an id twice.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/store-audit.h"
#include "lib/time.h"
#include "tools/audit.h"

/* Gaps remembered at once; more are simply seen again on a later pass. */
#define MAX_GAPS	1024

/* A range of ids seen missing below a visible id, and since when. */
struct gap {
	unsigned long long	 lo, hi;
	int64_t			 seen;	/* monotonic usec */
};

struct sealer {
	struct db			*db;
	struct arena			 arena;
	struct seal_ctx			 sc;
	const struct seal_opts		*o;
	unsigned long long		 last;	/* last id the chain covers */
	unsigned char			 head[SEAL_HASH_LEN];
	struct gap			 gaps[MAX_GAPS];
	size_t				 ngaps;
	unsigned long long		 rows, skipped;	/* totals of this run */
};

enum pass_rc {
	PASS_IDLE = 0,		/* nothing after the head */
	PASS_PROGRESS,		/* sealed something */
	PASS_BLOCKED,		/* stopped at a missing id still within the timeout */
	PASS_ERROR,
};

static volatile sig_atomic_t	 stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * UTC_SEC + ts.tv_nsec / 1000;
}

/* Sleep up to usec, waking early on a stop signal. */
static void
nap(int64_t usec)
{
	int64_t		 end = mono_now() + usec;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	while (!stop && mono_now() < end)
		nanosleep(&ts, NULL);
}

/*
 * When lo..hi was first seen missing. A range inside one seen before has
 * been missing since then; anything else is new as of now.
 */
static int64_t
gap_seen(struct sealer *s, unsigned long long lo, unsigned long long hi,
    int64_t now)
{
	size_t	 i;

	for (i = 0; i < s->ngaps; i++)
		if (s->gaps[i].lo <= lo && hi <= s->gaps[i].hi)
			return s->gaps[i].seen;
	if (s->ngaps < MAX_GAPS) {
		s->gaps[s->ngaps].lo = lo;
		s->gaps[s->ngaps].hi = hi;
		s->gaps[s->ngaps].seen = now;
		s->ngaps++;
	}
	return now;
}

/* Forget gaps the chain has passed. */
static void
gaps_prune(struct sealer *s)
{
	size_t	 i, j = 0;

	for (i = 0; i < s->ngaps; i++)
		if (s->gaps[i].hi > s->last)
			s->gaps[j++] = s->gaps[i];
	s->ngaps = j;
}

/*
 * Load the chain's tip: where sealing resumes. Every pass writes its
 * entries and a checkpoint together, so the newest checkpoint names the
 * tip; if it does not, seal entries were deleted or altered, and sealing
 * on would paper over that. 0 or -1.
 */
static int
load_tip(struct sealer *s)
{
	struct store_seal_tip	 t;
	struct store_checkpoint	 cp;

	if (store_audit_seal_tip(s->db, &s->arena, &t) != DB_OK ||
	    store_audit_checkpoint_last(s->db, &s->arena, &cp) != DB_OK)
		return -1;
	if (cp.is_found != t.is_found || (cp.is_found &&
	    (cp.last_id != t.last_id || !crypto_equal(cp.hash, t.hash,
	    SEAL_HASH_LEN)))) {
		log_errx("seal: the newest checkpoint (id %llu) is not the "
		    "chain's tip (id %llu): the seal tables were altered; "
		    "run verify", cp.last_id, t.last_id);
		return -1;
	}
	s->last = t.is_found ? t.last_id : 0;
	if (t.is_found)
		memcpy(s->head, t.hash, SEAL_HASH_LEN);
	else
		memset(s->head, 0, SEAL_HASH_LEN);
	s->ngaps = 0;
	return 0;
}

/*
 * Note when the gaps among rows from..end of res were first seen, so
 * that gaps visible together age together instead of one after another.
 */
static void
note_gaps(struct sealer *s, const struct db_res *res, size_t from,
    unsigned long long prev, int64_t now)
{
	unsigned long long	 id;
	size_t			 i;

	for (i = from; i < res->nrows; i++) {
		id = strtoull(res->rows[i].v[0], NULL, 10);
		if (id > prev + 1)
			(void)gap_seen(s, prev + 1, id - 1, now);
		prev = id;
	}
}

/*
 * Chain the rows of res after s->last into e (at most 2 entries per row).
 * Stops at a missing id younger than the timeout (*blocked set). Returns
 * the number of entries, with *last, hash, *nrows and *nskip advanced, or
 * -1 if a row cannot be canonicalised.
 */
static long
chain_rows(struct sealer *s, const struct db_res *res,
    struct store_seal_entry *e, unsigned long long *last,
    unsigned char hash[SEAL_HASH_LEN], unsigned long long *nrows,
    unsigned long long *nskip, int *blocked)
{
	unsigned long long	 id;
	long			 n = 0;
	size_t			 i;
	int64_t			 now = mono_now();

	for (i = 0; i < res->nrows; i++) {
		id = strtoull(res->rows[i].v[0], NULL, 10);
		if (id > *last + 1) {
			if (now - gap_seen(s, *last + 1, id - 1, now) <
			    s->o->gap_timeout) {
				*blocked = 1;
				note_gaps(s, res, i + 1, id, now);
				break;
			}
			e[n] = (struct store_seal_entry){ *last + 1, id - 1, 1, { 0 } };
			if (seal_step_skip(&s->sc, hash, *last + 1, id - 1,
			    e[n].hash) == -1)
				return -1;
			memcpy(hash, e[n++].hash, SEAL_HASH_LEN);
			*nskip += id - 1 - *last;
			log_info("seal: ids %llu..%llu never committed; sealed as "
			    "skipped", *last + 1, id - 1);
		}
		e[n] = (struct store_seal_entry){ id, id, 0, { 0 } };
		if (seal_step_row(&s->sc, hash, res->rows[i].v, res->rows[i].len,
		    e[n].hash) == -1) {
			log_errx("seal: row %llu cannot be put in canonical form",
			    id);
			return -1;
		}
		memcpy(hash, e[n++].hash, SEAL_HASH_LEN);
		*last = id;
		(*nrows)++;
	}
	return n;
}

/* Write entries and a checkpoint in one transaction. Returns an enum db_rc. */
static int
write_pass(struct sealer *s, const struct store_seal_entry *e, size_t n,
    unsigned long long last, const unsigned char hash[SEAL_HASH_LEN],
    unsigned long long nrows, unsigned long long nskip)
{
	int	 rc;

	if ((rc = db_begin(s->db)) == DB_OK &&
	    (rc = store_audit_seal_add(s->db, e, n)) == DB_OK &&
	    (rc = store_audit_checkpoint_add(s->db, last, hash, nrows,
	    nskip)) == DB_OK)
		rc = db_commit(s->db);
	if (rc != DB_OK)
		db_rollback(s->db);
	return rc;
}

static enum pass_rc
seal_pass(struct sealer *s)
{
	struct db_res		 res;
	struct store_seal_entry	*e;
	unsigned char		 hash[SEAL_HASH_LEN];
	unsigned long long	 last = s->last, nrows = 0, nskip = 0;
	long			 n;
	int			 blocked = 0, rc;

	arena_reset(&s->arena);
	if (store_audit_rows_after(s->db, &s->arena, s->last, s->o->batch,
	    &res) != DB_OK)
		return PASS_ERROR;
	if (res.nrows == 0)
		return PASS_IDLE;
	e = arena_alloc(&s->arena, 2 * res.nrows * sizeof(*e));
	memcpy(hash, s->head, SEAL_HASH_LEN);
	if ((n = chain_rows(s, &res, e, &last, hash, &nrows, &nskip,
	    &blocked)) == -1)
		return PASS_ERROR;
	if (n == 0)
		return PASS_BLOCKED;
	if ((rc = write_pass(s, e, (size_t)n, last, hash, nrows, nskip)) != DB_OK) {
		if (rc == DB_DUPLICATE)
			log_warnx("seal: another sealer wrote these ids; "
			    "resuming from its head");
		else
			log_errx("seal: cannot write the seal (does the "
			    "account have role concierge_sealer?)");
		return rc == DB_DUPLICATE && load_tip(s) == 0 ? PASS_PROGRESS :
		    PASS_ERROR;
	}
	log_debug("seal: %llu rows, %llu ids skipped, through id %llu", nrows,
	    nskip, last);
	s->last = last;
	memcpy(s->head, hash, SEAL_HASH_LEN);
	s->rows += nrows;
	s->skipped += nskip;
	gaps_prune(s);
	return blocked ? PASS_BLOCKED : PASS_PROGRESS;
}

/* Connect, take the lock (waiting with --follow), load the tip. Returns an AUDIT_EXIT_*. */
static int
sealer_open(struct sealer *s, const struct cfg *cfg, enum db_role role)
{
	int	 got = 0;

	if (db_open(&s->db, cfg, role) == -1)
		return AUDIT_EXIT_FAIL;
	while (!stop) {
		arena_reset(&s->arena);
		if (store_audit_lock(s->db, &s->arena, s->o->is_follow ? 5 : 0,
		    &got) != DB_OK)
			return AUDIT_EXIT_FAIL;
		if (got || !s->o->is_follow)
			break;
	}
	if (!got) {
		if (!stop)
			log_errx("seal: another sealer holds the lock");
		return AUDIT_EXIT_FAIL;
	}
	return load_tip(s) == 0 ? AUDIT_EXIT_OK : AUDIT_EXIT_FAIL;
}

static void
sealer_close(struct sealer *s)
{
	if (s->db != NULL)
		(void)store_audit_unlock(s->db);
	db_close(s->db);
	s->db = NULL;
}

/* One run to the highest id visible at the start, waiting out young gaps. */
static int
run_once(struct sealer *s)
{
	unsigned long long	 target;
	enum pass_rc		 r;

	if (store_audit_max_id(s->db, &s->arena, &target) != DB_OK)
		return AUDIT_EXIT_FAIL;
	while (!stop && s->last < target) {
		if ((r = seal_pass(s)) == PASS_ERROR)
			return AUDIT_EXIT_FAIL;
		if (r == PASS_IDLE)
			break;
		if (r == PASS_BLOCKED)
			nap(s->o->gap_timeout < UTC_SEC / 5 ? s->o->gap_timeout :
			    UTC_SEC / 5);
	}
	return AUDIT_EXIT_OK;
}

/* Seal until stopped; after a database failure, reconnect and resume. */
static int
run_follow(struct sealer *s, const struct cfg *cfg, enum db_role role)
{
	enum pass_rc	 r;

	while (!stop) {
		if (s->db == NULL && sealer_open(s, cfg, role) != AUDIT_EXIT_OK) {
			sealer_close(s);
			nap(s->o->interval);
			continue;
		}
		if ((r = seal_pass(s)) == PASS_PROGRESS)
			continue;
		if (r == PASS_ERROR) {
			log_warnx("seal: reconnecting after a failure");
			sealer_close(s);
		}
		nap(r == PASS_BLOCKED && s->o->gap_timeout < s->o->interval ?
		    s->o->gap_timeout : s->o->interval);
	}
	return AUDIT_EXIT_OK;
}

int
audit_seal_run(const struct cfg *cfg, enum db_role role,
    const unsigned char key[SEAL_KEY_LEN], const struct seal_opts *o)
{
	struct sealer		*s = xcalloc(1, sizeof(*s));
	struct sigaction	 sa;
	char			 hex[2 * SEAL_HASH_LEN + 1];
	int			 rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	arena_init(&s->arena);
	seal_init(&s->sc, key);
	s->o = o;
	if ((rc = sealer_open(s, cfg, role)) == AUDIT_EXIT_OK)
		rc = o->is_follow ? run_follow(s, cfg, role) : run_once(s);
	crypto_hex(s->head, SEAL_HASH_LEN, hex);
	if (rc == AUDIT_EXIT_OK)
		printf("sealed %llu rows, skipped %llu ids; head %llu %s\n",
		    s->rows, s->skipped, s->last, hex);
	sealer_close(s);
	seal_release(&s->sc);
	arena_release(&s->arena);
	free(s);
	return rc;
}
