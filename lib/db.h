/*
 * MariaDB/MySQL access: one connection per process, prepared statements
 * only (each SQL text prepared once per connection and cached by its
 * address), typed parameters, transactions, and one reconnect on a lost
 * connection outside a transaction (with db.hosts, to the next node of
 * the list: cluster failover). A connection lost inside a
 * transaction is never replaced behind the caller's back: every statement
 * (and db_commit) answers DB_GONE until the caller calls db_rollback,
 * which drops the dead connection; the next statement then reconnects.
 *
 * SQL texts are string constants named beside the function that runs
 * them (store modules); values always travel as bound parameters.
 */
#ifndef CONCIERGE_DB_H
#define CONCIERGE_DB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/mem.h"

struct db;

enum db_rc {
	DB_OK = 0,
	DB_ERROR = -1,		/* anything else; logged */
	DB_DUPLICATE = -2,	/* unique key violation */
	DB_DEADLOCK = -3,	/* deadlock or lock wait timeout: retry the transaction;
				 * after a deadlock (the server rolled the whole
				 * transaction back) every later statement and
				 * db_commit answer DB_DEADLOCK until db_rollback */
	DB_GONE = -4,		/* connection lost inside a transaction: roll back */
};

enum db_ptype {
	DB_P_NULL = 0,
	DB_P_INT,
	DB_P_TEXT,
	DB_P_BLOB,
	DB_P_TIME,		/* microseconds since the epoch, as DATETIME(6) */
};

struct db_param {
	enum db_ptype	 type;
	long long	 i;
	const void	*p;
	size_t		 len;
};

#define DB_NULL		((struct db_param){ .type = DB_P_NULL })
#define DB_INT(v)	((struct db_param){ .type = DB_P_INT, .i = (long long)(v) })
#define DB_TIME(v)	((struct db_param){ .type = DB_P_TIME, .i = (long long)(v) })
/* Text; a NULL pointer binds SQL NULL. */
static inline struct db_param
db_param_text(const char *s)
{
	struct db_param	 p = { DB_P_NULL, 0, NULL, 0 };

	if (s != NULL) {
		p.type = DB_P_TEXT;
		p.p = s;
		p.len = strlen(s);
	}
	return p;
}

/* Bytes; a NULL pointer binds SQL NULL. */
static inline struct db_param
db_param_blob(const void *s, size_t n)
{
	struct db_param	 p = { DB_P_NULL, 0, NULL, 0 };

	if (s != NULL) {
		p.type = DB_P_BLOB;
		p.p = s;
		p.len = n;
	}
	return p;
}

#define DB_TEXT(s)	db_param_text(s)
#define DB_TEXTN(s, n)	((struct db_param){ .type = DB_P_TEXT, .p = (s), .len = (n) })
#define DB_BLOB(s, n)	db_param_blob((s), (n))
/* Expand to "array, count" for the params arguments below. */
#define DB_ARGS(...)	(const struct db_param[]){ __VA_ARGS__ }, \
	(sizeof((const struct db_param[]){ __VA_ARGS__ }) / sizeof(struct db_param))
#define DB_NOARGS	NULL, 0

/* One result row: v[i] is NULL for SQL NULL; text is NUL-terminated. */
struct db_row {
	size_t		 ncols;
	char		**v;
	size_t		*len;
};

struct db_res {
	size_t		 nrows;
	struct db_row	*rows;
};

enum db_role {
	DB_ROLE_WORKER = 0,	/* db.user: the restricted account */
	DB_ROLE_ADMIN,		/* db.admin_user: migrations; multi-statements allowed */
};

/* Connect with the configured account. 0, or -1 after logging why. */
int	db_open(struct db **, const struct cfg *, enum db_role);
/*
 * Connect to entry node (0-based) of db.hosts only: no failover, and a
 * lost connection is made again to the same entry (the sealer asks each
 * node of a cluster in turn). 0, or -1 after logging why.
 */
int	db_open_node(struct db **, const struct cfg *, enum db_role, size_t node);
/*
 * Galera only: make every read of this connection causal (wsrep_sync_wait
 * = 1: it waits until the node has applied everything the cluster
 * committed before it), now and on every connection lib/db makes again.
 * Returns an enum db_rc.
 */
int	db_causal_reads(struct db *);
/* Number of entries in db.hosts: 0 when the config names one server. */
size_t	db_node_count(const struct cfg *);
/* Close and free; NULL is fine. */
void	db_close(struct db *);
/* Check the server answers, reconnecting once if not. 0 or -1. */
int	db_ping(struct db *);

/* Transactions. begin refuses to nest. Each returns an enum db_rc. */
int	db_begin(struct db *);
int	db_commit(struct db *);
int	db_rollback(struct db *);
/* 1 while a transaction is open. */
int	db_in_tx(const struct db *);
/*
 * 1 if the server rolled the open transaction back (a deadlock victim, a
 * Galera certification or brute-force abort), whatever the caller made
 * of the error it got: nothing of it stands, so it can be run again.
 * Cleared by db_rollback.
 */
int	db_tx_aborted(const struct db *);
/*
 * 1 if the last statement was a COMMIT sent whose reply was lost with the
 * connection (db_commit answered DB_GONE): the server may have committed
 * or not. Cleared by the next statement.
 */
int	db_commit_unknown(const struct db *);
/*
 * 1 if the last failure was the server being unreachable or the
 * connection lost (refused, gone, killed, shutting down); NULL counts as
 * unreachable (never connected).
 */
int	db_is_unavailable(const struct db *);
/*
 * Run fn(db, arg) inside db_commit, just before COMMIT, in the same
 * transaction; a failing fn (non-zero) rolls the transaction back and
 * db_commit returns its code. It stays set until a COMMIT it ran before
 * succeeds (then it is cleared), so a transaction that is rolled back
 * and run again, whatever failed, runs it again too and can never commit
 * without it. NULL clears it.
 */
void	db_set_commit_hook(struct db *, int (*fn)(struct db *, void *), void *arg);

/*
 * Run a statement that returns no rows. affected (may be NULL) gets the
 * number of rows changed. Returns an enum db_rc.
 */
int	db_exec(struct db *, const char *sql, const struct db_param *, size_t n,
	    unsigned long long *affected);
/* AUTO_INCREMENT id of the last insert on this connection. */
unsigned long long db_insert_id(const struct db *);
/* Run a query and copy every row into the arena. Returns an enum db_rc. */
int	db_query(struct db *, struct arena *, const char *sql,
	    const struct db_param *, size_t n, struct db_res *);
/*
 * Run a query and call fn for each row as it arrives from the server
 * (nothing is buffered). The row is valid only during the call. fn
 * returns 0 to go on or -1 to stop (the query then returns DB_ERROR).
 */
int	db_query_each(struct db *, const char *sql, const struct db_param *,
	    size_t n, int (*fn)(void *, const struct db_row *), void *arg);
/*
 * Run a whole SQL script (several statements, triggers included) as the
 * admin role; used by migrations only, never with user input.
 */
int	db_exec_script(struct db *, const char *text, size_t len);
/*
 * The next statement is a NOWAIT probe: a lock conflict (DB_DEADLOCK)
 * is its expected answer and is not logged. One-shot.
 */
void	db_expect_lock_conflict(struct db *);
/* Server error number of the last failure (0 if none). */
unsigned int db_errno(const struct db *);
/* Server error text of the last failure (for operators' logs only). */
const char *db_error(const struct db *);

/* Helpers for result cells: parse an integer / DATETIME cell. 0 or -1. */
int	db_cell_int(const char *, long long *);
int	db_cell_time(const char *, int64_t *);

#endif
