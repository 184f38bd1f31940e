/*
 * concierge-bench-clinicfill: the sealed part of the clinic-day bench data
 * (bench/clinic-day.sh makes the rest in SQL). One thread per patient
 * "bncdthr<n>" between patient "bncdpat<n>" and provider
 * "bncdprov<1 + n % providers>", each with --messages messages, bodies and
 * subjects sealed exactly as the messaging worker seals them (lib/vault,
 * field name and row id), every message with its receipt for the other
 * participant (read). Multi-row INSERTs (lib/db binds at most 64
 * parameters: 9 messages or 10 receipts per statement), a few threads per
 * transaction. Idempotent: a thread that exists is skipped (it was made
 * with its messages in one transaction, so a run cut short leaves whole
 * threads; the clinic-day mix posts more into them).
 *
 * usage: concierge-bench-clinicfill --config FILE [--threads N]
 *            [--messages M] [--providers P]
 * Bench only: the users must exist (bench/clinic-day.sh makes them).
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

#define MSG_COLS	7
#define MSG_ROWS	9	/* 63 parameters */
#define RCP_COLS	6
#define RCP_ROWS	10	/* 60 parameters */
#define THREADS_TX	20	/* threads per transaction */

#define M1	"(?, ?, ?, ?, ?, ?, 0, ?)"
#define M3	M1 "," M1 "," M1
#define MSG_HEAD \
    "INSERT INTO messages (id, thread_id, seq, sender_id, body, body_key_id," \
    " attachment_count, created_at) VALUES "
#define R1	"(?, ?, ?, ?, 'read', ?, ?)"
#define R5	R1 "," R1 "," R1 "," R1 "," R1
#define RCP_HEAD \
    "INSERT INTO message_receipts (message_id, recipient_id, thread_id, seq," \
    " status, delivered_at, read_at) VALUES "

static const char SQL_MSG_1[] = MSG_HEAD M1;
static const char SQL_MSG_N[] = MSG_HEAD M3 "," M3 "," M3;
static const char SQL_RCP_1[] = RCP_HEAD R1;
static const char SQL_RCP_N[] = RCP_HEAD R5 "," R5;

static const char SQL_HAS[] = "SELECT message_count FROM threads WHERE id = ?";
static const char SQL_THREAD[] =
    "INSERT INTO threads (id, patient_id, subject, subject_key_id, created_by,"
    " created_at, message_count, last_message_at) VALUES (?, ?, ?, ?, ?, ?, 0, NULL)";
static const char SQL_PARTICIPANT[] =
    "INSERT INTO thread_participants (thread_id, user_id, added_by, added_at,"
    " activity_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_BUMP[] =
    "UPDATE threads SET message_count = ?, last_message_at = ? WHERE id = ?";
static const char SQL_ACTIVITY[] =
    "UPDATE thread_participants SET activity_at = ? WHERE thread_id = ?";

struct fill {
	struct db		*db;
	struct arena		*a;
	const struct cfg	*cfg;
	uint32_t		 key;
	struct db_param		 mp[MSG_ROWS * MSG_COLS], rp[RCP_ROWS * RCP_COLS];
	size_t			 nm, nr;	/* rows gathered in mp, rp */
};

/*
 * A bench id: prefix, then n's decimal digits padded with zeros to 26
 * characters, the digits 0 1 8 9 written a b i j (the id alphabet is
 * a-z2-7); the same ids bench/clinic-day.sh's cd_bid makes in SQL.
 */
static void
bid(char out[ID_LEN + 1], const char *prefix, long n)
{
	size_t	 i, pl = strlen(prefix);

	memcpy(out, prefix, pl);
	for (i = ID_LEN; i > pl; i--, n /= 10) {
		int d = (int)(n % 10);

		out[i - 1] = d == 0 ? 'a' : d == 1 ? 'b' : d == 8 ? 'i' :
		    d == 9 ? 'j' : (char)('0' + d);
	}
	out[ID_LEN] = '\0';
}

static int
flush_msgs(struct fill *f)
{
	size_t	 i;

	if (f->nm == MSG_ROWS) {
		if (db_exec(f->db, SQL_MSG_N, f->mp, f->nm * MSG_COLS, NULL) != DB_OK)
			return -1;
	} else
		for (i = 0; i < f->nm; i++)
			if (db_exec(f->db, SQL_MSG_1, f->mp + i * MSG_COLS, MSG_COLS,
			    NULL) != DB_OK)
				return -1;
	f->nm = 0;
	return 0;
}

static int
flush_rcps(struct fill *f)
{
	size_t	 i;

	if (f->nr == RCP_ROWS) {
		if (db_exec(f->db, SQL_RCP_N, f->rp, f->nr * RCP_COLS, NULL) != DB_OK)
			return -1;
	} else
		for (i = 0; i < f->nr; i++)
			if (db_exec(f->db, SQL_RCP_1, f->rp + i * RCP_COLS, RCP_COLS,
			    NULL) != DB_OK)
				return -1;
	f->nr = 0;
	return 0;
}

/* Thread n with its participants and m messages, in the open transaction. */
static int
fill_thread(struct fill *f, long n, long m, long providers, int64_t t0)
{
	char		 tid[ID_LEN + 1], pat[ID_LEN + 1], prov[ID_LEN + 1];
	char		*mid, *body;
	unsigned char	*s;
	size_t		 sn;
	int64_t		 at = t0;
	long		 i;

	bid(tid, "bncdthr", n);
	bid(pat, "bncdpat", n);
	bid(prov, "bncdprov", 1 + n % providers);
	if (vault_seal(f->cfg, f->a, "threads.subject", tid, "Follow-up", 9,
	    &s, &sn) == -1 ||
	    db_exec(f->db, SQL_THREAD, DB_ARGS(DB_TEXT(tid), DB_TEXT(pat),
	    DB_BLOB(s, sn), DB_INT(f->key), DB_TEXT(pat), DB_TIME(t0)), NULL) != DB_OK ||
	    db_exec(f->db, SQL_PARTICIPANT, DB_ARGS(DB_TEXT(tid), DB_TEXT(pat),
	    DB_TEXT(pat), DB_TIME(t0), DB_TIME(t0)), NULL) != DB_OK ||
	    db_exec(f->db, SQL_PARTICIPANT, DB_ARGS(DB_TEXT(tid), DB_TEXT(prov),
	    DB_TEXT(pat), DB_TIME(t0), DB_TIME(t0)), NULL) != DB_OK)
		return -1;
	for (i = 1; i <= m; i++) {
		struct db_param	*p = f->mp + f->nm * MSG_COLS;
		struct db_param	*r = f->rp + f->nr * RCP_COLS;
		const char	*from = i % 2 ? pat : prov, *to = i % 2 ? prov : pat;

		at = t0 + i * 37 * UTC_MIN;
		mid = arena_alloc(f->a, ID_LEN + 1);
		body = arena_printf(f->a, "Message %ld: how are you feeling today?"
		    " The results look fine; let us talk at the next visit.", i);
		if (id_new(mid) == -1 || vault_seal(f->cfg, f->a, "messages.body",
		    mid, body, strlen(body), &s, &sn) == -1)
			return -1;
		p[0] = DB_TEXT(mid);
		p[1] = DB_TEXT(arena_strdup(f->a, tid));
		p[2] = DB_INT(i);
		p[3] = DB_TEXT(arena_strdup(f->a, from));
		p[4] = DB_BLOB(s, sn);
		p[5] = DB_INT(f->key);
		p[6] = DB_TIME(at);
		r[0] = p[0];
		r[1] = DB_TEXT(arena_strdup(f->a, to));
		r[2] = p[1];
		r[3] = p[2];
		r[4] = r[5] = p[6];
		if (++f->nm == MSG_ROWS && flush_msgs(f) == -1)
			return -1;
		/* a receipt's message must be in first (foreign key) */
		if (++f->nr == RCP_ROWS && (flush_msgs(f) == -1 || flush_rcps(f) == -1))
			return -1;
	}
	if (flush_msgs(f) == -1 || flush_rcps(f) == -1 ||
	    db_exec(f->db, SQL_BUMP, DB_ARGS(DB_INT(m), DB_TIME(at), DB_TEXT(tid)),
	    NULL) != DB_OK ||
	    db_exec(f->db, SQL_ACTIVITY, DB_ARGS(DB_TIME(at), DB_TEXT(tid)),
	    NULL) != DB_OK)
		return -1;
	return 0;
}

/* -1 on error, else the thread's message_count (-2: no such thread). */
static long long
have(struct fill *f, long n)
{
	struct db_res	 res;
	char		 tid[ID_LEN + 1];
	long long	 v = -2;

	bid(tid, "bncdthr", n);
	if (db_query(f->db, f->a, SQL_HAS, DB_ARGS(DB_TEXT(tid)), &res) != DB_OK)
		return -1;
	if (res.nrows > 0 && db_cell_int(res.rows[0].v[0], &v) == -1)
		return -1;
	return v;
}

static long
num(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || v < 1 || v > 10000000 ? -1 : v;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "messages", required_argument, NULL, 'm' },
		{ "providers", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct fill	 f;
	struct cfg	 cfg;
	struct arena	 a;
	const char	*config = NULL;
	long		 threads = 2000, msgs = 250, providers = 50, n, made = 0;
	long long	 h;
	int64_t		 t0;
	int		 ch, rc = 1, in_tx = 0;

	memset(&f, 0, sizeof(f));
	log_init("bench-clinicfill", LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 't': threads = num(optarg); break;
		case 'm': msgs = num(optarg); break;
		case 'p': providers = num(optarg); break;
		default: goto usage;
		}
	}
	if (config == NULL || threads < 1 || msgs < 1 || providers < 1 ||
	    threads > 99999 || msgs > 9999)
		goto usage;
	arena_init(&a);
	cfg_defaults(&cfg);
	f.a = &a;
	f.cfg = &cfg;
	if (cfg_load(&cfg, config) == -1 || db_open(&f.db, &cfg, DB_ROLE_WORKER) == -1 ||
	    (f.key = vault_current_key(&cfg)) == 0)
		goto out;
	t0 = utc_now() - msgs * 37 * UTC_MIN - UTC_DAY;
	for (n = 1; n <= threads; n++) {
		if ((h = have(&f, n)) == -1)
			goto fail;
		if (h >= 0)	/* made whole in one transaction; the mix posts more */
			continue;
		if (!in_tx && db_begin(f.db) != DB_OK)
			goto fail;
		in_tx = 1;
		if (fill_thread(&f, n, msgs, providers, t0) == -1)
			goto fail;
		if (++made % THREADS_TX == 0) {
			if (db_commit(f.db) != DB_OK)
				goto fail;
			in_tx = 0;
			arena_reset(&a);
		}
	}
	if (in_tx && db_commit(f.db) != DB_OK)
		goto fail;
	printf("concierge-bench-clinicfill: %ld threads made, %ld messages each\n",
	    made, msgs);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "concierge-bench-clinicfill: failed: %s\n", db_error(f.db));
	if (db_in_tx(f.db))
		db_rollback(f.db);
out:
	db_close(f.db);
	arena_release(&a);
	cfg_release(&cfg);
	return rc;
usage:
	fprintf(stderr, "usage: concierge-bench-clinicfill --config FILE [--threads N]"
	    " [--messages M] [--providers P]\n");
	return 2;
}
