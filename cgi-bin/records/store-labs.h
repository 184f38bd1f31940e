/*
 * SQL of lab results and their versions (migration 0009). Values are
 * stored sealed: the rows here carry the sealed boxes, opened by the
 * caller (clinical.h). Functions return an enum db_rc; rows and
 * strings live in the caller's arena.
 */
#ifndef CONCIERGE_W_STORE_LABS_H
#define CONCIERGE_W_STORE_LABS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/mem.h"
#include "cgi-bin/records/clinical.h"

/* A page of a list, newest listed_at (latest release) first. */
struct lab_query {
	enum clin_scope	 scope;		/* AUTHOR: ordered_by */
	const char	*scope_id;
	const char	*status;	/* NULL: any */
	const char	*test_code;	/* NULL: any */
	int64_t		 lo, hi;	/* listed_at bounds, inclusive */
	int64_t		 cur_at;	/* keyset: the last row seen, or hi + 1 */
	const char	*cur_id;	/* "" on the first page */
	long		 limit;		/* rows wanted; one more is read */
};

/* Insert a new result (its boxes sealed). DB_DUPLICATE on an id clash. */
int	store_lab_insert(struct db *, const struct lab_rec *);
/*
 * Result id; *found 0 or 1. With lock set the row stays locked FOR
 * UPDATE until the transaction ends.
 */
int	store_lab_get(struct db *, struct arena *, const char *id, int lock,
	    struct lab_rec *, int *found);
/*
 * Write r's content, status, version and times over the row while it
 * still has status from and version from_version (compare-and-swap):
 * *n 1 if written, 0 if it changed meanwhile.
 */
int	store_lab_write(struct db *, const struct lab_rec *, const char *from,
	    long long from_version, unsigned long long *n);
/* Append a released version (sealed for its row id lab_id/version). */
int	store_lab_version_insert(struct db *, const char *lab_id,
	    const struct lab_version_rec *);
/* Every version of lab_id, oldest first. */
int	store_lab_versions(struct db *, struct arena *, const char *lab_id,
	    struct lab_version_rec **out, size_t *n);
/* A page (up to q->limit + 1 rows, to tell whether more follow). */
int	store_lab_list(struct db *, struct arena *, const struct lab_query *,
	    struct lab_rec **out, size_t *n);

#endif
