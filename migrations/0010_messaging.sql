-- 0010: secure messaging. Threads about one patient, their participants,
-- messages (append-only: a sent message is part of the clinical record)
-- and one receipt per message and recipient (sent -> delivered -> read).
-- Forward only: never edit once applied.
--
-- Subjects and bodies are sealed with lib/vault.h (AES-256-GCM under a
-- numbered data key; the sealed value names its key and is bound to
-- its column and row: "threads.subject" + thread id, "messages.body" +
-- message id). The *_key_id columns repeat the key id so that a rotation
-- job can tell which values to re-seal as it walks a table (no index:
-- rotation is rare and may scan; every message would pay for one).

CREATE TABLE threads (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	patient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	subject		VARBINARY(1024) NOT NULL,
	subject_key_id	INT UNSIGNED NOT NULL,
	created_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	-- the seq of the last message (messages are numbered 1, 2, ... per thread)
	message_count	INT UNSIGNED NOT NULL DEFAULT 0,
	last_message_at	DATETIME(6) NULL,
	PRIMARY KEY (id),
	KEY threads_patient (patient_id, created_at),
	CONSTRAINT threads_patient_fk FOREIGN KEY (patient_id) REFERENCES users (id),
	CONSTRAINT threads_creator_fk FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A participant who leaves keeps the row (left_at); one added again gets it
-- back. activity_at (the thread's last message, or when they joined) orders
-- each user's list of threads; unread_count is kept with the receipts in
-- the same transactions; notified_at is the last new_secure_message mail.
CREATE TABLE thread_participants (
	thread_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	added_by	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NULL,
	added_at	DATETIME(6) NOT NULL,
	left_at		DATETIME(6) NULL,
	activity_at	DATETIME(6) NOT NULL,
	unread_count	INT UNSIGNED NOT NULL DEFAULT 0,
	notified_at	DATETIME(6) NULL,
	PRIMARY KEY (thread_id, user_id),
	-- a user's threads, most recent activity first (InnoDB appends thread_id)
	KEY participants_user_activity (user_id, activity_at),
	CONSTRAINT participants_thread_fk FOREIGN KEY (thread_id) REFERENCES threads (id),
	CONSTRAINT participants_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE messages (
	id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	thread_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	seq		INT UNSIGNED NOT NULL,
	sender_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	body		BLOB NOT NULL,
	body_key_id	INT UNSIGNED NOT NULL,
	attachment_count TINYINT UNSIGNED NOT NULL DEFAULT 0,
	created_at	DATETIME(6) NOT NULL,
	-- Clustered by thread and number: a page of a thread, newest first or
	-- after a message, is one contiguous range of the table.
	PRIMARY KEY (thread_id, seq),
	UNIQUE KEY messages_id (id),
	CONSTRAINT messages_thread_fk FOREIGN KEY (thread_id) REFERENCES threads (id),
	CONSTRAINT messages_sender_fk FOREIGN KEY (sender_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Never edited or deleted once sent: the workers' role has no UPDATE or
-- DELETE, and these refuse them to every account, root included.
CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'messages are never edited once sent';
CREATE TRIGGER messages_no_delete BEFORE DELETE ON messages FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'messages are never deleted once sent';

-- Clustered by recipient, thread and number: a reader's receipts of a
-- page, and marking a thread read up to a message, are one contiguous
-- range; the sender's view of a page uses receipts_thread.
CREATE TABLE message_receipts (
	message_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	recipient_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	thread_id	CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	seq		INT UNSIGNED NOT NULL,
	status		ENUM('sent','delivered','read') NOT NULL DEFAULT 'sent',
	delivered_at	DATETIME(6) NULL,
	read_at		DATETIME(6) NULL,
	PRIMARY KEY (recipient_id, thread_id, seq),
	KEY receipts_thread (thread_id, seq),
	CHECK (status = 'sent' OR delivered_at IS NOT NULL),
	CHECK (status <> 'read' OR read_at IS NOT NULL),
	CONSTRAINT receipts_message_fk FOREIGN KEY (thread_id, seq)
	    REFERENCES messages (thread_id, seq),
	CONSTRAINT receipts_recipient_fk FOREIGN KEY (recipient_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A receipt only moves forward (sent -> delivered -> read), its times
-- once set never change, and it stays with its message and recipient.
CREATE TRIGGER receipts_forward_only BEFORE UPDATE ON message_receipts FOR EACH ROW
BEGIN
	IF NEW.status + 0 < OLD.status + 0 OR NEW.message_id <> OLD.message_id OR
	    NEW.recipient_id <> OLD.recipient_id OR NEW.thread_id <> OLD.thread_id OR
	    NEW.seq <> OLD.seq OR
	    (OLD.delivered_at IS NOT NULL AND NOT (NEW.delivered_at <=> OLD.delivered_at)) OR
	    (OLD.read_at IS NOT NULL AND NOT (NEW.read_at <=> OLD.read_at)) THEN
		SIGNAL SQLSTATE '45000'
		    SET MESSAGE_TEXT = 'a receipt only moves forward: sent, delivered, read';
	END IF;
END;
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON message_receipts FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'receipts are never deleted';

GRANT SELECT, INSERT, UPDATE ON threads TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON thread_participants TO concierge_worker;
GRANT SELECT, INSERT ON messages TO concierge_worker;
GRANT SELECT, INSERT, UPDATE ON message_receipts TO concierge_worker;
