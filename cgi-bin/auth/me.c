/* GET /api/v1/me: the signed-in user and their profile. */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/user-view.h"
#include "cgi-bin/auth/auth.h"

int
auth_me_get(struct ctx *c)
{
	struct user_row		 u;
	struct patient_row	 p;
	struct provider_row	 pr;
	struct audit_entry	 e;
	struct json_object	*o, *profile = NULL;
	int			 found = 0, rc;

	if ((rc = store_user_by_id(c->db, c->arena, c->actor.user_id, &u,
	    &found)) != DB_OK || !found)
		return -1;
	o = json_object_new_object();
	if (u.role == ROLE_PATIENT) {
		if (store_patient_get(c->db, c->arena, u.id, &p, &found) != DB_OK)
			goto fail;
		profile = found ? patient_view(&p) : NULL;
		/* A read of a patient profile, even one's own, is audited. */
		memset(&e, 0, sizeof(e));
		e.action = "read";
		e.entity_type = "patient";
		e.entity_id = u.id;
		e.patient_id = u.id;
		e.outcome = AUDIT_SUCCESS;
		e.summary = "patient profile read";
		if (audit_append(c, &e) != DB_OK)
			goto fail;
	} else if (u.role == ROLE_PROVIDER) {
		if (store_provider_get(c->db, c->arena, u.id, &pr, &found) != DB_OK)
			goto fail;
		profile = found ? provider_view(&pr) : NULL;
	}
	jset(o, "user", user_view(&u));
	jset(o, "profile", profile);
	json_reply(c, 200, o);
	return 0;
fail:
	json_object_put(profile);
	json_object_put(o);
	return -1;
}
