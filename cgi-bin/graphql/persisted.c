/*
 * Persisted documents: a client sends a document's SHA-256 alone and
 * the worker runs the document stored under it, or answers
 * PersistedQueryNotFound so the client sends both once. Documents are
 * stored only after they validated (endpoint.c calls
 * gql_persisted_store after executing), and only under their own hash.
 */
#include "config.h"

#include <string.h>

#include "lib/crypto.h"
#include "lib/db.h"
#include "lib/log.h"
#include "lib/time.h"
#include "cgi-bin/graphql/persisted.h"

/* The lowercase hex hash the extension names, or NULL (none, or not one). */
static const char *
requested_hash(struct json_object *extensions, int *is_bad)
{
	struct json_object	*pq, *h;
	const char		*s;
	size_t			 i;

	*is_bad = 0;
	if (extensions == NULL ||
	    !json_object_object_get_ex(extensions, "persistedQuery", &pq) ||
	    pq == NULL)
		return NULL;
	if (!json_object_is_type(pq, json_type_object) ||
	    !json_object_object_get_ex(pq, "sha256Hash", &h) ||
	    !json_object_is_type(h, json_type_string) ||
	    json_object_get_string_len(h) != 2 * CRYPTO_SHA256_LEN) {
		*is_bad = 1;
		return NULL;
	}
	s = json_object_get_string(h);
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			*is_bad = 1;
			return NULL;
		}
	return s;
}

int
gql_persisted_resolve(struct ctx *c, struct json_object *extensions,
    const char **query, size_t *len, const char **message)
{
	unsigned char	 md[CRYPTO_SHA256_LEN];
	char		 hex[2 * CRYPTO_SHA256_LEN + 1];
	struct db_res	 res;
	const char	*h;
	int		 is_bad;

	if ((h = requested_hash(extensions, &is_bad)) == NULL) {
		if (!is_bad)
			return 0;
		*message = "persistedQuery needs sha256Hash: 64 lowercase hex digits.";
		return 400;
	}
	if (*query != NULL) {
		crypto_sha256(*query, *len, md);
		crypto_hex(md, sizeof(md), hex);
		if (strcmp(hex, h) != 0) {
			*message = "provided sha does not match query";
			return 400;
		}
		return 0;
	}
	if (db_query(c->db, c->arena, "SELECT document FROM graphql_documents "
	    "WHERE sha256 = ?", DB_ARGS(DB_TEXT(h)), &res) != DB_OK) {
		*message = "The database is unavailable; try again shortly.";
		return 503;
	}
	if (res.nrows == 0) {
		*message = "PersistedQueryNotFound";
		return 400;
	}
	*query = res.rows[0].v[0];
	*len = res.rows[0].len[0];
	return 0;
}

void
gql_persisted_store(struct ctx *c, struct json_object *extensions,
    const char *query, size_t len)
{
	const char	*h;
	int		 is_bad, rc;

	if ((h = requested_hash(extensions, &is_bad)) == NULL || query == NULL)
		return;
	rc = db_exec(c->db, "INSERT IGNORE INTO graphql_documents "
	    "(sha256, document, created_at) VALUES (?, ?, ?)",
	    DB_ARGS(DB_TEXT(h), DB_TEXTN(query, len), DB_TIME(utc_now())), NULL);
	if (rc != DB_OK)
		log_warnx("graphql: a persisted document was not stored");
}
