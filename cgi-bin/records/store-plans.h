/*
 * SQL of treatment plans (migration 0009). details and goals are stored
 * sealed: the rows carry the boxes, opened by the caller (clinical.h).
 * Functions return an enum db_rc; rows live in the caller's arena.
 */
#ifndef CONCIERGE_W_STORE_PLANS_H
#define CONCIERGE_W_STORE_PLANS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/mem.h"
#include "cgi-bin/records/clinical.h"

/* A page of a list, newest created_at first. */
struct plan_query {
	enum clin_scope	 scope;		/* AUTHOR: created_by */
	const char	*scope_id;
	const char	*status;	/* NULL: any */
	int64_t		 cur_at;	/* keyset: the last row seen, or the maximum */
	const char	*cur_id;	/* "" on the first page */
	long		 limit;		/* rows wanted; one more is read */
};

/* Insert a new plan (its boxes sealed). */
int	store_plan_insert(struct db *, const struct plan_rec *);
/* Plan id; *found 0 or 1; with lock set, locked FOR UPDATE. */
int	store_plan_get(struct db *, struct arena *, const char *id, int lock,
	    struct plan_rec *, int *found);
/*
 * Write p's content, status and times over the row while it still has
 * status from: *n 1 if written, 0 if it changed meanwhile.
 */
int	store_plan_write(struct db *, const struct plan_rec *, const char *from,
	    unsigned long long *n);
/* A page (up to q->limit + 1 rows, to tell whether more follow). */
int	store_plan_list(struct db *, struct arena *, const struct plan_query *,
	    struct plan_rec **out, size_t *n);

#endif
