/* Password policy and the bundled list of common passwords. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/pwd-policy.h"

/*
 * Common passwords and the words they are built from, lowercase. A
 * password is refused when, lowercased and stripped of digits and
 * symbols at both ends, it is one of these (so "Password2024!" and
 * "qwertyuiop123" are refused). Sorted for bsearch.
 */
static const char *const common[] = {
	"1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "1qaz2wsx3edc", "aaaaaa",
	"abc", "abcd", "abcdef", "abcdefg", "abcdefgh", "access",
	"admin", "administrator", "alexander", "amanda", "andrew",
	"angel", "anthony", "apple", "asdf", "asdfasdf", "asdfgh",
	"asdfghjk", "asdfghjkl", "ashley", "azerty", "bailey",
	"banana", "baseball", "basketball", "batman", "blink",
	"buster", "charlie", "cheese", "chelsea", "chocolate",
	"computer", "concierge", "cookie", "corvette", "daniel",
	"default", "diamond", "doctor", "dragon", "dubsmash", "eagle",
	"flower", "football", "freedom", "friends", "fuckyou",
	"ginger", "hannah", "health", "healthcare", "hello",
	"helloworld", "hockey", "hospital", "hunter", "iloveyou",
	"internet", "jennifer", "jessica", "jordan", "joshua",
	"justin", "killer", "letmein", "liverpool", "login", "lovely",
	"loveme", "maggie", "master", "matrix", "medical", "merlin",
	"michael", "michelle", "monkey", "mustang", "nicole", "ninja",
	"nurse", "passw0rd", "password", "passwordpassword", "patient",
	"pepper", "princess", "qazwsx", "qwe", "qwer", "qwerty",
	"qwertyu", "qwertyui", "qwertyuiop", "robert", "secret",
	"shadow", "soccer", "starwars", "summer", "sunshine",
	"superman", "tigger", "trustno", "welcome", "whatever",
	"william", "winter", "zaq", "zxcvbn", "zxcvbnm",
};

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lowercase ASCII copy of n bytes (caller frees). */
static char *
lower(const char *s, size_t n)
{
	char	*p = malloc(n + 1);
	size_t	 i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		p[i] = (char)tolower((unsigned char)s[i]);
	p[n] = '\0';
	return p;
}

static int
is_common(const char *lc)
{
	const char	*b = lc, *e = lc + strlen(lc);
	char		 core[PWD_MAX_CHARS * 4 + 1];
	const char	*key = core;
	size_t		 n;

	while (*b != '\0' && !isalpha((unsigned char)*b))
		b++;
	while (e > b && !isalpha((unsigned char)e[-1]))
		e--;
	if (bsearch(&lc, common, sizeof(common) / sizeof(common[0]),
	    sizeof(common[0]), cmp) != NULL)
		return 1;
	n = (size_t)(e - b);
	if (n == 0)
		return 0;
	if (n >= sizeof(core))
		return 0;
	memcpy(core, b, n);
	core[n] = '\0';
	return bsearch(&key, common, sizeof(common) / sizeof(common[0]),
	    sizeof(common[0]), cmp) != NULL;
}

/* One character repeated, or a run of consecutive ASCII codes. */
static int
is_trivial_run(const char *s, size_t n)
{
	size_t	 i, same = 1, up = 1, down = 1;

	for (i = 1; i < n; i++) {
		same += s[i] == s[0];
		up += s[i] == s[i - 1] + 1;
		down += s[i] == s[i - 1] - 1;
	}
	return same == n || up == n || down == n;
}

/* 1 if lc contains any word of text (split on non-alphanumerics) of 4+ chars. */
static int
contains_part(const char *lc, const char *text)
{
	char	*t, *p, *w;
	int	 hit = 0;

	if (text == NULL || (t = lower(text, strlen(text))) == NULL)
		return 0;
	for (p = t; *p != '\0' && !hit; ) {
		while (*p != '\0' && !isalnum((unsigned char)*p))
			p++;
		w = p;
		while (*p != '\0' && isalnum((unsigned char)*p))
			p++;
		if (p - w >= 4) {
			char	 save = *p;

			*p = '\0';
			hit = strstr(lc, w) != NULL;
			*p = save;
		}
	}
	free(t);
	return hit;
}

const char *
pwd_policy_check(const char *pw, size_t len, const char *email,
    const char *full_name)
{
	size_t		 chars = utf8_chars(pw, len);
	const char	*why = NULL;
	char		*lc, *local = NULL, *at;

	if (chars < PWD_MIN_CHARS)
		return "must be at least 12 characters";
	if (chars > PWD_MAX_CHARS)
		return "must be at most 128 characters";
	if ((lc = lower(pw, len)) == NULL)
		return "cannot be checked now";
	if (is_common(lc) || is_trivial_run(lc, len))
		why = "is too common; choose a longer, unusual passphrase";
	else if (email != NULL && (at = strchr(email, '@')) != NULL &&
	    (local = lower(email, (size_t)(at - email))) != NULL &&
	    strlen(local) >= 4 && strstr(lc, local) != NULL)
		why = "must not contain your email address";
	else if (contains_part(lc, full_name))
		why = "must not contain your name";
	free(local);
	free(lc);
	return why;
}
