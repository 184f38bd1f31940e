/*
 * concierge-notify: send the outbox (email over SMTP, SMS through a
 * Twilio-style gateway), as a daemon or once per cron call.
 *
 *   concierge-notify [--config FILE] --once      until nothing is due, then exit
 *   concierge-notify [--config FILE] --follow    until SIGTERM or SIGINT
 *   concierge-notify --list-templates            every template name
 *
 * Any number of instances may run on any number of hosts: each claims
 * rows of its own (tools/notify-batch.c). On SIGTERM the row being sent
 * is finished and recorded, the rest of the batch handed back.
 * Exit: 0 done, 2 usage, 3 could not run (configuration, database).
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/notify-tmpl.h"
#include "lib/time.h"
#include "lib/valid.h"
#include "tools/notify.h"

struct opts {
	const char	*config;
	int		 is_once;
	int		 is_follow;
	int		 is_list;
};

static volatile sig_atomic_t	 stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: concierge-notify [--config FILE] --once | --follow\n"
	    "       concierge-notify --list-templates\n");
}

static int
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "follow", no_argument, NULL, 'f' },
		{ "list-templates", no_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->config = getenv("CONCIERGE_CONFIG");
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'o':
			o->is_once = 1;
			break;
		case 'f':
			o->is_follow = 1;
			break;
		case 'l':
			o->is_list = 1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || o->is_once + o->is_follow + o->is_list != 1)
		return -1;
	return 0;
}

/* Printable text without control characters, at most max bytes. */
static int
is_clean(const char *s, size_t max)
{
	size_t	 i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max || !utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* https://, or http:// to this host only. */
static int
is_web_url(const char *s)
{
	if (!is_clean(s, 200) || strchr(s, ' ') != NULL)
		return 0;
	return strncmp(s, "https://", 8) == 0 ||
	    (strncmp(s, "http://", 7) == 0 && notify_url_is_loopback(s));
}

static int
is_sms_sender(const char *s)
{
	size_t	 i;

	if (s != NULL && valid_phone(s, strlen(s)) == NULL)
		return 1;
	if (s == NULL || strlen(s) != 34 || strncmp(s, "MG", 2) != 0)
		return 0;
	for (i = 2; i < 34; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Refuse to start on a configuration that cannot send right. 0 or -1. */
static int
check_config(const struct cfg *c)
{
	const char	*why = NULL;

	if (c->notify_mail_from == NULL || valid_email(c->notify_mail_from,
	    strlen(c->notify_mail_from)) != NULL)
		why = "notify.mail_from must be an email address";
	else if (!is_clean(c->notify_from_name, 64))
		why = "notify.from_name must be 1 to 64 bytes of text";
	else if (!is_web_url(c->notify_portal_url))
		why = "notify.portal_url must be an https:// address";
	else if (c->notify_smtp_url == NULL || !is_clean(c->notify_smtp_url, 200) ||
	    (strncmp(c->notify_smtp_url, "smtp://", 7) != 0 &&
	    strncmp(c->notify_smtp_url, "smtps://", 8) != 0))
		why = "notify.smtp_url must be smtp://HOST:PORT or smtps://HOST:PORT";
	else if (c->notify_sms_url != NULL && !is_web_url(c->notify_sms_url))
		why = "notify.sms_url must be an https:// address";
	else if (c->notify_sms_url != NULL && !is_sms_sender(c->notify_sms_from))
		why = "notify.sms_from must be an E.164 number or a messaging "
		    "service id (MG...)";
	else if (c->notify_lease_seconds < 2 * (c->notify_timeout_seconds +
	    c->notify_connect_timeout_seconds))
		why = "notify.lease_seconds must be at least twice "
		    "notify.timeout_seconds + notify.connect_timeout_seconds";
	if (why == NULL)
		return 0;
	log_errx("notify: %s", why);
	return -1;
}

static int64_t
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * UTC_SEC + ts.tv_nsec / 1000;
}

/* Sleep up to usec, waking early on a stop signal. */
static void
nap(int64_t usec)
{
	int64_t		 end = mono_now() + usec;
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };

	while (!stop && mono_now() < end)
		nanosleep(&ts, NULL);
}

/* Batches until nothing is due. */
static int
run_once(struct notify_ctx *n)
{
	size_t	 count;

	do {
		if (notify_batch(n, &count) == -1)
			return NOTIFY_EXIT_FAIL;
	} while (!stop && count > 0);
	return NOTIFY_EXIT_OK;
}

/* Batches until stopped; a database failure means reconnect and go on. */
static int
run_follow(struct notify_ctx *n)
{
	int64_t	 poll = n->cfg->notify_poll_ms * 1000;
	size_t	 count;

	while (!stop) {
		if (n->db == NULL && db_open(&n->db, n->cfg, DB_ROLE_WORKER) == -1) {
			nap(poll);
			continue;
		}
		if (notify_batch(n, &count) == -1) {
			log_warnx("notify: reconnecting after a database failure");
			db_close(n->db);
			n->db = NULL;
			nap(poll);
		} else if (count == 0)
			nap(poll);
	}
	return NOTIFY_EXIT_OK;
}

static int
run(const struct cfg *cfg, const struct opts *o)
{
	struct notify_ctx	 n;
	struct sigaction	 sa;
	int			 rc = NOTIFY_EXIT_FAIL;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&n, 0, sizeof(n));
	n.cfg = cfg;
	n.stop = &stop;
	n.mail_domain = strchr(cfg->notify_mail_from, '@') + 1;
	arena_init(&n.arena);
	if ((n.curl = notify_curl_new(cfg)) == NULL) {
		log_errx("notify: cannot set up libcurl");
		goto out;
	}
	if (db_open(&n.db, cfg, DB_ROLE_WORKER) == -1 && !o->is_follow)
		goto out;
	rc = o->is_follow ? run_follow(&n) : run_once(&n);
	printf("notify: sent %lu, retried %lu, dead %lu, cancelled %lu, "
	    "deferred %lu, released %lu, lost %lu\n", n.stats.sent,
	    n.stats.retried, n.stats.dead, n.stats.cancelled, n.stats.deferred,
	    n.stats.released, n.stats.lost);
out:
	db_close(n.db);
	notify_curl_free(n.curl);
	arena_release(&n.arena);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct cfg	 cfg;
	enum log_level	 lvl = LOG_LVL_INFO;
	size_t		 i;
	int		 rc = NOTIFY_EXIT_FAIL;

	log_init("notify", LOG_LVL_INFO);
	if (parse_opts(argc, argv, &o) == -1) {
		usage();
		return NOTIFY_EXIT_USAGE;
	}
	if (o.is_list) {
		for (i = 0; i < ntmpl_count(); i++)
			printf("%s\n", ntmpl_at(i)->name);
		return NOTIFY_EXIT_OK;
	}
	cfg_defaults(&cfg);
	if (o.config != NULL && cfg_load(&cfg, o.config) == -1)
		goto out;
	if (log_level_parse(cfg.log_level, &lvl) == 0)
		log_init("notify", lvl);
	if (check_config(&cfg) == -1)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_errx("notify: cannot initialise libcurl");
		goto out;
	}
	rc = run(&cfg, &o);
	curl_global_cleanup();
out:
	cfg_release(&cfg);
	return rc;
}
