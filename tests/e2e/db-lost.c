/*
 * db-lost: drive lib/db through a transaction whose connection dies, for
 * tests/e2e/e2e-sec-db.sh. Inserts throttle row TAG-a, prints the
 * connection id, waits for a line on stdin (the script kills that
 * connection meanwhile), then tries TAG-b, TAG-c, a commit, a rollback
 * and one statement after it, and prints each result:
 *   b=RC c=RC commit=RC in_tx=N rollback=RC after=RC
 *
 * db-lost --ended TAG: a transaction the server ends without an error
 * reply (a prepared ROLLBACK stands in for an abort nobody reported):
 * inserts TAG-a, runs the ROLLBACK, tries TAG-b and a commit, and prints
 *   ended=RC b=RC aborted=N commit=RC in_tx=N rollback=RC after=RC
 * usage: db-lost [--ended] TAG (config from $CONCIERGE_CONFIG)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/mem.h"

static const char SQL_INSERT[] =
    "INSERT INTO login_throttle (scope, subject, last_attempt_at)"
    " VALUES ('login_email', ?, UTC_TIMESTAMP(6))";
static const char SQL_CONN[] = "SELECT CONNECTION_ID()";
static const char SQL_ONE[] = "SELECT 1";
static const char SQL_END[] = "ROLLBACK";

static int
insert(struct db *db, const char *tag, const char *suffix)
{
	char	 subject[64];

	snprintf(subject, sizeof(subject), "%s-%s", tag, suffix);
	return db_exec(db, SQL_INSERT, DB_ARGS(DB_TEXT(subject)), NULL);
}

/* The --ended run. 0, or 1 if the set-up failed. */
static int
ended(struct db *db, struct arena *a, const char *tag)
{
	struct db_res	 res;
	int		 e, b, aborted, commit, in_tx, rb, after;

	if (db_begin(db) != DB_OK || insert(db, tag, "a") != DB_OK)
		return 1;
	e = db_exec(db, SQL_END, DB_NOARGS, NULL);
	b = insert(db, tag, "b");
	aborted = db_tx_aborted(db);
	commit = db_commit(db);
	in_tx = db_in_tx(db);
	rb = db_rollback(db);
	after = db_query(db, a, SQL_ONE, DB_NOARGS, &res);
	printf("ended=%d b=%d aborted=%d commit=%d in_tx=%d rollback=%d "
	    "after=%d\n", e, b, aborted, commit, in_tx, rb, after);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct cfg	 cfg;
	struct db	*db;
	struct arena	 a;
	struct db_res	 res;
	const char	*path = getenv("CONCIERGE_CONFIG");
	char		 line[16];
	int		 b, c, commit, in_tx, rb, after;

	int		 is_ended = argc == 3 && strcmp(argv[1], "--ended") == 0;

	if ((argc != 2 && !is_ended) || path == NULL) {
		fprintf(stderr, "usage: db-lost [--ended] TAG (with "
		    "CONCIERGE_CONFIG)\n");
		return 2;
	}
	cfg_defaults(&cfg);
	arena_init(&a);
	if (cfg_load(&cfg, path) == -1 || db_open(&db, &cfg, DB_ROLE_WORKER) == -1)
		return 1;
	if (is_ended) {
		b = ended(db, &a, argv[2]);
		db_close(db);
		arena_release(&a);
		cfg_release(&cfg);
		return b;
	}
	if (db_begin(db) != DB_OK || insert(db, argv[1], "a") != DB_OK ||
	    db_query(db, &a, SQL_CONN, DB_NOARGS, &res) != DB_OK ||
	    res.nrows != 1)
		return 1;
	printf("conn %s\n", res.rows[0].v[0]);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;
	b = insert(db, argv[1], "b");
	c = insert(db, argv[1], "c");
	commit = db_commit(db);
	in_tx = db_in_tx(db);
	rb = db_rollback(db);
	after = db_query(db, &a, SQL_ONE, DB_NOARGS, &res);
	printf("b=%d c=%d commit=%d in_tx=%d rollback=%d after=%d\n", b, c,
	    commit, in_tx, rb, after);
	db_close(db);
	arena_release(&a);
	cfg_release(&cfg);
	return 0;
}
