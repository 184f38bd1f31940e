/*
 * POST /api/v1/attachments (raw body) and GET /api/v1/attachments/{id}.
 * The work is lib/attachment.h's; here is who may: any patient,
 * provider or staff member uploads; an unattached upload is its
 * uploader's alone; anything else is 404 here (a lab result's files
 * are served by the records worker under its own route).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/attachment.h"
#include "lib/audit.h"
#include "lib/json.h"
#include "cgi-bin/messaging/messaging.h"

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
	res.is_self = a.attached_kind == NULL &&
	    strcmp(a.uploader_id, c->actor.user_id) == 0;
	if (pol_check(&c->actor, POL_ATTACHMENT_READ_OWN, &res) != POL_ALLOW)
		return audit_deny(c, "read", "attachment", a.id, NULL, 1);
	return attachment_send(c, &a, NULL);
}
