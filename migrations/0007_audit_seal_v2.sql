-- 0007: the audit seal, format v2 (docs/AUDIT.md). A SHA-256 chain over
-- entries whose canonical form names their kind and id range, and
-- checkpoints signed with Ed25519 by the sealer alone, replace the v1
-- HMAC chain, whose key every verifier had to hold. The v1 tables are
-- kept as they were, read-only, as audit_seal_v1 and
-- audit_seal_checkpoint_v1; the v2 sealer seals from id 1 again.
-- Forward only.

-- Triggers go with a renamed table, but their names stay taken: move the
-- v1 tables' triggers to v1 names so that the v2 tables get the usual ones.
DROP TRIGGER IF EXISTS audit_seal_no_update;
DROP TRIGGER IF EXISTS audit_seal_no_delete;
DROP TRIGGER IF EXISTS audit_checkpoint_no_update;
DROP TRIGGER IF EXISTS audit_checkpoint_no_delete;
RENAME TABLE audit_seal TO audit_seal_v1,
	audit_seal_checkpoint TO audit_seal_checkpoint_v1;
CREATE TRIGGER audit_seal_v1_no_update BEFORE UPDATE ON audit_seal_v1 FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_v1 is append-only';
CREATE TRIGGER audit_seal_v1_no_delete BEFORE DELETE ON audit_seal_v1 FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_v1 is append-only';
CREATE TRIGGER audit_checkpoint_v1_no_update BEFORE UPDATE ON audit_seal_checkpoint_v1
	FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_checkpoint_v1 is append-only';
CREATE TRIGGER audit_checkpoint_v1_no_delete BEFORE DELETE ON audit_seal_checkpoint_v1
	FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_seal_checkpoint_v1 is append-only';

-- One entry per audit id, in id order, with no holes: a sealed row (kind
-- 'row', covering its own id only) or a range of ids that never committed
-- (kind 'skip', audit_id..last_id). hash is the chain value after it:
-- SHA-256(previous hash || canonical form), the form covering kind and
-- range. The constraints fence honest mistakes; the chain and the signed
-- checkpoints are what verify relies on.
CREATE TABLE audit_seal (
	audit_id	BIGINT UNSIGNED NOT NULL,
	last_id		BIGINT UNSIGNED NOT NULL,
	kind		ENUM('row','skip') CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	hash		BINARY(32) NOT NULL,
	PRIMARY KEY (audit_id),
	KEY audit_seal_kind (kind),
	CONSTRAINT audit_seal_range CHECK (last_id >= audit_id),
	CONSTRAINT audit_seal_row CHECK (kind = 'skip' OR last_id = audit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One per sealing transaction, signed: id is the checkpoint's sequence
-- number (1, 2, 3, ... with no hole; set by the sealer, part of what it
-- signs), prev_hash the digest of the checkpoint before it (so each
-- signature vouches for all earlier checkpoints), first_id..last_id the
-- ids its entries cover, head_hash the chain value after last_id, key_id
-- the signing key (first 8 bytes of SHA-256 of its raw public key, hex),
-- signature Ed25519 over the canonical form of every other column.
CREATE TABLE audit_seal_checkpoint (
	id		BIGINT UNSIGNED NOT NULL,
	prev_hash	BINARY(32) NOT NULL,
	key_id		CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	first_id	BIGINT UNSIGNED NOT NULL,
	last_id		BIGINT UNSIGNED NOT NULL,
	head_hash	BINARY(32) NOT NULL,
	rows_sealed	BIGINT UNSIGNED NOT NULL,
	ids_skipped	BIGINT UNSIGNED NOT NULL,
	sealed_at	DATETIME(6) NOT NULL,
	signature	BINARY(64) NOT NULL,
	PRIMARY KEY (id),
	KEY audit_checkpoint_last (last_id),
	CONSTRAINT audit_checkpoint_range CHECK (last_id >= first_id)
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

-- Table privileges are kept by name, so the grants of 0002 apply to the v2
-- tables already; stated again here so this file says who may do what.
-- The v1 tables keep none: root reads them if ever needed.
GRANT SELECT ON audit_log TO concierge_sealer;
GRANT SELECT, INSERT ON audit_seal TO concierge_sealer;
GRANT SELECT, INSERT ON audit_seal_checkpoint TO concierge_sealer;
GRANT SELECT ON audit_seal TO concierge_worker;
GRANT SELECT ON audit_seal_checkpoint TO concierge_worker;
