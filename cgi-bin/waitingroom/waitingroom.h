/*
 * The waitingroom worker: check-in, the live queue of each provider,
 * provider presence and announcements, admission, video sessions and
 * their append-only log, and the sweeper that applies the time rules.
 * Shared types and the handlers of routes.c (docs/WAITINGROOM.md).
 */
#ifndef CONCIERGE_W_WAITINGROOM_H
#define CONCIERGE_W_WAITINGROOM_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "lib/ctx.h"
#include "lib/id.h"
#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the waitingroom worker. */
extern const struct worker_def waitingroom_worker;

/* Rounds a handler makes when a compare-and-swap found the row moved (deadlocks: tx_run). */
#define WR_TX_TRIES		3
#define WR_QUEUE_MAX		200	/* entries one queue reply holds */
#define WR_ANNOUNCEMENTS_MAX	5	/* current announcements shown */
#define WR_TEXT_MAX		280	/* announcement characters */
#define WR_DETAIL_MAX		2000	/* session event detail characters */
#define WR_NOTES_MAX		4000	/* notes_summary characters */
#define WR_EVENTS_MAX		500	/* events one session view holds */

/* A waiting-room entry. Times are JTIME_NULL when unset. */
struct wr_entry {
	char		 id[ID_LEN + 1];
	const char	*appointment_id;
	const char	*provider_id;
	const char	*patient_id;
	const char	*status;	/* waiting away admitted left removed */
	int64_t		 appt_start_at;
	long		 booked_minutes;
	int64_t		 checked_in_at;
	const char	*checked_in_by;
	int64_t		 last_heartbeat_at;
	int64_t		 away_since;
	int64_t		 ended_at;
	const char	*video_session_id;
	int64_t		 updated_at;
};

/* What the estimate needs to know about the provider, read in one query. */
struct wr_provider {
	const char	*status;	/* available busy offline */
	double		 pace_ratio;	/* recent actual / booked duration */
	double		 lateness_sec;	/* recent start minus booked start */
	long		 sessions_measured;
	const char	*running_id;	/* the running session, or NULL */
	int64_t		 running_started_at;
	long		 running_booked_minutes;
};

/* A provider's queue (waiting and away entries, in order) with the estimate inputs. */
struct wr_queue {
	struct wr_entry		*e;
	size_t			 n;
	struct wr_provider	 prov;
};

/* An entry with what its reply shows: queue, presence, announcements. */
struct wr_entry_view {
	struct wr_entry		 e;
	struct wr_queue		 q;	/* empty unless e is waiting or away */
	struct wr_announcement	*an;
	size_t			 nan;
};

/* One entry's place in a queue: position from 1, estimate in minutes. */
struct wr_place {
	const char	*entry_id;
	const char	*patient_id;
	const char	*status;
	long		 position;
	long		 estimate;
};

/* The places of one queue at a moment, to tell who a change moved. */
struct wr_snapshot {
	struct wr_place	*p;
	size_t		 n;
	const char	*provider_status;
};

struct wr_announcement {
	char		 id[ID_LEN + 1];
	const char	*provider_id;
	const char	*text;
	const char	*created_by;
	int64_t		 created_at;
	int64_t		 expires_at;
};

struct wr_session {
	char		 id[ID_LEN + 1];
	const char	*appointment_id;
	const char	*entry_id;
	const char	*provider_id;
	const char	*patient_id;
	const char	*room;
	const char	*status;	/* running ended */
	int64_t		 appt_start_at;
	long		 booked_minutes;
	int64_t		 started_at;
	const char	*started_by;
	int64_t		 ended_at;	/* JTIME_NULL while running */
	const char	*ended_by;
	const char	*end_reason;	/* provider timeout, or NULL */
	long		 duration_seconds;	/* -1 while running */
	const char	*consent_snapshot;	/* JSON text */
};

/* A session log event; detail and notes are plaintext here (sealed in the store). */
struct wr_event {
	char		 id[ID_LEN + 1];
	const char	*session_id;
	const char	*type;
	const char	*actor_id;	/* NULL: the system */
	const char	*actor_role;
	int64_t		 at;
	int64_t		 recorded_at;
	const char	*amends_event_id;
	const char	*detail;	/* may be NULL */
	size_t		 detail_len;
	const char	*notes;		/* may be NULL */
	size_t		 notes_len;
};

/* Handlers (checkin.c, entry.c, queue.c, presence.c, admit.c, sessions.c, session-log.c). */
int	wr_check_in(struct ctx *);
int	wr_entry_get(struct ctx *);
int	wr_heartbeat(struct ctx *);
int	wr_leave(struct ctx *);
int	wr_queue_get(struct ctx *);
int	wr_presence_put(struct ctx *);
int	wr_announce(struct ctx *);
int	wr_admit(struct ctx *);
int	wr_session_list(struct ctx *);
int	wr_session_get(struct ctx *);
int	wr_session_join(struct ctx *);
int	wr_session_event(struct ctx *);
int	wr_session_end(struct ctx *);

/* The sweeper: `concierge-waitingroom sweep --once|--follow` (sweep.c). */
int	wr_sweep_main(int argc, char *argv[]);

/* ---- estimate.c ---- */

/*
 * Read provider_id's queue and estimate inputs (inside or outside a
 * transaction). Returns an enum db_rc.
 */
int	wr_queue_load(struct ctx *, const char *provider_id, struct wr_queue *);
/*
 * The minutes each entry of q will likely wait from now, into out[q->n]
 * (docs/WAITINGROOM.md, "The estimate"): one pass over the queue.
 */
void	wr_estimates(const struct ctx *, const struct wr_queue *, int64_t now,
	    long *out);
/* The places of every entry of q at now (arena). */
void	wr_snapshot_of(struct ctx *, const struct wr_queue *, int64_t now,
	    struct wr_snapshot *);
/* Load provider_id's queue and take its snapshot. Returns an enum db_rc. */
int	wr_snapshot_take(struct ctx *, const char *provider_id, int64_t now,
	    struct wr_snapshot *);

/* ---- effects.c: side effects inside the command's transaction ---- */

/*
 * An audit row for a transition of entity_type/entity_id of patient_id;
 * the actor is the signed-in one, or "system" for the sweeper. meta is
 * borrowed and may be NULL. Returns an enum db_rc.
 */
int	wr_audit(struct ctx *, const char *action, const char *entity_type,
	    const char *entity_id, const char *patient_id, const char *summary,
	    struct json_object *meta);
/*
 * Take the queue's snapshot again and send waiting_room.updated to every
 * patient whose status, position or estimate differs from before (except
 * skip_entry_id, which gets its own event) and to the provider. Returns
 * an enum db_rc.
 */
int	wr_notify_queue(struct ctx *, const char *provider_id,
	    const struct wr_snapshot *before, int64_t now,
	    const char *skip_entry_id);
/* waiting_room.updated to everyone in provider_id's queue and the provider. */
int	wr_notify_everyone(struct ctx *, const char *provider_id, int64_t now);
/* An event of type to both participants of s. Returns an enum db_rc. */
int	wr_notify_session(struct ctx *, const struct wr_session *, const char *type,
	    const char *entity_type, const char *entity_id);
/*
 * End session s at now with reason ("provider" by actor_id, "timeout"
 * by the sweeper): the session row, its 'ended' log event (notes may be
 * NULL), the appointment -> completed, the provider's pace and lateness,
 * presence busy -> available, audit rows and events. Call with the
 * presence row locked. Returns an enum db_rc, or 2 if s no longer runs.
 */
int	wr_end_session(struct ctx *, struct wr_session *, const char *reason,
	    const char *notes, size_t notes_len, int64_t now);
/*
 * Close entry e (waiting or away) as status to ("left" or "removed") at
 * now: the appointment goes back to scheduled if its start has not
 * passed, else to no_show; audit rows and events. Returns an enum db_rc,
 * or 2 if e was no longer in from_status.
 */
int	wr_close_entry(struct ctx *, struct wr_entry *, const char *from_status,
	    const char *to, int64_t now, int64_t away_cutoff);

/* ---- view.c ---- */

/* The JSON of an entry (with place: position, estimate, status of the queue). */
struct json_object *wr_entry_view(const struct wr_entry *, const struct wr_place *,
	    const char *provider_status, struct json_object *announcements);
/* The JSON list of announcements (n rows). */
struct json_object *wr_announcements_view(const struct wr_announcement *, size_t n);
struct json_object *wr_announcement_view(const struct wr_announcement *);
/* The JSON of a session; events (may be NULL) is attached as "events". */
struct json_object *wr_session_view(const struct wr_session *, struct json_object *events);
struct json_object *wr_event_view(const struct wr_event *);
/*
 * A join credential for user_id (display name, may be NULL) in session
 * s into *out: {provider, url, token, room, identity, expires_at}, or
 * NULL (JSON null) when video.provider = none. No database access. 0,
 * or -1 (logged) if it cannot be made (the video settings are invalid).
 */
int	wr_join_view(struct ctx *, const struct wr_session *, const char *user_id,
	    const char *name, struct json_object **out);

/* ---- common.c ---- */

/* 409 with code and detail (clears recorded field errors). Returns 0. */
int	wr_conflict(struct ctx *, const char *code, const char *detail);
/*
 * Load entry {id} (c->cap[0]) and check the caller may see it (404
 * otherwise) and may do act (403). 0, or -1 with the reply set.
 */
int	wr_entry_load(struct ctx *, enum pol_action act, const char *verb,
	    struct wr_entry *);
/* As wr_entry_load for video session {id}. */
int	wr_session_load(struct ctx *, enum pol_action act, const char *verb,
	    struct wr_session *);
/*
 * Policy on a record (type/id) of patient and provider: the caller is
 * "self" when either. Denied read is 404, denied act 403, each audited.
 * 0, or -1 with the reply set.
 */
int	wr_allowed(struct ctx *, enum pol_action read, enum pol_action act,
	    const char *verb, const char *type, const char *id,
	    const char *patient, const char *provider);
/*
 * Reply status with entry e as it is now (read again in one query,
 * wr_store_entry_view), its place in the queue (when active), the
 * provider's status and current announcements. Returns 0.
 */
int	wr_entry_reply(struct ctx *, int status, const struct wr_entry *);
/* 1 if status is an entry still in the queue (waiting or away). */
int	wr_is_active(const char *status);

#endif
