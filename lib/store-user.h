/*
 * SQL for users and their patient/provider profiles. Functions return
 * an enum db_rc; rows and strings live in the caller's arena.
 */
#ifndef CONCIERGE_STORE_USER_H
#define CONCIERGE_STORE_USER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/id.h"
#include "lib/mem.h"
#include "lib/policy.h"

#define MRN_LEN	12	/* "MRN" + 9 digits */

struct user_row {
	char		 id[ID_LEN + 1];
	const char	*email;
	enum role	 role;
	const char	*password_hash;
	const char	*full_name;
	const char	*phone;		/* E.164 or NULL */
	int		 is_disabled;
	int		 mfa_enabled;
	int64_t		 created_at;
	int64_t		 updated_at;
};

struct patient_row {
	const char	*mrn;
	const char	*date_of_birth;	/* "YYYY-MM-DD" or NULL */
	const char	*primary_clinic;
	int64_t		 consent_signed_at;	/* 0: not signed */
};

struct provider_row {
	const char	*license_number;
	const char	*specialty;
	const char	*bio;
	int		 is_verified;
	int		 telehealth_enabled;
};

/* Lowercased, trimmed email used for case-insensitive uniqueness (arena). */
char	*user_email_norm(struct arena *, const char *email);
/* A new random medical record number into out[MRN_LEN + 1]. 0 or -1. */
int	user_mrn_new(char *out);

/* Insert a user (id, email, role, hash, name, phone, times from u). DB_DUPLICATE if the email is taken. */
int	store_user_insert(struct db *, struct arena *, const struct user_row *);
/* Insert the patient profile of user_id. DB_DUPLICATE if the MRN is taken. */
int	store_patient_insert(struct db *, const char *user_id, const struct patient_row *);
/* Insert the provider profile of user_id. */
int	store_provider_insert(struct db *, const char *user_id, const struct provider_row *);
/* Find a user by email (any case); *found 0 or 1. */
int	store_user_by_email(struct db *, struct arena *, const char *email,
	    struct user_row *, int *found);
/* Find a user by id; *found 0 or 1. */
int	store_user_by_id(struct db *, struct arena *, const char *id,
	    struct user_row *, int *found);
/* Patient profile of user_id; *found 0 or 1. */
int	store_patient_get(struct db *, struct arena *, const char *user_id,
	    struct patient_row *, int *found);
/* Provider profile of user_id; *found 0 or 1. */
int	store_provider_get(struct db *, struct arena *, const char *user_id,
	    struct provider_row *, int *found);

/*
 * Change a user's full_name and email (NULL: keep) and phone (only when
 * phone_set; NULL clears it). *affected (may be NULL) gets the rows
 * changed. DB_DUPLICATE if the new email is taken.
 */
int	store_user_update_profile(struct db *, struct arena *, const char *id,
	    const char *full_name, int phone_set, const char *phone,
	    const char *email, int64_t now, unsigned long long *affected);
/*
 * A provider takes part in care (is listed, can be booked, joins care
 * teams and counts on them) only while active: verified by an admin and
 * not disabled. This is that rule as SQL over provider_profiles p joined
 * to users u; every query that asks it uses this text.
 */
#define STORE_PROVIDER_ACTIVE	"(p.is_verified = 1 AND u.is_disabled = 0)"

/*
 * Whether provider_id is on patient_id's care team and active (one who
 * must be verified again after a license change, or who is disabled,
 * counts as off the team until then): *yes 0 or 1.
 */
int	store_care_team_has(struct db *, struct arena *, const char *patient_id,
	    const char *provider_id, int *yes);

/* What store_care_team_add did. */
enum care_team_add {
	CARE_TEAM_ADDED = 0,
	CARE_TEAM_PRESENT,	/* already on the team: nothing changed */
	CARE_TEAM_INELIGIBLE,	/* no such provider, or not active */
};

/*
 * The one care-team insert rule, for booking and the records worker
 * alike: inside the caller's transaction, lock the provider's profile and
 * user rows (shared, so a license change or a disable waits for this
 * transaction), then add provider_id to patient_id's team only if the
 * provider is active. *out says what happened. Returns an enum db_rc.
 */
int	store_care_team_add(struct db *, struct arena *, const char *patient_id,
	    const char *provider_id, const char *added_by, int64_t now,
	    enum care_team_add *out);

#endif
