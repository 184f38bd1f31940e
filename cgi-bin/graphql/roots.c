/*
 * cgi-bin/graphql/roots.c: every root field of the product schema
 * (schema.c) and the REST route that answers it: the method, the path
 * exactly as the worker's routes.c has it, where each argument goes and
 * what the reply becomes (roots.h). In the schema's order; checked
 * against the schema and the route tables by
 * tests/unit/test-graphql-schema-product.c.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "cgi-bin/graphql/roots.h"

#define END_ARGS	{ NULL, RA_PATH, NULL }
/* first and after are REST's limit and cursor (roots.h, ROOT_PAGE). */
#define PAGE_ARGS	{ "first", RA_QUERY, "limit" }, \
			{ "after", RA_QUERY, "cursor" }

static const struct gql_root_arg no_args[] = {
	END_ARGS,
};

static const struct gql_root_arg id_path[] = {
	{ "id", RA_PATH, "id" },
	END_ARGS,
};

static const struct gql_root_arg page_only[] = {
	PAGE_ARGS,
	END_ARGS,
};

/* ---- Query ---- */

static const struct gql_root_arg patient_id_path[] = {
	{ "patientId", RA_PATH, "id" },
	END_ARGS,
};

static const struct gql_root_arg patients_args[] = {
	{ "search", RA_QUERY, "q" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg care_team_args[] = {
	{ "patientId", RA_PATH, "id" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg providers_args[] = {
	{ "specialty", RA_QUERY, "specialty" },
	{ "search", RA_QUERY, "q" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg provider_id_path[] = {
	{ "providerId", RA_PATH, "id" },
	END_ARGS,
};

static const struct gql_root_arg slots_args[] = {
	{ "providerId", RA_QUERY, "provider_id" },
	{ "from", RA_QUERY, "from" },
	{ "to", RA_QUERY, "to" },
	{ "durationMinutes", RA_QUERY, "duration_minutes" },
	END_ARGS,
};

static const struct gql_root_arg appointments_args[] = {
	{ "status", RA_QUERY, "status" },
	{ "from", RA_QUERY, "from" },
	{ "to", RA_QUERY, "to" },
	{ "providerId", RA_QUERY, "provider_id" },
	{ "patientId", RA_QUERY, "patient_id" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg lab_results_args[] = {
	{ "patientId", RA_QUERY, "patient_id" },
	{ "status", RA_QUERY, "status" },
	{ "testCode", RA_QUERY, "test_code" },
	{ "from", RA_QUERY, "from" },
	{ "to", RA_QUERY, "to" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg treatment_plans_args[] = {
	{ "patientId", RA_QUERY, "patient_id" },
	{ "status", RA_QUERY, "status" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg messages_args[] = {
	{ "threadId", RA_PATH, "id" },
	{ "afterMessageId", RA_QUERY, "after" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg waiting_room_args[] = {
	{ "providerId", RA_QUERY, "provider_id" },
	END_ARGS,
};

static const struct gql_root_arg video_sessions_args[] = {
	{ "appointmentId", RA_QUERY, "appointment_id" },
	PAGE_ARGS,
	END_ARGS,
};

static const struct gql_root_arg audit_events_args[] = {
	{ "actorId", RA_QUERY, "actor_id" },
	{ "patientId", RA_QUERY, "patient_id" },
	{ "entityType", RA_QUERY, "entity_type" },
	{ "entityId", RA_QUERY, "entity_id" },
	{ "action", RA_QUERY, "action" },
	{ "outcome", RA_QUERY, "outcome" },
	{ "from", RA_QUERY, "from" },
	{ "to", RA_QUERY, "to" },
	PAGE_ARGS,
	END_ARGS,
};

/* ---- Mutation ---- */

static const struct gql_root_arg input_only[] = {
	{ "input", RA_BODY_ALL, NULL },
	END_ARGS,
};

static const struct gql_root_arg id_input[] = {
	{ "id", RA_PATH, "id" },
	{ "input", RA_BODY_ALL, NULL },
	END_ARGS,
};

static const struct gql_root_arg cancel_args[] = {
	{ "id", RA_PATH, "id" },
	{ "reason", RA_BODY, "reason" },
	END_ARGS,
};

static const struct gql_root_arg participant_add_args[] = {
	{ "threadId", RA_PATH, "id" },
	{ "userId", RA_BODY, "user_id" },
	END_ARGS,
};

static const struct gql_root_arg participant_remove_args[] = {
	{ "threadId", RA_PATH, "id" },
	{ "userId", RA_PATH, "user_id" },
	END_ARGS,
};

static const struct gql_root_arg post_message_args[] = {
	{ "threadId", RA_PATH, "id" },
	{ "input", RA_BODY_ALL, NULL },
	END_ARGS,
};

static const struct gql_root_arg mark_read_args[] = {
	{ "threadId", RA_PATH, "id" },
	{ "upToMessageId", RA_BODY, "up_to_message_id" },
	END_ARGS,
};

static const struct gql_root_arg check_in_args[] = {
	{ "appointmentId", RA_BODY, "appointment_id" },
	END_ARGS,
};

static const struct gql_root_arg entry_id_path[] = {
	{ "entryId", RA_PATH, "id" },
	END_ARGS,
};

static const struct gql_root_arg presence_args[] = {
	{ "status", RA_BODY, "status" },
	END_ARGS,
};

static const struct gql_root_arg admit_args[] = {
	{ "entryId", RA_BODY, "entry_id" },
	{ "providerId", RA_BODY, "provider_id" },
	END_ARGS,
};

static const struct gql_root_arg session_event_args[] = {
	{ "sessionId", RA_PATH, "id" },
	{ "input", RA_BODY_ALL, NULL },
	END_ARGS,
};

static const struct gql_root_arg end_session_args[] = {
	{ "sessionId", RA_PATH, "id" },
	{ "notesSummary", RA_BODY, "notes_summary" },
	END_ARGS,
};

static const struct gql_root_arg status_args[] = {
	{ "id", RA_PATH, "id" },
	{ "status", RA_BODY, "status" },
	END_ARGS,
};

static const struct gql_root_arg care_team_add_args[] = {
	{ "patientId", RA_PATH, "id" },
	{ "providerId", RA_BODY, "provider_id" },
	END_ARGS,
};

static const struct gql_root_arg care_team_remove_args[] = {
	{ "patientId", RA_PATH, "id" },
	{ "providerId", RA_PATH, "provider_id" },
	END_ARGS,
};

static const struct gql_root_arg availability_put_args[] = {
	{ "providerId", RA_PATH, "id" },
	{ "input", RA_BODY_ALL, NULL },
	END_ARGS,
};

#define Q(f, m, p, a, s)	{ "Query", f, m, p, a, s, NULL }
#define M(f, m, p, a, s)	{ "Mutation", f, m, p, a, s, NULL }

const struct gql_root gql_product_roots[] = {
	Q("me", HTTP_GET, "/api/v1/me", no_args, ROOT_OBJECT),
	Q("patientSummary", HTTP_GET, "/api/v1/patients/{id}/summary",
	    patient_id_path, ROOT_OBJECT),
	Q("patient", HTTP_GET, "/api/v1/patients/{id}", id_path, ROOT_OBJECT),
	Q("patients", HTTP_GET, "/api/v1/patients", patients_args, ROOT_PAGE),
	Q("careTeam", HTTP_GET, "/api/v1/patients/{id}/care-team",
	    care_team_args, ROOT_PAGE),
	Q("providers", HTTP_GET, "/api/v1/providers", providers_args,
	    ROOT_PAGE),
	Q("provider", HTTP_GET, "/api/v1/providers/{id}", id_path,
	    ROOT_OBJECT),
	Q("availability", HTTP_GET, "/api/v1/availability/{id}",
	    provider_id_path, ROOT_OBJECT),
	Q("slots", HTTP_GET, "/api/v1/slots", slots_args, ROOT_OBJECT),
	Q("appointments", HTTP_GET, "/api/v1/appointments", appointments_args,
	    ROOT_PAGE),
	Q("appointment", HTTP_GET, "/api/v1/appointments/{id}", id_path,
	    ROOT_OBJECT),
	Q("labResults", HTTP_GET, "/api/v1/lab-results", lab_results_args,
	    ROOT_PAGE),
	Q("labResult", HTTP_GET, "/api/v1/lab-results/{id}", id_path,
	    ROOT_OBJECT),
	Q("labResultVersions", HTTP_GET, "/api/v1/lab-results/{id}/versions",
	    id_path, ROOT_ARRAY),
	Q("treatmentPlans", HTTP_GET, "/api/v1/treatment-plans",
	    treatment_plans_args, ROOT_PAGE),
	Q("treatmentPlan", HTTP_GET, "/api/v1/treatment-plans/{id}", id_path,
	    ROOT_OBJECT),
	Q("threads", HTTP_GET, "/api/v1/threads", page_only, ROOT_PAGE),
	Q("thread", HTTP_GET, "/api/v1/threads/{id}", id_path, ROOT_OBJECT),
	Q("messages", HTTP_GET, "/api/v1/threads/{id}/messages",
	    messages_args, ROOT_PAGE),
	Q("unreadCounts", HTTP_GET, "/api/v1/messages/unread-count", no_args,
	    ROOT_OBJECT),
	Q("waitingRoom", HTTP_GET, "/api/v1/waiting-room", waiting_room_args,
	    ROOT_OBJECT),
	Q("waitingRoomEntry", HTTP_GET, "/api/v1/waiting-room/entries/{id}",
	    id_path, ROOT_OBJECT),
	Q("videoSessions", HTTP_GET, "/api/v1/video-sessions",
	    video_sessions_args, ROOT_PAGE),
	Q("videoSession", HTTP_GET, "/api/v1/video-sessions/{id}", id_path,
	    ROOT_OBJECT),
	Q("videoSessionJoin", HTTP_GET, "/api/v1/video-sessions/{id}/join",
	    id_path, ROOT_OBJECT),
	Q("auditEvents", HTTP_GET, "/api/v1/audit", audit_events_args,
	    ROOT_PAGE),
	Q("accessLog", HTTP_GET, "/api/v1/me/access-log", page_only,
	    ROOT_PAGE),

	M("bookAppointment", HTTP_POST, "/api/v1/appointments", input_only,
	    ROOT_OBJECT),
	M("rescheduleAppointment", HTTP_POST,
	    "/api/v1/appointments/{id}/reschedule", id_input, ROOT_OBJECT),
	M("cancelAppointment", HTTP_POST, "/api/v1/appointments/{id}/cancel",
	    cancel_args, ROOT_OBJECT),
	M("markAppointmentNoShow", HTTP_POST,
	    "/api/v1/appointments/{id}/no-show", id_path, ROOT_OBJECT),
	M("completeAppointment", HTTP_POST,
	    "/api/v1/appointments/{id}/complete", id_path, ROOT_OBJECT),
	M("createThread", HTTP_POST, "/api/v1/threads", input_only,
	    ROOT_OBJECT),
	M("addThreadParticipant", HTTP_POST,
	    "/api/v1/threads/{id}/participants", participant_add_args,
	    ROOT_OBJECT),
	M("removeThreadParticipant", HTTP_DELETE,
	    "/api/v1/threads/{id}/participants/{user_id}",
	    participant_remove_args, ROOT_EMPTY),
	M("postMessage", HTTP_POST, "/api/v1/threads/{id}/messages",
	    post_message_args, ROOT_OBJECT),
	M("markThreadRead", HTTP_POST, "/api/v1/threads/{id}/read",
	    mark_read_args, ROOT_OBJECT),
	M("checkIn", HTTP_POST, "/api/v1/waiting-room/check-in", check_in_args,
	    ROOT_OBJECT),
	M("waitingRoomHeartbeat", HTTP_POST,
	    "/api/v1/waiting-room/entries/{id}/heartbeat", entry_id_path,
	    ROOT_OBJECT),
	M("leaveWaitingRoom", HTTP_POST,
	    "/api/v1/waiting-room/entries/{id}/leave", entry_id_path,
	    ROOT_OBJECT),
	M("setPresence", HTTP_PUT, "/api/v1/waiting-room/presence",
	    presence_args, ROOT_OBJECT),
	M("postAnnouncement", HTTP_POST, "/api/v1/waiting-room/announcements",
	    input_only, ROOT_OBJECT),
	M("admit", HTTP_POST, "/api/v1/waiting-room/admit", admit_args,
	    ROOT_OBJECT),
	M("recordSessionEvent", HTTP_POST, "/api/v1/video-sessions/{id}/events",
	    session_event_args, ROOT_OBJECT),
	M("endSession", HTTP_POST, "/api/v1/video-sessions/{id}/end",
	    end_session_args, ROOT_OBJECT),
	M("createLabResult", HTTP_POST, "/api/v1/lab-results", input_only,
	    ROOT_OBJECT),
	M("updateLabResult", HTTP_PATCH, "/api/v1/lab-results/{id}", id_input,
	    ROOT_OBJECT),
	M("finalizeLabResult", HTTP_POST, "/api/v1/lab-results/{id}/finalize",
	    id_path, ROOT_OBJECT),
	M("amendLabResult", HTTP_POST, "/api/v1/lab-results/{id}/amend",
	    id_input, ROOT_OBJECT),
	M("setLabResultStatus", HTTP_POST, "/api/v1/lab-results/{id}/status",
	    status_args, ROOT_OBJECT),
	M("createTreatmentPlan", HTTP_POST, "/api/v1/treatment-plans",
	    input_only, ROOT_OBJECT),
	M("updateTreatmentPlan", HTTP_PATCH, "/api/v1/treatment-plans/{id}",
	    id_input, ROOT_OBJECT),
	M("setTreatmentPlanStatus", HTTP_POST,
	    "/api/v1/treatment-plans/{id}/status", status_args, ROOT_OBJECT),
	M("addCareTeamMember", HTTP_POST, "/api/v1/patients/{id}/care-team",
	    care_team_add_args, ROOT_OBJECT),
	M("removeCareTeamMember", HTTP_DELETE,
	    "/api/v1/patients/{id}/care-team/{provider_id}",
	    care_team_remove_args, ROOT_EMPTY),
	M("updatePatient", HTTP_PATCH, "/api/v1/patients/{id}", id_input,
	    ROOT_OBJECT),
	M("updateProvider", HTTP_PATCH, "/api/v1/providers/{id}", id_input,
	    ROOT_OBJECT),
	M("setAvailability", HTTP_PUT, "/api/v1/availability/{id}",
	    availability_put_args, ROOT_OBJECT),
	{ NULL, NULL, HTTP_GET, NULL, NULL, ROOT_OBJECT, NULL },
};

const struct gql_root *
gql_root_find(const char *type, const char *field)
{
	const struct gql_root	*r;

	for (r = gql_product_roots; r->type != NULL; r++)
		if (strcmp(r->type, type) == 0 && strcmp(r->field, field) == 0)
			return r;
	return NULL;
}
