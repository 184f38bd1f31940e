/*
 * concierge-audit: the audit chain from the command line.
 *
 *   concierge-audit [--config FILE] [--admin] seal [--follow]
 *       [--interval DUR] [--gap-timeout DUR] [--batch N]
 *   concierge-audit [--config FILE] [--admin] verify [--expect-head ID:HEX]
 *   concierge-audit [--config FILE] [--admin] head
 *
 * It connects as db.user of the config (give the sealer a config of its
 * own naming an account with role concierge_sealer), or as
 * db.admin_user with --admin. The HMAC key comes from audit.key_file.
 * Exit: 0 done / chain holds, 1 the chain does not hold, 2 usage,
 * 3 could not run (config, key, database, another sealer).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/store-audit.h"
#include "lib/time.h"
#include "tools/audit.h"

struct opts {
	const char		*config;
	int			 is_admin;
	const char		*command;
	struct seal_opts	 seal;
	int			 has_seal_opt;
	int			 has_expect;
	struct seal_head	 expect;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: concierge-audit [--config FILE] [--admin] seal [--follow] "
	    "[--interval DUR]\n"
	    "           [--gap-timeout DUR] [--batch N]\n"
	    "       concierge-audit [--config FILE] [--admin] verify "
	    "[--expect-head ID:HEX]\n"
	    "       concierge-audit [--config FILE] [--admin] head\n"
	    "DUR: a number with ms, s or m (seconds if none), e.g. 30s\n");
}

/* "250ms", "30s", "2m" or "30" (seconds) into usec, 0..1 day. 0 or -1. */
static int
parse_duration(const char *s, int64_t *out)
{
	char		*end;
	long long	 n, unit = UTC_SEC;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || n > 86400LL * 1000)
		return -1;
	if (strcmp(end, "ms") == 0)
		unit = 1000;
	else if (strcmp(end, "m") == 0)
		unit = UTC_MIN;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	if (n * unit > UTC_DAY)
		return -1;
	*out = n * unit;
	return 0;
}

/* "ID:HEX" as printed by `head`. 0 or -1. */
static int
parse_head(const char *s, struct seal_head *h)
{
	const char	*colon = strchr(s, ':');
	char		*end;

	if (colon == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	h->id = strtoull(s, &end, 10);
	if (errno != 0 || end != colon || h->id == 0 ||
	    strlen(colon + 1) != 2 * SEAL_HASH_LEN)
		return -1;
	return crypto_unhex(colon + 1, h->hash, SEAL_HASH_LEN);
}

static int
parse_opt(int ch, struct opts *o)
{
	char	*end;

	switch (ch) {
	case 'c':
		o->config = optarg;
		return 0;
	case 'a':
		o->is_admin = 1;
		return 0;
	case 'f':
		o->seal.is_follow = 1;
		break;
	case 'i':
		if (parse_duration(optarg, &o->seal.interval) == -1 ||
		    o->seal.interval <= 0)
			return -1;
		break;
	case 'g':
		if (parse_duration(optarg, &o->seal.gap_timeout) == -1)
			return -1;
		break;
	case 'b':
		errno = 0;
		o->seal.batch = strtol(optarg, &end, 10);
		if (errno != 0 || *end != '\0' || o->seal.batch < 1 ||
		    o->seal.batch > 100000)
			return -1;
		break;
	case 'e':
		o->has_expect = 1;
		return parse_head(optarg, &o->expect);
	default:
		return -1;
	}
	o->has_seal_opt = 1;
	return 0;
}

static int
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "admin", no_argument, NULL, 'a' },
		{ "follow", no_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "gap-timeout", required_argument, NULL, 'g' },
		{ "batch", required_argument, NULL, 'b' },
		{ "expect-head", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->config = getenv("CONCIERGE_CONFIG");
	o->seal.interval = UTC_SEC;
	o->seal.gap_timeout = 30 * UTC_SEC;
	o->seal.batch = 1000;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (parse_opt(ch, o) == -1)
			return -1;
	if (optind != argc - 1)
		return -1;
	o->command = argv[optind];
	if (strcmp(o->command, "seal") != 0 && o->has_seal_opt)
		return -1;
	if (strcmp(o->command, "verify") != 0 && o->has_expect)
		return -1;
	return 0;
}

static int
cmd_head(struct db *db, struct arena *a)
{
	struct store_checkpoint	 cp;
	char			 hex[2 * SEAL_HASH_LEN + 1], at[UTC_BUFSZ];

	if (store_audit_checkpoint_last(db, a, &cp) != DB_OK)
		return AUDIT_EXIT_FAIL;
	if (!cp.is_found) {
		fprintf(stderr, "concierge-audit: nothing is sealed yet\n");
		return AUDIT_EXIT_FAIL;
	}
	crypto_hex(cp.hash, SEAL_HASH_LEN, hex);
	printf("%llu:%s %s\n", cp.last_id, hex,
	    utc_format(cp.sealed_at, at, sizeof(at), 1));
	return AUDIT_EXIT_OK;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int
cmd_verify(struct db *db, struct arena *a, const unsigned char key[SEAL_KEY_LEN],
    const struct opts *o)
{
	struct seal_ctx		 sc;
	struct seal_verdict	 v;
	struct json_object	*j;
	struct timespec		 t0;
	double			 secs;
	int			 rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	seal_init(&sc, key);
	rc = seal_verify(db, a, &sc, o->has_expect ? &o->expect : NULL, &v);
	seal_release(&sc);
	if (rc == -1)
		return AUDIT_EXIT_FAIL;
	secs = seconds_since(&t0);
	j = seal_verdict_json(&v);
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	fprintf(stderr, "concierge-audit: verified %llu entries in %.3f s\n",
	    v.entries, secs);
	return v.is_ok ? AUDIT_EXIT_OK : AUDIT_EXIT_BAD;
}

/* verify and head: one connection, one command. */
static int
run_reader(const struct cfg *cfg, enum db_role role,
    const unsigned char key[SEAL_KEY_LEN], const struct opts *o)
{
	struct db	*db;
	struct arena	 a;
	int		 rc;

	if (db_open(&db, cfg, role) == -1)
		return AUDIT_EXIT_FAIL;
	arena_init(&a);
	if (strcmp(o->command, "head") == 0)
		rc = cmd_head(db, &a);
	else
		rc = cmd_verify(db, &a, key, o);
	arena_release(&a);
	db_close(db);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct opts	 o;
	struct cfg	 cfg;
	unsigned char	 key[SEAL_KEY_LEN];
	enum db_role	 role;
	int		 rc = AUDIT_EXIT_FAIL;

	log_init("audit-cli", LOG_LVL_INFO);
	if (parse_opts(argc, argv, &o) == -1 || (strcmp(o.command, "seal") != 0 &&
	    strcmp(o.command, "verify") != 0 && strcmp(o.command, "head") != 0)) {
		usage();
		return AUDIT_EXIT_USAGE;
	}
	cfg_defaults(&cfg);
	if (o.config != NULL && cfg_load(&cfg, o.config) == -1)
		goto out;
	role = o.is_admin ? DB_ROLE_ADMIN : DB_ROLE_WORKER;
	if (strcmp(o.command, "head") != 0 &&
	    seal_key_load(cfg.audit_key_file, key) == -1)
		goto out;
	if (strcmp(o.command, "seal") == 0)
		rc = audit_seal_run(&cfg, role, key, &o.seal);
	else
		rc = run_reader(&cfg, role, key, &o);
out:
	explicit_bzero(key, sizeof(key));
	cfg_release(&cfg);
	return rc;
}
