/*
 * Clinical records of the records worker: lab results (a narrowed FHIR
 * Observation) with their released versions, treatment plans (a
 * narrowed FHIR CarePlan) and the patient dashboard. The types shared
 * by the handlers and the store, sealing of clinical free text, and who
 * may see which record.
 */
#ifndef CONCIERGE_W_CLINICAL_H
#define CONCIERGE_W_CLINICAL_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "lib/ctx.h"
#include "lib/id.h"

/* Lab results on the dashboard; appointments on the dashboard. */
#define CLIN_SUMMARY_LABS	5
#define CLIN_SUMMARY_VISITS	3
/* Goals of one plan; characters of one goal's description. */
#define CLIN_GOALS_MAX		20
#define CLIN_GOAL_CHARS		500
/* Characters of an amendment's reason. */
#define CLIN_REASON_CHARS	1000

/* Bounds of times in lists: 1900-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
#define CLIN_T_MIN	(-2208988800LL * 1000000LL)
#define CLIN_T_MAX	(253402300799LL * 1000000LL)

/* Names of the life-cycle states, NULL-terminated, in migration order. */
extern const char *const lab_statuses[];
extern const char *const lab_interpretations[];
extern const char *const plan_statuses[];

/* Whose records a list shows (each store has one statement per scope). */
enum clin_scope {
	CLIN_SCOPE_PATIENT = 0,		/* scope_id is the patient: every record */
	CLIN_SCOPE_PATIENT_VISIBLE,	/* the patient's own view: released, shared */
	CLIN_SCOPE_AUTHOR,		/* scope_id ordered or wrote them, still on the team */
	CLIN_SCOPE_ALL,			/* staff: everyone */
	CLIN_SCOPE__MAX,
};

/* What a list of entity_type asks the policy. */
struct clin_list_acts {
	const char	*entity_type;
	enum pol_action	 list;		/* may list at all */
	enum pol_action	 read;		/* a patient's own visible records */
	enum pol_action	 read_all;	/* every record of one patient */
};

/* A sealed value as stored (lib/vault.h); p NULL for SQL NULL. */
struct sealed {
	const unsigned char	*p;
	size_t			 n;
};

/* What a lab result says, in clear (any may be NULL but name and value). */
struct lab_content {
	const char	*test_code;
	const char	*test_name;
	const char	*result_value;
	const char	*units;
	const char	*reference_range;
	const char	*interpretation;
	const char	*notes;
};

struct lab_rec {
	char			 id[ID_LEN + 1];
	const char		*patient_id;
	const char		*ordered_by;
	const char		*created_by;
	const char		*updated_by;
	struct lab_content	 v;
	const char		*status;
	long long		 version;	/* released versions; 0 before */
	int64_t			 published_at;	/* JTIME_NULL before release */
	int64_t			 created_at, updated_at;
	const char		*attachment_ids; /* "a,b" of linked files, or NULL */
	struct sealed		 value_box, notes_box;
};

/* One released version of a lab result. */
struct lab_version_rec {
	long long		 version;
	const char		*status;	/* final (1) or amended */
	struct lab_content	 v;
	const char		*reason;	/* amendments: why */
	const char		*recorded_by;
	int64_t			 published_at;
	struct sealed		 value_box, notes_box, reason_box;
};

struct plan_rec {
	char		 id[ID_LEN + 1];
	const char	*patient_id;
	const char	*created_by;
	const char	*updated_by;
	const char	*title;
	const char	*details;	/* clear text or NULL */
	const char	*goals;		/* a JSON array in clear, or NULL */
	const char	*status;
	const char	*start_date;	/* "YYYY-MM-DD" */
	const char	*end_date;	/* or NULL */
	int64_t		 created_at, updated_at;
	struct sealed	 details_box, goals_box;
};

/* 1 for final and amended: what a patient may see. */
int	lab_is_released(const char *status);
/* 1 for active, on_hold, completed and revoked: what a patient may see. */
int	plan_is_shared(const char *status);

/*
 * Seal text (NULL gives a NULL box) for field of row_id, or open a box
 * (a NULL box gives NULL). Both 0, or -1 after logging (no value).
 */
int	clin_seal(struct ctx *, const char *field, const char *row_id,
	    const char *text, struct sealed *out);
int	clin_open(struct ctx *, const char *field, const char *row_id,
	    const struct sealed *in, const char **out);

/* Seal / open the clinical text of a lab result, its version, a plan. 0 or -1. */
int	lab_seal(struct ctx *, struct lab_rec *);
int	lab_open(struct ctx *, struct lab_rec *);
int	lab_version_seal(struct ctx *, const char *lab_id, struct lab_version_rec *);
int	lab_version_open(struct ctx *, const char *lab_id, struct lab_version_rec *);
int	plan_seal(struct ctx *, struct plan_rec *);
int	plan_open(struct ctx *, struct plan_rec *);

/* JSON views (new objects). */
struct json_object *lab_view(const struct lab_rec *);
struct json_object *lab_version_view(const struct lab_version_rec *);
struct json_object *plan_view(const struct plan_rec *);

/*
 * May the actor see this record at all? The action depends on its state
 * (released / shared or not). On a denial the audit row is written with
 * verb and the reply is 404. Returns 1 if allowed, 0 when answered (also
 * 503). res (may be NULL) gets what the actor is to the patient.
 */
int	lab_visible(struct ctx *, const struct lab_rec *, const char *verb,
	    struct pol_resource *res);
int	plan_visible(struct ctx *, const struct plan_rec *, const char *verb,
	    struct pol_resource *res);
/*
 * Check a write action after a visibility check passed with res: 1 if
 * allowed, else 0 after the audited 403.
 */
int	clin_may(struct ctx *, enum pol_action, const struct pol_resource *,
	    const char *verb, const char *entity_type, const char *entity_id,
	    const char *patient_id);

/*
 * Text limits from config: records errors with ctx_error for field when
 * s is longer than max characters. Returns 0, or -1 if too long.
 */
int	clin_text_fits(struct ctx *, const char *field, const char *s, long max);
/* A test code such as LOINC "2345-7": letters, digits, . _ : - (a jf_check). */
const char *clin_valid_code(const char *, size_t);
/* Free text: something besides white space (a jf_check). */
const char *clin_valid_text(const char *, size_t);
/*
 * A list cursor's key "usec|id" (page.h) into *at and *id; a NULL key
 * leaves them alone. 0, or -1 after a 422.
 */
int	clin_cursor(struct ctx *, const char *key, int64_t *at, const char **id);
/* The cursor after the row (at, id). Arena memory. */
const char *clin_cursor_next(struct ctx *, int64_t at, const char *id);
/*
 * The common query parameters of a list: status (one of the
 * NULL-terminated statuses) and patient_id; errors are recorded with
 * ctx_error (the caller replies).
 */
void	clin_list_params(struct ctx *, const char *const *statuses,
	    const char **status, const char **patient);
/*
 * Whose records a list shows: a patient their own visible ones; a
 * provider one patient of their care team (patient set) or what they
 * authored; staff anyone's or one patient's. On a denial the audit row
 * is written and the reply set (403, or 404 for a patient the actor may
 * not see). 0, or -1 answered.
 */
int	clin_list_scope(struct ctx *, const struct clin_list_acts *,
	    const char *patient, enum clin_scope *, const char **scope_id);
/*
 * Answer a list: one audit row for the read of the n ids (entity_type,
 * summary; patient_id whose records they are, NULL if several
 * patients), then the page data (ownership passes) with the cursor next
 * (NULL on the last page). Returns 0 (answered; 503 if the audit row
 * cannot be written).
 */
int	clin_list_reply(struct ctx *, const char *entity_type,
	    const char *summary, const char *patient_id, const char *const *ids,
	    size_t n, struct json_object *data, const char *next);
/* Reply 409 (code, detail), dropping recorded errors. Returns 0. */
int	clin_conflict(struct ctx *, const char *code, const char *detail);
/*
 * May the actor see the records of patient_id with act? On a denial the
 * audit row (verb, entity_type, entity_id may be NULL) is written and
 * the reply is 404. 1 if allowed, 0 when answered (also 503).
 */
int	clin_patient_visible(struct ctx *, enum pol_action, const char *patient_id,
	    const char *verb, const char *entity_type, const char *entity_id,
	    struct pol_resource *res);

/* What a command did to a lab result or a plan: its audit row and events. */
enum lab_change {
	LAB_CREATED = 0,
	LAB_UPDATED,
	LAB_FINALIZED,
	LAB_AMENDED,
	LAB_CANCELLED,
	LAB_WITHDRAWN,		/* entered in error */
};

enum plan_change {
	PLAN_CREATED = 0,
	PLAN_UPDATED,
	PLAN_STATUS,
};

/*
 * Inside the open transaction: the audit row of the change (meta
 * borrowed, may be NULL), the events, and for a release the outbox row
 * for the patient. Returns an enum db_rc.
 */
int	lab_effects(struct ctx *, const struct lab_rec *, enum lab_change,
	    struct json_object *meta);
/*
 * The same for a plan; was_shared says whether the patient could see the
 * plan before the change (events go to the patient only when they could
 * see it before or can now). Returns an enum db_rc.
 */
int	plan_effects(struct ctx *, const struct plan_rec *, enum plan_change,
	    int was_shared, struct json_object *meta);

#endif
