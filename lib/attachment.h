/*
 * Attachments: files patients and staff upload (PDF, PNG, JPEG) and link
 * to exactly one record (a message, a lab result). Shared by every
 * worker that serves them, so uploads, links and downloads behave the
 * same everywhere.
 *
 *   upload    attachment_receive: the raw body streams in 64 KiB pieces
 *             through the content check (lib/attachment-sniff.h) into an
 *             encrypted file (lib/attachment-file.h); the row and its
 *             audit row commit after the file is on disk. Any refusal or
 *             failure leaves neither file nor row.
 *   link      attachment_link: the uploader, inside the transaction that
 *             creates (sends, publishes) the record, before it does.
 *   download  attachment_send: after the caller's own access check,
 *             audited, decrypted and streamed chunk by chunk.
 *
 * The route handlers stay in the workers: they decide who may see what
 * (an unattached upload is its uploader's alone; a linked one is as
 * visible as its record) and answer 404 otherwise.
 */
#ifndef CONCIERGE_ATTACHMENT_H
#define CONCIERGE_ATTACHMENT_H

#include <stddef.h>

#include <json.h>

#include "lib/ctx.h"
#include "lib/store-attachment.h"

/* Longest X-Filename, in bytes. */
#define ATTACHMENT_FILENAME_MAX	255
/* Most attachments one record may hold. */
#define ATTACHMENT_PER_RECORD	10

/* Kinds of record an attachment links to (attachments.attached_kind). */
#define ATTACHMENT_KIND_MESSAGE		"message"
#define ATTACHMENT_KIND_LAB_RESULT	"lab_result"

/*
 * Take the upload of this request (a ROUTE_STREAM_BODY route): check
 * Content-Type (415), X-Filename and the size (422, 411, 413), stream
 * and check the body (422 when it is not what Content-Type says),
 * store it encrypted (507 when the disk is full), insert the row with
 * its audit row. Call after the policy check. Returns 0 with *out
 * filled (filename in clear, arena), or -1 with the problem reply set
 * and nothing left behind.
 */
int	attachment_receive(struct ctx *, struct attachment_row *out);

/*
 * Load attachment id with its file name opened. *found 0 when there is
 * no such row (or id is not an id). Returns an enum db_rc (DB_ERROR
 * also when the stored name does not open).
 */
int	attachment_load(struct ctx *, const char *id, struct attachment_row *,
	    int *found);

/*
 * Link attachment id to record_id of kind, if the actor uploaded it and
 * it is still unattached: the compare-and-swap of the store, meant to
 * run in the caller's transaction. *linked 1 if it is now linked, 0 if
 * it is not the actor's, does not exist or is linked already (the
 * caller answers 422, one reply for all three). Returns an enum db_rc.
 */
int	attachment_link(struct ctx *, const char *id, const char *kind,
	    const char *record_id, int *linked);

/*
 * The attachments of one record, file names opened (arena), oldest
 * first, at most ATTACHMENT_PER_RECORD. Returns an enum db_rc.
 */
int	attachment_list(struct ctx *, const char *kind, const char *record_id,
	    struct attachment_row **out, size_t *n);

/*
 * Answer the request with the file of a (the caller checked access):
 * one audit row (a read of the record of patient_id, may be NULL), then
 * 200 with Content-Type, Content-Length, Content-Disposition: attachment
 * (sanitised name), X-Content-Type-Options: nosniff, and the bytes,
 * decrypted one chunk at a time (worker memory stays flat). A file that
 * is missing or does not open is a 500 before anything is sent; one
 * that breaks off later ends the response short of its Content-Length.
 * Returns 0 (answered).
 */
int	attachment_send(struct ctx *, const struct attachment_row *,
	    const char *patient_id);

/* {id,filename,content_type,size_bytes,sha256,created_at,attached}; new object. */
struct json_object *attachment_view(const struct attachment_row *);

/*
 * Check an X-Filename: 1 to ATTACHMENT_FILENAME_MAX bytes of UTF-8
 * without control characters, bidirectional overrides, '/' or '\',
 * not "." or "..". NULL if fine, else the message for errors[].
 */
const char *attachment_filename_check(const char *, size_t);
/*
 * The Content-Disposition value for a download (arena): attachment; an
 * ASCII filename="..." with anything unsafe replaced by '_', and the
 * name in UTF-8 as filename*= (RFC 6266, RFC 8187); both end with an
 * extension of content_type, added when the name lacks one.
 */
const char *attachment_disposition(struct arena *, const char *filename,
	    const char *content_type);

#endif
