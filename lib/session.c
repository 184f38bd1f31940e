/* Bearer-token session resolution and creation. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/session.h"
#include "lib/store-session.h"
#include "lib/time.h"

static int
unauthorized(struct ctx *c, const char *detail)
{
	problem(c, 401, "unauthorized", detail);
	(void)http_resp_header(c->resp, "WWW-Authenticate", "Bearer");
	return -1;
}

/* The token part of "Bearer <token>", or NULL if the header is malformed. */
static const char *
bearer(const char *h)
{
	size_t	 i;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	if (strlen(h) != CRYPTO_TOKEN_LEN)
		return NULL;
	for (i = 0; i < CRYPTO_TOKEN_LEN; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '-' || h[i] == '_'))
			return NULL;
	return h;
}

int
session_require(struct ctx *c)
{
	struct session_row	 s;
	unsigned char		 hash[CRYPTO_SHA256_LEN];
	const char		*tok;
	int64_t			 now = utc_now(), idle;
	int			 found;

	if (c->req->authorization == NULL)
		return unauthorized(c, "sign in first");
	if ((tok = bearer(c->req->authorization)) == NULL)
		return unauthorized(c, "the token is invalid or expired");
	crypto_sha256(tok, CRYPTO_TOKEN_LEN, hash);
	if (store_session_by_hash(c->db, c->arena, hash, &s, &found) != DB_OK) {
		problem_unavailable(c);
		return -1;
	}
	idle = c->cfg->session_idle_minutes * UTC_MIN;
	if (!found || s.is_user_disabled || now >= s.expires_at ||
	    now >= s.last_seen_at + idle || s.role == ROLE_NONE)
		return unauthorized(c, "the token is invalid or expired");
	/* Write last_seen at most once per touch interval, not per request. */
	if (now - s.last_seen_at >= c->cfg->session_touch_seconds * UTC_SEC &&
	    store_session_touch(c->db, s.id, now,
	    now - c->cfg->session_touch_seconds * UTC_SEC) != DB_OK)
		log_warnx("session: touch failed");
	c->actor.is_authenticated = 1;
	c->actor.role = s.role;
	c->actor.is_verified = s.is_provider_verified;
	snprintf(c->actor.user_id, sizeof(c->actor.user_id), "%s", s.user_id);
	snprintf(c->actor.session_id, sizeof(c->actor.session_id), "%s", s.id);
	return 0;
}

/* Copy of s cut to max bytes with every byte outside printable ASCII as '?'. */
static const char *
printable(struct arena *a, const char *s, size_t max)
{
	char	*p;
	size_t	 i;

	if (s == NULL)
		return NULL;
	p = arena_strndup(a, s, strnlen(s, max));
	for (i = 0; p[i] != '\0'; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			p[i] = '?';
	return p;
}

int
session_create(struct ctx *c, const char *user_id,
    char token[CRYPTO_TOKEN_LEN + 1], char session_id[ID_LEN + 1],
    int64_t *expires)
{
	struct session_row	 s;
	unsigned char		 hash[CRYPTO_SHA256_LEN];
	int64_t			 now = utc_now();
	int			 rc;

	memset(&s, 0, sizeof(s));
	if (crypto_token(token) == -1 || id_new(s.id) == -1)
		return DB_ERROR;
	crypto_sha256(token, CRYPTO_TOKEN_LEN, hash);
	snprintf(s.user_id, sizeof(s.user_id), "%s", user_id);
	s.created_at = s.last_seen_at = now;
	s.expires_at = now + c->cfg->session_absolute_hours * UTC_HOUR;
	s.user_agent = printable(c->arena, c->req->user_agent, 255);
	s.ip = c->req->remote_addr;
	rc = store_session_insert(c->db, &s, hash);
	if (rc == DB_OK) {
		*expires = s.expires_at;
		snprintf(session_id, ID_LEN + 1, "%s", s.id);
	}
	return rc;
}
