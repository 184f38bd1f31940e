/*
 * concierge-bench-pk: the bench baseline. A bare libfcgi loop that
 * answers every request with one primary-key SELECT through a prepared
 * statement, without the worker runtime, so the bench can show what the
 * runtime costs on top. Same flags as the workers (--config, --listen
 * unix:PATH, --children N, --socket-mode); stops on SIGTERM.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <mysql.h>

#define MAXKIDS	64

static const char SQL_PK[] = "SELECT id, role FROM users WHERE id = ?";

struct conf {
	char	 socket[1024], user[128], password[256], name[128];
};

static void
trim(char *s)
{
	size_t	 n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Read only the db.* keys this baseline needs. */
static int
read_conf(const char *path, struct conf *c)
{
	FILE	*f;
	char	 line[1024], *v;

	memset(c, 0, sizeof(*c));
	snprintf(c->user, sizeof(c->user), "concierge_app");
	snprintf(c->name, sizeof(c->name), "concierge");
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		trim(line);
		if ((v = strchr(line, '=')) == NULL)
			continue;
		for (v++; *v == ' '; v++)
			;
		if (strncmp(line, "db.socket", 9) == 0)
			snprintf(c->socket, sizeof(c->socket), "%s", v);
		else if (strncmp(line, "db.user", 7) == 0)
			snprintf(c->user, sizeof(c->user), "%s", v);
		else if (strncmp(line, "db.password", 11) == 0)
			snprintf(c->password, sizeof(c->password), "%s", v);
		else if (strncmp(line, "db.name", 7) == 0)
			snprintf(c->name, sizeof(c->name), "%s", v);
	}
	fclose(f);
	return 0;
}

static int
serve(int fd, const struct conf *c)
{
	FCGX_Request	 req;
	MYSQL		*my;
	MYSQL_STMT	*st;
	MYSQL_BIND	 in[1], out[2];
	char		 key[64], id[64], role[32], body[256];
	unsigned long	 keylen, idlen, rolelen;
	int		 n;

	if ((my = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(my, NULL, c->user, c->password, c->name, 0,
	    c->socket[0] ? c->socket : NULL, 0) == NULL) {
		fprintf(stderr, "bench-pk: connect failed\n");
		return 1;
	}
	st = mysql_stmt_init(my);
	if (st == NULL || mysql_stmt_prepare(st, SQL_PK, strlen(SQL_PK)) != 0) {
		fprintf(stderr, "bench-pk: prepare failed\n");
		return 1;
	}
	FCGX_InitRequest(&req, fd, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		const char *q = FCGX_GetParam("QUERY_STRING", req.envp);

		snprintf(key, sizeof(key), "%s", q != NULL &&
		    strncmp(q, "id=", 3) == 0 ? q + 3 : "");
		keylen = strlen(key);
		memset(in, 0, sizeof(in));
		in[0].buffer_type = MYSQL_TYPE_STRING;
		in[0].buffer = key;
		in[0].buffer_length = keylen;
		in[0].length = &keylen;
		memset(out, 0, sizeof(out));
		out[0].buffer_type = out[1].buffer_type = MYSQL_TYPE_STRING;
		out[0].buffer = id;
		out[0].buffer_length = sizeof(id) - 1;
		out[0].length = &idlen;
		out[1].buffer = role;
		out[1].buffer_length = sizeof(role) - 1;
		out[1].length = &rolelen;
		idlen = rolelen = 0;
		if (mysql_stmt_bind_param(st, in) != 0 ||
		    mysql_stmt_execute(st) != 0 ||
		    mysql_stmt_bind_result(st, out) != 0 ||
		    mysql_stmt_store_result(st) != 0) {
			FCGX_FPrintF(req.out, "Status: 500 Internal Server Error\r\n"
			    "Content-Type: application/json\r\n\r\n{}");
			FCGX_Finish_r(&req);
			continue;
		}
		if (mysql_stmt_fetch(st) == 0) {
			id[idlen < sizeof(id) ? idlen : sizeof(id) - 1] = '\0';
			role[rolelen < sizeof(role) ? rolelen : sizeof(role) - 1] = '\0';
			n = snprintf(body, sizeof(body), "{\"id\":\"%s\",\"role\":\"%s\"}",
			    id, role);
		} else
			n = snprintf(body, sizeof(body), "{\"id\":null}");
		mysql_stmt_free_result(st);
		FCGX_FPrintF(req.out, "Status: 200 OK\r\nContent-Type: "
		    "application/json\r\nContent-Length: %d\r\n\r\n%s", n, body);
		FCGX_Finish_r(&req);
	}
	mysql_stmt_close(st);
	mysql_close(my);
	return 0;
}

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct conf	 c;
	const char	*config = getenv("CONCIERGE_CONFIG"), *listen = NULL;
	pid_t		 kids[MAXKIDS];
	long		 n = 2, mode = 0660, i;
	int		 fd;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--config") == 0)
			config = argv[i + 1];
		else if (strcmp(argv[i], "--listen") == 0)
			listen = argv[i + 1];
		else if (strcmp(argv[i], "--children") == 0)
			n = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--socket-mode") == 0)
			mode = strtol(argv[i + 1], NULL, 8);
	}
	if (config == NULL || read_conf(config, &c) == -1 || listen == NULL ||
	    strncmp(listen, "unix:", 5) != 0 || n < 1 || n > MAXKIDS) {
		fprintf(stderr, "usage: concierge-bench-pk --config FILE "
		    "--listen unix:PATH [--children N] [--socket-mode OCTAL]\n");
		return 2;
	}
	FCGX_Init();
	if ((fd = FCGX_OpenSocket(listen + 5, 128)) < 0 ||
	    chmod(listen + 5, (mode_t)mode) == -1) {
		fprintf(stderr, "bench-pk: cannot listen on %s\n", listen);
		return 1;
	}
	for (i = 0; i < n; i++)
		if ((kids[i] = fork()) == 0)
			_exit(serve(fd, &c));
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		kill(kids[i], SIGTERM);
	for (i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	unlink(listen + 5);
	return 0;
}
