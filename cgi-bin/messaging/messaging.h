/*
 * The messaging worker: secure threads about one patient, their
 * messages and read receipts, and the attachment routes (files from
 * lib/attachment.h). Shared types and the handlers of routes.c.
 */
#ifndef CONCIERGE_W_MESSAGING_H
#define CONCIERGE_W_MESSAGING_H

#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "lib/ctx.h"
#include "lib/id.h"
#include "lib/worker.h"

/* Name, routes and not-yet-built prefixes of the messaging worker. */
extern const struct worker_def messaging_worker;

#define MSG_BODY_MAX		10000	/* characters */
#define MSG_SUBJECT_MAX		200	/* characters */
#define MSG_PARTICIPANTS_MAX	20	/* named at creation */
#define MSG_UNREAD_THREADS	100	/* threads listed by unread-count */

/* Sealed columns (lib/vault.h field names). */
#define MSG_FIELD_SUBJECT	"threads.subject"
#define MSG_FIELD_BODY		"messages.body"

/* Outbox template and event types this worker emits (docs/MESSAGING.md). */
#define MSG_TEMPLATE_NEW	"new_secure_message"
#define MSG_EVENT_CREATED	"message.created"
#define MSG_EVENT_READ		"message.read"
#define MSG_EVENT_THREAD	"thread.created"
#define MSG_EVENT_ADDED		"thread.participant_added"

struct msg_thread {
	char		 id[ID_LEN + 1];
	const char	*patient_id;
	const char	*subject;		/* opened, or NULL */
	const unsigned char *subject_sealed;
	size_t		 subject_sealed_len;
	const char	*created_by;
	int64_t		 created_at;
	long long	 message_count;		/* = the last message's seq */
	int64_t		 last_message_at;	/* JTIME_NULL before the first */
};

/* A thread and what the actor is to it, read in one query. */
struct msg_access {
	struct msg_thread	 t;
	int			 is_participant;	/* current (not left) */
	int			 is_on_team;	/* a participant who is a verified provider on the team */
	long long		 unread_count;	/* the actor's */
	struct pol_resource	 res;		/* for the thread actions of lib/policy.c */
};

struct msg_participant {
	const char	*user_id;
	enum role	 role;
	const char	*full_name;
	int64_t		 added_at;
	int		 is_active;	/* has not left */
	int		 has_access;	/* may see the thread now (providers: on the team) */
};

struct msg_message {
	char		 id[ID_LEN + 1];
	const char	*thread_id;
	long long	 seq;
	const char	*sender_id;
	const char	*body;			/* opened */
	const unsigned char *body_sealed;
	size_t		 body_sealed_len;
	int		 attachment_count;
	int64_t		 created_at;
	const char	*my_status;		/* the reader's receipt; NULL: none */
	int64_t		 my_delivered_at;	/* JTIME_NULL if not */
	int64_t		 my_read_at;
};

struct msg_receipt {
	const char	*message_id;
	const char	*recipient_id;
	const char	*status;
	int64_t		 delivered_at;		/* JTIME_NULL if not yet */
	int64_t		 read_at;
};

/* Handlers (attachments.c, threads.c, participants.c, messages.c, receipts.c). */
int	msg_attachment_upload(struct ctx *);
int	msg_attachment_get(struct ctx *);
int	msg_thread_create(struct ctx *);
int	msg_thread_list(struct ctx *);
int	msg_thread_get(struct ctx *);
int	msg_participant_add(struct ctx *);
int	msg_participant_remove(struct ctx *);
int	msg_message_post(struct ctx *);
int	msg_message_list(struct ctx *);
int	msg_mark_read(struct ctx *);
int	msg_unread_count(struct ctx *);

/*
 * Load thread id and what the actor is to it; res is set for the
 * thread actions (self: a current participant; care team: one who is
 * also a verified provider on the patient's team). *found 0 if there
 * is no such thread. Returns an enum db_rc.
 */
int	msg_access_load(struct ctx *, const char *id, struct msg_access *,
	    int *found);
/*
 * msg_access_load, then the policy for act. 0 when allowed; -1 when
 * answered: 404 for a missing thread, or the denial (audited once as
 * audit_action on the thread).
 */
int	msg_access_check(struct ctx *, const char *id, enum pol_action,
	    const char *audit_action, struct msg_access *);
/*
 * Refuse query parameters not in names (NULL-terminated) and repeated
 * ones: a misspelt parameter must not silently change a list. 0, or -1
 * after a 422.
 */
int	msg_query_names(struct ctx *, const char *const *names);
/*
 * Why user id may not take part in a thread about patient (a message
 * for errors[]), or NULL when they may: staff, and verified providers
 * on the patient's care team. *fail set when the database failed.
 */
const char *msg_candidate_why(struct ctx *, const char *id,
	    const char *patient, int *fail);
/* Open the thread's subject (arena). 0 or -1 (logged). */
int	msg_subject_open(struct ctx *, struct msg_thread *);

/* JSON views (views.c); new objects. */
struct json_object *msg_thread_view(const struct msg_thread *, long long unread);
struct json_object *msg_participants_view(const struct msg_participant *, size_t n);
/* A message for the reader; receipts (may be NULL) only on their own messages. */
struct json_object *msg_message_view(struct ctx *, const struct msg_message *,
	    const struct msg_receipt *, size_t nreceipts,
	    struct json_object *attachments);

/* Validators with the jf_check signature (views.c). */
const char *msg_check_not_blank(const char *, size_t);

/*
 * What a transaction function run by tx_run (lib/tx.h) returns besides
 * an enum db_rc: the reply is set (a 404, 409 or 422), or the policy
 * refused, in which case the caller audits the denial once the
 * transaction is rolled back.
 */
#define MSG_TX_ANSWERED	1
#define MSG_TX_DENIED	2

#endif
