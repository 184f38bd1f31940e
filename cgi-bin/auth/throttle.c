/* Brute-force throttling: keys, limits, claims and the 429 reply. */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/store-user.h"
#include "lib/time.h"
#include "lib/tx.h"
#include "cgi-bin/auth/throttle.h"

/* Request counters only cap by the hour: no consecutive lock. */
#define NO_THRESHOLD	(INT_MAX / 2)

static const char *const scope_audit[] = {
	"account", "address", "email", "reauth", "address", "email",
};

static void
limits_of(const struct cfg *cfg, enum thr_scope s, struct thr_limits *l)
{
	l->threshold = cfg->login_lock_threshold;
	l->max_hour = cfg->login_max_failures_hour;
	l->lock_minutes = cfg->login_lock_minutes;
	switch (s) {
	case THR_LOGIN_ADDRESS:
		l->threshold *= THR_ADDRESS_FACTOR;
		l->max_hour *= THR_ADDRESS_FACTOR;
		break;
	case THR_FORGOT_ADDRESS:
		l->threshold = NO_THRESHOLD;
		l->max_hour = THR_FORGOT_ADDRESS_HOUR;
		break;
	case THR_FORGOT_EMAIL:
		l->threshold = NO_THRESHOLD;
		l->max_hour = THR_FORGOT_EMAIL_HOUR;
		break;
	default:
		break;
	}
}

void
throttle_key_address(struct ctx *c, enum thr_scope s, struct thr_key *k)
{
	const char	*a = c->req->remote_addr, *suffix = "";
	struct in6_addr	 in6;
	char		 txt[INET6_ADDRSTRLEN];
	int		 n;

	memset(k, 0, sizeof(*k));
	k->scope = s;
	if (a == NULL || *a == '\0')
		a = "unknown";
	/* One IPv6 host holds a whole /64: count the /64, not the address. */
	if (strchr(a, ':') != NULL && inet_pton(AF_INET6, a, &in6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&in6))
			a = inet_ntop(AF_INET, in6.s6_addr + 12, txt, sizeof(txt));
		else {
			memset(in6.s6_addr + 8, 0, 8);
			a = inet_ntop(AF_INET6, &in6, txt, sizeof(txt));
			suffix = "/64";
		}
		if (a == NULL)
			a = "unknown";
	}
	n = snprintf((char *)k->key, sizeof(k->key), "%s%s", a, suffix);
	k->len = n < 0 ? 0 : (size_t)n >= sizeof(k->key) ?
	    sizeof(k->key) - 1 : (size_t)n;
}

void
throttle_key_email(struct ctx *c, enum thr_scope s, const char *email,
    struct thr_key *k)
{
	const char	*norm = user_email_norm(c->arena, email);

	memset(k, 0, sizeof(*k));
	k->scope = s;
	crypto_sha256(norm, strlen(norm), k->key);
	k->len = CRYPTO_SHA256_LEN;
}

void
throttle_key_user(enum thr_scope s, const char *user_id, struct thr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->scope = s;
	k->len = strnlen(user_id, ID_LEN);
	memcpy(k->key, user_id, k->len);
}

struct thr_claim {
	const struct thr_key	*k;
	size_t			 n;
	int			 refused;
};

/* Claim against every key, or (1) none: the index of the refusing key in refused. */
static int
claim_tx(struct ctx *c, void *arg)
{
	struct thr_claim	*t = arg;
	struct thr_limits	 l;
	int64_t			 now = utc_now();
	size_t			 i;
	int			 rc, ok;

	t->refused = -1;
	for (i = 0; i < t->n; i++) {
		limits_of(c->cfg, t->k[i].scope, &l);
		if ((rc = store_thr_claim(c->db, &t->k[i], &l, now, &ok)) != DB_OK)
			return rc;
		if (!ok) {
			/* Refused: nothing is counted. */
			t->refused = (int)i;
			return 1;
		}
	}
	return DB_OK;
}

int
throttle_claim(struct ctx *c, const struct thr_key *k, size_t n, int *refused)
{
	struct thr_claim	 t = { k, n, -1 };
	int			 rc;

	rc = tx_run(c, claim_tx, &t);
	*refused = rc == 1 ? t.refused : -1;
	if (rc != DB_OK && rc != 1) {
		log_warnx("throttle: claim failed");
		return -1;
	}
	return 0;
}

int
throttle_fail(struct ctx *c, const struct thr_key *k, size_t n, int *locked)
{
	struct thr_limits	 l;
	int64_t			 now = utc_now();
	size_t			 i;
	int			 rc = DB_OK, one;

	*locked = 0;
	for (i = 0; i < n && rc == DB_OK; i++) {
		limits_of(c->cfg, k[i].scope, &l);
		if ((rc = store_thr_fail(c->db, &k[i], &l, now, &one)) == DB_OK)
			*locked |= one;
	}
	return rc;
}

struct thr_failed {
	const struct thr_key	*k;
	size_t			 n;
	struct audit_entry	*e;
	int			 locked;
};

static int
failed_tx(struct ctx *c, void *arg)
{
	struct thr_failed	*t = arg;
	int			 rc;

	if ((rc = throttle_fail(c, t->k, t->n, &t->locked)) != DB_OK)
		return rc;
	/* Set afresh on each attempt: an earlier one may have decided otherwise. */
	if (t->e->metadata != NULL) {
		json_object_object_del(t->e->metadata, "locked");
		if (t->locked)
			jset_bool(t->e->metadata, "locked", 1);
	}
	return audit_append(c, t->e);
}

int
throttle_failed(struct ctx *c, const struct thr_key *k, size_t n,
    struct audit_entry *e)
{
	struct thr_failed	 t = { k, n, e, 0 };

	return tx_run(c, failed_tx, &t);
}

int
throttle_success(struct ctx *c, const struct thr_key *k, size_t n)
{
	size_t	 i;
	int	 rc = DB_OK;

	for (i = 0; i < n && rc == DB_OK; i++)
		rc = store_thr_success(c->db, &k[i]);
	return rc;
}

int
throttle_undo(struct ctx *c, const struct thr_key *k, size_t n)
{
	size_t	 i;
	int	 rc = DB_OK;

	for (i = 0; i < n && rc == DB_OK; i++)
		rc = store_thr_release(c->db, &k[i]);
	return rc;
}

struct thr_keys {
	const struct thr_key	*k;
	size_t			 n;
};

static int
release_tx(struct ctx *c, void *arg)
{
	const struct thr_keys	*t = arg;

	return throttle_undo(c, t->k, t->n);
}

void
throttle_release(struct ctx *c, const struct thr_key *k, size_t n)
{
	struct thr_keys	 t = { k, n };

	if (tx_run(c, release_tx, &t) != DB_OK)
		log_warnx("throttle: release failed");
}

int
throttle_refuse(struct ctx *c, const struct thr_key *k, const char *action,
    const char *actor_id)
{
	struct audit_entry	 e;
	struct json_object	*meta;
	int64_t			 until = 0, now = utc_now(), secs = 1;
	char			 v[24];

	if (store_thr_locked_until(c->db, c->arena, k, &until) != DB_OK)
		log_warnx("throttle: cannot read the lock");
	if (until > now)
		secs = (until - now + UTC_SEC - 1) / UTC_SEC;
	meta = json_object_new_object();
	jset_str(meta, "reason", until > now ? "locked" : "throttled");
	jset_str(meta, "scope", scope_audit[k->scope]);
	jset_int(meta, "retry_after", secs);
	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = strcmp(action, "login") == 0 ? "session" : "user";
	e.outcome = AUDIT_DENIED;
	e.summary = "attempt throttled";
	e.metadata = meta;
	e.actor_id = actor_id;
	(void)audit_append(c, &e);
	json_object_put(meta);
	problem(c, 429, "too_many_attempts",
	    "too many attempts; try again later");
	snprintf(v, sizeof(v), "%lld", (long long)secs);
	(void)http_resp_header(c->resp, "Retry-After", v);
	return 0;
}
