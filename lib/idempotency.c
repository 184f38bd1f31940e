/* Idempotency keys: claim, replay, store, release. */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/crypto.h"
#include "lib/idempotency.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/time.h"
#include "lib/vault.h"

/*
 * Stored replies are sealed (lib/vault.h, field idempotency_keys.resp_body,
 * bound to user and key): a reply may carry what the request wrote, a
 * message body or a subject, and the database never holds that in clear.
 * The column holds REPLY_SEALED then the sealed value as base64url.
 */
#define REPLY_FIELD	"idempotency_keys.resp_body"
#define REPLY_SEALED	"vault:"

enum idem_rc {
	IDEM_PROCEED = 0,	/* claimed: run the handler */
	IDEM_ANSWERED,		/* replayed, 409 or 422: done */
	IDEM_RETRY,		/* an expired or stale row was taken over: claim again */
};

static const char SQL_CLAIM[] =
    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, state,"
    " created_at, claimed_at) VALUES (?, ?, ?, 'running', ?, ?)";

static const char SQL_GET[] =
    "SELECT request_hash, state, resp_status, resp_type, resp_body,"
    " created_at, claimed_at FROM idempotency_keys"
    " WHERE user_id = ? AND idem_key = ?";

/*
 * Compare-and-swap on claimed_at: only one of several takers wins, and
 * only an expired row or a claim still running past IDEM_STALE_SECONDS
 * is taken (the conditions are checked again here, so a claim marked
 * committed meanwhile is never taken). now, now, now; key; claimed_at;
 * now - ttl, now - stale.
 */
static const char SQL_TAKE_OVER[] =
    "UPDATE idempotency_keys SET request_hash = ?, state = 'running',"
    " resp_status = NULL, resp_type = NULL, resp_body = NULL,"
    " created_at = ?, claimed_at = ?"
    " WHERE user_id = ? AND idem_key = ? AND claimed_at = ?"
    " AND (created_at < ? OR (state = 'running' AND claimed_at < ?))";

/*
 * Run inside the command's own transaction: the work and this commit
 * together, for exactly our claim, while it may still commit.
 */
static const char SQL_COMMITTED[] =
    "UPDATE idempotency_keys SET state = 'committed'"
    " WHERE user_id = ? AND idem_key = ? AND state = 'running'"
    " AND claimed_at = ? AND claimed_at > ?";

/* The outcome of our claim only (not of one that took it over). */
static const char SQL_STORE[] =
    "UPDATE idempotency_keys SET state = 'done', resp_status = ?,"
    " resp_type = ?, resp_body = ? WHERE user_id = ? AND idem_key = ?"
    " AND claimed_at = ?";

static const char SQL_RELEASE[] =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ?"
    " AND state = 'running' AND claimed_at = ?";

struct idem {
	const char	*key;
	const char	*user_id;
	unsigned char	 hash[CRYPTO_SHA256_LEN];
	int64_t		 claimed_at;	/* of our claim: binds the hook, store, release */
	int		 is_lost;	/* the hook found the claim no longer ours */
};

/*
 * Commit hook: mark our claim committed in the command's transaction.
 * Not exactly one row (taken over, or past IDEM_RUN_SECONDS): the
 * transaction must not commit.
 */
static int
mark_committed(struct db *db, void *arg)
{
	struct idem		*st = arg;
	unsigned long long	 n = 0;
	int			 rc;

	if ((rc = db_exec(db, SQL_COMMITTED, DB_ARGS(DB_TEXT(st->user_id),
	    DB_TEXT(st->key), DB_TIME(st->claimed_at),
	    DB_TIME(utc_now() - IDEM_RUN_SECONDS * UTC_SEC)), &n)) != DB_OK)
		return rc;
	if (n != 1) {
		st->is_lost = 1;
		log_warnx("idempotency: the claim is no longer this request's; "
		    "not committing");
		return DB_ERROR;
	}
	return DB_OK;
}

static int
key_ok(const char *k)
{
	size_t	 i, n = strlen(k);

	if (n == 0 || n > IDEM_KEY_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
			return 0;
	return 1;
}

/* SHA-256 over method, path and body: another route counts as another body. */
static void
request_hash(const struct ctx *c, unsigned char out[CRYPTO_SHA256_LEN])
{
	struct buf	 b;

	buf_init(&b, (size_t)c->cfg->http_max_body + 4096);
	(void)buf_addf(&b, "%s\n%s\n", c->req->method_name, c->req->path);
	if (c->req->body != NULL)
		(void)buf_add(&b, c->req->body, c->req->body_len);
	crypto_sha256(b.data ? b.data : "", b.len, out);
	buf_release(&b);
}

/* The row id a stored reply is bound to: "user_id/key" (arena). */
static const char *
reply_row(struct ctx *c, const char *key)
{
	return arena_printf(c->arena, "%s/%s", c->actor.user_id, key);
}

/* Seal a reply for the column (arena text). NULL if it cannot be sealed. */
static const char *
reply_seal(struct ctx *c, const char *key, const char *body, size_t n)
{
	unsigned char	*sealed;
	size_t		 len, pre = sizeof(REPLY_SEALED) - 1;
	char		*out;

	if (vault_seal(c->cfg, c->arena, REPLY_FIELD, reply_row(c, key), body,
	    n, &sealed, &len) == -1)
		return NULL;
	out = arena_alloc(c->arena, pre + 4 * ((len + 2) / 3) + 1);
	memcpy(out, REPLY_SEALED, pre);
	crypto_b64url(sealed, len, out + pre);
	return out;
}

/*
 * The stored reply in clear: *out and *n; one stored before replies
 * were sealed (no prefix) as it is. 0, or -1 if it does not open.
 */
static int
reply_open(struct ctx *c, const char *key, const char *stored, size_t n,
    const char **out, size_t *outn)
{
	size_t		 pre = sizeof(REPLY_SEALED) - 1, plen;
	unsigned char	*raw;
	char		*plain;
	long		 len;

	if (n < pre || memcmp(stored, REPLY_SEALED, pre) != 0) {
		*out = stored;
		*outn = n;
		return 0;
	}
	raw = arena_alloc(c->arena, 3 * (n - pre) / 4 + 1);
	if ((len = crypto_b64url_decode(stored + pre, n - pre, raw)) < 0 ||
	    vault_open(c->cfg, c->arena, REPLY_FIELD, reply_row(c, key), raw,
	    (size_t)len, &plain, &plen) == -1)
		return -1;
	*out = plain;
	*outn = plen;
	return 0;
}

/*
 * The stored reply as this request's: its bytes, or for an in-process
 * request (GraphQL, http_resp.is_capture) its object.
 */
static void
replay(struct ctx *c, const struct db_row *r, const char *key)
{
	long long		 status = 500;
	const char		*type = "application/json", *body;
	size_t			 n;
	struct json_object	*obj = NULL;

	(void)db_cell_int(r->v[2], &status);
	if (r->v[3] != NULL && strcmp(r->v[3], "application/problem+json") == 0)
		type = "application/problem+json";
	http_resp_init(c->resp, c->resp->body.max);
	if (r->v[4] != NULL && r->len[4] > 0 &&
	    (reply_open(c, key, r->v[4], r->len[4], &body, &n) == -1 ||
	    (c->resp->is_capture ? json_decode(body, n, &obj) != 0 :
	    buf_add(&c->resp->body, body, n) == -1))) {
		log_errx("idempotency: a stored reply does not open");
		problem_unavailable(c);
		return;
	}
	if (c->resp->is_capture) {
		json_object_put(c->resp->captured);
		c->resp->captured = obj;
	}
	c->resp->status = (int)status;
	c->resp->content_type = type;
	(void)http_resp_header(c->resp, "Idempotent-Replayed", "true");
}

/* The key is taken: decide from the stored row. */
static enum idem_rc
existing(struct ctx *c, struct idem *st, int64_t now)
{
	struct db_res	 res;
	const struct db_row *r;
	int64_t		 created, claimed;
	unsigned long long n = 0;

	if (db_query(c->db, c->arena, SQL_GET, DB_ARGS(DB_TEXT(c->actor.user_id),
	    DB_TEXT(st->key)), &res) != DB_OK)
		goto fail;
	if (res.nrows == 0)
		return IDEM_RETRY;	/* released meanwhile */
	r = &res.rows[0];
	if (db_cell_time(r->v[5], &created) == -1 ||
	    db_cell_time(r->v[6], &claimed) == -1)
		goto fail;
	if (created < now - IDEM_TTL_HOURS * UTC_HOUR || (strcmp(r->v[1],
	    "running") == 0 && claimed < now - IDEM_STALE_SECONDS * UTC_SEC)) {
		if (db_exec(c->db, SQL_TAKE_OVER, DB_ARGS(DB_BLOB(st->hash,
		    sizeof(st->hash)), DB_TIME(now), DB_TIME(now),
		    DB_TEXT(c->actor.user_id), DB_TEXT(st->key),
		    DB_TIME(claimed), DB_TIME(now - IDEM_TTL_HOURS * UTC_HOUR),
		    DB_TIME(now - IDEM_STALE_SECONDS * UTC_SEC)), &n) != DB_OK)
			goto fail;
		if (n != 1)
			return IDEM_RETRY;
		st->claimed_at = now;
		return IDEM_PROCEED;
	}
	if (r->len[0] != sizeof(st->hash) ||
	    !crypto_equal(r->v[0], st->hash, sizeof(st->hash))) {
		ctx_error(c, "Idempotency-Key", "was used with another request");
		problem(c, 422, "idempotency_key_reused",
		    "this Idempotency-Key was used with a different request");
		return IDEM_ANSWERED;
	}
	if (strcmp(r->v[1], "running") == 0) {
		problem(c, 409, "idempotency_in_progress",
		    "a request with this Idempotency-Key is still running");
		return IDEM_ANSWERED;
	}
	/* A replay shows what the request answered: ask the policy again. */
	if (strcmp(r->v[1], "done") == 0 &&
	    pol_check(&c->actor, POL_IDEM_REPLAY, NULL) != POL_ALLOW) {
		audit_deny(c, "replay", "idempotency_key", NULL, NULL, 0);
		return IDEM_ANSWERED;
	}
	if (strcmp(r->v[1], "committed") == 0) {
		/* Done, but the reply was lost (a crash): never run it twice. */
		problem(c, 409, "idempotency_reply_lost", "the request with this "
		    "Idempotency-Key was carried out but its reply was lost; "
		    "read the resource instead");
		return IDEM_ANSWERED;
	}
	replay(c, r, st->key);
	return IDEM_ANSWERED;
fail:
	problem_unavailable(c);
	return IDEM_ANSWERED;
}

static enum idem_rc
claim(struct ctx *c, struct idem *st)
{
	int64_t		 now = utc_now();
	int		 rc, tries;

	for (tries = 0; tries < 3; tries++) {
		rc = db_exec(c->db, SQL_CLAIM, DB_ARGS(DB_TEXT(c->actor.user_id),
		    DB_TEXT(st->key), DB_BLOB(st->hash, sizeof(st->hash)),
		    DB_TIME(now), DB_TIME(now)), NULL);
		if (rc == DB_OK) {
			st->claimed_at = now;
			return IDEM_PROCEED;
		}
		/* Galera: another node's claim of this key certified first
		 * (an autocommit insert aborted): try again, it is then a
		 * duplicate once that claim is applied here. */
		if (rc == DB_DEADLOCK)
			continue;
		if (rc != DB_DUPLICATE) {
			problem_unavailable(c);
			return IDEM_ANSWERED;
		}
		if ((rc = existing(c, st, now)) != IDEM_RETRY)
			return rc;
	}
	problem(c, 409, "idempotency_in_progress",
	    "a request with this Idempotency-Key is still running");
	return IDEM_ANSWERED;
}

static void
finish(struct ctx *c, struct idem *st, int fn_rc)
{
	const struct http_resp *r = c->resp;
	const char	*sealed = "", *body = r->body.data;
	size_t		 n = r->body.len;
	int		 rc;

	/* An in-process request's reply is an object: store its text. */
	if (r->is_capture && r->captured != NULL &&
	    (body = json_object_to_json_string_length(r->captured,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n)) == NULL)
		n = 0;
	if (fn_rc != -1 && r->status < 500 && r->status != 0 &&
	    !r->is_streaming && !st->is_lost && n > 0 &&
	    (sealed = reply_seal(c, st->key, body, n)) == NULL)
		log_errx("idempotency: a reply cannot be sealed; the key is released");
	if (fn_rc == -1 || r->status >= 500 || r->status == 0 ||
	    r->is_streaming || st->is_lost || sealed == NULL)
		rc = db_exec(c->db, SQL_RELEASE, DB_ARGS(
		    DB_TEXT(c->actor.user_id), DB_TEXT(st->key),
		    DB_TIME(st->claimed_at)), NULL);
	else
		rc = db_exec(c->db, SQL_STORE, DB_ARGS(DB_INT(r->status),
		    DB_TEXT(r->content_type), DB_TEXT(sealed),
		    DB_TEXT(c->actor.user_id), DB_TEXT(st->key),
		    DB_TIME(st->claimed_at)), NULL);
	/*
	 * If this fails after a commit the claim stays 'committed': a retry
	 * gets 409 idempotency_reply_lost, never a second run.
	 */
	if (rc != DB_OK)
		log_errx("idempotency: cannot record the outcome of a keyed request");
}

int
idem_run(struct ctx *c, int (*fn)(struct ctx *))
{
	struct idem	 st;
	int		 rc;

	if (c->req->idempotency_key == NULL)
		return fn(c);
	memset(&st, 0, sizeof(st));
	st.key = c->req->idempotency_key;
	if (!key_ok(st.key)) {
		ctx_error(c, "Idempotency-Key", "must be 1 to 255 visible ASCII characters");
		problem_validation(c);
		return 0;
	}
	request_hash(c, st.hash);
	st.user_id = c->actor.user_id;
	if (claim(c, &st) == IDEM_ANSWERED)
		return 0;
	db_set_commit_hook(c->db, mark_committed, &st);
	rc = fn(c);
	db_set_commit_hook(c->db, NULL, NULL);
	if (db_in_tx(c->db))
		db_rollback(c->db);
	if (st.is_lost) {
		/* Rolled back: nothing was done; the client may send it again. */
		c->nerrs = 0;
		problem(c, 409, "idempotency_expired", "this request took too "
		    "long and was not carried out; send it again");
		rc = 0;
	}
	finish(c, &st, rc);
	return rc;
}
