/* concierge-records: profiles of patients and providers, care teams, clinical records. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/records/records.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &records_worker);
}
