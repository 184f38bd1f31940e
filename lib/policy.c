/*
 * The authorization rule table. Each action lists the roles allowed
 * outright, the roles allowed on their own resource, the roles allowed
 * when on the patient's care team, and whether a denial hides the
 * resource (404) or forbids (403).
 *
 * Decisions recorded here: a provider on a patient's care team may read
 * and update the patient's profile (the contract's "self, care team,
 * staff"), but a patient's phone (a contact and sign-in channel) is
 * changed there only by staff and admin: the patient changes it with
 * PATCH /api/v1/me, which asks for the password. Only staff and
 * admin manage care teams. Providers not yet verified (or disabled) are
 * hidden from everyone but themselves, staff and admin. Only an active
 * provider (verified and enabled: STORE_PROVIDER_ACTIVE) counts as on a
 * care team, can be booked or be added to a team (lib/store-user.c).
 *
 * A provider who is not verified (never, or no longer, after a licence
 * change) holds no clinical rights at all: every action not marked UNV
 * below is refused to them, whatever the resource. This is the one
 * place that rule lives; handlers need not (and must not) repeat it.
 * Disabled users never get this far: their sessions do not resolve.
 * Both are read from the database on every request (session_require),
 * so a provider whose license changes, or who is disabled, loses access
 * with their very next request, open session or not.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lib/policy.h"

#define P	ROLE_BIT(ROLE_PATIENT)
#define PR	ROLE_BIT(ROLE_PROVIDER)
#define S	ROLE_BIT(ROLE_STAFF)
#define AD	ROLE_BIT(ROLE_ADMIN)
#define AU	ROLE_BIT(ROLE_AUDITOR)

struct pol_rule {
	enum pol_action	 action;
	const char	*name;
	unsigned	 any;		/* allowed on any resource */
	unsigned	 self;		/* allowed on their own */
	unsigned	 care_team;	/* allowed when on the care team */
	int		 is_hidden;	/* deny as 404 */
	int		 is_open;	/* UNV: open to unverified providers */
};

#define UNV	1

static const struct pol_rule rules[POL__MAX] = {
	{ POL_ME_READ, "me.read", ROLES_ALL, 0, 0, 0, UNV },
	{ POL_ME_UPDATE, "me.update", ROLES_ALL, 0, 0, 0, UNV },
	{ POL_SESSIONS_MANAGE, "sessions.manage", 0, ROLES_ALL, 0, 1, UNV },
	{ POL_USER_CREATE, "user.create", AD, 0, 0, 0, 0 },
	{ POL_USER_DISABLE, "user.disable", AD, 0, 0, 0, 0 },
	{ POL_USER_VERIFY, "user.verify", AD, 0, 0, 0, 0 },
	{ POL_PROVIDER_LIST, "provider.list", ROLES_ALL, 0, 0, 0, UNV },
	{ POL_PROVIDER_READ, "provider.read", ROLES_ALL, 0, 0, 0, UNV },
	{ POL_PROVIDER_READ_UNLISTED, "provider.read_unlisted", S | AD, PR, 0, 1, UNV },
	{ POL_PROVIDER_UPDATE, "provider.update", AD, PR, 0, 0, UNV },
	{ POL_PATIENT_SEARCH, "patient.search", S | AD, 0, 0, 0, 0 },
	{ POL_PATIENT_READ, "patient.read", S | AD, P, PR, 1, 0 },
	{ POL_PATIENT_UPDATE, "patient.update", S | AD, P, PR, 1, 0 },
	{ POL_PATIENT_CONTACT_UPDATE, "patient.contact_update", S | AD, 0, 0, 0, 0 },
	{ POL_CARETEAM_READ, "care_team.read", S | AD, P, PR, 1, 0 },
	{ POL_CARETEAM_WRITE, "care_team.write", S | AD, 0, 0, 0, 0 },
	{ POL_AUDIT_READ, "audit.read", AU | AD, 0, 0, 0, 0 },
	{ POL_AUDIT_EXPORT, "audit.export", AU, 0, 0, 0, 0 },
	{ POL_ACCESS_LOG_READ, "access_log.read", 0, P, 0, 0, 0 },
	{ POL_APPT_AVAIL_READ, "availability.read", S | AD, PR, 0, 0, 0 },
	{ POL_APPT_AVAIL_WRITE, "availability.write", S | AD, PR, 0, 0, 0 },
	{ POL_APPT_SLOTS, "slots.read", ROLES_ALL, 0, 0, 0, 0 },
	{ POL_APPT_BOOK, "appointment.book", S | AD, P, 0, 0, 0 },
	{ POL_APPT_OVERRIDE, "appointment.override", S | AD, 0, 0, 0, 0 },
	{ POL_APPT_LIST, "appointment.list", P | PR | S | AD, 0, 0, 0, 0 },
	{ POL_APPT_READ, "appointment.read", S | AD, P | PR, 0, 1, 0 },
	{ POL_APPT_RESCHEDULE, "appointment.reschedule", S | AD, P | PR, 0, 0, 0 },
	{ POL_APPT_CANCEL, "appointment.cancel", S | AD, P | PR, 0, 0, 0 },
	{ POL_APPT_NO_SHOW, "appointment.no_show", S | AD, PR, 0, 0, 0 },
	{ POL_APPT_COMPLETE, "appointment.complete", S | AD, PR, 0, 0, 0 },
	/* waitingroom: waiting room and video sessions */
	{ POL_WR_CHECK_IN, "waiting_room.check_in", S | AD, P, 0, 1, 0 },
	{ POL_WR_ENTRY_READ, "waiting_room.entry_read", S | AD, P | PR, 0, 1, 0 },
	{ POL_WR_ENTRY_PRESENCE, "waiting_room.entry_presence", 0, P, 0, 0, 0 },
	{ POL_WR_QUEUE_READ, "waiting_room.queue_read", S | AD, PR, 0, 0, 0 },
	{ POL_WR_PRESENCE, "waiting_room.presence", 0, PR, 0, 0, 0 },
	{ POL_WR_ADMIT, "waiting_room.admit", S | AD, PR, 0, 0, 0 },
	{ POL_WR_ANNOUNCE, "waiting_room.announce", S | AD, PR, 0, 0, 0 },
	{ POL_VS_LIST, "video_session.list", AD, P | PR, 0, 0, 0 },
	{ POL_VS_READ, "video_session.read", AD, P | PR, 0, 1, 0 },
	{ POL_VS_JOIN, "video_session.join", 0, P | PR, 0, 0, 0 },
	{ POL_VS_EVENT, "video_session.event", 0, P | PR, 0, 0, 0 },
	{ POL_VS_AMEND, "video_session.amend", AD, 0, 0, 0, 0 },
	{ POL_VS_END, "video_session.end", 0, PR, 0, 0, 0 },
	/*
	 * security review (issue 8): a replay is a read of what the request
	 * answered, so it is refused to whoever lost their rights since.
	 */
	{ POL_IDEM_REPLAY, "idempotency.replay", ROLES_ALL, 0, 0, 0, 0 },
	/*
	 * Messaging and attachments (issue 10). A thread is about one
	 * patient; for the thread actions below "self" means the actor is
	 * a current participant of the thread, and "care team" that they
	 * are a current participant who is also on the patient's care
	 * team: a provider needs both, so one who left the team loses the
	 * thread at once (404). Patients start threads about themselves,
	 * providers about patients of their care team, staff about anyone;
	 * staff add and remove participants, anyone may leave. For an
	 * unattached upload "self" is its uploader. Admins and auditors
	 * take no part in clinical conversations: they read the audit trail.
	 */
	{ POL_THREAD_CREATE, "thread.create", S, P, PR, 1, 0 },
	{ POL_THREAD_LIST, "thread.list", P | PR | S, 0, 0, 0, 0 },
	{ POL_THREAD_READ, "thread.read", 0, P | S, PR, 1, 0 },
	{ POL_THREAD_PARTICIPANT_ADD, "thread.participant_add", S, 0, 0, 0, 0 },
	{ POL_THREAD_PARTICIPANT_REMOVE, "thread.participant_remove", S, P | PR | S, 0, 0, 0 },
	{ POL_MESSAGE_POST, "message.post", 0, P | S, PR, 1, 0 },
	{ POL_MESSAGE_LIST, "message.list", 0, P | S, PR, 1, 0 },
	{ POL_MESSAGE_MARK_READ, "message.mark_read", 0, P | S, PR, 1, 0 },
	{ POL_MESSAGE_UNREAD_COUNT, "message.unread_count", P | PR | S, 0, 0, 0, 0 },
	{ POL_ATTACHMENT_UPLOAD, "attachment.upload", P | PR | S, 0, 0, 0, 0 },
	{ POL_ATTACHMENT_READ_OWN, "attachment.read_own", 0, P | PR | S, 0, 1, 0 },
	{ POL_MESSAGE_ATTACHMENT_READ, "message.attachment_read", 0, P | S, PR, 1, 0 },
	/*
	 * Clinical records (issue 9). The contract's "care-team provider,
	 * staff (patient: own, released only)": a patient sees their own
	 * lab results once final or amended and their treatment plans once
	 * shared (never a draft, never one entered in error), and anything
	 * else of theirs is 404 to them, as if it did not exist. Staff
	 * record and release lab results; only care-team providers write
	 * treatment plans. Admins and auditors hold no clinical rights
	 * (they manage accounts and read the audit trail). Lists are open
	 * to the roles that can hold records and scoped by the handler.
	 * Writes are asked after the matching read, so who may not even
	 * see the record gets 404 and who may see it but not change it 403.
	 */
	{ POL_LAB_LIST, "lab_result.list", P | PR | S, 0, 0, 0, 0 },
	{ POL_LAB_READ, "lab_result.read", S, P, PR, 1, 0 },
	{ POL_LAB_READ_UNRELEASED, "lab_result.read_unreleased", S, 0, PR, 1, 0 },
	{ POL_LAB_WRITE, "lab_result.write", S, 0, PR, 0, 0 },
	{ POL_LAB_HISTORY, "lab_result.history", S, 0, PR, 1, 0 },
	{ POL_PLAN_LIST, "treatment_plan.list", P | PR | S, 0, 0, 0, 0 },
	{ POL_PLAN_READ, "treatment_plan.read", S, P, PR, 1, 0 },
	{ POL_PLAN_READ_UNSHARED, "treatment_plan.read_unshared", S, 0, PR, 1, 0 },
	{ POL_PLAN_WRITE, "treatment_plan.write", 0, 0, PR, 0, 0 },
	{ POL_PATIENT_SUMMARY, "patient.summary", S, P, PR, 1, 0 },
	/* events: everyone reads their own stream (ids and types, no PHI) */
	{ POL_EVENTS_READ, "events.read", ROLES_ALL, 0, 0, 0, UNV },
};

enum pol_decision
pol_check(const struct actor *who, enum pol_action a,
    const struct pol_resource *res)
{
	const struct pol_rule	*r;
	unsigned		 bit;
	enum role		 role = who->role;

	if ((unsigned)a >= POL__MAX || !who->is_authenticated ||
	    role <= ROLE_NONE || role >= ROLE__MAX)
		return POL_DENY;
	r = &rules[a];
	if (role == ROLE_PROVIDER && !who->is_verified && !r->is_open)
		return r->is_hidden ? POL_HIDE : POL_DENY;
	bit = ROLE_BIT(role);
	if (r->any & bit)
		return POL_ALLOW;
	if (res != NULL && res->is_self && (r->self & bit))
		return POL_ALLOW;
	if (res != NULL && res->is_care_team && (r->care_team & bit))
		return POL_ALLOW;
	/* Whoever could see their own kind of record learns nothing from 403. */
	return r->is_hidden ? POL_HIDE : POL_DENY;
}

const char *
pol_action_name(enum pol_action a)
{
	return (unsigned)a < POL__MAX ? rules[a].name : "unknown";
}

static const char *const role_names[ROLE__MAX] = {
	"none", "patient", "provider", "staff", "admin", "auditor",
};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE__MAX ? role_names[r] : "none";
}

enum role
role_parse(const char *s)
{
	int	 i;

	for (i = 1; s != NULL && i < ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum role)i;
	return ROLE_NONE;
}
