/* Unit tests for lib/video-token: JWT layout, claims, HS256 signature, refusals. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <json.h>

#include "lib/crypto.h"
#include "lib/video-token.h"

static const char SECRET[] = "dev-secret-0123456789abcdef0123456789";

static void
claims(struct vtok_claims *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->api_key = "APIdevkey";
	cl->identity = "abcdefghijklmnopqrstuvwxyz";
	cl->name = "Dr. \"Quote\" Demo";
	cl->room = "concierge-room1";
	cl->not_before = 1800000000;
	cl->ttl = 600;
}

/* Decode part i (0 header, 1 payload) of tok as JSON. */
static struct json_object *
part(const char *tok, int i)
{
	const char	*p = tok, *dot;
	unsigned char	 raw[2048];
	long		 n;

	while (i-- > 0)
		p = strchr(p, '.') + 1;
	dot = strchr(p, '.');
	assert_non_null(dot);
	n = crypto_b64url_decode(p, (size_t)(dot - p), raw);
	assert_true(n > 0);
	raw[n] = '\0';
	return json_tokener_parse((const char *)raw);
}

static void
t_layout_and_claims(void **state)
{
	struct vtok_claims	 cl;
	struct json_object	*h, *b, *v, *x;
	char			 tok[VTOK_MAX];
	long			 n;

	(void)state;
	claims(&cl);
	n = vtok_sign(&cl, SECRET, strlen(SECRET), tok, sizeof(tok));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(tok));
	assert_null(strchr(tok, '='));
	h = part(tok, 0);
	assert_true(json_object_object_get_ex(h, "alg", &x));
	assert_string_equal(json_object_get_string(x), "HS256");
	assert_true(json_object_object_get_ex(h, "typ", &x));
	assert_string_equal(json_object_get_string(x), "JWT");
	b = part(tok, 1);
	assert_true(json_object_object_get_ex(b, "iss", &x));
	assert_string_equal(json_object_get_string(x), "APIdevkey");
	assert_true(json_object_object_get_ex(b, "sub", &x));
	assert_string_equal(json_object_get_string(x), cl.identity);
	assert_true(json_object_object_get_ex(b, "name", &x));
	assert_string_equal(json_object_get_string(x), cl.name);
	assert_true(json_object_object_get_ex(b, "nbf", &x));
	assert_int_equal(json_object_get_int64(x), 1800000000);
	assert_true(json_object_object_get_ex(b, "exp", &x));
	assert_int_equal(json_object_get_int64(x), 1800000600);
	assert_true(json_object_object_get_ex(b, "video", &v));
	assert_true(json_object_object_get_ex(v, "room", &x));
	assert_string_equal(json_object_get_string(x), "concierge-room1");
	assert_true(json_object_object_get_ex(v, "roomJoin", &x));
	assert_true(json_object_get_boolean(x));
	json_object_put(h);
	json_object_put(b);
}

static void
t_signature(void **state)
{
	struct vtok_claims	 cl;
	unsigned char		 mac[CRYPTO_SHA256_LEN];
	char			 tok[VTOK_MAX], want[64];
	const char		*sig;
	long			 n;

	(void)state;
	claims(&cl);
	n = vtok_sign(&cl, SECRET, strlen(SECRET), tok, sizeof(tok));
	assert_true(n > 0);
	sig = strrchr(tok, '.');
	assert_non_null(sig);
	assert_int_equal(crypto_hmac_sha256(SECRET, strlen(SECRET), tok,
	    (size_t)(sig - tok), mac), 0);
	crypto_b64url(mac, sizeof(mac), want);
	assert_string_equal(sig + 1, want);
	/* Another secret, another signature. */
	assert_true(vtok_sign(&cl, "other", 5, want, sizeof(want)) == -1 ||
	    strcmp(want, tok) != 0);
}

static void
t_refusals(void **state)
{
	struct vtok_claims	 cl;
	char			 tok[VTOK_MAX], small[64], big[300];

	(void)state;
	claims(&cl);
	assert_int_equal(vtok_sign(&cl, SECRET, strlen(SECRET), small,
	    sizeof(small)), -1);
	assert_int_equal(vtok_sign(&cl, SECRET, 0, tok, sizeof(tok)), -1);
	cl.room = "";
	assert_int_equal(vtok_sign(&cl, SECRET, strlen(SECRET), tok, sizeof(tok)), -1);
	claims(&cl);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cl.identity = big;
	assert_int_equal(vtok_sign(&cl, SECRET, strlen(SECRET), tok, sizeof(tok)), -1);
	claims(&cl);
	cl.ttl = 0;
	assert_int_equal(vtok_sign(&cl, SECRET, strlen(SECRET), tok, sizeof(tok)), -1);
	/* A name is optional. */
	claims(&cl);
	cl.name = NULL;
	assert_true(vtok_sign(&cl, SECRET, strlen(SECRET), tok, sizeof(tok)) > 0);
	assert_null(strstr(tok, "bmFtZ"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_layout_and_claims),
		cmocka_unit_test(t_signature),
		cmocka_unit_test(t_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
