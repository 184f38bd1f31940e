/* Structured, escaped log lines on stderr. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

static char		log_prog[32] = "concierge";
static char		log_rid[80];
static enum log_level	log_min = LOG_LVL_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(const char *prog, enum log_level lvl)
{
	snprintf(log_prog, sizeof(log_prog), "%s", prog);
	log_min = lvl;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	 i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void
log_set_request(const char *rid)
{
	if (rid == NULL)
		log_rid[0] = '\0';
	else
		log_escape(log_rid, sizeof(log_rid), rid);
}

char *
log_escape(char *dst, size_t n, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 o = 0;
	unsigned char	 c;

	if (n == 0)
		return dst;
	for (; *src != '\0'; src++) {
		c = (unsigned char)*src;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			if (o + 1 >= n)
				break;
			dst[o++] = (char)c;
			continue;
		}
		if (o + 4 >= n)
			break;
		dst[o++] = '\\';
		if (c == '"' || c == '\\')
			dst[o++] = (char)c;
		else {
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	dst[o] = '\0';
	return dst;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	char		 raw[1024], esc[2048], ts[32];
	struct timeval	 tv;
	struct tm	 tm;
	va_list		 ap;

	if (lvl < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_escape(esc, sizeof(esc), raw);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "ts=%s.%03ldZ level=%s prog=%s pid=%ld%s%s msg=\"%s\"\n",
	    ts, (long)(tv.tv_usec / 1000), level_names[lvl], log_prog,
	    (long)getpid(), log_rid[0] ? " rid=" : "", log_rid, esc);
}
