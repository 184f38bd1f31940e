/*
 * cgi-bin/graphql/schema.c: the product schema (docs/schema.graphql is
 * its SDL, checked by tests/unit/test-graphql-schema-product.c). Every
 * type mirrors what a REST handler replies: a field is the camelCase of
 * a member that reply really has, non-null only where the reply always
 * carries a value, an enum's values the REST strings in upper case. Root
 * fields are mapped onto their REST routes in roots.c.
 */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/graphql/roots.h"

#define END_FIELDS	{ NULL, NULL, NULL, NULL, NULL }
#define END_INPUTS	{ NULL, NULL, NULL, NULL, NULL }
#define END_VALUES	{ NULL, NULL, NULL }

/* The arguments of every list: REST's limit and cursor. */
#define PAGE_ARGS							\
	{ "first", "Int", NULL, "At most this many (1 to 100; REST limit).", \
	  NULL },							\
	{ "after", "String", NULL, "The endCursor of the page before.", NULL }

static const struct gql_input_def id_arg[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def page_args[] = {
	PAGE_ARGS,
	END_INPUTS,
};

/* ---- Query ---- */

static const struct gql_input_def patient_id_arg[] = {
	{ "patientId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def patients_args[] = {
	{ "search", "String", NULL,
	  "Name or email containing it, or exactly the MRN or birth date.",
	  NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def care_team_args[] = {
	{ "patientId", "ID!", NULL, NULL, NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def providers_args[] = {
	{ "specialty", "String", NULL, NULL, NULL },
	{ "search", "String", NULL, "Name containing it.", NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def provider_id_arg[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def slots_args[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "from", "DateTime!", NULL, NULL, NULL },
	{ "to", "DateTime!", NULL, "After from, at most 31 days later.", NULL },
	{ "durationMinutes", "Int", NULL, "5 to 240; 30 if not given.", NULL },
	END_INPUTS,
};

static const struct gql_input_def appointments_args[] = {
	{ "status", "AppointmentStatus", NULL, NULL, NULL },
	{ "from", "DateTime", NULL, "Starting at or after (then soonest first).",
	  NULL },
	{ "to", "DateTime", NULL, "Starting before.", NULL },
	{ "providerId", "ID", NULL, NULL, NULL },
	{ "patientId", "ID", NULL, NULL, NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def lab_results_args[] = {
	{ "patientId", "ID", NULL, NULL, NULL },
	{ "status", "LabResultStatus", NULL, NULL, NULL },
	{ "testCode", "String", NULL, NULL, NULL },
	{ "from", "DateTime", NULL, NULL, NULL },
	{ "to", "DateTime", NULL, NULL, NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def treatment_plans_args[] = {
	{ "patientId", "ID", NULL, NULL, NULL },
	{ "status", "TreatmentPlanStatus", NULL, NULL, NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def messages_args[] = {
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "afterMessageId", "ID", NULL,
	  "Oldest first after this message (first page only).", NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def waiting_room_args[] = {
	{ "providerId", "ID", NULL, "Required but for a provider's own queue.",
	  NULL },
	END_INPUTS,
};

static const struct gql_input_def video_sessions_args[] = {
	{ "appointmentId", "ID", NULL, NULL, NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_input_def audit_events_args[] = {
	{ "actorId", "ID", NULL, NULL, NULL },
	{ "patientId", "ID", NULL, NULL, NULL },
	{ "entityType", "String", NULL, NULL, NULL },
	{ "entityId", "String", NULL, NULL, NULL },
	{ "action", "String", NULL, NULL, NULL },
	{ "outcome", "AuditOutcome", NULL, NULL, NULL },
	{ "from", "DateTime", NULL, NULL, NULL },
	{ "to", "DateTime", NULL, NULL, NULL },
	PAGE_ARGS,
	END_INPUTS,
};

static const struct gql_field_def query_fields[] = {
	{ "me", "Me", NULL, "The signed-in user and their profile.", NULL },
	{ "patientSummary", "PatientSummary", patient_id_arg,
	  "A patient's dashboard: profile, latest results, plans, next visits.",
	  NULL },
	{ "patient", "Patient", id_arg, "One patient's profile.", NULL },
	{ "patients", "PatientConnection", patients_args,
	  "Patients (staff and admin).", NULL },
	{ "careTeam", "CareTeamMemberConnection", care_team_args,
	  "A patient's care team.", NULL },
	{ "providers", "ProviderConnection", providers_args,
	  "The provider directory.", NULL },
	{ "provider", "Provider", id_arg, "One provider's profile.", NULL },
	{ "availability", "Availability", provider_id_arg,
	  "A provider's weekly hours and exceptions.", NULL },
	{ "slots", "SlotList", slots_args,
	  "A provider's free slots in a time range.", NULL },
	{ "appointments", "AppointmentConnection", appointments_args,
	  "Appointments the caller may see.", NULL },
	{ "appointment", "Appointment", id_arg, "One appointment.", NULL },
	{ "labResults", "LabResultConnection", lab_results_args,
	  "Lab results, newest release first.", NULL },
	{ "labResult", "LabResult", id_arg,
	  "One lab result with its attachments.", NULL },
	{ "labResultVersions", "[LabResultVersion!]", id_arg,
	  "The released versions of a lab result.", NULL },
	{ "treatmentPlans", "TreatmentPlanConnection", treatment_plans_args,
	  "Treatment plans, newest first.", NULL },
	{ "treatmentPlan", "TreatmentPlan", id_arg, "One treatment plan.", NULL },
	{ "threads", "ThreadConnection", page_args,
	  "The caller's message threads, latest activity first.", NULL },
	{ "thread", "Thread", id_arg, "One thread with its participants.",
	  NULL },
	{ "messages", "MessageConnection", messages_args,
	  "The messages of a thread.", NULL },
	{ "unreadCounts", "UnreadCounts", NULL,
	  "The caller's unread messages, per thread.", NULL },
	{ "waitingRoom", "WaitingRoom", waiting_room_args,
	  "A provider's waiting-room queue.", NULL },
	{ "waitingRoomEntry", "WaitingRoomEntry", id_arg,
	  "One waiting-room entry: status, place and estimate.", NULL },
	{ "videoSessions", "VideoSessionConnection", video_sessions_args,
	  "Video sessions the caller took part in or may see.", NULL },
	{ "videoSession", "VideoSession", id_arg,
	  "One video session with its event log.", NULL },
	{ "videoSessionJoin", "VideoJoin", id_arg,
	  "A join credential for a running video session.", NULL },
	{ "auditEvents", "AuditEventConnection", audit_events_args,
	  "The audit log (auditors).", NULL },
	{ "accessLog", "AccessLogEntryConnection", page_args,
	  "Who read the caller's records.", NULL },
	END_FIELDS,
};

/* ---- Mutation ---- */

static const struct gql_input_def book_args[] = {
	{ "input", "BookAppointmentInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def reschedule_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "input", "RescheduleAppointmentInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def cancel_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "reason", "String!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def create_thread_args[] = {
	{ "input", "CreateThreadInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def participant_args[] = {
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "userId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def post_message_args[] = {
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "input", "PostMessageInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def mark_read_args[] = {
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "upToMessageId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def check_in_args[] = {
	{ "appointmentId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def entry_id_arg[] = {
	{ "entryId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def presence_args[] = {
	{ "status", "ProviderPresence!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def announce_args[] = {
	{ "input", "PostAnnouncementInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def admit_args[] = {
	{ "entryId", "ID", NULL, "This entry; else the next one waiting.", NULL },
	{ "providerId", "ID", NULL, "Whose queue (staff); else the caller's.",
	  NULL },
	END_INPUTS,
};

static const struct gql_input_def session_event_args[] = {
	{ "sessionId", "ID!", NULL, NULL, NULL },
	{ "input", "SessionEventInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def end_session_args[] = {
	{ "sessionId", "ID!", NULL, NULL, NULL },
	{ "notesSummary", "String", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def create_lab_args[] = {
	{ "input", "CreateLabResultInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def update_lab_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "input", "UpdateLabResultInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def amend_lab_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "input", "AmendLabResultInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def lab_status_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "status", "LabResultStatus!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def create_plan_args[] = {
	{ "input", "CreateTreatmentPlanInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def update_plan_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "input", "UpdateTreatmentPlanInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def plan_status_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "status", "TreatmentPlanStatus!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def care_team_member_args[] = {
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "providerId", "ID!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def update_patient_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "input", "UpdatePatientInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def update_provider_args[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "input", "UpdateProviderInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def set_availability_args[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "input", "AvailabilityInput!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_field_def mutation_fields[] = {
	{ "bookAppointment", "Appointment", book_args, "Book a visit.", NULL },
	{ "rescheduleAppointment", "Appointment", reschedule_args,
	  "Move a visit to another time.", NULL },
	{ "cancelAppointment", "Appointment", cancel_args,
	  "Cancel a scheduled or checked-in visit.", NULL },
	{ "markAppointmentNoShow", "Appointment", id_arg,
	  "Mark a started visit a no-show.", NULL },
	{ "completeAppointment", "Appointment", id_arg,
	  "Complete a visit in session.", NULL },
	{ "createThread", "Thread", create_thread_args,
	  "Start a message thread about a patient.", NULL },
	{ "addThreadParticipant", "Thread", participant_args,
	  "Add someone to a thread.", NULL },
	{ "removeThreadParticipant", "Boolean!", participant_args,
	  "Remove someone from a thread, or leave it.", NULL },
	{ "postMessage", "Message", post_message_args,
	  "Post a message to a thread.", NULL },
	{ "markThreadRead", "ThreadReadResult", mark_read_args,
	  "Mark a thread read up to a message.", NULL },
	{ "checkIn", "WaitingRoomEntry", check_in_args,
	  "Check in to the waiting room for a video visit.", NULL },
	{ "waitingRoomHeartbeat", "WaitingRoomEntry", entry_id_arg,
	  "Say the patient is still waiting.", NULL },
	{ "leaveWaitingRoom", "WaitingRoomEntry", entry_id_arg,
	  "Leave the waiting room.", NULL },
	{ "setPresence", "Presence", presence_args,
	  "Set the calling provider's presence.", NULL },
	{ "postAnnouncement", "Announcement", announce_args,
	  "Post an announcement to a provider's waiting room.", NULL },
	{ "admit", "AdmitResult", admit_args,
	  "Admit a waiting patient: starts the video session.", NULL },
	{ "recordSessionEvent", "VideoSessionEvent", session_event_args,
	  "Add an event to a video session's log.", NULL },
	{ "endSession", "VideoSession", end_session_args,
	  "End a running video session.", NULL },
	{ "createLabResult", "LabResult", create_lab_args,
	  "Record a new preliminary lab result.", NULL },
	{ "updateLabResult", "LabResult", update_lab_args,
	  "Change a preliminary lab result.", NULL },
	{ "finalizeLabResult", "LabResult", id_arg,
	  "Release a preliminary lab result to the patient.", NULL },
	{ "amendLabResult", "LabResult", amend_lab_args,
	  "Amend a released lab result (its next version).", NULL },
	{ "setLabResultStatus", "LabResult", lab_status_args,
	  "Finalize, cancel or withdraw a lab result.", NULL },
	{ "createTreatmentPlan", "TreatmentPlan", create_plan_args,
	  "Create a treatment plan.", NULL },
	{ "updateTreatmentPlan", "TreatmentPlan", update_plan_args,
	  "Change a treatment plan.", NULL },
	{ "setTreatmentPlanStatus", "TreatmentPlan", plan_status_args,
	  "Move a treatment plan along its life cycle.", NULL },
	{ "addCareTeamMember", "CareTeamMember", care_team_member_args,
	  "Add a provider to a patient's care team.", NULL },
	{ "removeCareTeamMember", "Boolean!", care_team_member_args,
	  "Remove a provider from a patient's care team.", NULL },
	{ "updatePatient", "Patient", update_patient_args,
	  "Change a patient's profile (staff).", NULL },
	{ "updateProvider", "Provider", update_provider_args,
	  "Change a provider's profile.", NULL },
	{ "setAvailability", "Availability", set_availability_args,
	  "Replace a provider's weekly hours and exceptions.", NULL },
	END_FIELDS,
};

/* ---- the signed-in user ---- */

static const struct gql_field_def me_fields[] = {
	{ "user", "User!", NULL, NULL, NULL },
	{ "profile", "Profile", NULL,
	  "Null for staff, admin and auditors.", NULL },
	{ "notificationPreferences", "NotificationPreferences!", NULL, NULL,
	  NULL },
	END_FIELDS,
};

static const struct gql_field_def user_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "email", "String!", NULL, NULL, NULL },
	{ "role", "Role!", NULL, NULL, NULL },
	{ "fullName", "String!", NULL, NULL, NULL },
	{ "phone", "String", NULL, "E.164.", NULL },
	{ "mfaEnabled", "Boolean!", NULL, NULL, NULL },
	{ "disabled", "Boolean!", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def profile_fields[] = {
	{ "medicalRecordNumber", "String", NULL, "Patients.", NULL },
	{ "dateOfBirth", "Date", NULL, "Patients.", NULL },
	{ "primaryClinic", "String", NULL, "Patients.", NULL },
	{ "consentSignedAt", "DateTime", NULL, "Patients.", NULL },
	{ "licenseNumber", "String", NULL, "Providers.", NULL },
	{ "specialty", "String", NULL, "Providers.", NULL },
	{ "bio", "String", NULL, "Providers.", NULL },
	{ "verified", "Boolean", NULL, "Providers.", NULL },
	{ "telehealthEnabled", "Boolean", NULL, "Providers.", NULL },
	END_FIELDS,
};

static const struct gql_field_def prefs_fields[] = {
	{ "email", "Boolean!", NULL, NULL, NULL },
	{ "sms", "Boolean!", NULL, NULL, NULL },
	{ "quietHours", "QuietHours", NULL, NULL, NULL },
	{ "timezone", "String", NULL, "IANA zone.", NULL },
	END_FIELDS,
};

static const struct gql_field_def quiet_hours_fields[] = {
	{ "start", "String!", NULL, "HH:MM, local.", NULL },
	{ "end", "String!", NULL, "HH:MM, local.", NULL },
	END_FIELDS,
};

/* ---- patients and providers ---- */

static const struct gql_field_def patient_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "fullName", "String!", NULL, NULL, NULL },
	{ "email", "String!", NULL, NULL, NULL },
	{ "phone", "String", NULL, NULL, NULL },
	{ "dateOfBirth", "Date", NULL, NULL, NULL },
	{ "medicalRecordNumber", "String", NULL, NULL, NULL },
	{ "primaryClinic", "String", NULL, NULL, NULL },
	{ "consentSignedAt", "DateTime", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def summary_fields[] = {
	{ "patient", "Patient!", NULL, NULL, NULL },
	{ "labResults", "[LabResult!]!", NULL,
	  "The latest released results, newest release first.", NULL },
	{ "treatmentPlans", "[TreatmentPlan!]!", NULL, "The active plans.",
	  NULL },
	{ "upcomingAppointments", "[UpcomingVisit!]!", NULL,
	  "The next visits not over yet, soonest first.", NULL },
	{ "counts", "SummaryCounts!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def visit_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "providerName", "String", NULL, NULL, NULL },
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "endAt", "DateTime!", NULL, NULL, NULL },
	{ "status", "AppointmentStatus!", NULL, NULL, NULL },
	{ "visitType", "VisitType!", NULL, NULL, NULL },
	{ "location", "String", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def counts_fields[] = {
	{ "unreadMessages", "Int!", NULL,
	  "The caller's, in the threads about this patient.", NULL },
	END_FIELDS,
};

static const struct gql_field_def provider_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "fullName", "String!", NULL, NULL, NULL },
	{ "specialty", "String", NULL, NULL, NULL },
	{ "bio", "String", NULL, NULL, NULL },
	{ "telehealthEnabled", "Boolean!", NULL, NULL, NULL },
	{ "licenseNumber", "String", NULL,
	  "In provider(id) and updateProvider; null in the directory.", NULL },
	{ "verified", "Boolean", NULL,
	  "In provider(id) and updateProvider; null in the directory.", NULL },
	END_FIELDS,
};

static const struct gql_field_def member_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "fullName", "String!", NULL, NULL, NULL },
	{ "specialty", "String", NULL, NULL, NULL },
	{ "telehealthEnabled", "Boolean!", NULL, NULL, NULL },
	{ "active", "Boolean!", NULL,
	  "Verified and enabled: the membership gives access.", NULL },
	{ "addedAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

/* ---- scheduling ---- */

static const struct gql_field_def availability_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "timezone", "String", NULL, "IANA zone; null before any is set.",
	  NULL },
	{ "weekly", "[WeeklyHours!]!", NULL, NULL, NULL },
	{ "exceptions", "[AvailabilityException!]!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def weekly_fields[] = {
	{ "weekday", "Weekday!", NULL, NULL, NULL },
	{ "start", "String!", NULL, "HH:MM, local.", NULL },
	{ "end", "String!", NULL, "HH:MM, local.", NULL },
	END_FIELDS,
};

static const struct gql_field_def exception_fields[] = {
	{ "date", "Date!", NULL, NULL, NULL },
	{ "available", "Boolean!", NULL, NULL, NULL },
	{ "start", "String", NULL, "HH:MM, local.", NULL },
	{ "end", "String", NULL, "HH:MM, local.", NULL },
	END_FIELDS,
};

static const struct gql_field_def slot_list_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "timezone", "String", NULL, NULL, NULL },
	{ "durationMinutes", "Int!", NULL, NULL, NULL },
	{ "data", "[Slot!]!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def slot_fields[] = {
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "endAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def appointment_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "endAt", "DateTime!", NULL, NULL, NULL },
	{ "durationMinutes", "Int!", NULL, NULL, NULL },
	{ "status", "AppointmentStatus!", NULL, NULL, NULL },
	{ "visitType", "VisitType!", NULL, NULL, NULL },
	{ "location", "String", NULL, NULL, NULL },
	{ "reason", "String", NULL, NULL, NULL },
	{ "bookedBy", "ID", NULL, NULL, NULL },
	{ "availabilityOverride", "Boolean!", NULL, NULL, NULL },
	{ "overrideReason", "String", NULL, NULL, NULL },
	{ "cancelReason", "String", NULL, NULL, NULL },
	{ "cancelledBy", "ID", NULL, NULL, NULL },
	{ "cancelledAt", "DateTime", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "updatedAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

/* ---- clinical records ---- */

static const struct gql_field_def lab_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "orderedBy", "ID", NULL, NULL, NULL },
	{ "createdBy", "ID!", NULL, NULL, NULL },
	{ "testCode", "String", NULL, NULL, NULL },
	{ "testName", "String!", NULL, NULL, NULL },
	{ "resultValue", "String!", NULL, NULL, NULL },
	{ "units", "String", NULL, NULL, NULL },
	{ "referenceRange", "String", NULL, NULL, NULL },
	{ "interpretation", "LabInterpretation", NULL, NULL, NULL },
	{ "notes", "String", NULL, NULL, NULL },
	{ "status", "LabResultStatus!", NULL, NULL, NULL },
	{ "version", "Int!", NULL,
	  "0 before the release, 1 once final, +1 per amendment.", NULL },
	{ "publishedAt", "DateTime", NULL, NULL, NULL },
	{ "attachmentIds", "[ID!]!", NULL, NULL, NULL },
	{ "attachments", "[Attachment!]", NULL,
	  "In labResult(id) only; null elsewhere.", NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "updatedAt", "DateTime!", NULL, NULL, NULL },
	{ "updatedBy", "ID", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def lab_version_fields[] = {
	{ "version", "Int!", NULL, NULL, NULL },
	{ "status", "LabResultStatus!", NULL, "FINAL or AMENDED.", NULL },
	{ "testCode", "String", NULL, NULL, NULL },
	{ "testName", "String!", NULL, NULL, NULL },
	{ "resultValue", "String!", NULL, NULL, NULL },
	{ "units", "String", NULL, NULL, NULL },
	{ "referenceRange", "String", NULL, NULL, NULL },
	{ "interpretation", "LabInterpretation", NULL, NULL, NULL },
	{ "notes", "String", NULL, NULL, NULL },
	{ "reason", "String", NULL, "Why it was amended.", NULL },
	{ "recordedBy", "ID!", NULL, NULL, NULL },
	{ "publishedAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def attachment_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "filename", "String!", NULL, NULL, NULL },
	{ "contentType", "String!", NULL,
	  "application/pdf, image/png or image/jpeg.", NULL },
	{ "sizeBytes", "Int!", NULL, NULL, NULL },
	{ "sha256", "String!", NULL, "Hex SHA-256 of the file.", NULL },
	{ "uploaderId", "ID!", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "attached", "AttachmentLink", NULL, "Null while unattached.", NULL },
	END_FIELDS,
};

static const struct gql_field_def attachment_link_fields[] = {
	{ "kind", "AttachmentKind!", NULL, NULL, NULL },
	{ "id", "ID!", NULL, NULL, NULL },
	{ "at", "DateTime", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def plan_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "createdBy", "ID!", NULL, NULL, NULL },
	{ "title", "String!", NULL, NULL, NULL },
	{ "details", "String", NULL, NULL, NULL },
	{ "goals", "[TreatmentGoal!]!", NULL, NULL, NULL },
	{ "status", "TreatmentPlanStatus!", NULL, NULL, NULL },
	{ "startDate", "Date!", NULL, NULL, NULL },
	{ "endDate", "Date", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "updatedAt", "DateTime!", NULL, NULL, NULL },
	{ "updatedBy", "ID", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def goal_fields[] = {
	{ "description", "String!", NULL, NULL, NULL },
	{ "dueDate", "Date", NULL, NULL, NULL },
	END_FIELDS,
};

/* ---- messaging ---- */

static const struct gql_field_def thread_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "subject", "String!", NULL, NULL, NULL },
	{ "createdBy", "ID!", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "messageCount", "Int!", NULL, NULL, NULL },
	{ "lastMessageAt", "DateTime", NULL, NULL, NULL },
	{ "unreadCount", "Int!", NULL, "The caller's.", NULL },
	{ "participants", "[ThreadParticipant!]", NULL,
	  "In thread(id), createThread and addThreadParticipant; null in lists.",
	  NULL },
	END_FIELDS,
};

static const struct gql_field_def thread_participant_fields[] = {
	{ "userId", "ID!", NULL, NULL, NULL },
	{ "role", "Role!", NULL, NULL, NULL },
	{ "fullName", "String", NULL, NULL, NULL },
	{ "addedAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def message_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "senderId", "ID!", NULL, NULL, NULL },
	{ "body", "String!", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "attachments", "[Attachment!]!", NULL, NULL, NULL },
	{ "receipts", "[Receipt!]", NULL,
	  "On the caller's own messages only.", NULL },
	{ "status", "ReceiptStatus", NULL,
	  "On others' messages: the caller's receipt.", NULL },
	{ "deliveredAt", "DateTime", NULL, "On others' messages.", NULL },
	{ "readAt", "DateTime", NULL, "On others' messages.", NULL },
	END_FIELDS,
};

static const struct gql_field_def receipt_fields[] = {
	{ "userId", "ID!", NULL, NULL, NULL },
	{ "status", "ReceiptStatus!", NULL, NULL, NULL },
	{ "deliveredAt", "DateTime", NULL, NULL, NULL },
	{ "readAt", "DateTime", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def read_result_fields[] = {
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "upToMessageId", "ID!", NULL, NULL, NULL },
	{ "markedRead", "Int!", NULL, NULL, NULL },
	{ "unreadCount", "Int!", NULL, "The caller's, left in the thread.",
	  NULL },
	END_FIELDS,
};

static const struct gql_field_def unread_counts_fields[] = {
	{ "total", "Int!", NULL, NULL, NULL },
	{ "threads", "[ThreadUnread!]!", NULL, "The first threads with unread "
	  "messages.", NULL },
	END_FIELDS,
};

static const struct gql_field_def thread_unread_fields[] = {
	{ "threadId", "ID!", NULL, NULL, NULL },
	{ "unreadCount", "Int!", NULL, NULL, NULL },
	END_FIELDS,
};

/* ---- the waiting room and video ---- */

static const struct gql_field_def waiting_room_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "providerStatus", "ProviderPresence", NULL, NULL, NULL },
	{ "currentSession", "CurrentSession", NULL,
	  "The provider's running session, if any.", NULL },
	{ "announcements", "[Announcement!]!", NULL, NULL, NULL },
	{ "data", "[WaitingRoomEntry!]!", NULL, "The queue, in order.", NULL },
	{ "nextCursor", "String", NULL, "Always null: one page.", NULL },
	END_FIELDS,
};

static const struct gql_field_def current_session_fields[] = {
	{ "videoSessionId", "ID!", NULL, NULL, NULL },
	{ "startedAt", "DateTime!", NULL, NULL, NULL },
	{ "bookedMinutes", "Int!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def entry_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "appointmentId", "ID!", NULL, NULL, NULL },
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "status", "WaitingRoomEntryStatus!", NULL, NULL, NULL },
	{ "position", "Int", NULL, "From 1; null when not in the queue.", NULL },
	{ "estimatedWaitMinutes", "Int", NULL, NULL, NULL },
	{ "providerStatus", "ProviderPresence", NULL, NULL, NULL },
	{ "announcements", "[Announcement!]!", NULL, NULL, NULL },
	{ "appointmentStartAt", "DateTime", NULL, NULL, NULL },
	{ "bookedMinutes", "Int!", NULL, NULL, NULL },
	{ "checkedInAt", "DateTime", NULL, NULL, NULL },
	{ "checkedInBy", "ID", NULL, NULL, NULL },
	{ "lastHeartbeatAt", "DateTime", NULL, NULL, NULL },
	{ "awaySince", "DateTime", NULL, NULL, NULL },
	{ "endedAt", "DateTime", NULL, NULL, NULL },
	{ "videoSessionId", "ID", NULL, NULL, NULL },
	{ "updatedAt", "DateTime", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def announcement_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "text", "String!", NULL, NULL, NULL },
	{ "createdBy", "ID", NULL, NULL, NULL },
	{ "createdAt", "DateTime!", NULL, NULL, NULL },
	{ "expiresAt", "DateTime", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def presence_fields[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "status", "ProviderPresence!", NULL, NULL, NULL },
	{ "updatedAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def admit_fields[] = {
	{ "videoSession", "VideoSession!", NULL, NULL, NULL },
	{ "join", "VideoJoin", NULL, "Null when video is turned off.", NULL },
	{ "waitingRoomEntryId", "ID!", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def session_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "appointmentId", "ID!", NULL, NULL, NULL },
	{ "waitingRoomEntryId", "ID", NULL, NULL, NULL },
	{ "status", "VideoSessionStatus!", NULL, NULL, NULL },
	{ "room", "String", NULL, NULL, NULL },
	{ "startedAt", "DateTime!", NULL, NULL, NULL },
	{ "endedAt", "DateTime", NULL, NULL, NULL },
	{ "durationSeconds", "Int", NULL, NULL, NULL },
	{ "startedBy", "ID", NULL, NULL, NULL },
	{ "endedBy", "ID", NULL, NULL, NULL },
	{ "endReason", "VideoSessionEndReason", NULL, NULL, NULL },
	{ "bookedMinutes", "Int!", NULL, NULL, NULL },
	{ "participants", "[SessionParticipant!]!", NULL, NULL, NULL },
	{ "consentSnapshot", "ConsentSnapshot", NULL,
	  "The patient's consent when the session started.", NULL },
	{ "events", "[VideoSessionEvent!]", NULL,
	  "In videoSession(id) only; null elsewhere.", NULL },
	END_FIELDS,
};

static const struct gql_field_def session_participant_fields[] = {
	{ "userId", "ID", NULL, NULL, NULL },
	{ "role", "Role!", NULL, "PROVIDER or PATIENT.", NULL },
	END_FIELDS,
};

static const struct gql_field_def consent_fields[] = {
	{ "consentSignedAt", "DateTime", NULL, NULL, NULL },
	{ "consentOnFile", "Boolean", NULL, NULL, NULL },
	{ "capturedAt", "DateTime", NULL, NULL, NULL },
	{ "source", "String", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def session_event_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "type", "VideoSessionEventType!", NULL, NULL, NULL },
	{ "actorId", "ID", NULL, NULL, NULL },
	{ "actorRole", "String", NULL, NULL, NULL },
	{ "at", "DateTime!", NULL, NULL, NULL },
	{ "recordedAt", "DateTime!", NULL, NULL, NULL },
	{ "amendsEventId", "ID", NULL, NULL, NULL },
	{ "detail", "String", NULL, NULL, NULL },
	{ "notesSummary", "String", NULL, "On the ended event only.", NULL },
	END_FIELDS,
};

static const struct gql_field_def join_fields[] = {
	{ "provider", "String!", NULL, "livekit.", NULL },
	{ "url", "String", NULL, NULL, NULL },
	{ "token", "String!", NULL, NULL, NULL },
	{ "room", "String", NULL, NULL, NULL },
	{ "identity", "ID!", NULL, NULL, NULL },
	{ "expiresAt", "DateTime!", NULL, NULL, NULL },
	END_FIELDS,
};

/* ---- audit ---- */

static const struct gql_field_def audit_event_fields[] = {
	{ "id", "ID!", NULL, NULL, NULL },
	{ "at", "DateTime", NULL, NULL, NULL },
	{ "actorId", "ID", NULL, NULL, NULL },
	{ "actorRole", "String", NULL, NULL, NULL },
	{ "action", "String", NULL, NULL, NULL },
	{ "entityType", "String", NULL, NULL, NULL },
	{ "entityId", "String", NULL, NULL, NULL },
	{ "patientId", "ID", NULL, NULL, NULL },
	{ "outcome", "AuditOutcome", NULL, NULL, NULL },
	{ "requestId", "String", NULL, NULL, NULL },
	{ "ip", "String", NULL, NULL, NULL },
	{ "summary", "String", NULL, NULL, NULL },
	{ "metadata", "JSON", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def access_entry_fields[] = {
	{ "at", "DateTime", NULL, NULL, NULL },
	{ "actor", "AccessLogActor!", NULL, NULL, NULL },
	{ "action", "String", NULL, NULL, NULL },
	{ "recordType", "String", NULL, NULL, NULL },
	{ "summary", "String", NULL, NULL, NULL },
	END_FIELDS,
};

static const struct gql_field_def access_actor_fields[] = {
	{ "name", "String", NULL, NULL, NULL },
	{ "role", "String!", NULL, "A role, or system.", NULL },
	END_FIELDS,
};

/* ---- connections ---- */

static const struct gql_field_def page_info_fields[] = {
	{ "hasNextPage", "Boolean!", NULL, NULL, NULL },
	{ "endCursor", "String", NULL, "Pass as after for the next page.",
	  NULL },
	END_FIELDS,
};

/* XConnection and XEdge of the object type X. */
#define CONNECTION_FIELDS(x, X)						\
static const struct gql_field_def x##_conn_fields[] = {			\
	{ "edges", "[" #X "Edge!]!", NULL, NULL, NULL },		\
	{ "nodes", "[" #X "!]!", NULL, NULL, NULL },			\
	{ "pageInfo", "PageInfo!", NULL, NULL, NULL },			\
	END_FIELDS,							\
};									\
static const struct gql_field_def x##_edge_fields[] = {			\
	{ "cursor", "String", NULL,					\
	  "Set on the last edge when a next page follows.", NULL },	\
	{ "node", #X "!", NULL, NULL, NULL },				\
	END_FIELDS,							\
}

CONNECTION_FIELDS(patient, Patient);
CONNECTION_FIELDS(member, CareTeamMember);
CONNECTION_FIELDS(provider, Provider);
CONNECTION_FIELDS(appointment, Appointment);
CONNECTION_FIELDS(lab, LabResult);
CONNECTION_FIELDS(plan, TreatmentPlan);
CONNECTION_FIELDS(thread, Thread);
CONNECTION_FIELDS(message, Message);
CONNECTION_FIELDS(session, VideoSession);
CONNECTION_FIELDS(audit, AuditEvent);
CONNECTION_FIELDS(access, AccessLogEntry);

/* ---- enums ---- */

static const struct gql_enum_value_def role_values[] = {
	{ "PATIENT", NULL, NULL },
	{ "PROVIDER", NULL, NULL },
	{ "STAFF", NULL, NULL },
	{ "ADMIN", NULL, NULL },
	{ "AUDITOR", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def appt_status_values[] = {
	{ "SCHEDULED", NULL, NULL },
	{ "CHECKED_IN", NULL, NULL },
	{ "IN_SESSION", NULL, NULL },
	{ "COMPLETED", NULL, NULL },
	{ "CANCELLED", NULL, NULL },
	{ "NO_SHOW", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def visit_type_values[] = {
	{ "VIDEO", NULL, NULL },
	{ "IN_PERSON", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def weekday_values[] = {
	{ "MON", NULL, NULL },
	{ "TUE", NULL, NULL },
	{ "WED", NULL, NULL },
	{ "THU", NULL, NULL },
	{ "FRI", NULL, NULL },
	{ "SAT", NULL, NULL },
	{ "SUN", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def lab_status_values[] = {
	{ "PRELIMINARY", NULL, NULL },
	{ "FINAL", NULL, NULL },
	{ "AMENDED", NULL, NULL },
	{ "CANCELLED", NULL, NULL },
	{ "ENTERED_IN_ERROR", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def interpretation_values[] = {
	{ "NORMAL", NULL, NULL },
	{ "ABNORMAL", NULL, NULL },
	{ "CRITICAL", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def plan_status_values[] = {
	{ "DRAFT", NULL, NULL },
	{ "ACTIVE", NULL, NULL },
	{ "ON_HOLD", NULL, NULL },
	{ "COMPLETED", NULL, NULL },
	{ "REVOKED", NULL, NULL },
	{ "ENTERED_IN_ERROR", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def plan_start_values[] = {
	{ "DRAFT", NULL, NULL },
	{ "ACTIVE", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def attachment_kind_values[] = {
	{ "MESSAGE", NULL, NULL },
	{ "LAB_RESULT", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def receipt_status_values[] = {
	{ "SENT", NULL, NULL },
	{ "DELIVERED", NULL, NULL },
	{ "READ", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def entry_status_values[] = {
	{ "WAITING", NULL, NULL },
	{ "AWAY", NULL, NULL },
	{ "ADMITTED", NULL, NULL },
	{ "LEFT", NULL, NULL },
	{ "REMOVED", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def presence_values[] = {
	{ "AVAILABLE", NULL, NULL },
	{ "BUSY", NULL, NULL },
	{ "OFFLINE", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def session_status_values[] = {
	{ "RUNNING", NULL, NULL },
	{ "ENDED", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def end_reason_values[] = {
	{ "PROVIDER", "The provider ended it.", NULL },
	{ "TIMEOUT", "It ran past its booked time and was ended.", NULL },
	END_VALUES,
};

static const struct gql_enum_value_def event_type_values[] = {
	{ "STARTED", NULL, NULL },
	{ "JOINED", NULL, NULL },
	{ "LEFT", NULL, NULL },
	{ "RECONNECTED", NULL, NULL },
	{ "MEDIA_QUALITY", NULL, NULL },
	{ "CONSENT_CAPTURED", NULL, NULL },
	{ "ENDED", NULL, NULL },
	{ "AMENDMENT", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def event_input_values[] = {
	{ "JOINED", NULL, NULL },
	{ "LEFT", NULL, NULL },
	{ "RECONNECTED", NULL, NULL },
	{ "MEDIA_QUALITY", NULL, NULL },
	{ "CONSENT_CAPTURED", NULL, NULL },
	{ "AMENDMENT", NULL, NULL },
	END_VALUES,
};

static const struct gql_enum_value_def outcome_values[] = {
	{ "SUCCESS", NULL, NULL },
	{ "DENIED", NULL, NULL },
	{ "FAILURE", NULL, NULL },
	END_VALUES,
};

/* ---- input objects: the REST bodies, camelCase ---- */

static const struct gql_input_def book_input[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "patientId", "ID", NULL, "Staff booking for a patient.", NULL },
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "durationMinutes", "Int!", NULL, NULL, NULL },
	{ "visitType", "VisitType!", NULL, NULL, NULL },
	{ "location", "String", NULL, NULL, NULL },
	{ "reason", "String", NULL, NULL, NULL },
	{ "overrideReason", "String", NULL,
	  "Staff booking outside the provider's hours.", NULL },
	END_INPUTS,
};

static const struct gql_input_def reschedule_input[] = {
	{ "startAt", "DateTime!", NULL, NULL, NULL },
	{ "durationMinutes", "Int", NULL, NULL, NULL },
	{ "overrideReason", "String", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def weekly_input[] = {
	{ "weekday", "Weekday!", NULL, NULL, NULL },
	{ "start", "String!", NULL, "HH:MM.", NULL },
	{ "end", "String!", NULL, "HH:MM.", NULL },
	END_INPUTS,
};

static const struct gql_input_def exception_input[] = {
	{ "date", "Date!", NULL, NULL, NULL },
	{ "available", "Boolean!", NULL, NULL, NULL },
	{ "start", "String", NULL, "HH:MM.", NULL },
	{ "end", "String", NULL, "HH:MM.", NULL },
	END_INPUTS,
};

static const struct gql_input_def availability_input[] = {
	{ "timezone", "String!", NULL, NULL, NULL },
	{ "weekly", "[WeeklyHoursInput!]!", NULL, NULL, NULL },
	{ "exceptions", "[AvailabilityExceptionInput!]", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def thread_input[] = {
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "participantIds", "[ID!]!", NULL, NULL, NULL },
	{ "subject", "String!", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def message_input[] = {
	{ "body", "String!", NULL, NULL, NULL },
	{ "attachmentIds", "[ID!]", NULL, "The caller's unattached uploads.",
	  NULL },
	END_INPUTS,
};

static const struct gql_input_def announcement_input[] = {
	{ "providerId", "ID!", NULL, NULL, NULL },
	{ "text", "String!", NULL, NULL, NULL },
	{ "expiresAt", "DateTime", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def session_event_input[] = {
	{ "type", "SessionEventInputType!", NULL, NULL, NULL },
	{ "at", "DateTime!", NULL, NULL, NULL },
	{ "detail", "String", NULL, NULL, NULL },
	{ "amendsEventId", "ID", NULL, NULL, NULL },
	END_INPUTS,
};

/* The content of a lab result a write may set (LAB_CONTENT in REST). */
#define LAB_CONTENT_INPUT(name_type, value_type)			\
	{ "testCode", "String", NULL, NULL, NULL },			\
	{ "testName", name_type, NULL, NULL, NULL },			\
	{ "resultValue", value_type, NULL, NULL, NULL },		\
	{ "units", "String", NULL, NULL, NULL },			\
	{ "referenceRange", "String", NULL, NULL, NULL },		\
	{ "interpretation", "LabInterpretation", NULL, NULL, NULL },	\
	{ "notes", "String", NULL, NULL, NULL },			\
	{ "attachmentIds", "[ID!]", NULL, NULL, NULL }

static const struct gql_input_def create_lab_input[] = {
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "orderedBy", "ID", NULL, NULL, NULL },
	LAB_CONTENT_INPUT("String!", "String!"),
	END_INPUTS,
};

static const struct gql_input_def update_lab_input[] = {
	{ "orderedBy", "ID", NULL, NULL, NULL },
	LAB_CONTENT_INPUT("String", "String"),
	END_INPUTS,
};

static const struct gql_input_def amend_lab_input[] = {
	LAB_CONTENT_INPUT("String", "String"),
	{ "reason", "String!", NULL, NULL, NULL },
	{ "version", "Int", NULL, "The version amended (409 if not the latest).",
	  NULL },
	END_INPUTS,
};

static const struct gql_input_def goal_input[] = {
	{ "description", "String!", NULL, NULL, NULL },
	{ "dueDate", "Date", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def create_plan_input[] = {
	{ "patientId", "ID!", NULL, NULL, NULL },
	{ "title", "String!", NULL, NULL, NULL },
	{ "details", "String", NULL, NULL, NULL },
	{ "goals", "[TreatmentGoalInput!]", NULL, NULL, NULL },
	{ "startDate", "Date!", NULL, NULL, NULL },
	{ "endDate", "Date", NULL, NULL, NULL },
	{ "status", "TreatmentPlanStartStatus", NULL, "DRAFT if not given.",
	  NULL },
	END_INPUTS,
};

static const struct gql_input_def update_plan_input[] = {
	{ "title", "String", NULL, NULL, NULL },
	{ "details", "String", NULL, NULL, NULL },
	{ "goals", "[TreatmentGoalInput!]", NULL, NULL, NULL },
	{ "startDate", "Date", NULL, NULL, NULL },
	{ "endDate", "Date", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def patient_input[] = {
	{ "fullName", "String", NULL, NULL, NULL },
	{ "dateOfBirth", "Date", NULL, NULL, NULL },
	{ "phone", "String", NULL, NULL, NULL },
	{ "primaryClinic", "String", NULL, NULL, NULL },
	{ "consentSignedAt", "DateTime", NULL, NULL, NULL },
	END_INPUTS,
};

static const struct gql_input_def provider_input[] = {
	{ "fullName", "String", NULL, NULL, NULL },
	{ "specialty", "String", NULL, NULL, NULL },
	{ "licenseNumber", "String", NULL, NULL, NULL },
	{ "telehealthEnabled", "Boolean", NULL, NULL, NULL },
	{ "bio", "String", NULL, NULL, NULL },
	END_INPUTS,
};

/* ---- the type table ---- */

#define OBJECT(n, d, f)	{ .kind = GQL_K_OBJECT, .name = n, .description = d, \
			  .fields = f }
#define ENUM(n, d, v)	{ .kind = GQL_K_ENUM, .name = n, .description = d, \
			  .values = v }
#define INPUT(n, d, f)	{ .kind = GQL_K_INPUT_OBJECT, .name = n, \
			  .description = d, .input_fields = f }
#define CONNECTION(X, x, what)						\
	OBJECT(#X "Connection", "A page of " what ".", x##_conn_fields), \
	OBJECT(#X "Edge", "One of " what " in a page.", x##_edge_fields)

static const struct gql_type_def product_types[] = {
	OBJECT("Query", "What can be read; each field is one REST request.",
	    query_fields),
	OBJECT("Mutation", "What can be done; each field is one REST request.",
	    mutation_fields),
	{ .kind = GQL_K_SCALAR, .name = "DateTime",
	  .description = "An instant: RFC 3339 text in UTC.",
	  .specified_by = "https://www.rfc-editor.org/rfc/rfc3339" },
	{ .kind = GQL_K_SCALAR, .name = "Date",
	  .description = "A calendar day: YYYY-MM-DD." },
	{ .kind = GQL_K_SCALAR, .name = "JSON",
	  .description = "Any JSON value, as stored." },
	OBJECT("PageInfo", "Where a page ends.", page_info_fields),
	OBJECT("Me", "The signed-in user (GET /api/v1/me).", me_fields),
	OBJECT("User", "An account.", user_fields),
	OBJECT("Profile", "The caller's patient or provider profile: the other "
	    "kind's fields are null.", profile_fields),
	OBJECT("NotificationPreferences", "Which notices the user gets.",
	    prefs_fields),
	OBJECT("QuietHours", "When notices that are not urgent wait.",
	    quiet_hours_fields),
	ENUM("Role", "A user's role.", role_values),
	OBJECT("Patient", "A patient's profile.", patient_fields),
	CONNECTION(Patient, patient, "patients"),
	OBJECT("PatientSummary", "A patient's dashboard.", summary_fields),
	OBJECT("UpcomingVisit", "A visit on a patient's dashboard.",
	    visit_fields),
	OBJECT("SummaryCounts", "Counts on a patient's dashboard.",
	    counts_fields),
	OBJECT("Provider", "A provider's directory card or profile.",
	    provider_fields),
	CONNECTION(Provider, provider, "providers"),
	OBJECT("CareTeamMember", "A provider on a patient's care team.",
	    member_fields),
	CONNECTION(CareTeamMember, member, "care team members"),
	OBJECT("Availability", "A provider's bookable hours.",
	    availability_fields),
	OBJECT("WeeklyHours", "A weekly window of bookable time.",
	    weekly_fields),
	OBJECT("AvailabilityException", "A day off, or other hours on a day.",
	    exception_fields),
	ENUM("Weekday", "A day of the week.", weekday_values),
	OBJECT("SlotList", "A provider's free slots.", slot_list_fields),
	OBJECT("Slot", "A free slot.", slot_fields),
	OBJECT("Appointment", "A visit.", appointment_fields),
	CONNECTION(Appointment, appointment, "appointments"),
	ENUM("AppointmentStatus", "Where a visit stands.", appt_status_values),
	ENUM("VisitType", "How a visit takes place.", visit_type_values),
	OBJECT("LabResult", "A lab result.", lab_fields),
	CONNECTION(LabResult, lab, "lab results"),
	OBJECT("LabResultVersion", "A released version of a lab result.",
	    lab_version_fields),
	ENUM("LabResultStatus", "Where a lab result stands.",
	    lab_status_values),
	ENUM("LabInterpretation", "How a lab result reads.",
	    interpretation_values),
	OBJECT("Attachment", "An uploaded file.", attachment_fields),
	OBJECT("AttachmentLink", "The record a file belongs to.",
	    attachment_link_fields),
	ENUM("AttachmentKind", "The kind of record a file belongs to.",
	    attachment_kind_values),
	OBJECT("TreatmentPlan", "A treatment plan.", plan_fields),
	CONNECTION(TreatmentPlan, plan, "treatment plans"),
	OBJECT("TreatmentGoal", "A goal of a treatment plan.", goal_fields),
	ENUM("TreatmentPlanStatus", "Where a treatment plan stands.",
	    plan_status_values),
	ENUM("TreatmentPlanStartStatus", "How a new treatment plan starts.",
	    plan_start_values),
	OBJECT("Thread", "A secure-message thread about one patient.",
	    thread_fields),
	CONNECTION(Thread, thread, "threads"),
	OBJECT("ThreadParticipant", "Someone taking part in a thread.",
	    thread_participant_fields),
	OBJECT("Message", "A secure message.", message_fields),
	CONNECTION(Message, message, "messages"),
	OBJECT("Receipt", "Whether a recipient got and read a message.",
	    receipt_fields),
	ENUM("ReceiptStatus", "How far a message got to a recipient.",
	    receipt_status_values),
	OBJECT("ThreadReadResult", "What marking a thread read did.",
	    read_result_fields),
	OBJECT("UnreadCounts", "The caller's unread messages.",
	    unread_counts_fields),
	OBJECT("ThreadUnread", "The caller's unread messages in one thread.",
	    thread_unread_fields),
	OBJECT("WaitingRoom", "A provider's waiting-room queue.",
	    waiting_room_fields),
	OBJECT("CurrentSession", "The video session a provider is in.",
	    current_session_fields),
	OBJECT("WaitingRoomEntry", "A patient in a waiting room.",
	    entry_fields),
	ENUM("WaitingRoomEntryStatus", "Where a waiting-room entry stands.",
	    entry_status_values),
	OBJECT("Announcement", "A provider's note to their waiting room.",
	    announcement_fields),
	OBJECT("Presence", "A provider's presence.", presence_fields),
	ENUM("ProviderPresence", "Whether a provider can see patients now.",
	    presence_values),
	OBJECT("AdmitResult", "The session an admission started.",
	    admit_fields),
	OBJECT("VideoSession", "A video visit's session.", session_fields),
	CONNECTION(VideoSession, session, "video sessions"),
	ENUM("VideoSessionStatus", "Whether a video session runs.",
	    session_status_values),
	ENUM("VideoSessionEndReason", "Why a video session ended.",
	    end_reason_values),
	OBJECT("SessionParticipant", "Someone in a video session.",
	    session_participant_fields),
	OBJECT("ConsentSnapshot", "The patient's consent as a session started.",
	    consent_fields),
	OBJECT("VideoSessionEvent", "An entry of a video session's log.",
	    session_event_fields),
	ENUM("VideoSessionEventType", "What a session log entry records.",
	    event_type_values),
	ENUM("SessionEventInputType", "What a client may add to a session log.",
	    event_input_values),
	OBJECT("VideoJoin", "A credential to join a video room.", join_fields),
	OBJECT("AuditEvent", "A row of the audit log.", audit_event_fields),
	CONNECTION(AuditEvent, audit, "audit events"),
	ENUM("AuditOutcome", "How an audited action ended.", outcome_values),
	OBJECT("AccessLogEntry", "A read or change of the caller's records.",
	    access_entry_fields),
	CONNECTION(AccessLogEntry, access, "access log entries"),
	OBJECT("AccessLogActor", "Who read or changed the record.",
	    access_actor_fields),
	INPUT("BookAppointmentInput", "A visit to book.", book_input),
	INPUT("RescheduleAppointmentInput", "Where a visit moves.",
	    reschedule_input),
	INPUT("AvailabilityInput", "A provider's bookable hours.",
	    availability_input),
	INPUT("WeeklyHoursInput", "A weekly window of bookable time.",
	    weekly_input),
	INPUT("AvailabilityExceptionInput", "A day off, or other hours on a day.",
	    exception_input),
	INPUT("CreateThreadInput", "A thread to start.", thread_input),
	INPUT("PostMessageInput", "A message to post.", message_input),
	INPUT("PostAnnouncementInput", "An announcement to post.",
	    announcement_input),
	INPUT("SessionEventInput", "A session log entry to add.",
	    session_event_input),
	INPUT("CreateLabResultInput", "A new lab result.", create_lab_input),
	INPUT("UpdateLabResultInput", "Changes to a preliminary lab result.",
	    update_lab_input),
	INPUT("AmendLabResultInput", "An amendment of a released lab result.",
	    amend_lab_input),
	INPUT("CreateTreatmentPlanInput", "A new treatment plan.",
	    create_plan_input),
	INPUT("UpdateTreatmentPlanInput", "Changes to a treatment plan.",
	    update_plan_input),
	INPUT("TreatmentGoalInput", "A goal of a treatment plan.", goal_input),
	INPUT("UpdatePatientInput", "Changes to a patient's profile.",
	    patient_input),
	INPUT("UpdateProviderInput", "Changes to a provider's profile.",
	    provider_input),
	{ .name = NULL },
};

const struct gql_schema_def gql_product_schema = {
	.description = NULL,
	.types = product_types,
	.directives = NULL,
	.query = "Query",
	.mutation = "Mutation",
	.subscription = NULL,
};
