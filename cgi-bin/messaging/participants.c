/*
 * POST /api/v1/threads/{id}/participants {user_id} (staff, audited) and
 * DELETE /api/v1/threads/{id}/participants/{user_id} (staff remove
 * anyone but the patient; anyone leaves). Both take the thread's row
 * lock first, like posting, so a message is never sent to, or by,
 * someone half-way in or out. One who left and is added again gets
 * their row back; they see the whole thread, with receipts only for
 * messages posted while they took part.
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

struct add_req {
	struct jv	 user_id;
};

const struct json_field participant_add_fields[] = {
	{ "user_id", JF_ID, JF_REQUIRED, offsetof(struct add_req, user_id), 0, 0,
	  NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

struct change {
	struct msg_access	*acc;
	const char		*user_id;
	int			 is_add;
};

/* A refused change: 403 to one who sees the thread, else 404; audited once. */
static int
refuse(struct ctx *c, struct msg_access *acc, const char *action)
{
	int	 is_visible = pol_check(&c->actor, POL_THREAD_READ, &acc->res) ==
	    POL_ALLOW;

	return audit_deny(c, action, "thread", acc->t.id, acc->t.patient_id,
	    !is_visible);
}

static int
change_audit(struct ctx *c, const struct change *ch)
{
	struct audit_entry	 e;
	struct json_object	*meta = json_object_new_object();
	int			 rc;

	jset_str(meta, "user_id", ch->user_id);
	memset(&e, 0, sizeof(e));
	e.action = ch->is_add ? "add_participant" : "remove_participant";
	e.entity_type = "thread";
	e.entity_id = ch->acc->t.id;
	e.patient_id = ch->acc->t.patient_id;
	e.summary = ch->is_add ? "thread participant added" :
	    "thread participant removed";
	e.metadata = meta;
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

/* Add, or put back one who left. Returns an enum db_rc, or MSG_TX_ANSWERED (409). */
static int
add_one(struct ctx *c, const struct change *ch, int64_t now)
{
	const struct msg_thread	*t = &ch->acc->t;
	unsigned long long	 n;
	int			 rc, state;

	if ((rc = store_participant_state(c->db, c->arena, t->id, ch->user_id,
	    &state)) != DB_OK)
		return rc;
	if (state == 1) {
		problem(c, 409, "already_participant",
		    "the user already takes part in this thread");
		return MSG_TX_ANSWERED;
	}
	if (state == 0)
		return store_participant_add(c->db, t->id, ch->user_id,
		    c->actor.user_id, now);
	return store_participant_rejoin(c->db, t->id, ch->user_id,
	    c->actor.user_id, now, t->last_message_at != JTIME_NULL ?
	    t->last_message_at : t->created_at, &n);
}

static int
change_tx(struct ctx *c, void *arg)
{
	struct change		*ch = arg;
	unsigned long long	 n = 0;
	long long		 count;
	int64_t			 now = utc_now();
	int			 rc, found;

	if ((rc = store_thread_lock(c->db, c->arena, ch->acc->t.id, &count,
	    &found)) != DB_OK)
		return rc;
	if (ch->is_add) {
		if ((rc = add_one(c, ch, now)) != DB_OK ||
		    (rc = events_append(c->db, ch->user_id, MSG_EVENT_ADDED,
		    "thread", ch->acc->t.id)) != DB_OK)
			return rc;
	} else {
		if ((rc = store_participant_leave(c->db, ch->acc->t.id,
		    ch->user_id, now, &n)) != DB_OK)
			return rc;
		if (n == 0) {
			problem(c, 404, "not_found",
			    "the user does not take part in this thread");
			return MSG_TX_ANSWERED;
		}
	}
	return change_audit(c, ch);
}

static int
run_change(struct ctx *c, struct change *ch)
{
	int	 rc = tx_run(c, change_tx, ch);

	if (rc != DB_OK && rc != MSG_TX_ANSWERED)
		problem_unavailable(c);
	return rc;
}

int
msg_participant_add(struct ctx *c)
{
	struct add_req		 r;
	struct msg_access	 acc;
	struct msg_participant	*p;
	struct change		 ch;
	struct json_object	*o;
	const char		*why = NULL, *pat;
	size_t			 n;
	int			 found, fail = 0;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, participant_add_fields, &r) == -1)
		return 0;
	if (msg_access_load(c, c->cap[0], &acc, &found) != DB_OK)
		goto fail;
	if (!found) {
		problem(c, 404, "not_found", "no such thread");
		return 0;
	}
	if (pol_check(&c->actor, POL_THREAD_PARTICIPANT_ADD, &acc.res) != POL_ALLOW)
		return refuse(c, &acc, "add_participant");
	if (strcmp(r.user_id.s, acc.t.patient_id) != 0 &&
	    (why = msg_candidate_why(c, r.user_id.s, acc.t.patient_id, &fail)) !=
	    NULL) {
		ctx_error(c, "user_id", why);
		problem_validation(c);
		return 0;
	}
	if (fail)
		goto fail;
	ch.acc = &acc;
	ch.user_id = r.user_id.s;
	ch.is_add = 1;
	if (run_change(c, &ch) != DB_OK)
		return 0;
	if (msg_subject_open(c, &acc.t) == -1 || store_participants(c->db,
	    c->arena, acc.t.id, &p, &n, &pat) != DB_OK)
		goto fail;
	o = msg_thread_view(&acc.t, acc.unread_count);
	jset(o, "participants", msg_participants_view(p, n));
	json_reply(c, 201, o);
	return 0;
fail:
	problem_unavailable(c);
	return 0;
}

int
msg_participant_remove(struct ctx *c)
{
	struct msg_access	 acc;
	struct pol_resource	 res;
	struct change		 ch;
	const char		*who = c->cap[1];
	int			 found, is_self;

	if (msg_access_load(c, c->cap[0], &acc, &found) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	if (!found || !id_is_valid(who)) {
		problem(c, 404, "not_found", "no such thread");
		return 0;
	}
	/* For this action "self" is leaving: the actor is the one removed. */
	is_self = strcmp(who, c->actor.user_id) == 0;
	res.is_self = is_self && acc.is_participant;
	res.is_care_team = 0;
	if (pol_check(&c->actor, POL_THREAD_PARTICIPANT_REMOVE, &res) != POL_ALLOW)
		return refuse(c, &acc, "remove_participant");
	if (!is_self && strcmp(who, acc.t.patient_id) == 0) {
		problem(c, 409, "patient_stays",
		    "the patient stays on a thread about them; they may leave it");
		return 0;
	}
	ch.acc = &acc;
	ch.user_id = who;
	ch.is_add = 0;
	if (run_change(c, &ch) == DB_OK)
		json_reply_empty(c, 204);
	return 0;
}
