/* SQL of the messaging worker. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "cgi-bin/messaging/store.h"

/*
 * "provider is a verified provider on the team of the thread's patient"
 * as joins (PK lookups; a correlated EXISTS costs the server twice as
 * much per row): TEAM_JOIN as LEFT JOINs with ON_TEAM the test, or
 * TEAM_ONLY as inner joins that keep only such rows.
 */
#define TEAM_JOIN(patient, provider) \
    " LEFT JOIN care_team c ON c.patient_id = " patient \
    " AND c.provider_id = " provider \
    " LEFT JOIN provider_profiles pp ON pp.user_id = c.provider_id"
#define ON_TEAM	"IFNULL(pp.is_verified = 1, 0)"
#define TEAM_ONLY(patient, provider) \
    " JOIN care_team c ON c.patient_id = " patient \
    " AND c.provider_id = " provider \
    " JOIN provider_profiles pp ON pp.user_id = c.provider_id" \
    " AND pp.is_verified = 1"

#define THREAD_COLS \
    "t.id, t.patient_id, t.subject, t.created_by, t.created_at," \
    " t.message_count, t.last_message_at"

static long long
cell_ll(const char *s)
{
	long long	 v;

	return s != NULL && db_cell_int(s, &v) == 0 ? v : 0;
}

static int64_t
cell_time(const char *s)
{
	int64_t	 t;

	return s != NULL && db_cell_time(s, &t) == 0 ? t : JTIME_NULL;
}

/* The first seven cells of a row are THREAD_COLS. */
static int
thread_from(const struct db_row *r, struct msg_thread *t)
{
	memset(t, 0, sizeof(*t));
	if (r->v[0] == NULL || r->len[0] != ID_LEN)
		return -1;
	memcpy(t->id, r->v[0], ID_LEN + 1);
	t->patient_id = r->v[1];
	t->subject_sealed = (const unsigned char *)r->v[2];
	t->subject_sealed_len = r->len[2];
	t->created_by = r->v[3];
	t->created_at = cell_time(r->v[4]);
	t->message_count = cell_ll(r->v[5]);
	t->last_message_at = cell_time(r->v[6]);
	return 0;
}

/* ---- threads and who may see them ---- */

static const char SQL_ACCESS[] =
    "SELECT " THREAD_COLS ","
    " p.user_id IS NOT NULL AND p.left_at IS NULL, IFNULL(p.unread_count, 0), "
    ON_TEAM " FROM threads t LEFT JOIN thread_participants p"
    " ON p.thread_id = t.id AND p.user_id = ?"
    TEAM_JOIN("t.patient_id", "p.user_id") " WHERE t.id = ?";

int
store_access(struct db *db, struct arena *a, const char *thread_id,
    const char *user_id, struct msg_access *out, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	memset(out, 0, sizeof(*out));
	if ((rc = db_query(db, a, SQL_ACCESS, DB_ARGS(DB_TEXT(user_id),
	    DB_TEXT(thread_id)), &res)) != DB_OK ||
	    res.nrows == 0)
		return rc;
	if (thread_from(&res.rows[0], &out->t) == -1)
		return DB_ERROR;
	out->is_participant = cell_ll(res.rows[0].v[7]) == 1;
	out->unread_count = cell_ll(res.rows[0].v[8]);
	out->is_on_team = cell_ll(res.rows[0].v[9]) == 1;
	*found = 1;
	return DB_OK;
}

static const char SQL_PARTICIPANTS[] =
    "SELECT p.user_id, u.role, u.full_name, p.added_at, p.left_at IS NULL,"
    " u.is_disabled = 0 AND (u.role <> 'provider' OR " ON_TEAM "), t.patient_id"
    " FROM thread_participants p JOIN threads t ON t.id = p.thread_id"
    " JOIN users u ON u.id = p.user_id" TEAM_JOIN("t.patient_id", "p.user_id")
    " WHERE p.thread_id = ? ORDER BY p.added_at, p.user_id";

int
store_participants(struct db *db, struct arena *a, const char *thread_id,
    struct msg_participant **out, size_t *n, const char **patient_id)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*out = NULL;
	*n = 0;
	*patient_id = NULL;
	if ((rc = db_query(db, a, SQL_PARTICIPANTS, DB_ARGS(DB_TEXT(thread_id)),
	    &res)) != DB_OK)
		return rc;
	if (res.nrows > 0)
		*patient_id = res.rows[0].v[6];
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		(*out)[i].user_id = res.rows[i].v[0];
		(*out)[i].role = role_parse(res.rows[i].v[1]);
		(*out)[i].full_name = res.rows[i].v[2];
		(*out)[i].added_at = cell_time(res.rows[i].v[3]);
		(*out)[i].is_active = cell_ll(res.rows[i].v[4]) == 1;
		(*out)[i].has_access = (*out)[i].is_active &&
		    cell_ll(res.rows[i].v[5]) == 1;
	}
	*n = res.nrows;
	return DB_OK;
}

static const char SQL_CANDIDATE[] =
    "SELECT u.role, u.is_disabled, IFNULL(pp.is_verified, 0),"
    " EXISTS (SELECT 1 FROM care_team c WHERE c.patient_id = ?"
    " AND c.provider_id = u.id)"
    " FROM users u LEFT JOIN provider_profiles pp ON pp.user_id = u.id"
    " WHERE u.id = ?";

int
store_candidate(struct db *db, struct arena *a, const char *user_id,
    const char *patient_id, enum role *role, int *is_disabled,
    int *is_verified, int *on_team, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_CANDIDATE, DB_ARGS(DB_TEXT(patient_id),
	    DB_TEXT(user_id)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	*role = role_parse(res.rows[0].v[0]);
	*is_disabled = cell_ll(res.rows[0].v[1]) == 1;
	*is_verified = cell_ll(res.rows[0].v[2]) == 1;
	*on_team = cell_ll(res.rows[0].v[3]) == 1;
	*found = 1;
	return DB_OK;
}

static const char SQL_IS_PATIENT[] =
    "SELECT 1 FROM patient_profiles WHERE user_id = ?";

int
store_is_patient(struct db *db, struct arena *a, const char *id, int *yes)
{
	struct db_res	 res;
	int		 rc;

	*yes = 0;
	if ((rc = db_query(db, a, SQL_IS_PATIENT, DB_ARGS(DB_TEXT(id)), &res)) ==
	    DB_OK)
		*yes = res.nrows > 0;
	return rc;
}

static const char SQL_THREAD_INSERT[] =
    "INSERT INTO threads (id, patient_id, subject, subject_key_id,"
    " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)";

int
store_thread_insert(struct db *db, const struct msg_thread *t, uint32_t key_id)
{
	return db_exec(db, SQL_THREAD_INSERT, DB_ARGS(DB_TEXT(t->id),
	    DB_TEXT(t->patient_id), DB_BLOB(t->subject_sealed,
	    t->subject_sealed_len), DB_INT(key_id), DB_TEXT(t->created_by),
	    DB_TIME(t->created_at)), NULL);
}

static const char SQL_THREAD_LOCK[] =
    "SELECT message_count FROM threads WHERE id = ? FOR UPDATE";

int
store_thread_lock(struct db *db, struct arena *a, const char *thread_id,
    long long *count, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_THREAD_LOCK, DB_ARGS(DB_TEXT(thread_id)),
	    &res)) != DB_OK || res.nrows == 0)
		return rc;
	*count = cell_ll(res.rows[0].v[0]);
	*found = 1;
	return DB_OK;
}

/* LAST_INSERT_ID(expr) hands the new number back with the UPDATE itself. */
static const char SQL_THREAD_NEXT[] =
    "UPDATE threads SET message_count = LAST_INSERT_ID(message_count + 1),"
    " last_message_at = ? WHERE id = ?";

int
store_thread_next(struct db *db, const char *thread_id, int64_t now,
    long long *seq, int *found)
{
	unsigned long long	 n = 0;
	int			 rc;

	*found = 0;
	if ((rc = db_exec(db, SQL_THREAD_NEXT, DB_ARGS(DB_TIME(now),
	    DB_TEXT(thread_id)), &n)) != DB_OK || n != 1)
		return rc;
	*seq = (long long)db_insert_id(db);
	*found = 1;
	return DB_OK;
}

/* ---- participants ---- */

static const char SQL_PARTICIPANT_ADD[] =
    "INSERT INTO thread_participants (thread_id, user_id, added_by, added_at,"
    " activity_at) VALUES (?, ?, ?, ?, ?)";

int
store_participant_add(struct db *db, const char *thread_id, const char *user_id,
    const char *added_by, int64_t now)
{
	return db_exec(db, SQL_PARTICIPANT_ADD, DB_ARGS(DB_TEXT(thread_id),
	    DB_TEXT(user_id), DB_TEXT(added_by), DB_TIME(now), DB_TIME(now)),
	    NULL);
}

static const char SQL_PARTICIPANT_STATE[] =
    "SELECT left_at IS NULL FROM thread_participants"
    " WHERE thread_id = ? AND user_id = ?";

int
store_participant_state(struct db *db, struct arena *a, const char *thread_id,
    const char *user_id, int *state)
{
	struct db_res	 res;
	int		 rc;

	*state = 0;
	if ((rc = db_query(db, a, SQL_PARTICIPANT_STATE, DB_ARGS(
	    DB_TEXT(thread_id), DB_TEXT(user_id)), &res)) == DB_OK &&
	    res.nrows > 0)
		*state = cell_ll(res.rows[0].v[0]) == 1 ? 1 : 2;
	return rc;
}

static const char SQL_PARTICIPANT_REJOIN[] =
    "UPDATE thread_participants SET left_at = NULL, added_by = ?,"
    " added_at = ?, activity_at = ? WHERE thread_id = ? AND user_id = ?"
    " AND left_at IS NOT NULL";

int
store_participant_rejoin(struct db *db, const char *thread_id,
    const char *user_id, const char *added_by, int64_t now, int64_t activity,
    unsigned long long *n)
{
	return db_exec(db, SQL_PARTICIPANT_REJOIN, DB_ARGS(DB_TEXT(added_by),
	    DB_TIME(now), DB_TIME(activity), DB_TEXT(thread_id),
	    DB_TEXT(user_id)), n);
}

static const char SQL_PARTICIPANT_LEAVE[] =
    "UPDATE thread_participants SET left_at = ? WHERE thread_id = ?"
    " AND user_id = ? AND left_at IS NULL";

int
store_participant_leave(struct db *db, const char *thread_id,
    const char *user_id, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_PARTICIPANT_LEAVE, DB_ARGS(DB_TIME(now),
	    DB_TEXT(thread_id), DB_TEXT(user_id)), n);
}

static const char SQL_PARTICIPANTS_BUMP[] =
    "UPDATE thread_participants SET activity_at = ?,"
    " unread_count = unread_count + (user_id <> ?)"
    " WHERE thread_id = ? AND left_at IS NULL";

int
store_participants_bump(struct db *db, const char *thread_id,
    const char *sender_id, int64_t now)
{
	return db_exec(db, SQL_PARTICIPANTS_BUMP, DB_ARGS(DB_TIME(now),
	    DB_TEXT(sender_id), DB_TEXT(thread_id)), NULL);
}

static const char SQL_NOTIFY_CLAIM[] =
    "UPDATE thread_participants SET notified_at = ? WHERE thread_id = ?"
    " AND user_id = ? AND (notified_at IS NULL OR notified_at <= ?)";

int
store_notify_claim(struct db *db, const char *thread_id, const char *user_id,
    int64_t now, int64_t since, int *claimed)
{
	unsigned long long	 n = 0;
	int			 rc;

	rc = db_exec(db, SQL_NOTIFY_CLAIM, DB_ARGS(DB_TIME(now),
	    DB_TEXT(thread_id), DB_TEXT(user_id), DB_TIME(since)), &n);
	*claimed = rc == DB_OK && n == 1;
	return rc;
}

static const char SQL_PARTICIPANT_LOCK[] =
    "SELECT 1 FROM thread_participants WHERE thread_id = ? AND user_id = ?"
    " AND left_at IS NULL FOR UPDATE";

int
store_participant_lock(struct db *db, struct arena *a, const char *thread_id,
    const char *user_id, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_PARTICIPANT_LOCK, DB_ARGS(
	    DB_TEXT(thread_id), DB_TEXT(user_id)), &res)) == DB_OK)
		*found = res.nrows > 0;
	return rc;
}

/* ---- messages and receipts ---- */

static const char SQL_MESSAGE_INSERT[] =
    "INSERT INTO messages (id, thread_id, seq, sender_id, body, body_key_id,"
    " attachment_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

int
store_message_insert(struct db *db, const struct msg_message *m,
    uint32_t key_id)
{
	return db_exec(db, SQL_MESSAGE_INSERT, DB_ARGS(DB_TEXT(m->id),
	    DB_TEXT(m->thread_id), DB_INT(m->seq), DB_TEXT(m->sender_id),
	    DB_BLOB(m->body_sealed, m->body_sealed_len), DB_INT(key_id),
	    DB_INT(m->attachment_count), DB_TIME(m->created_at)), NULL);
}

static const char SQL_RECEIPTS_INSERT[] =
    "INSERT INTO message_receipts (message_id, recipient_id, thread_id, seq,"
    " status) SELECT ?, user_id, thread_id, ?, 'sent'"
    " FROM thread_participants WHERE thread_id = ? AND left_at IS NULL"
    " AND user_id <> ?";

int
store_receipts_insert(struct db *db, const char *message_id,
    const char *thread_id, long long seq, const char *sender_id)
{
	return db_exec(db, SQL_RECEIPTS_INSERT, DB_ARGS(DB_TEXT(message_id),
	    DB_INT(seq), DB_TEXT(thread_id), DB_TEXT(sender_id)), NULL);
}

#define PAGE_COLS \
    "SELECT m.id, m.seq, m.sender_id, m.body, m.attachment_count," \
    " m.created_at, r.status, r.delivered_at, r.read_at FROM messages m" \
    " LEFT JOIN message_receipts r ON r.recipient_id = ?" \
    " AND r.thread_id = m.thread_id AND r.seq = m.seq WHERE m.thread_id = ?"

static const char SQL_PAGE_DESC[] =
    PAGE_COLS " AND m.seq < ? ORDER BY m.seq DESC LIMIT ?";
static const char SQL_PAGE_ASC[] =
    PAGE_COLS " AND m.seq > ? ORDER BY m.seq LIMIT ?";

int
store_messages_page(struct db *db, struct arena *a, const char *thread_id,
    const char *user_id, int is_ascending, long long from_seq, long limit,
    struct msg_message **out, size_t *n)
{
	struct db_res	 res;
	struct msg_message *m;
	size_t		 i;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, a, is_ascending ? SQL_PAGE_ASC : SQL_PAGE_DESC,
	    DB_ARGS(DB_TEXT(user_id), DB_TEXT(thread_id), DB_INT(from_seq),
	    DB_INT(limit + 1)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		m = &(*out)[i];
		if (res.rows[i].v[0] == NULL || res.rows[i].len[0] != ID_LEN)
			return DB_ERROR;
		memcpy(m->id, res.rows[i].v[0], ID_LEN + 1);
		m->thread_id = thread_id;
		m->seq = cell_ll(res.rows[i].v[1]);
		m->sender_id = res.rows[i].v[2];
		m->body_sealed = (const unsigned char *)res.rows[i].v[3];
		m->body_sealed_len = res.rows[i].len[3];
		m->attachment_count = (int)cell_ll(res.rows[i].v[4]);
		m->created_at = cell_time(res.rows[i].v[5]);
		m->my_status = res.rows[i].v[6];
		m->my_delivered_at = cell_time(res.rows[i].v[7]);
		m->my_read_at = cell_time(res.rows[i].v[8]);
	}
	*n = res.nrows;
	return DB_OK;
}

static const char SQL_RECEIPTS_RANGE[] =
    "SELECT message_id, recipient_id, status, delivered_at, read_at"
    " FROM message_receipts WHERE thread_id = ? AND seq BETWEEN ? AND ?"
    " ORDER BY seq, recipient_id";

int
store_receipts_range(struct db *db, struct arena *a, const char *thread_id,
    long long lo, long long hi, struct msg_receipt **out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, a, SQL_RECEIPTS_RANGE, DB_ARGS(DB_TEXT(thread_id),
	    DB_INT(lo), DB_INT(hi)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		(*out)[i].message_id = res.rows[i].v[0];
		(*out)[i].recipient_id = res.rows[i].v[1];
		(*out)[i].status = res.rows[i].v[2];
		(*out)[i].delivered_at = cell_time(res.rows[i].v[3]);
		(*out)[i].read_at = cell_time(res.rows[i].v[4]);
	}
	*n = res.nrows;
	return DB_OK;
}

static const char SQL_MARK_DELIVERED[] =
    "UPDATE message_receipts SET status = 'delivered', delivered_at = ?"
    " WHERE recipient_id = ? AND thread_id = ? AND seq BETWEEN ? AND ?"
    " AND status = 'sent'";

int
store_mark_delivered(struct db *db, const char *user_id, const char *thread_id,
    long long lo, long long hi, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_MARK_DELIVERED, DB_ARGS(DB_TIME(now),
	    DB_TEXT(user_id), DB_TEXT(thread_id), DB_INT(lo), DB_INT(hi)), n);
}

static const char SQL_MESSAGE_SEQ[] =
    "SELECT seq FROM messages WHERE id = ? AND thread_id = ?";

int
store_message_seq(struct db *db, struct arena *a, const char *message_id,
    const char *thread_id, long long *seq, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_MESSAGE_SEQ, DB_ARGS(DB_TEXT(message_id),
	    DB_TEXT(thread_id)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	*seq = cell_ll(res.rows[0].v[0]);
	*found = 1;
	return DB_OK;
}

static const char SQL_MESSAGE_THREAD[] =
    "SELECT thread_id FROM messages WHERE id = ?";

int
store_message_thread(struct db *db, struct arena *a, const char *message_id,
    const char **thread_id, int *found)
{
	struct db_res	 res;
	int		 rc;

	*found = 0;
	if ((rc = db_query(db, a, SQL_MESSAGE_THREAD, DB_ARGS(
	    DB_TEXT(message_id)), &res)) != DB_OK || res.nrows == 0)
		return rc;
	*thread_id = res.rows[0].v[0];
	*found = 1;
	return DB_OK;
}

/* The ids, for the audit row: at most max of them. */
static const char SQL_UNREAD_IDS[] =
    "SELECT message_id FROM message_receipts WHERE recipient_id = ?"
    " AND thread_id = ? AND seq <= ? AND status <> 'read' ORDER BY seq LIMIT ?";
/* Who wrote them, for the events: at most one row per participant. */
static const char SQL_UNREAD_SENDERS[] =
    "SELECT DISTINCT m.sender_id FROM message_receipts r"
    " JOIN messages m ON m.thread_id = r.thread_id AND m.seq = r.seq"
    " WHERE r.recipient_id = ? AND r.thread_id = ? AND r.seq <= ?"
    " AND r.status <> 'read'";

static int
column(struct db *db, struct arena *a, const char *sql,
    const struct db_param *p, size_t np, const char ***out, size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, sql, p, np, &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(char *));
	for (i = 0; i < res.nrows; i++)
		(*out)[i] = res.rows[i].v[0];
	*n = res.nrows;
	return DB_OK;
}

int
store_unread_upto(struct db *db, struct arena *a, const char *user_id,
    const char *thread_id, long long seq, size_t max, const char ***ids,
    size_t *nids, const char ***senders, size_t *nsenders)
{
	int	 rc;

	if ((rc = column(db, a, SQL_UNREAD_IDS, DB_ARGS(DB_TEXT(user_id),
	    DB_TEXT(thread_id), DB_INT(seq), DB_INT(max)), ids, nids)) != DB_OK)
		return rc;
	return column(db, a, SQL_UNREAD_SENDERS, DB_ARGS(DB_TEXT(user_id),
	    DB_TEXT(thread_id), DB_INT(seq)), senders, nsenders);
}

static const char SQL_MARK_READ[] =
    "UPDATE message_receipts SET status = 'read', read_at = ?,"
    " delivered_at = IFNULL(delivered_at, ?) WHERE recipient_id = ?"
    " AND thread_id = ? AND seq <= ? AND status <> 'read'";

int
store_mark_read(struct db *db, const char *user_id, const char *thread_id,
    long long seq, int64_t now, unsigned long long *n)
{
	return db_exec(db, SQL_MARK_READ, DB_ARGS(DB_TIME(now), DB_TIME(now),
	    DB_TEXT(user_id), DB_TEXT(thread_id), DB_INT(seq)), n);
}

static const char SQL_UNREAD_SUB[] =
    "UPDATE thread_participants SET unread_count ="
    " IF(unread_count > ?, unread_count - ?, 0)"
    " WHERE thread_id = ? AND user_id = ?";
static const char SQL_UNREAD_GET[] =
    "SELECT unread_count FROM thread_participants"
    " WHERE thread_id = ? AND user_id = ?";

int
store_unread_sub(struct db *db, struct arena *a, const char *user_id,
    const char *thread_id, unsigned long long n, long long *left)
{
	struct db_res	 res;
	int		 rc;

	*left = 0;
	if (n > 0 && (rc = db_exec(db, SQL_UNREAD_SUB, DB_ARGS(DB_INT(n),
	    DB_INT(n), DB_TEXT(thread_id), DB_TEXT(user_id)), NULL)) != DB_OK)
		return rc;
	if ((rc = db_query(db, a, SQL_UNREAD_GET, DB_ARGS(DB_TEXT(thread_id),
	    DB_TEXT(user_id)), &res)) == DB_OK && res.nrows > 0)
		*left = cell_ll(res.rows[0].v[0]);
	return rc;
}

/* ---- lists ---- */

/*
 * STRAIGHT_JOIN: walk the user's participants index newest first and stop
 * at the limit, rather than gather every thread of every patient on a
 * provider's team and sort them (what the optimizer picks on its own).
 */
#define LIST_SQL(team) \
    "SELECT STRAIGHT_JOIN " THREAD_COLS ", p.unread_count, p.activity_at" \
    " FROM thread_participants p JOIN threads t ON t.id = p.thread_id" team \
    " WHERE p.user_id = ? AND p.left_at IS NULL" \
    " AND (p.activity_at < ? OR (p.activity_at = ? AND p.thread_id < ?))" \
    " ORDER BY p.activity_at DESC, p.thread_id DESC LIMIT ?"

static const char SQL_LIST[] = LIST_SQL("");
static const char SQL_LIST_PROVIDER[] =
    LIST_SQL(TEAM_ONLY("t.patient_id", "p.user_id"));

/* Past any real time and id: where a first page starts. */
#define LIST_END_TIME	(253402300799LL * 1000000LL)	/* 9999-12-31T23:59:59Z */
#define LIST_END_ID	"~"

int
store_thread_list(struct db *db, struct arena *a, const char *user_id,
    int is_provider, const struct msg_list_after *after, long limit,
    struct msg_thread **out, long long **unread, int64_t **activity,
    size_t *n)
{
	struct db_res	 res;
	int64_t		 at = after ? after->activity_at : LIST_END_TIME;
	const char	*id = after ? after->thread_id : LIST_END_ID;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, is_provider ? SQL_LIST_PROVIDER : SQL_LIST,
	    DB_ARGS(DB_TEXT(user_id), DB_TIME(at), DB_TIME(at), DB_TEXT(id),
	    DB_INT(limit + 1)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, (res.nrows + 1) * sizeof(**out));
	*unread = arena_alloc(a, (res.nrows + 1) * sizeof(**unread));
	*activity = arena_alloc(a, (res.nrows + 1) * sizeof(**activity));
	for (i = 0; i < res.nrows; i++) {
		if (thread_from(&res.rows[i], &(*out)[i]) == -1)
			return DB_ERROR;
		(*unread)[i] = cell_ll(res.rows[i].v[7]);
		(*activity)[i] = cell_time(res.rows[i].v[8]);
	}
	*n = res.nrows;
	return DB_OK;
}

#define UNREAD_SQL(team) \
    "SELECT STRAIGHT_JOIN p.thread_id, p.unread_count FROM thread_participants p" \
    " JOIN threads t ON t.id = p.thread_id" team \
    " WHERE p.user_id = ? AND p.left_at IS NULL AND p.unread_count > 0" \
    " ORDER BY p.activity_at DESC, p.thread_id DESC LIMIT ?"

static const char SQL_UNREAD[] = UNREAD_SQL("");
static const char SQL_UNREAD_PROVIDER[] =
    UNREAD_SQL(TEAM_ONLY("t.patient_id", "p.user_id"));

int
store_unread_counts(struct db *db, struct arena *a, const char *user_id,
    int is_provider, size_t max, const char ***ids, long long **counts,
    size_t *n)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, a, is_provider ? SQL_UNREAD_PROVIDER : SQL_UNREAD,
	    DB_ARGS(DB_TEXT(user_id), DB_INT(max)), &res)) != DB_OK)
		return rc;
	*ids = arena_alloc(a, (res.nrows + 1) * sizeof(char *));
	*counts = arena_alloc(a, (res.nrows + 1) * sizeof(long long));
	for (i = 0; i < res.nrows; i++) {
		(*ids)[i] = res.rows[i].v[0];
		(*counts)[i] = cell_ll(res.rows[i].v[1]);
	}
	*n = res.nrows;
	return DB_OK;
}
