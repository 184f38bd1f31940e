-- 0018: data-key rotation (concierge-keys reencrypt, docs/OPERATIONS.md
-- "Key rotation"). Forward only: never edit once applied.
--
-- The append-only tables and a released lab result refuse every UPDATE.
-- Re-sealing a value under the current key must still get through, and
-- nothing else: the triggers below let an UPDATE pass when the session
-- says it is a re-seal (@concierge_rekey = 1, set by concierge-keys in
-- each of its transactions), every plain column is unchanged, and every
-- sealed column keeps its length (the same text sealed again under
-- another key is exactly as long). The workers' account still has no
-- UPDATE on these tables: the grants stay the first fence.

DROP TRIGGER messages_no_update;
CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages FOR EACH ROW
BEGIN
	IF NOT (@concierge_rekey <=> 1 AND NEW.id <=> OLD.id AND
	    NEW.thread_id <=> OLD.thread_id AND NEW.seq <=> OLD.seq AND
	    NEW.sender_id <=> OLD.sender_id AND
	    NEW.attachment_count <=> OLD.attachment_count AND
	    NEW.created_at <=> OLD.created_at AND
	    LENGTH(NEW.body) <=> LENGTH(OLD.body)) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'messages are never edited once sent';
	END IF;
END;

DROP TRIGGER lab_result_versions_no_update;
CREATE TRIGGER lab_result_versions_no_update BEFORE UPDATE ON lab_result_versions
FOR EACH ROW
BEGIN
	IF NOT (@concierge_rekey <=> 1 AND
	    NEW.lab_result_id <=> OLD.lab_result_id AND
	    NEW.version <=> OLD.version AND NEW.status <=> OLD.status AND
	    NEW.test_code <=> OLD.test_code AND NEW.test_name <=> OLD.test_name AND
	    NEW.units <=> OLD.units AND NEW.reference_range <=> OLD.reference_range AND
	    NEW.interpretation <=> OLD.interpretation AND
	    NEW.recorded_by <=> OLD.recorded_by AND
	    NEW.published_at <=> OLD.published_at AND
	    LENGTH(NEW.result_value) <=> LENGTH(OLD.result_value) AND
	    LENGTH(NEW.notes) <=> LENGTH(OLD.notes) AND
	    LENGTH(NEW.reason) <=> LENGTH(OLD.reason)) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'lab_result_versions is append-only';
	END IF;
END;

DROP TRIGGER video_session_events_no_update;
CREATE TRIGGER video_session_events_no_update BEFORE UPDATE ON video_session_events
FOR EACH ROW
BEGIN
	IF NOT (@concierge_rekey <=> 1 AND NEW.id <=> OLD.id AND
	    NEW.session_id <=> OLD.session_id AND NEW.type <=> OLD.type AND
	    NEW.actor_id <=> OLD.actor_id AND NEW.actor_role <=> OLD.actor_role AND
	    NEW.at <=> OLD.at AND NEW.recorded_at <=> OLD.recorded_at AND
	    NEW.amends_event_id <=> OLD.amends_event_id AND
	    LENGTH(NEW.detail) <=> LENGTH(OLD.detail) AND
	    LENGTH(NEW.notes) <=> LENGTH(OLD.notes)) THEN
		SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'video_session_events is append-only';
	END IF;
END;

-- The life cycle of 0009, with a re-seal of a result's sealed values as
-- the one change outside it.
DROP TRIGGER lab_results_life_cycle;
CREATE TRIGGER lab_results_life_cycle BEFORE UPDATE ON lab_results FOR EACH ROW
BEGIN
	DECLARE same_content INT DEFAULT
	    NEW.test_code <=> OLD.test_code AND NEW.test_name <=> OLD.test_name AND
	    NEW.result_value <=> OLD.result_value AND NEW.units <=> OLD.units AND
	    NEW.reference_range <=> OLD.reference_range AND
	    NEW.interpretation <=> OLD.interpretation AND NEW.notes <=> OLD.notes AND
	    NEW.ordered_by <=> OLD.ordered_by;
	DECLARE is_reseal INT DEFAULT
	    @concierge_rekey <=> 1 AND NEW.id <=> OLD.id AND
	    NEW.patient_id <=> OLD.patient_id AND NEW.ordered_by <=> OLD.ordered_by AND
	    NEW.created_by <=> OLD.created_by AND NEW.test_code <=> OLD.test_code AND
	    NEW.test_name <=> OLD.test_name AND NEW.units <=> OLD.units AND
	    NEW.reference_range <=> OLD.reference_range AND
	    NEW.interpretation <=> OLD.interpretation AND
	    NEW.attachment_ids <=> OLD.attachment_ids AND
	    NEW.status <=> OLD.status AND NEW.version <=> OLD.version AND
	    NEW.published_at <=> OLD.published_at AND
	    NEW.created_at <=> OLD.created_at AND
	    NEW.updated_at <=> OLD.updated_at AND NEW.updated_by <=> OLD.updated_by AND
	    LENGTH(NEW.result_value) <=> LENGTH(OLD.result_value) AND
	    LENGTH(NEW.notes) <=> LENGTH(OLD.notes);
	IF NOT is_reseal AND (NEW.id <> OLD.id OR NEW.patient_id <> OLD.patient_id OR
	    NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at OR
	    NOT ((OLD.status = 'preliminary' AND NEW.status = 'preliminary') OR
	    (OLD.status = 'preliminary' AND NEW.status = 'final' AND
	     NEW.version = 1 AND same_content) OR
	    (OLD.status = 'preliminary' AND NEW.status = 'cancelled' AND same_content) OR
	    (OLD.status IN ('final','amended') AND NEW.status = 'amended' AND
	     NEW.version = OLD.version + 1) OR
	    (OLD.status IN ('final','amended') AND NEW.status = 'entered_in_error' AND
	     NEW.version = OLD.version AND same_content))) THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'lab_results: not a step of the life cycle';
	END IF;
END;

-- The life cycle of 0009 for plans, with the same one exception.
DROP TRIGGER treatment_plans_life_cycle;
CREATE TRIGGER treatment_plans_life_cycle BEFORE UPDATE ON treatment_plans FOR EACH ROW
BEGIN
	DECLARE same_content INT DEFAULT
	    NEW.title <=> OLD.title AND NEW.details <=> OLD.details AND
	    NEW.goals <=> OLD.goals AND NEW.start_date <=> OLD.start_date AND
	    NEW.end_date <=> OLD.end_date;
	DECLARE is_reseal INT DEFAULT
	    @concierge_rekey <=> 1 AND NEW.id <=> OLD.id AND
	    NEW.patient_id <=> OLD.patient_id AND NEW.created_by <=> OLD.created_by AND
	    NEW.title <=> OLD.title AND NEW.status <=> OLD.status AND
	    NEW.start_date <=> OLD.start_date AND NEW.end_date <=> OLD.end_date AND
	    NEW.created_at <=> OLD.created_at AND NEW.updated_at <=> OLD.updated_at AND
	    NEW.updated_by <=> OLD.updated_by AND
	    LENGTH(NEW.details) <=> LENGTH(OLD.details) AND
	    LENGTH(NEW.goals) <=> LENGTH(OLD.goals);
	IF NOT is_reseal AND (NEW.id <> OLD.id OR NEW.patient_id <> OLD.patient_id OR
	    NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at OR
	    OLD.status = 'entered_in_error' OR
	    (OLD.status IN ('completed','revoked') AND
	     (NEW.status <> 'entered_in_error' OR NOT same_content)) OR
	    NOT (NEW.status = OLD.status OR
	    (OLD.status = 'draft' AND NEW.status = 'active') OR
	    (OLD.status = 'active' AND NEW.status = 'on_hold') OR
	    (OLD.status = 'on_hold' AND NEW.status = 'active') OR
	    (OLD.status IN ('active','on_hold') AND NEW.status IN ('completed','revoked')) OR
	    NEW.status = 'entered_in_error')) THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'treatment_plans: not a step of the life cycle';
	END IF;
END;
