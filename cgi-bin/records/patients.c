/*
 * Patients: search for staff and admin (GET /api/v1/patients), one
 * profile (GET /api/v1/patients/{id}) and its changes (PATCH). Every
 * read writes one audit row; the search's row lists the ids returned.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/valid.h"
#include "cgi-bin/records/records.h"
#include "cgi-bin/records/fields.h"
#include "cgi-bin/records/store-records.h"

/* Consent times may run this far ahead of our clock. */
#define CONSENT_SKEW	(5 * UTC_MIN)

struct records_patient_patch_req {
	struct jv	 full_name;
	struct jv	 date_of_birth;
	struct jv	 phone;
	struct jv	 primary_clinic;
	struct jv	 consent_signed_at;
	struct jv	 medical_record_number;
	struct jv	 email;
};

#define F(n)	offsetof(struct records_patient_patch_req, n)
const struct json_field patient_patch_fields[] = {
	{ "full_name", JF_STRING, 0, F(full_name), 1, 200, valid_name, NULL, NULL, 0 },
	{ "date_of_birth", JF_DATE, JF_NULLABLE, F(date_of_birth), 0, 0, valid_birth_date, NULL, NULL, 0 },
	{ "phone", JF_STRING, JF_NULLABLE, F(phone), 1, 16, valid_phone, NULL, NULL, 0 },
	{ "primary_clinic", JF_STRING, JF_NULLABLE, F(primary_clinic), 1, 200, valid_name, NULL, NULL, 0 },
	{ "consent_signed_at", JF_TIME, JF_NULLABLE, F(consent_signed_at), 0, 0, NULL, NULL, NULL, 0 },
	/* Listed so that the reply says why rather than "unknown field". */
	{ "medical_record_number", JF_STRING, JF_NULLABLE, F(medical_record_number), 0, 0, NULL, NULL, NULL, 0 },
	{ "email", JF_STRING, JF_NULLABLE, F(email), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

struct json_object *
records_patient_json(const struct patient_rec *r)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", r->id);
	jset_str(o, "full_name", r->full_name);
	jset_str(o, "email", r->email);
	jset_str(o, "phone", r->phone);
	jset_str(o, "date_of_birth", r->p.date_of_birth);
	jset_str(o, "medical_record_number", r->p.mrn);
	jset_str(o, "primary_clinic", r->p.primary_clinic);
	jset_time(o, "consent_signed_at", r->p.consent_signed_at ?
	    r->p.consent_signed_at : JTIME_NULL);
	return o;
}

/* Search terms from q: name or email containing it, or exactly the MRN or birth date. */
static void
patient_filter_from(struct ctx *c, const char *q, struct patient_filter *f)
{
	char	*mrn;
	size_t	 i;
	int	 y, m, d;

	memset(f, 0, sizeof(*f));
	if (q == NULL)
		return;
	f->name_like = records_like_contains(c, q, 0);
	f->email_like = records_like_contains(c, q, 1);
	mrn = arena_strdup(c->arena, q);
	for (i = 0; mrn[i] != '\0'; i++)
		if (mrn[i] >= 'a' && mrn[i] <= 'z')
			mrn[i] = (char)(mrn[i] - 'a' + 'A');
	f->mrn = mrn;
	if (utc_parse_date(q, &y, &m, &d) == 0)
		f->date_of_birth = q;
}

/* Reply with the page of rows, auditing the read of every id in it. */
static int
search_reply(struct ctx *c, const struct patient_rec *rows, size_t n,
    const struct page *pg)
{
	struct json_object	*data;
	const char		**ids, *next = NULL;
	size_t			 i, shown;
	int			 rc;

	shown = n > (size_t)pg->limit ? (size_t)pg->limit : n;
	ids = arena_alloc(c->arena, (shown + 1) * sizeof(*ids));
	for (i = 0; i < shown; i++)
		ids[i] = rows[i].id;
	/* One row per request; it names the patient when there is one. */
	rc = audit_append_read(c, "patient", ids, shown, shown == 1 ? ids[0] :
	    NULL, "patient search");
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	data = json_object_new_array();
	for (i = 0; i < shown; i++)
		json_object_array_add(data, records_patient_json(&rows[i]));
	if (n > shown)
		next = records_page_next(c, rows[shown - 1].id,
		    rows[shown - 1].full_name);
	page_reply(c, data, next);
	return 0;
}

int
records_patients_search(struct ctx *c)
{
	struct patient_filter	 f;
	struct records_after	 k;
	struct patient_rec	*rows;
	struct page		 pg;
	const char		*q;
	size_t			 n;

	if (pol_check(&c->actor, POL_PATIENT_SEARCH, NULL) != POL_ALLOW)
		return audit_deny(c, "search", "patient", NULL, NULL, 0);
	/* An error recorded here is answered by page_parse with its own. */
	(void)records_query_text(c, "q", RECORDS_QUERY_MAX, &q);
	if (page_parse(c, &pg) == -1 ||
	    records_page_after(c, &pg, &k.id, &k.name) == -1)
		return 0;
	patient_filter_from(c, q, &f);
	if (store_patient_search(c->db, c->arena, &f, &k, pg.limit + 1, &rows,
	    &n) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return search_reply(c, rows, n, &pg);
}

/* Load the patient of c->cap[0]: 1, or 0 after a 404 or 503 reply. */
static int
patient_load(struct ctx *c, struct patient_rec *r)
{
	int	 found = 0;

	if (store_patient_rec(c->db, c->arena, c->cap[0], r, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found)
		problem(c, 404, "not_found", "no such record");
	return found;
}

int
records_patient_get(struct ctx *c)
{
	struct patient_rec	 r;
	const char		*ids[1];

	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (!records_patient_allowed(c, POL_PATIENT_READ, c->cap[0], "read",
	    "patient", NULL) || !patient_load(c, &r))
		return 0;
	ids[0] = r.id;
	if (audit_append_read(c, "patient", ids, 1, r.id,
	    "patient profile read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, records_patient_json(&r));
	return 0;
}

/* Cross-field and read-only checks; records errors in c. */
static void
patient_patch_check(struct ctx *c, const struct records_patient_patch_req *q)
{
	if (q->medical_record_number.is_set)
		ctx_error(c, "medical_record_number",
		    "is assigned by the server and cannot be changed");
	if (q->email.is_set)
		ctx_error(c, "email", "is changed by its owner with PATCH /api/v1/me");
	if (q->consent_signed_at.is_set && !q->consent_signed_at.is_null &&
	    q->consent_signed_at.i > utc_now() + CONSENT_SKEW)
		ctx_error(c, "consent_signed_at", "must not be in the future");
	if (!q->full_name.is_set && !q->date_of_birth.is_set &&
	    !q->phone.is_set && !q->primary_clinic.is_set &&
	    !q->consent_signed_at.is_set && c->nerrs == 0)
		ctx_error(c, "", "name at least one field to change");
}

/* The change to store, and the names of the fields it touches. */
static void
patient_change_from(const struct records_patient_patch_req *q,
    struct patient_change *ch, const char **names, size_t *n)
{
	memset(ch, 0, sizeof(*ch));
	*n = 0;
	if (q->full_name.is_set)
		names[(*n)++] = "full_name";
	if (q->phone.is_set)
		names[(*n)++] = "phone";
	if ((ch->dob_set = q->date_of_birth.is_set))
		names[(*n)++] = "date_of_birth";
	ch->date_of_birth = q->date_of_birth.s;
	if ((ch->clinic_set = q->primary_clinic.is_set))
		names[(*n)++] = "primary_clinic";
	ch->primary_clinic = q->primary_clinic.s;
	if ((ch->consent_set = q->consent_signed_at.is_set))
		names[(*n)++] = "consent_signed_at";
	ch->consent_signed_at = q->consent_signed_at.is_null ? 0 :
	    q->consent_signed_at.i;
}

/* A PATCH in the making: what to write, and the record as written. */
struct patient_tx {
	const char				*id;
	const struct records_patient_patch_req	*q;
	const struct patient_change		*ch;
	struct json_object			*meta;
	struct patient_rec			 now;
};

/*
 * The change and its audit row, and the record read back before the
 * commit: the reply is what was written, and a failed read rolls the
 * change back instead of answering 5xx for a committed write. Returns an
 * enum db_rc.
 */
static int
patient_tx(struct ctx *c, void *arg)
{
	struct patient_tx	*t = arg;
	struct audit_entry	 e;
	int			 found = 0, rc;

	memset(&e, 0, sizeof(e));
	e.action = "update";
	e.entity_type = "patient";
	e.entity_id = t->id;
	e.patient_id = t->id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "patient profile updated";
	e.metadata = t->meta;
	if (((t->q->full_name.is_set || t->q->phone.is_set) &&
	    (rc = store_user_update_profile(c->db, c->arena, t->id,
	    t->q->full_name.s, t->q->phone.is_set, t->q->phone.s, NULL,
	    utc_now(), NULL)) != DB_OK) ||
	    (rc = store_patient_update(c->db, t->id, t->ch)) != DB_OK ||
	    (rc = audit_append(c, &e)) != DB_OK ||
	    (rc = store_patient_rec(c->db, c->arena, t->id, &t->now,
	    &found)) != DB_OK)
		return rc;
	return found ? DB_OK : DB_ERROR;
}

/* Policy for a PATCH: 1 if allowed, else 0 after the denial reply. */
static int
patient_patch_allowed(struct ctx *c, const struct records_patient_patch_req *q)
{
	struct pol_resource	 res;
	enum pol_decision	 d;

	/* Who may not even read the record learns nothing (404). */
	if (!records_patient_allowed(c, POL_PATIENT_READ, c->cap[0], "update",
	    "patient", &res))
		return 0;
	if ((d = pol_check(&c->actor, POL_PATIENT_UPDATE, &res)) != POL_ALLOW) {
		audit_deny(c, "update", "patient", c->cap[0], c->cap[0],
		    d == POL_HIDE);
		return 0;
	}
	if (q->phone.is_set && pol_check(&c->actor,
	    POL_PATIENT_CONTACT_UPDATE, &res) != POL_ALLOW) {
		records_forbid(c, "update", "patient", c->cap[0], c->cap[0],
		    "phone is changed here by staff; patients use PATCH /api/v1/me");
		return 0;
	}
	return 1;
}

int
records_patient_patch(struct ctx *c)
{
	struct records_patient_patch_req q;
	struct patient_change	 ch;
	struct patient_rec	 r;
	struct patient_tx	 t;
	const char		*names[8];
	size_t			 n;
	int			 rc;

	memset(&q, 0, sizeof(q));
	if (json_parse_body(c, patient_patch_fields, &q) == -1)
		return 0;
	patient_patch_check(c, &q);
	if (c->nerrs > 0) {
		problem_validation(c);
		return 0;
	}
	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such record");
		return 0;
	}
	if (!patient_patch_allowed(c, &q) || !patient_load(c, &r))
		return 0;
	patient_change_from(&q, &ch, names, &n);
	memset(&t, 0, sizeof(t));
	t.id = r.id;
	t.q = &q;
	t.ch = &ch;
	t.meta = records_fields_meta(names, n);
	rc = tx_run(c, patient_tx, &t);
	json_object_put(t.meta);
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, records_patient_json(&t.now));
	return 0;
}
