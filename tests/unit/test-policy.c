/* Unit tests for lib/policy: rows of the rule table, role and action names. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lib/policy.h"

static const struct pol_resource	 none = { 0, 0 };
static const struct pol_resource	 self = { 1, 0 };
static const struct pol_resource	 team = { 0, 1 };
static const struct pol_resource	 both = { 1, 1 };

/* pol_check for a signed-in actor of role r (providers verified). */
static enum pol_decision
chk(enum role r, enum pol_action a, const struct pol_resource *res)
{
	struct actor	 who;

	memset(&who, 0, sizeof(who));
	who.is_authenticated = 1;
	who.role = r;
	who.is_verified = r == ROLE_PROVIDER;
	return pol_check(&who, a, res);
}

/* The same provider, not (or no longer) verified. */
static enum pol_decision
chk_unverified(enum pol_action a, const struct pol_resource *res)
{
	struct actor	 who;

	memset(&who, 0, sizeof(who));
	who.is_authenticated = 1;
	who.role = ROLE_PROVIDER;
	return pol_check(&who, a, res);
}

static void
t_pol_patient_read(void **state)
{
	(void)state;
	/* A patient reads their own record, and no one else's (404). */
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_READ, &self),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_READ, &none),
	    POL_HIDE);
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_READ, NULL),
	    POL_HIDE);
	/* Being on a care team means nothing for a patient. */
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_READ, &team),
	    POL_HIDE);
}

static void
t_pol_provider_read(void **state)
{
	(void)state;
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_READ, &team),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_READ, &none),
	    POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_READ, NULL),
	    POL_HIDE);
	/* "Self" is a patient's notion; it grants a provider nothing here. */
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_READ, &self),
	    POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_UPDATE, &team),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_UPDATE, &none),
	    POL_HIDE);
}

static void
t_pol_staff_admin_read(void **state)
{
	(void)state;
	assert_int_equal(chk(ROLE_STAFF, POL_PATIENT_READ, &none),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_PATIENT_READ, NULL),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_ADMIN, POL_PATIENT_READ, NULL),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_PATIENT_SEARCH, NULL),
	    POL_ALLOW);
}

static void
t_pol_auditor_read(void **state)
{
	(void)state;
	/* The table hides patient records from auditors (is_hidden). */
	assert_int_equal(chk(ROLE_AUDITOR, POL_PATIENT_READ, &none),
	    POL_HIDE);
	assert_int_equal(chk(ROLE_AUDITOR, POL_PATIENT_READ, &both),
	    POL_HIDE);
	assert_int_equal(chk(ROLE_AUDITOR, POL_PATIENT_SEARCH, NULL),
	    POL_DENY);
	assert_int_equal(chk(ROLE_AUDITOR, POL_AUDIT_READ, NULL),
	    POL_ALLOW);
}

static void
t_pol_audit_export(void **state)
{
	enum role	 r;

	(void)state;
	for (r = ROLE_NONE; r < ROLE__MAX; r++)
		assert_int_equal(chk(r, POL_AUDIT_EXPORT, &both),
		    r == ROLE_AUDITOR ? POL_ALLOW : POL_DENY);
}

static void
t_pol_admin_only(void **state)
{
	const enum pol_action	 acts[] = {
		POL_USER_CREATE, POL_USER_DISABLE, POL_USER_VERIFY,
	};
	enum role		 r;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		for (r = ROLE_NONE; r < ROLE__MAX; r++)
			assert_int_equal(chk(r, acts[i], &both),
			    r == ROLE_ADMIN ? POL_ALLOW : POL_DENY);
}

static void
t_pol_sessions(void **state)
{
	enum role	 r;

	(void)state;
	for (r = ROLE_PATIENT; r < ROLE__MAX; r++) {
		assert_int_equal(chk(r, POL_SESSIONS_MANAGE, &self),
		    POL_ALLOW);
		assert_int_equal(chk(r, POL_SESSIONS_MANAGE, &team),
		    POL_HIDE);
		assert_int_equal(chk(r, POL_SESSIONS_MANAGE, NULL),
		    POL_HIDE);
		assert_int_equal(chk(r, POL_ME_READ, NULL), POL_ALLOW);
		assert_int_equal(chk(r, POL_ME_UPDATE, NULL), POL_ALLOW);
	}
}

static void
t_pol_role_none_bad(void **state)
{
	int	 a;

	(void)state;
	for (a = 0; a < POL__MAX; a++) {
		assert_int_equal(chk(ROLE_NONE, (enum pol_action)a, &both),
		    POL_DENY);
		assert_int_equal(chk(ROLE_NONE, (enum pol_action)a, NULL),
		    POL_DENY);
	}
}

static void
t_pol_out_of_range_bad(void **state)
{
	(void)state;
	assert_int_equal(chk(ROLE__MAX, POL_ME_READ, &both), POL_DENY);
	assert_int_equal(chk((enum role)99, POL_ME_READ, &both), POL_DENY);
	assert_int_equal(chk((enum role)-1, POL_ME_READ, &both), POL_DENY);
	assert_int_equal(chk(ROLE_ADMIN, POL__MAX, &both), POL_DENY);
	assert_int_equal(chk(ROLE_ADMIN, (enum pol_action)-1, &both),
	    POL_DENY);
}

static void
t_role_names(void **state)
{
	enum role	 r;

	(void)state;
	assert_string_equal(role_name(ROLE_NONE), "none");
	assert_string_equal(role_name(ROLE_PATIENT), "patient");
	assert_string_equal(role_name(ROLE_PROVIDER), "provider");
	assert_string_equal(role_name(ROLE_STAFF), "staff");
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_string_equal(role_name(ROLE_AUDITOR), "auditor");
	for (r = ROLE_NONE; r < ROLE__MAX; r++)
		assert_int_equal(role_parse(role_name(r)), r);
	assert_string_equal(role_name(ROLE__MAX), "none");
	assert_string_equal(role_name((enum role)-1), "none");
}

static void
t_role_parse_bad(void **state)
{
	const char	*bad[] = {
		"", "root", "Patient", "ADMIN", "admin ", " admin", "admins",
		"adm", "none", "auditor\n",
	};
	size_t		 i;

	(void)state;
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(role_parse(bad[i]), ROLE_NONE);
}

static void
t_pol_action_names(void **state)
{
	const char	*n, *m;
	int		 a, b;

	(void)state;
	for (a = 0; a < POL__MAX; a++) {
		n = pol_action_name((enum pol_action)a);
		assert_non_null(n);
		assert_true(strlen(n) > 0);
		assert_string_not_equal(n, "unknown");
		for (b = 0; b < a; b++) {
			m = pol_action_name((enum pol_action)b);
			if (strcmp(n, m) == 0)
				fail_msg("actions %d and %d share name '%s'", b, a, n);
		}
	}
	assert_string_equal(pol_action_name(POL_PATIENT_READ), "patient.read");
	assert_string_equal(pol_action_name(POL_AUDIT_EXPORT), "audit.export");
	assert_string_equal(pol_action_name(POL__MAX), "unknown");
}

static void
t_pol_contact_and_unlisted(void **state)
{
	(void)state;
	/* A patient's phone changes only through PATCH /me (re-authenticated). */
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_CONTACT_UPDATE,
	    &self), POL_DENY);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_CONTACT_UPDATE,
	    &team), POL_DENY);
	assert_int_equal(chk(ROLE_STAFF, POL_PATIENT_CONTACT_UPDATE,
	    &none), POL_ALLOW);
	/* Unverified providers: themselves, staff and admin; others see 404. */
	assert_int_equal(chk(ROLE_PROVIDER, POL_PROVIDER_READ_UNLISTED,
	    &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PROVIDER_READ_UNLISTED,
	    &none), POL_HIDE);
	assert_int_equal(chk(ROLE_PATIENT, POL_PROVIDER_READ_UNLISTED,
	    &none), POL_HIDE);
	assert_int_equal(chk(ROLE_ADMIN, POL_PROVIDER_READ_UNLISTED,
	    &none), POL_ALLOW);
}

static void
t_pol_appointments(void **state)
{
	(void)state;
	/* Patients book for themselves only; staff for anyone. */
	assert_int_equal(chk(ROLE_PATIENT, POL_APPT_BOOK, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_APPT_BOOK, &none), POL_DENY);
	assert_int_equal(chk(ROLE_STAFF, POL_APPT_BOOK, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_AUDITOR, POL_APPT_BOOK, &self), POL_DENY);
	/* Another patient's appointment is 404, not 403. */
	assert_int_equal(chk(ROLE_PATIENT, POL_APPT_READ, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_APPT_READ, &self), POL_ALLOW);
	/* Only staff and admin override availability; no-show is not the patient's. */
	assert_int_equal(chk(ROLE_PATIENT, POL_APPT_OVERRIDE, &self), POL_DENY);
	assert_int_equal(chk(ROLE_STAFF, POL_APPT_OVERRIDE, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_APPT_NO_SHOW, &self), POL_DENY);
	assert_int_equal(chk(ROLE_PROVIDER, POL_APPT_NO_SHOW, &self), POL_ALLOW);
	/* Auditors do not see the appointment lists. */
	assert_int_equal(chk(ROLE_AUDITOR, POL_APPT_LIST, NULL), POL_DENY);
}

static void
t_pol_unverified_provider(void **state)
{
	enum pol_action	 a;

	(void)state;
	/* Their own account and profile stay theirs. */
	assert_int_equal(chk_unverified(POL_ME_READ, NULL), POL_ALLOW);
	assert_int_equal(chk_unverified(POL_ME_UPDATE, NULL), POL_ALLOW);
	assert_int_equal(chk_unverified(POL_SESSIONS_MANAGE, &self), POL_ALLOW);
	assert_int_equal(chk_unverified(POL_PROVIDER_UPDATE, &self), POL_ALLOW);
	assert_int_equal(chk_unverified(POL_PROVIDER_READ_UNLISTED, &self),
	    POL_ALLOW);
	/* Nothing clinical, even on a care team or as "their" visit. */
	assert_int_equal(chk_unverified(POL_PATIENT_READ, &team), POL_HIDE);
	assert_int_equal(chk_unverified(POL_CARETEAM_READ, &both), POL_HIDE);
	assert_int_equal(chk_unverified(POL_APPT_READ, &both), POL_HIDE);
	assert_int_equal(chk_unverified(POL_APPT_LIST, NULL), POL_DENY);
	assert_int_equal(chk_unverified(POL_APPT_CANCEL, &self), POL_DENY);
	assert_int_equal(chk_unverified(POL_APPT_AVAIL_WRITE, &self), POL_DENY);
	assert_int_equal(chk_unverified(POL_APPT_SLOTS, NULL), POL_DENY);
	/* Every action a verified provider may take on a care-team record. */
	for (a = 0; a < POL__MAX; a++)
		if (chk(ROLE_PROVIDER, a, &team) == POL_ALLOW &&
		    a != POL_ME_READ && a != POL_ME_UPDATE &&
		    a != POL_PROVIDER_LIST && a != POL_PROVIDER_READ &&
		    a != POL_EVENTS_READ)
			assert_int_not_equal(chk_unverified(a, &team), POL_ALLOW);
}

/* events: every role reads its own stream; it carries ids and types only. */
static void
t_pol_events_read(void **state)
{
	enum role	 r;

	(void)state;
	for (r = ROLE_PATIENT; r < ROLE__MAX; r++)
		assert_int_equal(chk(r, POL_EVENTS_READ, NULL), POL_ALLOW);
	/* Account events (a session ended) reach unverified providers too. */
	assert_int_equal(chk_unverified(POL_EVENTS_READ, NULL), POL_ALLOW);
	assert_int_equal(chk(ROLE_NONE, POL_EVENTS_READ, NULL), POL_DENY);
	assert_string_equal(pol_action_name(POL_EVENTS_READ), "events.read");
}

static void
t_pol_signed_out_bad(void **state)
{
	struct actor	 who;

	(void)state;
	memset(&who, 0, sizeof(who));
	who.role = ROLE_ADMIN;	/* a role without a session counts for nothing */
	assert_int_equal(pol_check(&who, POL_ME_READ, NULL), POL_DENY);
}

static void
t_pol_waitingroom(void **state)
{
	(void)state;
	/* Check-in: the patient of the appointment, staff, admin; others 404. */
	assert_int_equal(chk(ROLE_PATIENT, POL_WR_CHECK_IN, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_WR_CHECK_IN, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_STAFF, POL_WR_CHECK_IN, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_WR_CHECK_IN, &self), POL_HIDE);
	/* Heartbeat and leave: the patient only. */
	assert_int_equal(chk(ROLE_PATIENT, POL_WR_ENTRY_PRESENCE, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_WR_ENTRY_PRESENCE, &self), POL_DENY);
	assert_int_equal(chk(ROLE_STAFF, POL_WR_ENTRY_PRESENCE, &none), POL_DENY);
	/* Admission: the queue's provider, staff, admin; never a patient. */
	assert_int_equal(chk(ROLE_PROVIDER, POL_WR_ADMIT, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_WR_ADMIT, &none), POL_DENY);
	assert_int_equal(chk(ROLE_STAFF, POL_WR_ADMIT, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_WR_ADMIT, &self), POL_DENY);
	assert_int_equal(chk_unverified(POL_WR_ADMIT, &self), POL_DENY);
	/* Sessions: participants read, join, log; admins read and amend only. */
	assert_int_equal(chk(ROLE_PATIENT, POL_VS_JOIN, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_ADMIN, POL_VS_READ, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_ADMIN, POL_VS_JOIN, &none), POL_DENY);
	assert_int_equal(chk(ROLE_ADMIN, POL_VS_EVENT, &none), POL_DENY);
	assert_int_equal(chk(ROLE_ADMIN, POL_VS_AMEND, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_VS_AMEND, &self), POL_DENY);
	assert_int_equal(chk(ROLE_PATIENT, POL_VS_END, &self), POL_DENY);
	assert_int_equal(chk(ROLE_PROVIDER, POL_VS_END, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_VS_READ, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_AUDITOR, POL_VS_LIST, &self), POL_DENY);
	assert_string_equal(pol_action_name(POL_VS_END), "video_session.end");
}

/* Messaging: self = current participant, team = participant on the care team. */
static void
t_pol_messaging(void **state)
{
	(void)state;
	/* Patients and staff read a thread they take part in... */
	assert_int_equal(chk(ROLE_PATIENT, POL_THREAD_READ, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_MESSAGE_POST, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_MESSAGE_LIST, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_STAFF, POL_THREAD_READ, &none), POL_HIDE);
	/* ...a provider only while also on the care team. */
	assert_int_equal(chk(ROLE_PROVIDER, POL_MESSAGE_POST, &both), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_MESSAGE_POST, &self), POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_MESSAGE_ATTACHMENT_READ, &self),
	    POL_HIDE);
	assert_int_equal(chk_unverified(POL_THREAD_READ, &both), POL_HIDE);
	/* Admins and auditors take no part, even when listed. */
	assert_int_equal(chk(ROLE_ADMIN, POL_THREAD_READ, &both), POL_HIDE);
	assert_int_equal(chk(ROLE_AUDITOR, POL_MESSAGE_POST, &both), POL_HIDE);
	assert_int_equal(chk(ROLE_ADMIN, POL_THREAD_LIST, NULL), POL_DENY);
	assert_int_equal(chk(ROLE_AUDITOR, POL_ATTACHMENT_UPLOAD, NULL), POL_DENY);
	/* Creating: a patient about themself, a provider about the team's, staff anyone. */
	assert_int_equal(chk(ROLE_PATIENT, POL_THREAD_CREATE, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_THREAD_CREATE, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_THREAD_CREATE, &team), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_THREAD_CREATE, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_STAFF, POL_THREAD_CREATE, &none), POL_ALLOW);
	/* Staff add participants; anyone may leave. */
	assert_int_equal(chk(ROLE_STAFF, POL_THREAD_PARTICIPANT_ADD, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_THREAD_PARTICIPANT_ADD, &self), POL_DENY);
	assert_int_equal(chk(ROLE_PROVIDER, POL_THREAD_PARTICIPANT_REMOVE, &self),
	    POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_THREAD_PARTICIPANT_REMOVE, &none),
	    POL_DENY);
	/* An unattached upload is its uploader's alone. */
	assert_int_equal(chk(ROLE_PROVIDER, POL_ATTACHMENT_READ_OWN, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_ATTACHMENT_READ_OWN, &none), POL_HIDE);
	assert_int_equal(chk_unverified(POL_ATTACHMENT_UPLOAD, NULL), POL_DENY);
	assert_string_equal(pol_action_name(POL_MESSAGE_POST), "message.post");
}

static void
t_pol_clinical(void **state)
{
	(void)state;
	/* A patient sees their own released results and shared plans, nothing else (404). */
	assert_int_equal(chk(ROLE_PATIENT, POL_LAB_READ, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_LAB_READ, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_PATIENT, POL_LAB_READ_UNRELEASED, &self), POL_HIDE);
	assert_int_equal(chk(ROLE_PATIENT, POL_LAB_HISTORY, &self), POL_HIDE);
	assert_int_equal(chk(ROLE_PATIENT, POL_PLAN_READ, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_PLAN_READ_UNSHARED, &self), POL_HIDE);
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_SUMMARY, &self), POL_ALLOW);
	assert_int_equal(chk(ROLE_PATIENT, POL_PATIENT_SUMMARY, &none), POL_HIDE);
	/* Seeing is not writing: 403 after a read that passed. */
	assert_int_equal(chk(ROLE_PATIENT, POL_LAB_WRITE, &self), POL_DENY);
	assert_int_equal(chk(ROLE_PATIENT, POL_PLAN_WRITE, &self), POL_DENY);
	/* The care team: everything of the patient; off it, nothing. */
	assert_int_equal(chk(ROLE_PROVIDER, POL_LAB_READ_UNRELEASED, &team), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_LAB_WRITE, &team), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_LAB_HISTORY, &team), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PLAN_WRITE, &team), POL_ALLOW);
	assert_int_equal(chk(ROLE_PROVIDER, POL_LAB_READ, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PLAN_READ_UNSHARED, &none), POL_HIDE);
	assert_int_equal(chk(ROLE_PROVIDER, POL_LAB_WRITE, &none), POL_DENY);
	assert_int_equal(chk(ROLE_PROVIDER, POL_PATIENT_SUMMARY, &none), POL_HIDE);
	/* Staff record results and read plans; only providers write plans. */
	assert_int_equal(chk(ROLE_STAFF, POL_LAB_WRITE, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_LAB_READ_UNRELEASED, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_PLAN_READ_UNSHARED, &none), POL_ALLOW);
	assert_int_equal(chk(ROLE_STAFF, POL_PLAN_WRITE, &none), POL_DENY);
	assert_int_equal(chk(ROLE_STAFF, POL_PATIENT_SUMMARY, &none), POL_ALLOW);
	/* Admins and auditors hold no clinical rights. */
	assert_int_equal(chk(ROLE_ADMIN, POL_LAB_LIST, NULL), POL_DENY);
	assert_int_equal(chk(ROLE_ADMIN, POL_LAB_READ, &both), POL_HIDE);
	assert_int_equal(chk(ROLE_ADMIN, POL_PATIENT_SUMMARY, &both), POL_HIDE);
	assert_int_equal(chk(ROLE_AUDITOR, POL_PLAN_LIST, NULL), POL_DENY);
	assert_int_equal(chk(ROLE_AUDITOR, POL_LAB_READ, &both), POL_HIDE);
	/* An unverified provider, even on the team, holds none either. */
	assert_int_equal(chk_unverified(POL_LAB_READ, &team), POL_HIDE);
	assert_int_equal(chk_unverified(POL_LAB_WRITE, &team), POL_DENY);
	assert_int_equal(chk_unverified(POL_LAB_LIST, NULL), POL_DENY);
	assert_int_equal(chk_unverified(POL_PATIENT_SUMMARY, &team), POL_HIDE);
	assert_string_equal(pol_action_name(POL_LAB_WRITE), "lab_result.write");
	assert_string_equal(pol_action_name(POL_PATIENT_SUMMARY), "patient.summary");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_pol_patient_read),
		cmocka_unit_test(t_pol_provider_read),
		cmocka_unit_test(t_pol_staff_admin_read),
		cmocka_unit_test(t_pol_auditor_read),
		cmocka_unit_test(t_pol_audit_export),
		cmocka_unit_test(t_pol_admin_only),
		cmocka_unit_test(t_pol_sessions),
		cmocka_unit_test(t_pol_waitingroom),
		cmocka_unit_test(t_pol_role_none_bad),
		cmocka_unit_test(t_pol_out_of_range_bad),
		cmocka_unit_test(t_role_names),
		cmocka_unit_test(t_role_parse_bad),
		cmocka_unit_test(t_pol_action_names),
		cmocka_unit_test(t_pol_contact_and_unlisted),
		cmocka_unit_test(t_pol_appointments),
		cmocka_unit_test(t_pol_unverified_provider),
		cmocka_unit_test(t_pol_signed_out_bad),
		cmocka_unit_test(t_pol_messaging),
		cmocka_unit_test(t_pol_clinical),
		cmocka_unit_test(t_pol_events_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
