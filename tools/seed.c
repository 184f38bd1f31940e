/*
 * concierge-seed: load the demo accounts (dev mode only). Idempotent:
 * accounts that exist are left alone. Every demo account has the
 * dev-only password given in README.md.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/db.h"
#include "lib/id.h"
#include "lib/log.h"
#include "lib/password.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "tools/seed.h"

#define DEMO_PASSWORD	"Concierge-Dev-2026!"

struct demo {
	const char	*email;
	enum role	 role;
	const char	*full_name;
	const char	*phone;
	const char	*dob;		/* patients */
	const char	*specialty;	/* providers */
	const char	*license;
};

static const struct demo demos[] = {
	{ "patient1@demo.test", ROLE_PATIENT, "Pat Demo-One", "+15550100001",
	  "1985-04-12", NULL, NULL },
	{ "patient2@demo.test", ROLE_PATIENT, "Pat Demo-Two", "+15550100002",
	  "1992-09-30", NULL, NULL },
	{ "provider1@demo.test", ROLE_PROVIDER, "Dr. Riley Demo", "+15550100011",
	  NULL, "family_medicine", "LIC-DEMO-0001" },
	{ "provider2@demo.test", ROLE_PROVIDER, "Dr. Morgan Demo", "+15550100012",
	  NULL, "dermatology", "LIC-DEMO-0002" },
	{ "staff@demo.test", ROLE_STAFF, "Sam Front-Desk", NULL, NULL, NULL, NULL },
	{ "admin@demo.test", ROLE_ADMIN, "Alex Admin", NULL, NULL, NULL, NULL },
	{ "auditor@demo.test", ROLE_AUDITOR, "Avery Auditor", NULL, NULL, NULL, NULL },
};

/* Create one demo account in its own transaction. 0 created, 1 existed, -1. */
static int
seed_one(struct db *db, struct arena *a, const struct cfg *cfg,
    const struct demo *d)
{
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	char			 hash[PWD_HASH_MAX], mrn[MRN_LEN + 1];
	int			 found;

	if (store_user_by_email(db, a, d->email, &u, &found) != DB_OK)
		return -1;
	if (found)
		return 1;
	memset(&u, 0, sizeof(u));
	if (id_new(u.id) == -1 || pwd_hash(cfg, DEMO_PASSWORD, hash,
	    sizeof(hash)) != PWD_OK)
		return -1;
	u.email = d->email;
	u.role = d->role;
	u.password_hash = hash;
	u.full_name = d->full_name;
	u.phone = d->phone;
	u.created_at = u.updated_at = utc_now();
	if (db_begin(db) != DB_OK)
		return -1;
	if (store_user_insert(db, a, &u) != DB_OK)
		goto fail;
	if (d->role == ROLE_PATIENT) {
		memset(&p, 0, sizeof(p));
		if (user_mrn_new(mrn) == -1)
			goto fail;
		p.mrn = mrn;
		p.date_of_birth = d->dob;
		p.primary_clinic = "Demo Clinic";
		p.consent_signed_at = u.created_at;
		if (store_patient_insert(db, u.id, &p) != DB_OK)
			goto fail;
	} else if (d->role == ROLE_PROVIDER) {
		memset(&pr, 0, sizeof(pr));
		pr.license_number = d->license;
		pr.specialty = d->specialty;
		pr.bio = "Demo provider for local development.";
		pr.is_verified = 1;
		pr.telehealth_enabled = 1;
		if (store_provider_insert(db, u.id, &pr) != DB_OK)
			goto fail;
	}
	if (db_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

/* Demo availability: Mon-Fri 09:00-17:00 in each provider's zone. */
static const struct {
	const char	*email;
	const char	*timezone;
} demo_avail[] = {
	{ "provider1@demo.test", "America/New_York" },
	{ "provider2@demo.test", "Europe/Berlin" },
};

static const char SQL_AVAIL_SEED[] =
    "INSERT IGNORE INTO provider_availability (provider_id, timezone,"
    " updated_by, updated_at) VALUES (?, ?, NULL, ?)";
static const char SQL_WEEKLY_SEED[] =
    "INSERT IGNORE INTO availability_weekly (provider_id, weekday, start_min,"
    " end_min) VALUES (?, ?, 540, 1020)";

/* Availability of the demo providers that have none yet. 0 or -1. */
static int
seed_availability(struct db *db, struct arena *a)
{
	struct user_row		 u;
	unsigned long long	 n;
	size_t			 i;
	int			 found, wd;

	for (i = 0; i < sizeof(demo_avail) / sizeof(demo_avail[0]); i++) {
		if (store_user_by_email(db, a, demo_avail[i].email, &u, &found) !=
		    DB_OK || !found || db_begin(db) != DB_OK)
			return -1;
		n = 0;
		if (db_exec(db, SQL_AVAIL_SEED, DB_ARGS(DB_TEXT(u.id),
		    DB_TEXT(demo_avail[i].timezone), DB_TIME(utc_now())), &n) != DB_OK)
			goto fail;
		for (wd = 0; n == 1 && wd < 5; wd++)
			if (db_exec(db, SQL_WEEKLY_SEED, DB_ARGS(DB_TEXT(u.id),
			    DB_INT(wd)), NULL) != DB_OK)
				goto fail;
		if (db_commit(db) != DB_OK)
			goto fail;
	}
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct cfg	 cfg;
	struct db	*db = NULL;
	struct arena	 a;
	const char	*config = getenv("CONCIERGE_CONFIG");
	size_t		 i;
	int		 ch, r, created = 0, rc = 1;

	log_init("seed", LOG_LVL_INFO);
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ch != 'c') {
			fprintf(stderr, "usage: concierge-seed [--config FILE]\n");
			return 2;
		}
		config = optarg;
	}
	arena_init(&a);
	cfg_defaults(&cfg);
	if (config != NULL && cfg_load(&cfg, config) == -1)
		goto out;
	if (!cfg.is_dev) {
		fprintf(stderr, "concierge-seed: refusing: demo data is for "
		    "mode = dev only\n");
		goto out;
	}
	if (db_open(&db, &cfg, DB_ROLE_WORKER) == -1)
		goto out;
	for (i = 0; i < sizeof(demos) / sizeof(demos[0]); i++) {
		if ((r = seed_one(db, &a, &cfg, &demos[i])) == -1) {
			fprintf(stderr, "concierge-seed: %s failed\n",
			    demos[i].email);
			goto out;
		}
		created += r == 0;
		arena_reset(&a);
	}
	printf("concierge-seed: %d demo accounts created, %zu present\n",
	    created, sizeof(demos) / sizeof(demos[0]));
	if (seed_availability(db, &a) == -1) {
		fprintf(stderr, "concierge-seed: demo availability failed\n");
		goto out;
	}
	arena_reset(&a);
	if ((r = seed_messaging(db, &a, &cfg)) == -1) {
		fprintf(stderr, "concierge-seed: demo messages failed\n");
		goto out;
	}
	printf("concierge-seed: demo thread %s\n", r == 0 ? "created" : "present");
	if ((r = seed_records(db, &a, &cfg)) == -1) {
		fprintf(stderr, "concierge-seed: demo clinical records failed\n");
		goto out;
	}
	printf("concierge-seed: demo clinical records %s\n", r == 0 ? "created" :
	    "present");
	arena_reset(&a);
	if ((r = seed_waitingroom(db, &a, &cfg)) == -1) {
		fprintf(stderr, "concierge-seed: demo video visit failed\n");
		goto out;
	}
	printf("concierge-seed: demo video visit %s\n", r == 0 ? "created" :
	    r == 2 ? "moved to start in a few minutes" : "present");
	rc = 0;
out:
	db_close(db);
	arena_release(&a);
	cfg_release(&cfg);
	return rc;
}
