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
 * checkpoint. An advisory lock keeps to one sealer per server and a
 * replicated lease row to one per cluster (renewed in every pass's
 * transaction, so a sealer whose lease was taken over writes nothing);
 * the primary key of audit_seal makes a second one fail rather than seal
 * an id twice.
 *
 * On a Galera cluster (docs/SCALING.md) reads are causal (wsrep_sync_wait),
 * so a row another node committed is seen, and before a missing id is
 * given up every node of db.hosts is asked whether an open transaction
 * holds it: a node sees only its own transactions' locks. While a node of
 * the cluster does not answer, no id is given up.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/cluster.h"
#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/seal-key.h"
#include "lib/store-audit.h"
#include "lib/time.h"
#include "tools/audit.h"

/* Gaps remembered at once; more are simply seen again on a later pass. */
#define MAX_GAPS	1024
/* How much longer than InnoDB's lock wait the gap timeout must be (prod). */
#define GAP_MARGIN	(10 * UTC_SEC)
/* A held id is logged at most this often. */
#define HELD_LOG_EVERY	(60 * UTC_SEC)
/* A lease held elsewhere is tried again at least this often (--follow). */
#define LEASE_POLL	(5 * UTC_SEC)

/* A range of ids seen missing below a visible id, and since when. */
struct gap {
	unsigned long long	 lo, hi;
	int64_t			 seen;	/* monotonic usec */
};

struct sealer {
	struct db			*db;
	struct cluster			 cluster;	/* Galera: the nodes asked about held ids */
	int64_t				 renewed_at;	/* monotonic usec of the lease's last renewal */
	int				 is_lease_lost;
	struct arena			 arena;
	struct seal_ctx			 sc;
	const struct cfg		*cfg;
	const struct seal_opts		*o;
	const struct seal_key		*signer;
	const struct seal_keyring	*ring;
	int				 signer_idx;	/* in ring */
	int				 is_timeout_checked;
	unsigned long long		 last;	/* last id the chain covers */
	unsigned char			 head[SEAL_HASH_LEN];
	unsigned long long		 seq;	/* of the newest checkpoint */
	unsigned char			 prev[SEAL_HASH_LEN];	/* its digest */
	struct gap			 gaps[MAX_GAPS];
	size_t				 ngaps;
	unsigned long long		 held;	/* id an open transaction holds, or 0 */
	unsigned long long		 held_logged;
	int64_t				 held_logged_at;
	unsigned long long		 rows, skipped;	/* totals of this run */
};

enum pass_rc {
	PASS_IDLE = 0,		/* nothing after the head */
	PASS_PROGRESS,		/* sealed something */
	PASS_BLOCKED,		/* stopped at a missing id still within the timeout */
	PASS_HELD,		/* stopped at an id an open transaction holds */
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

/* The lease runs lease seconds; it is renewed a third of that in. */
static int64_t
lease_renew_every(const struct sealer *s)
{
	return s->o->lease * UTC_SEC / 3;
}

/* Renew the lease when a third of it has run. 0, or -1 if it is lost. */
static int
lease_keep(struct sealer *s)
{
	int	 owned;

	if (mono_now() - s->renewed_at < lease_renew_every(s))
		return 0;
	if (store_audit_lease_renew(s->db, s->o->lease, &owned) != DB_OK)
		return -1;
	if (!owned) {
		log_warnx("seal: the lease was taken over (or the connection was "
		    "made again); taking it again");
		s->is_lease_lost = 1;
		return -1;
	}
	s->renewed_at = mono_now();
	return 0;
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

/* Refuse to seal on: the seal tables do not end where a signed checkpoint says. */
static int __attribute__((format(printf, 1, 2)))
altered(const char *fmt, ...)
{
	char	 why[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_errx("seal: %s: the seal tables were altered; run verify", why);
	return -1;
}

/*
 * Load the chain's tip: where sealing resumes. It is the newest
 * checkpoint, once its signature verifies: the stored entries are
 * trusted for nothing but to end exactly there (every pass writes its
 * entries and its checkpoint together). Anything else means the seal
 * was altered, and sealing on would paper over it. 0 or -1.
 */
static int
load_tip(struct sealer *s)
{
	struct store_seal_tip	 t;
	struct seal_checkpoint	 cp;
	int			 found, idx, rc;

	if (store_audit_seal_tip(s->db, &s->arena, &t) != DB_OK ||
	    store_audit_checkpoint_last(s->db, &s->arena, &cp, &found) != DB_OK)
		return -1;
	s->ngaps = 0;
	if (!found && !t.is_found) {
		s->last = s->seq = 0;
		memset(s->head, 0, SEAL_HASH_LEN);
		memset(s->prev, 0, SEAL_HASH_LEN);
		return 0;
	}
	if (!found || cp.is_malformed)
		return altered("no readable checkpoint vouches for the seal "
		    "entries");
	if ((rc = seal_checkpoint_check(&s->sc, s->ring, &cp, &idx)) != SEAL_SIG_OK)
		return altered("the newest checkpoint (%llu) %s", cp.seq,
		    rc == SEAL_SIG_UNKNOWN_KEY ? "is signed by a key that "
		    "audit.verify_key_file does not list" : "does not carry a "
		    "valid signature");
	if (!t.is_found || t.is_malformed || t.last_id != cp.last_id ||
	    !crypto_equal(t.hash, cp.head, SEAL_HASH_LEN))
		return altered("the newest checkpoint (%llu, through id %llu) "
		    "is not the chain's tip (id %llu)", cp.seq, cp.last_id,
		    t.last_id);
	if (idx > s->signer_idx) {
		log_errx("seal: the signing key %s is older than key %s of the "
		    "newest checkpoint; keys rotate forward only", s->signer->id,
		    cp.key_id);
		return -1;
	}
	s->last = cp.last_id;
	s->seq = cp.seq;
	memcpy(s->head, cp.head, SEAL_HASH_LEN);
	return seal_checkpoint_digest(&s->sc, &cp, s->prev);
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

/* A run of entries being built for one pass, and its chain state. */
struct pass {
	struct store_seal_entry	*e;
	long			 n;
	unsigned long long	 last;
	unsigned char		 hash[SEAL_HASH_LEN];
	unsigned long long	 nrows, nskip;
	enum pass_rc		 stop;	/* PASS_BLOCKED or PASS_HELD when stopped early */
};

/* Chain a skip entry for lo..hi. 0 or -1. */
static int
add_skip(struct sealer *s, struct pass *p, unsigned long long lo,
    unsigned long long hi)
{
	struct store_seal_entry	*e = &p->e[p->n];

	*e = (struct store_seal_entry){ lo, hi, 1, { 0 } };
	if (seal_step_skip(&s->sc, p->hash, lo, hi, e->hash) == -1)
		return -1;
	memcpy(p->hash, e->hash, SEAL_HASH_LEN);
	p->n++;
	p->nskip += hi - lo + 1;
	p->last = hi;
	log_info("seal: ids %llu..%llu never committed; sealed as skipped",
	    lo, hi);
	return 0;
}

/* Log, at most once a minute, that an open transaction holds id. */
static void
log_held(struct sealer *s, unsigned long long id, int64_t age, int64_t now)
{
	if (s->held_logged == id && now - s->held_logged_at < HELD_LOG_EVERY)
		return;
	s->held_logged = id;
	s->held_logged_at = now;
	log_warnx("seal: id %llu is held by a transaction open for over %lld s; "
	    "later rows wait until it commits or rolls back", id,
	    (long long)(age / UTC_SEC));
}

/* What held_on_node gathers over the nodes: the lowest id held. */
struct held_ask {
	struct arena		*arena;
	unsigned long long	 lo, hi, id;
	int			 is_held;
};

/* cluster_ask's question to one node: does it hold an id of lo..hi? */
static int
held_on_node(struct db *node, void *arg)
{
	struct held_ask		*q = arg;
	unsigned long long	 id;
	int			 found, rc;

	if ((rc = store_audit_held_min(node, q->arena, q->lo, q->hi, &id,
	    &found)) != DB_OK)
		return rc;
	if (found && (!q->is_held || id < q->id)) {
		q->is_held = 1;
		q->id = id;
	}
	return DB_OK;
}

/*
 * The gap lo..hi lies before the next visible row. Returns 1 if it was
 * sealed as skipped (the walk goes on), 0 if the pass stops here (p->stop
 * says why), -1 on failure. Ids before the first one that has a row
 * (committed since, or held by an open transaction) are given up once
 * the gap is old enough; that one never is.
 */
static int
pass_gap(struct sealer *s, struct pass *p, unsigned long long lo,
    unsigned long long hi, int64_t now)
{
	unsigned long long	 held;
	int64_t			 age = now - gap_seen(s, lo, hi, now);
	int			 is_held;
	struct held_ask		 q = { &s->arena, lo, hi, 0, 0 };

	if (age < s->o->gap_timeout) {
		p->stop = PASS_BLOCKED;
		return 0;
	}
	/*
	 * Here, then (on a cluster) on every node: a node sees only its own
	 * transactions' locks. While one does not answer, nothing is given up.
	 */
	if (held_on_node(s->db, &q) != DB_OK)
		return -1;
	if (!cluster_ask(&s->cluster, held_on_node, &q, "no missing audit id "
	    "is given up until each can say whether it holds one")) {
		p->stop = PASS_BLOCKED;
		return 0;
	}
	held = q.id;
	is_held = q.is_held;
	if (!is_held)
		return add_skip(s, p, lo, hi) == -1 ? -1 : 1;
	if (held > lo && add_skip(s, p, lo, held - 1) == -1)
		return -1;
	p->stop = PASS_HELD;
	s->held = held;
	log_held(s, held, age, now);
	return 0;
}

/*
 * Chain the rows of res after s->last into p (at most 2 entries per
 * row). Stops at a missing id younger than the timeout or held open.
 * 0, or -1 if a row cannot be canonicalised or the database failed.
 */
static int
chain_rows(struct sealer *s, const struct db_res *res, struct pass *p)
{
	unsigned long long	 id;
	size_t			 i;
	int64_t			 now = mono_now();
	int			 rc;

	s->held = 0;
	for (i = 0; i < res->nrows; i++) {
		id = strtoull(res->rows[i].v[0], NULL, 10);
		if (id > p->last + 1 &&
		    (rc = pass_gap(s, p, p->last + 1, id - 1, now)) != 1) {
			if (rc == 0)
				note_gaps(s, res, i + 1, id, now);
			return rc;
		}
		p->e[p->n] = (struct store_seal_entry){ id, id, 0, { 0 } };
		if (seal_step_row(&s->sc, p->hash, res->rows[i].v,
		    res->rows[i].len, p->e[p->n].hash) == -1) {
			log_errx("seal: row %llu cannot be put in canonical form",
			    id);
			return -1;
		}
		memcpy(p->hash, p->e[p->n++].hash, SEAL_HASH_LEN);
		p->last = id;
		p->nrows++;
	}
	return 0;
}

/* Write the pass's entries and its signed checkpoint in one transaction. Returns an enum db_rc. */
static int
write_pass(struct sealer *s, const struct pass *p, struct seal_checkpoint *cp)
{
	int	 rc, owned = 0;

	memset(cp, 0, sizeof(*cp));
	cp->seq = s->seq + 1;
	memcpy(cp->prev, s->prev, SEAL_HASH_LEN);
	cp->first_id = s->last + 1;
	cp->last_id = p->last;
	memcpy(cp->head, p->hash, SEAL_HASH_LEN);
	cp->rows = p->nrows;
	cp->skipped = p->nskip;
	cp->sealed_at = utc_now();
	if (seal_checkpoint_sign(&s->sc, s->signer, cp) == -1)
		return DB_ERROR;
	if ((rc = db_begin(s->db)) == DB_OK &&
	    (rc = store_audit_lease_renew(s->db, s->o->lease, &owned)) == DB_OK &&
	    owned &&
	    (rc = store_audit_seal_add(s->db, p->e, (size_t)p->n)) == DB_OK &&
	    (rc = store_audit_checkpoint_add(s->db, cp)) == DB_OK &&
	    (rc = db_commit(s->db)) == DB_OK) {
		s->renewed_at = mono_now();
		return DB_OK;
	}
	db_rollback(s->db);
	if (rc == DB_OK && !owned) {
		log_warnx("seal: the lease was taken over (or the connection was "
		    "made again); nothing written, taking it again");
		s->is_lease_lost = 1;
		return DB_ERROR;
	}
	return rc;
}

static enum pass_rc
seal_pass(struct sealer *s)
{
	struct db_res		 res;
	struct seal_checkpoint	 cp;
	struct pass		 p;
	int			 rc;

	arena_reset(&s->arena);
	if (lease_keep(s) == -1)
		return PASS_ERROR;
	if (store_audit_rows_after(s->db, &s->arena, s->last, s->o->batch,
	    &res) != DB_OK)
		return PASS_ERROR;
	if (res.nrows == 0)
		return PASS_IDLE;
	memset(&p, 0, sizeof(p));
	p.e = arena_alloc(&s->arena, 2 * res.nrows * sizeof(*p.e));
	p.last = s->last;
	memcpy(p.hash, s->head, SEAL_HASH_LEN);
	if (chain_rows(s, &res, &p) == -1)
		return PASS_ERROR;
	if (p.n == 0)
		return p.stop;
	if ((rc = write_pass(s, &p, &cp)) != DB_OK) {
		if (rc == DB_DUPLICATE)
			log_warnx("seal: another sealer wrote these ids; "
			    "resuming from its head");
		else if (rc == DB_DEADLOCK)
			log_warnx("seal: the pass conflicted with another "
			    "node's write (a takeover of the lease?); again");
		else if (!s->is_lease_lost)
			log_errx("seal: cannot write the seal (does the "
			    "account have role concierge_sealer?)");
		return rc == DB_DUPLICATE && load_tip(s) == 0 ? PASS_PROGRESS :
		    PASS_ERROR;
	}
	log_debug("seal: checkpoint %llu: %llu rows, %llu ids skipped, through "
	    "id %llu", cp.seq, p.nrows, p.nskip, p.last);
	s->last = p.last;
	s->seq = cp.seq;
	memcpy(s->head, p.hash, SEAL_HASH_LEN);
	if (seal_checkpoint_digest(&s->sc, &cp, s->prev) == -1)
		return PASS_ERROR;
	s->rows += p.nrows;
	s->skipped += p.nskip;
	gaps_prune(s);
	return p.stop != PASS_IDLE ? p.stop : PASS_PROGRESS;
}

/*
 * The gap timeout must outlast the longest an INSERT into audit_log can
 * hold its id before its row exists (one InnoDB lock wait): refused
 * outside dev mode, a warning in it. 0 or -1.
 */
static int
check_gap_timeout(struct sealer *s)
{
	long long	 wait;

	if (s->is_timeout_checked)
		return 0;
	if (store_audit_lock_wait(s->db, &s->arena, &wait) != DB_OK)
		return -1;
	s->is_timeout_checked = 1;
	if (s->o->gap_timeout >= wait * UTC_SEC + GAP_MARGIN)
		return 0;
	if (s->cfg->is_dev) {
		log_warnx("seal: the gap timeout (%lld ms) is shorter than "
		    "innodb_lock_wait_timeout (%lld s) + 10 s; allowed in dev "
		    "mode only", (long long)(s->o->gap_timeout / 1000), wait);
		return 0;
	}
	log_errx("seal: the gap timeout (%lld ms) must exceed "
	    "innodb_lock_wait_timeout (%lld s) by 10 s at least, or a slow "
	    "insert could be sealed as never committed",
	    (long long)(s->o->gap_timeout / 1000), wait);
	return -1;
}

/*
 * Take the lease, waiting for it with --follow. Returns 1 when held, 0
 * when not (logged), -1 on failure.
 */
static int
lease_take(struct sealer *s)
{
	char		 holder[256];
	long long	 left;	/* ms */
	int64_t		 wait;
	int		 got, is_logged = 0;

	while (!stop) {
		arena_reset(&s->arena);
		if (store_audit_lease_take(s->db, &s->arena, s->o->lease, &got,
		    holder, sizeof(holder), &left) != DB_OK) {
			log_errx("seal: cannot take the sealer's lease (does the "
			    "account have role concierge_sealer? is migration 0019 "
			    "applied?)");
			return -1;
		}
		if (got) {
			s->renewed_at = mono_now();
			s->is_lease_lost = 0;
			return 1;
		}
		if (!s->o->is_follow) {
			log_errx("seal: another sealer holds the lease (%s, "
			    "%lld s more)", holder[0] ? holder : "?",
			    (left + 999) / 1000);
			return 0;
		}
		if (!is_logged)
			log_info("seal: the lease is held by %s for %lld s more; "
			    "waiting", holder[0] ? holder : "?", (left + 999) / 1000);
		is_logged = 1;
		/* Just past its end (it may be renewed meanwhile: then again). */
		wait = (left + 20) * 1000;
		nap(wait < LEASE_POLL ? wait : LEASE_POLL);
	}
	return 0;
}

/* Connect, take the lock (waiting with --follow), load the tip. Returns an AUDIT_EXIT_*. */
static int
sealer_open(struct sealer *s, enum db_role role)
{
	int	 got = 0;

	if (db_open(&s->db, s->cfg, role) == -1)
		return AUDIT_EXIT_FAIL;
	if (check_gap_timeout(s) == -1)
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
	/* Reads are causal before the tip is loaded: it may be another node's. */
	if (cluster_open(&s->cluster, s->db, &s->arena, s->cfg, role, "seal") ==
	    -1 || lease_take(s) != 1)
		return AUDIT_EXIT_FAIL;
	return load_tip(s) == 0 ? AUDIT_EXIT_OK : AUDIT_EXIT_FAIL;
}

static void
sealer_close(struct sealer *s)
{
	if (s->db != NULL) {
		(void)store_audit_lease_release(s->db);
		(void)store_audit_unlock(s->db);
	}
	db_close(s->db);
	s->db = NULL;
	cluster_close(&s->cluster);
	s->renewed_at = 0;
}

/*
 * One run to the highest id visible at the start, waiting out young
 * gaps; an id an open transaction still holds after the gap timeout
 * ends the run there (the next run goes on from it).
 */
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
		if (r == PASS_HELD) {
			printf("stopped at id %llu: held by an open transaction\n",
			    s->held);
			break;
		}
		if (r == PASS_BLOCKED)
			nap(s->o->gap_timeout < UTC_SEC / 5 ? s->o->gap_timeout :
			    UTC_SEC / 5);
	}
	return AUDIT_EXIT_OK;
}

/* Seal until stopped; after a database failure, reconnect and resume. */
static int
run_follow(struct sealer *s, enum db_role role)
{
	enum pass_rc	 r;
	int64_t		 wait;

	while (!stop) {
		if (s->db == NULL && sealer_open(s, role) != AUDIT_EXIT_OK) {
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
		wait = r == PASS_BLOCKED && s->o->gap_timeout < s->o->interval ?
		    s->o->gap_timeout : s->o->interval;
		/* Back before the lease needs renewing. */
		nap(wait < lease_renew_every(s) ? wait : lease_renew_every(s));
	}
	return AUDIT_EXIT_OK;
}

int
audit_seal_run(const struct cfg *cfg, enum db_role role,
    const struct seal_key *signer, const struct seal_keyring *ring,
    const struct seal_opts *o)
{
	struct sealer		*s;
	struct sigaction	 sa;
	char			 hex[2 * SEAL_HASH_LEN + 1];
	int			 rc;

	if (seal_keyring_find(ring, signer->id) == -1) {
		log_errx("seal: audit.verify_key_file does not list the signing "
		    "key %s: add its public key there and on every verifier",
		    signer->id);
		return AUDIT_EXIT_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	s = xcalloc(1, sizeof(*s));
	arena_init(&s->arena);
	seal_init(&s->sc);
	s->cfg = cfg;
	s->o = o;
	s->signer = signer;
	s->ring = ring;
	s->signer_idx = seal_keyring_find(ring, signer->id);
	if ((rc = sealer_open(s, role)) == AUDIT_EXIT_OK)
		rc = o->is_follow ? run_follow(s, role) : run_once(s);
	crypto_hex(s->head, SEAL_HASH_LEN, hex);
	if (rc == AUDIT_EXIT_OK)
		printf("sealed %llu rows, skipped %llu ids; head %llu %s; "
		    "checkpoint %llu, key %s\n", s->rows, s->skipped, s->last,
		    hex, s->seq, signer->id);
	sealer_close(s);
	seal_release(&s->sc);
	arena_release(&s->arena);
	free(s);
	return rc;
}
