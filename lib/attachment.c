/* Attachments: receive an upload, load, link and list them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/attachment.h"
#include "lib/attachment-sniff.h"
#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"
#include "lib/vault.h"

#define FIELD_FILENAME	"attachments.filename"
#define TX_TRIES	3

/* The state of one upload, released once at the end. */
struct upload {
	struct attfile_writer	 w;
	struct attsniff		 sniff;
	unsigned char		*buf;
	int			 is_started;
};

/* Headers first: type, name, size. 0, or -1 with the reply set. */
static int
check_request(struct ctx *c, int *type)
{
	const char		*fn = c->req->filename, *why;
	long long		 len = c->req->content_length;

	if ((*type = attsniff_type_of(c->req->content_type)) == -1) {
		problem(c, 415, "unsupported_media_type",
		    "send the file as application/pdf, image/png or image/jpeg");
		return -1;
	}
	if (len < 0) {
		problem(c, 411, "length_required", "send Content-Length");
		return -1;
	}
	if ((unsigned long long)len > (unsigned long long)c->cfg->http_max_upload) {
		problem(c, 413, "body_too_large", "the file is larger than allowed");
		return -1;
	}
	if (fn == NULL)
		ctx_error(c, "X-Filename", "is required");
	else if ((why = attachment_filename_check(fn, strlen(fn))) != NULL)
		ctx_error(c, "X-Filename", why);
	if (len == 0)
		ctx_error(c, "body", "must not be empty");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

static void
storage_problem(struct ctx *c, enum attfile_rc rc)
{
	if (rc == ATTFILE_NOSPACE)
		problem(c, 507, "insufficient_storage",
		    "the file cannot be stored now; try again later");
	else
		problem(c, 503, "storage_unavailable",
		    "the file cannot be stored now; try again later");
}

/* Body to encrypted file, checked on the way. 0, or -1 with the reply set. */
static int
stream_in(struct ctx *c, struct upload *u, unsigned char sha[CRYPTO_SHA256_LEN])
{
	enum attfile_rc	 rc;
	long		 n;

	while ((n = http_req_read_some(c->req, c->io, u->buf,
	    ATTFILE_CHUNK)) > 0) {
		if (attsniff_feed(&u->sniff, u->buf, (size_t)n) == -1)
			goto mismatch;
		if ((rc = attfile_write(&u->w, u->buf, (size_t)n)) != ATTFILE_OK) {
			storage_problem(c, rc);
			return -1;
		}
	}
	if (n < 0 || c->req->body_consumed !=
	    (unsigned long long)c->req->content_length) {
		problem(c, 400, "bad_body", "the request body could not be read");
		return -1;
	}
	if (attsniff_finish(&u->sniff) == -1)
		goto mismatch;
	if ((rc = attfile_commit(&u->w, sha)) != ATTFILE_OK) {
		storage_problem(c, rc);
		return -1;
	}
	return 0;
mismatch:
	ctx_error(c, "body", u->sniff.why);
	problem(c, 422, "content_mismatch", "the file is not what its "
	    "Content-Type says, or it is damaged");
	return -1;
}

/* The row and its audit row, in one transaction. Returns an enum db_rc. */
static int
insert_tx(struct ctx *c, const struct attachment_row *r)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	int			 rc;

	jset_str(meta, "content_type", r->content_type);
	jset_int(meta, "size_bytes", (long long)r->size);
	memset(&e, 0, sizeof(e));
	e.action = "create";
	e.entity_type = "attachment";
	e.entity_id = r->id;
	e.outcome = AUDIT_SUCCESS;
	e.summary = "attachment uploaded";
	e.metadata = meta;
	if ((rc = db_begin(c->db)) == DB_OK &&
	    (rc = store_att_insert(c->db, r)) == DB_OK &&
	    (rc = audit_append(c, &e)) == DB_OK)
		rc = db_commit(c->db);
	if (rc != DB_OK && db_in_tx(c->db))
		db_rollback(c->db);
	json_object_put(meta);
	return rc;
}

static int
store_row(struct ctx *c, struct upload *u, struct attachment_row *r, int type)
{
	unsigned char	*sealed;
	size_t		 n;
	int		 rc, tries;

	if (vault_seal(c->cfg, c->arena, FIELD_FILENAME, r->id, r->filename,
	    strlen(r->filename), &sealed, &n) == -1)
		return DB_ERROR;
	r->filename_sealed = sealed;
	r->filename_sealed_len = n;
	r->content_type = attsniff_media_type((enum attsniff_type)type);
	r->size = u->w.size;
	memcpy(r->storage_name, u->w.name, sizeof(r->storage_name));
	r->key_id = u->w.key_id;
	snprintf(r->uploader_id, sizeof(r->uploader_id), "%s", c->actor.user_id);
	r->created_at = utc_now();
	for (tries = 0; (rc = insert_tx(c, r)) == DB_DEADLOCK &&
	    tries < TX_TRIES; tries++)
		;
	return rc;
}

int
attachment_receive(struct ctx *c, struct attachment_row *out)
{
	struct upload	 u;
	enum attfile_rc	 frc;
	int		 type, rc = -1;

	memset(&u, 0, sizeof(u));
	memset(out, 0, sizeof(*out));
	if (check_request(c, &type) == -1)
		return -1;
	if (id_new(out->id) == -1) {
		problem_unavailable(c);
		return -1;
	}
	if ((frc = attfile_create(&u.w, c->cfg, out->id)) != ATTFILE_OK) {
		storage_problem(c, frc);
		return -1;
	}
	u.is_started = 1;
	attsniff_init(&u.sniff, (enum attsniff_type)type);
	u.buf = xmalloc(ATTFILE_CHUNK);
	if (stream_in(c, &u, out->sha256) == -1)
		goto out;
	/* The file is in place: from here a failure must remove it. */
	out->filename = arena_strdup(c->arena, c->req->filename);
	if (store_row(c, &u, out, type) != DB_OK) {
		if (attfile_remove(c->cfg, u.w.name) == -1)
			log_errx("attachments: an orphan file is left for the purge");
		problem_unavailable(c);
		goto out;
	}
	rc = 0;
out:
	attfile_abort(&u.w);
	free(u.buf);
	return rc;
}

static int
open_name(struct ctx *c, struct attachment_row *r)
{
	char	*name;
	size_t	 n;

	if (vault_open(c->cfg, c->arena, FIELD_FILENAME, r->id,
	    r->filename_sealed, r->filename_sealed_len, &name, &n) == -1)
		return DB_ERROR;
	r->filename = name;
	return DB_OK;
}

int
attachment_load(struct ctx *c, const char *id, struct attachment_row *r,
    int *found)
{
	int	 rc;

	*found = 0;
	if (id == NULL || !id_is_valid(id))
		return DB_OK;
	if ((rc = store_att_get(c->db, c->arena, id, r, found)) != DB_OK ||
	    !*found)
		return rc;
	return open_name(c, r);
}

int
attachment_link(struct ctx *c, const char *id, const char *kind,
    const char *record_id, int *linked)
{
	unsigned long long	 n = 0;
	int			 rc;

	*linked = 0;
	rc = store_att_link(c->db, id, c->actor.user_id, kind, record_id,
	    utc_now(), &n);
	if (rc == DB_OK)
		*linked = n == 1;
	return rc;
}

int
attachment_list(struct ctx *c, const char *kind, const char *record_id,
    struct attachment_row **out, size_t *n)
{
	size_t	 i;
	int	 rc;

	if ((rc = store_att_by_record(c->db, c->arena, kind, record_id,
	    ATTACHMENT_PER_RECORD, out, n)) != DB_OK)
		return rc;
	for (i = 0; i < *n; i++)
		if ((rc = open_name(c, &(*out)[i])) != DB_OK)
			return rc;
	return DB_OK;
}

struct json_object *
attachment_view(const struct attachment_row *r)
{
	struct json_object	*o = json_object_new_object(), *at = NULL;
	char			 hex[2 * CRYPTO_SHA256_LEN + 1];

	crypto_hex(r->sha256, sizeof(r->sha256), hex);
	jset_str(o, "id", r->id);
	jset_str(o, "filename", r->filename);
	jset_str(o, "content_type", r->content_type);
	jset_int(o, "size_bytes", (long long)r->size);
	jset_str(o, "sha256", hex);
	jset_str(o, "uploader_id", r->uploader_id);
	jset_time(o, "created_at", r->created_at);
	if (r->attached_kind != NULL) {
		at = json_object_new_object();
		jset_str(at, "kind", r->attached_kind);
		jset_str(at, "id", r->attached_id);
		jset_time(at, "at", r->attached_at);
	}
	jset(o, "attached", at);
	return o;
}
