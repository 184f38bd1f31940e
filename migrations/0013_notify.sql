-- 0013: sending the outbox (concierge-notify) and notification preferences.
-- Forward only: never edit once applied. Times are UTC DATETIME(6).
--
-- outbox.status gains 'cancelled': a row that is deliberately not sent
-- (a superseded reminder, a channel the user turned off, no phone number);
-- last_error then says why. 'dead' stays for rows that could not be sent.
--
-- A sender claims due rows (SELECT ... FOR UPDATE SKIP LOCKED, then
-- status 'sending', locked_until = now + lease, a fresh claim_token) in a
-- short transaction, sends outside it, and records the result with
-- "WHERE id = ? AND claim_token = ?", so a sender whose lease ran out and
-- whose row was claimed again cannot overwrite the newer claim.
-- reclaims counts claims taken over from an expired lease: the only way
-- a row can be sent twice (the sender died between sending and recording).

ALTER TABLE outbox
	MODIFY status ENUM('pending','sending','sent','dead','cancelled')
	    NOT NULL DEFAULT 'pending',
	ADD COLUMN claim_token CHAR(26) CHARACTER SET ascii COLLATE ascii_bin
	    NULL AFTER locked_until,
	ADD COLUMN reclaims INT NOT NULL DEFAULT 0 AFTER attempts,
	ADD COLUMN provider_ref VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
	    NULL AFTER sent_at;

-- Per-user choices; no row means the defaults (email on, SMS on, no quiet
-- hours). Quiet hours are wall-clock minutes in timezone (an IANA name):
-- start 1320, end 420 is 22:00-07:00, across midnight.
CREATE TABLE notification_preferences (
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	email_enabled	TINYINT(1) NOT NULL DEFAULT 1,
	sms_enabled	TINYINT(1) NOT NULL DEFAULT 1,
	quiet_start_min	SMALLINT UNSIGNED NULL,
	quiet_end_min	SMALLINT UNSIGNED NULL,
	timezone	VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	updated_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (user_id),
	CHECK ((quiet_start_min IS NULL AND quiet_end_min IS NULL) OR
	    (quiet_start_min < 1440 AND quiet_end_min < 1440 AND
	    quiet_start_min <> quiet_end_min AND timezone IS NOT NULL)),
	CONSTRAINT notification_preferences_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

GRANT SELECT, INSERT, UPDATE ON notification_preferences TO concierge_worker;

-- The sender may run under an account of its own with only what it needs.
CREATE ROLE IF NOT EXISTS concierge_notifier;
GRANT SELECT, UPDATE ON outbox TO concierge_notifier;
GRANT SELECT ON users TO concierge_notifier;
GRANT SELECT ON notification_preferences TO concierge_notifier;
GRANT SELECT ON appointments TO concierge_notifier;
GRANT SELECT ON provider_availability TO concierge_notifier;

-- Reminders superseded before this migration were marked dead; they were
-- never failures.
UPDATE outbox SET status = 'cancelled'
    WHERE status = 'dead' AND last_error = 'superseded';
