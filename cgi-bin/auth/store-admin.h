/* SQL of the auth worker's admin and profile routes. Each returns an enum db_rc. */
#ifndef CONCIERGE_W_AUTH_STORE_ADMIN_H
#define CONCIERGE_W_AUTH_STORE_ADMIN_H

#include <stdint.h>

#include "lib/db.h"

/* Set users.is_disabled; *affected is 1 if the user exists. */
int	store_user_set_disabled(struct db *, const char *id, int is_disabled,
	    int64_t now, unsigned long long *affected);
/* Mark a provider verified (keeps the first verification time); *affected 1 if a provider. */
int	store_provider_verify(struct db *, const char *id, int64_t now,
	    unsigned long long *affected);

#endif
