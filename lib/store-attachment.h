/*
 * SQL of the attachments table (migration 0008). Functions return an
 * enum db_rc; rows and strings live in the caller's arena.
 */
#ifndef CONCIERGE_STORE_ATTACHMENT_H
#define CONCIERGE_STORE_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/attachment-file.h"
#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/id.h"
#include "lib/mem.h"

struct attachment_row {
	char		 id[ID_LEN + 1];
	char		 uploader_id[ID_LEN + 1];
	const char	*content_type;		/* "application/pdf", ... */
	const char	*filename;		/* opened: UTF-8, NULL until then */
	const unsigned char *filename_sealed;	/* as stored */
	size_t		 filename_sealed_len;
	uint64_t	 size;
	unsigned char	 sha256[CRYPTO_SHA256_LEN];	/* of the plaintext */
	char		 storage_name[ATTFILE_NAME_LEN + 1];
	uint32_t	 key_id;
	const char	*attached_kind;		/* NULL: not attached yet */
	const char	*attached_id;
	int64_t		 attached_at;		/* 0 when not attached */
	int64_t		 created_at;
};

/* Insert a new, unattached row (filename_sealed set). */
int	store_att_insert(struct db *, const struct attachment_row *);
/* One row by id; *found 0 or 1 (filename stays sealed). */
int	store_att_get(struct db *, struct arena *, const char *id,
	    struct attachment_row *, int *found);
/*
 * Link: the compare-and-swap UPDATE ... WHERE id = ? AND uploader_id = ?
 * AND attached_kind IS NULL. *affected 1 if linked now, 0 if not (no
 * such upload of that uploader, or already linked).
 */
int	store_att_link(struct db *, const char *id, const char *uploader_id,
	    const char *kind, const char *record_id, int64_t now,
	    unsigned long long *affected);
/* The files linked to one record (at most max, oldest first). */
int	store_att_by_record(struct db *, struct arena *, const char *kind,
	    const char *record_id, size_t max, struct attachment_row **out,
	    size_t *n);
/* Unattached uploads created before cutoff, oldest first, at most max. */
int	store_att_stale(struct db *, struct arena *, int64_t cutoff, size_t max,
	    struct attachment_row **out, size_t *n);
/* Delete the row of an upload only while it is unattached; *affected 0 or 1. */
int	store_att_delete_unattached(struct db *, const char *id,
	    unsigned long long *affected);
/* Whether some row names this storage name. */
int	store_att_name_exists(struct db *, struct arena *, const char *name,
	    int *exists);

#endif
