/*
 * GET /api/v1/lab-results/{id}/attachments/{attachment_id}: a file of a
 * lab result, checked on every request against the result itself: who
 * may not see the result (a patient, while it is preliminary, cancelled
 * or withdrawn) gets 404 for its files too, and a file that is not
 * linked to this result is 404 whoever asks. lib/attachment.h audits
 * the read and streams the file decrypted chunk by chunk, so the
 * worker's memory stays flat whatever the file's size.
 */
#include "config.h"

#include <string.h>

#include "lib/attachment.h"
#include "lib/json.h"
#include "cgi-bin/records/labs.h"
#include "cgi-bin/records/records.h"

int
records_lab_attachment(struct ctx *c)
{
	struct attachment_row	 a;
	struct lab_rec		 r;
	int			 rc, found = 0;

	if ((rc = lab_load_for(c, "read", POL__MAX, &r, NULL)) != 1)
		return rc;
	if (attachment_load(c, c->cap[1], &a, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found || a.attached_kind == NULL ||
	    strcmp(a.attached_kind, ATTACHMENT_KIND_LAB_RESULT) != 0 ||
	    strcmp(a.attached_id, r.id) != 0) {
		problem(c, 404, "not_found", "no such attachment");
		return 0;
	}
	return attachment_send(c, &a, r.patient_id);
}
