/* JSON views of users and profiles, shared by the auth and records workers. */
#ifndef CONCIERGE_USER_VIEW_H
#define CONCIERGE_USER_VIEW_H

#include <json.h>

#include "lib/store-user.h"

/* {id,email,role,full_name,phone,mfa_enabled,disabled,created_at}; new object. */
struct json_object *user_view(const struct user_row *);
/* {medical_record_number,date_of_birth,primary_clinic,consent_signed_at}. */
struct json_object *patient_view(const struct patient_row *);
/* {license_number,specialty,bio,verified,telehealth_enabled}. */
struct json_object *provider_view(const struct provider_row *);

#endif
