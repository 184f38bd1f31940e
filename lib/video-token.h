/*
 * Join credentials for a LiveKit-compatible video service: access tokens
 * as JWT (RFC 7519) signed with HS256 (HMAC-SHA256 of the api secret),
 * with the claims LiveKit reads: iss = api key, sub = identity, nbf, exp,
 * jti, name, and the "video" grant {room, roomJoin, canPublish,
 * canSubscribe, canPublishData} scoped to one room.
 */
#ifndef CONCIERGE_VIDEO_TOKEN_H
#define CONCIERGE_VIDEO_TOKEN_H

#include <stddef.h>
#include <stdint.h>

/* Bytes a token of VTOK_FIELD_MAX-sized claims always fits in. */
#define VTOK_MAX	4096
/* Longest api key, identity, room or name accepted (bytes). */
#define VTOK_FIELD_MAX	256

struct vtok_claims {
	const char	*api_key;	/* iss */
	const char	*identity;	/* sub and jti */
	const char	*name;		/* display name; may be NULL */
	const char	*room;		/* video.room */
	int64_t		 not_before;	/* nbf, seconds since the epoch */
	long		 ttl;		/* exp = nbf + ttl seconds */
};

/*
 * Sign the claims with secret (its bytes are the HMAC key, as LiveKit
 * uses them) into out (outsz bytes, VTOK_MAX is always enough). Returns
 * the token's length, or -1 if a field is missing or too long, or the
 * buffer too small.
 */
long	vtok_sign(const struct vtok_claims *, const char *secret, size_t secretlen,
	    char *out, size_t outsz);

#endif
