/*
 * concierge-audit: the audit chain from the command line.
 *
 *   concierge-audit [--config FILE] [--admin] seal [--follow]
 *       [--interval DUR] [--gap-timeout DUR] [--batch N]
 *   concierge-audit [--config FILE] [--admin] verify [--expect-head ID:HEX]
 *       [--all-signatures]
 *   concierge-audit [--config FILE] [--admin] head
 *   concierge-audit keygen SIGNING_KEY_FILE VERIFY_KEY_FILE
 *
 * It connects as db.user of the config (give the sealer a config of its
 * own naming an account with role concierge_sealer), or as
 * db.admin_user with --admin. seal signs with audit.signing_key_file;
 * every command checks signatures with the public keys of
 * audit.verify_key_file. Exit: 0 done / chain holds, 1 the chain does
 * not hold, 2 usage, 3 could not run (config, key, database, another
 * sealer).
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
#include "lib/seal-key.h"
#include "lib/seal-verify.h"
#include "lib/store-audit.h"
#include "lib/time.h"
#include "tools/audit.h"

struct opts {
	const char		*config;
	int			 is_admin;
	const char		*command;
	char *const		*args;		/* after the command */
	int			 nargs;
	struct seal_opts	 seal;
	int			 has_seal_opt;
	int			 has_gap_timeout;
	int			 has_expect;
	struct seal_head	 expect;
	unsigned		 verify_flags;	/* SEAL_VERIFY_* */
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
	    "           [--all-signatures]\n"
	    "       concierge-audit [--config FILE] [--admin] head\n"
	    "       concierge-audit keygen SIGNING_KEY_FILE VERIFY_KEY_FILE\n"
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
		o->has_gap_timeout = 1;
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
	case 's':
		o->verify_flags |= SEAL_VERIFY_ALL_SIGNATURES;
		return 0;
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
		{ "all-signatures", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->config = getenv("CONCIERGE_CONFIG");
	o->seal.interval = UTC_SEC;
	o->seal.batch = 1000;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (parse_opt(ch, o) == -1)
			return -1;
	if (optind >= argc)
		return -1;
	o->command = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	if (strcmp(o->command, "seal") != 0 && o->has_seal_opt)
		return -1;
	if (strcmp(o->command, "verify") != 0 &&
	    (o->has_expect || o->verify_flags != 0))
		return -1;
	if (o->nargs != (strcmp(o->command, "keygen") == 0 ? 2 : 0))
		return -1;
	return 0;
}

/*
 * The newest checkpoint, once its signature verifies, as
 * "ID:HASH TIME checkpoint SEQ key KEYID": the first word is what
 * verify --expect-head takes.
 */
static int
cmd_head(struct db *db, struct arena *a, const struct seal_keyring *ring)
{
	struct seal_checkpoint	 cp;
	struct seal_ctx		 sc;
	char			 hex[2 * SEAL_HASH_LEN + 1], at[UTC_BUFSZ];
	int			 found, rc;

	if (store_audit_checkpoint_last(db, a, &cp, &found) != DB_OK)
		return AUDIT_EXIT_FAIL;
	if (!found) {
		fprintf(stderr, "concierge-audit: nothing is sealed yet\n");
		return AUDIT_EXIT_FAIL;
	}
	seal_init(&sc);
	rc = cp.is_malformed ? SEAL_SIG_BAD : seal_checkpoint_check(&sc, ring,
	    &cp, NULL);
	seal_release(&sc);
	if (rc != SEAL_SIG_OK) {
		fprintf(stderr, "concierge-audit: the newest checkpoint (%llu) "
		    "does not verify; run verify\n", cp.seq);
		return AUDIT_EXIT_BAD;
	}
	crypto_hex(cp.head, SEAL_HASH_LEN, hex);
	printf("%llu:%s %s checkpoint %llu key %s\n", cp.last_id, hex,
	    utc_format(cp.sealed_at, at, sizeof(at), 1), cp.seq, cp.key_id);
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
cmd_verify(struct db *db, const struct seal_keyring *ring, const struct opts *o)
{
	struct seal_verdict	 v;
	struct json_object	*j;
	struct timespec		 t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (seal_verify(db, ring, o->has_expect ? &o->expect : NULL,
	    o->verify_flags, &v) == -1)
		return AUDIT_EXIT_FAIL;
	j = seal_verdict_json(&v);
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	fprintf(stderr, "concierge-audit: verified %llu entries and %llu "
	    "checkpoints (%llu signatures) in %.3f s\n", v.entries,
	    v.checkpoints, v.signatures, seconds_since(&t0));
	return v.is_ok ? AUDIT_EXIT_OK : AUDIT_EXIT_BAD;
}

/* verify and head: one connection, one command. */
static int
run_reader(const struct cfg *cfg, enum db_role role,
    const struct seal_keyring *ring, const struct opts *o)
{
	struct db	*db;
	struct arena	 a;
	int		 rc;

	if (db_open(&db, cfg, role) == -1)
		return AUDIT_EXIT_FAIL;
	arena_init(&a);
	if (strcmp(o->command, "head") == 0)
		rc = cmd_head(db, &a, ring);
	else
		rc = cmd_verify(db, ring, o);
	arena_release(&a);
	db_close(db);
	return rc;
}

/* keygen: a new key pair; needs no config and no database. */
static int
cmd_keygen(const struct opts *o)
{
	char	 id[SEAL_KEY_ID_LEN + 1];

	if (seal_keygen(o->args[0], o->args[1], id) == -1)
		return AUDIT_EXIT_FAIL;
	printf("key %s: signing key %s (keep it on the sealer's host only), "
	    "public key %s (append it to audit.verify_key_file everywhere)\n",
	    id, o->args[0], o->args[1]);
	return AUDIT_EXIT_OK;
}

/* seal: the signing key, the ring, and the gap timeout from the config unless given. */
static int
cmd_seal(const struct cfg *cfg, enum db_role role,
    const struct seal_keyring *ring, struct opts *o)
{
	struct seal_key	 signer;
	int		 rc;

	if (seal_signer_load(&signer, cfg->audit_signing_key_file) == -1)
		return AUDIT_EXIT_FAIL;
	if (!o->has_gap_timeout)
		o->seal.gap_timeout = cfg->audit_gap_timeout_seconds * UTC_SEC;
	o->seal.lease = cfg->audit_seal_lease_seconds;
	rc = audit_seal_run(cfg, role, &signer, ring, &o->seal);
	seal_key_release(&signer);
	return rc;
}

static int
is_command(const char *c)
{
	return strcmp(c, "seal") == 0 || strcmp(c, "verify") == 0 ||
	    strcmp(c, "head") == 0 || strcmp(c, "keygen") == 0;
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct cfg		 cfg;
	struct seal_keyring	 ring;
	enum db_role		 role;
	int			 rc = AUDIT_EXIT_FAIL;

	log_init("audit-cli", LOG_LVL_INFO);
	if (parse_opts(argc, argv, &o) == -1 || !is_command(o.command)) {
		usage();
		return AUDIT_EXIT_USAGE;
	}
	if (strcmp(o.command, "keygen") == 0)
		return cmd_keygen(&o);
	memset(&ring, 0, sizeof(ring));
	cfg_defaults(&cfg);
	if (o.config != NULL && cfg_load(&cfg, o.config) == -1)
		goto out;
	role = o.is_admin ? DB_ROLE_ADMIN : DB_ROLE_WORKER;
	if (seal_keyring_load(&ring, cfg.audit_verify_key_file) == -1)
		goto out;
	if (strcmp(o.command, "seal") == 0)
		rc = cmd_seal(&cfg, role, &ring, &o);
	else
		rc = run_reader(&cfg, role, &ring, &o);
out:
	seal_keyring_release(&ring);
	cfg_release(&cfg);
	return rc;
}
