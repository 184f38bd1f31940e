/*
 * POST /api/v1/threads, GET /api/v1/threads, GET /api/v1/threads/{id}.
 * A thread is about one patient: a patient starts one about themself
 * with their care team (verified providers) and staff, a provider one
 * about a patient of their care team, staff one about anyone; the
 * creator and the patient are always participants. Subjects are sealed
 * (threads.subject, bound to the thread id). Lists show only threads
 * the caller still sees, most recent activity first.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/events.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/page.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "lib/vault.h"
#include "cgi-bin/messaging/fields.h"
#include "cgi-bin/messaging/messaging.h"
#include "cgi-bin/messaging/store.h"

struct create_req {
	struct jv	 patient_id;
	struct jv	 participant_ids;
	struct jv	 subject;
};

#define F(n)	offsetof(struct create_req, n)
const struct json_field thread_create_fields[] = {
	{ "patient_id", JF_ID, JF_REQUIRED, F(patient_id), 0, 0, NULL, NULL, NULL, 0 },
	{ "participant_ids", JF_IDS, JF_REQUIRED, F(participant_ids), 0,
	  MSG_PARTICIPANTS_MAX, NULL, NULL, NULL, 0 },
	{ "subject", JF_STRING, JF_REQUIRED, F(subject), 1, MSG_SUBJECT_MAX,
	  msg_check_not_blank, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* A thread being created: who takes part. */
struct create {
	struct msg_thread	 t;
	uint32_t		 key_id;
	const char		*ids[MSG_PARTICIPANTS_MAX + 2];
	size_t			 n;
};

static int
has(const struct create *cr, const char *id)
{
	size_t	 i;

	for (i = 0; i < cr->n; i++)
		if (strcmp(cr->ids[i], id) == 0)
			return 1;
	return 0;
}

/* Who takes part: the creator, the patient, the named. 0, or -1 with the reply set. */
static int
participants(struct ctx *c, const struct create_req *r, struct create *cr)
{
	const char	*why;
	size_t		 i;
	int		 fail = 0;

	cr->ids[cr->n++] = c->actor.user_id;
	if (!has(cr, r->patient_id.s))
		cr->ids[cr->n++] = r->patient_id.s;
	for (i = 0; i < r->participant_ids.n; i++) {
		const char *id = r->participant_ids.strs[i];

		if (has(cr, id))
			continue;
		if ((why = msg_candidate_why(c, id, r->patient_id.s, &fail)) != NULL)
			ctx_error(c, arena_printf(c->arena, "participant_ids[%zu]",
			    i), why);
		else if (!fail)
			cr->ids[cr->n++] = id;
		if (fail) {
			problem_unavailable(c);
			return -1;
		}
	}
	if (c->nerrs == 0 && cr->n < 2)
		ctx_error(c, "participant_ids", "must name someone to write to");
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

/* The policy (patient self, provider on the team, staff) and the patient. */
static int
create_policy(struct ctx *c, const char *patient)
{
	struct pol_resource	 res = { 0, 0 };
	enum pol_decision	 d;
	int			 yes = 0;

	res.is_self = c->actor.role == ROLE_PATIENT &&
	    strcmp(patient, c->actor.user_id) == 0;
	if (c->actor.role == ROLE_PROVIDER && store_care_team_has(c->db,
	    c->arena, patient, c->actor.user_id, &yes) != DB_OK)
		goto fail;
	res.is_care_team = yes;
	if ((d = pol_check(&c->actor, POL_THREAD_CREATE, &res)) != POL_ALLOW) {
		audit_deny(c, "create", "thread", NULL, patient, d == POL_HIDE);
		return -1;
	}
	if (store_is_patient(c->db, c->arena, patient, &yes) != DB_OK)
		goto fail;
	if (!yes) {
		ctx_error(c, "patient_id", "no such patient");
		problem_validation(c);
		return -1;
	}
	return 0;
fail:
	problem_unavailable(c);
	return -1;
}

static int
create_tx(struct ctx *c, void *arg)
{
	struct create		*cr = arg;
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object(), *ids;
	size_t			 i;
	int			 rc;

	ids = json_object_new_array();
	for (i = 0; i < cr->n; i++)
		json_object_array_add(ids, json_object_new_string(cr->ids[i]));
	jset(meta, "participant_ids", ids);
	memset(&e, 0, sizeof(e));
	e.action = "create";
	e.entity_type = "thread";
	e.entity_id = cr->t.id;
	e.patient_id = cr->t.patient_id;
	e.summary = "thread created";
	e.metadata = meta;
	if ((rc = store_thread_insert(c->db, &cr->t, cr->key_id)) != DB_OK)
		goto out;
	for (i = 0; i < cr->n; i++)
		if ((rc = store_participant_add(c->db, cr->t.id, cr->ids[i],
		    c->actor.user_id, cr->t.created_at)) != DB_OK ||
		    (i > 0 && (rc = events_append(c->db, cr->ids[i],
		    MSG_EVENT_THREAD, "thread", cr->t.id)) != DB_OK))
			goto out;
	rc = audit_append(c, &e);
out:
	json_object_put(meta);
	return rc;
}

/* 201 with the thread and its participants (names read back). */
static int
created_reply(struct ctx *c, struct msg_thread *t)
{
	struct msg_participant	*p;
	struct json_object	*o;
	const char		*pat;
	size_t			 n;

	if (store_participants(c->db, c->arena, t->id, &p, &n, &pat) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	o = msg_thread_view(t, 0);
	jset(o, "participants", msg_participants_view(p, n));
	json_reply(c, 201, o);
	return 0;
}

static int
create(struct ctx *c)
{
	struct create_req	 r;
	struct create		 cr;
	unsigned char		*sealed;
	size_t			 len;

	memset(&r, 0, sizeof(r));
	memset(&cr, 0, sizeof(cr));
	if (json_parse_body(c, thread_create_fields, &r) == -1 ||
	    create_policy(c, r.patient_id.s) == -1 ||
	    participants(c, &r, &cr) == -1)
		return 0;
	if (id_new(cr.t.id) == -1 || (cr.key_id = vault_current_key(c->cfg)) == 0 ||
	    vault_seal(c->cfg, c->arena, MSG_FIELD_SUBJECT, cr.t.id, r.subject.s,
	    r.subject.len, &sealed, &len) == -1)
		return -1;
	cr.t.patient_id = r.patient_id.s;
	cr.t.subject = r.subject.s;
	cr.t.subject_sealed = sealed;
	cr.t.subject_sealed_len = len;
	cr.t.created_by = c->actor.user_id;
	cr.t.created_at = utc_now();
	cr.t.last_message_at = JTIME_NULL;
	if (tx_run(c, create_tx, &cr) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	return created_reply(c, &cr.t);
}

int
msg_thread_create(struct ctx *c)
{
	return idem_run(c, create);
}

/* ---- GET /api/v1/threads/{id} ---- */

int
msg_thread_get(struct ctx *c)
{
	struct msg_access	 acc;
	struct msg_participant	*p;
	struct json_object	*o;
	const char		*id, *pat;
	size_t			 n;

	if (msg_access_check(c, c->cap[0], POL_THREAD_READ, "read", &acc) == -1)
		return 0;
	id = acc.t.id;
	if (msg_subject_open(c, &acc.t) == -1 || store_participants(c->db,
	    c->arena, acc.t.id, &p, &n, &pat) != DB_OK ||
	    audit_append_read(c, "thread", &id, 1, acc.t.patient_id,
	    "thread read") != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	o = msg_thread_view(&acc.t, acc.unread_count);
	jset(o, "participants", msg_participants_view(p, n));
	json_reply(c, 200, o);
	return 0;
}

/* ---- GET /api/v1/threads ---- */

/* Cursor "activity usec|thread id" into after. 0, or -1 after a 422. */
static int
list_after(struct ctx *c, const struct page *pg, struct msg_list_after *after,
    int *is_set)
{
	const char	*ts, *id;
	char		*end;
	long long	 v;

	*is_set = 0;
	if (pg->after == NULL)
		return 0;
	errno = 0;
	if (page_split(c, pg->after, &ts, &id) == -1 || !id_is_valid(id) ||
	    (v = strtoll(ts, &end, 10), errno != 0 || end == ts || *end != '\0')) {
		ctx_error(c, "cursor", "is not a cursor from this list");
		problem_validation(c);
		return -1;
	}
	after->activity_at = v;
	after->thread_id = id;
	*is_set = 1;
	return 0;
}

/*
 * The caller's 'sent' receipts in the listed threads become 'delivered'
 * (their client now knows of those messages), in the transaction of the
 * list's audit row.
 */
struct list_page {
	const struct msg_thread	*t;
	const long long		*unread;
	const char		**ids;
	size_t			 n;
};

static int
list_tx(struct ctx *c, void *arg)
{
	const struct list_page	*lp = arg;
	unsigned long long	 changed;
	size_t			 i;
	int			 rc;

	for (i = 0; i < lp->n; i++)
		if (lp->unread[i] > 0 && (rc = store_mark_delivered(c->db,
		    c->actor.user_id, lp->t[i].id, 1, lp->t[i].message_count,
		    utc_now(), &changed)) != DB_OK)
			return rc;
	return audit_append_read(c, "thread", lp->ids, lp->n, NULL,
	    "threads listed");
}

int
msg_thread_list(struct ctx *c)
{
	static const char *const names[] = { "limit", "cursor", NULL };
	struct msg_list_after	 after;
	struct list_page	 lp;
	struct msg_thread	*t;
	struct json_object	*data;
	struct page		 pg;
	long long		*unread;
	int64_t			*activity;
	const char		**ids, *next = NULL;
	size_t			 i, n;
	int			 has_after;

	if (pol_check(&c->actor, POL_THREAD_LIST, NULL) != POL_ALLOW)
		return audit_deny(c, "list", "thread", NULL, NULL, 0);
	if (msg_query_names(c, names) == -1 || page_parse(c, &pg) == -1 ||
	    list_after(c, &pg, &after, &has_after) == -1)
		return 0;
	if (store_thread_list(c->db, c->arena, c->actor.user_id,
	    c->actor.role == ROLE_PROVIDER, has_after ? &after : NULL, pg.limit,
	    &t, &unread, &activity, &n) != DB_OK)
		goto fail;
	if (n > (size_t)pg.limit) {
		n = (size_t)pg.limit;
		next = page_cursor(c, arena_printf(c->arena, "%lld|%s",
		    (long long)activity[n - 1], t[n - 1].id));
	}
	ids = arena_alloc(c->arena, (n + 1) * sizeof(*ids));
	for (i = 0; i < n; i++) {
		ids[i] = t[i].id;
		if (msg_subject_open(c, &t[i]) == -1)
			goto fail;
	}
	lp.t = t;
	lp.unread = unread;
	lp.ids = ids;
	lp.n = n;
	/* Only a page that changes receipts needs a transaction. */
	for (i = 0; i < n && unread[i] == 0; i++)
		;
	if (n > 0 && (i < n ? tx_run(c, list_tx, &lp) : list_tx(c, &lp)) != DB_OK)
		goto fail;
	data = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(data, msg_thread_view(&t[i], unread[i]));
	page_reply(c, data, next);
	return 0;
fail:
	problem_unavailable(c);
	return 0;
}
