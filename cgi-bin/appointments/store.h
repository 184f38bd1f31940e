/*
 * SQL of the appointments worker: availability, appointments and the
 * booking locks (the care-team row a booking adds goes through the one
 * rule of lib/store-user.h). Functions return
 * an enum db_rc; rows and strings live in the caller's arena.
 */
#ifndef CONCIERGE_W_APPOINTMENTS_STORE_H
#define CONCIERGE_W_APPOINTMENTS_STORE_H

#include "lib/db.h"
#include "cgi-bin/appointments/appointments.h"

/* Scope of a list: whose appointments, by which index. */
enum appt_scope {
	APPT_SCOPE_PATIENT = 0,	/* scope_id is the patient; other_id filters providers */
	APPT_SCOPE_PROVIDER,	/* scope_id is the provider; other_id filters patients */
	APPT_SCOPE_ALL,		/* staff: everyone */
};

struct appt_query {
	enum appt_scope	 scope;
	const char	*scope_id;
	const char	*other_id;	/* NULL: any */
	const char	*status;	/* NULL: any */
	int64_t		 lo, hi;	/* start_at bounds, inclusive */
	int		 is_ascending;
	int64_t		 cur_start;	/* keyset: the last row seen */
	const char	*cur_id;	/* "" on the first page */
	long		 limit;
};

/* Availability of provider_id; *found 0 if none was ever set. */
int	store_avail_get(struct db *, struct arena *, const char *provider_id,
	    struct avail *, int *found);
/* Replace the whole availability of provider_id (inside a transaction). */
int	store_avail_put(struct db *, const char *provider_id, const struct avail *,
	    const char *actor_id, int64_t now);
/*
 * The provider profile of id: *found 0 when id is no provider;
 * *is_active by the rule of lib/store-user.h (verified, not disabled).
 * With lock set the profile and user rows are locked FOR UPDATE until
 * the transaction ends, so neither can change under a booking.
 */
int	store_provider_state(struct db *, struct arena *, const char *id,
	    int lock, int *found, int *is_active, int *telehealth);
/* Lock the patient profile row of id FOR UPDATE; *found 0 if no patient. */
int	store_patient_lock(struct db *, struct arena *, const char *id, int *found);
/*
 * Bump booking_version of the provider's (is_patient 0) or the patient's
 * profile row, locked above: on a Galera cluster two bookings that could
 * overlap then update a common row, so the one certified second aborts
 * (DB_DEADLOCK) and is run again (migration 0017, docs/SCALING.md).
 */
int	store_booking_fence(struct db *, int is_patient, const char *user_id);
/*
 * 1 in *busy if col (provider or patient) has a non-cancelled appointment
 * other than exclude_id (may be NULL) overlapping [start, end).
 */
int	store_busy(struct db *, struct arena *, int is_patient, const char *who,
	    int64_t start, int64_t end, const char *exclude_id, int *busy);
/* Insert a new appointment. */
int	store_appt_insert(struct db *, const struct appt_row *);
/* CAS: move start/end while status is scheduled and start is old_start. */
int	store_appt_reschedule(struct db *, const char *id, int64_t old_start,
	    int64_t start, int64_t end, int64_t now, unsigned long long *n);
/* CAS: status from -> cancelled with reason and who. */
int	store_appt_cancel(struct db *, const char *id, const char *from,
	    const char *reason, const char *by, int64_t now,
	    unsigned long long *n);
/* Pending reminders of an appointment stop (it moved or ended). */
int	store_reminders_drop(struct db *, const struct appt_row *);
/* Non-cancelled appointments of a provider overlapping [from, to), sorted. */
int	store_booked(struct db *, struct arena *, const char *provider_id,
	    int64_t from, int64_t to, struct interval **out, size_t *n);
/* A page of appointments (up to q->limit + 1 rows, to tell if more exist). */
int	store_appt_list(struct db *, struct arena *, const struct appt_query *,
	    struct appt_row **out, size_t *n);

#endif
