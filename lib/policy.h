/*
 * Authorization: who may do what. Roles, the actions handlers ask
 * about, and one rule table (policy.c) tested as a matrix.
 */
#ifndef CONCIERGE_POLICY_H
#define CONCIERGE_POLICY_H

#include "lib/id.h"

enum role {
	ROLE_NONE = 0,
	ROLE_PATIENT,
	ROLE_PROVIDER,
	ROLE_STAFF,
	ROLE_ADMIN,
	ROLE_AUDITOR,
	ROLE__MAX,
};

#define ROLE_BIT(r)	(1u << (r))
#define ROLES_ALL	(ROLE_BIT(ROLE_PATIENT) | ROLE_BIT(ROLE_PROVIDER) | \
	ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR))

/* Every action a handler may ask about. Keep in step with the table. */
enum pol_action {
	POL_ME_READ = 0,
	POL_ME_UPDATE,
	POL_SESSIONS_MANAGE,
	POL_USER_CREATE,
	POL_USER_DISABLE,
	POL_USER_VERIFY,
	POL_PROVIDER_LIST,
	POL_PROVIDER_READ,
	POL_PROVIDER_READ_UNLISTED,	/* an unverified or disabled provider */
	POL_PROVIDER_UPDATE,
	POL_PATIENT_SEARCH,
	POL_PATIENT_READ,
	POL_PATIENT_UPDATE,
	POL_PATIENT_CONTACT_UPDATE,	/* a patient's phone, outside PATCH /me */
	POL_CARETEAM_READ,
	POL_CARETEAM_WRITE,
	POL_AUDIT_READ,
	POL_AUDIT_EXPORT,
	POL_ACCESS_LOG_READ,
	POL_APPT_AVAIL_READ,
	POL_APPT_AVAIL_WRITE,
	POL_APPT_SLOTS,
	POL_APPT_BOOK,
	POL_APPT_OVERRIDE,
	POL_APPT_LIST,
	POL_APPT_READ,
	POL_APPT_RESCHEDULE,
	POL_APPT_CANCEL,
	POL_APPT_NO_SHOW,
	POL_APPT_COMPLETE,
	/* waitingroom: waiting room and video sessions */
	POL_WR_CHECK_IN,		/* self: the appointment's patient */
	POL_WR_ENTRY_READ,		/* self: the entry's patient or provider */
	POL_WR_ENTRY_PRESENCE,		/* heartbeat and leave; self: the patient */
	POL_WR_QUEUE_READ,		/* self: the queue's provider */
	POL_WR_PRESENCE,		/* self: the provider */
	POL_WR_ADMIT,			/* self: the queue's provider */
	POL_WR_ANNOUNCE,		/* self: the queue's provider */
	POL_VS_LIST,			/* self: a participant */
	POL_VS_READ,			/* self: a participant */
	POL_VS_JOIN,			/* self: a participant */
	POL_VS_EVENT,			/* self: a participant */
	POL_VS_AMEND,			/* corrections after the fact */
	POL_VS_END,			/* self: the session's provider */
	/* security review (issue 8) */
	POL_IDEM_REPLAY,		/* the stored reply of one's own keyed request */
	/* messaging and attachments (issue 10) */
	POL_THREAD_CREATE,
	POL_THREAD_LIST,
	POL_THREAD_READ,
	POL_THREAD_PARTICIPANT_ADD,
	POL_THREAD_PARTICIPANT_REMOVE,
	POL_MESSAGE_POST,
	POL_MESSAGE_LIST,
	POL_MESSAGE_MARK_READ,
	POL_MESSAGE_UNREAD_COUNT,
	POL_ATTACHMENT_UPLOAD,
	POL_ATTACHMENT_READ_OWN,	/* an unattached upload */
	POL_MESSAGE_ATTACHMENT_READ,	/* a file linked to a message */
	/* clinical records (issue 9): lab results, treatment plans, dashboard */
	POL_LAB_LIST,
	POL_LAB_READ,			/* a released (final, amended) result */
	POL_LAB_READ_UNRELEASED,	/* preliminary, cancelled, entered in error */
	POL_LAB_WRITE,
	POL_LAB_HISTORY,		/* every version, not only the latest */
	POL_PLAN_LIST,
	POL_PLAN_READ,			/* active, on hold, completed, revoked */
	POL_PLAN_READ_UNSHARED,		/* a draft, or one entered in error */
	POL_PLAN_WRITE,
	POL_PATIENT_SUMMARY,
	/* events: realtime delivery */
	POL_EVENTS_READ,		/* one's own event stream */
	POL__MAX,
};

/*
 * Who is asking: set by session_require from the session, the user and
 * (for providers) the provider profile, all read in one query.
 */
struct actor {
	int		 is_authenticated;
	char		 user_id[ID_LEN + 1];
	enum role	 role;
	int		 is_verified;	/* providers: verified by an admin */
	char		 session_id[ID_LEN + 1];
};

/* What the handler knows about the resource, resolved before asking. */
struct pol_resource {
	int	 is_self;	/* the actor is the resource's owner */
	int	 is_care_team;	/* the actor is on the patient's care team */
};

enum pol_decision {
	POL_ALLOW = 0,
	POL_DENY,		/* answer 403 */
	POL_HIDE,		/* answer 404: telling would leak existence */
};

/*
 * Decide for an authenticated actor; res may be NULL (no resource). A
 * provider who is not verified is refused every action the table does
 * not open to unverified providers (their own account and profile).
 */
enum pol_decision pol_check(const struct actor *, enum pol_action,
	    const struct pol_resource *);
/* Name of an action for audit rows ("patient.read"). */
const char *pol_action_name(enum pol_action);

/* "patient", "provider", ...; "none" for ROLE_NONE. */
const char *role_name(enum role);
/* Parse a role name; ROLE_NONE if unknown. */
enum role role_parse(const char *);

#endif
