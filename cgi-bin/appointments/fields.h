/*
 * The JSON field tables of the appointments worker, declared here so
 * that the fuzz targets (tests/fuzz/tables-appointments.c) parse with the
 * very tables the handlers use. Each table is defined beside its
 * handler; a new table goes here and into tests/fuzz/tables-appointments.c
 * (make check fails if not).
 */
#ifndef CONCIERGE_W_APPOINTMENTS_FIELDS_H
#define CONCIERGE_W_APPOINTMENTS_FIELDS_H

#include "lib/json.h"

/* availability.c: PUT /availability/{id} and its weekly and exception items. */
extern const struct json_field availability_fields[];
extern const struct json_field weekly_fields[];
extern const struct json_field exception_fields[];
/* book.c: POST /appointments. */
extern const struct json_field book_fields[];
/* lifecycle.c: POST /appointments/{id}/reschedule and /cancel. */
extern const struct json_field reschedule_fields[];
extern const struct json_field cancel_fields[];

#endif
