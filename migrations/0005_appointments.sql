-- 0005: provider availability, appointments and idempotency keys.
-- Forward only: never edit once applied.
--
-- Appointment times are UTC DATETIME(6). Availability is wall-clock time
-- in the provider's IANA zone (minutes after local midnight): a weekly
-- "09:00-17:00" must stay 09:00-17:00 local across DST changes, so it is
-- converted to UTC per date when slots are computed, never stored as UTC.

CREATE TABLE provider_availability (
	provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	timezone	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	updated_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	updated_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (provider_id),
	CONSTRAINT availability_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- weekday: 0 = Monday ... 6 = Sunday; minutes after local midnight, end <= 1440.
CREATE TABLE availability_weekly (
	provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	weekday		TINYINT UNSIGNED NOT NULL CHECK (weekday <= 6),
	start_min	SMALLINT UNSIGNED NOT NULL,
	end_min		SMALLINT UNSIGNED NOT NULL,
	PRIMARY KEY (provider_id, weekday, start_min),
	CHECK (start_min < end_min AND end_min <= 1440),
	CONSTRAINT weekly_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A dated exception: is_available = 0 without times is a day off; with
-- times it blocks that part of the day; is_available = 1 adds hours.
CREATE TABLE availability_exceptions (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	day		DATE NOT NULL,
	is_available	TINYINT(1) NOT NULL,
	start_min	SMALLINT UNSIGNED NULL,
	end_min		SMALLINT UNSIGNED NULL,
	PRIMARY KEY (id),
	KEY exceptions_provider_day (provider_id, day),
	CHECK ((start_min IS NULL AND end_min IS NULL) OR
	    (start_min < end_min AND end_min <= 1440)),
	CONSTRAINT exceptions_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE appointments (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	patient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	start_at	DATETIME(6) NOT NULL,
	end_at		DATETIME(6) NOT NULL,
	status		ENUM('scheduled','checked_in','in_session','completed',
			    'cancelled','no_show') NOT NULL DEFAULT 'scheduled',
	visit_type	ENUM('video','in_person') NOT NULL,
	location	VARCHAR(200) NULL,
	reason		VARCHAR(500) NULL,
	booked_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	override_reason	VARCHAR(500) NULL,
	cancel_reason	VARCHAR(500) NULL,
	cancelled_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	cancelled_at	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL,
	updated_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	-- overlap check and the provider's list (InnoDB appends id)
	KEY appointments_provider_start (provider_id, start_at),
	-- overlap check and the patient's list
	KEY appointments_patient_start (patient_id, start_at),
	-- staff list over everyone
	KEY appointments_start (start_at),
	CHECK (start_at < end_at),
	CONSTRAINT appointments_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id),
	CONSTRAINT appointments_patient_fk FOREIGN KEY (patient_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key (API.md): one row per (user, key), claimed by an INSERT
-- that fails on the duplicate; state 'running' until the response is
-- stored. Rows older than 24 h are treated as absent and replaced.
CREATE TABLE idempotency_keys (
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	idem_key	VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	request_hash	BINARY(32) NOT NULL,
	state		ENUM('running','committed','done') NOT NULL,
	resp_status	SMALLINT NULL,
	resp_type	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	resp_body	MEDIUMTEXT NULL,
	created_at	DATETIME(6) NOT NULL,
	claimed_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (user_id, idem_key),
	KEY idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

GRANT SELECT, INSERT, UPDATE ON provider_availability TO concierge_worker;
GRANT SELECT, INSERT, DELETE ON availability_weekly TO concierge_worker;
GRANT SELECT, INSERT, DELETE ON availability_exceptions TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON appointments TO concierge_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO concierge_worker;
