/* The records worker: its route table, handlers and shared helpers. */
#ifndef CONCIERGE_W_RECORDS_H
#define CONCIERGE_W_RECORDS_H

#include "lib/ctx.h"
#include "lib/page.h"
#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the records worker. */
extern const struct worker_def records_worker;

/* Longest free-text query parameter (?q=, ?specialty=), in characters. */
#define RECORDS_QUERY_MAX	100

/*
 * Query parameter name as validated text: UTF-8, no control characters,
 * at most max characters. *out is NULL when absent or empty. Returns 0,
 * or -1 after recording an error with ctx_error (the caller replies).
 */
int	records_query_text(struct ctx *, const char *name, size_t max,
	    const char **out);
/*
 * A LIKE pattern matching any text that contains s, with '!' as the
 * escape character ("ESCAPE '!'" in the SQL); ASCII letters lowercased
 * when lower is set. Arena memory.
 */
const char *records_like_contains(struct ctx *, const char *s, int lower);
/*
 * The keyset of the page's cursor "id|full_name" into *id and *name
 * (both NULL on the first page). Returns 0, or -1 after a 422 reply.
 */
int	records_page_after(struct ctx *, const struct page *, const char **id,
	    const char **name);
/* A cursor for the page after the row (id, full_name). Arena memory. */
const char *records_page_next(struct ctx *, const char *id, const char *name);
/*
 * What the actor is to patient_id: the patient (is_self) or a provider
 * on their care team (is_care_team). Returns an enum db_rc.
 */
int	records_patient_resource(struct ctx *, const char *patient_id,
	    struct pol_resource *);
/*
 * Check pol_action on patient_id for the actor; on a denial write the
 * audit row (action, entity_type) and reply 403/404. res (may be NULL)
 * receives what the actor is to the patient. Returns 1 when allowed,
 * 0 when the request has been answered (denied, or 503).
 */
int	records_patient_allowed(struct ctx *, enum pol_action,
	    const char *patient_id, const char *action, const char *entity_type,
	    struct pol_resource *res);
/*
 * Write a denial row for action on entity_type/entity_id (a patient's
 * record when patient_id is set) and reply 403 with detail. Returns 0.
 */
int	records_forbid(struct ctx *, const char *action, const char *entity_type,
	    const char *entity_id, const char *patient_id, const char *detail);
/* JSON arrays of ids for audit metadata: {"<key>":[...]}. New object. */
struct json_object *records_ids_meta(const char *key, const char *const *ids,
	    size_t n);
/* {"fields":[names...]} for update audit rows (never values). New object. */
struct json_object *records_fields_meta(const char *const *names, size_t n);

struct patient_rec;
/* A patient's profile as every records route shows it (new object). */
struct json_object *records_patient_json(const struct patient_rec *);

/* Handlers: each parses, checks policy, acts and replies; 0 or -1 (500). */
int	records_providers_list(struct ctx *);
int	records_provider_get(struct ctx *);
int	records_provider_patch(struct ctx *);
int	records_patients_search(struct ctx *);
int	records_patient_get(struct ctx *);
int	records_patient_patch(struct ctx *);
int	records_care_team_list(struct ctx *);
int	records_care_team_add(struct ctx *);
int	records_care_team_remove(struct ctx *);
/* Clinical records (labs-*.c, plans-*.c, summary.c). */
int	records_lab_list(struct ctx *);
int	records_lab_create(struct ctx *);
int	records_lab_get(struct ctx *);
int	records_lab_patch(struct ctx *);
int	records_lab_finalize(struct ctx *);
int	records_lab_amend(struct ctx *);
int	records_lab_status(struct ctx *);
int	records_lab_versions(struct ctx *);
int	records_lab_attachment(struct ctx *);
int	records_plan_list(struct ctx *);
int	records_plan_create(struct ctx *);
int	records_plan_get(struct ctx *);
int	records_plan_patch(struct ctx *);
int	records_plan_status(struct ctx *);
int	records_patient_summary(struct ctx *);

#endif
