/* JSON views of threads, participants and messages, and field checks. */
#include "config.h"

#include <string.h>

#include "lib/json.h"
#include "cgi-bin/messaging/messaging.h"

struct json_object *
msg_thread_view(const struct msg_thread *t, long long unread)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", t->id);
	jset_str(o, "patient_id", t->patient_id);
	jset_str(o, "subject", t->subject);
	jset_str(o, "created_by", t->created_by);
	jset_time(o, "created_at", t->created_at);
	jset_int(o, "message_count", t->message_count);
	jset_time(o, "last_message_at", t->last_message_at);
	jset_int(o, "unread_count", unread);
	return o;
}

struct json_object *
msg_participants_view(const struct msg_participant *p, size_t n)
{
	struct json_object	*a = json_object_new_array(), *o;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (!p[i].is_active)
			continue;
		o = json_object_new_object();
		jset_str(o, "user_id", p[i].user_id);
		jset_str(o, "role", role_name(p[i].role));
		jset_str(o, "full_name", p[i].full_name);
		jset_time(o, "added_at", p[i].added_at);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
receipts_view(const char *message_id, const struct msg_receipt *r, size_t n)
{
	struct json_object	*a = json_object_new_array(), *o;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (strcmp(r[i].message_id, message_id) != 0)
			continue;
		o = json_object_new_object();
		jset_str(o, "user_id", r[i].recipient_id);
		jset_str(o, "status", r[i].status);
		jset_time(o, "delivered_at", r[i].delivered_at);
		jset_time(o, "read_at", r[i].read_at);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *
msg_message_view(struct ctx *c, const struct msg_message *m,
    const struct msg_receipt *r, size_t nr, struct json_object *attachments)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", m->id);
	jset_str(o, "thread_id", m->thread_id);
	jset_str(o, "sender_id", m->sender_id);
	jset_str(o, "body", m->body);
	jset_time(o, "created_at", m->created_at);
	jset(o, "attachments", attachments != NULL ? attachments :
	    json_object_new_array());
	if (strcmp(m->sender_id, c->actor.user_id) == 0)
		jset(o, "receipts", receipts_view(m->id, r, nr));
	else {
		/* The reader's own receipt (none if they joined later). */
		jset_str(o, "status", m->my_status);
		jset_time(o, "delivered_at", m->my_delivered_at);
		jset_time(o, "read_at", m->my_read_at);
	}
	return o;
}

const char *
msg_check_not_blank(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return NULL;
	return "must not be blank";
}
