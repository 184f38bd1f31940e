/*
 * Byte-level validators for request fields: each returns NULL when the
 * value is acceptable, or a short message for the 422 errors list.
 * They have the jf_check signature so field tables can name them.
 */
#ifndef CONCIERGE_VALID_H
#define CONCIERGE_VALID_H

#include <stddef.h>

/* addr-spec of the usual form: local@domain.tld, no quoting or IP literals. */
const char *valid_email(const char *, size_t);
/* E.164: '+' then 7 to 15 digits, no leading zero. */
const char *valid_phone(const char *, size_t);
/* A person's name: not blank, no leading or trailing space. */
const char *valid_name(const char *, size_t);
/* A date of birth: a real day, not in the future, not before 1900. */
const char *valid_birth_date(const char *, size_t);

#endif
