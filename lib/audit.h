/*
 * Audit rows: one per sensitive act, written in the same transaction as
 * the act (or on its own for denials and failed logins). Rows carry
 * ids, never PHI: the summary is a fixed phrase, metadata holds ids.
 */
#ifndef CONCIERGE_AUDIT_H
#define CONCIERGE_AUDIT_H

#include <json.h>

#include "lib/ctx.h"

enum audit_outcome {
	AUDIT_SUCCESS = 0,
	AUDIT_DENIED,
	AUDIT_FAILURE,
};

struct audit_entry {
	const char		*action;	/* "create", "read", "login", ... */
	const char		*entity_type;	/* "user", "patient", ... */
	const char		*entity_id;	/* may be NULL */
	const char		*patient_id;	/* whose record it is; may be NULL */
	enum audit_outcome	 outcome;
	const char		*summary;	/* short fixed text, no PHI */
	struct json_object	*metadata;	/* borrowed; may be NULL */
	const char		*actor_id;	/* NULL: the authenticated actor */
	const char		*actor_role;	/* NULL: the authenticated actor's */
};

/*
 * Append a row on c->db with the actor, request id and client address
 * of c. Inside the caller's transaction if one is open. Returns an enum
 * db_rc.
 */
int	audit_append(struct ctx *, const struct audit_entry *);
/*
 * A successful act of a housekeeping tool, as the system: action on
 * entity_type (no entity id), summary a fixed phrase, meta borrowed (may
 * be NULL). Returns an enum db_rc.
 */
int	audit_append_system(struct ctx *, const char *action,
	    const char *entity_type, const char *summary,
	    struct json_object *meta);
/* Most ids listed in the metadata of one audit_append_read row. */
#define AUDIT_READ_MAX_IDS	500

/*
 * Record a read of PHI: one row per request, however many records it
 * read: metadata is {"ids":[...],"count":n} (at most AUDIT_READ_MAX_IDS
 * ids), and entity_id is ids[0] when n == 1, else NULL.
 * patient_id is whose records they are (NULL if several patients);
 * summary a fixed phrase. Returns an enum db_rc.
 */
int	audit_append_read(struct ctx *, const char *entity_type,
	    const char *const *ids, size_t n, const char *patient_id,
	    const char *summary);
/*
 * Record a denial of action on an entity and set the 403/404 reply for
 * the policy decision. Always returns 0 (the request is answered).
 */
int	audit_deny(struct ctx *, const char *action, const char *entity_type,
	    const char *entity_id, const char *patient_id, int is_hidden);

#endif
