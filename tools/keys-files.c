/*
 * Attachment files under the data keys: each one read through (its
 * SHA-256 checked against the row) and, under an old key, written again
 * under the current one. Crash-safe by order: the new file is complete
 * and on disk (attfile_commit) before the row names it, and the old one
 * goes only after that commit; a crash in between leaves an unnamed
 * file that `concierge-attachments purge` sweeps, never a row naming
 * none.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/attachment-file.h"
#include "lib/log.h"
#include "lib/tx.h"
#include "tools/keys.h"

#define FILE_BATCH	50

static const char SQL_FILES[] =
    "SELECT id, storage_name, key_id, size_bytes, sha256 FROM attachments"
    " WHERE id > ? ORDER BY id LIMIT ?";

static const char SQL_SWITCH[] =
    "UPDATE attachments SET storage_name = ?, key_id = ?"
    " WHERE id = ? AND storage_name = ? AND key_id = ?";

struct keys_file {
	char		 id[ID_LEN + 1];
	char		 name[ATTFILE_NAME_LEN + 1];
	char		 new_name[ATTFILE_NAME_LEN + 1];
	uint32_t	 key_id, current;
	uint64_t	 size;
	unsigned char	 sha[CRYPTO_SHA256_LEN];
	int		 is_switched;
};

/* Copy one row into f. 0, or -1 if it is malformed. */
static int
file_of(const struct db_row *r, struct keys_file *f)
{
	long long	 k, n;

	memset(f, 0, sizeof(*f));
	if (r->len[0] > ID_LEN || r->len[1] != ATTFILE_NAME_LEN ||
	    r->len[4] != CRYPTO_SHA256_LEN || db_cell_int(r->v[2], &k) == -1 ||
	    db_cell_int(r->v[3], &n) == -1 || k <= 0 || n <= 0)
		return -1;
	memcpy(f->id, r->v[0], r->len[0]);
	memcpy(f->name, r->v[1], ATTFILE_NAME_LEN);
	memcpy(f->sha, r->v[4], CRYPTO_SHA256_LEN);
	f->key_id = (uint32_t)k;
	f->size = (uint64_t)n;
	return 0;
}

/*
 * Read f's file through, checking its digest, and when w is not NULL
 * copy it into w (committed). 0, or -1 if it does not open or differs.
 */
static int
read_through(struct ctx *c, const struct keys_file *f, struct attfile_writer *w)
{
	struct attfile_reader	 r;
	const unsigned char	*p;
	unsigned char		 sha[CRYPTO_SHA256_LEN], wsha[CRYPTO_SHA256_LEN];
	long			 n;
	int			 rc = -1;

	if (attfile_open(&r, c->cfg, f->name, f->id, f->key_id, f->size) !=
	    ATTFILE_OK)
		goto out;
	while ((n = attfile_read(&r, &p, sha)) > 0)
		if (w != NULL && attfile_write(w, p, (size_t)n) != ATTFILE_OK)
			goto out;
	if (n < 0 || memcmp(sha, f->sha, sizeof(sha)) != 0)
		goto out;
	if (w != NULL && (attfile_commit(w, wsha) != ATTFILE_OK ||
	    memcmp(wsha, f->sha, sizeof(wsha)) != 0))
		goto out;
	rc = 0;
out:
	attfile_close(&r);
	return rc;
}

/* The row switched to the new file, with its audit row (run by tx_run). */
static int
switch_tx(struct ctx *c, void *arg)
{
	struct keys_file	*f = arg;
	unsigned long long	 n;
	int			 rc;

	f->is_switched = 0;
	if ((rc = db_exec(c->db, SQL_SWITCH, DB_ARGS(DB_TEXT(f->new_name),
	    DB_INT(f->current), DB_TEXT(f->id), DB_TEXT(f->name),
	    DB_INT(f->key_id)), &n)) != DB_OK)
		return rc;
	f->is_switched = n == 1;
	return keys_audit_batch(c, "attachments.file", (unsigned long)n,
	    f->current);
}

/* One file under an old key, written again. 0, or -1 (the old one stays). */
static int
reseal_file(struct ctx *c, struct keys_file *f)
{
	struct attfile_writer	 w;

	f->current = vault_current_key(c->cfg);
	if (attfile_create(&w, c->cfg, f->id) != ATTFILE_OK)
		return -1;
	if (read_through(c, f, &w) == -1) {
		attfile_abort(&w);
		return -1;
	}
	memcpy(f->new_name, w.name, sizeof(f->new_name));
	attfile_abort(&w);	/* committed: only closes */
	if (tx_run(c, switch_tx, f) != DB_OK || !f->is_switched) {
		/* Not named by the row (failed, or changed meanwhile). */
		(void)attfile_remove(c->cfg, f->new_name);
		return f->is_switched ? -1 : 0;
	}
	if (attfile_remove(c->cfg, f->name) == -1)
		log_warnx("keys: an old attachment file stays (purge sweeps it)");
	return 0;
}

int
keys_files_scan(struct ctx *c, struct keys_tally *t, int is_reseal,
    unsigned long max_batches)
{
	struct db_res	 res;
	struct keys_file f;
	char		 last[ID_LEN + 1] = "";
	uint32_t	 current = vault_current_key(c->cfg);
	size_t		 i;

	do {
		arena_reset(c->arena);
		if (db_query(c->db, c->arena, SQL_FILES, DB_ARGS(DB_TEXT(last),
		    DB_INT(FILE_BATCH)), &res) != DB_OK)
			return -1;
		for (i = 0; i < res.nrows; i++) {
			if (file_of(&res.rows[i], &f) == -1) {
				t->bad++;
				continue;
			}
			memcpy(last, f.id, sizeof(last));
			if (read_through(c, &f, NULL) == -1) {
				log_errx("keys: attachment %s does not open", f.id);
				t->bad++;
				continue;
			}
			keys_tally_add(t, f.key_id);
			if (!is_reseal || f.key_id == current)
				continue;
			if (reseal_file(c, &f) == -1) {
				log_errx("keys: attachment %s: cannot write it "
				    "again", f.id);
				return -1;
			}
			t->resealed++;
			if (++t->batches == max_batches)
				return 1;
		}
	} while (res.nrows == FILE_BATCH);
	return 0;
}
