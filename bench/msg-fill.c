/*
 * concierge-bench-msgfill: bench data for bench/targets.d/60-messaging.sh.
 * Makes a thread of N messages between a patient and a provider (bodies
 * sealed exactly as the worker seals them, receipts read) and K empty
 * threads between the same two for the posting bench, unless they exist;
 * prints the ids of the K threads, one per line.
 *
 * usage: concierge-bench-msgfill --config FILE --patient ID --provider ID
 *            --list-thread ID [--messages N] [--post-threads K]
 * Bench only: the two users must exist (the target script makes them).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/id.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/time.h"
#include "lib/vault.h"

#define BATCH	1000

static const char SQL_HAS[] = "SELECT message_count FROM threads WHERE id = ?";
static const char SQL_THREAD[] =
    "INSERT INTO threads (id, patient_id, subject, subject_key_id, created_by,"
    " created_at, message_count, last_message_at) VALUES (?, ?, ?, ?, ?, ?, 0, NULL)";
static const char SQL_PARTICIPANT[] =
    "INSERT INTO thread_participants (thread_id, user_id, added_by, added_at,"
    " activity_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_MESSAGE[] =
    "INSERT INTO messages (id, thread_id, seq, sender_id, body, body_key_id,"
    " attachment_count, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)";
static const char SQL_RECEIPT[] =
    "INSERT INTO message_receipts (message_id, recipient_id, thread_id, seq,"
    " status, delivered_at, read_at) VALUES (?, ?, ?, ?, 'read', ?, ?)";
static const char SQL_BUMP[] =
    "UPDATE threads SET message_count = ?, last_message_at = ? WHERE id = ?";
static const char SQL_ACTIVITY[] =
    "UPDATE thread_participants SET activity_at = ? WHERE thread_id = ?";

struct fill {
	struct db		*db;
	struct arena		*a;
	const struct cfg	*cfg;
	const char		*patient, *provider;
	uint32_t		 key;
};

static int
new_thread(struct fill *f, const char *id, int64_t at)
{
	unsigned char	*s;
	size_t		 n;

	if (vault_seal(f->cfg, f->a, "threads.subject", id, "Bench thread", 12,
	    &s, &n) == -1 ||
	    db_exec(f->db, SQL_THREAD, DB_ARGS(DB_TEXT(id), DB_TEXT(f->patient),
	    DB_BLOB(s, n), DB_INT(f->key), DB_TEXT(f->patient), DB_TIME(at)),
	    NULL) != DB_OK ||
	    db_exec(f->db, SQL_PARTICIPANT, DB_ARGS(DB_TEXT(id), DB_TEXT(f->patient),
	    DB_TEXT(f->patient), DB_TIME(at), DB_TIME(at)), NULL) != DB_OK ||
	    db_exec(f->db, SQL_PARTICIPANT, DB_ARGS(DB_TEXT(id), DB_TEXT(f->provider),
	    DB_TEXT(f->patient), DB_TIME(at), DB_TIME(at)), NULL) != DB_OK)
		return -1;
	return 0;
}

/* Messages from+1..to of thread id, alternating senders, in one transaction. */
static int
fill_batch(struct fill *f, const char *thread, long from, long to, int64_t t0)
{
	char		 id[ID_LEN + 1], body[96];
	unsigned char	*s;
	size_t		 n;
	long		 i;
	int64_t		 at = t0;
	int		 k;

	if (db_begin(f->db) != DB_OK)
		return -1;
	for (i = from + 1; i <= to; i++) {
		const char *from_id = i % 2 ? f->patient : f->provider;
		const char *to_id = i % 2 ? f->provider : f->patient;

		at = t0 + i * UTC_SEC;
		k = snprintf(body, sizeof(body), "Bench message %ld: how are you feeling today?", i);
		if (k < 0 || (size_t)k >= sizeof(body) || id_new(id) == -1 ||
		    vault_seal(f->cfg, f->a, "messages.body", id, body, (size_t)k,
		    &s, &n) == -1 ||
		    db_exec(f->db, SQL_MESSAGE, DB_ARGS(DB_TEXT(id), DB_TEXT(thread),
		    DB_INT(i), DB_TEXT(from_id), DB_BLOB(s, n), DB_INT(f->key),
		    DB_TIME(at)), NULL) != DB_OK ||
		    db_exec(f->db, SQL_RECEIPT, DB_ARGS(DB_TEXT(id), DB_TEXT(to_id),
		    DB_TEXT(thread), DB_INT(i), DB_TIME(at), DB_TIME(at)), NULL) != DB_OK)
			goto fail;
	}
	if (db_exec(f->db, SQL_BUMP, DB_ARGS(DB_INT(to), DB_TIME(at),
	    DB_TEXT(thread)), NULL) != DB_OK ||
	    db_exec(f->db, SQL_ACTIVITY, DB_ARGS(DB_TIME(at), DB_TEXT(thread)),
	    NULL) != DB_OK || db_commit(f->db) != DB_OK)
		goto fail;
	arena_reset(f->a);
	return 0;
fail:
	db_rollback(f->db);
	return -1;
}

static int
fill_list(struct fill *f, const char *thread, long want)
{
	struct db_res	 res;
	long long	 have = -1;
	int64_t		 t0 = utc_now() - 400 * UTC_DAY;
	long		 from;

	if (db_query(f->db, f->a, SQL_HAS, DB_ARGS(DB_TEXT(thread)), &res) != DB_OK)
		return -1;
	if (res.nrows > 0 && db_cell_int(res.rows[0].v[0], &have) == -1)
		return -1;
	if (have < 0 && new_thread(f, thread, t0) == -1)
		return -1;
	if (have < 0)
		have = 0;
	for (from = (long)have; from < want; from += BATCH)
		if (fill_batch(f, thread, from, from + BATCH < want ? from + BATCH :
		    want, t0) == -1)
			return -1;
	return 0;
}

/* Thread ids benchmsgpost<14 letters of i>: made if missing, printed. */
static int
post_threads(struct fill *f, long k)
{
	struct db_res	 res;
	char		 id[ID_LEN + 1];
	long		 i, v;
	int		 j;

	for (i = 0; i < k; i++) {
		memcpy(id, "benchmsgpost", 12);
		for (v = i, j = ID_LEN - 1; j >= 12; j--, v /= 26)
			id[j] = (char)('a' + v % 26);
		id[ID_LEN] = '\0';
		if (db_query(f->db, f->a, SQL_HAS, DB_ARGS(DB_TEXT(id)), &res) != DB_OK)
			return -1;
		if (res.nrows == 0 && (db_begin(f->db) != DB_OK ||
		    new_thread(f, id, utc_now()) == -1 || db_commit(f->db) != DB_OK)) {
			db_rollback(f->db);
			return -1;
		}
		printf("%s\n", id);
		arena_reset(f->a);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "patient", required_argument, NULL, 'p' },
		{ "provider", required_argument, NULL, 'd' },
		{ "list-thread", required_argument, NULL, 't' },
		{ "messages", required_argument, NULL, 'n' },
		{ "post-threads", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct fill	 f;
	struct cfg	 cfg;
	struct arena	 a;
	const char	*config = NULL, *thread = NULL;
	char		*end;
	long		 n = 100000, k = 64;
	int		 ch, rc = 1;

	log_init("bench-msgfill", LOG_LVL_INFO);
	memset(&f, 0, sizeof(f));
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'p':
			f.patient = optarg;
			break;
		case 'd':
			f.provider = optarg;
			break;
		case 't':
			thread = optarg;
			break;
		case 'n':
		case 'k':
			errno = 0;
			*(ch == 'n' ? &n : &k) = strtol(optarg, &end, 10);
			if (errno == 0 && *end == '\0' && n >= 0 && k >= 0 &&
			    n <= 10000000 && k <= 10000)
				break;
			/* FALLTHROUGH */
		default:
			fprintf(stderr, "usage: concierge-bench-msgfill --config FILE "
			    "--patient ID --provider ID --list-thread ID "
			    "[--messages N] [--post-threads K]\n");
			return 2;
		}
	}
	if (config == NULL || f.patient == NULL || f.provider == NULL ||
	    thread == NULL || !id_is_valid(thread))
		return 2;
	arena_init(&a);
	cfg_defaults(&cfg);
	f.a = &a;
	f.cfg = &cfg;
	if (cfg_load(&cfg, config) == -1 || db_open(&f.db, &cfg, DB_ROLE_WORKER) == -1 ||
	    (f.key = vault_current_key(&cfg)) == 0)
		goto out;
	if (fill_list(&f, thread, n) == -1 || post_threads(&f, k) == -1) {
		fprintf(stderr, "concierge-bench-msgfill: failed\n");
		goto out;
	}
	rc = 0;
out:
	db_close(f.db);
	arena_release(&a);
	cfg_release(&cfg);
	return rc;
}
