/*
 * The appointments worker: availability, free slots, booking and the
 * appointment lifecycle. Shared types and the handlers of routes.c.
 */
#ifndef CONCIERGE_W_APPOINTMENTS_H
#define CONCIERGE_W_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "lib/ctx.h"
#include "lib/id.h"
#include "lib/store-appointment.h"
#include "lib/tz.h"
#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the appointments worker. */
extern const struct worker_def appointments_worker;

#define APPT_DUR_MIN	5	/* minutes */
#define APPT_DUR_MAX	240	/* also bounds the overlap scan */
#define APPT_SLOTS_MAX_DAYS	31

/* One weekly window: weekday 0 = Monday; minutes after local midnight. */
struct avail_window {
	int	 weekday;
	int	 start_min, end_min;
};

/* A dated exception; start_min = -1 when it has no times. */
struct avail_exception {
	int	 year, month, day;
	int	 is_available;
	int	 start_min, end_min;
};

struct avail {
	const char		*timezone;
	struct avail_window	*weekly;
	size_t			 nweekly;
	struct avail_exception	*exc;
	size_t			 nexc;
};

/* A half-open UTC interval [start, end) in microseconds. */
struct interval {
	int64_t	 start, end;
};

/* What a change did, for its audit row, notifications and events. */
enum appt_change {
	APPT_BOOKED = 0,
	APPT_RESCHEDULED,
	APPT_CANCELLED,
	APPT_NO_SHOW,
	APPT_COMPLETED,
};

/* Handlers (availability.c, slots.c, book.c, lifecycle.c, list.c). */
int	appt_availability_get(struct ctx *);
int	appt_availability_put(struct ctx *);
int	appt_slots_get(struct ctx *);
int	appt_book(struct ctx *);
int	appt_reschedule(struct ctx *);
int	appt_cancel(struct ctx *);
int	appt_no_show(struct ctx *);
int	appt_complete(struct ctx *);
int	appt_list(struct ctx *);
int	appt_get(struct ctx *);

/*
 * The provider's free time in UTC between from and to, as sorted,
 * merged intervals (arena): weekly windows of each local date, minus
 * days off and blocked hours, plus extra hours. 0, or -1 if the zone
 * cannot be loaded.
 */
int	appt_windows(struct ctx *, const struct avail *, int64_t from,
	    int64_t to, struct interval **out, size_t *n);
/* 1 if [start, end) lies inside the provider's availability, 0 if not, -1 on error. */
int	appt_within(struct ctx *, const struct avail *, int64_t start, int64_t end);
/* Parse "HH:MM" (00:00 to 24:00) into minutes. 0 or -1. */
int	appt_hhmm(const char *, int *minutes);
/* The JSON view of an appointment (a new object). */
struct json_object *appt_view(const struct appt_row *);
/*
 * Inside the open transaction: the audit row, the outbox rows for the
 * patient and provider (and the 24 h reminder) and the events of a
 * change. meta (borrowed, may be NULL) goes into the audit row. Returns
 * an enum db_rc.
 */
int	appt_effects(struct ctx *, const struct appt_row *, enum appt_change,
	    struct json_object *meta);
/*
 * Booking and reschedule share this: lock the provider's and the
 * patient's rows (in that order), then check neither is busy in
 * [start, end) (ignoring exclude_id). Returns an enum db_rc, or 1 after
 * setting a 409/422 reply.
 */
int	appt_lock_and_check(struct ctx *, const char *provider_id,
	    const char *patient_id, int64_t start, int64_t end,
	    const char *visit_type, const char *exclude_id);

#endif
