/*
 * GET /api/v1/audit/verify (auditor, admin): recompute the seal chain
 * and check its signed checkpoints with the public keys of
 * audit.verify_key_file (this worker never holds the signing key), and
 * report {"sealed_through","ok","first_bad_id","problem",...}. The check
 * is audited. It reads every sealed row, so it takes about as long as
 * the CLI's `concierge-audit verify` (docs/AUDIT.md, "The audit trail").
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/seal-verify.h"
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
	struct seal_keyring	 ring;
	struct seal_verdict	 v;
	int			 rc;

	if (pol_check(&c->actor, POL_AUDIT_READ, NULL) != POL_ALLOW)
		return audit_deny(c, "verify", "audit_log", NULL, NULL, 0);
	if (audit_filter_parse(c, 0, &f) == -1)
		return 0;
	if (seal_keyring_load(&ring, c->cfg->audit_verify_key_file) == -1) {
		problem(c, 503, "audit_key_unavailable",
		    "the audit verification keys are not available to this "
		    "worker");
		return 0;
	}
	rc = seal_verify(c->db, &ring, NULL, 0, &v);
	seal_keyring_release(&ring);
	if (rc == -1 || audit_verify_row(c, &v) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	json_reply(c, 200, seal_verdict_json(&v));
	return 0;
}
