/* MariaDB/MySQL access through prepared statements. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "lib/db.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/time.h"

/* What a DATETIME(6) column holds: 1000-01-01 to 9999-12-31 23:59:59.999999. */
#define DB_TIME_MIN	(-30610224000LL * UTC_SEC)
#define DB_TIME_MAX	(253402300800LL * UTC_SEC - 1)

#define DB_CACHE_MAX	192
#define DB_MAX_PARAMS	64
#define DB_CELL_INLINE	256

/* Constant statement used by db_ping. */
static const char SQL_PING[] = "SELECT 1";
/* Galera: a read waits until the node has applied what committed before it. */
static const char SQL_CAUSAL[] = "SET SESSION wsrep_sync_wait = 1";

struct db_cached {
	const char	*sql;
	MYSQL_STMT	*st;
};

struct db {
	MYSQL			*my;
	const struct cfg	*cfg;
	enum db_role		 role;
	int			 is_in_tx;
	int			 is_broken;	/* the connection died inside the transaction */
	int			 is_aborted;	/* the server rolled the transaction back */
	unsigned int		 err;
	char			 errmsg[256];
	unsigned long long	 insert_id;
	struct db_cached	 cache[DB_CACHE_MAX];
	size_t			 ncache;
	int			 (*hook)(struct db *, void *);
	void			*hook_arg;
	int			 is_lock_expected;	/* next failure: no log */
	size_t			 node;		/* db.hosts: the entry in use */
	int			 is_pinned;	/* to that entry only, no failover */
	int			 is_causal;	/* wsrep_sync_wait = 1 on every connection */
	int			 is_commit_unknown;	/* COMMIT sent, its reply lost */
};

/* db.hosts: at most this many nodes, each entry at most DB_NODE_MAX bytes. */
#define DB_NODES_MAX	16
#define DB_NODE_MAX	256

/* Per-column fetch state. */
struct db_col {
	char		*buf;
	size_t		 cap;
	unsigned long	 len;
	my_bool		 is_null;
	my_bool		 error;
	char		 inl[DB_CELL_INLINE];
};

static int
is_gone(unsigned int e)
{
	/* 1047 (ER_UNKNOWN_COM_ERROR): a Galera node that is not part of
	 * the primary component refuses statements: treat it as gone, so
	 * the next connection goes to another node of db.hosts. */
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == ER_CONNECTION_KILLED || e == 4031 /* client interaction timeout */ ||
	    e == ER_UNKNOWN_COM_ERROR;
}

static void
set_err(struct db *db, unsigned int e, const char *msg)
{
	db->err = e;
	snprintf(db->errmsg, sizeof(db->errmsg), "%s", msg ? msg : "");
}

/*
 * The connection is gone inside a transaction: the server has rolled it
 * back. Until the caller rolls back too, every statement is refused (a
 * reconnect would run the rest of the transaction in autocommit).
 */
static void
note_gone(struct db *db)
{
	if (is_gone(db->err) && db->is_in_tx && !db->is_broken) {
		db->is_broken = 1;
		log_warnx("db: connection lost inside a transaction; refusing "
		    "statements until it is rolled back");
	}
}

/* A statement while the transaction is lost: refused, nothing sent. */
static int
refuse_broken(struct db *db)
{
	set_err(db, CR_SERVER_LOST, "the transaction was lost; roll back first");
	return DB_GONE;
}

/*
 * A deadlock victim (and, on Galera, a transaction aborted by a
 * replicated one: a "brute force" abort, reported at its next statement)
 * has been rolled back whole by the server. Were the caller to carry on,
 * its next statements would run in autocommit, each committed on its own:
 * until db_rollback, every statement and db_commit answer DB_DEADLOCK
 * without reaching the server, so the transaction can only be run again.
 */
static void
note_aborted(struct db *db)
{
	if (db->err == ER_LOCK_DEADLOCK && db->is_in_tx && !db->is_aborted)
		db->is_aborted = 1;
}

/*
 * Whether a transaction this side began is still open on the server, by
 * the status flags of the reply just read. A Galera brute-force abort
 * should reach the client as ER_LOCK_DEADLOCK on its next statement; if
 * the server ever ends the transaction without saying so, the rest of it
 * would run in autocommit, each statement committed alone (seen: a
 * booking committed without the fence update that should have made it
 * conflict). The flag is in every OK and EOF packet, so this costs
 * nothing: the transaction is taken as aborted and run again.
 */
static int
tx_still_open(struct db *db)
{
	if (!db->is_in_tx || db->my == NULL ||
	    (db->my->server_status & SERVER_STATUS_IN_TRANS))
		return 1;
	set_err(db, ER_LOCK_DEADLOCK,
	    "the server ended the transaction without a reply saying so");
	log_warnx("db: the server ended the transaction before its COMMIT; "
	    "it is rolled back and run again");
	db->is_aborted = 1;
	return 0;
}

static int
refuse_aborted(struct db *db)
{
	set_err(db, ER_LOCK_DEADLOCK, "the transaction was rolled back (deadlock); run it again");
	return DB_DEADLOCK;
}

static int
classify(struct db *db)
{
	switch (db->err) {
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		return DB_DUPLICATE;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		return DB_DEADLOCK;
	default:
		if (is_gone(db->err))
			return db->is_in_tx ? DB_GONE : DB_ERROR;
		return DB_ERROR;
	}
}

static void
cache_clear(struct db *db)
{
	size_t	 i;

	for (i = 0; i < db->ncache; i++)
		mysql_stmt_close(db->cache[i].st);
	db->ncache = 0;
}

/*
 * Entry i of db.hosts into host/port or socket: "/path" is a unix
 * socket, "host:port" or "host" (db.port) a TCP address. 0, or -1 if
 * there is no such entry or it does not fit.
 */
static int
node_entry(const char *list, size_t i, char *host, size_t hostsz,
    unsigned int *port, const char **sock, unsigned int defport)
{
	const char	*p = list, *end, *colon;
	size_t		 n, k;
	long		 v;

	for (k = 0; k < i; k++) {
		if ((p = strchr(p, ',')) == NULL)
			return -1;
		p++;
	}
	while (*p == ' ')
		p++;
	end = strchr(p, ',');
	n = end ? (size_t)(end - p) : strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0 || n >= hostsz)
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	*port = defport;
	*sock = NULL;
	if (host[0] == '/') {
		*sock = host;
		return 0;
	}
	if ((colon = strrchr(host, ':')) != NULL) {
		v = 0;
		for (k = 1; colon[k] != '\0'; k++) {
			if (colon[k] < '0' || colon[k] > '9' || v > 65535)
				return -1;
			v = v * 10 + (colon[k] - '0');
		}
		if (k == 1 || v < 1 || v > 65535)
			return -1;
		*port = (unsigned int)v;
		host[colon - host] = '\0';
	}
	return 0;
}

/* Number of entries in db.hosts (0 without it). */
static size_t
node_count(const char *list)
{
	size_t	 n = 1;

	if (list == NULL || *list == '\0')
		return 0;
	for (; *list != '\0'; list++)
		if (*list == ',')
			n++;
	return n < DB_NODES_MAX ? n : DB_NODES_MAX;
}

static int	connect_one(struct db *, const char *host, unsigned int port,
		    const char *sock);

/*
 * Connect: to db.socket or db.host:db.port; with db.hosts, to its nodes
 * in turn from the one in use (db->node), keeping the first that
 * answers.
 */
static int
connect_now(struct db *db)
{
	const struct cfg	*c = db->cfg;
	char			 host[DB_NODE_MAX];
	const char		*sock;
	unsigned int		 port;
	size_t			 n, k, i;

	if ((n = node_count(c->db_hosts)) == 0)
		return connect_one(db, c->db_socket ? NULL : c->db_host,
		    (unsigned int)c->db_port, c->db_socket);
	for (k = 0; k < (db->is_pinned ? 1 : n); k++) {
		i = (db->node + k) % n;
		if (node_entry(c->db_hosts, i, host, sizeof(host), &port,
		    &sock, (unsigned int)c->db_port) == -1) {
			log_errx("db: db.hosts entry %zu is malformed", i + 1);
			continue;
		}
		if (connect_one(db, sock ? NULL : host, port, sock) == 0) {
			/* Not on the preferred node: say so (failover). */
			if (i != 0 && !db->is_pinned)
				log_warnx("db: connected to db.hosts entry %zu "
				    "of %zu", i + 1, n);
			db->node = i;
			return 0;
		}
	}
	return -1;
}

static int
connect_one(struct db *db, const char *host, unsigned int port,
    const char *sock)
{
	const struct cfg	*c = db->cfg;
	unsigned int		 timeout = 5, rtimeout = 60;
	unsigned long		 flags = CLIENT_FOUND_ROWS;
	const char		*user, *pass;

	if ((db->my = mysql_init(NULL)) == NULL) {
		set_err(db, 0, "mysql_init failed");
		return -1;
	}
	mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &rtimeout);
	mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &rtimeout);
	mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	mysql_options(db->my, MYSQL_INIT_COMMAND,
	    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
	    "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
	mysql_options(db->my, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	if (db->is_causal)
		mysql_options(db->my, MYSQL_INIT_COMMAND, SQL_CAUSAL);
	if (db->role == DB_ROLE_ADMIN) {
		flags |= CLIENT_MULTI_STATEMENTS;
		user = c->db_admin_user;
		pass = c->db_admin_password;
	} else {
		user = c->db_user;
		pass = c->db_password;
	}
	if (mysql_real_connect(db->my, host, user, pass, c->db_name, port, sock,
	    flags) == NULL) {
		set_err(db, mysql_errno(db->my), mysql_error(db->my));
		log_errx("db: connect as '%s' failed: %s", user ? user : "",
		    db->errmsg);
		mysql_close(db->my);
		db->my = NULL;
		return -1;
	}
	return 0;
}

static int
reconnect(struct db *db)
{
	cache_clear(db);
	if (db->my != NULL)
		mysql_close(db->my);
	db->my = NULL;
	db->is_in_tx = 0;
	log_warnx("db: connection lost, reconnecting");
	/* With db.hosts, try the next node first: this one failed us. */
	if (node_count(db->cfg->db_hosts) > 1 && !db->is_pinned)
		db->node = (db->node + 1) % node_count(db->cfg->db_hosts);
	return connect_now(db);
}

int
db_open(struct db **out, const struct cfg *c, enum db_role role)
{
	struct db	*db;

	db = xcalloc(1, sizeof(*db));
	db->cfg = c;
	db->role = role;
	if (connect_now(db) == -1) {
		free(db);
		*out = NULL;
		return -1;
	}
	*out = db;
	return 0;
}

int
db_open_node(struct db **out, const struct cfg *c, enum db_role role,
    size_t node)
{
	struct db	*db;

	*out = NULL;
	if (node >= node_count(c->db_hosts))
		return -1;
	db = xcalloc(1, sizeof(*db));
	db->cfg = c;
	db->role = role;
	db->node = node;
	db->is_pinned = 1;
	if (connect_now(db) == -1) {
		free(db);
		return -1;
	}
	*out = db;
	return 0;
}

int
db_causal_reads(struct db *db)
{
	int	 rc;

	if ((rc = db_exec(db, SQL_CAUSAL, DB_NOARGS, NULL)) == DB_OK)
		db->is_causal = 1;
	return rc;
}

size_t
db_node_count(const struct cfg *c)
{
	return node_count(c->db_hosts);
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	cache_clear(db);
	if (db->my != NULL)
		mysql_close(db->my);
	free(db);
}

static MYSQL_STMT *
prepare(struct db *db, const char *sql)
{
	MYSQL_STMT	*st;
	size_t		 i;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].st;
	if (db->my == NULL && connect_now(db) == -1)
		return NULL;
	if (db->ncache == DB_CACHE_MAX)
		cache_clear(db);
	if ((st = mysql_stmt_init(db->my)) == NULL) {
		set_err(db, mysql_errno(db->my), mysql_error(db->my));
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		set_err(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].st = st;
	db->ncache++;
	return st;
}

static void
forget(struct db *db, const char *sql)
{
	size_t	 i;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql) {
			mysql_stmt_close(db->cache[i].st);
			db->cache[i] = db->cache[--db->ncache];
			return;
		}
}

static void
to_mysql_time(long long usec, MYSQL_TIME *t)
{
	struct tm	 tm;
	time_t		 sec;
	long long	 frac;

	sec = (time_t)(usec / UTC_SEC);
	frac = usec % UTC_SEC;
	if (frac < 0) {
		frac += UTC_SEC;
		sec--;
	}
	gmtime_r(&sec, &tm);
	memset(t, 0, sizeof(*t));
	t->year = (unsigned)tm.tm_year + 1900;
	t->month = (unsigned)tm.tm_mon + 1;
	t->day = (unsigned)tm.tm_mday;
	t->hour = (unsigned)tm.tm_hour;
	t->minute = (unsigned)tm.tm_min;
	t->second = (unsigned)tm.tm_sec;
	t->second_part = (unsigned long)frac;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static int
bind_params(struct db *db, MYSQL_STMT *st, const struct db_param *p, size_t n)
{
	MYSQL_BIND	 b[DB_MAX_PARAMS];
	MYSQL_TIME	 t[DB_MAX_PARAMS];
	size_t		 i;

	if (n != mysql_stmt_param_count(st) || n > DB_MAX_PARAMS) {
		set_err(db, 0, "parameter count mismatch");
		log_errx("db: statement wants %lu parameters, got %zu",
		    mysql_stmt_param_count(st), n);
		return -1;
	}
	if (n == 0)
		return 0;
	memset(b, 0, sizeof(b[0]) * n);
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case DB_P_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_P_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&p[i].i;
			break;
		case DB_P_TEXT:
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)p[i].p;
			b[i].buffer_length = p[i].len;
			break;
		case DB_P_BLOB:
			b[i].buffer_type = MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)p[i].p;
			b[i].buffer_length = p[i].len;
			break;
		case DB_P_TIME:
			/* A handler that let an unchecked instant through: refuse it here. */
			if (p[i].i < DB_TIME_MIN || p[i].i > DB_TIME_MAX) {
				set_err(db, 0, "time parameter out of range");
				log_errx("db: parameter %zu is a time outside years 1000-9999", i + 1);
				return -1;
			}
			to_mysql_time(p[i].i, &t[i]);
			b[i].buffer_type = MYSQL_TYPE_DATETIME;
			b[i].buffer = &t[i];
			break;
		}
	}
	/* The client copies bound values at execute time; b and t may go. */
	if (mysql_stmt_bind_param(st, b) != 0) {
		set_err(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		return -1;
	}
	return 0;
}

/*
 * Prepare (cached), bind and execute, retrying once after a reconnect
 * (outside a transaction) or a re-prepare. Note: bind and execute must
 * happen together because MYSQL_TIME values live on this stack frame.
 */
static int
run(struct db *db, const char *sql, const struct db_param *p, size_t n,
    MYSQL_STMT **out)
{
	MYSQL_STMT	*st;
	int		 attempt, is_quiet = db->is_lock_expected;

	if (db->is_broken)
		return refuse_broken(db);
	if (db->is_aborted)
		return refuse_aborted(db);
	db->err = 0;
	db->is_commit_unknown = 0;
	db->is_lock_expected = 0;
	for (attempt = 0; attempt < 2; attempt++) {
		if ((st = prepare(db, sql)) == NULL) {
			if (attempt == 0 && is_gone(db->err) && !db->is_in_tx &&
			    reconnect(db) == 0)
				continue;
			goto fail;
		}
		if (bind_params(db, st, p, n) == -1)
			goto fail;
		if (mysql_stmt_execute(st) == 0) {
			if (!tx_still_open(db)) {
				mysql_stmt_free_result(st);
				return DB_DEADLOCK;
			}
			db->insert_id = mysql_stmt_insert_id(st);
			*out = st;
			return DB_OK;
		}
		set_err(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		if (attempt == 0 && db->err == ER_NEED_REPREPARE) {
			forget(db, sql);
			continue;
		}
		if (attempt == 0 && is_gone(db->err) && !db->is_in_tx &&
		    reconnect(db) == 0)
			continue;
		goto fail;
	}
fail:
	/* Duplicates and deadlocks are answers the caller handles, not faults. */
	if (db->err == ER_LOCK_WAIT_TIMEOUT && is_quiet)
		;	/* a NOWAIT probe found a lock: the answer it asked for */
	else if (db->err == ER_LOCK_DEADLOCK || db->err == ER_LOCK_WAIT_TIMEOUT)
		log_warnx("db: statement failed: %u %s", db->err, db->errmsg);
	else if (db->err != ER_DUP_ENTRY && db->err != ER_DUP_ENTRY_WITH_KEY_NAME)
		log_errx("db: statement failed: %u %s", db->err, db->errmsg);
	note_gone(db);
	note_aborted(db);
	return classify(db);
}

int
db_exec(struct db *db, const char *sql, const struct db_param *p, size_t n,
    unsigned long long *affected)
{
	MYSQL_STMT	*st;
	int		 rc;

	if ((rc = run(db, sql, p, n, &st)) != DB_OK)
		return rc;
	if (affected != NULL)
		*affected = (unsigned long long)mysql_stmt_affected_rows(st);
	mysql_stmt_free_result(st);
	return DB_OK;
}

unsigned long long
db_insert_id(const struct db *db)
{
	return db->insert_id;
}

static int
simple(struct db *db, const char *text, int may_reconnect)
{
	db->err = 0;
	db->is_commit_unknown = 0;
	if (db->my == NULL && (!may_reconnect || connect_now(db) == -1))
		return DB_ERROR;
	if (mysql_real_query(db->my, text, strlen(text)) == 0)
		return DB_OK;
	set_err(db, mysql_errno(db->my), mysql_error(db->my));
	if (may_reconnect && is_gone(db->err) && reconnect(db) == 0 &&
	    mysql_real_query(db->my, text, strlen(text)) == 0)
		return DB_OK;
	set_err(db, mysql_errno(db->my), mysql_error(db->my));
	log_errx("db: '%s' failed: %u %s", text, db->err, db->errmsg);
	return classify(db);
}

int
db_begin(struct db *db)
{
	int	 rc;

	if (db->is_in_tx) {
		log_errx("db: begin inside a transaction");
		return DB_ERROR;
	}
	if ((rc = simple(db, "START TRANSACTION", 1)) == DB_OK)
		db->is_in_tx = 1;
	return rc;
}

void
db_set_commit_hook(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	db->hook = fn;
	db->hook_arg = arg;
}

/*
 * Dev-only fault (docs/OPERATIONS.md, "Timeouts and limits"): when
 * <dev.fault_dir>/commit-lost.<program> exists, the first COMMIT to
 * remove it succeeds on the server, then its connection is closed and
 * the reply treated as lost, as if the network had dropped it.
 */
static int
fault_commit_lost(struct db *db)
{
	char	 path[512];
	int	 n;

	if (!db->cfg->is_dev || db->cfg->dev_fault_dir == NULL)
		return 0;
	n = snprintf(path, sizeof(path), "%s/commit-lost.%s",
	    db->cfg->dev_fault_dir, program_invocation_short_name);
	if (n < 0 || (size_t)n >= sizeof(path) || unlink(path) == -1)
		return 0;
	log_warnx("db: dev fault: the COMMIT's reply is dropped");
	cache_clear(db);
	mysql_close(db->my);
	db->my = NULL;
	set_err(db, CR_SERVER_LOST, "dev fault: connection lost after COMMIT");
	return 1;
}

int
db_commit(struct db *db)
{
	int	 rc;

	if (db->is_broken) {
		db_rollback(db);
		return refuse_broken(db);
	}
	if (db->is_aborted) {
		db_rollback(db);
		return refuse_aborted(db);
	}
	/* The hook stays set until a COMMIT with it succeeds (see db.h). */
	if (db->hook != NULL && db->is_in_tx &&
	    (rc = db->hook(db, db->hook_arg)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	rc = simple(db, "COMMIT", 0);
	if (rc == DB_OK && fault_commit_lost(db))
		rc = DB_GONE;
	else if (rc != DB_OK && is_gone(db->err))
		rc = DB_GONE;
	/* Sent, then the connection went: the server may have committed. */
	if (rc == DB_GONE)
		db->is_commit_unknown = 1;
	if (rc == DB_OK)
		db->hook = NULL;
	db->is_in_tx = 0;
	return rc;
}

int
db_commit_unknown(const struct db *db)
{
	return db != NULL && db->is_commit_unknown;
}

int
db_is_unavailable(const struct db *db)
{
	if (db == NULL)
		return 1;
	switch (db->err) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_HANDSHAKE_ERR:
	case ER_SERVER_SHUTDOWN:
	case ER_CON_COUNT_ERROR:
		return 1;
	default:
		return is_gone(db->err);
	}
}

int
db_rollback(struct db *db)
{
	int	 rc;

	if (!db->is_in_tx)
		return DB_OK;
	if (db->is_broken) {
		/* The server rolled it back when the connection died. */
		cache_clear(db);
		if (db->my != NULL)
			mysql_close(db->my);
		db->my = NULL;
		db->is_broken = 0;
		db->is_aborted = 0;
		db->is_in_tx = 0;
		/* db.hosts: the next connection tries another node first. */
		if (node_count(db->cfg->db_hosts) > 1 && !db->is_pinned)
			db->node = (db->node + 1) % node_count(db->cfg->db_hosts);
		return DB_OK;
	}
	db->is_aborted = 0;
	rc = simple(db, "ROLLBACK", 0);
	db->is_in_tx = 0;
	return rc;
}

int
db_in_tx(const struct db *db)
{
	return db->is_in_tx;
}

int
db_tx_aborted(const struct db *db)
{
	return db->is_in_tx && db->is_aborted;
}

void
db_expect_lock_conflict(struct db *db)
{
	db->is_lock_expected = 1;
}

int
db_ping(struct db *db)
{
	return db_exec(db, SQL_PING, NULL, 0, NULL) == DB_OK ? 0 : -1;
}

/* Bind every result column as text, buffers in cols. */
static int
bind_result(struct db *db, MYSQL_STMT *st, struct db_col *cols,
    MYSQL_BIND *b, size_t ncols)
{
	size_t	 i;

	memset(b, 0, sizeof(*b) * ncols);
	for (i = 0; i < ncols; i++) {
		if (cols[i].buf == NULL) {
			cols[i].buf = cols[i].inl;
			cols[i].cap = sizeof(cols[i].inl);
		}
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = cols[i].buf;
		b[i].buffer_length = cols[i].cap;
		b[i].length = &cols[i].len;
		b[i].is_null = &cols[i].is_null;
		b[i].error = &cols[i].error;
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		set_err(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		return -1;
	}
	return 0;
}

/*
 * After a fetch: re-fetch truncated columns into bigger buffers and
 * NUL-terminate every cell.
 */
static int
complete_row(struct db *db, MYSQL_STMT *st, struct db_col *cols,
    MYSQL_BIND *b, size_t ncols)
{
	size_t	 i;

	for (i = 0; i < ncols; i++) {
		if (cols[i].is_null)
			continue;
		if (cols[i].len + 1 > cols[i].cap) {
			if (cols[i].buf != cols[i].inl)
				free(cols[i].buf);
			cols[i].cap = cols[i].len + 1;
			cols[i].buf = xmalloc(cols[i].cap);
			b[i].buffer = cols[i].buf;
			b[i].buffer_length = cols[i].cap;
			if (mysql_stmt_fetch_column(st, &b[i], (unsigned)i, 0) != 0) {
				set_err(db, mysql_stmt_errno(st), mysql_stmt_error(st));
				return -1;
			}
		}
		cols[i].buf[cols[i].len] = '\0';
	}
	/* Rebind so the next row's fetch uses the grown buffers. */
	return mysql_stmt_bind_result(st, b) == 0 ? 0 : -1;
}

static void
free_cols(struct db_col *cols, size_t ncols)
{
	size_t	 i;

	for (i = 0; i < ncols; i++)
		if (cols[i].buf != cols[i].inl)
			free(cols[i].buf);
	free(cols);
}

/* Fetch all rows of an executed statement, calling fn for each. */
static int
fetch_rows(struct db *db, MYSQL_STMT *st, int (*fn)(void *, const struct db_row *),
    void *arg)
{
	struct db_col	*cols = NULL;
	MYSQL_BIND	*b = NULL;
	struct db_row	 row;
	char		**v = NULL;
	size_t		*len = NULL, ncols, i;
	int		 f, rc = DB_ERROR;

	/* The column count, without building the metadata result each time. */
	if ((ncols = mysql_stmt_field_count(st)) == 0)
		return DB_OK;
	cols = xcalloc(ncols, sizeof(*cols));
	b = xcalloc(ncols, sizeof(*b));
	v = xcalloc(ncols, sizeof(*v));
	len = xcalloc(ncols, sizeof(*len));
	if (bind_result(db, st, cols, b, ncols) == -1)
		goto out;
	row.ncols = ncols;
	row.v = v;
	row.len = len;
	for (;;) {
		f = mysql_stmt_fetch(st);
		if (f == MYSQL_NO_DATA) {
			/* The last packet's flags: still inside the transaction? */
			if (!tx_still_open(db)) {
				rc = DB_DEADLOCK;
				goto out;
			}
			break;
		}
		if (f == 1) {
			/*
			 * An error packet in the middle of the rows (a Galera
			 * brute-force abort, a lost connection) is recorded on
			 * the connection, not the statement: Connector/C's
			 * unbuffered fetch leaves the statement's error at 0.
			 */
			if (mysql_stmt_errno(st) != 0)
				set_err(db, mysql_stmt_errno(st), mysql_stmt_error(st));
			else
				set_err(db, mysql_errno(db->my), mysql_error(db->my));
			if (db->err == ER_LOCK_DEADLOCK || db->err == ER_LOCK_WAIT_TIMEOUT)
				log_warnx("db: fetch failed: %u %s", db->err, db->errmsg);
			else
				log_errx("db: fetch failed: %u %s", db->err, db->errmsg);
			note_gone(db);
			note_aborted(db);
			rc = classify(db);
			goto out;
		}
		if (complete_row(db, st, cols, b, ncols) == -1)
			goto out;
		for (i = 0; i < ncols; i++) {
			v[i] = cols[i].is_null ? NULL : cols[i].buf;
			len[i] = cols[i].is_null ? 0 : cols[i].len;
		}
		if (fn(arg, &row) == -1)
			goto out;
	}
	rc = DB_OK;
out:
	mysql_stmt_free_result(st);
	free_cols(cols, ncols);
	free(b);
	free(v);
	free(len);
	return rc;
}

struct collect {
	struct arena	*arena;
	struct db_res	*res;
	size_t		 cap;
};

static int
collect_row(void *arg, const struct db_row *row)
{
	struct collect	*c = arg;
	struct db_row	*r, *grown;
	size_t		 i;

	if (c->res->nrows == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		grown = arena_alloc(c->arena, c->cap * sizeof(*grown));
		if (c->res->nrows > 0)
			memcpy(grown, c->res->rows, c->res->nrows * sizeof(*grown));
		c->res->rows = grown;
	}
	r = &c->res->rows[c->res->nrows++];
	r->ncols = row->ncols;
	r->v = arena_alloc(c->arena, row->ncols * sizeof(*r->v));
	r->len = arena_alloc(c->arena, row->ncols * sizeof(*r->len));
	for (i = 0; i < row->ncols; i++) {
		r->len[i] = row->len[i];
		r->v[i] = row->v[i] == NULL ? NULL :
		    arena_strndup(c->arena, row->v[i], row->len[i]);
	}
	return 0;
}

int
db_query(struct db *db, struct arena *a, const char *sql,
    const struct db_param *p, size_t n, struct db_res *res)
{
	struct collect	 c = { a, res, 0 };

	memset(res, 0, sizeof(*res));
	return db_query_each(db, sql, p, n, collect_row, &c);
}

int
db_query_each(struct db *db, const char *sql, const struct db_param *p,
    size_t n, int (*fn)(void *, const struct db_row *), void *arg)
{
	MYSQL_STMT	*st;
	int		 rc;

	if ((rc = run(db, sql, p, n, &st)) != DB_OK)
		return rc;
	return fetch_rows(db, st, fn, arg);
}

int
db_exec_script(struct db *db, const char *text, size_t len)
{
	MYSQL_RES	*r;
	int		 status;

	if (db->role != DB_ROLE_ADMIN) {
		log_errx("db: scripts need the admin connection");
		return DB_ERROR;
	}
	db->err = 0;
	if (mysql_real_query(db->my, text, len) != 0)
		goto fail;
	do {
		if ((r = mysql_store_result(db->my)) != NULL)
			mysql_free_result(r);
		else if (mysql_field_count(db->my) != 0)
			goto fail;
		if ((status = mysql_next_result(db->my)) > 0)
			goto fail;
	} while (status == 0);
	return DB_OK;
fail:
	set_err(db, mysql_errno(db->my), mysql_error(db->my));
	return DB_ERROR;
}

unsigned int
db_errno(const struct db *db)
{
	return db->err;
}

const char *
db_error(const struct db *db)
{
	return db->errmsg;
}

int
db_cell_int(const char *s, long long *out)
{
	char	*end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
db_cell_time(const char *s, int64_t *out)
{
	if (s == NULL)
		return -1;
	return utc_from_db(s, out);
}
