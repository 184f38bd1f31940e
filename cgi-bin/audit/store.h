/* SQL of the audit worker: filtered lists, the export stream, a patient's access log. */
#ifndef CONCIERGE_W_AUDIT_STORE_H
#define CONCIERGE_W_AUDIT_STORE_H

#include <stdint.h>

#include "lib/db.h"
#include "lib/mem.h"

/* Filters of GET /api/v1/audit and /export; NULL strings are not applied. */
struct audit_filter {
	const char	*actor_id;
	const char	*patient_id;
	const char	*entity_type;
	const char	*entity_id;
	const char	*action;
	const char	*outcome;
	int64_t		 from;		/* at >= from */
	int64_t		 to;		/* at < to */
};

/* Position after the last row of a page, newest first: (at, id). */
struct audit_pos {
	int64_t			 at;
	unsigned long long	 id;
};

/*
 * Up to limit rows matching f that sort after pos in (at, id) descending
 * order, STORE_AUDIT_COLS in each. Returns an enum db_rc.
 */
int	audit_store_list(struct db *, struct arena *, const struct audit_filter *,
	    const struct audit_pos *, long limit, struct db_res *);
/*
 * Stream the rows with from <= at < to in (at, id) order to fn
 * (STORE_AUDIT_COLS). The connection is busy until it returns. Returns
 * an enum db_rc.
 */
int	audit_store_export(struct db *, int64_t from, int64_t to,
	    int (*fn)(void *, const struct db_row *), void *arg);
/*
 * Up to limit successful acts of others on patient_id's records, newest
 * first after pos: id, at, actor_role, actor's full name, action,
 * entity_type, summary. Returns an enum db_rc.
 */
int	audit_store_access_log(struct db *, struct arena *, const char *patient_id,
	    const struct audit_pos *, long limit, struct db_res *);

#endif
