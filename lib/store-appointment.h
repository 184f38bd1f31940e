/*
 * SQL on the appointments table shared by the workers that move an
 * appointment through its states (appointments, waitingroom): the row,
 * reading one, and the compare-and-swap of its status. Functions return
 * an enum db_rc; strings live in the caller's arena.
 */
#ifndef CONCIERGE_STORE_APPOINTMENT_H
#define CONCIERGE_STORE_APPOINTMENT_H

#include <stdint.h>

#include "lib/db.h"
#include "lib/id.h"
#include "lib/mem.h"

struct appt_row {
	char		 id[ID_LEN + 1];
	const char	*provider_id;
	const char	*patient_id;
	int64_t		 start_at, end_at;
	int64_t		 prev_start_at;	/* a reschedule's old start; 0 otherwise */
	const char	*status;
	const char	*visit_type;
	const char	*location;
	const char	*reason;
	const char	*booked_by;
	const char	*override_reason;
	const char	*cancel_reason;
	const char	*cancelled_by;
	int64_t		 cancelled_at;	/* INT64_MIN if not cancelled */
	int64_t		 created_at, updated_at;
};

/* The columns store_appt_row reads, in its order, as a SELECT ... FROM. */
#define STORE_APPT_COLS \
    "SELECT id, provider_id, patient_id, start_at, end_at, status," \
    " visit_type, location, reason, booked_by, override_reason," \
    " cancel_reason, cancelled_by, cancelled_at, created_at, updated_at" \
    " FROM appointments"

/* Fill out from a row of STORE_APPT_COLS (strings borrowed). 0 or -1. */
int	store_appt_row(const struct db_row *, struct appt_row *out);
/* One appointment; *found 0 or 1. */
int	store_appt_get(struct db *, struct arena *, const char *id,
	    struct appt_row *, int *found);
/* CAS: status from -> to; *n (may be NULL) gets 1 if it moved, 0 if not. */
int	store_appt_set_status(struct db *, const char *id, const char *from,
	    const char *to, int64_t now, unsigned long long *n);

#endif
