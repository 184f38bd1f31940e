-- 0001: accounts, sessions, profiles, care team, audit log, outbox, events,
-- and the workers' role. Forward only: never edit once applied.
-- Times are UTC DATETIME(6). Public ids are CHAR(26) random base32.

CREATE TABLE users (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	email		VARCHAR(254) NOT NULL,
	email_norm	VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	role		ENUM('patient','provider','staff','admin','auditor') NOT NULL,
	password_hash	VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	full_name	VARCHAR(200) NOT NULL,
	phone		VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
	is_disabled	TINYINT(1) NOT NULL DEFAULT 0,
	mfa_enabled	TINYINT(1) NOT NULL DEFAULT 0,
	mfa_secret	VARBINARY(128) NULL,
	mfa_pending	VARBINARY(128) NULL,
	mfa_last_step	BIGINT NULL,
	failed_logins	INT NOT NULL DEFAULT 0,
	lock_count	INT NOT NULL DEFAULT 0,
	locked_until	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL,
	updated_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY users_email_norm (email_norm),
	KEY users_role (role)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	token_hash	BINARY(32) NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	last_seen_at	DATETIME(6) NOT NULL,
	expires_at	DATETIME(6) NOT NULL,
	revoked_at	DATETIME(6) NULL,
	user_agent	VARCHAR(255) NULL,
	ip		VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL,
	PRIMARY KEY (id),
	UNIQUE KEY sessions_token_hash (token_hash),
	KEY sessions_user (user_id, revoked_at),
	CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE patient_profiles (
	user_id			CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	medical_record_number	VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	date_of_birth		DATE NULL,
	primary_clinic		VARCHAR(200) NULL,
	consent_signed_at	DATETIME(6) NULL,
	PRIMARY KEY (user_id),
	UNIQUE KEY patient_mrn (medical_record_number),
	CONSTRAINT patient_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE provider_profiles (
	user_id			CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	license_number		VARCHAR(64) NULL,
	specialty		VARCHAR(100) NULL,
	bio			TEXT NULL,
	is_verified		TINYINT(1) NOT NULL DEFAULT 0,
	verified_at		DATETIME(6) NULL,
	telehealth_enabled	TINYINT(1) NOT NULL DEFAULT 1,
	PRIMARY KEY (user_id),
	KEY provider_specialty (is_verified, specialty),
	CONSTRAINT provider_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE care_team (
	patient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	added_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	added_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (patient_id, provider_id),
	KEY care_team_provider (provider_id),
	CONSTRAINT care_team_patient_fk FOREIGN KEY (patient_id) REFERENCES users (id),
	CONSTRAINT care_team_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: the workers' role may INSERT and SELECT only; triggers
-- refuse UPDATE and DELETE for every account, root included.
CREATE TABLE audit_log (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	at		DATETIME(6) NOT NULL,
	actor_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	actor_role	VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
	action		VARCHAR(48) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	entity_type	VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	entity_id	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	patient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	outcome		ENUM('success','denied','failure') NOT NULL,
	request_id	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ip		VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NULL,
	summary		VARCHAR(255) NOT NULL,
	metadata	LONGTEXT NULL CHECK (metadata IS NULL OR JSON_VALID(metadata)),
	PRIMARY KEY (id),
	KEY audit_at (at),
	KEY audit_actor (actor_id, id),
	KEY audit_patient (patient_id, id),
	KEY audit_entity (entity_type, entity_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';

-- Notifications to send, written in the command's transaction.
CREATE TABLE outbox (
	id			BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	channel			ENUM('email','sms') NOT NULL,
	recipient_user_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	template		VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	payload			LONGTEXT NULL CHECK (payload IS NULL OR JSON_VALID(payload)),
	status			ENUM('pending','sending','sent','dead') NOT NULL DEFAULT 'pending',
	attempts		INT NOT NULL DEFAULT 0,
	due_at			DATETIME(6) NOT NULL,
	locked_until		DATETIME(6) NULL,
	last_error		VARCHAR(255) NULL,
	created_at		DATETIME(6) NOT NULL,
	sent_at			DATETIME(6) NULL,
	PRIMARY KEY (id),
	KEY outbox_due (status, due_at),
	KEY outbox_recipient (recipient_user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Realtime events: ids and types only, never PHI.
CREATE TABLE events (
	id			BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	recipient_user_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	type			VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	entity_type		VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	entity_id		VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	at			DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY events_recipient (recipient_user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The workers' privileges live in a role; deployment grants the role to
-- the account the workers use (scripts/dev does it for concierge_app).
CREATE ROLE IF NOT EXISTS concierge_worker;
GRANT SELECT, INSERT, UPDATE ON users TO concierge_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON patient_profiles TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON provider_profiles TO concierge_worker;
GRANT SELECT, INSERT, DELETE ON care_team TO concierge_worker;
GRANT SELECT, INSERT ON audit_log TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON outbox TO concierge_worker;
GRANT SELECT, INSERT, DELETE ON events TO concierge_worker;
