/* The audit worker: its route table, handlers and the helpers they share. */
#ifndef CONCIERGE_W_AUDIT_H
#define CONCIERGE_W_AUDIT_H

#include <json.h>

#include "lib/page.h"
#include "lib/worker.h"
#include "cgi-bin/audit/store.h"

/* Query parameters a route accepts (bits for audit_filter_parse). */
#define AQ_ACTOR_ID	0x001
#define AQ_PATIENT_ID	0x002
#define AQ_ENTITY_TYPE	0x004
#define AQ_ENTITY_ID	0x008
#define AQ_ACTION	0x010
#define AQ_OUTCOME	0x020
#define AQ_FROM		0x040
#define AQ_TO		0x080
#define AQ_PAGE		0x100	/* limit and cursor (read by page_parse) */
#define AQ_FILTERS	0x0ff

/* Name, routes and not-yet-built prefixes of the audit worker. */
extern const struct worker_def audit_worker;

/* GET /api/v1/audit: filtered rows, newest first (auditor, admin). */
int	audit_list_get(struct ctx *);
/* GET /api/v1/audit/export: NDJSON stream of a time range (auditor). */
int	audit_export_get(struct ctx *);
/* GET /api/v1/audit/verify: recompute the seal chain (auditor, admin). */
int	audit_verify_get(struct ctx *);
/* GET /api/v1/me/access-log: who acted on my records (patients). */
int	audit_access_log_get(struct ctx *);

/*
 * Validate the query: every parameter must be one of allowed (AQ_*) and
 * given once; filters are checked and copied into f (from/to default to
 * the whole time range). Returns 0, or -1 after a 422 reply.
 */
int	audit_filter_parse(struct ctx *, unsigned allowed, struct audit_filter *);
/* The filters that were given, as a JSON object for the audit row's metadata. */
struct json_object *audit_filter_json(const struct audit_filter *);
/*
 * Position to list after: the decoded cursor of pg, or the newest end.
 * Returns 0, or -1 after a 422 reply naming cursor.
 */
int	audit_pos_parse(struct ctx *, const struct page *, struct audit_pos *);
/* Cursor text (arena) for the position of a row with cells at and id. */
const char *audit_pos_cursor(struct ctx *, const char *at, const char *id);
/* An audit row (STORE_AUDIT_COLS cells) as the API's JSON object. */
struct json_object *audit_row_json(char *const *v);
/*
 * The first limit rows of res (which was asked for limit + 1) as a JSON
 * array of fn(row); *next gets the cursor after the last one shown when
 * res holds more, else NULL. at_col and id_col name the cursor's cells.
 */
struct json_object *audit_page_json(struct ctx *, const struct db_res *,
	    long limit, struct json_object *(*fn)(char *const *),
	    size_t at_col, size_t id_col, const char **next);
/*
 * Audit a successful act on the log itself (entity audit_log): action,
 * fixed summary, metadata meta (ownership passes here; may be NULL).
 * Returns an enum db_rc.
 */
int	audit_self_append(struct ctx *, const char *action, const char *summary,
	    struct json_object *meta);

#endif
