/*
 * TOTP second factor: POST /api/v1/auth/mfa/totp/setup, /enable and
 * /disable (each needs the current password, checked by
 * cgi-bin/auth/reauth.c), and the check at login.
 * Secrets are sealed with AES-256-GCM (crypto.data_key, the user id as
 * associated data); a TOTP step and a recovery code are each accepted
 * once, by conditional UPDATEs whose affected-row count decides.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/outbox.h"
#include "lib/password.h"
#include "lib/time.h"
#include "lib/totp.h"
#include "lib/tx.h"
#include "cgi-bin/auth/auth.h"
#include "cgi-bin/auth/fields.h"
#include "cgi-bin/auth/mfa.h"
#include "cgi-bin/auth/reauth.h"
#include "cgi-bin/auth/store-mfa.h"

/* Recovery codes: 15 random bytes (120 bits), 24 base32 characters. */
#define RECOVERY_BYTES	15
#define RECOVERY_CHARS	TOTP_B32_LEN(RECOVERY_BYTES)
#define RECOVERY_GROUP	6
#define RECOVERY_SHOWN	(RECOVERY_CHARS + RECOVERY_CHARS / RECOVERY_GROUP - 1)
#define SEALED_LEN	(TOTP_SECRET_LEN + CRYPTO_AEAD_OVERHEAD)
#define CODE_MAX	64

struct auth_mfa_setup_req {
	struct jv	 current_password;
};

struct auth_mfa_code_req {
	struct jv	 code;
	struct jv	 current_password;
};

const struct json_field setup_fields[] = {
	{ "current_password", JF_STRING, JF_REQUIRED,
	    offsetof(struct auth_mfa_setup_req, current_password), 1, 1024,
	    NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};

#define F(n)	offsetof(struct auth_mfa_code_req, n)
const struct json_field code_fields[] = {
	{ "code", JF_STRING, JF_REQUIRED, F(code), 1, CODE_MAX, NULL, NULL, NULL, 0 },
	{ "current_password", JF_STRING, JF_REQUIRED, F(current_password), 1,
	    1024, NULL, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0 },
};
#undef F

/* The AES-256-GCM key from crypto.data_key. 0, or -1 after logging. */
static int
mfa_key(const struct cfg *cfg, unsigned char key[CRYPTO_AEAD_KEY_LEN])
{
	const char	*hex = cfg->crypto_data_key;

	if (hex == NULL || strlen(hex) != 2 * CRYPTO_AEAD_KEY_LEN ||
	    crypto_unhex(hex, key, CRYPTO_AEAD_KEY_LEN) == -1) {
		log_errx("mfa: crypto.data_key is not 64 hex digits");
		return -1;
	}
	return 0;
}

/* Seal a secret for user_id into out[SEALED_LEN]. 0 or -1. */
static int
secret_seal(const struct cfg *cfg, const char *user_id,
    const unsigned char secret[TOTP_SECRET_LEN], unsigned char *out)
{
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN];
	int		 rc = -1;

	if (mfa_key(cfg, key) == 0)
		rc = crypto_seal(key, user_id, strlen(user_id), secret,
		    TOTP_SECRET_LEN, out);
	explicit_bzero(key, sizeof(key));
	return rc;
}

/* Open user_id's sealed secret. 0, or -1 (logged) if missing or forged. */
static int
secret_open(const struct cfg *cfg, const char *user_id,
    const unsigned char *box, size_t n, unsigned char secret[TOTP_SECRET_LEN])
{
	unsigned char	 key[CRYPTO_AEAD_KEY_LEN];
	int		 rc = -1;

	if (box == NULL || n != SEALED_LEN)
		log_errx("mfa: stored secret of %s has a bad size", user_id);
	else if (mfa_key(cfg, key) == 0) {
		if ((rc = crypto_open(key, user_id, strlen(user_id), box, n,
		    secret)) == -1)
			log_errx("mfa: stored secret of %s does not open", user_id);
	}
	explicit_bzero(key, sizeof(key));
	return rc;
}

/* An audit row about u's MFA; reason (may be NULL) goes in metadata. */
static int
mfa_audit(struct ctx *c, const struct user_row *u, const char *action,
    enum audit_outcome outcome, const char *summary, const char *reason)
{
	struct audit_entry	 e;
	struct json_object	*meta = NULL;
	int			 rc;

	if (reason != NULL) {
		meta = json_object_new_object();
		jset_str(meta, "reason", reason);
	}
	memset(&e, 0, sizeof(e));
	e.action = action;
	e.entity_type = "user";
	e.entity_id = u->id;
	e.patient_id = u->role == ROLE_PATIENT ? u->id : NULL;
	e.outcome = outcome;
	e.summary = summary;
	e.metadata = meta;
	e.actor_id = u->id;
	e.actor_role = role_name(u->role);
	rc = audit_append(c, &e);
	json_object_put(meta);
	return rc;
}

int
mfa_replay_note(struct ctx *c, const struct user_row *u)
{
	int	 rc, due;

	if ((rc = mfa_audit(c, u, "mfa_verify", AUDIT_DENIED,
	    "totp replay refused", NULL)) != DB_OK ||
	    (rc = store_mfa_replay_mail_due(c->db, u->id, utc_now(),
	    c->cfg->mfa_replay_mail_minutes, &due)) != DB_OK || !due)
		return rc;
	return outbox_enqueue(c->db, OUTBOX_EMAIL, u->id, "mfa_replay", NULL, 0);
}

long
mfa_code_norm(const char *in, char *out, size_t outsz)
{
	size_t	 n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (n + 1 >= outsz)
			return -1;
		out[n++] = (char)(*in >= 'a' && *in <= 'z' ? *in - 'a' + 'A' : *in);
	}
	out[n] = '\0';
	return (long)n;
}

int
mfa_recovery_hash(const char *norm, size_t n,
    unsigned char hash[CRYPTO_SHA256_LEN])
{
	unsigned char	 raw[RECOVERY_BYTES];

	if (n != RECOVERY_CHARS ||
	    totp_b32_decode(norm, n, raw, sizeof(raw)) != RECOVERY_BYTES)
		return -1;
	crypto_sha256(norm, n, hash);
	return 0;
}

/* A new recovery code shown as xxxxxx-xxxxxx-xxxxxx-xxxxxx, and its hash. */
static int
recovery_new(char shown[RECOVERY_SHOWN + 1], unsigned char hash[CRYPTO_SHA256_LEN])
{
	unsigned char	 raw[RECOVERY_BYTES];
	char		 b32[RECOVERY_CHARS + 1];
	size_t		 i, o = 0;

	if (crypto_random(raw, sizeof(raw)) == -1)
		return -1;
	totp_b32_encode(raw, sizeof(raw), b32);
	crypto_sha256(b32, RECOVERY_CHARS, hash);
	for (i = 0; i < RECOVERY_CHARS; i++) {
		if (i > 0 && i % RECOVERY_GROUP == 0)
			shown[o++] = '-';
		shown[o++] = b32[i];
	}
	shown[o] = '\0';
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(b32, sizeof(b32));
	return 0;
}

/* Check a TOTP code (normalized) and take its step. An enum db_rc. */
static int
totp_take(struct ctx *c, const struct user_row *u, const struct mfa_row *m,
    const char *code, enum mfa_code *verdict)
{
	unsigned char		 secret[TOTP_SECRET_LEN];
	unsigned long long	 n = 0;
	int64_t			 step = 0;
	int			 v, rc;

	if (secret_open(c->cfg, u->id, m->secret, m->secret_len, secret) == -1)
		return DB_ERROR;
	v = totp_verify(secret, sizeof(secret), code, utc_now() / UTC_SEC, &step);
	explicit_bzero(secret, sizeof(secret));
	if (v == -1)
		return DB_ERROR;
	*verdict = MFA_CODE_BAD;
	if (v == 0)
		return DB_OK;
	if ((rc = store_mfa_take_step(c->db, u->id, step, &n)) != DB_OK)
		return rc;
	*verdict = n == 1 ? MFA_CODE_OK : MFA_CODE_REPLAY;
	return DB_OK;
}

/*
 * Accept a TOTP or recovery code of u inside the caller's open
 * transaction (a recovery code's use is audited there too). The verdict
 * goes to *verdict; returns an enum db_rc.
 */
static int
code_take(struct ctx *c, const struct user_row *u, const struct mfa_row *m,
    const char *code, enum mfa_code *verdict)
{
	unsigned char		 hash[CRYPTO_SHA256_LEN];
	char			 norm[CODE_MAX + 1];
	unsigned long long	 n = 0;
	long			 len;
	int			 rc;

	*verdict = MFA_CODE_BAD;
	if ((len = mfa_code_norm(code, norm, sizeof(norm))) == -1)
		return DB_OK;
	if (len == TOTP_DIGITS)
		return totp_take(c, u, m, norm, verdict);
	rc = mfa_recovery_hash(norm, (size_t)len, hash);
	explicit_bzero(norm, sizeof(norm));
	if (rc == -1)
		return DB_OK;
	if ((rc = store_mfa_code_use(c->db, u->id, hash, utc_now(), &n)) != DB_OK)
		return rc;
	if (n != 1)
		return DB_OK;
	*verdict = MFA_CODE_OK;
	return mfa_audit(c, u, "mfa_recovery_code", AUDIT_SUCCESS,
	    "recovery code used", NULL);
}

int
mfa_login_take(struct ctx *c, const struct user_row *u, const char *code,
    enum mfa_code *verdict)
{
	struct mfa_row	 m;
	int		 found, rc;

	*verdict = MFA_CODE_BAD;
	if ((rc = store_mfa_get(c->db, c->arena, u->id, 1, &m, &found)) != DB_OK)
		return rc;
	if (!found)
		return DB_ERROR;
	if (!m.is_enabled) {
		*verdict = MFA_CODE_OK;	/* turned off meanwhile: nothing to check */
		return DB_OK;
	}
	return code_take(c, u, &m, code, verdict);
}

/*
 * Load the signed-in user and their MFA columns and re-authenticate
 * them with the current password (cgi-bin/auth/reauth.h: throttled,
 * shared with sign-in, a refusal audited under action). 0 with the claim
 * held in ra, or -1 with the reply set (*fatal set when the runtime must
 * answer 500 instead).
 */
static int
mfa_begin(struct ctx *c, const char *action, const char *summary,
    const char *password, struct user_row *u, struct mfa_row *m,
    struct reauth *ra, int *fatal)
{
	int	 found = 0;

	*fatal = 0;
	if (pol_check(&c->actor, POL_ME_UPDATE, NULL) != POL_ALLOW) {
		audit_deny(c, action, "user", c->actor.user_id, NULL, 0);
		return -1;
	}
	if (store_user_by_id(c->db, c->arena, c->actor.user_id, u, &found) !=
	    DB_OK || !found ||
	    store_mfa_get(c->db, c->arena, u->id, 0, m, &found) != DB_OK || !found) {
		problem_unavailable(c);
		return -1;
	}
	return reauth_password(c, ra, u, action, summary, password, fatal);
}

/* 409 for an MFA state the request does not apply to; the claim goes back. */
static int
mfa_conflict(struct ctx *c, struct reauth *ra, const char *code,
    const char *detail)
{
	reauth_release(c, ra);
	problem(c, 409, code, detail);
	return 0;
}

struct setup_tx {
	struct reauth		*ra;
	const unsigned char	*box;
};

/* Store the sealed pending secret while MFA is off (else 1), audited. */
static int
setup_tx(struct ctx *c, void *arg)
{
	const struct setup_tx	*sp = arg;
	const struct user_row	*u = sp->ra->u;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = reauth_success(c, sp->ra)) != DB_OK ||
	    (rc = store_mfa_set_pending(c->db, u->id, sp->box, SEALED_LEN,
	    utc_now(), &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 1;
	return mfa_audit(c, u, "mfa_setup", AUDIT_SUCCESS, "mfa setup started",
	    NULL);
}

int
auth_mfa_setup(struct ctx *c)
{
	struct auth_mfa_setup_req r;
	struct user_row		 u;
	struct mfa_row		 m;
	struct reauth		 ra;
	struct setup_tx		 sp;
	struct json_object	*o;
	unsigned char		 secret[TOTP_SECRET_LEN], box[SEALED_LEN];
	char			 b32[TOTP_B32_LEN(TOTP_SECRET_LEN) + 1];
	int			 fatal, rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, setup_fields, &r) == -1)
		return 0;
	if (mfa_begin(c, "mfa_setup", "mfa setup refused",
	    r.current_password.s, &u, &m, &ra, &fatal) == -1)
		return fatal ? -1 : 0;
	if (m.is_enabled)
		return mfa_conflict(c, &ra, "mfa_already_enabled",
		    "two-factor sign-in is already on; disable it first");
	if (totp_secret_new(secret) == -1 ||
	    secret_seal(c->cfg, u.id, secret, box) == -1) {
		explicit_bzero(secret, sizeof(secret));
		reauth_release(c, &ra);
		return -1;
	}
	totp_b32_encode(secret, sizeof(secret), b32);
	explicit_bzero(secret, sizeof(secret));
	sp.ra = &ra;
	sp.box = box;
	if ((rc = tx_run(c, setup_tx, &sp)) != DB_OK) {
		explicit_bzero(b32, sizeof(b32));
		if (rc == 1)
			return mfa_conflict(c, &ra, "mfa_already_enabled",
			    "two-factor sign-in is already on; disable it first");
		reauth_release(c, &ra);
		problem_unavailable(c);
		return 0;
	}
	o = json_object_new_object();
	jset_str(o, "secret", b32);
	jset_str(o, "otpauth_uri", totp_uri(c->arena, c->cfg->mfa_issuer,
	    u.email, b32));
	explicit_bzero(b32, sizeof(b32));
	json_reply(c, 200, o);
	return 0;
}

/* Ten new recovery codes: their display forms into arr, hashes into h. */
static int
recovery_batch(struct json_object *arr,
    unsigned char (*h)[CRYPTO_SHA256_LEN])
{
	char	 shown[RECOVERY_SHOWN + 1];
	size_t	 i;

	for (i = 0; i < MFA_RECOVERY_CODES; i++) {
		if (recovery_new(shown, h[i]) == -1)
			return -1;
		json_object_array_add(arr, json_object_new_string(shown));
	}
	explicit_bzero(shown, sizeof(shown));
	return 0;
}

struct enable_tx {
	struct reauth		*ra;
	const struct mfa_row	*m;
	int64_t			 step;
	const unsigned char	(*h)[CRYPTO_SHA256_LEN];
};

/*
 * Turn MFA on with recovery code hashes h, all in one transaction (1:
 * the setup changed meanwhile).
 */
static int
enable_tx(struct ctx *c, void *arg)
{
	const struct enable_tx	*t = arg;
	const struct user_row	*u = t->ra->u;
	unsigned long long	 n = 0;
	int64_t			 now = utc_now();
	int			 rc;

	if ((rc = reauth_success(c, t->ra)) != DB_OK ||
	    (rc = store_mfa_enable(c->db, u->id, t->m->pending,
	    t->m->pending_len, t->step, now, &n)) != DB_OK)
		return rc;
	if (n != 1)
		return 1;
	if ((rc = store_mfa_codes_delete(c->db, u->id)) != DB_OK ||
	    (rc = store_mfa_codes_insert(c->db, u->id, t->h,
	    MFA_RECOVERY_CODES, now)) != DB_OK)
		return rc;
	return mfa_audit(c, u, "mfa_enable", AUDIT_SUCCESS, "mfa enabled",
	    NULL);
}

int
auth_mfa_enable(struct ctx *c)
{
	struct auth_mfa_code_req r;
	struct user_row		 u;
	struct mfa_row		 m;
	struct reauth		 ra;
	struct enable_tx	 t;
	struct json_object	*o, *codes;
	unsigned char		 secret[TOTP_SECRET_LEN];
	unsigned char		 h[MFA_RECOVERY_CODES][CRYPTO_SHA256_LEN];
	int64_t			 step = 0;
	int			 fatal, v, rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, code_fields, &r) == -1)
		return 0;
	if (mfa_begin(c, "mfa_enable", "mfa enable refused",
	    r.current_password.s, &u, &m, &ra, &fatal) == -1)
		return fatal ? -1 : 0;
	if (m.is_enabled)
		return mfa_conflict(c, &ra, "mfa_already_enabled",
		    "two-factor sign-in is already on");
	if (m.pending == NULL)
		return mfa_conflict(c, &ra, "mfa_setup_required",
		    "start with POST /api/v1/auth/mfa/totp/setup");
	v = -1;
	if (secret_open(c->cfg, u.id, m.pending, m.pending_len, secret) == 0)
		v = totp_verify(secret, sizeof(secret), r.code.s,
		    utc_now() / UTC_SEC, &step);
	explicit_bzero(secret, sizeof(secret));
	if (v == -1) {
		reauth_release(c, &ra);
		return -1;
	}
	/* The new secret is not yet the account's: only THR_REAUTH counts it. */
	if (v == 0)
		return reauth_code_failed(c, &ra, REAUTH_OWN_SECRET, "code",
		    "wrong_code");
	codes = json_object_new_array();
	if (recovery_batch(codes, h) == -1) {
		json_object_put(codes);
		reauth_release(c, &ra);
		return -1;
	}
	t.ra = &ra;
	t.m = &m;
	t.step = step;
	t.h = (const unsigned char (*)[CRYPTO_SHA256_LEN])h;
	if ((rc = tx_run(c, enable_tx, &t)) != DB_OK) {
		json_object_put(codes);
		if (rc == 1)
			return mfa_conflict(c, &ra, "mfa_setup_changed",
			    "the setup changed meanwhile; start again");
		reauth_release(c, &ra);
		problem_unavailable(c);
		return 0;
	}
	o = json_object_new_object();
	jset_bool(o, "mfa_enabled", 1);
	jset(o, "recovery_codes", codes);
	json_reply(c, 200, o);
	return 0;
}

struct disable_tx {
	struct reauth		*ra;
	const char		*code;
	enum mfa_code		 verdict;
};

/*
 * The re-authentication's counters first, then the user row locked (the
 * order of every auth transaction), the code checked and used, MFA off
 * and the recovery codes dropped. 1 when the code is refused (verdict),
 * 2 when MFA is already off.
 */
static int
disable_tx(struct ctx *c, void *arg)
{
	struct disable_tx	*t = arg;
	const struct user_row	*u = t->ra->u;
	struct mfa_row		 m;
	unsigned long long	 n = 0;
	int			 found, rc;

	if ((rc = reauth_success(c, t->ra)) != DB_OK ||
	    (rc = store_mfa_get(c->db, c->arena, u->id, 1, &m, &found)) != DB_OK)
		return rc;
	if (!found)
		return DB_ERROR;
	if (!m.is_enabled)
		return 2;
	if ((rc = code_take(c, u, &m, t->code, &t->verdict)) != DB_OK)
		return rc;
	if (t->verdict != MFA_CODE_OK)
		return 1;
	if ((rc = store_mfa_disable(c->db, u->id, utc_now(), &n)) != DB_OK)
		return rc;
	if (n != 1)
		return DB_ERROR;
	if ((rc = store_mfa_codes_delete(c->db, u->id)) != DB_OK)
		return rc;
	return mfa_audit(c, u, "mfa_disable", AUDIT_SUCCESS, "mfa disabled",
	    NULL);
}

static int
replay_note_tx(struct ctx *c, void *arg)
{
	return mfa_replay_note(c, arg);
}

int
auth_mfa_disable(struct ctx *c)
{
	struct auth_mfa_code_req r;
	struct user_row		 u;
	struct mfa_row		 m;
	struct reauth		 ra;
	struct disable_tx	 t;
	struct json_object	*o;
	int			 fatal, rc;

	memset(&r, 0, sizeof(r));
	if (json_parse_body(c, code_fields, &r) == -1)
		return 0;
	if (mfa_begin(c, "mfa_disable", "mfa disable refused",
	    r.current_password.s, &u, &m, &ra, &fatal) == -1)
		return fatal ? -1 : 0;
	if (!m.is_enabled)
		return mfa_conflict(c, &ra, "mfa_not_enabled",
		    "two-factor sign-in is off");
	memset(&t, 0, sizeof(t));
	t.ra = &ra;
	t.code = r.code.s;
	if ((rc = tx_run(c, disable_tx, &t)) == DB_OK) {
		o = json_object_new_object();
		jset_bool(o, "mfa_enabled", 0);
		json_reply(c, 200, o);
		return 0;
	}
	if (rc == 2)
		return mfa_conflict(c, &ra, "mfa_not_enabled",
		    "two-factor sign-in is off");
	if (rc != 1) {
		reauth_release(c, &ra);
		problem_unavailable(c);
		return 0;
	}
	/* The TOTP code is the account's second factor: shared with sign-in. */
	if (t.verdict == MFA_CODE_REPLAY) {
		if (tx_run(c, replay_note_tx, &u) != DB_OK) {
			reauth_release(c, &ra);
			problem_unavailable(c);
			return 0;
		}
		return reauth_code_failed(c, &ra, REAUTH_ACCOUNT_SECRET, "code",
		    "totp_replay");
	}
	return reauth_code_failed(c, &ra, REAUTH_ACCOUNT_SECRET, "code",
	    "wrong_code");
}
