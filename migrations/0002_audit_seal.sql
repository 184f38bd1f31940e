-- 0002: the tamper-evident seal of audit_log (see docs/AUDIT.md), the
-- sealer's role, and the indexes the audit queries use. Forward only.

-- One entry per audit id, in id order, with no holes: a sealed row
-- (kind 'row', last_id = audit_id) or a range of ids that never committed
-- (kind 'skip', audit_id..last_id). hash is the chain value after it:
-- HMAC-SHA256(key, previous hash || canonical form).
CREATE TABLE audit_seal (
	audit_id	BIGINT UNSIGNED NOT NULL,
	last_id		BIGINT UNSIGNED NOT NULL,
	kind		ENUM('row','skip') CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	hash		BINARY(32) NOT NULL,
	sealed_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (audit_id),
	KEY audit_seal_kind (kind),
	CONSTRAINT audit_seal_range CHECK (last_id >= audit_id),
	CONSTRAINT audit_seal_row CHECK (kind = 'skip' OR last_id = audit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The head after each sealing transaction: operators copy the newest one
-- elsewhere (concierge-audit head) so a truncated tail is detectable.
CREATE TABLE audit_seal_checkpoint (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	last_id		BIGINT UNSIGNED NOT NULL,
	head_hash	BINARY(32) NOT NULL,
	rows_sealed	BIGINT UNSIGNED NOT NULL,
	ids_skipped	BIGINT UNSIGNED NOT NULL,
	sealed_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	KEY audit_checkpoint_last (last_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_seal FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal is append-only';
CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_seal FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal is append-only';
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_seal_checkpoint
	FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_checkpoint is append-only';
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_seal_checkpoint
	FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_checkpoint is append-only';

-- Audit queries list newest first by (at, id); InnoDB appends the primary
-- key to every secondary index, so these serve "filter, then at range,
-- then order by at, id" without a sort. They replace the (x, id) indexes
-- of 0001, which nothing else reads, so a write still maintains four
-- secondary indexes.
ALTER TABLE audit_log
	ADD KEY audit_actor_at (actor_id, at),
	ADD KEY audit_patient_at (patient_id, at),
	ADD KEY audit_entity_at (entity_type, entity_id, at),
	DROP KEY audit_actor,
	DROP KEY audit_patient,
	DROP KEY audit_entity;

-- The sealer reads audit_log and appends to the seal tables, nothing else.
-- Deployment grants it to the sealer's own account (README, "Audit trail").
CREATE ROLE IF NOT EXISTS concierge_sealer;
GRANT SELECT ON audit_log TO concierge_sealer;
GRANT SELECT, INSERT ON audit_seal TO concierge_sealer;
GRANT SELECT, INSERT ON audit_seal_checkpoint TO concierge_sealer;

-- The workers verify the chain (GET /api/v1/audit/verify): read only.
GRANT SELECT ON audit_seal TO concierge_worker;
GRANT SELECT ON audit_seal_checkpoint TO concierge_worker;
