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
	char	*db_hosts;		/* node list (cluster), or NULL: socket/host */
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
	char	*audit_key_file;	/* obsolete (seal v1's HMAC key): accepted, unused */
	char	*audit_signing_key_file; /* sealer only: Ed25519 private key (PEM) */
	char	*audit_verify_key_file;	/* Ed25519 public keys, oldest first (PEM) */
	long	 audit_gap_timeout_seconds; /* sealer: before a missing id is skipped */
	long	 audit_seal_lease_seconds; /* sealer: its lease (one sealer per cluster) */
	char	*mfa_issuer;

	char	*dev_clock_offset_file;	/* dev only: seconds added to utc_now */
	char	*dev_fault_dir;		/* dev only: fault triggers (lib/db.c) */

	long	 appt_min_notice_minutes;
	long	 appt_cancel_window_hours;

	/* notify: concierge-notify, the outbox sender */
	char	*notify_smtp_url;	/* smtp://host:port (STARTTLS) or smtps:// */
	char	*notify_smtp_user;
	char	*notify_smtp_password;	/* secret */
	char	*notify_mail_from;	/* envelope and From: address */
	char	*notify_from_name;	/* From: display name, product name in texts */
	char	*notify_portal_url;	/* https://portal.example.com, linked in texts */
	char	*notify_sms_url;	/* Twilio-style form POST endpoint; NULL: no SMS */
	char	*notify_sms_user;
	char	*notify_sms_password;	/* secret */
	char	*notify_sms_from;	/* E.164 sender number */
	long	 notify_connect_timeout_seconds;
	long	 notify_timeout_seconds;	/* whole transfer */
	long	 notify_max_attempts;	/* then dead */
	long	 notify_backoff_seconds;	/* first retry delay; doubles */
	long	 notify_backoff_max_seconds;
	long	 notify_lease_seconds;	/* a claim older than this is retried */
	long	 notify_batch;		/* rows per claim */
	long	 notify_poll_ms;	/* --follow: pause when nothing is due */
	/* events: realtime delivery (docs/EVENTS.md) */
	char	*events_nchan_socket;	/* nchan's loopback server; NULL: no nchan */
	char	*events_wake_socket;	/* the relay's wake-up datagram socket */
	long	 events_batch;		/* most events one reply or relay pass carries */
	long	 events_wait_max;	/* most seconds a long-poll may wait */
	long	 events_nchan_poll_seconds; /* nchan's long-poll hold (nginx config) */
	long	 events_max_waiting;	/* long-polls a worker instance holds at once */
	long	 events_poll_ms;	/* how often a held long-poll looks again */
	long	 gql_max_bytes;		/* a GraphQL document, bytes */
	long	 gql_max_depth;		/* nested selection sets */
	long	 gql_max_fields;	/* fields selected, fragments expanded */
	long	 gql_max_root_fields;	/* root fields (REST requests) per document */
	long	 gql_introspection;	/* -1: in dev mode only; 0 off; 1 on */
	long	 events_sse_retry_ms;	/* "retry:" of SSE replies the worker writes */
	long	 events_relay_poll_ms;	/* relay: idle poll without a wake-up */
	long	 events_relay_lease_seconds; /* relay: takeover after silence */
	long	 events_relay_connections; /* relay: pipelined connections to nchan */
	long	 events_gap_grace_ms;	/* relay: an unlocked missing id waits this */
	long	 events_gap_timeout_seconds; /* relay: a locked missing id waits this */
	/* waitingroom and video (docs/WAITINGROOM.md) */
	long	 wr_checkin_before_minutes;	/* check-in opens before the start */
	long	 wr_checkin_after_end_minutes;	/* and closes after the end */
	long	 wr_away_after_seconds;		/* no heartbeat: waiting -> away */
	long	 wr_keep_place_seconds;		/* away this long: -> removed */
	long	 wr_session_max_minutes;	/* the sweeper ends longer sessions */
	long	 wr_busy_extra_minutes;		/* estimate: busy, no session running */
	long	 wr_announcement_default_minutes;
	long	 wr_announcement_max_hours;
	long	 wr_event_skew_seconds;		/* session event times may lead by this */
	long	 wr_sweep_interval_seconds;	/* sweep --follow: pause between passes */
	long	 wr_sweep_batch;		/* rows per kind per pass */
	char	*video_provider;		/* "livekit" or "none" */
	char	*video_url;			/* what clients connect to */
	char	*video_api_key;
	char	*video_api_secret;		/* secret: signs the join tokens */
	long	 video_token_ttl_seconds;
	/* security review (issue 8) */
	long	 mfa_replay_mail_minutes;	/* one mfa_replay mail per user per window */
	long	 signup_max_taken_hour;		/* email_taken answers per address an hour */
	/* attachments (lib/attachment.h) and messaging */
	char	*attachments_dir;	/* encrypted files, outside the web root */
	long	 attachments_purge_hours;	/* unattached uploads live this long */
	long	 messaging_notify_minutes;	/* one mail per recipient and thread */
	/* clinical records (records worker) */
	long	 records_value_max_chars;	/* a lab result's result_value */
	long	 records_text_max_chars;	/* notes, plan details */
	/* browser clients (lib/cors.h, docs/CORS.md) */
	char	*cors_allowed_origins;	/* "https://a.example, ..."; NULL: no CORS */
	long	 cors_max_age_seconds;	/* how long a browser keeps a preflight */
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
