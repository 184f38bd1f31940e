-- 0003: brute-force throttling of sign-ins and password-reset tokens.
-- Forward only: never edit once applied. Times are UTC DATETIME(6).
--
-- Throttle state has the same columns for an account (on users) and for
-- every other subject (login_throttle: a client address, an email that
-- has no account, a user's re-authentications, password-reset requests),
-- so that a locked unknown email behaves exactly like a locked account:
--   failed_logins       consecutive failures; reset by a success or a lock
--   lock_count          locks so far; each lock is twice the previous one
--   locked_until        refuse attempts until then
--   fail_window_start   start of the current one-hour failure window
--   fail_window_count   failures in the current window
--   fail_window_prev    failures of the window before, still counted so
--                       that no sliding hour holds more than the maximum
--   last_attempt_at     last admitted attempt; counters are forgotten
--                       after a quiet day

ALTER TABLE users
	ADD COLUMN fail_window_start DATETIME(6) NULL AFTER locked_until,
	ADD COLUMN fail_window_count INT NOT NULL DEFAULT 0 AFTER fail_window_start,
	ADD COLUMN fail_window_prev INT NOT NULL DEFAULT 0 AFTER fail_window_count,
	ADD COLUMN last_attempt_at DATETIME(6) NULL AFTER fail_window_prev;

-- subject: the client address as text (IPv6 cut to its /64), or the
-- SHA-256 of a normalized email, or a user id.
CREATE TABLE login_throttle (
	scope			ENUM('login_address','login_email','reauth',
				    'forgot_address','forgot_email') NOT NULL,
	subject			VARBINARY(64) NOT NULL,
	failed_logins		INT NOT NULL DEFAULT 0,
	lock_count		INT NOT NULL DEFAULT 0,
	locked_until		DATETIME(6) NULL,
	fail_window_start	DATETIME(6) NULL,
	fail_window_count	INT NOT NULL DEFAULT 0,
	fail_window_prev	INT NOT NULL DEFAULT 0,
	last_attempt_at		DATETIME(6) NOT NULL,
	PRIMARY KEY (scope, subject),
	KEY login_throttle_stale (last_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only the SHA-256 of a reset token is stored; the token itself exists
-- in clear only in the outbox row of the reset mail. Single use: used_at
-- is set by one atomic UPDATE.
CREATE TABLE password_resets (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	token_hash	BINARY(32) NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	expires_at	DATETIME(6) NOT NULL,
	used_at		DATETIME(6) NULL,
	ip		VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL,
	PRIMARY KEY (id),
	UNIQUE KEY password_resets_token (token_hash),
	KEY password_resets_user (user_id, used_at),
	CONSTRAINT password_resets_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Throttle rows are transient state: stale ones are deleted. Reset
-- tokens are kept (used or expired) as a record; never deleted.
GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON password_resets TO concierge_worker;
