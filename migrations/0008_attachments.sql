-- 0008: attachment files (lib/attachment.h), shared by messaging and
-- clinical records. Forward only: never edit once applied.
--
-- The bytes live on disk, encrypted in chunks (lib/attachment-file.h),
-- under storage_name, a random name unrelated to the public id. The row
-- holds what is needed to serve and check them: the type the content
-- was verified to be, the size and SHA-256 of the plaintext, the data
-- key the file is sealed under, and the file name the uploader gave,
-- sealed with lib/vault.h ("attachments.filename", row id = id): a file
-- name can be PHI ("hiv-test-jane-doe.pdf").
--
-- An upload starts unattached (attached_kind NULL), visible to its
-- uploader only. Its uploader links it to exactly one record of one
-- kind by a compare-and-swap UPDATE ... WHERE attached_kind IS NULL,
-- before the record is sent or published; from then on it is part of
-- that record and never changes or goes away (triggers below).
-- Unattached uploads older than attachments.purge_hours (a day) are
-- removed by `concierge-attachments purge`.

CREATE TABLE attachments (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	uploader_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	content_type	ENUM('application/pdf','image/png','image/jpeg') NOT NULL,
	filename	VARBINARY(512) NOT NULL,
	size_bytes	BIGINT UNSIGNED NOT NULL,
	sha256		BINARY(32) NOT NULL,
	storage_name	CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	key_id		INT UNSIGNED NOT NULL,
	attached_kind	ENUM('message','lab_result') NULL,
	attached_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	attached_at	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY attachments_storage (storage_name),
	-- a record's files
	KEY attachments_attached (attached_kind, attached_id),
	-- the purge: unattached (NULL kind) by age
	KEY attachments_purge (attached_kind, created_at),
	KEY attachments_uploader (uploader_id, created_at),
	-- data-key rotation finds the files under an old key
	KEY attachments_key (key_id),
	CHECK (size_bytes > 0),
	CHECK ((attached_kind IS NULL) = (attached_id IS NULL)),
	CHECK ((attached_kind IS NULL) = (attached_at IS NULL)),
	CONSTRAINT attachments_uploader_fk FOREIGN KEY (uploader_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Second fence behind the store's WHERE clauses: the link is made once,
-- from unattached, and then never changes; what the file is (uploader,
-- type, size, digest) never changes. Key rotation may rewrite a file
-- under a new key and name and re-seal the file name (key_id,
-- storage_name, filename). Only an unattached upload may be deleted.
CREATE TRIGGER attachments_link_once BEFORE UPDATE ON attachments FOR EACH ROW
BEGIN
	IF (OLD.attached_kind IS NOT NULL AND
	    (NOT (NEW.attached_kind <=> OLD.attached_kind) OR
	    NOT (NEW.attached_id <=> OLD.attached_id) OR
	    NOT (NEW.attached_at <=> OLD.attached_at))) OR
	    NEW.id <> OLD.id OR NEW.uploader_id <> OLD.uploader_id OR
	    NEW.content_type <> OLD.content_type OR
	    NEW.size_bytes <> OLD.size_bytes OR NEW.sha256 <> OLD.sha256 OR
	    NEW.created_at <> OLD.created_at THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'attachments: a link is made once and what a file is never changes';
	END IF;
END;

CREATE TRIGGER attachments_keep_linked BEFORE DELETE ON attachments FOR EACH ROW
BEGIN
	IF OLD.attached_kind IS NOT NULL THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'attachments: a linked attachment is part of its record';
	END IF;
END;

GRANT SELECT, INSERT, UPDATE, DELETE ON attachments TO concierge_worker;
