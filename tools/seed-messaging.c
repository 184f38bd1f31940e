/*
 * Demo messaging data: one thread about patient1 with provider1, three
 * messages (the first with a PDF lab report), receipts as a real
 * conversation leaves them (patient1 has one unread message). Fixed ids
 * make it idempotent; the bodies, subject, file and file name are
 * sealed exactly as the workers seal them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/attachment-file.h"
#include "lib/store-attachment.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/vault.h"
#include "tools/seed.h"

#define THREAD_ID	"demothreadpatientoneaaaaaa"
#define ATTACH_ID	"demoattachmentlabreportaaa"

static const struct {
	const char	*id;
	int		 from_provider;
	const char	*body;
} demo_messages[] = {
	{ "demomessageoneaaaaaaaaaaaa", 1, "Hi Pat, your lab results from "
	  "Tuesday are in. Everything looks normal; the report is attached." },
	{ "demomessagetwoaaaaaaaaaaaa", 0, "Thank you! Should I keep taking "
	  "the vitamin D?" },
	{ "demomessagethreeaaaaaaaaaa", 1, "Yes, 1000 IU a day for three more "
	  "months, then we will check again." },
};
#define NMSG	(sizeof(demo_messages) / sizeof(demo_messages[0]))

static const char DEMO_PDF[] =
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144]"
    " /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n"
    "4 0 obj << /Length 52 >> stream\nBT /F1 14 Tf 20 70 Td (Demo lab report: normal) Tj ET\n"
    "endstream endobj\n"
    "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
    "trailer << /Root 1 0 R >>\n%%EOF\n";

static const char SQL_HAS_THREAD[] = "SELECT 1 FROM threads WHERE id = ?";
static const char SQL_CARE_TEAM[] =
    "INSERT IGNORE INTO care_team (patient_id, provider_id, added_by,"
    " added_at) VALUES (?, ?, NULL, ?)";
static const char SQL_THREAD[] =
    "INSERT INTO threads (id, patient_id, subject, subject_key_id, created_by,"
    " created_at, message_count, last_message_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PARTICIPANT[] =
    "INSERT INTO thread_participants (thread_id, user_id, added_by, added_at,"
    " activity_at, unread_count) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_MESSAGE[] =
    "INSERT INTO messages (id, thread_id, seq, sender_id, body, body_key_id,"
    " attachment_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_RECEIPT[] =
    "INSERT INTO message_receipts (message_id, recipient_id, thread_id, seq,"
    " status, delivered_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

/* The demo PDF, encrypted into the store; the row is left to the caller. */
static int
store_pdf(const struct cfg *cfg, struct attachment_row *a)
{
	struct attfile_writer	 w;

	if (attfile_create(&w, cfg, ATTACH_ID) != ATTFILE_OK)
		return -1;
	if (attfile_write(&w, DEMO_PDF, sizeof(DEMO_PDF) - 1) != ATTFILE_OK) {
		attfile_abort(&w);
		return -1;
	}
	memcpy(a->storage_name, w.name, sizeof(a->storage_name));
	a->key_id = w.key_id;
	a->size = w.size;
	return attfile_commit(&w, a->sha256) == ATTFILE_OK ? 0 : -1;
}

static int
seed_attachment(struct db *db, struct arena *ar, const struct cfg *cfg,
    const char *provider, int64_t at)
{
	static const char	 name[] = "lab-report.pdf";
	struct attachment_row	 a;
	unsigned char		*sealed;
	unsigned long long	 n = 0;
	size_t			 len;

	memset(&a, 0, sizeof(a));
	snprintf(a.id, sizeof(a.id), "%s", ATTACH_ID);
	snprintf(a.uploader_id, sizeof(a.uploader_id), "%s", provider);
	a.content_type = "application/pdf";
	a.created_at = at;
	if (vault_seal(cfg, ar, "attachments.filename", a.id, name,
	    sizeof(name) - 1, &sealed, &len) == -1 || store_pdf(cfg, &a) == -1)
		return -1;
	a.filename_sealed = sealed;
	a.filename_sealed_len = len;
	if (store_att_insert(db, &a) != DB_OK ||
	    store_att_link(db, a.id, provider, "message", demo_messages[0].id,
	    at, &n) != DB_OK || n != 1) {
		(void)attfile_remove(cfg, a.storage_name);
		return -1;
	}
	return 0;
}

/* Receipts: the patient read the first, the provider the second; the third is unread. */
static int
seed_receipts(struct db *db, const char *patient, const char *provider,
    int64_t t0)
{
	size_t		 i;
	const char	*to, *status;
	int64_t		 at;

	for (i = 0; i < NMSG; i++) {
		to = demo_messages[i].from_provider ? patient : provider;
		status = i + 1 < NMSG ? "read" : "sent";
		at = t0 + (int64_t)(i + 1) * 20 * UTC_MIN;
		if (db_exec(db, SQL_RECEIPT, DB_ARGS(DB_TEXT(demo_messages[i].id),
		    DB_TEXT(to), DB_TEXT(THREAD_ID), DB_INT(i + 1), DB_TEXT(status),
		    i + 1 < NMSG ? DB_TIME(at) : DB_NULL,
		    i + 1 < NMSG ? DB_TIME(at) : DB_NULL), NULL) != DB_OK)
			return -1;
	}
	return 0;
}

static int
seed_thread(struct db *db, struct arena *ar, const struct cfg *cfg,
    const char *patient, const char *provider, int64_t t0)
{
	static const char	 subject[] = "Your lab results";
	unsigned char		*sealed;
	size_t			 len, i;
	uint32_t		 key = vault_current_key(cfg);
	int64_t			 last = t0 + (int64_t)(NMSG - 1) * 10 * UTC_MIN;

	if (key == 0 || vault_seal(cfg, ar, "threads.subject", THREAD_ID, subject,
	    sizeof(subject) - 1, &sealed, &len) == -1 ||
	    db_exec(db, SQL_CARE_TEAM, DB_ARGS(DB_TEXT(patient), DB_TEXT(provider),
	    DB_TIME(t0)), NULL) != DB_OK ||
	    db_exec(db, SQL_THREAD, DB_ARGS(DB_TEXT(THREAD_ID), DB_TEXT(patient),
	    DB_BLOB(sealed, len), DB_INT(key), DB_TEXT(provider), DB_TIME(t0),
	    DB_INT(NMSG), DB_TIME(last)), NULL) != DB_OK ||
	    db_exec(db, SQL_PARTICIPANT, DB_ARGS(DB_TEXT(THREAD_ID),
	    DB_TEXT(provider), DB_TEXT(provider), DB_TIME(t0), DB_TIME(last),
	    DB_INT(0)), NULL) != DB_OK ||
	    db_exec(db, SQL_PARTICIPANT, DB_ARGS(DB_TEXT(THREAD_ID),
	    DB_TEXT(patient), DB_TEXT(provider), DB_TIME(t0), DB_TIME(last),
	    DB_INT(1)), NULL) != DB_OK)
		return -1;
	for (i = 0; i < NMSG; i++)
		if (vault_seal(cfg, ar, "messages.body", demo_messages[i].id,
		    demo_messages[i].body, strlen(demo_messages[i].body), &sealed,
		    &len) == -1 || db_exec(db, SQL_MESSAGE, DB_ARGS(
		    DB_TEXT(demo_messages[i].id), DB_TEXT(THREAD_ID), DB_INT(i + 1),
		    DB_TEXT(demo_messages[i].from_provider ? provider : patient),
		    DB_BLOB(sealed, len), DB_INT(key), DB_INT(i == 0),
		    DB_TIME(t0 + (int64_t)i * 10 * UTC_MIN)), NULL) != DB_OK)
			return -1;
	return seed_receipts(db, patient, provider, t0);
}

int
seed_messaging(struct db *db, struct arena *ar, const struct cfg *cfg)
{
	struct user_row	 pat, prov;
	struct db_res	 res;
	int64_t		 t0 = utc_now() - UTC_DAY;
	int		 f1, f2;

	if (store_user_by_email(db, ar, "patient1@demo.test", &pat, &f1) != DB_OK ||
	    store_user_by_email(db, ar, "provider1@demo.test", &prov, &f2) != DB_OK ||
	    !f1 || !f2 ||
	    db_query(db, ar, SQL_HAS_THREAD, DB_ARGS(DB_TEXT(THREAD_ID)), &res) !=
	    DB_OK)
		return -1;
	if (res.nrows > 0)
		return 1;
	if (db_begin(db) != DB_OK)
		return -1;
	/* The file goes in last: a failure before it leaves nothing on disk. */
	if (seed_thread(db, ar, cfg, pat.id, prov.id, t0) == -1 ||
	    seed_attachment(db, ar, cfg, prov.id, t0) == -1 ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return 0;
}
