/*
 * POST /api/v1/threads/{id}/read {up_to_message_id}: the reader's
 * receipts of that message and every earlier one become 'read' (and
 * 'delivered', if they were not), their unread count drops by as many,
 * each sender whose message was read now gets a message.read event, and
 * one audit row lists the ids (the first 500) and the count; the
 * receipts are never all held in memory. Concurrent reads of one thread by one
 * reader serialise on their participant row. GET
 * /api/v1/messages/unread-count: the total and the threads with unread
 * messages, for the threads the caller can see now.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/events.h"
#include "lib/json.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/messaging/fields.h"
#include "cgi-bin/messaging/messaging.h"
#include "cgi-bin/messaging/store.h"

struct read_req {
	struct jv	 up_to_message_id;
};

const struct json_field receipt_read_fields[] = {
	{ "up_to_message_id", JF_ID, JF_REQUIRED,
	  offsetof(struct read_req, up_to_message_id), 0, 0, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

struct mark {
	struct msg_access	 acc;
	const char		*up_to;
	long long		 seq;
	unsigned long long	 marked;
	long long		 left;
};

/* One message.read event per sender (but the reader) who can see the thread. */
static int
tell_senders(struct ctx *c, const struct mark *mk, const char **senders,
    size_t n)
{
	struct msg_participant	*pt;
	const char		*pat;
	size_t			 i, j, np;
	int			 rc;

	if (n == 0)
		return DB_OK;
	if ((rc = store_participants(c->db, c->arena, mk->acc.t.id,
	    &pt, &np, &pat)) != DB_OK)
		return rc;
	for (j = 0; j < np; j++) {
		if (!pt[j].has_access || strcmp(pt[j].user_id, c->actor.user_id) == 0)
			continue;
		for (i = 0; i < n && strcmp(senders[i], pt[j].user_id) != 0; i++)
			;
		if (i < n && (rc = events_append(c->db, pt[j].user_id,
		    MSG_EVENT_READ, "thread", mk->acc.t.id)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* The audit row: the first ids (AUDIT_READ_MAX_IDS) and how many were marked. */
static int
mark_audit(struct ctx *c, const struct mark *mk, const char **ids, size_t n)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object(), *a;
	size_t			 i;
	int			 rc;

	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(ids[i]));
	jset_str(meta, "up_to_message_id", mk->up_to);
	jset(meta, "ids", a);
	jset_int(meta, "count", (long long)mk->marked);
	memset(&e, 0, sizeof(e));
	e.action = "mark_read";
	e.entity_type = "thread";
	e.entity_id = mk->acc.t.id;
	e.patient_id = mk->acc.t.patient_id;
	e.summary = "messages marked read";
	e.metadata = meta;
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

static int
mark_tx(struct ctx *c, void *arg)
{
	struct mark	*mk = arg;
	const char	**ids, **senders;
	size_t		 nids, nsenders;
	int		 rc, found;

	if ((rc = store_participant_lock(c->db, c->arena, mk->acc.t.id,
	    c->actor.user_id, &found)) != DB_OK)
		return rc;
	if (!found)
		return MSG_TX_DENIED;	/* left since the check */
	if ((rc = store_unread_upto(c->db, c->arena, c->actor.user_id,
	    mk->acc.t.id, mk->seq, AUDIT_READ_MAX_IDS, &ids, &nids, &senders,
	    &nsenders)) != DB_OK ||
	    (rc = store_mark_read(c->db, c->actor.user_id, mk->acc.t.id,
	    mk->seq, utc_now(), &mk->marked)) != DB_OK ||
	    (rc = store_unread_sub(c->db, c->arena, c->actor.user_id,
	    mk->acc.t.id, mk->marked, &mk->left)) != DB_OK ||
	    (rc = tell_senders(c, mk, senders, nsenders)) != DB_OK ||
	    (rc = mark_audit(c, mk, ids, nids)) != DB_OK)
		return rc;
	return DB_OK;
}

int
msg_mark_read(struct ctx *c)
{
	struct read_req		 r;
	struct mark		 mk;
	struct json_object	*o;
	int			 rc, found = 0;

	memset(&r, 0, sizeof(r));
	memset(&mk, 0, sizeof(mk));
	if (json_parse_body(c, receipt_read_fields, &r) == -1 ||
	    msg_access_check(c, c->cap[0], POL_MESSAGE_MARK_READ, "mark_read",
	    &mk.acc) == -1)
		return 0;
	if (store_message_seq(c->db, c->arena, r.up_to_message_id.s, mk.acc.t.id,
	    &mk.seq, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found) {
		ctx_error(c, "up_to_message_id", "is not a message of this thread");
		problem_validation(c);
		return 0;
	}
	mk.up_to = r.up_to_message_id.s;
	if ((rc = tx_run(c, mark_tx, &mk)) == MSG_TX_DENIED)
		return audit_deny(c, "mark_read", "thread", mk.acc.t.id,
		    mk.acc.t.patient_id, 1);
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	o = json_object_new_object();
	jset_str(o, "thread_id", mk.acc.t.id);
	jset_str(o, "up_to_message_id", mk.up_to);
	jset_int(o, "marked_read", (long long)mk.marked);
	jset_int(o, "unread_count", mk.left);
	json_reply(c, 200, o);
	return 0;
}

/* Threads counted for the total; the reply lists the first MSG_UNREAD_THREADS. */
#define UNREAD_SCAN	1000

int
msg_unread_count(struct ctx *c)
{
	static const char *const names[] = { NULL };
	struct json_object	*o, *list, *t;
	const char		**ids;
	long long		*counts, total = 0;
	size_t			 i, n;

	if (pol_check(&c->actor, POL_MESSAGE_UNREAD_COUNT, NULL) != POL_ALLOW)
		return audit_deny(c, "unread_count", "thread", NULL, NULL, 0);
	if (msg_query_names(c, names) == -1)
		return 0;
	if (store_unread_counts(c->db, c->arena, c->actor.user_id,
	    c->actor.role == ROLE_PROVIDER, UNREAD_SCAN, &ids, &counts, &n) !=
	    DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		total += counts[i];
		if (i >= MSG_UNREAD_THREADS)
			continue;
		t = json_object_new_object();
		jset_str(t, "thread_id", ids[i]);
		jset_int(t, "unread_count", counts[i]);
		json_object_array_add(list, t);
	}
	o = json_object_new_object();
	jset_int(o, "total", total);
	jset(o, "threads", list);
	json_reply(c, 200, o);
	return 0;
}
