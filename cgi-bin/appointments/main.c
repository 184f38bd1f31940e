/* concierge-appointments: availability, free slots, booking and the appointment lifecycle. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/appointments/appointments.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &appointments_worker);
}
