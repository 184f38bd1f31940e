-- 0012: realtime delivery (docs/EVENTS.md): how far the relay has
-- published the events table to nchan, who the relay is, and the relay's
-- role. Forward only: never edit once applied.

-- One row (id = 1). Every event id <= published_through has been published
-- to its recipient's channels (or was skipped: an id that never committed).
-- Ids in (published_through, started_through] are being published right
-- now; ids above started_through have not been touched. The relay writes
-- started_through before it publishes and published_through after, so an
-- events worker that reads both knows which events nchan may already hold.
-- scan_through/scan_at: ids up to scan_through that were missing at scan_at
-- have been missing since then at least (how old a gap is, kept here so a
-- new relay inherits it). owner/lease_until: the relay that may publish;
-- another one takes over when the lease has run out.
CREATE TABLE events_relay (
	id			TINYINT UNSIGNED NOT NULL,
	started_through		BIGINT UNSIGNED NOT NULL,
	published_through	BIGINT UNSIGNED NOT NULL,
	scan_through		BIGINT UNSIGNED NOT NULL DEFAULT 0,
	scan_at			DATETIME(6) NULL,
	owner			CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	lease_until		DATETIME(6) NULL,
	updated_at		DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT events_relay_one CHECK (id = 1),
	CONSTRAINT events_relay_order CHECK (published_through <= started_through)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Events written before realtime delivery existed are history: clients
-- read them with GET /api/v1/events?after=ID; the relay starts after them.
INSERT INTO events_relay (id, started_through, published_through, updated_at)
	SELECT 1, COALESCE(MAX(id), 0), COALESCE(MAX(id), 0), UTC_TIMESTAMP(6)
	FROM events;

-- The events worker reads the relay's progress to hand subscribers over.
GRANT SELECT ON events_relay TO concierge_worker;

-- The relay (concierge-events relay) reads events and moves its own row,
-- nothing else. Deployment grants the role to the relay's own account
-- (docs/EVENTS.md, "Running the relay").
CREATE ROLE IF NOT EXISTS concierge_relay;
GRANT SELECT ON events TO concierge_relay;
GRANT SELECT, UPDATE ON events_relay TO concierge_relay;
