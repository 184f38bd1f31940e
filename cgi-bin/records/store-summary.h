/*
 * SQL of the patient dashboard that is not the records worker's own,
 * read only: the patient's next visits (the appointments worker's
 * table) and the reader's unread messages about the patient (the
 * messaging worker's). Functions return an enum db_rc; rows live in the caller's arena.
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
 * *n: the messages user_id has not read in the threads about patient_id
 * they are a current participant of (the sum of their unread counts,
 * docs/MESSAGING.md). The caller has checked that user_id may see the
 * patient's record, which for a provider means being on the care team,
 * the condition for seeing those threads.
 */
int	store_summary_unread(struct db *, struct arena *, const char *user_id,
	    const char *patient_id, long long *n);

#endif
