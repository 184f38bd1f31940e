/*
 * Lab results inside the records worker: what labs-write.c,
 * labs-status.c and labs-read.c share.
 */
#ifndef CONCIERGE_W_LABS_H
#define CONCIERGE_W_LABS_H

#include "lib/json.h"
#include "cgi-bin/records/clinical.h"

/*
 * Load lab result c->cap[0] with its text opened. Returns 1, 0 after a
 * 404 or 503 reply, or -1 (a value that does not open: answer 500).
 */
int	lab_load(struct ctx *, struct lab_rec *);
/*
 * Load it and check the actor may see it (verb names the denial's audit
 * row) and, when act is not POL__MAX, may do act (403). Same returns as
 * lab_load; res (may be NULL) gets what the actor is to the patient.
 */
int	lab_load_for(struct ctx *, const char *verb, enum pol_action act,
	    struct lab_rec *, struct pol_resource *res);
/*
 * Inside the transaction: lock the result, and answer 404 if it is gone
 * or 409 when its status is not one of the NULL-terminated from (or,
 * with version >= 0, its version differs). Returns DB_OK with *r
 * filled and opened, 1 when answered, or an enum db_rc.
 */
int	lab_lock(struct ctx *, const char *id, const char *const *from,
	    long long version, struct lab_rec *r);
/*
 * Inside the transaction: write r over the row that had status from and
 * version from_version, or answer 409. With reseal the text is sealed
 * anew; without, the boxes read by lab_lock are written back unchanged
 * (a status change never touches the content). DB_OK, 1 or enum db_rc.
 */
int	lab_store(struct ctx *, struct lab_rec *r, const char *from,
	    long long from_version, int reseal);
/*
 * Inside the transaction: link the actor's unattached uploads ids (may
 * be unset) to result r, at most ATTACHMENT_PER_RECORD in all, and add
 * them to r->attachment_ids. DB_OK, 1 after a 404 (an upload that is
 * not the actor's, not unattached or not there) or 422, or an enum db_rc.
 */
int	lab_link(struct ctx *, struct lab_rec *r, const struct jv *ids);
/* Files a request names at most, and no id twice: 0, or -1 (error recorded). */
int	lab_ids_check(struct ctx *, const struct jv *ids);
/* Inside the transaction: append r's content as its version r->version. */
int	lab_snapshot(struct ctx *, const struct lab_rec *, const char *reason);

#endif
