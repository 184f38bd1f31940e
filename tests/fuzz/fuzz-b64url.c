/*
 * Fuzz base64url and hex (lib/crypto.c), as tokens, cursors and keys
 * use them. Properties: decode(encode(x)) == x for any bytes; whatever
 * decodes is the canonical spelling of what it decodes to, so
 * encode(decode(s)) == s; the decoder writes no more than the 3n/4 + 1
 * bytes its header promises (buffers are exactly that size, for ASan);
 * hex reads back what it wrote.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "tests/fuzz/fuzz.h"

static int
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The input as bytes to encode. */
static void
fuzz_encode(const uint8_t *data, size_t size)
{
	size_t		 want = 4 * (size / 3) + (size % 3 ? size % 3 + 1 : 0), n, i;
	char		*text = malloc(4 * ((size + 2) / 3) + 1);
	unsigned char	*back = malloc(3 * want / 4 + 1);
	long		 got;

	if (text == NULL || back == NULL)
		goto out;
	n = crypto_b64url(data, size, text);
	FUZZ_CHECK(n == want && strlen(text) == n, "encoded %zu bytes to %zu "
	    "characters, want %zu", size, n, want);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(b64url_char(text[i]), "character %zu is 0x%02x", i,
		    (unsigned char)text[i]);
	got = crypto_b64url_decode(text, n, back);
	FUZZ_CHECK(got == (long)size && memcmp(back, data, size) == 0,
	    "decode(encode(%zu bytes)) gave %ld bytes", size, got);
out:
	free(text);
	free(back);
}

/* The input as text to decode. */
static void
fuzz_decode(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	unsigned char	*raw = malloc(3 * size / 4 + 1);
	char		*text = malloc(4 * ((size + 2) / 3) + 1);
	long		 got;
	size_t		 n;

	if (raw == NULL || text == NULL)
		goto out;
	got = crypto_b64url_decode(s, size, raw);
	if (got < 0)
		goto out;
	FUZZ_CHECK((size_t)got <= 3 * size / 4, "%zu characters gave %ld bytes",
	    size, got);
	n = crypto_b64url(raw, (size_t)got, text);
	FUZZ_CHECK(n == size && memcmp(text, s, size) == 0,
	    "accepted a non-canonical spelling of %ld bytes (%zu characters)",
	    got, size);
out:
	free(raw);
	free(text);
}

/* The input as hex text of its length / 2 bytes. */
static void
fuzz_hex(const uint8_t *data, size_t size)
{
	char		*s = malloc(size + 1), *back = malloc(size + 1);
	unsigned char	*raw = malloc(size / 2 + 1);
	size_t		 i;

	if (s == NULL || back == NULL || raw == NULL)
		goto out;
	memcpy(s, data, size);
	s[size] = '\0';
	if (crypto_unhex(s, raw, size / 2) == 0) {
		FUZZ_CHECK(strlen(s) == 2 * (size / 2),
		    "unhex accepted %zu characters as %zu bytes", strlen(s),
		    size / 2);
		crypto_hex(raw, size / 2, back);
		for (i = 0; i < 2 * (size / 2); i++)
			FUZZ_CHECK(back[i] == tolower((unsigned char)s[i]),
			    "hex(unhex(s)) differs at %zu", i);
	}
	crypto_hex(data, size / 2, back);
	FUZZ_CHECK(crypto_unhex(back, raw, size / 2) == 0 &&
	    memcmp(raw, data, size / 2) == 0, "unhex(hex(x)) != x (%zu bytes)",
	    size / 2);
out:
	free(s);
	free(back);
	free(raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	fuzz_encode(data, size);
	fuzz_decode(data, size);
	fuzz_hex(data, size);
	return 0;
}
