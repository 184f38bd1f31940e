/*
 * concierge-events relay: publish committed events rows, in id order,
 * to their recipients' nchan channels (docs/EVENTS.md, "The relay").
 *
 * One relay publishes at a time: it holds a lease in the events_relay
 * row (owner, lease_until) and every write of its progress is fenced by
 * owner, so a second instance waits and takes over when the first has
 * been silent for events.relay_lease_seconds. That works on a
 * multi-primary cluster too, where a server-local GET_LOCK would not.
 *
 * A pass: read the rows after published_through, find how far they are
 * settled (tools/events-horizon.c), write started_through, publish each
 * row to the user's two channels, write published_through. After a crash
 * (kill -9 between those writes) the next relay finds started_through >
 * published_through: those rows may be in nchan already, so before
 * publishing one it looks at the newest message of each channel and
 * skips what is there. Nothing is lost (published_through moves only
 * after nchan took the rows) and nothing is sent twice.
 *
 * Workers send a datagram to events.wake_socket after a commit that
 * appended events; without one the relay looks every
 * events.relay_poll_ms. A session.revoked row also deletes its user's
 * channels in nchan, which ends their open streams (those of sessions
 * still valid reconnect and resume; docs/EVENTS.md, "When a session
 * ends").
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/id.h"
#include "lib/log.h"
#include "lib/cluster.h"
#include "lib/mem.h"
#include "lib/nchan.h"
#include "lib/store-events.h"
#include "lib/time.h"
#include "tools/events-horizon.h"
#include "tools/events.h"

/* Sessions whose channel is deleted a second time, a little later. */
#define MAX_ENDS	256
#define END_AGAIN_USEC	(2 * UTC_SEC)
/* How long to wait on a gap whose insert is still being committed. */
#define BUSY_NAP_USEC	5000
/* Publish retries back off up to this. */
#define ERROR_NAP_MAX	UTC_SEC

enum pass_rc {
	PASS_IDLE = 0,		/* nothing after published_through */
	PASS_PROGRESS,		/* published something */
	PASS_BLOCKED,		/* at a gap that is not settled yet */
	PASS_LOST,		/* another relay holds the lease now */
	PASS_ERROR,		/* database or nchan: try again */
};

/* A user whose channels are deleted once more at due. */
struct session_end {
	char	 id[ID_LEN + 1];	/* the user */
	int64_t	 due;		/* monotonic usec */
};

/* Newest event id of a user's two channels, looked up once per pass. */
struct tip {
	const char		*user;
	unsigned long long	 j, s;
};

struct relay {
	const struct cfg	*cfg;
	enum db_role		 role;
	struct db		*db;
	struct cluster		 cluster;	/* Galera: the nodes asked about held ids */
	struct nchan		*nchan;
	struct arena		 arena;
	struct buf		 body;
	char			 owner[ID_LEN + 1];
	int			 is_leader;
	unsigned long long	 published, started, scan_through;
	int64_t			 scan_at;
	int64_t			 renew_at;	/* monotonic usec */
	int64_t			 wait;		/* from the last blocked pass */
	int			 wake_fd;
	ino_t			 wake_ino;
	struct session_end	 ends[MAX_ENDS];
	size_t			 nends;
	unsigned long long	 total, skipped;
};

static volatile sig_atomic_t	 stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t
lease_until(const struct relay *r)
{
	return utc_now() + r->cfg->events_relay_lease_seconds * UTC_SEC;
}

/* ---- the wake-up socket: bound only while leading ---- */

static void
wake_open(struct relay *r)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;
	const char		*path = r->cfg->events_wake_socket;

	if (path == NULL || r->wake_fd != -1)
		return;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("relay: events.wake_socket is too long; polling only");
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((r->wake_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return;
	/* We lead now: a socket left at the path is a dead leader's. */
	(void)unlink(path);
	if (bind(r->wake_fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    stat(path, &sb) == -1) {
		log_warnx("relay: cannot bind %s: %s; polling only", path,
		    strerror(errno));
		close(r->wake_fd);
		r->wake_fd = -1;
		return;
	}
	(void)chmod(path, 0666);
	r->wake_ino = sb.st_ino;
}

static void
wake_close(struct relay *r, int is_unlink)
{
	struct stat	 sb;
	const char	*path = r->cfg->events_wake_socket;

	if (r->wake_fd == -1)
		return;
	close(r->wake_fd);
	r->wake_fd = -1;
	/* Only if it is still ours, not a successor's. */
	if (is_unlink && stat(path, &sb) == 0 && sb.st_ino == r->wake_ino)
		(void)unlink(path);
}

/* Sleep up to usec or until a wake-up datagram (or a signal) arrives. */
static void
wait_wake(struct relay *r, int64_t usec)
{
	struct pollfd	 p;
	char		 buf[64];
	int		 ms = (int)((usec + 999) / 1000);

	if (r->wake_fd == -1) {
		utc_sleep(usec);
		return;
	}
	p.fd = r->wake_fd;
	p.events = POLLIN;
	if (poll(&p, 1, ms) > 0)
		while (recv(r->wake_fd, buf, sizeof(buf), 0) > 0)
			;
}

/* ---- lease ---- */

static int
load_state(struct relay *r)
{
	struct relay_state	 st;

	arena_reset(&r->arena);
	if (store_events_state(r->db, &r->arena, &st) != DB_OK)
		return -1;
	r->published = st.published;
	r->started = st.started;
	r->scan_through = st.scan_through;
	r->scan_at = st.scan_at;
	return 0;
}

/* Take or renew the lease. 1 held, 0 someone else holds it, -1 database. */
static int
lease(struct relay *r)
{
	int	 got;

	if (store_events_lease(r->db, r->owner, utc_now(), lease_until(r),
	    &got) != DB_OK)
		return -1;
	r->renew_at = utc_mono() + r->cfg->events_relay_lease_seconds *
	    UTC_SEC / 3;
	if (got && !r->is_leader) {
		if (load_state(r) == -1)
			return -1;
		r->is_leader = 1;
		wake_open(r);
		log_info("relay: leading from event %llu%s", r->published,
		    r->started > r->published ? " (resuming an interrupted batch)" :
		    "");
	} else if (!got && r->is_leader) {
		log_warnx("relay: another relay took over");
		r->is_leader = 0;
		wake_close(r, 0);
	}
	return got;
}

/* ---- one pass ---- */

/* What busy_on_node asks each node, and whether one said yes. */
struct busy_ask {
	struct arena		*arena;
	unsigned long long	 lo, hi;
	int			 is_busy, has_rows;
};

/* Does an open transaction on this node hold an id of lo..hi (or a row
 * of it committed since)? */
static int
busy_on_node(struct db *node, void *arg)
{
	struct busy_ask	*q = arg;
	int		 is_busy, has_rows, rc;

	if ((rc = store_events_busy(node, q->arena, q->lo, q->hi, &is_busy,
	    &has_rows)) == DB_OK) {
		q->is_busy |= is_busy;
		q->has_rows |= has_rows;
	}
	return rc;
}

/*
 * Here, then (on a cluster) on every node: a node sees only its own
 * transactions' locks. A node that does not answer counts as busy: the
 * gap waits, at most events.gap_timeout_seconds.
 */
static enum probe_rc
probe(void *arg, unsigned long long lo, unsigned long long hi)
{
	struct relay	*r = arg;
	struct busy_ask	 q = { &r->arena, lo, hi, 0, 0 };
	int		 is_complete = 1;

	if (busy_on_node(r->db, &q) != DB_OK)
		return PROBE_ERROR;
	if (!q.is_busy && !q.has_rows)
		is_complete = cluster_ask(&r->cluster, busy_on_node, &q, "a "
		    "missing event id waits until each can say whether it holds it");
	if (q.has_rows)
		return PROBE_AGAIN;
	return q.is_busy || !is_complete ? PROBE_BUSY : PROBE_FREE;
}

/* Connect, with causal reads on a Galera node. 0 or -1. */
static int
relay_connect(struct relay *r)
{
	if (db_open(&r->db, r->cfg, r->role) == -1)
		return -1;
	if (cluster_open(&r->cluster, r->db, &r->arena, r->cfg, r->role,
	    "relay") == -1) {
		db_close(r->db);
		r->db = NULL;
		return -1;
	}
	return 0;
}

/* The newest event id in channel kind of user (0 if none). 0 or -1. */
static int
newest(struct relay *r, char kind, const char *user, unsigned long long *id)
{
	int	 found;

	*id = 0;
	if (nchan_newest(r->nchan, kind, user, &found, &r->body) == -1)
		return -1;
	if (found && nchan_body_event_id(kind, r->body.data, r->body.len,
	    id) == -1) {
		log_errx("relay: the newest message of %c.%s holds no event id",
		    kind, user);
		return -1;
	}
	return 0;
}

/* What a user's channels already hold, for rows of an interrupted batch. */
static struct tip *
tip_of(struct relay *r, struct tip *tips, size_t *ntips, const char *user)
{
	size_t	 i;

	for (i = 0; i < *ntips; i++)
		if (strcmp(tips[i].user, user) == 0)
			return &tips[i];
	tips[i].user = user;
	if (newest(r, NCHAN_JSON, user, &tips[i].j) == -1 ||
	    newest(r, NCHAN_SSE, user, &tips[i].s) == -1)
		return NULL;
	(*ntips)++;
	return &tips[i];
}

static void
end_streams(struct relay *r, const char *user, int is_again)
{
	size_t	 i;

	if (nchan_end_streams(r->nchan, user) == -1)
		log_warnx("relay: could not end the streams of a user");
	if (is_again)
		return;
	for (i = 0; i < r->nends; i++)
		if (strcmp(r->ends[i].id, user) == 0)
			return;
	if (r->nends == MAX_ENDS)
		return;
	snprintf(r->ends[r->nends].id, sizeof(r->ends[r->nends].id), "%s",
	    user);
	r->ends[r->nends].due = utc_mono() + END_AGAIN_USEC;
	r->nends++;
}

/*
 * A subscriber checked before the revocation committed may subscribe
 * after the first delete: delete once more a little later.
 */
static void
ends_due(struct relay *r)
{
	int64_t	 now = utc_mono();
	size_t	 i, j = 0;

	for (i = 0; i < r->nends; i++) {
		if (r->ends[i].due <= now)
			end_streams(r, r->ends[i].id, 1);
		else
			r->ends[j++] = r->ends[i];
	}
	r->nends = j;
}

/* A copy of the body of channel kind for e, in the pass's arena. */
static const char *
body_of(struct relay *r, char kind, const struct event_row *e, size_t *len)
{
	if (nchan_body(&r->body, kind, e) == -1)
		return NULL;
	*len = r->body.len;
	return arena_strndup(&r->arena, r->body.data, r->body.len);
}

/*
 * Publish rows[0..n-1] to their channels, many at once (keeping each
 * channel's order); those up to maybe_sent may be in nchan already. Then
 * end the streams of the users that session.revoked rows are for.
 */
static int
publish_rows(struct relay *r, const struct event_row *rows, size_t n,
    unsigned long long maybe_sent)
{
	struct tip	*tips = NULL, *t;
	struct nchan_msg *m;
	size_t		 i, nm = 0, ntips = 0;
	const char	 kinds[2] = { NCHAN_JSON, NCHAN_SSE };
	size_t		 bad = 0;
	int		 k, need[2];

	if (n > 0 && rows[0].id <= maybe_sent)
		tips = arena_alloc(&r->arena, n * sizeof(*tips));
	m = arena_alloc(&r->arena, 2 * n * sizeof(*m));
	for (i = 0; i < n; i++) {
		const struct event_row *e = &rows[i];

		/* No channel can be named for it: it must not stop the rest. */
		if (!id_is_valid(e->recipient)) {
			if (bad++ == 0)
				log_errx("relay: event %llu has no valid recipient; "
				    "not published", e->id);
			continue;
		}
		need[0] = need[1] = 1;
		if (e->id <= maybe_sent) {
			if ((t = tip_of(r, tips, &ntips, e->recipient)) == NULL)
				return -1;
			need[0] = e->id > t->j;
			need[1] = e->id > t->s;
		}
		for (k = 0; k < 2; k++) {
			if (!need[k])
				continue;
			m[nm].kind = kinds[k];
			m[nm].user_id = e->recipient;
			m[nm].ctype = kinds[k] == NCHAN_JSON ? "application/json" :
			    "text/plain";
			if ((m[nm].body = body_of(r, kinds[k], e, &m[nm].len)) == NULL)
				return -1;
			nm++;
		}
	}
	if (bad > 1)
		log_errx("relay: %zu events of this batch have no valid recipient",
		    bad);
	if (nchan_publish_many(r->nchan, m, nm,
	    (int)r->cfg->events_relay_connections) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].type, "session.revoked") == 0 &&
		    id_is_valid(rows[i].recipient))
			end_streams(r, rows[i].recipient, 0);
	return 0;
}

static enum pass_rc
pass(struct relay *r)
{
	struct horizon		 h;
	struct event_row	*rows;
	unsigned long long	*ids, was_started = r->started;
	size_t			 n, i;
	int64_t			 t0 = utc_mono(), t1, t2, t3;
	int			 ok;

	arena_reset(&r->arena);
	if (store_events_after(r->db, &r->arena, r->published,
	    r->cfg->events_batch, &rows, &n) != DB_OK)
		return PASS_ERROR;
	if (n == 0)
		return PASS_IDLE;
	ids = arena_alloc(&r->arena, n * sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = rows[i].id;
	memset(&h, 0, sizeof(h));
	h.published = r->published;
	h.settled = r->started;
	h.now = utc_now();
	h.gap_grace = r->cfg->events_gap_grace_ms * 1000;
	h.gap_timeout = r->cfg->events_gap_timeout_seconds * UTC_SEC;
	h.scan_through = r->scan_through;
	h.scan_at = r->scan_at;
	if (horizon_advance(&h, ids, n, probe, r) == -1)
		return PASS_ERROR;
	r->scan_through = h.scan_through;
	r->scan_at = h.scan_at;
	r->wait = h.wait;
	if (h.count == 0)
		return PASS_BLOCKED;
	t1 = utc_mono();
	if (h.through > r->started) {
		if (store_events_mark_started(r->db, r->owner, r->published,
		    r->started, h.through, lease_until(r), &ok) != DB_OK)
			return PASS_ERROR;
		if (!ok)
			return PASS_LOST;
		r->started = h.through;
	}
	t2 = utc_mono();
	if (publish_rows(r, rows, h.count, was_started) == -1)
		return PASS_ERROR;
	t3 = utc_mono();
	if (store_events_mark_published(r->db, r->owner, r->started, h.through,
	    r->scan_through, r->scan_at, lease_until(r), &ok) != DB_OK)
		return PASS_ERROR;
	if (!ok)
		return PASS_LOST;
	log_debug("relay: published %zu events through %llu (read %lldus, "
	    "started %lldus, nchan %lldus, published %lldus)", h.count, h.through,
	    (long long)(t1 - t0), (long long)(t2 - t1), (long long)(t3 - t2),
	    (long long)(utc_mono() - t3));
	r->published = h.through;
	r->total += h.count;
	r->skipped += h.skipped;
	return h.is_blocked ? PASS_BLOCKED : PASS_PROGRESS;
}

/* ---- running ---- */

static void
relay_disconnect(struct relay *r)
{
	if (r->is_leader && r->db != NULL)
		(void)store_events_lease_drop(r->db, r->owner);
	r->is_leader = 0;
	wake_close(r, 1);
	db_close(r->db);
	r->db = NULL;
}

/* How long to sleep after a pass. */
static int64_t
pause_after(const struct relay *r, enum pass_rc rc, int64_t *backoff)
{
	switch (rc) {
	case PASS_PROGRESS:
		*backoff = 0;
		return 0;
	case PASS_BLOCKED:
		*backoff = 0;
		return r->wait > 0 && r->wait < UTC_SEC ? r->wait : BUSY_NAP_USEC;
	case PASS_ERROR:
		*backoff = *backoff == 0 ? 50000 : *backoff * 2;
		if (*backoff > ERROR_NAP_MAX)
			*backoff = ERROR_NAP_MAX;
		return *backoff;
	default:
		*backoff = 0;
		return r->cfg->events_relay_poll_ms * 1000;
	}
}

static int
run_daemon(struct relay *r)
{
	int64_t		 backoff = 0, idle = r->cfg->events_relay_poll_ms * 1000;
	enum pass_rc	 rc;
	int		 got;

	while (!stop) {
		if (r->db == NULL && relay_connect(r) == -1) {
			wait_wake(r, UTC_SEC);
			continue;
		}
		if (!r->is_leader || utc_mono() >= r->renew_at) {
			if ((got = lease(r)) == -1) {
				relay_disconnect(r);
				continue;
			}
			if (!got) {
				wait_wake(r, idle);
				continue;
			}
		}
		rc = pass(r);
		ends_due(r);
		if (rc == PASS_LOST) {
			r->is_leader = 0;
			wake_close(r, 0);
			log_warnx("relay: another relay took over");
			continue;
		}
		if (rc == PASS_ERROR) {
			log_warnx("relay: a pass failed; trying again");
			/* Reload: nchan may hold part of the batch now. */
			if (load_state(r) == -1)
				relay_disconnect(r);
		}
		wait_wake(r, pause_after(r, rc, &backoff));
	}
	return EVENTS_EXIT_OK;
}

/* Publish what is committed now, waiting out young gaps, then leave. */
static int
run_once(struct relay *r)
{
	unsigned long long	 target;
	int64_t			 backoff = 0;
	enum pass_rc		 rc;
	int			 got, errors = 0;

	if (relay_connect(r) == -1)
		return EVENTS_EXIT_FAIL;
	if ((got = lease(r)) != 1) {
		if (got == 0)
			log_errx("relay: another relay holds the lease");
		return EVENTS_EXIT_FAIL;
	}
	if (store_events_max_id(r->db, &r->arena, &target) != DB_OK)
		return EVENTS_EXIT_FAIL;
	while (!stop && r->published < target) {
		if (utc_mono() >= r->renew_at && lease(r) != 1)
			return EVENTS_EXIT_FAIL;
		rc = pass(r);
		if (rc == PASS_IDLE || rc == PASS_LOST)
			break;
		if (rc == PASS_ERROR && (++errors > 5 || load_state(r) == -1))
			return EVENTS_EXIT_FAIL;
		wait_wake(r, pause_after(r, rc, &backoff));
	}
	ends_due(r);
	return EVENTS_EXIT_OK;
}

int
events_relay_run(const struct cfg *cfg, enum db_role role,
    const struct relay_opts *o)
{
	struct relay		*r;
	struct sigaction	 sa;
	int			 rc;

	if (cfg->events_nchan_socket == NULL) {
		log_errx("relay: events.nchan_socket is not set: without nchan "
		    "there is nothing to publish to (the events worker serves "
		    "JSON and long-polls alone)");
		return EVENTS_EXIT_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = xcalloc(1, sizeof(*r));
	r->cfg = cfg;
	r->role = role;
	r->wake_fd = -1;
	arena_init(&r->arena);
	buf_init(&r->body, 64 * 1024);
	r->nchan = nchan_open(cfg->events_nchan_socket);
	if (id_new(r->owner) == -1) {
		rc = EVENTS_EXIT_FAIL;
		goto out;
	}
	rc = o->is_once ? run_once(r) : run_daemon(r);
	if (rc == EVENTS_EXIT_OK)
		log_info("relay: stopping after %llu events (%llu ids skipped),"
		    " published through %llu", r->total, r->skipped,
		    r->published);
out:
	relay_disconnect(r);
	cluster_close(&r->cluster);
	nchan_close(r->nchan);
	buf_release(&r->body);
	arena_release(&r->arena);
	free(r);
	return rc;
}
