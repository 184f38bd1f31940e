/* Route table of the appointments worker. */
#include "config.h"

#include <stddef.h>

#include "cgi-bin/appointments/appointments.h"

/* Prefixes owned by this worker whose routes are not built yet (501). */
static const char *const unbuilt[] = {
	"/api/v1/appointments",
	"/api/v1/availability",
	"/api/v1/slots",
	NULL,
};

const struct worker_def appointments_worker = {
	"appointments", NULL, 0, unbuilt,
};
