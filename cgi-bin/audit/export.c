/*
 * GET /api/v1/audit/export?from=&to= (auditor): the rows of a time range
 * as NDJSON, one audit row object per line in (at, id) order. Rows go
 * from the database to the client one at a time (db_query_each, the
 * worker's io), so memory stays flat whatever the size of the range.
 * The export is audited before the first byte is sent. If the database
 * fails mid-stream the last line is {"error":"export_incomplete"}.
 */
#include "config.h"

#include <string.h>

#include "lib/audit.h"
#include "lib/json.h"
#include "lib/log.h"
#include "cgi-bin/audit/audit.h"

/* The last line of an export the database broke off (rows have "id"). */
#define EXPORT_FAILED	"{\"error\":\"export_incomplete\"}\n"

/* Push output to the client every this many rows. */
#define EXPORT_FLUSH_ROWS	1000

struct export_state {
	struct ctx		*c;
	unsigned long long	 rows;
	int			 is_client_gone;
};

static int
export_row(void *arg, const struct db_row *r)
{
	struct export_state	*st = arg;
	const struct http_io	*io = st->c->io;
	struct json_object	*o;
	const char		*s;
	size_t			 len;
	int			 rc = 0;

	o = audit_row_json(r->v);
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || io->write(io->ctx, s, len) == -1 ||
	    io->write(io->ctx, "\n", 1) == -1 ||
	    (++st->rows % EXPORT_FLUSH_ROWS == 0 && io->flush(io->ctx) == -1)) {
		st->is_client_gone = 1;
		rc = -1;
	}
	json_object_put(o);
	return rc;
}

int
audit_export_get(struct ctx *c)
{
	struct audit_filter	 f;
	struct export_state	 st;
	struct json_object	*meta;
	int			 rc;

	if (pol_check(&c->actor, POL_AUDIT_EXPORT, NULL) != POL_ALLOW)
		return audit_deny(c, "export", "audit_log", NULL, NULL, 0);
	if (audit_filter_parse(c, AQ_FROM | AQ_TO, &f) == -1)
		return 0;
	/* Audited (and committed) before the first byte goes out. */
	meta = json_object_new_object();
	jset(meta, "filters", audit_filter_json(&f));
	if (audit_self_append(c, "export", "audit log exported", meta) != DB_OK) {
		problem_unavailable(c);
		return 0;
	}
	c->resp->status = 200;
	c->resp->content_type = "application/x-ndjson";
	c->resp->is_streaming = 1;
	(void)http_resp_header(c->resp, "Content-Disposition",
	    "attachment; filename=\"audit.ndjson\"");
	if (http_resp_send_head(c->resp, c->req, c->io) == -1) {
		log_warnx("export: client went away before the head");
		return 0;
	}
	memset(&st, 0, sizeof(st));
	st.c = c;
	rc = audit_store_export(c->db, f.from, f.to, export_row, &st);
	if (rc != DB_OK && st.is_client_gone)
		log_warnx("export: client went away after %llu rows", st.rows);
	else if (rc != DB_OK) {
		/* The head is sent: say so in-band, as a line that is not a row. */
		log_errx("export: database failed after %llu rows", st.rows);
		(void)c->io->write(c->io->ctx, EXPORT_FAILED, sizeof(EXPORT_FAILED) - 1);
	} else
		log_info("export: %llu rows", st.rows);
	(void)c->io->flush(c->io->ctx);
	return 0;
}
