/*
 * concierge-bench-labfill: bench data for the clinical-records targets
 * (bench/targets.d/30-records.sh). Lab results are written sealed
 * exactly as the records worker seals them (lib/vault, field name and
 * row id), so every row opens, in multi-row INSERTs of 4 (lib/db binds
 * at most 64 parameters):
 *
 *   --own N    results of --patient, ordered by --provider: three of
 *              four released (final or amended), one of four
 *              preliminary, published over the last two years; and
 *              the patient's plans (two active, one draft)
 *   --fill N   results of the filler patients "bench-lab-%016d"
 *              (1..--patients, made by the caller), same mix
 *
 * Bench rows carry no version history (lab_result_versions): the
 * benchmarked reads never look at it.
 *
 * usage: concierge-bench-labfill --config FILE --patient ID --provider ID
 *        [--own N] [--fill N] [--patients N]
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

#define BATCH		4	/* rows per INSERT */
#define BATCHES_TX	250	/* INSERTs per transaction */
#define NCOLS		13

#define ROW1	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define ROW4	ROW1 "," ROW1 "," ROW1 "," ROW1
#define INSERT_HEAD \
    "INSERT INTO lab_results (id, patient_id, ordered_by, created_by," \
    " updated_by, test_code, test_name, result_value, status, version," \
    " published_at, created_at, updated_at) VALUES "

static const char SQL_INSERT_1[] = INSERT_HEAD ROW1;
static const char SQL_INSERT_4[] = INSERT_HEAD ROW4;

static const char SQL_PLAN[] =
    "INSERT INTO treatment_plans (id, patient_id, created_by, updated_by,"
    " title, details, goals, status, start_date, end_date, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, '2026-01-05', NULL, ?, ?)";

static const struct {
	const char	*code, *name;
} tests[] = {
	{ "2345-7", "Glucose" }, { "2089-1", "LDL cholesterol" },
	{ "4548-4", "Hemoglobin A1c" }, { "2160-0", "Creatinine" },
	{ "6690-2", "Leukocytes" }, { "718-7", "Hemoglobin" },
	{ "2823-3", "Potassium" }, { "2951-2", "Sodium" },
};
#define NTESTS	(sizeof(tests) / sizeof(tests[0]))

struct filler {
	struct db	*db;
	struct cfg	*cfg;
	struct arena	*a;
	const char	*provider;
	int64_t		 now;
	unsigned long	 seq;		/* rows made so far: spreads the times */
	struct db_param	 p[BATCH * NCOLS];
	size_t		 n;		/* rows in p */
	int		 in_tx;
	int		 batches;
};

/* Flush the rows gathered so far, committing every BATCHES_TX INSERTs. */
static int
flush(struct filler *f, int is_last)
{
	size_t	 i;

	if (f->n > 0) {
		if (!f->in_tx && db_begin(f->db) != DB_OK)
			return -1;
		f->in_tx = 1;
		if (f->n == BATCH) {
			if (db_exec(f->db, SQL_INSERT_4, f->p, f->n * NCOLS,
			    NULL) != DB_OK)
				return -1;
		} else
			for (i = 0; i < f->n; i++)
				if (db_exec(f->db, SQL_INSERT_1, f->p + i * NCOLS,
				    NCOLS, NULL) != DB_OK)
					return -1;
		f->n = 0;
		f->batches++;
	}
	if (f->in_tx && (is_last || f->batches % BATCHES_TX == 0)) {
		if (db_commit(f->db) != DB_OK)
			return -1;
		f->in_tx = 0;
		arena_reset(f->a);
	}
	return 0;
}

/* One result of patient (arena copy), sealed for its own id. */
static int
add_row(struct filler *f, const char *patient)
{
	struct db_param	*p = f->p + f->n * NCOLS;
	unsigned char	*box;
	char		*id = arena_alloc(f->a, ID_LEN + 1), *value;
	size_t		 n;
	unsigned long	 s = f->seq++;
	int		 kind = (int)(s % 4);	/* 0, 1 final; 2 amended; 3 preliminary */
	int64_t		 created = f->now - 2 * UTC_DAY -
			    (int64_t)(s * 7919 % (730 * 24)) * UTC_HOUR;

	if (id_new(id) == -1)
		return -1;
	value = arena_printf(f->a, "%lu.%lu", 3 + s % 7, s % 10);
	if (vault_seal(f->cfg, f->a, "lab_results.result_value", id, value,
	    strlen(value), &box, &n) == -1)
		return -1;
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(arena_strdup(f->a, patient));
	p[2] = p[3] = p[4] = DB_TEXT(f->provider);
	p[5] = DB_TEXT(tests[s % NTESTS].code);
	p[6] = DB_TEXT(tests[s % NTESTS].name);
	p[7] = DB_BLOB(box, n);
	p[8] = DB_TEXT(kind == 3 ? "preliminary" : kind == 2 ? "amended" : "final");
	p[9] = DB_INT(kind == 3 ? 0 : kind == 2 ? 2 : 1);
	p[10] = kind == 3 ? DB_NULL : DB_TIME(created + UTC_DAY);
	p[11] = DB_TIME(created);
	p[12] = DB_TIME(kind == 3 ? created : created + UTC_DAY);
	if (++f->n == BATCH)
		return flush(f, 0);
	return 0;
}

/* The patient's plans: two active, one draft (details sealed). */
static int
add_plans(struct filler *f, const char *patient)
{
	static const char *const st[] = { "active", "active", "draft" };
	unsigned char	*box;
	char		 id[ID_LEN + 1];
	size_t		 i, n;

	if (db_begin(f->db) != DB_OK)
		return -1;
	for (i = 0; i < 3; i++) {
		if (id_new(id) == -1 || vault_seal(f->cfg, f->a,
		    "treatment_plans.details", id, "Bench plan details.", 19,
		    &box, &n) == -1 ||
		    db_exec(f->db, SQL_PLAN, DB_ARGS(DB_TEXT(id), DB_TEXT(patient),
		    DB_TEXT(f->provider), DB_TEXT(f->provider),
		    DB_TEXT("Bench plan"), DB_BLOB(box, n), DB_TEXT(st[i]),
		    DB_TIME(f->now - (int64_t)(i + 1) * UTC_DAY),
		    DB_TIME(f->now - (int64_t)(i + 1) * UTC_DAY)), NULL) != DB_OK) {
			db_rollback(f->db);
			return -1;
		}
	}
	return db_commit(f->db) == DB_OK ? 0 : -1;
}

static long
num(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || v < 0 ? -1 : v;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "patient", required_argument, NULL, 'p' },
		{ "provider", required_argument, NULL, 'r' },
		{ "own", required_argument, NULL, 'o' },
		{ "fill", required_argument, NULL, 'f' },
		{ "patients", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct filler	 f;
	struct cfg	 cfg;
	struct arena	 a;
	const char	*config = NULL, *patient = NULL;
	char		 filler_id[32];
	long		 own = 0, fill = 0, patients = 2000, i;
	int		 ch, rc = 1;

	memset(&f, 0, sizeof(f));
	log_init("bench-labfill", LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 'p': patient = optarg; break;
		case 'r': f.provider = optarg; break;
		case 'o': own = num(optarg); break;
		case 'f': fill = num(optarg); break;
		case 'n': patients = num(optarg); break;
		default: goto usage;
		}
	}
	if (config == NULL || patient == NULL || f.provider == NULL || own < 0 ||
	    fill < 0 || patients < 1)
		goto usage;
	arena_init(&a);
	cfg_defaults(&cfg);
	if (cfg_load(&cfg, config) == -1 || db_open(&f.db, &cfg,
	    DB_ROLE_WORKER) == -1)
		goto out;
	f.cfg = &cfg;
	f.a = &a;
	f.now = utc_now();
	for (i = 0; i < own; i++)
		if (add_row(&f, patient) == -1)
			goto fail;
	if (own > 0 && (flush(&f, 1) == -1 || add_plans(&f, patient) == -1))
		goto fail;
	for (i = 0; i < fill; i++) {
		snprintf(filler_id, sizeof(filler_id), "bench-lab-%016ld",
		    1 + i % patients);
		if (add_row(&f, filler_id) == -1)
			goto fail;
	}
	if (flush(&f, 1) == -1)
		goto fail;
	printf("concierge-bench-labfill: %ld own, %ld filler results\n", own, fill);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "concierge-bench-labfill: failed: %s\n", db_error(f.db));
	if (db_in_tx(f.db))
		db_rollback(f.db);
out:
	db_close(f.db);
	arena_release(&a);
	cfg_release(&cfg);
	return rc;
usage:
	fprintf(stderr, "usage: concierge-bench-labfill --config FILE --patient ID"
	    " --provider ID [--own N] [--fill N] [--patients N]\n");
	return 2;
}
