/*
 * POST /api/v1/attachments (raw body) and GET /api/v1/attachments/{id}.
 * The work is lib/attachment.h's; here is who may: any patient,
 * provider or staff member uploads; an unattached upload is its
 * uploader's alone; a message's files are for the current participants
 * of its thread, as the thread itself (a provider also on the care
 * team); anything else is 404 here (a lab result's files are served by
 * the records worker under its own route).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/attachment.h"
#include "lib/audit.h"
#include "lib/json.h"
#include "cgi-bin/messaging/messaging.h"
#include "cgi-bin/messaging/store.h"

int
msg_attachment_upload(struct ctx *c)
{
	struct attachment_row	 a;
	char			 loc[64];

	if (pol_check(&c->actor, POL_ATTACHMENT_UPLOAD, NULL) != POL_ALLOW)
		return audit_deny(c, "create", "attachment", NULL, NULL, 0);
	if (attachment_receive(c, &a) == -1)
		return 0;
	json_reply(c, 201, attachment_view(&a));
	snprintf(loc, sizeof(loc), "/api/v1/attachments/%s", a.id);
	(void)http_resp_header(c->resp, "Location", loc);
	return 0;
}

/* A message's file: as visible as the message's thread. */
static int
message_file(struct ctx *c, const struct attachment_row *a)
{
	struct msg_access	 acc;
	const char		*thread = NULL;
	int			 found = 0;

	if (store_message_thread(c->db, c->arena, a->attached_id, &thread,
	    &found) != DB_OK || (found && msg_access_load(c, thread, &acc,
	    &found) != DB_OK)) {
		problem_unavailable(c);
		return 0;
	}
	if (!found || pol_check(&c->actor, POL_MESSAGE_ATTACHMENT_READ,
	    &acc.res) != POL_ALLOW)
		return audit_deny(c, "read", "attachment", a->id,
		    found ? acc.t.patient_id : NULL, 1);
	return attachment_send(c, a, acc.t.patient_id);
}

int
msg_attachment_get(struct ctx *c)
{
	struct attachment_row	 a;
	struct pol_resource	 res = { 0, 0 };
	int			 found = 0;

	if (attachment_load(c, c->cap[0], &a, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such attachment");
		return 0;
	}
	if (a.attached_kind == NULL) {
		res.is_self = strcmp(a.uploader_id, c->actor.user_id) == 0;
		if (pol_check(&c->actor, POL_ATTACHMENT_READ_OWN, &res) != POL_ALLOW)
			return audit_deny(c, "read", "attachment", a.id, NULL, 1);
		return attachment_send(c, &a, NULL);
	}
	if (strcmp(a.attached_kind, ATTACHMENT_KIND_MESSAGE) != 0)
		return audit_deny(c, "read", "attachment", a.id, NULL, 1);
	return message_file(c, &a);
}
