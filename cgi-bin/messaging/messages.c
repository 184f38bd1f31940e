/*
 * POST and GET /api/v1/threads/{id}/messages. A message is 1-10,000
 * characters of UTF-8, sealed at rest (messages.body, bound to the
 * message id), numbered in its thread under the thread's row lock, and
 * never edited or deleted. Posting writes, in one transaction: the
 * message, one 'sent' receipt per other current participant, their
 * unread counts, the attachments' links, the audit row, an event per
 * recipient who can see the thread, and at most one new_secure_message
 * notice (email and SMS rows, outbox_notify) per recipient and thread
 * per messaging.notify_minutes. Reading
 * a page marks the reader's receipts on it 'delivered' and writes one
 * audit row listing the ids read.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/attachment.h"
#include "lib/audit.h"
#include "lib/events.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/outbox.h"
#include "lib/page.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/vault.h"
#include "cgi-bin/messaging/fields.h"
#include "cgi-bin/messaging/messaging.h"
#include "cgi-bin/messaging/store.h"

/* Above any seq: where a newest-first page starts. */
#define SEQ_TOP		0x7fffffffLL

struct post_req {
	struct jv	 body;
	struct jv	 attachment_ids;
};

#define F(n)	offsetof(struct post_req, n)
const struct json_field message_post_fields[] = {
	{ "body", JF_STRING, JF_REQUIRED | JF_MULTILINE, F(body), 1, MSG_BODY_MAX,
	  msg_check_not_blank, NULL, NULL, 0 },
	{ "attachment_ids", JF_IDS, 0, F(attachment_ids), 0, ATTACHMENT_PER_RECORD,
	  NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

struct post {
	struct msg_message	 m;
	const char		*patient_id;
	uint32_t		 key_id;
	const char *const	*att;
	size_t			 natt;
	struct msg_participant	*pt;		/* read under the thread's lock */
	size_t			 npt;
	size_t			 nrecipients;
	enum pol_decision	 refusal;	/* when MSG_TX_DENIED */
};

/* Links every attachment or none. Returns an enum db_rc, or MSG_TX_ANSWERED (422). */
static int
link_all(struct ctx *c, struct post *p)
{
	size_t	 i;
	int	 rc, linked;

	for (i = 0; i < p->natt; i++) {
		if ((rc = attachment_link(c, p->att[i], ATTACHMENT_KIND_MESSAGE,
		    p->m.id, &linked)) != DB_OK)
			return rc;
		if (!linked)
			ctx_error(c, arena_printf(c->arena, "attachment_ids[%zu]", i),
			    "is not an upload of yours that is still unattached");
	}
	if (c->nerrs == 0)
		return DB_OK;
	problem_validation(c);
	return MSG_TX_ANSWERED;
}

/* Events to every recipient who can see the thread; mail at most once a while. */
static int
notify(struct ctx *c, struct post *p, const struct msg_participant *pt,
    size_t n)
{
	int64_t		 now = p->m.created_at;
	int64_t		 since = now - c->cfg->messaging_notify_minutes * UTC_MIN;
	const char	*payload;
	size_t		 i;
	int		 rc, claimed;

	payload = arena_printf(c->arena, "{\"thread_id\":\"%s\"}", p->m.thread_id);
	for (i = 0; i < n; i++) {
		if (!pt[i].has_access || strcmp(pt[i].user_id, p->m.sender_id) == 0)
			continue;
		p->nrecipients++;
		if ((rc = events_append(c->db, pt[i].user_id, MSG_EVENT_CREATED,
		    "thread", p->m.thread_id)) != DB_OK ||
		    (rc = store_notify_claim(c->db, p->m.thread_id, pt[i].user_id,
		    now, since, &claimed)) != DB_OK)
			return rc;
		if (claimed && (rc = outbox_notify(c->db, pt[i].user_id,
		    MSG_TEMPLATE_NEW, payload, 0)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

static int
post_audit(struct ctx *c, const struct post *p)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object(), *ids;
	size_t			 i;
	int			 rc;

	ids = json_object_new_array();
	for (i = 0; i < p->natt; i++)
		json_object_array_add(ids, json_object_new_string(p->att[i]));
	jset_str(meta, "thread_id", p->m.thread_id);
	jset(meta, "attachment_ids", ids);
	jset_int(meta, "recipients", (long long)p->nrecipients);
	memset(&e, 0, sizeof(e));
	e.action = "create";
	e.entity_type = "message";
	e.entity_id = p->m.id;
	e.patient_id = p->patient_id;
	e.summary = "message posted";
	e.metadata = meta;
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

/*
 * The policy, asked under the thread's lock with what the participant
 * rows say now: a current participant (self), also on the care team
 * when a provider. NULL-free: pt lists every participant.
 */
static enum pol_decision
may_post(struct ctx *c, const struct msg_participant *pt, size_t n)
{
	struct pol_resource	 res = { 0, 0 };
	size_t			 i;

	for (i = 0; i < n; i++)
		if (strcmp(pt[i].user_id, c->actor.user_id) == 0) {
			res.is_self = pt[i].is_active;
			res.is_care_team = pt[i].has_access &&
			    c->actor.role == ROLE_PROVIDER;
		}
	return pol_check(&c->actor, POL_MESSAGE_POST, &res);
}

/*
 * Numbering the message locks the thread's row first (adding and
 * removing participants lock it too), so the participants read next
 * cannot change before the commit: the check, the receipts and the
 * notifications all see the same people.
 */
static int
post_tx(struct ctx *c, void *arg)
{
	struct post		*p = arg;
	int			 rc, found;

	p->nrecipients = 0;
	if ((rc = store_thread_next(c->db, p->m.thread_id, p->m.created_at,
	    &p->m.seq, &found)) != DB_OK)
		return rc;
	if (!found) {
		problem(c, 404, "not_found", "no such thread");
		return MSG_TX_ANSWERED;
	}
	if ((rc = store_participants(c->db, c->arena, p->m.thread_id, &p->pt,
	    &p->npt, &p->patient_id)) != DB_OK)
		return rc;
	if ((p->refusal = may_post(c, p->pt, p->npt)) != POL_ALLOW)
		return MSG_TX_DENIED;
	if ((rc = store_message_insert(c->db, &p->m, p->key_id)) != DB_OK ||
	    (rc = link_all(c, p)) != DB_OK)
		return rc;
	if ((rc = store_participants_bump(c->db, p->m.thread_id,
	    p->m.sender_id, p->m.created_at)) != DB_OK ||
	    (rc = store_receipts_insert(c->db, p->m.id, p->m.thread_id,
	    p->m.seq, p->m.sender_id)) != DB_OK ||
	    (rc = notify(c, p, p->pt, p->npt)) != DB_OK ||
	    (rc = post_audit(c, p)) != DB_OK)
		return rc;
	return DB_OK;
}

/* The attachments of a message as JSON (arena rows); NULL on failure. */
static struct json_object *
attachments_json(struct ctx *c, const struct msg_message *m)
{
	struct attachment_row	*rows;
	struct json_object	*a;
	size_t			 i, n;

	if (m->attachment_count == 0)
		return json_object_new_array();
	if (attachment_list(c, ATTACHMENT_KIND_MESSAGE, m->id, &rows, &n) != DB_OK)
		return NULL;
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, attachment_view(&rows[i]));
	return a;
}

/* 201: the message with a 'sent' receipt for each recipient it got. */
static int
posted_reply(struct ctx *c, struct post *p)
{
	struct msg_receipt	*r;
	struct json_object	*att;
	size_t			 i, n = 0;

	if ((att = attachments_json(c, &p->m)) == NULL) {
		problem_unavailable(c);
		return 0;
	}
	r = arena_alloc(c->arena, (p->npt + 1) * sizeof(*r));
	for (i = 0; i < p->npt; i++) {
		if (!p->pt[i].is_active ||
		    strcmp(p->pt[i].user_id, p->m.sender_id) == 0)
			continue;
		r[n].message_id = p->m.id;
		r[n].recipient_id = p->pt[i].user_id;
		r[n].status = "sent";
		r[n].delivered_at = r[n].read_at = JTIME_NULL;
		n++;
	}
	json_reply(c, 201, msg_message_view(c, &p->m, r, n, att));
	return 0;
}

/* No attachment twice. 0, or -1 after a 422. */
static int
distinct(struct ctx *c, const struct jv *ids)
{
	size_t	 i, j;

	for (i = 0; i < ids->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(ids->strs[i], ids->strs[j]) == 0) {
				ctx_error(c, arena_printf(c->arena,
				    "attachment_ids[%zu]", i), "is listed twice");
				break;
			}
	if (c->nerrs == 0)
		return 0;
	problem_validation(c);
	return -1;
}

static int
post(struct ctx *c)
{
	struct post_req	 r;
	struct post	 p;
	unsigned char	*sealed;
	size_t		 len;
	int		 rc;

	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	if (json_parse_body(c, message_post_fields, &r) == -1 ||
	    distinct(c, &r.attachment_ids) == -1)
		return 0;
	if (!id_is_valid(c->cap[0])) {
		problem(c, 404, "not_found", "no such thread");
		return 0;
	}
	if (id_new(p.m.id) == -1 || (p.key_id = vault_current_key(c->cfg)) == 0 ||
	    vault_seal(c->cfg, c->arena, MSG_FIELD_BODY, p.m.id, r.body.s,
	    r.body.len, &sealed, &len) == -1)
		return -1;
	p.m.thread_id = c->cap[0];
	p.m.sender_id = c->actor.user_id;
	p.m.body = r.body.s;
	p.m.body_sealed = sealed;
	p.m.body_sealed_len = len;
	p.m.attachment_count = (int)r.attachment_ids.n;
	p.m.created_at = utc_now();
	p.att = r.attachment_ids.strs;
	p.natt = r.attachment_ids.n;
	if ((rc = tx_run(c, post_tx, &p)) == MSG_TX_ANSWERED)
		return 0;
	if (rc == MSG_TX_DENIED)
		return audit_deny(c, "create", "thread", p.m.thread_id,
		    p.patient_id, p.refusal == POL_HIDE);
	if (rc != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return posted_reply(c, &p);
}

int
msg_message_post(struct ctx *c)
{
	return idem_run(c, post);
}

/* ---- GET /api/v1/threads/{id}/messages ---- */

struct page_q {
	int		 is_ascending;
	long long	 from_seq;
	long		 limit;
};

/* ?after=ID (oldest first after it), ?cursor=, ?limit=. 0, or -1 after a 422. */
static int
page_query(struct ctx *c, const struct msg_access *acc, struct page_q *q)
{
	static const char *const names[] = { "limit", "cursor", "after", NULL };
	const char	*after = http_query(c->req, "after"), *dir, *num;
	struct page	 pg;
	char		*end;
	int		 found = 0;

	if (msg_query_names(c, names) == -1 || page_parse(c, &pg) == -1)
		return -1;
	q->limit = pg.limit;
	q->from_seq = SEQ_TOP;
	if (pg.after != NULL) {
		errno = 0;
		if (page_split(c, pg.after, &dir, &num) == -1 ||
		    (strcmp(dir, "a") != 0 && strcmp(dir, "d") != 0) ||
		    (q->from_seq = strtoll(num, &end, 10), errno != 0 ||
		    end == num || *end != '\0' || q->from_seq < 0)) {
			ctx_error(c, "cursor", "is not a cursor from this list");
			goto bad;
		}
		q->is_ascending = *dir == 'a';
		if (after != NULL)
			ctx_error(c, "after", "goes with the first page only; "
			    "then follow next_cursor");
	} else if (after != NULL) {
		if (!id_is_valid(after) || store_message_seq(c->db, c->arena, after,
		    acc->t.id, &q->from_seq, &found) != DB_OK || !found)
			ctx_error(c, "after", "is not a message of this thread");
		q->is_ascending = 1;
	}
	if (c->nerrs == 0)
		return 0;
bad:
	problem_validation(c);
	return -1;
}

/* Mark the page delivered (for the reader) and audit it, in one transaction. */
struct page_tx {
	const struct msg_access	*acc;
	struct msg_message	*m;
	size_t			 n;
	long long		 lo, hi;
	int			 has_sent;
};

static int
page_tx(struct ctx *c, void *arg)
{
	struct page_tx		*pt = arg;
	unsigned long long	 changed;
	const char		**ids;
	size_t			 i;
	int			 rc;

	ids = arena_alloc(c->arena, (pt->n + 1) * sizeof(*ids));
	for (i = 0; i < pt->n; i++)
		ids[i] = pt->m[i].id;
	if (pt->has_sent && (rc = store_mark_delivered(c->db, c->actor.user_id,
	    pt->acc->t.id, pt->lo, pt->hi, utc_now(), &changed)) != DB_OK)
		return rc;
	return audit_append_read(c, "message", ids, pt->n,
	    pt->acc->t.patient_id, "messages read");
}

/* Bodies opened, receipts of the reader's own messages, the page marked. */
static int
page_load(struct ctx *c, struct page_tx *pt, struct msg_receipt **r,
    size_t *nr)
{
	size_t		 i;
	int		 is_mine = 0;
	char		*s;
	size_t		 len;

	*r = NULL;
	*nr = 0;
	pt->lo = SEQ_TOP;
	pt->hi = 0;
	for (i = 0; i < pt->n; i++) {
		struct msg_message *m = &pt->m[i];

		if (vault_open(c->cfg, c->arena, MSG_FIELD_BODY, m->id,
		    m->body_sealed, m->body_sealed_len, &s, &len) == -1)
			return -1;
		m->body = s;
		pt->lo = m->seq < pt->lo ? m->seq : pt->lo;
		pt->hi = m->seq > pt->hi ? m->seq : pt->hi;
		is_mine |= strcmp(m->sender_id, c->actor.user_id) == 0;
		pt->has_sent |= m->my_status != NULL &&
		    strcmp(m->my_status, "sent") == 0;
	}
	if (is_mine && store_receipts_range(c->db, c->arena, pt->acc->t.id,
	    pt->lo, pt->hi, r, nr) != DB_OK)
		return -1;
	/* Only a page that changes receipts needs a transaction. */
	if ((pt->has_sent ? tx_run(c, page_tx, pt) : page_tx(c, pt)) != DB_OK)
		return -1;
	for (i = 0; pt->has_sent && i < pt->n; i++)
		if (pt->m[i].my_status != NULL &&
		    strcmp(pt->m[i].my_status, "sent") == 0) {
			pt->m[i].my_status = "delivered";
			pt->m[i].my_delivered_at = utc_now();
		}
	return 0;
}

int
msg_message_list(struct ctx *c)
{
	struct msg_access	 acc;
	struct msg_message	*m;
	struct msg_receipt	*r = NULL;
	struct json_object	*data, *att;
	struct page_q		 q;
	struct page_tx		 pt;
	const char		*next = NULL;
	size_t			 i, n, nr = 0;

	memset(&q, 0, sizeof(q));
	if (msg_access_check(c, c->cap[0], POL_MESSAGE_LIST, "list", &acc) == -1 ||
	    page_query(c, &acc, &q) == -1)
		return 0;
	if (store_messages_page(c->db, c->arena, acc.t.id, c->actor.user_id,
	    q.is_ascending, q.from_seq, q.limit, &m, &n) != DB_OK)
		goto fail;
	if (n > (size_t)q.limit) {
		n = (size_t)q.limit;
		next = page_cursor(c, arena_printf(c->arena, "%c|%lld",
		    q.is_ascending ? 'a' : 'd', m[n - 1].seq));
	}
	memset(&pt, 0, sizeof(pt));
	pt.acc = &acc;
	pt.m = m;
	pt.n = n;
	if (n > 0 && page_load(c, &pt, &r, &nr) == -1)
		goto fail;
	data = json_object_new_array();
	for (i = 0; i < n; i++) {
		if ((att = attachments_json(c, &m[i])) == NULL) {
			json_object_put(data);
			goto fail;
		}
		json_object_array_add(data, msg_message_view(c, &m[i], r, nr, att));
	}
	page_reply(c, data, next);
	return 0;
fail:
	problem_unavailable(c);
	return 0;
}
