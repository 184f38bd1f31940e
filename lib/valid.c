/* Field validators. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "lib/time.h"
#include "lib/valid.h"

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
valid_domain(const char *d, size_t n)
{
	size_t	 i, label = 0, labels = 0, tld_letters = 0;

	if (n == 0 || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (d[i] == '.') {
			if (label == 0 || d[i - 1] == '-')
				return 0;
			label = 0;
			labels++;
			tld_letters = 0;
			continue;
		}
		if (!is_alnum(d[i]) && d[i] != '-')
			return 0;
		if (label == 0 && d[i] == '-')
			return 0;
		if (++label > 63)
			return 0;
		tld_letters += (d[i] >= 'a' && d[i] <= 'z') ||
		    (d[i] >= 'A' && d[i] <= 'Z');
	}
	return labels >= 1 && d[n - 1] != '-' && tld_letters == label &&
	    label >= 2;
}

const char *
valid_email(const char *s, size_t n)
{
	static const char	 special[] = "!#$%&'*+/=?^_`{|}~-.";
	const char		*at;
	size_t			 i, local;

	if (n > 254 || (at = memchr(s, '@', n)) == NULL ||
	    memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
		return "must be an email address";
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		return "must be an email address";
	for (i = 0; i < local; i++) {
		if (!is_alnum(s[i]) && strchr(special, s[i]) == NULL)
			return "must be an email address";
		if (s[i] == '.' && i > 0 && s[i - 1] == '.')
			return "must be an email address";
	}
	if (!valid_domain(at + 1, n - local - 1))
		return "must be an email address";
	return NULL;
}

const char *
valid_phone(const char *s, size_t n)
{
	size_t	 i;

	if (n < 8 || n > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return "must be a phone number in E.164 form, such as +15551234567";
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "must be a phone number in E.164 form, such as +15551234567";
	return NULL;
}

const char *
valid_name(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] == ' '; i++)
		;
	if (i == n)
		return "must not be blank";
	if (s[0] == ' ' || s[n - 1] == ' ')
		return "must not start or end with a space";
	return NULL;
}

const char *
valid_birth_date(const char *s, size_t n)
{
	int	 y, m, d;
	char	 today[UTC_BUFSZ];

	if (utc_parse_date(s, &y, &m, &d) == -1)
		return "must be a date such as 1990-05-17";
	utc_format(utc_now(), today, sizeof(today), 0);
	/* Both are YYYY-MM-DD...: string order is date order. */
	if (strncmp(s, today, 10) > 0)
		return "must not be in the future";
	return NULL;
}
