/*
 * SQL of the audit worker. Lists are newest first by (at, id); each list
 * statement leads with the most selective filter given so that one of
 * the indexes of migration 0002 ((patient_id, at), (actor_id, at),
 * (entity_type, entity_id, at), (at)) serves both the filter and the
 * order; the other filters are "(? IS NULL OR column = ?)".
 */
#include "config.h"

#include "lib/store-audit.h"
#include "cgi-bin/audit/store.h"

#define LIST_SELECT	"SELECT " STORE_AUDIT_COLS " FROM audit_log a WHERE "
#define LIST_TAIL \
    " AND (? IS NULL OR a.actor_id = ?) AND (? IS NULL OR a.patient_id = ?)" \
    " AND (? IS NULL OR a.entity_type = ?) AND (? IS NULL OR a.entity_id = ?)" \
    " AND (? IS NULL OR a.action = ?) AND (? IS NULL OR a.outcome = ?)" \
    " AND a.at >= ? AND a.at < ? AND (a.at < ? OR (a.at = ? AND a.id < ?))" \
    " ORDER BY a.at DESC, a.id DESC LIMIT ?"

static const char SQL_LIST_PATIENT[] = LIST_SELECT "a.patient_id = ?" LIST_TAIL;
static const char SQL_LIST_ACTOR[] = LIST_SELECT "a.actor_id = ?" LIST_TAIL;
static const char SQL_LIST_ENTITY[] =
    LIST_SELECT "a.entity_type = ? AND a.entity_id = ?" LIST_TAIL;
static const char SQL_LIST_TIME[] = LIST_SELECT "TRUE" LIST_TAIL;

/* The at index gives the order; without the hint a full range may be sorted instead. */
static const char SQL_EXPORT[] =
    "SELECT " STORE_AUDIT_COLS " FROM audit_log a FORCE INDEX (audit_at)"
    " WHERE a.at >= ? AND a.at < ? ORDER BY a.at, a.id";

static const char SQL_ACCESS_LOG[] =
    "SELECT a.id, a.at, a.actor_role, u.full_name, a.action, a.entity_type,"
    " a.summary FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
    " WHERE a.patient_id = ? AND a.outcome = 'success'"
    " AND (a.actor_id IS NULL OR a.actor_id <> ?)"
    " AND (a.at < ? OR (a.at = ? AND a.id < ?))"
    " ORDER BY a.at DESC, a.id DESC LIMIT ?";

int
audit_store_list(struct db *db, struct arena *a, const struct audit_filter *f,
    const struct audit_pos *pos, long limit, struct db_res *res)
{
	struct db_param	 p[24];
	const char	*sql;
	size_t		 n = 0;

	if (f->patient_id != NULL) {
		sql = SQL_LIST_PATIENT;
		p[n++] = DB_TEXT(f->patient_id);
	} else if (f->actor_id != NULL) {
		sql = SQL_LIST_ACTOR;
		p[n++] = DB_TEXT(f->actor_id);
	} else if (f->entity_type != NULL && f->entity_id != NULL) {
		sql = SQL_LIST_ENTITY;
		p[n++] = DB_TEXT(f->entity_type);
		p[n++] = DB_TEXT(f->entity_id);
	} else
		sql = SQL_LIST_TIME;
#define PAIR(s)	do { p[n++] = DB_TEXT(s); p[n++] = DB_TEXT(s); } while (0)
	PAIR(f->actor_id);
	PAIR(f->patient_id);
	PAIR(f->entity_type);
	PAIR(f->entity_id);
	PAIR(f->action);
	PAIR(f->outcome);
#undef PAIR
	p[n++] = DB_TIME(f->from);
	p[n++] = DB_TIME(f->to);
	p[n++] = DB_TIME(pos->at);
	p[n++] = DB_TIME(pos->at);
	p[n++] = DB_INT(pos->id);
	p[n++] = DB_INT(limit);
	return db_query(db, a, sql, p, n, res);
}

int
audit_store_export(struct db *db, int64_t from, int64_t to,
    int (*fn)(void *, const struct db_row *), void *arg)
{
	return db_query_each(db, SQL_EXPORT, DB_ARGS(DB_TIME(from), DB_TIME(to)),
	    fn, arg);
}

int
audit_store_access_log(struct db *db, struct arena *a, const char *patient_id,
    const struct audit_pos *pos, long limit, struct db_res *res)
{
	return db_query(db, a, SQL_ACCESS_LOG, DB_ARGS(DB_TEXT(patient_id),
	    DB_TEXT(patient_id), DB_TIME(pos->at), DB_TIME(pos->at),
	    DB_INT(pos->id), DB_INT(limit)), res);
}
