-- 0004: MFA recovery codes. Only the SHA-256 of each code is stored; a
-- code is used once (used_at set by a conditional UPDATE). The TOTP
-- secret itself lives encrypted in users.mfa_secret / users.mfa_pending.
-- Forward only: never edit once applied.

CREATE TABLE mfa_recovery_codes (
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	code_hash	BINARY(32) NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	used_at		DATETIME(6) NULL,
	PRIMARY KEY (user_id, code_hash),
	CONSTRAINT mfa_recovery_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Enable inserts a fresh set and disable removes them, hence DELETE.
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_recovery_codes TO concierge_worker;
