/*
 * Demo clinical data for patient1, so a newcomer sees the dashboard
 * filled: provider1 on the care team, three lab results ordered by
 * provider1 (preliminary, final, amended with both its versions) and
 * one active treatment plan. Fixed ids make it idempotent; the text is
 * sealed exactly as the records worker seals it (field name, row id).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/vault.h"
#include "tools/seed.h"

#define PLAN_ID	"demoplanactiveaaaaaaaaaaaa"

/* One released version of a demo result (version 1 is final). */
struct demo_version {
	const char	*value;
	const char	*interpretation;
	const char	*reason;	/* amendments */
	int		 days_ago;
};

static const struct demo_lab {
	const char		*id;
	const char		*code, *name, *units, *range, *notes;
	const char		*status;
	int			 created_days_ago;
	const char		*value;		/* preliminary: the current value */
	struct demo_version	 versions[2];
	int			 nversions;
} demo_labs[] = {
	{ "demolabpreliminaryaaaaaaaa", "58410-2", "Complete blood count",
	  "10*9/L", "4.0-11.0", "White cell count only; differential to follow.",
	  "preliminary", 1, "7.2", { { NULL, NULL, NULL, 0 } }, 0 },
	{ "demolabfinalaaaaaaaaaaaaaa", "2089-1", "LDL cholesterol", "mmol/L",
	  "< 3.0", "Fasting sample.", "final", 12, NULL,
	  { { "3.4", "abnormal", NULL, 10 } }, 1 },
	{ "demolabamendedaaaaaaaaaaaa", "4548-4", "Hemoglobin A1c", "%",
	  "4.0-5.6", NULL, "amended", 8, NULL,
	  { { "6.4", "abnormal", NULL, 6 },
	    { "6.1", "abnormal", "Re-run after analyser calibration.", 4 } }, 2 },
};
#define NLABS	(sizeof(demo_labs) / sizeof(demo_labs[0]))

static const char SQL_HAS_LAB[] = "SELECT 1 FROM lab_results WHERE id = ?";
static const char SQL_HAS_PLAN[] = "SELECT 1 FROM treatment_plans WHERE id = ?";
static const char SQL_CARE_TEAM[] =
    "INSERT IGNORE INTO care_team (patient_id, provider_id, added_by,"
    " added_at) VALUES (?, ?, NULL, ?)";
static const char SQL_LAB[] =
    "INSERT INTO lab_results (id, patient_id, ordered_by, created_by,"
    " updated_by, test_code, test_name, result_value, units, reference_range,"
    " interpretation, notes, status, version, published_at, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_VERSION[] =
    "INSERT INTO lab_result_versions (lab_result_id, version, status,"
    " test_code, test_name, result_value, units, reference_range,"
    " interpretation, notes, reason, recorded_by, published_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PLAN[] =
    "INSERT INTO treatment_plans (id, patient_id, created_by, updated_by,"
    " title, details, goals, status, start_date, end_date, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, NULL, ?, ?)";

/* A sealed value as a bound parameter (NULL text binds NULL). */
static int
sealed(const struct cfg *cfg, struct arena *a, const char *field,
    const char *row, const char *text, struct db_param *out)
{
	unsigned char	*box;
	size_t		 n;

	*out = DB_NULL;
	if (text == NULL)
		return 0;
	if (vault_seal(cfg, a, field, row, text, strlen(text), &box, &n) == -1)
		return -1;
	*out = DB_BLOB(box, n);
	return 0;
}

static int
exists(struct db *db, struct arena *a, const char *sql, const char *id)
{
	struct db_res	 res;

	if (db_query(db, a, sql, DB_ARGS(DB_TEXT(id)), &res) != DB_OK)
		return -1;
	return res.nrows > 0;
}

/* The released versions of d, sealed for "<id>/<version>". 0 or -1. */
static int
seed_versions(struct db *db, struct arena *a, const struct cfg *cfg,
    const struct demo_lab *d, const char *by, int64_t now)
{
	const struct demo_version	*v;
	struct db_param			 value, notes, reason;
	const char			*row;
	int				 i;

	for (i = 0; i < d->nversions; i++) {
		v = &d->versions[i];
		row = arena_printf(a, "%s/%d", d->id, i + 1);
		if (sealed(cfg, a, "lab_result_versions.result_value", row,
		    v->value, &value) == -1 ||
		    sealed(cfg, a, "lab_result_versions.notes", row, d->notes,
		    &notes) == -1 ||
		    sealed(cfg, a, "lab_result_versions.reason", row, v->reason,
		    &reason) == -1 ||
		    db_exec(db, SQL_VERSION, DB_ARGS(DB_TEXT(d->id), DB_INT(i + 1),
		    DB_TEXT(i == 0 ? "final" : "amended"), DB_TEXT(d->code),
		    DB_TEXT(d->name), value, DB_TEXT(d->units), DB_TEXT(d->range),
		    DB_TEXT(v->interpretation), notes, reason, DB_TEXT(by),
		    DB_TIME(now - v->days_ago * UTC_DAY)), NULL) != DB_OK)
			return -1;
	}
	return 0;
}

/* One demo result, its row then its versions. 0 or -1. */
static int
seed_lab(struct db *db, struct arena *a, const struct cfg *cfg,
    const struct demo_lab *d, const char *patient, const char *provider,
    int64_t now)
{
	const struct demo_version	*last = NULL;
	struct db_param			 value, notes, published = DB_NULL;
	int64_t				 created = now - d->created_days_ago * UTC_DAY;

	if (d->nversions > 0) {
		last = &d->versions[d->nversions - 1];
		published = DB_TIME(now - last->days_ago * UTC_DAY);
	}
	if (sealed(cfg, a, "lab_results.result_value", d->id,
	    last != NULL ? last->value : d->value, &value) == -1 ||
	    sealed(cfg, a, "lab_results.notes", d->id, d->notes, &notes) == -1)
		return -1;
	if (db_exec(db, SQL_LAB, DB_ARGS(DB_TEXT(d->id), DB_TEXT(patient),
	    DB_TEXT(provider), DB_TEXT(provider), DB_TEXT(provider),
	    DB_TEXT(d->code), DB_TEXT(d->name), value, DB_TEXT(d->units),
	    DB_TEXT(d->range), DB_TEXT(last != NULL ? last->interpretation : NULL),
	    notes, DB_TEXT(d->status), DB_INT(d->nversions), published,
	    DB_TIME(created), last != NULL ? published : DB_TIME(created)),
	    NULL) != DB_OK)
		return -1;
	return seed_versions(db, a, cfg, d, provider, now);
}

static int
seed_plan(struct db *db, struct arena *a, const struct cfg *cfg,
    const char *patient, const char *provider, int64_t now)
{
	struct db_param	 details, goals;
	char		 start[UTC_BUFSZ];

	utc_format(now - 7 * UTC_DAY, start, sizeof(start), 0);
	start[10] = '\0';
	if (sealed(cfg, a, "treatment_plans.details", PLAN_ID,
	    "Lifestyle first: 30 minutes of walking five days a week and the "
	    "Mediterranean diet handout. Recheck HbA1c and LDL in three months.",
	    &details) == -1 ||
	    sealed(cfg, a, "treatment_plans.goals", PLAN_ID,
	    "[{\"description\":\"HbA1c below 5.7 %\",\"due_date\":null},"
	    "{\"description\":\"LDL below 3.0 mmol/L\",\"due_date\":null}]",
	    &goals) == -1)
		return -1;
	return db_exec(db, SQL_PLAN, DB_ARGS(DB_TEXT(PLAN_ID), DB_TEXT(patient),
	    DB_TEXT(provider), DB_TEXT(provider),
	    DB_TEXT("Prediabetes and cholesterol"), details, goals,
	    DB_TEXT(start), DB_TIME(now - 7 * UTC_DAY),
	    DB_TIME(now - 7 * UTC_DAY)), NULL) == DB_OK ? 0 : -1;
}

/* Every missing demo row, in one transaction. 0, 1 if none was missing, -1. */
static int
seed_missing(struct db *db, struct arena *a, const struct cfg *cfg,
    const char *patient, const char *provider)
{
	int64_t	 now = utc_now();
	size_t	 i;
	int	 e, added = 0;

	if (db_exec(db, SQL_CARE_TEAM, DB_ARGS(DB_TEXT(patient),
	    DB_TEXT(provider), DB_TIME(now)), NULL) != DB_OK)
		return -1;
	for (i = 0; i < NLABS; i++) {
		if ((e = exists(db, a, SQL_HAS_LAB, demo_labs[i].id)) == -1)
			return -1;
		if (e == 0 && seed_lab(db, a, cfg, &demo_labs[i], patient,
		    provider, now) == -1)
			return -1;
		added += e == 0;
	}
	if ((e = exists(db, a, SQL_HAS_PLAN, PLAN_ID)) == -1 ||
	    (e == 0 && seed_plan(db, a, cfg, patient, provider, now) == -1))
		return -1;
	added += e == 0;
	return added > 0 ? 0 : 1;
}

int
seed_records(struct db *db, struct arena *a, const struct cfg *cfg)
{
	struct user_row	 pat, prov;
	int		 f1 = 0, f2 = 0, rc;

	if (store_user_by_email(db, a, "patient1@demo.test", &pat, &f1) != DB_OK ||
	    store_user_by_email(db, a, "provider1@demo.test", &prov, &f2) !=
	    DB_OK || !f1 || !f2)
		return -1;
	if (db_begin(db) != DB_OK)
		return -1;
	if ((rc = seed_missing(db, a, cfg, pat.id, prov.id)) == -1 ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return rc;
}
