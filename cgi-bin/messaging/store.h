/*
 * SQL of the messaging worker (migration 0010): threads, participants,
 * messages and receipts. Functions return an enum db_rc; rows and
 * strings live in the caller's arena. "Access" for a provider always
 * means: on the patient's care team and verified, checked at the time
 * of the query, so leaving the team takes a thread away at once.
 */
#ifndef CONCIERGE_W_MESSAGING_STORE_H
#define CONCIERGE_W_MESSAGING_STORE_H

#include "lib/db.h"
#include "cgi-bin/messaging/messaging.h"

/* A keyset position in a user's list of threads (activity desc, id desc). */
struct msg_list_after {
	int64_t		 activity_at;
	const char	*thread_id;
};

/* A thread with the actor's participation and care-team standing. */
int	store_access(struct db *, struct arena *, const char *thread_id,
	    const char *user_id, struct msg_access *, int *found);
/*
 * Every participant (left ones too), with role, name and access, and
 * the thread's patient (NULL if no such thread).
 */
int	store_participants(struct db *, struct arena *, const char *thread_id,
	    struct msg_participant **out, size_t *n, const char **patient_id);
/* What user_id could be on a thread about patient_id; *found 0 if no user. */
int	store_candidate(struct db *, struct arena *, const char *user_id,
	    const char *patient_id, enum role *, int *is_disabled,
	    int *is_verified, int *on_team, int *found);
/* Whether id is a patient. */
int	store_is_patient(struct db *, struct arena *, const char *id, int *yes);

int	store_thread_insert(struct db *, const struct msg_thread *,
	    uint32_t subject_key_id);
/* Lock the thread row until the transaction ends; its message count. */
int	store_thread_lock(struct db *, struct arena *, const char *thread_id,
	    long long *message_count, int *found);
/*
 * Number the next message of thread_id: its count goes up by one under
 * the row's lock (held until the transaction ends) and *seq gets the new
 * number; *found 0 if there is no such thread.
 */
int	store_thread_next(struct db *, const char *thread_id, int64_t now,
	    long long *seq, int *found);

int	store_participant_add(struct db *, const char *thread_id,
	    const char *user_id, const char *added_by, int64_t now);
/* *state: 0 no row, 1 current participant, 2 has left. */
int	store_participant_state(struct db *, struct arena *, const char *thread_id,
	    const char *user_id, int *state);
/* Back on a thread left before; activity_at is the thread's. */
int	store_participant_rejoin(struct db *, const char *thread_id,
	    const char *user_id, const char *added_by, int64_t now,
	    int64_t activity_at, unsigned long long *n);
int	store_participant_leave(struct db *, const char *thread_id,
	    const char *user_id, int64_t now, unsigned long long *n);
/* A new message: everyone's activity, the recipients' unread counts. */
int	store_participants_bump(struct db *, const char *thread_id,
	    const char *sender_id, int64_t now);
/*
 * The mail throttle: claim the right to mail user_id about thread_id
 * (none since `since`). *claimed 1 if this call got it.
 */
int	store_notify_claim(struct db *, const char *thread_id,
	    const char *user_id, int64_t now, int64_t since, int *claimed);

int	store_message_insert(struct db *, const struct msg_message *,
	    uint32_t body_key_id);
/* One 'sent' receipt for each current participant but the sender. */
int	store_receipts_insert(struct db *, const char *message_id,
	    const char *thread_id, long long seq, const char *sender_id);
/*
 * Up to limit + 1 messages of a thread with user_id's own receipt:
 * newest first below before_seq, or (is_ascending) oldest first above
 * after_seq.
 */
int	store_messages_page(struct db *, struct arena *, const char *thread_id,
	    const char *user_id, int is_ascending, long long from_seq, long limit,
	    struct msg_message **out, size_t *n);
/* The receipts of a thread's messages lo..hi (seq). */
int	store_receipts_range(struct db *, struct arena *, const char *thread_id,
	    long long lo, long long hi, struct msg_receipt **out, size_t *n);
/* user_id's 'sent' receipts of messages lo..hi (seq) become 'delivered'. */
int	store_mark_delivered(struct db *, const char *user_id,
	    const char *thread_id, long long lo, long long hi, int64_t now,
	    unsigned long long *n);
/* The seq of message_id if it belongs to thread_id; *found 0 if not. */
int	store_message_seq(struct db *, struct arena *, const char *message_id,
	    const char *thread_id, long long *seq, int *found);
/* The thread of message_id; *found 0 if no such message. */
int	store_message_thread(struct db *, struct arena *, const char *message_id,
	    const char **thread_id, int *found);
/* Lock user_id's participant row of thread_id (read receipts serialise on it). */
int	store_participant_lock(struct db *, struct arena *, const char *thread_id,
	    const char *user_id, int *found);
/*
 * user_id's unread receipts up to seq: the first max message ids, and
 * the distinct senders of them all.
 */
int	store_unread_upto(struct db *, struct arena *, const char *user_id,
	    const char *thread_id, long long seq, size_t max, const char ***ids,
	    size_t *nids, const char ***senders, size_t *nsenders);
/* Mark them read; then take n off the unread count. */
int	store_mark_read(struct db *, const char *user_id, const char *thread_id,
	    long long seq, int64_t now, unsigned long long *n);
int	store_unread_sub(struct db *, struct arena *, const char *user_id,
	    const char *thread_id, unsigned long long n, long long *left);

/* A page of user_id's current threads (up to limit + 1), most recent activity first. */
int	store_thread_list(struct db *, struct arena *, const char *user_id,
	    int is_provider, const struct msg_list_after *, long limit,
	    struct msg_thread **out, long long **unread, int64_t **activity,
	    size_t *n);
/* The threads with unread messages (at most max), with their counts. */
int	store_unread_counts(struct db *, struct arena *, const char *user_id,
	    int is_provider, size_t max, const char ***thread_ids,
	    long long **counts, size_t *n);

#endif
