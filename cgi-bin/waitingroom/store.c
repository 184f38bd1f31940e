/* SQL of the waitingroom worker (store.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/vault.h"
#include "cgi-bin/waitingroom/store.h"

static int64_t
cell_time(const char *s)
{
	int64_t	 t;

	return s != NULL && db_cell_time(s, &t) == 0 ? t : JTIME_NULL;
}

static long
cell_long(const char *s, long dflt)
{
	long long	 v;

	return s != NULL && db_cell_int(s, &v) == 0 ? (long)v : dflt;
}

static double
cell_double(const char *s, double dflt)
{
	char	*end;
	double	 v;

	if (s == NULL)
		return dflt;
	v = strtod(s, &end);
	return end != s && *end == '\0' ? v : dflt;
}

/* ---- entries ---- */

#define ENTRY_COLS \
    "e.id, e.appointment_id, e.provider_id, e.patient_id, e.status," \
    " e.appt_start_at, e.booked_minutes, e.checked_in_at, e.checked_in_by," \
    " e.last_heartbeat_at, e.away_since, e.ended_at, e.video_session_id," \
    " e.updated_at"

static int
row_entry(const struct db_row *r, struct wr_entry *e)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", r->v[0]);
	e->appointment_id = r->v[1];
	e->provider_id = r->v[2];
	e->patient_id = r->v[3];
	e->status = r->v[4];
	e->appt_start_at = cell_time(r->v[5]);
	e->booked_minutes = cell_long(r->v[6], 0);
	e->checked_in_at = cell_time(r->v[7]);
	e->checked_in_by = r->v[8];
	e->last_heartbeat_at = cell_time(r->v[9]);
	e->away_since = cell_time(r->v[10]);
	e->ended_at = cell_time(r->v[11]);
	e->video_session_id = r->v[12];
	e->updated_at = cell_time(r->v[13]);
	return e->appt_start_at == JTIME_NULL || e->checked_in_at == JTIME_NULL ?
	    -1 : 0;
}

static int
entries_of(const struct db_res *res, struct arena *a, struct wr_entry **out,
    size_t *n)
{
	size_t	 i;

	*out = arena_alloc(a, (res->nrows + 1) * sizeof(**out));
	for (i = 0; i < res->nrows; i++)
		if (row_entry(&res->rows[i], &(*out)[i]) == -1)
			return DB_ERROR;
	*n = res->nrows;
	return DB_OK;
}

static int
one_entry(struct db *db, struct arena *a, const char *sql, const char *key,
    struct wr_entry *e, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, sql, DB_ARGS(DB_TEXT(key)), &res)) != DB_OK ||
	    res.nrows == 0)
		return rc;
	if (row_entry(&res.rows[0], e) == -1)
		return DB_ERROR;
	*found = 1;
	return DB_OK;
}

static const char SQL_ENTRY_GET[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e WHERE e.id = ?";
static const char SQL_ENTRY_BY_APPT[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e"
    " WHERE e.appointment_id = ?";
static const char SQL_ENTRY_LOCK[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e WHERE e.id = ?"
    " FOR UPDATE";

int
wr_store_entry_get(struct db *db, struct arena *a, const char *id, int by_appt,
    struct wr_entry *e, int *found)
{
	return one_entry(db, a, by_appt ? SQL_ENTRY_BY_APPT : SQL_ENTRY_GET, id,
	    e, found);
}

int
wr_store_entry_lock(struct db *db, struct arena *a, const char *id,
    struct wr_entry *e, int *found)
{
	return one_entry(db, a, SQL_ENTRY_LOCK, id, e, found);
}

static const char SQL_ENTRY_INSERT[] =
    "INSERT INTO waiting_room_entries (id, appointment_id, provider_id,"
    " patient_id, status, appt_start_at, booked_minutes, checked_in_at,"
    " checked_in_by, last_heartbeat_at, updated_at)"
    " VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?)";

int
wr_store_entry_insert(struct db *db, const struct wr_entry *e)
{
	return db_exec(db, SQL_ENTRY_INSERT, DB_ARGS(DB_TEXT(e->id),
	    DB_TEXT(e->appointment_id), DB_TEXT(e->provider_id),
	    DB_TEXT(e->patient_id), DB_TIME(e->appt_start_at),
	    DB_INT(e->booked_minutes), DB_TIME(e->checked_in_at),
	    DB_TEXT(e->checked_in_by), DB_TIME(e->checked_in_at),
	    DB_TIME(e->checked_in_at)), NULL);
}

static const char SQL_ENTRY_REOPEN[] =
    "UPDATE waiting_room_entries SET status = 'waiting', checked_in_at = ?,"
    " checked_in_by = ?, last_heartbeat_at = ?, away_since = NULL,"
    " ended_at = NULL, updated_at = ? WHERE id = ? AND status = ?";

int
wr_store_entry_reopen(struct db *db, const char *id, const char *from,
    const char *by, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_ENTRY_REOPEN, DB_ARGS(DB_TIME(now), DB_TEXT(by),
	    DB_TIME(now), DB_TIME(now), DB_TEXT(id), DB_TEXT(from)), n);
}

static const char SQL_ENTRY_BEAT[] =
    "UPDATE waiting_room_entries SET last_heartbeat_at = ?"
    " WHERE id = ? AND status = 'waiting'";
static const char SQL_ENTRY_BACK[] =
    "UPDATE waiting_room_entries SET status = 'waiting', away_since = NULL,"
    " last_heartbeat_at = ?, updated_at = ? WHERE id = ? AND status = 'away'";

int
wr_store_entry_beat(struct db *db, const char *id, int64_t now,
    unsigned long long *n)
{
	return db_exec(db, SQL_ENTRY_BEAT, DB_ARGS(DB_TIME(now), DB_TEXT(id)), n);
}

int
wr_store_entry_back(struct db *db, const char *id, int64_t now,
    unsigned long long *n)
{
	return db_exec(db, SQL_ENTRY_BACK, DB_ARGS(DB_TIME(now), DB_TIME(now),
	    DB_TEXT(id)), n);
}

static const char SQL_ENTRY_AWAY[] =
    "UPDATE waiting_room_entries SET status = 'away', away_since = ?,"
    " updated_at = ? WHERE id = ? AND status = 'waiting'"
    " AND last_heartbeat_at < ?";

int
wr_store_entry_away(struct db *db, const char *id, int64_t cutoff, int64_t now,
    unsigned long long *n)
{
	return db_exec(db, SQL_ENTRY_AWAY, DB_ARGS(DB_TIME(now), DB_TIME(now),
	    DB_TEXT(id), DB_TIME(cutoff)), n);
}

/* away_cutoff 0 means no condition on away_since. */
static const char SQL_ENTRY_CLOSE[] =
    "UPDATE waiting_room_entries SET status = ?, ended_at = ?, updated_at = ?"
    " WHERE id = ? AND status = ? AND (? = 0 OR away_since < ?)";

int
wr_store_entry_close(struct db *db, const char *id, const char *from,
    const char *to, int64_t away_cutoff, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_ENTRY_CLOSE, DB_ARGS(DB_TEXT(to), DB_TIME(now),
	    DB_TIME(now), DB_TEXT(id), DB_TEXT(from),
	    DB_INT(away_cutoff > 0), DB_TIME(away_cutoff > 0 ? away_cutoff : now)),
	    n);
}

static const char SQL_ENTRY_ADMIT[] =
    "UPDATE waiting_room_entries SET status = 'admitted', video_session_id = ?,"
    " ended_at = ?, updated_at = ? WHERE id = ? AND status = 'waiting'";

int
wr_store_entry_admit(struct db *db, const char *id, const char *session_id,
    int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_ENTRY_ADMIT, DB_ARGS(DB_TEXT(session_id),
	    DB_TIME(now), DB_TIME(now), DB_TEXT(id)), n);
}

/*
 * The queue: each status is one range of wr_entry_queue already in
 * queue order (InnoDB appends id), read up to the limit; the two short
 * lists are merged by a sort of at most twice the limit rows. A
 * primary-key join per entry skips appointments cancelled or closed
 * meanwhile.
 */
#define QUEUE_PART(st) \
    "(SELECT " ENTRY_COLS " FROM waiting_room_entries e" \
    " JOIN appointments a ON a.id = e.appointment_id AND a.status = 'checked_in'" \
    " WHERE e.provider_id = ? AND e.status = '" st "'" \
    " ORDER BY e.appt_start_at, e.checked_in_at, e.id LIMIT ?)"
static const char SQL_QUEUE[] =
    "SELECT * FROM (" QUEUE_PART("waiting") " UNION ALL " QUEUE_PART("away")
    ") q ORDER BY appt_start_at, checked_in_at, id LIMIT ?";
static const char SQL_NEXT_WAITING[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e"
    " JOIN appointments a ON a.id = e.appointment_id AND a.status = 'checked_in'"
    " WHERE e.provider_id = ? AND e.status = 'waiting'"
    " ORDER BY e.appt_start_at, e.checked_in_at, e.id LIMIT 1 FOR UPDATE";

int
wr_store_queue(struct db *db, struct arena *a, const char *provider,
    struct wr_entry **out, size_t *n)
{
	struct db_res	 res;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_QUEUE, DB_ARGS(DB_TEXT(provider),
	    DB_INT(WR_QUEUE_MAX), DB_TEXT(provider), DB_INT(WR_QUEUE_MAX),
	    DB_INT(WR_QUEUE_MAX)), &res)) != DB_OK)
		return rc;
	return entries_of(&res, a, out, n);
}

int
wr_store_next_waiting(struct db *db, struct arena *a, const char *provider,
    struct wr_entry *e, int *found)
{
	return one_entry(db, a, SQL_NEXT_WAITING, provider, e, found);
}

/* ---- presence ---- */

static const char SQL_PROVIDER[] =
    "SELECT p.status, p.pace_ratio, p.lateness_seconds, p.sessions_measured,"
    " s.id, s.started_at, s.booked_minutes"
    " FROM (SELECT ? AS pid) x"
    " LEFT JOIN provider_presence p ON p.provider_id = x.pid"
    " LEFT JOIN video_sessions s ON s.running_provider_id = x.pid";

/* Presence columns (status, pace, lateness, measured, running id, start, minutes). */
static void
row_provider(const struct db_row *r, struct wr_provider *p)
{
	memset(p, 0, sizeof(*p));
	p->status = "offline";
	p->pace_ratio = 1;
	if (r->v[0] != NULL) {
		p->status = r->v[0];
		p->pace_ratio = cell_double(r->v[1], 1);
		p->lateness_sec = cell_double(r->v[2], 0);
		p->sessions_measured = cell_long(r->v[3], 0);
	}
	if (r->v[4] != NULL) {
		p->running_id = r->v[4];
		p->running_started_at = cell_time(r->v[5]);
		p->running_booked_minutes = cell_long(r->v[6], 0);
	}
}

int
wr_store_provider(struct db *db, struct arena *a, const char *provider,
    struct wr_provider *p)
{
	struct db_res	 res;
	int		 rc;

	memset(p, 0, sizeof(*p));
	p->status = "offline";
	p->pace_ratio = 1;
	if ((rc = db_query(db, a, SQL_PROVIDER, DB_ARGS(DB_TEXT(provider)),
	    &res)) != DB_OK || res.nrows == 0)
		return rc;
	row_provider(&res.rows[0], p);
	return DB_OK;
}

static const char SQL_PRESENCE_ENSURE[] =
    "INSERT IGNORE INTO provider_presence (provider_id, updated_at) VALUES (?, ?)";
static const char SQL_PRESENCE_LOCK[] =
    "SELECT status FROM provider_presence WHERE provider_id = ? FOR UPDATE";

int
wr_store_presence_lock(struct db *db, const char *provider, int64_t now)
{
	struct arena	 a;
	struct db_res	 res;
	int		 rc;

	if ((rc = db_exec(db, SQL_PRESENCE_ENSURE, DB_ARGS(DB_TEXT(provider),
	    DB_TIME(now)), NULL)) != DB_OK)
		return rc;
	arena_init(&a);
	rc = db_query(db, &a, SQL_PRESENCE_LOCK, DB_ARGS(DB_TEXT(provider)), &res);
	if (rc == DB_OK && res.nrows != 1)
		rc = DB_ERROR;
	arena_release(&a);
	return rc;
}

static const char SQL_PRESENCE_SET[] =
    "INSERT INTO provider_presence (provider_id, status, updated_at)"
    " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status),"
    " updated_at = VALUES(updated_at)";
static const char SQL_PRESENCE_CAS[] =
    "UPDATE provider_presence SET status = ?, updated_at = ?"
    " WHERE provider_id = ? AND status = ?";

int
wr_store_presence_set(struct db *db, const char *provider, const char *status,
    int64_t now)
{
	return db_exec(db, SQL_PRESENCE_SET, DB_ARGS(DB_TEXT(provider),
	    DB_TEXT(status), DB_TIME(now)), NULL);
}

int
wr_store_presence_cas(struct db *db, const char *provider, const char *from,
    const char *to, int64_t now)
{
	return db_exec(db, SQL_PRESENCE_CAS, DB_ARGS(DB_TEXT(to), DB_TIME(now),
	    DB_TEXT(provider), DB_TEXT(from)), NULL);
}

/*
 * Exponentially weighted: each new session weighs 30%; the first one
 * replaces the defaults. Ratios are clamped by the caller.
 */
static const char SQL_PRESENCE_LEARN[] =
    "UPDATE provider_presence SET"
    " pace_ratio = IF(sessions_measured = 0, ?, 0.7 * pace_ratio + 0.3 * ?),"
    " lateness_seconds = IF(sessions_measured = 0, ?,"
    "   0.7 * lateness_seconds + 0.3 * ?),"
    " sessions_measured = sessions_measured + 1, updated_at = ?"
    " WHERE provider_id = ?";

int
wr_store_presence_learn(struct db *db, const char *provider, double ratio,
    double lateness, int64_t now)
{
	/* Doubles travel as decimal text: the binder has no DOUBLE. */
	char	 r[32], l[32];

	snprintf(r, sizeof(r), "%.6f", ratio);
	snprintf(l, sizeof(l), "%.3f", lateness);
	return db_exec(db, SQL_PRESENCE_LEARN, DB_ARGS(DB_TEXT(r), DB_TEXT(r),
	    DB_TEXT(l), DB_TEXT(l), DB_TIME(now), DB_TEXT(provider)), NULL);
}

/* ---- announcements ---- */

static const char SQL_ANN_INSERT[] =
    "INSERT INTO waiting_room_announcements (id, provider_id, text,"
    " created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_ANN_CURRENT[] =
    "SELECT id, provider_id, text, created_by, created_at, expires_at"
    " FROM waiting_room_announcements WHERE provider_id = ? AND expires_at > ?"
    " ORDER BY created_at DESC LIMIT ?";

int
wr_store_announcement_insert(struct db *db, const struct wr_announcement *an)
{
	return db_exec(db, SQL_ANN_INSERT, DB_ARGS(DB_TEXT(an->id),
	    DB_TEXT(an->provider_id), DB_TEXT(an->text), DB_TEXT(an->created_by),
	    DB_TIME(an->created_at), DB_TIME(an->expires_at)), NULL);
}

/* An announcement from columns at+0..5 (id, provider, text, by, created, expires). */
static void
row_announcement(const struct db_row *r, size_t at, struct wr_announcement *an)
{
	snprintf(an->id, sizeof(an->id), "%s", r->v[at]);
	an->provider_id = r->v[at + 1];
	an->text = r->v[at + 2];
	an->created_by = r->v[at + 3];
	an->created_at = cell_time(r->v[at + 4]);
	an->expires_at = cell_time(r->v[at + 5]);
}

int
wr_store_announcements(struct db *db, struct arena *a, const char *provider,
    int64_t now, struct wr_announcement **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_ANN_CURRENT, DB_ARGS(DB_TEXT(provider),
	    DB_TIME(now), DB_INT(WR_ANNOUNCEMENTS_MAX)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++)
		row_announcement(&res.rows[i], 0, &(*out)[i]);
	*n = res.nrows;
	return DB_OK;
}

/* ---- one entry with everything its reply shows ---- */

/*
 * The entry, its provider's queue (only while the entry is in it), the
 * presence and running session, and the current announcements, in one
 * round trip: four parts of the same 15 columns, told apart by the last
 * one. Each part is the query the separate reads above make (the same
 * indexes); the parts' order is restored in C.
 */
#define VIEW_PAD7	"NULL, NULL, NULL, NULL, NULL, NULL, NULL"
static const char SQL_ENTRY_VIEW[] =
    "SELECT " ENTRY_COLS ", 'E' FROM waiting_room_entries e WHERE e.id = ?"
    " UNION ALL (SELECT " ENTRY_COLS ", 'Q' FROM waiting_room_entries me"
    " JOIN waiting_room_entries e ON e.provider_id = me.provider_id"
    " AND e.status IN ('waiting', 'away')"
    " JOIN appointments a ON a.id = e.appointment_id AND a.status = 'checked_in'"
    " WHERE me.id = ? AND me.status IN ('waiting', 'away')"
    " ORDER BY e.appt_start_at, e.checked_in_at, e.id LIMIT ?)"
    " UNION ALL SELECT p.status, p.pace_ratio, p.lateness_seconds,"
    " p.sessions_measured, s.id, s.started_at, s.booked_minutes, " VIEW_PAD7 ","
    " 'P' FROM waiting_room_entries me"
    " LEFT JOIN provider_presence p ON p.provider_id = me.provider_id"
    " LEFT JOIN video_sessions s ON s.running_provider_id = me.provider_id"
    " WHERE me.id = ?"
    " UNION ALL (SELECT an.id, an.provider_id, an.text, an.created_by,"
    " an.created_at, an.expires_at, NULL, " VIEW_PAD7 ", 'A'"
    " FROM waiting_room_entries me JOIN waiting_room_announcements an"
    " ON an.provider_id = me.provider_id AND an.expires_at > ?"
    " WHERE me.id = ? AND me.status IN ('waiting', 'away')"
    " ORDER BY an.created_at DESC, an.id LIMIT ?)";

static int
queue_order(const void *a, const void *b)
{
	const struct wr_entry	*x = a, *y = b;

	if (x->appt_start_at != y->appt_start_at)
		return x->appt_start_at < y->appt_start_at ? -1 : 1;
	if (x->checked_in_at != y->checked_in_at)
		return x->checked_in_at < y->checked_in_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
newest_first(const void *a, const void *b)
{
	const struct wr_announcement	*x = a, *y = b;

	if (x->created_at != y->created_at)
		return x->created_at > y->created_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
wr_store_entry_view(struct db *db, struct arena *a, const char *id,
    int64_t now, struct wr_entry_view *v, int *found)
{
	struct db_res	 res;
	const struct db_row *r;
	size_t		 i;
	int		 rc;

	*found = 0;
	memset(v, 0, sizeof(*v));
	v->q.prov.status = "offline";
	v->q.prov.pace_ratio = 1;
	if ((rc = db_query(db, a, SQL_ENTRY_VIEW, DB_ARGS(DB_TEXT(id), DB_TEXT(id),
	    DB_INT(WR_QUEUE_MAX), DB_TEXT(id), DB_TIME(now), DB_TEXT(id),
	    DB_INT(WR_ANNOUNCEMENTS_MAX)), &res)) != DB_OK)
		return rc;
	v->q.e = arena_alloc(a, (res.nrows + 1) * sizeof(*v->q.e));
	v->an = arena_alloc(a, (res.nrows + 1) * sizeof(*v->an));
	for (i = 0; i < res.nrows; i++) {
		r = &res.rows[i];
		if (r->ncols != 15 || r->v[14] == NULL)
			return DB_ERROR;
		switch (r->v[14][0]) {
		case 'E':
			if (row_entry(r, &v->e) == -1)
				return DB_ERROR;
			*found = 1;
			break;
		case 'Q':
			if (row_entry(r, &v->q.e[v->q.n++]) == -1)
				return DB_ERROR;
			break;
		case 'P':
			row_provider(r, &v->q.prov);
			break;
		case 'A':
			row_announcement(r, 0, &v->an[v->nan++]);
			break;
		default:
			return DB_ERROR;
		}
	}
	qsort(v->q.e, v->q.n, sizeof(*v->q.e), queue_order);
	qsort(v->an, v->nan, sizeof(*v->an), newest_first);
	return DB_OK;
}

/* ---- sessions ---- */

#define SESSION_COLS \
    "SELECT id, appointment_id, entry_id, provider_id, patient_id, room," \
    " status, appt_start_at, booked_minutes, started_at, started_by," \
    " ended_at, ended_by, end_reason, duration_seconds, consent_snapshot" \
    " FROM video_sessions"

static int
row_session(const struct db_row *r, struct wr_session *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", r->v[0]);
	s->appointment_id = r->v[1];
	s->entry_id = r->v[2];
	s->provider_id = r->v[3];
	s->patient_id = r->v[4];
	s->room = r->v[5];
	s->status = r->v[6];
	s->appt_start_at = cell_time(r->v[7]);
	s->booked_minutes = cell_long(r->v[8], 0);
	s->started_at = cell_time(r->v[9]);
	s->started_by = r->v[10];
	s->ended_at = cell_time(r->v[11]);
	s->ended_by = r->v[12];
	s->end_reason = r->v[13];
	s->duration_seconds = cell_long(r->v[14], -1);
	s->consent_snapshot = r->v[15];
	return s->started_at == JTIME_NULL ? -1 : 0;
}

static int
sessions_of(const struct db_res *res, struct arena *a, struct wr_session **out,
    size_t *n)
{
	size_t	 i;

	*out = arena_alloc(a, (res->nrows + 1) * sizeof(**out));
	for (i = 0; i < res->nrows; i++)
		if (row_session(&res->rows[i], &(*out)[i]) == -1)
			return DB_ERROR;
	*n = res->nrows;
	return DB_OK;
}

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO video_sessions (id, appointment_id, entry_id, provider_id,"
    " patient_id, room, status, running_provider_id, appt_start_at,"
    " booked_minutes, started_at, started_by, consent_snapshot)"
    " VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)";

int
wr_store_session_insert(struct db *db, const struct wr_session *s)
{
	return db_exec(db, SQL_SESSION_INSERT, DB_ARGS(DB_TEXT(s->id),
	    DB_TEXT(s->appointment_id), DB_TEXT(s->entry_id),
	    DB_TEXT(s->provider_id), DB_TEXT(s->patient_id), DB_TEXT(s->room),
	    DB_TEXT(s->provider_id), DB_TIME(s->appt_start_at),
	    DB_INT(s->booked_minutes), DB_TIME(s->started_at),
	    DB_TEXT(s->started_by), DB_TEXT(s->consent_snapshot)), NULL);
}

static const char SQL_SESSION_GET[] = SESSION_COLS " WHERE id = ?";

int
wr_store_session_get(struct db *db, struct arena *a, const char *id,
    struct wr_session *s, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_SESSION_GET, DB_ARGS(DB_TEXT(id)), &res)) !=
	    DB_OK || res.nrows == 0)
		return rc;
	if (row_session(&res.rows[0], s) == -1)
		return DB_ERROR;
	*found = 1;
	return DB_OK;
}

static const char SQL_SESSION_END[] =
    "UPDATE video_sessions SET status = 'ended', running_provider_id = NULL,"
    " ended_at = ?, ended_by = ?, end_reason = ?, duration_seconds = ?"
    " WHERE id = ? AND status = 'running'";

int
wr_store_session_end(struct db *db, const char *id, const char *by,
    const char *reason, long duration, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_SESSION_END, DB_ARGS(DB_TIME(now), DB_TEXT(by),
	    DB_TEXT(reason), DB_INT(duration), DB_TEXT(id)), n);
}

#define LIST_PAGE \
    " AND (? IS NULL OR appointment_id = ?)" \
    " AND (started_at < ? OR (started_at = ? AND id < ?))" \
    " ORDER BY started_at DESC, id DESC LIMIT ?"
static const char SQL_LIST_PATIENT[] = SESSION_COLS " WHERE patient_id = ?"
    LIST_PAGE;
static const char SQL_LIST_PROVIDER[] = SESSION_COLS " WHERE provider_id = ?"
    LIST_PAGE;
static const char SQL_LIST_ALL[] = SESSION_COLS " WHERE ? IS NULL" LIST_PAGE;

int
wr_store_session_list(struct db *db, struct arena *a, const char *who,
    int is_patient, const char *appt, int64_t cur_start, const char *cur_id,
    long limit, struct wr_session **out, size_t *n)
{
	struct db_res	 res;
	const char	*sql;
	int		 rc;

	*n = 0;
	sql = who == NULL ? SQL_LIST_ALL : is_patient ? SQL_LIST_PATIENT :
	    SQL_LIST_PROVIDER;
	if ((rc = db_query(db, a, sql, DB_ARGS(DB_TEXT(who), DB_TEXT(appt),
	    DB_TEXT(appt), DB_TIME(cur_start), DB_TIME(cur_start),
	    DB_TEXT(cur_id), DB_INT(limit + 1)), &res)) != DB_OK)
		return rc;
	return sessions_of(&res, a, out, n);
}

/* ---- the sealed log ---- */

static const char SQL_EVENT_INSERT[] =
    "INSERT INTO video_session_events (id, session_id, type, actor_id,"
    " actor_role, at, recorded_at, amends_event_id, detail, notes)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int
wr_store_event_insert(struct db *db, const struct cfg *cfg, struct arena *a,
    const struct wr_event *e)
{
	unsigned char	*detail = NULL, *notes = NULL;
	size_t		 dlen = 0, nlen = 0;

	if (e->detail != NULL && vault_seal(cfg, a, "video_session_events.detail",
	    e->id, e->detail, e->detail_len, &detail, &dlen) == -1)
		return DB_ERROR;
	if (e->notes != NULL && vault_seal(cfg, a, "video_session_events.notes",
	    e->id, e->notes, e->notes_len, &notes, &nlen) == -1)
		return DB_ERROR;
	return db_exec(db, SQL_EVENT_INSERT, DB_ARGS(DB_TEXT(e->id),
	    DB_TEXT(e->session_id), DB_TEXT(e->type), DB_TEXT(e->actor_id),
	    DB_TEXT(e->actor_role), DB_TIME(e->at), DB_TIME(e->recorded_at),
	    DB_TEXT(e->amends_event_id), DB_BLOB(detail, dlen),
	    DB_BLOB(notes, nlen)), NULL);
}

static const char SQL_EVENTS[] =
    "SELECT id, session_id, type, actor_id, actor_role, at, recorded_at,"
    " amends_event_id, detail, notes FROM video_session_events"
    " WHERE session_id = ? ORDER BY recorded_at, id LIMIT ?";

/* Open a sealed cell of field for event id into *out. 0 or -1. */
static int
open_cell(const struct cfg *cfg, struct arena *a, const char *field,
    const struct db_row *r, size_t col, const char **out, size_t *len)
{
	char	*p;

	*out = NULL;
	*len = 0;
	if (r->v[col] == NULL)
		return 0;
	if (vault_open(cfg, a, field, r->v[0], (const unsigned char *)r->v[col],
	    r->len[col], &p, len) == -1)
		return -1;
	*out = p;
	return 0;
}

int
wr_store_events(struct db *db, const struct cfg *cfg, struct arena *a,
    const char *session, struct wr_event **out, size_t *n)
{
	struct db_res	 res;
	struct wr_event	*e;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_EVENTS, DB_ARGS(DB_TEXT(session),
	    DB_INT(WR_EVENTS_MAX)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		e = &(*out)[i];
		snprintf(e->id, sizeof(e->id), "%s", res.rows[i].v[0]);
		e->session_id = res.rows[i].v[1];
		e->type = res.rows[i].v[2];
		e->actor_id = res.rows[i].v[3];
		e->actor_role = res.rows[i].v[4];
		e->at = cell_time(res.rows[i].v[5]);
		e->recorded_at = cell_time(res.rows[i].v[6]);
		e->amends_event_id = res.rows[i].v[7];
		if (open_cell(cfg, a, "video_session_events.detail", &res.rows[i],
		    8, &e->detail, &e->detail_len) == -1 ||
		    open_cell(cfg, a, "video_session_events.notes", &res.rows[i],
		    9, &e->notes, &e->notes_len) == -1)
			return DB_ERROR;
	}
	*n = res.nrows;
	return DB_OK;
}

static const char SQL_EVENT_EXISTS[] =
    "SELECT 1 FROM video_session_events WHERE id = ? AND session_id = ?";

int
wr_store_event_exists(struct db *db, struct arena *a, const char *session,
    const char *event, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_EVENT_EXISTS, DB_ARGS(DB_TEXT(event),
	    DB_TEXT(session)), &res)) == DB_OK)
		*found = res.nrows > 0;
	return rc;
}

/* ---- people ---- */

static const char SQL_CONSENT[] =
    "SELECT consent_signed_at FROM patient_profiles WHERE user_id = ?";
static const char SQL_USER_NAME[] = "SELECT full_name FROM users WHERE id = ?";
static const char SQL_IS_PROVIDER[] =
    "SELECT 1 FROM provider_profiles WHERE user_id = ?";

int
wr_store_is_provider(struct db *db, struct arena *a, const char *id, int *yes)
{
	struct db_res	 res;
	int		 rc;

	*yes = 0;
	if ((rc = db_query(db, a, SQL_IS_PROVIDER, DB_ARGS(DB_TEXT(id)), &res)) ==
	    DB_OK)
		*yes = res.nrows > 0;
	return rc;
}

int
wr_store_consent(struct db *db, struct arena *a, const char *patient,
    int64_t *signed_at)
{
	struct db_res	 res;
	int		 rc;

	*signed_at = JTIME_NULL;
	if ((rc = db_query(db, a, SQL_CONSENT, DB_ARGS(DB_TEXT(patient)), &res)) ==
	    DB_OK && res.nrows == 1)
		*signed_at = cell_time(res.rows[0].v[0]);
	return rc;
}

int
wr_store_user_name(struct db *db, struct arena *a, const char *user,
    const char **name)
{
	struct db_res	 res;
	int		 rc;

	*name = NULL;
	if ((rc = db_query(db, a, SQL_USER_NAME, DB_ARGS(DB_TEXT(user)), &res)) ==
	    DB_OK && res.nrows == 1)
		*name = res.rows[0].v[0];
	return rc;
}

/* ---- the sweeper ---- */

static const char SQL_DUE_AWAY[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e"
    " WHERE e.status = 'waiting' AND e.last_heartbeat_at < ? LIMIT ?";
static const char SQL_DUE_REMOVE[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e"
    " WHERE e.status = 'away' AND e.away_since < ? LIMIT ?";
/* Entries still active whose appointment was cancelled or closed elsewhere. */
static const char SQL_DUE_ORPHAN[] =
    "SELECT " ENTRY_COLS " FROM waiting_room_entries e"
    " JOIN appointments a ON a.id = e.appointment_id"
    " WHERE e.status IN ('waiting', 'away') AND a.status <> 'checked_in'"
    " AND e.updated_at < ? LIMIT ?";

int
wr_store_due_entries(struct db *db, struct arena *a, enum wr_due kind,
    int64_t cutoff, long limit, struct wr_entry **out, size_t *n)
{
	static const char *const sql[] = { SQL_DUE_AWAY, SQL_DUE_REMOVE,
	    SQL_DUE_ORPHAN };
	struct db_res	 res;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, sql[kind], DB_ARGS(DB_TIME(cutoff),
	    DB_INT(limit)), &res)) != DB_OK)
		return rc;
	return entries_of(&res, a, out, n);
}

static const char SQL_DUE_SESSIONS[] = SESSION_COLS
    " WHERE status = 'running' AND started_at < ? LIMIT ?";

int
wr_store_due_sessions(struct db *db, struct arena *a, int64_t cutoff,
    long limit, struct wr_session **out, size_t *n)
{
	struct db_res	 res;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, SQL_DUE_SESSIONS, DB_ARGS(DB_TIME(cutoff),
	    DB_INT(limit)), &res)) != DB_OK)
		return rc;
	return sessions_of(&res, a, out, n);
}
