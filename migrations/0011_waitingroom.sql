-- 0011: the virtual waiting room, provider presence, announcements and
-- video sessions with their append-only event log. Forward only: never
-- edit once applied. See docs/WAITINGROOM.md.

-- One entry per appointment (checking in twice finds the same row).
-- The queue of a provider is its waiting and away entries ordered by
-- (appt_start_at, checked_in_at, id); appt_start_at and booked_minutes
-- are copied from the appointment at check-in so the queue and its
-- estimate need no join.
CREATE TABLE waiting_room_entries (
	id			CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	appointment_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	patient_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status			ENUM('waiting','away','admitted','left','removed')
				    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	appt_start_at		DATETIME(6) NOT NULL,
	booked_minutes		SMALLINT UNSIGNED NOT NULL,
	checked_in_at		DATETIME(6) NOT NULL,
	checked_in_by		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	last_heartbeat_at	DATETIME(6) NOT NULL,
	away_since		DATETIME(6) NULL,
	ended_at		DATETIME(6) NULL,
	video_session_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	updated_at		DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY wr_entry_appointment (appointment_id),
	-- the queue of one provider, in order
	KEY wr_entry_queue (provider_id, status, appt_start_at, checked_in_at),
	-- the sweeper: waiting entries by last heartbeat, away ones by away_since
	KEY wr_entry_heartbeat (status, last_heartbeat_at),
	KEY wr_entry_away (status, away_since),
	KEY wr_entry_patient (patient_id),
	CONSTRAINT wr_entry_appointment_fk FOREIGN KEY (appointment_id) REFERENCES appointments (id),
	CONSTRAINT wr_entry_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id),
	CONSTRAINT wr_entry_patient_fk FOREIGN KEY (patient_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A provider's readiness, and the figures the wait estimate corrects
-- the booked durations with: exponentially weighted averages of recent
-- sessions (actual / booked duration; start minus booked start). The row
-- is also the lock that serialises admissions and ends of one provider.
CREATE TABLE provider_presence (
	provider_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status			ENUM('available','busy','offline')
				    CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'offline',
	pace_ratio		DOUBLE NOT NULL DEFAULT 1,
	lateness_seconds	DOUBLE NOT NULL DEFAULT 0,
	sessions_measured	INT UNSIGNED NOT NULL DEFAULT 0,
	updated_at		DATETIME(6) NOT NULL,
	PRIMARY KEY (provider_id),
	CONSTRAINT presence_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Operational notices ("running 10 minutes late") shown to everyone
-- waiting for the provider until they expire. Not clinical text.
CREATE TABLE waiting_room_announcements (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	text		VARCHAR(280) NOT NULL,
	created_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	expires_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY wr_announcement_current (provider_id, expires_at),
	CONSTRAINT wr_announcement_provider_fk FOREIGN KEY (provider_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One video session per appointment. running_provider_id is the
-- provider's id while the session runs and NULL once it ended: its
-- unique key makes "a provider never has two running sessions" a fact
-- of the database (also on a multi-primary cluster, where it is a write
-- set conflict). The consent snapshot is copied from the patient's
-- profile at admission.
CREATE TABLE video_sessions (
	id			CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	appointment_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	entry_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	patient_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	room			VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status			ENUM('running','ended') CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	running_provider_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	appt_start_at		DATETIME(6) NOT NULL,
	booked_minutes		SMALLINT UNSIGNED NOT NULL,
	started_at		DATETIME(6) NOT NULL,
	started_by		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	ended_at		DATETIME(6) NULL,
	ended_by		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	end_reason		ENUM('provider','timeout') CHARACTER SET ascii COLLATE ascii_bin NULL,
	duration_seconds	INT UNSIGNED NULL,
	consent_snapshot	LONGTEXT NOT NULL CHECK (JSON_VALID(consent_snapshot)),
	PRIMARY KEY (id),
	UNIQUE KEY video_session_appointment (appointment_id),
	UNIQUE KEY video_session_running (running_provider_id),
	KEY video_session_provider (provider_id, started_at),
	KEY video_session_patient (patient_id, started_at),
	KEY video_session_started (status, started_at),
	CHECK ((status = 'running') = (running_provider_id IS NOT NULL)),
	CONSTRAINT video_session_appointment_fk FOREIGN KEY (appointment_id) REFERENCES appointments (id),
	CONSTRAINT video_session_entry_fk FOREIGN KEY (entry_id) REFERENCES waiting_room_entries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The session log. Append-only: the workers' role may INSERT and SELECT
-- only, and triggers refuse UPDATE and DELETE for every account. detail
-- and notes are sealed with lib/vault (AAD: field name + event id).
-- 'started' and 'ended' are written by the server; 'amendment' only by
-- an admin, naming the event it corrects.
CREATE TABLE video_session_events (
	id			CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	session_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	type			ENUM('started','joined','left','reconnected','media_quality',
				    'consent_captured','ended','amendment')
				    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	actor_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	actor_role		VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	at			DATETIME(6) NOT NULL,
	recorded_at		DATETIME(6) NOT NULL,
	amends_event_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	detail			VARBINARY(8192) NULL,
	notes			VARBINARY(16384) NULL,
	PRIMARY KEY (id),
	KEY video_session_events_session (session_id, recorded_at),
	CONSTRAINT video_session_events_session_fk FOREIGN KEY (session_id) REFERENCES video_sessions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER video_session_events_no_update BEFORE UPDATE ON video_session_events
	FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'video_session_events is append-only';
CREATE TRIGGER video_session_events_no_delete BEFORE DELETE ON video_session_events
	FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'video_session_events is append-only';

GRANT SELECT, INSERT, UPDATE ON waiting_room_entries TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON provider_presence TO concierge_worker;
GRANT SELECT, INSERT ON waiting_room_announcements TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON video_sessions TO concierge_worker;
GRANT SELECT, INSERT ON video_session_events TO concierge_worker;
