/*
 * Configuration: a "key = value" file named by --config or the
 * CONCIERGE_CONFIG environment variable. Every key, its type, bounds
 * and default live in the table in cfg.c; unknown keys are an error.
 * Secrets are never logged (cfg_log masks them).
 */
#ifndef CONCIERGE_CFG_H
#define CONCIERGE_CFG_H

#include <stddef.h>

struct cfg {
	int	 is_dev;		/* mode = dev | prod */
	char	*log_level;

	char	*db_socket;		/* unix socket, or NULL for TCP */
	char	*db_host;
	long	 db_port;
	char	*db_name;
	char	*db_user;
	char	*db_password;		/* secret */
	char	*db_admin_user;		/* migrations only */
	char	*db_admin_password;	/* secret */

	long	 http_max_body;		/* bytes of a JSON body */
	long	 http_max_upload;	/* bytes of an attachment body */

	long	 session_idle_minutes;
	long	 session_absolute_hours;
	long	 session_touch_seconds;	/* last_seen written at most this often */

	long	 argon2_memory_kib;
	long	 argon2_iterations;
	long	 argon2_parallelism;

	long	 login_lock_threshold;	/* failures before a lock */
	long	 login_lock_minutes;	/* first lock; doubles after */
	long	 login_max_failures_hour;

	char	*crypto_data_key;	/* secret: 64 hex digits, AES-256-GCM, key id 1 */
	char	*crypto_keys_file;	/* more numbered data keys (lib/vault.h) */
	char	*audit_key_file;	/* file holding the audit HMAC key */
	char	*mfa_issuer;

	char	*dev_clock_offset_file;	/* dev only: seconds added to utc_now */

	long	 appt_min_notice_minutes;
	long	 appt_cancel_window_hours;

	/* events: realtime delivery (docs/EVENTS.md) */
	char	*events_nchan_socket;	/* nchan's loopback server; NULL: no nchan */
	char	*events_wake_socket;	/* the relay's wake-up datagram socket */
	long	 events_batch;		/* most events one reply or relay pass carries */
	long	 events_wait_max;	/* most seconds a long-poll may wait */
	long	 events_nchan_poll_seconds; /* nchan's long-poll hold (nginx config) */
	long	 events_max_waiting;	/* long-polls a worker instance holds at once */
	long	 events_poll_ms;	/* how often a held long-poll looks again */
	long	 events_sse_retry_ms;	/* "retry:" of SSE replies the worker writes */
	long	 events_relay_poll_ms;	/* relay: idle poll without a wake-up */
	long	 events_relay_lease_seconds; /* relay: takeover after silence */
	long	 events_relay_connections; /* relay: pipelined connections to nchan */
	long	 events_gap_grace_ms;	/* relay: an unlocked missing id waits this */
	long	 events_gap_timeout_seconds; /* relay: a locked missing id waits this */
};

/* Defaults for every key. */
void	cfg_defaults(struct cfg *);
/*
 * Read a file over the defaults. Returns 0, or -1 after logging the
 * file, line and reason (never the value of a secret).
 */
int	cfg_load(struct cfg *, const char *path);
/* Path from argv "--config PATH" or $CONCIERGE_CONFIG; NULL if neither. */
const char *cfg_path(int argc, char *const argv[]);
/* Log every key with secrets masked. */
void	cfg_log(const struct cfg *);
/* Free the strings. */
void	cfg_release(struct cfg *);

#endif
