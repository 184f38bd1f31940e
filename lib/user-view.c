/* JSON views of users and profiles. */
#include "config.h"

#include "lib/json.h"
#include "lib/user-view.h"

struct json_object *
user_view(const struct user_row *u)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "id", u->id);
	jset_str(o, "email", u->email);
	jset_str(o, "role", role_name(u->role));
	jset_str(o, "full_name", u->full_name);
	jset_str(o, "phone", u->phone);
	jset_bool(o, "mfa_enabled", u->mfa_enabled);
	jset_bool(o, "disabled", u->is_disabled);
	jset_time(o, "created_at", u->created_at);
	return o;
}

struct json_object *
patient_view(const struct patient_row *p)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "medical_record_number", p->mrn);
	jset_str(o, "date_of_birth", p->date_of_birth);
	jset_str(o, "primary_clinic", p->primary_clinic);
	jset_time(o, "consent_signed_at", p->consent_signed_at ?
	    p->consent_signed_at : JTIME_NULL);
	return o;
}

struct json_object *
provider_view(const struct provider_row *p)
{
	struct json_object	*o = json_object_new_object();

	jset_str(o, "license_number", p->license_number);
	jset_str(o, "specialty", p->specialty);
	jset_str(o, "bio", p->bio);
	jset_bool(o, "verified", p->is_verified);
	jset_bool(o, "telehealth_enabled", p->telehealth_enabled);
	return o;
}
