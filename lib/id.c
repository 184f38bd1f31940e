/* Opaque random ids. */
#include "config.h"

#include <string.h>

#include "lib/crypto.h"
#include "lib/id.h"

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int
id_new(char *out)
{
	unsigned char	 raw[17];
	unsigned int	 acc = 0;
	int		 bits = 0;
	size_t		 i, o = 0;

	if (crypto_random(raw, 16) == -1)
		return -1;
	raw[16] = 0;
	/* 128 bits = 25 full quintets + 3 bits; 26 characters. */
	for (i = 0; i < 17 && o < ID_LEN; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5 && o < ID_LEN) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[ID_LEN] = '\0';
	return 0;
}

int
id_is_valid(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != ID_LEN)
		return 0;
	for (i = 0; i < ID_LEN; i++)
		if (strchr(alphabet, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}
