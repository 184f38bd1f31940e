/*
 * GET /api/v1/audit/verify (auditor, admin): recompute the seal chain
 * with the key from audit.key_file and report
 * {"sealed_through","ok","first_bad_id","problem",...}. The check is
 * audited. It reads every sealed row, so it takes about as long as the
 * CLI's `concierge-audit verify` (README, "Audit trail").
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/seal.h"
#include "cgi-bin/audit/audit.h"

/* The verification's audit row. Returns an enum db_rc. */
static int
audit_verify_row(struct ctx *c, const struct seal_verdict *v)
{
	struct json_object	*meta = json_object_new_object();

	jset_bool(meta, "ok", v->is_ok);
	jset_int(meta, "sealed_through", (long long)v->sealed_through);
	if (!v->is_ok)
		jset_int(meta, "first_bad_id", (long long)v->first_bad_id);
	return audit_self_append(c, "verify", "audit chain verified", meta);
}

int
audit_verify_get(struct ctx *c)
{
	struct audit_filter	 f;
	struct seal_ctx		 sc;
	struct seal_verdict	 v;
	unsigned char		 key[SEAL_KEY_LEN];
	int			 rc;

	if (pol_check(&c->actor, POL_AUDIT_READ, NULL) != POL_ALLOW)
		return audit_deny(c, "verify", "audit_log", NULL, NULL, 0);
	if (audit_filter_parse(c, 0, &f) == -1)
		return 0;
	if (seal_key_load(c->cfg->audit_key_file, key) == -1) {
		problem(c, 503, "audit_key_unavailable",
		    "the audit key is not available to this worker");
		return 0;
	}
	seal_init(&sc, key);
	explicit_bzero(key, sizeof(key));
	rc = seal_verify(c->db, c->arena, &sc, NULL, &v);
	seal_release(&sc);
	if (rc == -1 || audit_verify_row(c, &v) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, seal_verdict_json(&v));
	return 0;
}
