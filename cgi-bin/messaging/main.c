/* concierge-messaging: secure message threads, read receipts and attachments. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/messaging/messaging.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &messaging_worker);
}
