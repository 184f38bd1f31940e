/*
 * Fuzz lib/id.c: public ids as they arrive in paths, bodies, queries and
 * cursors. Property: id_is_valid says yes exactly for 26 characters of
 * the lowercase RFC 4648 base32 alphabet (a reference check written
 * here), and every id id_new makes passes it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/id.h"
#include "tests/fuzz/fuzz.h"

static int
reference_valid(const char *s)
{
	size_t	 i;

	for (i = 0; i < ID_LEN; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '2' && s[i] <= '7')))
			return 0;
	return s[ID_LEN] == '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 made;
	char		*s, fresh[ID_LEN + 1];
	int		 got, want;

	if (!made) {
		FUZZ_CHECK(id_new(fresh) == 0 && id_is_valid(fresh) &&
		    reference_valid(fresh), "id_new made '%s'", fresh);
		made = 1;
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	got = id_is_valid(s);
	want = reference_valid(s);
	FUZZ_CHECK(got == want, "id_is_valid('%s') = %d, want %d", s, got, want);
	FUZZ_CHECK(id_is_valid(NULL) == 0, "%s", "NULL is valid");
	free(s);
	return 0;
}
