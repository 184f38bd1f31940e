/* SQL of the records worker: providers, patients and care teams. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cgi-bin/records/store-records.h"

/* Rows after the keyset (name, id) in (full_name, id) order; 4 parameters. */
#define AFTER_KEYSET \
    " (? = 0 OR u.full_name > ? OR (u.full_name = ? AND u.id > ?))"

#define PROVIDER_COLS \
    "u.id, u.full_name, u.is_disabled, p.license_number, p.specialty," \
    " p.bio, p.is_verified, p.telehealth_enabled"
#define PROVIDER_NCOLS	8

#define PATIENT_COLS \
    "u.id, u.full_name, u.email, u.phone, p.medical_record_number," \
    " p.date_of_birth, p.primary_clinic, p.consent_signed_at"
#define PATIENT_NCOLS	8

static const char SQL_PROVIDER_LIST[] =
    "SELECT " PROVIDER_COLS " FROM provider_profiles p"
    " JOIN users u ON u.id = p.user_id"
    " WHERE " STORE_PROVIDER_ACTIVE
    " AND (? = 0 OR p.specialty = ?)"
    " AND (? = 0 OR u.full_name LIKE ? ESCAPE '!'"
    " OR p.specialty LIKE ? ESCAPE '!') AND" AFTER_KEYSET
    " ORDER BY u.full_name, u.id LIMIT ?";

static const char SQL_PROVIDER_REC[] =
    "SELECT " PROVIDER_COLS " FROM provider_profiles p"
    " JOIN users u ON u.id = p.user_id WHERE p.user_id = ?";

static const char SQL_PROVIDER_REC_LOCK[] =
    "SELECT " PROVIDER_COLS " FROM provider_profiles p"
    " JOIN users u ON u.id = p.user_id WHERE p.user_id = ? FOR UPDATE";

static const char SQL_PROVIDER_UPDATE[] =
    "UPDATE provider_profiles SET specialty = IF(? = 1, ?, specialty),"
    " license_number = COALESCE(?, license_number),"
    " bio = IF(? = 1, ?, bio),"
    " telehealth_enabled = IF(? = 1, ?, telehealth_enabled),"
    " is_verified = IF(? = 1, 0, is_verified),"
    " verified_at = IF(? = 1, NULL, verified_at)"
    " WHERE user_id = ?";

static const char SQL_PATIENT_SEARCH[] =
    "SELECT " PATIENT_COLS " FROM patient_profiles p"
    " JOIN users u ON u.id = p.user_id"
    " WHERE (? = 0 OR u.full_name LIKE ? ESCAPE '!'"
    " OR u.email_norm LIKE ? ESCAPE '!'"
    " OR p.medical_record_number = ? OR p.date_of_birth = ?) AND"
    AFTER_KEYSET " ORDER BY u.full_name, u.id LIMIT ?";

static const char SQL_PATIENT_REC[] =
    "SELECT " PATIENT_COLS " FROM patient_profiles p"
    " JOIN users u ON u.id = p.user_id WHERE p.user_id = ?";

static const char SQL_PATIENT_UPDATE[] =
    "UPDATE patient_profiles"
    " SET date_of_birth = IF(? = 1, ?, date_of_birth),"
    " primary_clinic = IF(? = 1, ?, primary_clinic),"
    " consent_signed_at = IF(? = 1, ?, consent_signed_at)"
    " WHERE user_id = ?";

/* With ? = 1, only the members who count: active providers. */
static const char SQL_CARE_TEAM_LIST[] =
    "SELECT " PROVIDER_COLS ", c.added_at FROM care_team c"
    " JOIN users u ON u.id = c.provider_id"
    " JOIN provider_profiles p ON p.user_id = c.provider_id"
    " WHERE c.patient_id = ? AND (? = 0 OR " STORE_PROVIDER_ACTIVE ") AND"
    AFTER_KEYSET " ORDER BY u.full_name, u.id LIMIT ?";

static const char SQL_CARE_TEAM_REMOVE[] =
    "DELETE FROM care_team WHERE patient_id = ? AND provider_id = ?";

static int
flag_cell(const char *s, int *out)
{
	long long	 v;

	if (db_cell_int(s, &v) == -1)
		return -1;
	*out = v != 0;
	return 0;
}

/* Columns PROVIDER_COLS of row r. */
static int
provider_from_row(const struct db_row *r, struct provider_rec *o)
{
	memset(o, 0, sizeof(*o));
	if (r->ncols < PROVIDER_NCOLS || r->v[0] == NULL ||
	    flag_cell(r->v[2], &o->is_disabled) == -1 ||
	    flag_cell(r->v[6], &o->p.is_verified) == -1 ||
	    flag_cell(r->v[7], &o->p.telehealth_enabled) == -1)
		return DB_ERROR;
	snprintf(o->id, sizeof(o->id), "%s", r->v[0]);
	o->full_name = r->v[1];
	o->p.license_number = r->v[3];
	o->p.specialty = r->v[4];
	o->p.bio = r->v[5];
	return DB_OK;
}

/* Columns PATIENT_COLS of row r. */
static int
patient_from_row(const struct db_row *r, struct patient_rec *o)
{
	memset(o, 0, sizeof(*o));
	if (r->ncols < PATIENT_NCOLS || r->v[0] == NULL || (r->v[7] != NULL &&
	    db_cell_time(r->v[7], &o->p.consent_signed_at) == -1))
		return DB_ERROR;
	snprintf(o->id, sizeof(o->id), "%s", r->v[0]);
	o->full_name = r->v[1];
	o->email = r->v[2];
	o->phone = r->v[3];
	o->p.mrn = r->v[4];
	o->p.date_of_birth = r->v[5];
	o->p.primary_clinic = r->v[6];
	return DB_OK;
}

int
store_provider_list(struct db *db, struct arena *a,
    const struct provider_filter *f, const struct records_after *k,
    long limit, struct provider_rec **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_PROVIDER_LIST, DB_ARGS(
	    DB_INT(f->specialty != NULL), DB_TEXT(f->specialty),
	    DB_INT(f->like != NULL), DB_TEXT(f->like), DB_TEXT(f->like),
	    DB_INT(k->id != NULL), DB_TEXT(k->name), DB_TEXT(k->name),
	    DB_TEXT(k->id), DB_INT(limit)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (provider_from_row(&res.rows[i], &(*out)[i]) != DB_OK)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}

int
store_provider_rec(struct db *db, struct arena *a, const char *id,
    struct provider_rec *o, int *found)
{
	return store_provider_rec_lock(db, a, id, 0, o, found);
}

int
store_provider_rec_lock(struct db *db, struct arena *a, const char *id,
    int lock, struct provider_rec *o, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, lock ? SQL_PROVIDER_REC_LOCK :
	    SQL_PROVIDER_REC, DB_ARGS(DB_TEXT(id)), &res)) != DB_OK ||
	    res.nrows == 0)
		return rc;
	if ((rc = provider_from_row(&res.rows[0], o)) == DB_OK)
		*found = 1;
	return rc;
}

int
store_provider_update(struct db *db, const char *id,
    const struct provider_change *ch)
{
	return db_exec(db, SQL_PROVIDER_UPDATE, DB_ARGS(
	    DB_INT(ch->specialty_set), DB_TEXT(ch->specialty),
	    DB_TEXT(ch->license_number),
	    DB_INT(ch->bio_set), DB_TEXT(ch->bio),
	    DB_INT(ch->telehealth_set), DB_INT(ch->telehealth_enabled),
	    DB_INT(ch->unverify), DB_INT(ch->unverify), DB_TEXT(id)), NULL);
}

int
store_patient_search(struct db *db, struct arena *a,
    const struct patient_filter *f, const struct records_after *k,
    long limit, struct patient_rec **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 any;
	int		 rc;

	*n = 0;
	any = f->name_like != NULL || f->email_like != NULL ||
	    f->mrn != NULL || f->date_of_birth != NULL;
	if ((rc = db_query(db, a, SQL_PATIENT_SEARCH, DB_ARGS(DB_INT(any),
	    DB_TEXT(f->name_like), DB_TEXT(f->email_like), DB_TEXT(f->mrn),
	    DB_TEXT(f->date_of_birth),
	    DB_INT(k->id != NULL), DB_TEXT(k->name), DB_TEXT(k->name),
	    DB_TEXT(k->id), DB_INT(limit)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (patient_from_row(&res.rows[i], &(*out)[i]) != DB_OK)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}

int
store_patient_rec(struct db *db, struct arena *a, const char *id,
    struct patient_rec *o, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_PATIENT_REC, DB_ARGS(DB_TEXT(id)),
	    &res)) != DB_OK || res.nrows == 0)
		return rc;
	if ((rc = patient_from_row(&res.rows[0], o)) == DB_OK)
		*found = 1;
	return rc;
}

int
store_patient_update(struct db *db, const char *id,
    const struct patient_change *ch)
{
	return db_exec(db, SQL_PATIENT_UPDATE, DB_ARGS(
	    DB_INT(ch->dob_set), DB_TEXT(ch->date_of_birth),
	    DB_INT(ch->clinic_set), DB_TEXT(ch->primary_clinic),
	    DB_INT(ch->consent_set), ch->consent_signed_at != 0 ?
	    DB_TIME(ch->consent_signed_at) : DB_NULL, DB_TEXT(id)), NULL);
}

int
store_care_team_list(struct db *db, struct arena *a, const char *patient_id,
    int only_active, const struct records_after *k, long limit,
    struct care_team_rec **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_CARE_TEAM_LIST, DB_ARGS(
	    DB_TEXT(patient_id), DB_INT(only_active != 0),
	    DB_INT(k->id != NULL), DB_TEXT(k->name),
	    DB_TEXT(k->name), DB_TEXT(k->id), DB_INT(limit)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		if (provider_from_row(&res.rows[i], &(*out)[i].provider) != DB_OK ||
		    db_cell_time(res.rows[i].v[PROVIDER_NCOLS],
		    &(*out)[i].added_at) == -1)
			return DB_ERROR;
	*n = res.nrows;
	return DB_OK;
}

int
store_care_team_remove(struct db *db, const char *patient_id,
    const char *provider_id, int *removed)
{
	unsigned long long	 n = 0;
	int			 rc;

	*removed = 0;
	if ((rc = db_exec(db, SQL_CARE_TEAM_REMOVE, DB_ARGS(
	    DB_TEXT(patient_id), DB_TEXT(provider_id)), &n)) == DB_OK)
		*removed = n > 0;
	return rc;
}
