/*
 * Who the actor is to a thread, and the policy question asked with it:
 * one query gives the thread, whether the actor is a current
 * participant and whether they are a verified provider on the
 * patient's care team, so a provider taken off the team loses every
 * thread of that patient at once.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/vault.h"
#include "cgi-bin/messaging/messaging.h"
#include "cgi-bin/messaging/store.h"

int
msg_access_load(struct ctx *c, const char *id, struct msg_access *acc,
    int *found)
{
	int	 rc;

	memset(acc, 0, sizeof(*acc));
	*found = 0;
	if (id == NULL || !id_is_valid(id))
		return DB_OK;
	if ((rc = store_access(c->db, c->arena, id, c->actor.user_id, acc,
	    found)) != DB_OK || !*found)
		return rc;
	acc->is_on_team = acc->is_on_team && c->actor.role == ROLE_PROVIDER;
	acc->res.is_self = acc->is_participant;
	acc->res.is_care_team = acc->is_participant && acc->is_on_team;
	return DB_OK;
}

int
msg_access_check(struct ctx *c, const char *id, enum pol_action act,
    const char *audit_action, struct msg_access *acc)
{
	enum pol_decision	 d;
	int			 found;

	if (msg_access_load(c, id, acc, &found) != DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	if (!found) {
		problem(c, 404, "not_found", "no such thread");
		return -1;
	}
	if ((d = pol_check(&c->actor, act, &acc->res)) != POL_ALLOW) {
		audit_deny(c, audit_action, "thread", acc->t.id,
		    acc->t.patient_id, d == POL_HIDE);
		return -1;
	}
	return 0;
}

int
msg_subject_open(struct ctx *c, struct msg_thread *t)
{
	char	*s;
	size_t	 n;

	if (vault_open(c->cfg, c->arena, MSG_FIELD_SUBJECT, t->id,
	    t->subject_sealed, t->subject_sealed_len, &s, &n) == -1)
		return -1;
	t->subject = s;
	return 0;
}


int
msg_query_names(struct ctx *c, const char *const *names)
{
	size_t	 i, j, k;

	for (i = 0; i < c->req->nqv; i++) {
		for (j = 0; names[j] != NULL; j++)
			if (strcmp(names[j], c->req->qv[i].name) == 0)
				break;
		if (names[j] == NULL) {
			ctx_error(c, c->req->qv[i].name,
			    "is not a parameter of this route");
			continue;
		}
		for (k = 0; k < i; k++)
			if (strcmp(c->req->qv[k].name, names[j]) == 0) {
				ctx_error(c, names[j], "is given more than once");
				break;
			}
	}
	if (c->nerrs > 0) {
		problem_validation(c);
		return -1;
	}
	return 0;
}

const char *
msg_candidate_why(struct ctx *c, const char *id, const char *patient, int *fail)
{
	enum role	 role = ROLE_NONE;
	int		 off, verified, team, found;

	if (store_candidate(c->db, c->arena, id, patient, &role, &off,
	    &verified, &team, &found) != DB_OK) {
		*fail = 1;
		return NULL;
	}
	if (!found)
		return "no such user";
	if (off)
		return "is not an active user";
	if (role == ROLE_STAFF)
		return NULL;
	if (role == ROLE_PROVIDER)
		return verified && team ? NULL :
		    "is not a verified provider on the patient's care team";
	if (role == ROLE_PATIENT)
		return "is another patient: a thread is about one patient";
	return "admins and auditors take no part in threads";
}

