/* Worker runtime: modes, prefork supervision and request dispatch. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "lib/cfg.h"
#include "lib/cors.h"
#include "lib/db.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/session.h"
#include "lib/time.h"
#include "lib/worker.h"

#define RESP_MAX	(8 * 1024 * 1024)
#define MAX_CHILDREN	256
#define STOP_GRACE_SEC	30
/*
 * Connections the kernel queues for the children to accept. nginx gets
 * EAGAIN (502) beyond it: thousands of event streams reconnect at once
 * after an nginx restart, each through a short events worker request.
 */
#define LISTEN_BACKLOG	1024

struct opts {
	const char	*config;
	const char	*listen;
	long		 children;
	long		 max_requests;
	long		 socket_mode;
	int		 is_max_set;
};

struct state {
	const struct worker_def	*def;
	struct cfg		 cfg;
	struct db		*db;
	struct arena		 arena;
	struct http_resp	 resp;
};

static volatile sig_atomic_t	 child_stop;
/* A prefork child: its parent's pid (0 when no supervisor runs us). */
static pid_t			 supervisor;

/* ---- request dispatch ---- */

int
worker_not_implemented(struct ctx *c)
{
	problem(c, 501, "not_implemented", "this route is not built yet");
	return 0;
}

static int
is_unbuilt(const struct worker_def *def, const char *path)
{
	const char *const	*p;
	size_t			 n;

	for (p = def->unbuilt; p != NULL && *p != NULL; p++) {
		n = strlen(*p);
		if (strncmp(path, *p, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/' || (*p)[n - 1] == '/'))
			return 1;
	}
	return 0;
}

static int
ensure_db(struct state *st)
{
	if (st->db == NULL && db_open(&st->db, &st->cfg, DB_ROLE_WORKER) == -1)
		return -1;
	return 0;
}

static void
health(struct state *st, struct ctx *c)
{
	struct json_object	*o = json_object_new_object();
	int			 ok;

	ok = ensure_db(st) == 0 && db_ping(st->db) == 0;
	jset_str(o, "status", ok ? "ok" : "unavailable");
	jset_str(o, "worker", st->def->name);
	jset_str(o, "db", ok ? "ok" : "down");
	json_reply(c, ok ? 200 : 503, o);
}

/* Check the body's type and size, then read it. 0, or -1 with a reply set. */
static int
read_body(struct ctx *c, const struct route *r)
{
	size_t	 max;

	if (!http_req_has_body(c->req) || (r->flags & ROUTE_STREAM_BODY))
		return 0;
	if (!(r->flags & ROUTE_RAW_BODY) && (c->req->content_type == NULL ||
	    strcmp(c->req->content_type, "application/json") != 0)) {
		problem(c, 415, "unsupported_media_type",
		    "send the body as application/json");
		return -1;
	}
	max = (size_t)((r->flags & ROUTE_RAW_BODY) ? c->cfg->http_max_upload :
	    c->cfg->http_max_body);
	switch (http_req_read_body(c->req, c->io, c->arena, max)) {
	case HTTP_BODY_OK:
		return 0;
	case HTTP_BODY_TOO_LARGE:
		problem(c, 413, "body_too_large", "the request body is too large");
		return -1;
	default:
		problem(c, 400, "bad_body", "the request body could not be read");
		return -1;
	}
}

static void
dispatch(struct state *st, struct ctx *c)
{
	const struct route	*r;
	char			 allow[128], hpath[64];
	int			 is_down;

	if (cors_apply(c) == 1)
		return;
	snprintf(hpath, sizeof(hpath), "/healthz/%s", st->def->name);
	if (strcmp(c->req->path, hpath) == 0 &&
	    (c->req->method == HTTP_GET || c->req->method == HTTP_HEAD)) {
		health(st, c);
		return;
	}
	switch (router_match(st->def->routes, st->def->nroutes, c->req->method,
	    c->req->path, c->arena, &r, c->cap, &c->ncap, allow, sizeof(allow))) {
	case ROUTER_OK:
		break;
	case ROUTER_BAD_METHOD:
		problem(c, 405, "method_not_allowed", "method not allowed here");
		(void)http_resp_header(c->resp, "Allow", allow);
		return;
	default:
		if (is_unbuilt(st->def, c->req->path))
			worker_not_implemented(c);
		else
			problem(c, 404, "not_found", "no such route");
		return;
	}
	if (c->req->is_query_bad) {
		problem(c, 400, "bad_query", "the query string is malformed");
		return;
	}
	if (ensure_db(st) == -1) {
		problem(c, 503, "unavailable", "the database is unavailable");
		return;
	}
	c->db = st->db;
	if (!(r->flags & ROUTE_PUBLIC) && session_require(c) == -1)
		return;
	if (read_body(c, r) == -1)
		return;
	if (r->fn(c) == -1 || (c->resp->status == 0 && !c->resp->is_streaming)) {
		/* A handler that gave up on a database it lost: 503, never 500. */
		is_down = db_is_unavailable(c->db) || db_commit_unknown(c->db);
		if (db_in_tx(c->db))
			db_rollback(c->db);
		c->nerrs = 0;
		if (is_down)
			problem_unavailable(c);
		else
			problem(c, 500, "internal", "the request could not be completed");
	}
}

/*
 * A streamed body the handler did not read to the end (a refusal before
 * or during an upload): take the rest, so nginx, still sending it, gets
 * the reply rather than a broken pipe. Bounded by the upload limit.
 */
static void
drain_body(struct state *st, struct ctx *c)
{
	if (c->req->content_length <= 0 ||
	    c->req->body_consumed >= (unsigned long long)c->req->content_length)
		return;
	if (http_req_drain(c->req, c->io,
	    (unsigned long long)st->cfg.http_max_upload * 2) == -1)
		log_warnx("request: body left unread");
}

static void
handle(struct state *st, const struct http_io *io)
{
	struct http_req	 req;
	struct ctx	 c;
	int64_t		 t0 = utc_now();

	arena_reset(&st->arena);
	http_req_parse(&req, io, &st->arena);
	log_set_request(req.request_id);
	http_resp_init(&st->resp, RESP_MAX);
	st->resp.status = 0;
	st->resp.runtime_headers = NULL;
	memset(&c, 0, sizeof(c));
	c.arena = &st->arena;
	c.cfg = &st->cfg;
	c.io = io;
	c.req = &req;
	c.resp = &st->resp;
	c.worker = st->def->name;
	dispatch(st, &c);
	if (!st->resp.is_streaming)
		drain_body(st, &c);
	if (st->db != NULL && db_in_tx(st->db)) {
		log_errx("handler left a transaction open; rolled back");
		db_rollback(st->db);
	}
	/* Committed events: the relay publishes them now, not at its next poll. */
	events_wake(&st->cfg);
	if (!st->resp.is_streaming && http_resp_send(&st->resp, &req, io) == -1)
		log_warnx("write: client went away");
	log_info("request: %s %s %d %.1fms", req.method_name, req.path,
	    st->resp.status, (double)(utc_now() - t0) / 1000.0);
	log_set_request(NULL);
}

/* ---- FastCGI and CGI I/O ---- */

static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	return FCGX_GetStr(buf, n > 1 << 30 ? 1 << 30 : (int)n,
	    ((FCGX_Request *)ctx)->in);
}

static int
fcgi_write(void *ctx, const void *buf, size_t n)
{
	return FCGX_PutStr(buf, (int)n, ((FCGX_Request *)ctx)->out) == (int)n ?
	    0 : -1;
}

static int
fcgi_flush(void *ctx)
{
	return FCGX_FFlush(((FCGX_Request *)ctx)->out) == 0 ? 0 : -1;
}

static const char *
cgi_param(void *ctx, const char *name)
{
	return getenv(name);
}

static long
cgi_read(void *ctx, char *buf, size_t n)
{
	size_t	 got = fread(buf, 1, n, stdin);

	return ferror(stdin) ? -1 : (long)got;
}

static int
cgi_write(void *ctx, const void *buf, size_t n)
{
	return fwrite(buf, 1, n, stdout) == n ? 0 : -1;
}

static int
cgi_flush(void *ctx)
{
	return fflush(stdout) == 0 ? 0 : -1;
}

/* ---- processes ---- */

static void
on_child_term(int sig)
{
	child_stop = 1;
}

/*
 * Stop signals (SIGTERM, SIGINT, SIGHUP) only set child_stop, and are
 * blocked at all times except while the child waits in ppoll for a
 * connection: so a child leaves at once when idle, but never between
 * accepting a connection and answering it (while libfcgi reads its
 * parameters, a signal used to end the child or make libfcgi drop the
 * connection: nginx answered 502). The listening socket is non-blocking:
 * of the children woken for one connection, those that lose the race for
 * it go back to ppoll instead of blocking in accept.
 */
static int
wait_for_connection(int fd, const sigset_t *waitmask)
{
	struct pollfd	 p;

	memset(&p, 0, sizeof(p));
	p.fd = fd;
	p.events = POLLIN;
	if (ppoll(&p, 1, NULL, waitmask) == -1 && errno != EINTR) {
		log_errx("poll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A prefork child whose parent died (kill -9) is adopted by init: nobody
 * restarts or stops it, and it would go on serving a socket the next
 * parent replaces. PR_SET_PDEATHSIG (set in spawn) sends SIGTERM, handled
 * like any stop; this check covers a parent that died before it was set
 * and is made again between requests.
 */
static int
is_orphan(void)
{
	if (supervisor == 0 || getppid() == supervisor)
		return 0;
	if (!child_stop)
		log_warnx("the supervisor (pid %ld) is gone: exiting",
		    (long)supervisor);
	child_stop = 1;
	return 1;
}

/* Serve FastCGI requests on fd until stopped or recycled. */
static int
serve(struct state *st, int fd, long max_requests)
{
	FCGX_Request		 req;
	struct http_io		 io = { &req, fcgi_param, fcgi_read, fcgi_write, fcgi_flush };
	struct sigaction	 sa;
	sigset_t		 stops, waitmask;
	long			 served = 0;
	int			 flags, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child_term;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file-size limit fails the write (EFBIG), never kills mid-upload. */
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGHUP);
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		log_errx("listen: cannot make the socket non-blocking: %s",
		    strerror(errno));
		return 1;
	}
	if (FCGX_InitRequest(&req, fd, 0) != 0)
		return 1;
	(void)ensure_db(st);
	while (!child_stop && !is_orphan()) {
		if (wait_for_connection(fd, &waitmask) == -1)
			break;
		if (child_stop || is_orphan())
			break;
		if ((rc = FCGX_Accept_r(&req)) < 0) {
			/* Another child took it, or it went away: wait again. */
			if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR ||
			    rc == -ECONNABORTED)
				continue;
			log_errx("accept: %s", strerror(-rc));
			break;
		}
		handle(st, &io);
		FCGX_Finish_r(&req);
		if (max_requests > 0 && ++served >= max_requests) {
			log_info("recycling after %ld requests", served);
			break;
		}
	}
	FCGX_Free(&req, 0);
	return 0;
}

static int
run_cgi(struct state *st)
{
	struct http_io	 io = { NULL, cgi_param, cgi_read, cgi_write, cgi_flush };

	signal(SIGXFSZ, SIG_IGN);
	handle(st, &io);
	return fflush(stdout) == 0 ? 0 : 1;
}

static pid_t
spawn(struct state *st, int fd, long max_requests, const sigset_t *oldmask)
{
	pid_t	 pid, parent = getpid();
	int	 rc;

	if ((pid = fork()) == -1) {
		log_errx("fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	/* The parent's death stops us (see is_orphan). */
	supervisor = parent;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		log_warnx("prctl(PR_SET_PDEATHSIG): %s", strerror(errno));
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	rc = serve(st, fd, max_requests);
	db_close(st->db);
	arena_release(&st->arena);
	http_resp_release(&st->resp);
	cfg_release(&st->cfg);
	_exit(rc);
}

static int
open_listener(const struct opts *o)
{
	const char	*addr = o->listen;
	int		 fd;

	if (strncmp(addr, "unix:", 5) == 0)
		addr += 5;
	if ((fd = FCGX_OpenSocket(addr, LISTEN_BACKLOG)) < 0) {
		log_errx("listen: cannot open '%s'", o->listen);
		return -1;
	}
	if (addr != o->listen && chmod(addr, (mode_t)o->socket_mode) == -1) {
		log_errx("listen: chmod '%s': %s", addr, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Reap exited children; a slot whose pid exited becomes 0. */
static void
reap(pid_t *kids, long n, int *fast_deaths, time_t *born)
{
	pid_t	 pid;
	int	 status;
	long	 i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < n; i++)
			if (kids[i] == pid) {
				kids[i] = 0;
				if (time(NULL) - born[i] < 2 &&
				    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
					(*fast_deaths)++;
				if (WIFSIGNALED(status))
					log_warnx("child %ld died of signal %d",
					    (long)pid, WTERMSIG(status));
			}
}

static void
stop_children(pid_t *kids, long n)
{
	long	 i, alive;
	time_t	 deadline = time(NULL) + STOP_GRACE_SEC;
	int	 fast = 0;
	time_t	 born[MAX_CHILDREN] = { 0 };

	for (i = 0; i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	for (;;) {
		reap(kids, n, &fast, born);
		for (alive = 0, i = 0; i < n; i++)
			alive += kids[i] > 0;
		if (alive == 0)
			return;
		if (time(NULL) >= deadline) {
			for (i = 0; i < n; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGKILL);
		}
		usleep(50 * 1000);
	}
}

static int
run_prefork(struct state *st, const struct opts *o)
{
	pid_t		 kids[MAX_CHILDREN] = { 0 };
	time_t		 born[MAX_CHILDREN] = { 0 };
	sigset_t	 set, old;
	siginfo_t	 si;
	struct timespec	 tick = { 1, 0 };
	int		 fd, sig, fast_deaths = 0;
	long		 i;
	const char	*path = NULL;
	struct stat	 sb;
	ino_t		 ino = 0;

	if ((fd = open_listener(o)) == -1)
		return 1;
	if (strncmp(o->listen, "unix:", 5) == 0) {
		path = o->listen + 5;
		if (stat(path, &sb) == 0)
			ino = sb.st_ino;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	log_info("listening on %s with %ld children", o->listen, o->children);
	for (;;) {
		for (i = 0; i < o->children; i++)
			if (kids[i] == 0) {
				if (fast_deaths > 3) {
					/* Children die at start (bad config?): slow down. */
					sleep(1);
					fast_deaths = 0;
				}
				kids[i] = spawn(st, fd, o->max_requests, &old);
				born[i] = time(NULL);
				if (kids[i] == -1)
					kids[i] = 0;
			}
		sig = sigtimedwait(&set, &si, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			for (i = 0; i < o->children; i++)
				if (kids[i] > 0)
					kill(kids[i], SIGTERM);
		reap(kids, o->children, &fast_deaths, born);
	}
	log_info("stopping: letting in-flight requests finish");
	close(fd);
	/* Remove the socket only if it is still ours, not a successor's. */
	if (path != NULL && stat(path, &sb) == 0 && sb.st_ino == ino)
		unlink(path);
	stop_children(kids, o->children);
	log_info("stopped");
	return 0;
}

static void
usage(const char *name)
{
	fprintf(stderr, "usage: concierge-%s [--config FILE] [--listen "
	    "unix:PATH|HOST:PORT] [--children N] [--max-requests N] "
	    "[--socket-mode OCTAL]\n", name);
}

static int
parse_long(const char *s, long min, long max, int base, long *out)
{
	char	*end;

	errno = 0;
	*out = strtol(s, &end, base);
	return errno || end == s || *end != '\0' || *out < min || *out > max ?
	    -1 : 0;
}

static int
parse_opts(int argc, char *argv[], const char *name, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "children", required_argument, NULL, 'n' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ "socket-mode", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->children = 2;
	o->max_requests = 10000;
	o->socket_mode = 0660;
	while ((ch = getopt_long(argc, argv, "c:l:n:m:s:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'l':
			o->listen = optarg;
			break;
		case 'n':
			if (parse_long(optarg, 1, MAX_CHILDREN, 10, &o->children) == -1)
				goto bad;
			break;
		case 'm':
			if (parse_long(optarg, 0, 100000000, 10, &o->max_requests) == -1)
				goto bad;
			o->is_max_set = 1;
			break;
		case 's':
			if (parse_long(optarg, 0, 0777, 8, &o->socket_mode) == -1)
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	if (o->config == NULL)
		o->config = getenv("CONCIERGE_CONFIG");
	return 0;
bad:
	usage(name);
	return -1;
}

int
worker_main(int argc, char *argv[], const struct worker_def *def)
{
	struct state	 st;
	struct opts	 o;
	enum log_level	 lvl;
	int		 rc;

	memset(&st, 0, sizeof(st));
	st.def = def;
	log_init(def->name, LOG_LVL_INFO);
	if (parse_opts(argc, argv, def->name, &o) == -1)
		return 2;
	cfg_defaults(&st.cfg);
	if (o.config != NULL && cfg_load(&st.cfg, o.config) == -1)
		return 1;
	if (log_level_parse(st.cfg.log_level, &lvl) == 0)
		log_init(def->name, lvl);
	cfg_log(&st.cfg);
	arena_init(&st.arena);
	if (FCGX_Init() != 0) {
		log_errx("fastcgi: init failed");
		return 1;
	}
	if (o.listen != NULL)
		rc = run_prefork(&st, &o);
	else if (FCGX_IsCGI())
		rc = run_cgi(&st);
	else
		/* spawn-fcgi does not restart us: recycle only if asked. */
		rc = serve(&st, 0, o.is_max_set ? o.max_requests : 0);
	db_close(st.db);
	arena_release(&st.arena);
	http_resp_release(&st.resp);
	cfg_release(&st.cfg);
	return rc;
}
