/*
 * cgi-bin/graphql/persisted.h: persisted documents by SHA-256
 * (extensions.persistedQuery {version: 1, sha256Hash}; migration 0020).
 */
#ifndef CONCIERGE_W_GQL_PERSISTED_H
#define CONCIERGE_W_GQL_PERSISTED_H

#include <stddef.h>

#include <json.h>

#include "lib/ctx.h"

/*
 * Before parsing: with a persistedQuery extension and no document, load
 * the document of that hash into *query; with both, check that the
 * hash is the document's. 0 (go on), or an HTTP status with *message
 * ("PersistedQueryNotFound", "provided sha does not match query").
 */
int	gql_persisted_resolve(struct ctx *, struct json_object *extensions,
	    const char **query, size_t *len, const char **message);

/* After a document validated: keep it under its hash if the client asked. */
void	gql_persisted_store(struct ctx *, struct json_object *extensions,
	    const char *query, size_t len);

#endif
