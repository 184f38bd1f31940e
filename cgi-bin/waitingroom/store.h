/*
 * SQL of the waitingroom worker: entries, presence, announcements,
 * video sessions and their sealed event log. Functions return an enum
 * db_rc; rows and strings live in the caller's arena. Transitions are
 * compare-and-swap updates: *n gets 1 when the row moved, 0 when another
 * request (or the sweeper) moved it first.
 */
#ifndef CONCIERGE_W_WAITINGROOM_STORE_H
#define CONCIERGE_W_WAITINGROOM_STORE_H

#include "lib/cfg.h"
#include "lib/db.h"
#include "cgi-bin/waitingroom/waitingroom.h"

/* ---- entries ---- */

/* One entry by id, or by appointment (by_appt set); *found 0 or 1. */
int	wr_store_entry_get(struct db *, struct arena *, const char *id,
	    int by_appt, struct wr_entry *, int *found);
/* Insert a new entry. DB_DUPLICATE when the appointment has one. */
int	wr_store_entry_insert(struct db *, const struct wr_entry *);
/* CAS from (left or removed) -> waiting, checked in again by by at now. */
int	wr_store_entry_reopen(struct db *, const char *id, const char *from,
	    const char *by, int64_t now, unsigned long long *n);
/* A heartbeat of a waiting entry (the clock only). */
int	wr_store_entry_beat(struct db *, const char *id, int64_t now,
	    unsigned long long *n);
/* CAS away -> waiting with a heartbeat: the patient is back, same place. */
int	wr_store_entry_back(struct db *, const char *id, int64_t now,
	    unsigned long long *n);
/* CAS waiting -> away, only if the last heartbeat is before cutoff. */
int	wr_store_entry_away(struct db *, const char *id, int64_t cutoff,
	    int64_t now, unsigned long long *n);
/*
 * CAS from (waiting or away) -> to (left or removed). With from "away"
 * and away_cutoff > 0, only if away since before away_cutoff.
 */
int	wr_store_entry_close(struct db *, const char *id, const char *from,
	    const char *to, int64_t away_cutoff, int64_t now,
	    unsigned long long *n);
/* CAS waiting -> admitted into session_id. */
int	wr_store_entry_admit(struct db *, const char *id, const char *session_id,
	    int64_t now, unsigned long long *n);
/*
 * The queue of provider_id: waiting and away entries whose appointment
 * is still checked in, in order, at most WR_QUEUE_MAX.
 */
int	wr_store_queue(struct db *, struct arena *, const char *provider_id,
	    struct wr_entry **out, size_t *n);
/* Lock the first waiting entry of provider_id's queue FOR UPDATE; *found 0 or 1. */
int	wr_store_next_waiting(struct db *, struct arena *, const char *provider_id,
	    struct wr_entry *, int *found);
/* Lock entry id FOR UPDATE; *found 0 or 1. */
int	wr_store_entry_lock(struct db *, struct arena *, const char *id,
	    struct wr_entry *, int *found);

/* ---- presence ---- */

/* Presence and the running session of provider_id (defaults if no row). */
int	wr_store_provider(struct db *, struct arena *, const char *provider_id,
	    struct wr_provider *);
/* Make sure provider_id has a presence row, then lock it FOR UPDATE. */
int	wr_store_presence_lock(struct db *, const char *provider_id, int64_t now);
/* Set provider_id's presence (upsert). */
int	wr_store_presence_set(struct db *, const char *provider_id,
	    const char *status, int64_t now);
/* CAS presence from -> to. */
int	wr_store_presence_cas(struct db *, const char *provider_id,
	    const char *from, const char *to, int64_t now);
/* Fold one session (actual/booked ratio, lateness) into the provider's averages. */
int	wr_store_presence_learn(struct db *, const char *provider_id,
	    double ratio, double lateness_sec, int64_t now);

/* ---- announcements ---- */

/* Insert an announcement. */
int	wr_store_announcement_insert(struct db *, const struct wr_announcement *);
/* The newest WR_ANNOUNCEMENTS_MAX unexpired announcements of provider_id. */
int	wr_store_announcements(struct db *, struct arena *, const char *provider_id,
	    int64_t now, struct wr_announcement **out, size_t *n);

/* ---- one entry with everything its reply shows ---- */

/*
 * Entry id, and while it is waiting or away its provider's queue (as
 * wr_store_queue) and current announcements at now (as
 * wr_store_announcements); the provider's presence in any case (as
 * wr_store_provider). One round trip. *found 0 or 1.
 */
int	wr_store_entry_view(struct db *, struct arena *, const char *id,
	    int64_t now, struct wr_entry_view *, int *found);

/* ---- sessions ---- */

/* Insert a running session. DB_DUPLICATE when the provider already runs one. */
int	wr_store_session_insert(struct db *, const struct wr_session *);
/* One session; *found 0 or 1. */
int	wr_store_session_get(struct db *, struct arena *, const char *id,
	    struct wr_session *, int *found);
/* CAS running -> ended. */
int	wr_store_session_end(struct db *, const char *id, const char *by,
	    const char *reason, long duration, int64_t now, unsigned long long *n);
/*
 * Sessions of a patient or provider (who, is_patient), or anyone's (who
 * NULL), optionally of one appointment, newest first, keyset after
 * (cur_start, cur_id); up to limit + 1 rows.
 */
int	wr_store_session_list(struct db *, struct arena *, const char *who,
	    int is_patient, const char *appointment_id, int64_t cur_start,
	    const char *cur_id, long limit, struct wr_session **out, size_t *n);
/* Seal the event's detail and notes (lib/vault) and append it. */
int	wr_store_event_insert(struct db *, const struct cfg *, struct arena *,
	    const struct wr_event *);
/* The events of session_id in order, opened; at most WR_EVENTS_MAX. */
int	wr_store_events(struct db *, const struct cfg *, struct arena *,
	    const char *session_id, struct wr_event **out, size_t *n);
/* 1 in *found if event_id is an event of session_id. */
int	wr_store_event_exists(struct db *, struct arena *, const char *session_id,
	    const char *event_id, int *found);

/* ---- people ---- */

/* 1 in *yes if id is a provider (verified or not). */
int	wr_store_is_provider(struct db *, struct arena *, const char *id, int *yes);
/* The patient's consent_signed_at (JTIME_NULL if unsigned or no profile). */
int	wr_store_consent(struct db *, struct arena *, const char *patient_id,
	    int64_t *signed_at);
/* A user's full name (for the video room), or NULL. */
int	wr_store_user_name(struct db *, struct arena *, const char *user_id,
	    const char **name);

/* ---- the sweeper's candidates (no locks: every transition is a CAS) ---- */

enum wr_due {
	WR_DUE_AWAY = 0,	/* waiting, no heartbeat since cutoff */
	WR_DUE_REMOVE,		/* away since before cutoff */
	WR_DUE_ORPHAN,		/* active, but the appointment left checked_in */
};

/* Up to limit entries due for kind at cutoff. */
int	wr_store_due_entries(struct db *, struct arena *, enum wr_due,
	    int64_t cutoff, long limit, struct wr_entry **out, size_t *n);
/* Up to limit sessions running since before cutoff. */
int	wr_store_due_sessions(struct db *, struct arena *, int64_t cutoff,
	    long limit, struct wr_session **out, size_t *n);

#endif
