/*
 * SQL of the records worker: the provider directory and profiles,
 * patient profiles and search, care teams. Functions return an enum
 * db_rc; rows and strings live in the caller's arena.
 */
#ifndef CONCIERGE_W_STORE_RECORDS_H
#define CONCIERGE_W_STORE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/db.h"
#include "lib/id.h"
#include "lib/mem.h"
#include "lib/store-user.h"

/* A provider as the records worker shows them. */
struct provider_rec {
	char			 id[ID_LEN + 1];
	const char		*full_name;
	int			 is_disabled;
	struct provider_row	 p;
};

/* A patient's profile: account fields and the patient_profiles row. */
struct patient_rec {
	char			 id[ID_LEN + 1];
	const char		*full_name;
	const char		*email;
	const char		*phone;
	struct patient_row	 p;
};

/* A provider on a care team. */
struct care_team_rec {
	struct provider_rec	 provider;
	int64_t			 added_at;
};

/* Keyset of a list ordered by (full_name, id); both NULL: from the start. */
struct records_after {
	const char	*name;
	const char	*id;
};

/* Directory filters: exact specialty and/or a LIKE pattern (ESCAPE '!'). */
struct provider_filter {
	const char	*specialty;
	const char	*like;
};

/* Patient search: LIKE patterns for name and email, exact MRN and date of birth. */
struct patient_filter {
	const char	*name_like;
	const char	*email_like;	/* for email_norm: lowercase */
	const char	*mrn;
	const char	*date_of_birth;
};

/* Changes to a provider profile: each _set flag says whether to write. */
struct provider_change {
	int		 specialty_set;
	const char	*specialty;
	const char	*license_number;	/* NULL: keep; never cleared */
	int		 bio_set;
	const char	*bio;
	int		 telehealth_set;
	int		 telehealth_enabled;
	int		 unverify;		/* clear the verification */
};

/* Changes to a patient profile: each _set flag says whether to write. */
struct patient_change {
	int		 dob_set;
	const char	*date_of_birth;		/* NULL clears */
	int		 clinic_set;
	const char	*primary_clinic;	/* NULL clears */
	int		 consent_set;
	int64_t		 consent_signed_at;	/* 0 clears */
};

/* Listed (verified, enabled) providers matching f, at most limit, into *out, *n. */
int	store_provider_list(struct db *, struct arena *,
	    const struct provider_filter *, const struct records_after *,
	    long limit, struct provider_rec **out, size_t *n);
/* Any provider by user id; *found 0 or 1. */
int	store_provider_rec(struct db *, struct arena *, const char *id,
	    struct provider_rec *, int *found);
/*
 * The same; with lock, the profile and user rows are locked FOR UPDATE
 * until the caller's transaction ends (so what is decided from them
 * holds when the change is written).
 */
int	store_provider_rec_lock(struct db *, struct arena *, const char *id,
	    int lock, struct provider_rec *, int *found);
/*
 * Change the provider profile of id (the fields of provider_change
 * whose flags are set). Returns an enum db_rc.
 */
int	store_provider_update(struct db *, const char *id,
	    const struct provider_change *);

/* Patients matching f (all when every field is NULL), ordered by name. */
int	store_patient_search(struct db *, struct arena *,
	    const struct patient_filter *, const struct records_after *,
	    long limit, struct patient_rec **out, size_t *n);
/* A patient by user id; *found 0 or 1. */
int	store_patient_rec(struct db *, struct arena *, const char *id,
	    struct patient_rec *, int *found);
/* Change the patient profile of id (the fields whose flags are set). */
int	store_patient_update(struct db *, const char *id,
	    const struct patient_change *);

/*
 * The care team of patient_id, ordered by provider name; with
 * only_active, only its active providers (STORE_PROVIDER_ACTIVE).
 */
int	store_care_team_list(struct db *, struct arena *, const char *patient_id,
	    int only_active, const struct records_after *, long limit,
	    struct care_team_rec **out, size_t *n);
/* Remove provider_id from the team: *removed 0 or 1. */
int	store_care_team_remove(struct db *, const char *patient_id,
	    const char *provider_id, int *removed);

#endif
