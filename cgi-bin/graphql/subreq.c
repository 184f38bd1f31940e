/*
 * In-process REST requests: a GraphQL root field runs the REST handler
 * that answers the same question, with the caller's actor, database,
 * configuration and request identity, and takes its reply object
 * instead of its bytes (http_resp.is_capture). So GraphQL has no rules
 * of its own: the handler's policy checks, stores, audit rows and
 * problem codes are the REST API's.
 */
#include "config.h"

#include <string.h>

#include <json.h>

#include "lib/db.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/router.h"
#include "lib/worker.h"
#include "cgi-bin/graphql/graphql.h"

extern const struct worker_def auth_worker, records_worker,
    appointments_worker, messaging_worker, waitingroom_worker, audit_worker;

static const struct worker_def *const rest_workers[] = {
	&auth_worker, &records_worker, &appointments_worker,
	&messaging_worker, &waitingroom_worker, &audit_worker,
};

/* Replies are kept as objects; the body buffer only needs to exist. */
#define SUBREQ_BODY_MAX	4096

/* The route of method and path among the REST workers', or NULL. */
static const struct route *
subreq_route(struct ctx *sc, enum http_method m, const char *path)
{
	const struct route	*r;
	char			 allow[128];
	size_t			 i;

	for (i = 0; i < sizeof(rest_workers) / sizeof(rest_workers[0]); i++) {
		sc->ncap = 0;
		if (router_match(rest_workers[i]->routes,
		    rest_workers[i]->nroutes, m, path, sc->arena, &r, sc->cap,
		    &sc->ncap, allow, sizeof(allow)) == ROUTER_OK)
			return r;
	}
	return NULL;
}

int
gql_subreq(struct ctx *c, const struct gql_subreq *q, int *status,
    struct json_object **reply)
{
	struct http_req		 req;
	struct http_resp	 resp;
	struct ctx		 sc;
	const struct route	*r;
	const char		*body = NULL;
	size_t			 len = 0;
	int			 rc, is_down;

	*status = 0;
	*reply = NULL;
	sc = *c;
	sc.nerrs = 0;
	if ((r = subreq_route(&sc, q->method, q->path)) == NULL ||
	    (r->flags & (ROUTE_STREAM | ROUTE_STREAM_BODY | ROUTE_RAW_BODY))) {
		*status = 404;
		return 0;
	}
	if (q->body != NULL &&
	    (body = json_object_to_json_string_length(q->body,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &len)) == NULL)
		return -1;
	req = *c->req;
	req.method = q->method;
	req.method_name = q->method == HTTP_GET ? "GET" :
	    q->method == HTTP_POST ? "POST" : q->method == HTTP_PATCH ?
	    "PATCH" : q->method == HTTP_DELETE ? "DELETE" : "PUT";
	req.path = q->path;
	req.query = "";
	req.qv = q->qv;
	req.nqv = q->nqv;
	req.is_query_bad = 0;
	req.conditional = 0;
	req.body = body == NULL ? NULL : arena_strndup(c->arena, body, len);
	req.body_len = len;
	req.body_consumed = len;
	req.content_length = body == NULL ? 0 : (long long)len;
	req.content_type = body == NULL ? NULL : "application/json";
	memset(&resp, 0, sizeof(resp));
	http_resp_init(&resp, SUBREQ_BODY_MAX);
	resp.status = 0;
	resp.is_capture = 1;
	sc.req = &req;
	sc.resp = &resp;
	rc = r->fn(&sc);
	if (rc == -1 || resp.status == 0) {
		/* As the worker runtime does: a lost database is 503, never 500. */
		is_down = db_is_unavailable(c->db) || db_commit_unknown(c->db);
		if (db_in_tx(c->db))
			db_rollback(c->db);
		sc.nerrs = 0;
		if (is_down)
			problem_unavailable(&sc);
		else
			problem(&sc, 500, "internal",
			    "the request could not be completed");
	}
	*status = resp.status;
	*reply = resp.captured;
	resp.captured = NULL;
	http_resp_release(&resp);
	return 0;
}
