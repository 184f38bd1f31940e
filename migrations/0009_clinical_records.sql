-- 0009: clinical records: lab results with their released versions, and
-- treatment plans (docs/RECORDS.md). Forward only: never edit once applied.
--
-- Clinical free text is sealed with lib/vault.h (AES-256-GCM, the key id
-- inside each value, the field name and row id as associated data) and
-- stored as bytes; the names below ("lab_results.result_value", row id =
-- id) are the field names the worker seals with. Names, codes, statuses
-- and dates stay plain so they can be filtered.

-- Both tables are clustered by (patient_id, id): InnoDB stores rows in
-- primary-key order, so with random ids alone every result of a patient
-- would sit on a page of its own; keyed by patient first, a patient's
-- list and dashboard read a few pages instead of one page per row. The
-- public id stays unique on its own (and is what other tables reference).

-- A lab result (a narrowed FHIR Observation). status follows
--   preliminary -> final -> amended (-> amended ...)
--   preliminary -> cancelled
--   final | amended -> entered_in_error
-- A preliminary result is edited in place (version 0). Finalising makes
-- version 1; each amendment the next version. The row holds the current
-- content; lab_result_versions keeps every released one.
CREATE TABLE lab_results (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	patient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	ordered_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	test_code	VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
	test_name	VARCHAR(200) NOT NULL,
	-- sealed: "lab_results.result_value", "lab_results.notes" (row id = id)
	result_value	BLOB NOT NULL,
	units		VARCHAR(50) NULL,
	reference_range	VARCHAR(100) NULL,
	interpretation	ENUM('normal','abnormal','critical') NULL,
	notes		MEDIUMBLOB NULL,
	-- "a,b,c": the ids of its files, linked in the same transactions
	-- (attachments.attached_id is the truth; a link never changes, so
	-- this copy saves lists a lookup per row and cannot go stale)
	attachment_ids	VARCHAR(269) CHARACTER SET ascii COLLATE ascii_bin NULL,
	status		ENUM('preliminary','final','amended','cancelled',
			    'entered_in_error') NOT NULL,
	version		INT UNSIGNED NOT NULL DEFAULT 0,
	published_at	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL,
	updated_at	DATETIME(6) NOT NULL,
	updated_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	-- what a patient may see: only these, never a preliminary result
	is_released	TINYINT(1) AS (status IN ('final','amended')) STORED,
	-- the list order: the latest release, or creation for one never released
	listed_at	DATETIME(6) AS (COALESCE(published_at, created_at)) STORED,
	PRIMARY KEY (patient_id, id),
	UNIQUE KEY lab_results_id (id),
	-- a patient's own list and the dashboard: released only, newest first
	KEY lab_results_patient_released (patient_id, is_released, listed_at, id),
	-- the care team's and staff's list of one patient
	KEY lab_results_patient (patient_id, listed_at, id),
	-- a provider's list: what they ordered
	KEY lab_results_ordered_by (ordered_by, listed_at, id),
	-- staff over everyone
	KEY lab_results_listed (listed_at, id),
	CHECK ((status = 'preliminary' OR status = 'cancelled') = (version = 0)),
	CHECK ((version = 0) = (published_at IS NULL)),
	CONSTRAINT lab_results_patient_fk FOREIGN KEY (patient_id) REFERENCES users (id),
	CONSTRAINT lab_results_ordered_by_fk FOREIGN KEY (ordered_by) REFERENCES users (id),
	CONSTRAINT lab_results_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Second fence behind the worker's checks: the life cycle above, and a
-- released result's content changes only together with a new version.
CREATE TRIGGER lab_results_life_cycle BEFORE UPDATE ON lab_results FOR EACH ROW
BEGIN
	DECLARE same_content INT DEFAULT
	    NEW.test_code <=> OLD.test_code AND NEW.test_name <=> OLD.test_name AND
	    NEW.result_value <=> OLD.result_value AND NEW.units <=> OLD.units AND
	    NEW.reference_range <=> OLD.reference_range AND
	    NEW.interpretation <=> OLD.interpretation AND NEW.notes <=> OLD.notes AND
	    NEW.ordered_by <=> OLD.ordered_by;
	IF NEW.id <> OLD.id OR NEW.patient_id <> OLD.patient_id OR
	    NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at OR
	    NOT ((OLD.status = 'preliminary' AND NEW.status = 'preliminary') OR
	    (OLD.status = 'preliminary' AND NEW.status = 'final' AND
	     NEW.version = 1 AND same_content) OR
	    (OLD.status = 'preliminary' AND NEW.status = 'cancelled' AND same_content) OR
	    (OLD.status IN ('final','amended') AND NEW.status = 'amended' AND
	     NEW.version = OLD.version + 1) OR
	    (OLD.status IN ('final','amended') AND NEW.status = 'entered_in_error' AND
	     NEW.version = OLD.version AND same_content)) THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'lab_results: not a step of the life cycle';
	END IF;
END;

-- Every released version of a result, as it was released. Append-only.
-- Sealed: "lab_result_versions.result_value", ".notes", ".reason" with
-- row id "<lab_result_id>/<version>", so a value does not open in
-- another version.
CREATE TABLE lab_result_versions (
	lab_result_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	version		INT UNSIGNED NOT NULL,
	status		ENUM('final','amended') NOT NULL,
	test_code	VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
	test_name	VARCHAR(200) NOT NULL,
	result_value	BLOB NOT NULL,
	units		VARCHAR(50) NULL,
	reference_range	VARCHAR(100) NULL,
	interpretation	ENUM('normal','abnormal','critical') NULL,
	notes		MEDIUMBLOB NULL,
	reason		BLOB NULL,	-- why it was amended (amendments only)
	recorded_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	published_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (lab_result_id, version),
	CHECK (version >= 1),
	CHECK ((version = 1) = (status = 'final')),
	CHECK ((version = 1) = (reason IS NULL)),
	CONSTRAINT lab_result_versions_result_fk FOREIGN KEY (lab_result_id)
	    REFERENCES lab_results (id),
	CONSTRAINT lab_result_versions_by_fk FOREIGN KEY (recorded_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER lab_result_versions_no_update BEFORE UPDATE ON lab_result_versions
    FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'lab_result_versions is append-only';
CREATE TRIGGER lab_result_versions_no_delete BEFORE DELETE ON lab_result_versions
    FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'lab_result_versions is append-only';

-- A treatment plan (a narrowed FHIR CarePlan). status follows
--   draft -> active -> on_hold -> active
--   active | on_hold -> completed | revoked
--   any -> entered_in_error (and nothing after it)
-- Content may change while draft, active or on hold, never after.
-- Sealed: "treatment_plans.details", "treatment_plans.goals" (a JSON
-- array), row id = id.
CREATE TABLE treatment_plans (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	patient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	title		VARCHAR(200) NOT NULL,
	details		MEDIUMBLOB NULL,
	goals		MEDIUMBLOB NULL,
	status		ENUM('draft','active','on_hold','completed','revoked',
			    'entered_in_error') NOT NULL,
	start_date	DATE NOT NULL,
	end_date	DATE NULL,
	created_at	DATETIME(6) NOT NULL,
	updated_at	DATETIME(6) NOT NULL,
	updated_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	-- what a patient may see: never a draft or one entered in error
	is_shared	TINYINT(1) AS (status IN ('active','on_hold','completed',
			    'revoked')) STORED,
	PRIMARY KEY (patient_id, id),
	UNIQUE KEY treatment_plans_id (id),
	-- one patient's plans (by status for the dashboard), newest first
	KEY treatment_plans_patient (patient_id, created_at, id),
	KEY treatment_plans_patient_status (patient_id, status, created_at, id),
	-- a provider's list: what they wrote
	KEY treatment_plans_created_by (created_by, created_at, id),
	KEY treatment_plans_created (created_at, id),
	CHECK (end_date IS NULL OR end_date >= start_date),
	CONSTRAINT treatment_plans_patient_fk FOREIGN KEY (patient_id) REFERENCES users (id),
	CONSTRAINT treatment_plans_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER treatment_plans_life_cycle BEFORE UPDATE ON treatment_plans FOR EACH ROW
BEGIN
	DECLARE same_content INT DEFAULT
	    NEW.title <=> OLD.title AND NEW.details <=> OLD.details AND
	    NEW.goals <=> OLD.goals AND NEW.start_date <=> OLD.start_date AND
	    NEW.end_date <=> OLD.end_date;
	IF NEW.id <> OLD.id OR NEW.patient_id <> OLD.patient_id OR
	    NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at OR
	    OLD.status = 'entered_in_error' OR
	    (OLD.status IN ('completed','revoked') AND
	     (NEW.status <> 'entered_in_error' OR NOT same_content)) OR
	    NOT (NEW.status = OLD.status OR
	    (OLD.status = 'draft' AND NEW.status = 'active') OR
	    (OLD.status = 'active' AND NEW.status = 'on_hold') OR
	    (OLD.status = 'on_hold' AND NEW.status = 'active') OR
	    (OLD.status IN ('active','on_hold') AND NEW.status IN ('completed','revoked')) OR
	    NEW.status = 'entered_in_error') THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'treatment_plans: not a step of the life cycle';
	END IF;
END;

GRANT SELECT, INSERT, UPDATE ON lab_results TO concierge_worker;
GRANT SELECT, INSERT ON lab_result_versions TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON treatment_plans TO concierge_worker;
