/*
 * concierge-events: realtime delivery from the command line.
 *
 *   concierge-events [--config FILE] [--admin] relay [--once]
 *   concierge-events [--config FILE] [--admin] status
 *
 * relay publishes committed events rows to nchan, as a daemon (several
 * may run: one leads, the others take over when it stops) or, with
 * --once, what is committed now, for cron. status prints the relay's
 * progress as one JSON line. It connects as db.user of the config (give
 * the relay a config of its own naming an account with role
 * concierge_relay), or as db.admin_user with --admin.
 *
 * A program of its own, beside the events worker of the same name in
 * pkglibexec (like concierge-audit): the relay is a daemon or a cron job
 * with its own database account and no FastCGI, and lives on PATH.
 * Exit: 0 done, 2 usage, 3 could not run (config, database, nchan,
 * another relay holding the lease for --once).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/mem.h"
#include "lib/store-events.h"
#include "lib/time.h"
#include "tools/events.h"

struct opts {
	const char		*config;
	int			 is_admin;
	const char		*command;
	struct relay_opts	 relay;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: concierge-events [--config FILE] [--admin] relay [--once]\n"
	    "       concierge-events [--config FILE] [--admin] status\n");
}

static int
parse(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "admin", no_argument, NULL, 'a' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch, has_once = 0;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "+c:ah", longopts, NULL)) != -1) {
		if (ch == 'c')
			o->config = optarg;
		else if (ch == 'a')
			o->is_admin = 1;
		else
			return -1;
	}
	if (optind >= argc)
		return -1;
	o->command = argv[optind];
	optind++;
	while ((ch = getopt_long(argc, argv, "+o", longopts, NULL)) != -1) {
		if (ch != 'o')
			return -1;
		has_once = 1;
	}
	if (optind != argc)
		return -1;
	if (strcmp(o->command, "relay") == 0) {
		o->relay.is_once = has_once;
		return 0;
	}
	return strcmp(o->command, "status") == 0 && !has_once ? 0 : -1;
}

/* One JSON line: the relay's row and how far behind the table it is. */
static int
status(const struct cfg *cfg, enum db_role role)
{
	struct db		*db = NULL;
	struct arena		 a;
	struct relay_state	 st;
	unsigned long long	 max = 0;
	char			 t[UTC_BUFSZ];
	int			 rc = EVENTS_EXIT_FAIL;

	arena_init(&a);
	if (db_open(&db, cfg, role) == -1 ||
	    store_events_state(db, &a, &st) != DB_OK ||
	    store_events_max_id(db, &a, &max) != DB_OK)
		goto out;
	printf("{\"published_through\":%llu,\"started_through\":%llu,"
	    "\"max_id\":%llu,\"behind\":%llu,\"owner\":%s%s%s,"
	    "\"lease_until\":%s%s%s}\n", st.published, st.started, max,
	    max > st.published ? max - st.published : 0,
	    st.owner[0] ? "\"" : "", st.owner[0] ? st.owner : "null",
	    st.owner[0] ? "\"" : "", st.lease_until ? "\"" : "",
	    st.lease_until ? utc_format(st.lease_until, t, sizeof(t), 1) :
	    "null", st.lease_until ? "\"" : "");
	rc = EVENTS_EXIT_OK;
out:
	db_close(db);
	arena_release(&a);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct cfg	 cfg;
	enum log_level	 lvl;
	enum db_role	 role;
	int		 rc;

	log_init("events", LOG_LVL_INFO);
	if (parse(argc, argv, &o) == -1) {
		usage();
		return EVENTS_EXIT_USAGE;
	}
	cfg_defaults(&cfg);
	if (o.config == NULL)
		o.config = cfg_path(argc, argv);
	if (o.config != NULL && cfg_load(&cfg, o.config) == -1) {
		cfg_release(&cfg);
		return EVENTS_EXIT_FAIL;
	}
	if (log_level_parse(cfg.log_level, &lvl) == 0)
		log_init("events", lvl);
	role = o.is_admin ? DB_ROLE_ADMIN : DB_ROLE_WORKER;
	if (strcmp(o.command, "relay") == 0)
		rc = events_relay_run(&cfg, role, &o.relay);
	else
		rc = status(&cfg, role);
	cfg_release(&cfg);
	return rc;
}
