/* Route table of the appointments worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/appointments/appointments.h"

static const struct route routes[] = {
	{ HTTP_GET, "/api/v1/availability/{id}", appt_availability_get, 0 },
	{ HTTP_PUT, "/api/v1/availability/{id}", appt_availability_put, 0 },
	{ HTTP_GET, "/api/v1/slots", appt_slots_get, 0 },
	{ HTTP_POST, "/api/v1/appointments", appt_book, 0 },
	{ HTTP_GET, "/api/v1/appointments", appt_list, 0 },
	{ HTTP_GET, "/api/v1/appointments/{id}", appt_get, 0 },
	{ HTTP_POST, "/api/v1/appointments/{id}/reschedule", appt_reschedule, 0 },
	{ HTTP_POST, "/api/v1/appointments/{id}/cancel", appt_cancel, 0 },
	{ HTTP_POST, "/api/v1/appointments/{id}/no-show", appt_no_show, 0 },
	{ HTTP_POST, "/api/v1/appointments/{id}/complete", appt_complete, 0 },
};

const struct worker_def appointments_worker = {
	"appointments", routes, sizeof(routes) / sizeof(routes[0]), NULL,
};
