/* Configuration file: table of keys with types, bounds and defaults. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cfg.h"
#include "lib/cors.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "lib/time.h"

enum cfg_type { CFG_STR, CFG_LONG, CFG_MODE };

struct cfg_key {
	const char	*name;
	enum cfg_type	 type;
	size_t		 off;
	const char	*def;
	long		 min, max;
	int		 is_secret;
};

#define S(n, f, d)	{ n, CFG_STR, offsetof(struct cfg, f), d, 0, 0, 0 }
#define SECRET(n, f)	{ n, CFG_STR, offsetof(struct cfg, f), NULL, 0, 0, 1 }
#define L(n, f, d, lo, hi) \
	{ n, CFG_LONG, offsetof(struct cfg, f), #d, lo, hi, 0 }

static const struct cfg_key keys[] = {
	{ "mode", CFG_MODE, offsetof(struct cfg, is_dev), "prod", 0, 0, 0 },
	S("log.level", log_level, "info"),
	S("db.socket", db_socket, NULL),
	S("db.host", db_host, "127.0.0.1"),
	L("db.port", db_port, 3306, 1, 65535),
	/* Cluster: comma-separated nodes, "host:port" or "/unix/socket"; the
	 * first that answers is used, the next on a lost connection. */
	S("db.hosts", db_hosts, NULL),
	S("db.name", db_name, "concierge"),
	S("db.user", db_user, "concierge_app"),
	SECRET("db.password", db_password),
	S("db.admin_user", db_admin_user, "root"),
	SECRET("db.admin_password", db_admin_password),
	L("http.max_body", http_max_body, 1048576, 1024, 16777216),
	L("http.max_upload", http_max_upload, 10485760, 1024, 104857600),
	L("session.idle_minutes", session_idle_minutes, 30, 1, 1440),
	L("session.absolute_hours", session_absolute_hours, 12, 1, 720),
	L("session.touch_seconds", session_touch_seconds, 60, 1, 3600),
	L("argon2.memory_kib", argon2_memory_kib, 19456, 8, 4194304),
	L("argon2.iterations", argon2_iterations, 2, 1, 100),
	L("argon2.parallelism", argon2_parallelism, 1, 1, 64),
	L("login.lock_threshold", login_lock_threshold, 10, 1, 1000),
	L("login.lock_minutes", login_lock_minutes, 15, 1, 10080),
	L("login.max_failures_hour", login_max_failures_hour, 100, 1, 100000),
	SECRET("crypto.data_key", crypto_data_key),
	S("crypto.keys_file", crypto_keys_file, NULL),
	/* Seal v1's HMAC key file; kept so older configs still load, never read. */
	S("audit.key_file", audit_key_file, NULL),
	S("audit.signing_key_file", audit_signing_key_file, NULL),
	S("audit.verify_key_file", audit_verify_key_file, NULL),
	L("audit.gap_timeout_seconds", audit_gap_timeout_seconds, 120, 0, 86400),
	L("audit.seal_lease_seconds", audit_seal_lease_seconds, 30, 2, 3600),
	S("mfa.issuer", mfa_issuer, "Concierge"),
	S("dev.clock_offset_file", dev_clock_offset_file, NULL),
	/* robust: dev-only fault injection (lib/db.c, fault_commit_lost). */
	S("dev.fault_dir", dev_fault_dir, NULL),
	L("appointments.min_notice_minutes", appt_min_notice_minutes, 60, 0, 100000),
	L("appointments.cancel_window_hours", appt_cancel_window_hours, 24, 0, 720),
	/* notify: concierge-notify */
	S("notify.smtp_url", notify_smtp_url, "smtp://127.0.0.1:25"),
	S("notify.smtp_user", notify_smtp_user, NULL),
	SECRET("notify.smtp_password", notify_smtp_password),
	S("notify.mail_from", notify_mail_from, NULL),
	S("notify.from_name", notify_from_name, "Concierge"),
	S("notify.portal_url", notify_portal_url, NULL),
	S("notify.sms_url", notify_sms_url, NULL),
	S("notify.sms_user", notify_sms_user, NULL),
	SECRET("notify.sms_password", notify_sms_password),
	S("notify.sms_from", notify_sms_from, NULL),
	L("notify.connect_timeout_seconds", notify_connect_timeout_seconds, 10, 1, 300),
	L("notify.timeout_seconds", notify_timeout_seconds, 30, 1, 600),
	L("notify.max_attempts", notify_max_attempts, 8, 1, 100),
	L("notify.backoff_seconds", notify_backoff_seconds, 30, 1, 86400),
	L("notify.backoff_max_seconds", notify_backoff_max_seconds, 3600, 1, 604800),
	L("notify.lease_seconds", notify_lease_seconds, 300, 10, 86400),
	L("notify.batch", notify_batch, 20, 1, 1000),
	L("notify.poll_ms", notify_poll_ms, 1000, 10, 60000),
	/* events */
	S("events.nchan_socket", events_nchan_socket, NULL),
	S("events.wake_socket", events_wake_socket, NULL),
	L("events.batch", events_batch, 200, 1, 1000),
	L("events.wait_max", events_wait_max, 25, 1, 300),
	L("events.nchan_poll_seconds", events_nchan_poll_seconds, 25, 1, 300),
	L("events.max_waiting", events_max_waiting, 4, 0, 1000),
	L("events.poll_ms", events_poll_ms, 250, 10, 10000),
	L("events.sse_retry_ms", events_sse_retry_ms, 1000, 100, 60000),
	L("events.relay_poll_ms", events_relay_poll_ms, 1000, 10, 60000),
	L("events.relay_lease_seconds", events_relay_lease_seconds, 10, 2, 3600),
	L("events.relay_connections", events_relay_connections, 4, 1, 16),
	L("events.gap_grace_ms", events_gap_grace_ms, 250, 1, 60000),
	L("events.gap_timeout_seconds", events_gap_timeout_seconds, 60, 1, 3600),
	/* graphql: cgi-bin/graphql (docs/GRAPHQL.md) */
	L("graphql.max_bytes", gql_max_bytes, 65536, 1024, 1048576),
	L("graphql.max_depth", gql_max_depth, 15, 1, 32),
	L("graphql.max_fields", gql_max_fields, 2000, 1, 100000),
	L("graphql.max_root_fields", gql_max_root_fields, 12, 1, 100),
	/* -1: on in dev mode, off in prod; 0: off; 1: on */
	L("graphql.introspection", gql_introspection, -1, -1, 1),
	/* waitingroom and video */
	L("waitingroom.checkin_before_minutes", wr_checkin_before_minutes, 15, 0, 1440),
	L("waitingroom.checkin_after_end_minutes", wr_checkin_after_end_minutes, 0, 0, 1440),
	L("waitingroom.away_after_seconds", wr_away_after_seconds, 60, 5, 3600),
	L("waitingroom.keep_place_seconds", wr_keep_place_seconds, 300, 0, 86400),
	L("waitingroom.session_max_minutes", wr_session_max_minutes, 180, 5, 1440),
	L("waitingroom.busy_extra_minutes", wr_busy_extra_minutes, 5, 0, 240),
	L("waitingroom.announcement_default_minutes", wr_announcement_default_minutes,
	    120, 1, 1440),
	L("waitingroom.announcement_max_hours", wr_announcement_max_hours, 24, 1, 168),
	L("waitingroom.event_skew_seconds", wr_event_skew_seconds, 5, 0, 600),
	L("waitingroom.sweep_interval_seconds", wr_sweep_interval_seconds, 5, 1, 3600),
	L("waitingroom.sweep_batch", wr_sweep_batch, 200, 1, 100000),
	S("video.provider", video_provider, "none"),
	S("video.url", video_url, NULL),
	S("video.api_key", video_api_key, NULL),
	SECRET("video.api_secret", video_api_secret),
	L("video.token_ttl_seconds", video_token_ttl_seconds, 600, 30, 86400),
	/* security review (issue 8) */
	L("mfa.replay_mail_minutes", mfa_replay_mail_minutes, 15, 1, 10080),
	L("signup.max_taken_hour", signup_max_taken_hour, 20, 1, 100000),
	/* attachments and messaging */
	S("attachments.dir", attachments_dir, "/var/lib/concierge/attachments"),
	L("attachments.purge_hours", attachments_purge_hours, 24, 1, 8760),
	L("messaging.notify_minutes", messaging_notify_minutes, 15, 0, 10080),
	/* clinical records */
	L("records.value_max_chars", records_value_max_chars, 2000, 1, 100000),
	L("records.text_max_chars", records_text_max_chars, 20000, 1, 200000),
	/* browser clients (CORS) */
	S("cors.allowed_origins", cors_allowed_origins, NULL),
	L("cors.max_age_seconds", cors_max_age_seconds, 600, 0, 86400),
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static int
cfg_set(struct cfg *c, const struct cfg_key *k, const char *v)
{
	char	**sp;
	long	 *lp, n;
	char	 *end;

	switch (k->type) {
	case CFG_MODE:
		if (strcmp(v, "dev") != 0 && strcmp(v, "prod") != 0)
			return -1;
		c->is_dev = strcmp(v, "dev") == 0;
		return 0;
	case CFG_STR:
		sp = (char **)((char *)c + k->off);
		free(*sp);
		*sp = v == NULL ? NULL : xstrdup(v);
		return 0;
	case CFG_LONG:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' ||
		    n < k->min || n > k->max)
			return -1;
		lp = (long *)((char *)c + k->off);
		*lp = n;
		return 0;
	}
	return -1;
}

void
cfg_defaults(struct cfg *c)
{
	size_t	 i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL || keys[i].type == CFG_STR)
			(void)cfg_set(c, &keys[i], keys[i].def);
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* video.provider is livekit (with url, key and secret) or none. 0 or -1. */
static int
video_check(const struct cfg *c, const char *path)
{
	if (strcmp(c->video_provider, "none") == 0)
		return 0;
	if (strcmp(c->video_provider, "livekit") != 0) {
		log_errx("config: '%s': video.provider must be livekit or none",
		    path);
		return -1;
	}
	if (c->video_url == NULL || c->video_api_key == NULL ||
	    c->video_api_secret == NULL || *c->video_api_secret == '\0') {
		log_errx("config: '%s': video.provider = livekit needs video.url,"
		    " video.api_key and video.api_secret", path);
		return -1;
	}
	return 0;
}

/* Every cors.allowed_origins entry is an exact origin. 0 or -1. */
static int
cors_check(const struct cfg *c, const char *path)
{
	const char	*bad;
	size_t		 n;

	if (cors_list_check(c->cors_allowed_origins, &bad, &n) == 0)
		return 0;
	log_errx("config: '%s': cors.allowed_origins: '%.*s' is not an origin"
	    " (scheme://host[:port] in lowercase, no path, no wildcard)",
	    path, (int)(n > 200 ? 200 : n), bad);
	return -1;
}

int
cfg_load(struct cfg *c, const char *path)
{
	FILE	*f;
	char	 line[1024], *k, *v, *eq;
	size_t	 i;
	int	 lineno = 0, rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		log_errx("config: cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_errx("config: '%s' line %d: too long", path, lineno);
			goto out;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			log_errx("config: '%s' line %d: expected key = value",
			    path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		for (i = 0; i < NKEYS; i++)
			if (strcmp(keys[i].name, k) == 0)
				break;
		if (i == NKEYS) {
			log_errx("config: '%s' line %d: unknown key '%s'",
			    path, lineno, k);
			goto out;
		}
		if (cfg_set(c, &keys[i], v) == -1) {
			log_errx("config: '%s' line %d: bad value for '%s'",
			    path, lineno, k);
			goto out;
		}
	}
	if (c->dev_clock_offset_file != NULL) {
		if (!c->is_dev) {
			log_errx("config: '%s': dev.clock_offset_file is only "
			    "allowed with mode = dev", path);
			goto out;
		}
		if (utc_set_offset_file(c->dev_clock_offset_file) == -1) {
			log_errx("config: '%s': dev.clock_offset_file is too long",
			    path);
			goto out;
		}
	}
	if (c->dev_fault_dir != NULL && !c->is_dev) {
		log_errx("config: '%s': dev.fault_dir is only allowed with "
		    "mode = dev", path);
		goto out;
	}
	if (video_check(c, path) == -1 || cors_check(c, path) == -1)
		goto out;
	rc = 0;
out:
	fclose(f);
	return rc;
}

const char *
cfg_path(int argc, char *const argv[])
{
	int	 i;

	for (i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0)
			return argv[i + 1];
	return getenv("CONCIERGE_CONFIG");
}

void
cfg_log(const struct cfg *c)
{
	size_t	 i;
	char	*s;

	for (i = 0; i < NKEYS; i++) {
		switch (keys[i].type) {
		case CFG_MODE:
			log_debug("config: mode = %s", c->is_dev ? "dev" : "prod");
			break;
		case CFG_LONG:
			log_debug("config: %s = %ld", keys[i].name,
			    *(const long *)((const char *)c + keys[i].off));
			break;
		case CFG_STR:
			s = *(char *const *)((const char *)c + keys[i].off);
			log_debug("config: %s = %s", keys[i].name,
			    keys[i].is_secret ? (s ? "(set)" : "(unset)") :
			    (s ? s : "(unset)"));
			break;
		}
	}
}

void
cfg_release(struct cfg *c)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == CFG_STR) {
			char **sp = (char **)((char *)c + keys[i].off);
			free(*sp);
			*sp = NULL;
		}
}
