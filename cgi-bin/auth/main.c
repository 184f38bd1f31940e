/* concierge-auth: accounts: sign-up, login, sessions, MFA, passwords, admin. */
#include "config.h"

#include "lib/worker.h"
#include "cgi-bin/auth/auth.h"

int
main(int argc, char *argv[])
{
	return worker_main(argc, argv, &auth_worker);
}
