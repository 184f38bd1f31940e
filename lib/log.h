/*
 * Structured log lines on stderr:
 *   ts=... level=info prog=auth pid=12 rid=<request id> msg="..."
 * The message is escaped (quotes, backslashes, control and non-ASCII
 * bytes), so untrusted bytes cannot forge lines. Never pass secrets,
 * tokens, passwords or PHI: ids and counts only.
 */
#ifndef CONCIERGE_LOG_H
#define CONCIERGE_LOG_H

enum log_level {
	LOG_LVL_DEBUG = 0,
	LOG_LVL_INFO,
	LOG_LVL_WARN,
	LOG_LVL_ERR,
};

/* Name the program in every line and set the lowest level written. */
void	log_init(const char *prog, enum log_level);
/* Parse "debug", "info", "warn" or "error"; -1 if unknown. */
int	log_level_parse(const char *, enum log_level *);
/* Request id for the lines that follow (NULL clears it); copied. */
void	log_set_request(const char *rid);
/* Write one line at the given level. */
void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warnx(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_errx(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)

/* Escape src into dst (size n) as log_msg does; returns dst. */
char	*log_escape(char *dst, size_t n, const char *src);

#endif
