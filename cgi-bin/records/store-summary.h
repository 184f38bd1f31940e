/*
 * SQL of the patient dashboard that is not the records worker's own:
 * the patient's next visits and the unread messages of their threads
 * (the appointments and messaging workers' tables, read only). Functions return an enum db_rc; rows live in the caller's arena.
 */
#ifndef CONCIERGE_W_STORE_SUMMARY_H
#define CONCIERGE_W_STORE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/id.h"
#include "lib/mem.h"

/* A visit as the dashboard shows it. */
struct visit_rec {
	char		 id[ID_LEN + 1];
	const char	*provider_id;
	const char	*provider_name;
	int64_t		 start_at, end_at;
	const char	*status;
	const char	*visit_type;
	const char	*location;
};

/*
 * The next visits of patient_id not yet over at now (scheduled, checked
 * in or in session), soonest first, at most limit.
 */
int	store_summary_visits(struct db *, struct arena *, const char *patient_id,
	    int64_t now, long limit, struct visit_rec **out, size_t *n);

/*
 * The messages user_id has not read in the threads about patient_id that
 * user_id is still a participant of (thread_participants.unread_count,
 * kept by the messaging worker), into *out.
 */
int	store_summary_unread(struct db *, struct arena *, const char *patient_id,
	    const char *user_id, long long *out);

#endif
