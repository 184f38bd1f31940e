-- 0017: booking fences, for multi-primary clusters (docs/SCALING.md).
--
-- A booking locks the provider's and the patient's profile rows
-- (SELECT ... FOR UPDATE) and then checks for overlaps. On one server the
-- locks serialise competing bookings. On a Galera cluster they do not:
-- row locks are local to a node and are not part of the write set, so two
-- bookings of one slot on two nodes both pass their overlap check, insert
-- different rows and both certify. Every booking and reschedule therefore
-- also writes the fence rows of its provider and its patient, inside the
-- same transaction: two competing write sets now touch a common row, the
-- one certified second is aborted (ER_LOCK_DEADLOCK at COMMIT), and the
-- retry sees the winner's row and answers 409.
CREATE TABLE booking_fences (
	user_id		CHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	version		BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

GRANT SELECT, INSERT, UPDATE ON booking_fences TO concierge_worker;
