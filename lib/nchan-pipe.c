/*
 * nchan_publish_many: the relay's publishing, over a few persistent
 * connections to nchan's loopback server with HTTP/1.1 pipelining: many
 * requests go out in one write and their replies come back in order, so a
 * message costs a few microseconds of the relay's time instead of a
 * request/response round trip each. Each user's channels go over one
 * connection and the user has at most one message in flight: the next is
 * sent only when nchan has taken the previous one, so what nchan holds of
 * a channel is always a prefix of what the relay sent it (the relay's
 * crash recovery relies on that). Per user, not per channel: nchan 1.3.6
 * aborted its worker twice in CI (spool.c:479) when a user's j. and s.
 * channels, each subscribed together with the session's x. channel, took
 * a message at the same moment.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/nchan.h"
#include "lib/nchan-pipe.h"
#include "lib/time.h"

/* Bytes of requests queued on one connection, and of replies read ahead. */
#define PIPE_BUF_MAX	(8 * 1024 * 1024)
/* nginx closes idle keep-alive connections (keepalive_timeout 65s): reopen first. */
#define PIPE_IDLE_USEC	(10 * UTC_SEC)
#define PIPE_TIMEOUT_MS	5000

enum msg_state { MSG_WAIT = 0, MSG_SENT, MSG_DONE, MSG_FAILED };

struct nchan_pipe {
	int		 fd;
	int64_t		 used;		/* monotonic usec of the last reply */
	struct buf	 out;		/* requests not yet written */
	size_t		 out_off;
	struct buf	 in;		/* replies read, not yet parsed */
	size_t		*queue;		/* messages awaiting their reply, in order */
	size_t		 qhead, qtail;
};

struct nchan_pipes {
	char		*socket;
	int		 n;
	struct nchan_pipe p[NCHAN_PIPES_MAX];
};

struct nchan_pipes *
nchan_pipes_new(const char *socket_path)
{
	struct nchan_pipes	*ps = xcalloc(1, sizeof(*ps));
	int			 i;

	ps->socket = xstrdup(socket_path);
	for (i = 0; i < NCHAN_PIPES_MAX; i++) {
		ps->p[i].fd = -1;
		buf_init(&ps->p[i].out, PIPE_BUF_MAX);
		buf_init(&ps->p[i].in, PIPE_BUF_MAX);
	}
	return ps;
}

static void
pipe_close(struct nchan_pipe *p)
{
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	buf_clear(&p->out);
	buf_clear(&p->in);
	p->out_off = 0;
	p->qhead = p->qtail = 0;
}

void
nchan_pipes_free(struct nchan_pipes *ps)
{
	int	 i;

	if (ps == NULL)
		return;
	for (i = 0; i < NCHAN_PIPES_MAX; i++) {
		pipe_close(&ps->p[i]);
		buf_release(&ps->p[i].out);
		buf_release(&ps->p[i].in);
		free(ps->p[i].queue);
	}
	free(ps->socket);
	free(ps);
}

static int
pipe_open(struct nchan_pipes *ps, struct nchan_pipe *p)
{
	struct sockaddr_un	 sun;
	size_t			 len = strlen(ps->socket);

	pipe_close(p);
	if (len >= sizeof(sun.sun_path))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, ps->socket, len);
	if ((p->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	/* A Unix socket connects at once or not at all (EAGAIN: backlog full). */
	if (connect(p->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    errno != EINPROGRESS) {
		log_warnx("nchan: connect %s: %s", ps->socket, strerror(errno));
		pipe_close(p);
		return -1;
	}
	p->used = utc_mono();
	return 0;
}

/* Queue message i on its connection. 0 or -1. */
static int
send_msg(struct nchan_pipe *p, const struct nchan_msg *m, size_t i)
{
	if (buf_addf(&p->out, "POST /pub/%c/%s HTTP/1.1\r\nHost: nchan\r\n"
	    "Accept: text/json\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
	    m->kind, m->user_id, m->ctype, m->len) == -1 ||
	    buf_add(&p->out, m->body, m->len) == -1)
		return -1;
	p->queue[p->qtail++] = i;
	return 0;
}

/*
 * One reply at the start of in: its status and how many bytes it takes.
 * 0 if complete, 1 if more bytes are needed, -1 if malformed.
 */
static int
parse_reply(const char *s, size_t len, int *status, size_t *used, int *is_close)
{
	const char	*end, *h;
	size_t		 hlen, clen = 0, k;
	int		 has_len = 0;

	if ((end = memmem(s, len, "\r\n\r\n", 4)) == NULL)
		return len > 16384 ? -1 : 1;
	hlen = (size_t)(end - s) + 4;
	if (hlen < 12 || memcmp(s, "HTTP/1.1 ", 9) != 0)
		return -1;
	*status = 0;
	for (k = 9; k < 12; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		*status = *status * 10 + (s[k] - '0');
	}
	*is_close = 0;
	for (h = memchr(s, '\n', hlen); h != NULL && h < end;
	    h = memchr(h + 1, '\n', (size_t)(end - h))) {
		h++;
		if (strncasecmp(h, "Content-Length:", 15) == 0) {
			for (k = 15; h[k] == ' '; k++)
				;
			for (; h[k] >= '0' && h[k] <= '9'; k++)
				clen = clen * 10 + (size_t)(h[k] - '0');
			has_len = 1;
		} else if (strncasecmp(h, "Transfer-Encoding:", 18) == 0)
			return -1;
		else if (strncasecmp(h, "Connection: close", 17) == 0)
			*is_close = 1;
	}
	if (!has_len && *status != 204 && *status != 304)
		return -1;
	if (len < hlen + clen)
		return 1;
	*used = hlen + clen;
	return 0;
}

/* Read what has arrived on p and settle the replies in it. -1: the connection is gone. */
static int
pipe_read(struct nchan_pipe *p, struct nchan_msg *msgs, enum msg_state *st,
    int *failed)
{
	char	 tmp[65536];
	ssize_t	 r;
	size_t	 used, i;
	int	 status, is_close, rc;

	while ((r = read(p->fd, tmp, sizeof(tmp))) > 0)
		if (buf_add(&p->in, tmp, (size_t)r) == -1)
			return -1;
	if (r == 0 && p->qhead == p->qtail && p->in.len == 0) {
		/* nginx closed a connection we had nothing on: open it next time. */
		pipe_close(p);
		return 0;
	}
	if (r == 0) {
		log_warnx("nchan: the connection closed with %zu replies "
		    "outstanding", p->qtail - p->qhead);
		return -1;
	}
	if (r == -1 && errno != EAGAIN && errno != EINTR) {
		log_warnx("nchan: read: %s", strerror(errno));
		return -1;
	}
	used = 0;
	while (p->qhead < p->qtail && (rc = parse_reply(p->in.data + used,
	    p->in.len - used, &status, &i, &is_close)) == 0) {
		size_t m = p->queue[p->qhead++];

		used += i;
		if (status == 201 || status == 202) {
			st[m] = MSG_DONE;
			msgs[m].is_done = 1;
		} else {
			st[m] = MSG_FAILED;
			*failed = 1;
			log_warnx("nchan: publishing to %c.%s answered %d",
			    msgs[m].kind, msgs[m].user_id, status);
		}
		p->used = utc_mono();
		if (is_close) {
			/* nginx ends the connection: fine if nothing else is on it. */
			if (p->qhead == p->qtail && p->in.len == used) {
				pipe_close(p);
				return 0;
			}
			log_warnx("nchan: the connection closed with %zu replies "
			    "outstanding", p->qtail - p->qhead);
			return -1;
		}
	}
	if (p->qhead < p->qtail && rc == -1) {
		log_warnx("nchan: a reply could not be read");
		return -1;
	}
	/* Keep the unparsed rest. */
	if (used > 0) {
		memmove(p->in.data, p->in.data + used, p->in.len - used);
		p->in.len -= used;
		p->in.data[p->in.len] = '\0';
	}
	return 0;
}

static unsigned
user_hash(const struct nchan_msg *m)
{
	const unsigned char	*s = (const unsigned char *)m->user_id;
	unsigned		 h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ *s) * 16777619u;
	return h;
}

int
nchan_pipes_publish(struct nchan_pipes *ps, struct nchan_msg *msgs,
    size_t count, int npipes)
{
	enum msg_state	*st;
	long		*prev;
	int		*pipe_of;
	struct pollfd	 pfd[NCHAN_PIPES_MAX];
	size_t		 i, j, inflight = 0;
	int64_t		 deadline;
	int		 k, failed = 0, rc = 0;

	if (count == 0)
		return 0;
	ps->n = npipes < 1 ? 1 : npipes > NCHAN_PIPES_MAX ? NCHAN_PIPES_MAX : npipes;
	st = xcalloc(count, sizeof(*st));
	prev = xcalloc(count, sizeof(*prev));
	pipe_of = xcalloc(count, sizeof(*pipe_of));
	/* Each message's predecessor for its user; its user's connection. */
	for (i = 0; i < count; i++) {
		prev[i] = -1;
		for (j = i; j-- > 0;)
			if (strcmp(msgs[j].user_id, msgs[i].user_id) == 0) {
				prev[i] = (long)j;
				break;
			}
		pipe_of[i] = (int)(user_hash(&msgs[i]) % (unsigned)ps->n);
	}
	for (k = 0; k < ps->n; k++) {
		struct nchan_pipe *p = &ps->p[k];

		/* At most every message on one connection. */
		p->queue = xrealloc(p->queue, count * sizeof(*p->queue));
		if ((p->fd == -1 || utc_mono() - p->used > PIPE_IDLE_USEC ||
		    p->qhead != p->qtail) && pipe_open(ps, p) == -1) {
			rc = -1;
			goto out;
		}
		p->qhead = p->qtail = 0;
	}
	deadline = utc_mono() + PIPE_TIMEOUT_MS * 1000LL;
	for (;;) {
		/* Send every message whose predecessor nchan has taken. */
		for (i = 0; !failed && i < count; i++)
			if (st[i] == MSG_WAIT && (prev[i] == -1 ||
			    st[prev[i]] == MSG_DONE)) {
				if (ps->p[pipe_of[i]].fd == -1 &&
				    pipe_open(ps, &ps->p[pipe_of[i]]) == -1) {
					failed = 1;
					break;
				}
				if (send_msg(&ps->p[pipe_of[i]], &msgs[i], i) == -1) {
					failed = 1;
					break;
				}
				st[i] = MSG_SENT;
			}
		for (inflight = 0, i = 0; i < count; i++)
			inflight += st[i] == MSG_SENT;
		if (inflight == 0)
			break;
		if (utc_mono() > deadline) {
			log_warnx("nchan: no reply from nchan within %d ms",
			    PIPE_TIMEOUT_MS);
			rc = -1;
			goto out;
		}
		for (k = 0; k < ps->n; k++) {
			struct nchan_pipe *p = &ps->p[k];

			pfd[k].fd = p->fd;	/* -1: closed, poll skips it */
			pfd[k].events = POLLIN |
			    (p->out_off < p->out.len ? POLLOUT : 0);
			pfd[k].revents = 0;
		}
		if (poll(pfd, (nfds_t)ps->n, 100) == -1 && errno != EINTR) {
			log_warnx("nchan: poll: %s", strerror(errno));
			rc = -1;
			goto out;
		}
		for (k = 0; k < ps->n; k++) {
			struct nchan_pipe *p = &ps->p[k];
			ssize_t w;

			if ((pfd[k].revents & POLLOUT) && p->out_off < p->out.len) {
				w = write(p->fd, p->out.data + p->out_off,
				    p->out.len - p->out_off);
				if (w > 0)
					p->out_off += (size_t)w;
				else if (w == -1 && errno != EAGAIN && errno != EINTR) {
					log_warnx("nchan: write: %s", strerror(errno));
					rc = -1;
					goto out;
				}
				if (p->out_off == p->out.len) {
					buf_clear(&p->out);
					p->out_off = 0;
				}
			}
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) {
				if (pipe_read(p, msgs, st, &failed) == -1) {
					rc = -1;
					goto out;
				}
			}
		}
	}
	for (i = 0; i < count; i++)
		if (st[i] != MSG_DONE)
			rc = -1;
out:
	if (rc == -1)
		/* Replies that may still come would be out of step: start afresh. */
		for (k = 0; k < ps->n; k++)
			pipe_close(&ps->p[k]);
	free(st);
	free(prev);
	free(pipe_of);
	return rc;
}
