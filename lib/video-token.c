/* LiveKit-compatible access tokens: JWT HS256 built from lib/crypto. */
#include "config.h"

#include <string.h>

#include <json.h>

#include "lib/crypto.h"
#include "lib/video-token.h"

/* base64url of {"alg":"HS256","typ":"JWT"} */
static const char HEADER_B64[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

static int
field_ok(const char *s)
{
	return s != NULL && *s != '\0' && strlen(s) <= VTOK_FIELD_MAX;
}

/* The claims as compact JSON text (caller frees obj); NULL if bad. */
static struct json_object *
claims_json(const struct vtok_claims *cl)
{
	struct json_object	*o, *v;

	o = json_object_new_object();
	json_object_object_add(o, "iss", json_object_new_string(cl->api_key));
	json_object_object_add(o, "sub", json_object_new_string(cl->identity));
	json_object_object_add(o, "jti", json_object_new_string(cl->identity));
	json_object_object_add(o, "nbf", json_object_new_int64(cl->not_before));
	json_object_object_add(o, "exp",
	    json_object_new_int64(cl->not_before + cl->ttl));
	if (cl->name != NULL)
		json_object_object_add(o, "name",
		    json_object_new_string(cl->name));
	v = json_object_new_object();
	json_object_object_add(v, "room", json_object_new_string(cl->room));
	json_object_object_add(v, "roomJoin", json_object_new_boolean(1));
	json_object_object_add(v, "canPublish", json_object_new_boolean(1));
	json_object_object_add(v, "canSubscribe", json_object_new_boolean(1));
	json_object_object_add(v, "canPublishData", json_object_new_boolean(1));
	json_object_object_add(o, "video", v);
	return o;
}

long
vtok_sign(const struct vtok_claims *cl, const char *secret, size_t secretlen,
    char *out, size_t outsz)
{
	struct json_object	*o;
	unsigned char		 mac[CRYPTO_SHA256_LEN];
	const char		*js;
	size_t			 jlen, n, need;
	long			 rc = -1;

	if (!field_ok(cl->api_key) || !field_ok(cl->identity) ||
	    !field_ok(cl->room) || (cl->name != NULL && strlen(cl->name) >
	    VTOK_FIELD_MAX) || cl->ttl <= 0 || secret == NULL || secretlen == 0)
		return -1;
	o = claims_json(cl);
	js = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &jlen);
	/* header . payload . signature, each base64url, and a NUL */
	need = sizeof(HEADER_B64) + 4 * ((jlen + 2) / 3) + 1 + 44;
	if (js == NULL || need > outsz)
		goto out;
	n = sizeof(HEADER_B64) - 1;
	memcpy(out, HEADER_B64, n);
	out[n++] = '.';
	n += crypto_b64url(js, jlen, out + n);
	if (crypto_hmac_sha256(secret, secretlen, out, n, mac) == -1)
		goto out;
	out[n++] = '.';
	n += crypto_b64url(mac, sizeof(mac), out + n);
	rc = (long)n;
out:
	json_object_put(o);
	return rc;
}
