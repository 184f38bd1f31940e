/* SQL for users and profiles. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/store-user.h"

static const char SQL_USER_INSERT[] =
    "INSERT INTO users (id, email, email_norm, role, password_hash,"
    " full_name, phone, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char SQL_PATIENT_INSERT[] =
    "INSERT INTO patient_profiles (user_id, medical_record_number,"
    " date_of_birth, primary_clinic, consent_signed_at)"
    " VALUES (?, ?, ?, ?, ?)";

static const char SQL_PROVIDER_INSERT[] =
    "INSERT INTO provider_profiles (user_id, license_number, specialty, bio,"
    " is_verified, verified_at, telehealth_enabled)"
    " VALUES (?, ?, ?, ?, ?, IF(? = 1, UTC_TIMESTAMP(6), NULL), ?)";

#define USER_COLS \
    "id, email, role, password_hash, full_name, phone, is_disabled," \
    " mfa_enabled, created_at, updated_at"

static const char SQL_USER_BY_EMAIL[] =
    "SELECT " USER_COLS " FROM users WHERE email_norm = ?";

static const char SQL_USER_BY_ID[] =
    "SELECT " USER_COLS " FROM users WHERE id = ?";

static const char SQL_PATIENT_GET[] =
    "SELECT medical_record_number, date_of_birth, primary_clinic,"
    " consent_signed_at FROM patient_profiles WHERE user_id = ?";

static const char SQL_PROVIDER_GET[] =
    "SELECT license_number, specialty, bio, is_verified, telehealth_enabled"
    " FROM provider_profiles WHERE user_id = ?";

static const char SQL_USER_UPDATE_PROFILE[] =
    "UPDATE users SET full_name = COALESCE(?, full_name),"
    " phone = IF(? = 1, ?, phone),"
    " email = COALESCE(?, email), email_norm = COALESCE(?, email_norm),"
    " updated_at = ? WHERE id = ?";

static const char SQL_CARE_TEAM_HAS[] =
    "SELECT 1 FROM care_team c JOIN provider_profiles p"
    " ON p.user_id = c.provider_id JOIN users u ON u.id = c.provider_id"
    " WHERE c.patient_id = ? AND c.provider_id = ? AND " STORE_PROVIDER_ACTIVE;

static const char SQL_PROVIDER_ACTIVE_LOCK[] =
    "SELECT " STORE_PROVIDER_ACTIVE " FROM provider_profiles p"
    " JOIN users u ON u.id = p.user_id WHERE p.user_id = ? LOCK IN SHARE MODE";

static const char SQL_CARE_TEAM_INSERT[] =
    "INSERT INTO care_team (patient_id, provider_id, added_by, added_at)"
    " VALUES (?, ?, ?, ?)";

char *
user_email_norm(struct arena *a, const char *email)
{
	char	*s;
	size_t	 i;

	s = arena_strdup(a, email);
	for (i = 0; s[i] != '\0'; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

int
user_mrn_new(char *out)
{
	unsigned char	 r[8];
	unsigned long long v = 0;
	size_t		 i;

	if (crypto_random(r, sizeof(r)) == -1)
		return -1;
	for (i = 0; i < sizeof(r); i++)
		v = v << 8 | r[i];
	snprintf(out, MRN_LEN + 1, "MRN%09llu", v % 1000000000ULL);
	return 0;
}

int
store_user_insert(struct db *db, struct arena *a, const struct user_row *u)
{
	return db_exec(db, SQL_USER_INSERT, DB_ARGS(DB_TEXT(u->id),
	    DB_TEXT(u->email), DB_TEXT(user_email_norm(a, u->email)),
	    DB_TEXT(role_name(u->role)), DB_TEXT(u->password_hash),
	    DB_TEXT(u->full_name), DB_TEXT(u->phone), DB_TIME(u->created_at),
	    DB_TIME(u->updated_at)), NULL);
}

int
store_patient_insert(struct db *db, const char *user_id,
    const struct patient_row *p)
{
	return db_exec(db, SQL_PATIENT_INSERT, DB_ARGS(DB_TEXT(user_id),
	    DB_TEXT(p->mrn), DB_TEXT(p->date_of_birth),
	    DB_TEXT(p->primary_clinic), p->consent_signed_at ?
	    DB_TIME(p->consent_signed_at) : DB_NULL), NULL);
}

int
store_provider_insert(struct db *db, const char *user_id,
    const struct provider_row *p)
{
	return db_exec(db, SQL_PROVIDER_INSERT, DB_ARGS(DB_TEXT(user_id),
	    DB_TEXT(p->license_number), DB_TEXT(p->specialty), DB_TEXT(p->bio),
	    DB_INT(p->is_verified), DB_INT(p->is_verified),
	    DB_INT(p->telehealth_enabled)), NULL);
}

static int
user_from_row(struct arena *a, const struct db_row *r, struct user_row *u)
{
	long long	 dis, mfa;

	memset(u, 0, sizeof(*u));
	if (r->ncols != 10 || r->v[0] == NULL ||
	    db_cell_int(r->v[6], &dis) == -1 ||
	    db_cell_int(r->v[7], &mfa) == -1 ||
	    db_cell_time(r->v[8], &u->created_at) == -1 ||
	    db_cell_time(r->v[9], &u->updated_at) == -1)
		return DB_ERROR;
	snprintf(u->id, sizeof(u->id), "%s", r->v[0]);
	u->email = arena_strdup(a, r->v[1]);
	u->role = role_parse(r->v[2]);
	u->password_hash = arena_strdup(a, r->v[3]);
	u->full_name = arena_strdup(a, r->v[4]);
	u->phone = arena_strdup(a, r->v[5]);
	u->is_disabled = dis != 0;
	u->mfa_enabled = mfa != 0;
	return DB_OK;
}

static int
user_query(struct db *db, struct arena *a, const char *sql, const char *key,
    struct user_row *u, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, sql, DB_ARGS(DB_TEXT(key)), &res)) != DB_OK ||
	    res.nrows == 0)
		return rc;
	if ((rc = user_from_row(a, &res.rows[0], u)) == DB_OK)
		*found = 1;
	return rc;
}

int
store_user_by_email(struct db *db, struct arena *a, const char *email,
    struct user_row *u, int *found)
{
	return user_query(db, a, SQL_USER_BY_EMAIL, user_email_norm(a, email),
	    u, found);
}

int
store_user_by_id(struct db *db, struct arena *a, const char *id,
    struct user_row *u, int *found)
{
	return user_query(db, a, SQL_USER_BY_ID, id, u, found);
}

int
store_patient_get(struct db *db, struct arena *a, const char *user_id,
    struct patient_row *p, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	memset(p, 0, sizeof(*p));
	if ((rc = db_query(db, a, SQL_PATIENT_GET, DB_ARGS(DB_TEXT(user_id)),
	    &res)) != DB_OK || res.nrows == 0)
		return rc;
	p->mrn = res.rows[0].v[0];
	p->date_of_birth = res.rows[0].v[1];
	p->primary_clinic = res.rows[0].v[2];
	if (res.rows[0].v[3] != NULL &&
	    db_cell_time(res.rows[0].v[3], &p->consent_signed_at) == -1)
		return DB_ERROR;
	*found = 1;
	return DB_OK;
}

int
store_provider_get(struct db *db, struct arena *a, const char *user_id,
    struct provider_row *p, int *found)
{
	struct db_res	 res;
	long long	 v, t;
	int		 rc;

	*found = 0;
	memset(p, 0, sizeof(*p));
	if ((rc = db_query(db, a, SQL_PROVIDER_GET, DB_ARGS(DB_TEXT(user_id)),
	    &res)) != DB_OK || res.nrows == 0)
		return rc;
	if (db_cell_int(res.rows[0].v[3], &v) == -1 ||
	    db_cell_int(res.rows[0].v[4], &t) == -1)
		return DB_ERROR;
	p->license_number = res.rows[0].v[0];
	p->specialty = res.rows[0].v[1];
	p->bio = res.rows[0].v[2];
	p->is_verified = v != 0;
	p->telehealth_enabled = t != 0;
	*found = 1;
	return DB_OK;
}

int
store_user_update_profile(struct db *db, struct arena *a, const char *id,
    const char *full_name, int phone_set, const char *phone, const char *email,
    int64_t now, unsigned long long *affected)
{
	return db_exec(db, SQL_USER_UPDATE_PROFILE, DB_ARGS(DB_TEXT(full_name),
	    DB_INT(phone_set != 0), DB_TEXT(phone), DB_TEXT(email),
	    DB_TEXT(email ? user_email_norm(a, email) : NULL), DB_TIME(now),
	    DB_TEXT(id)), affected);
}

int
store_care_team_has(struct db *db, struct arena *a, const char *patient_id,
    const char *provider_id, int *yes)
{
	struct db_res	 res;
	int		 rc;

	*yes = 0;
	if ((rc = db_query(db, a, SQL_CARE_TEAM_HAS, DB_ARGS(DB_TEXT(patient_id),
	    DB_TEXT(provider_id)), &res)) == DB_OK)
		*yes = res.nrows > 0;
	return rc;
}

int
store_care_team_add(struct db *db, struct arena *a, const char *patient_id,
    const char *provider_id, const char *added_by, int64_t now,
    enum care_team_add *out)
{
	struct db_res	 res;
	long long	 active = 0;
	int		 rc;

	*out = CARE_TEAM_INELIGIBLE;
	if ((rc = db_query(db, a, SQL_PROVIDER_ACTIVE_LOCK,
	    DB_ARGS(DB_TEXT(provider_id)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0 || db_cell_int(res.rows[0].v[0], &active) == -1 ||
	    !active)
		return DB_OK;
	rc = db_exec(db, SQL_CARE_TEAM_INSERT, DB_ARGS(DB_TEXT(patient_id),
	    DB_TEXT(provider_id), DB_TEXT(added_by), DB_TIME(now)), NULL);
	if (rc == DB_DUPLICATE) {
		/* Only this statement is undone; the transaction goes on. */
		*out = CARE_TEAM_PRESENT;
		return DB_OK;
	}
	if (rc == DB_OK)
		*out = CARE_TEAM_ADDED;
	return rc;
}
