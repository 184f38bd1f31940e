-- 0017: booking fences, for multi-primary clusters (docs/SCALING.md).
--
-- A booking locks the provider's and the patient's profile rows
-- (SELECT ... FOR UPDATE) and then checks for overlaps. On one server the
-- locks serialise competing bookings. On a Galera cluster they do not:
-- row locks are local to a node and are not part of the write set, so two
-- bookings of one slot on two nodes both pass their overlap check, insert
-- different rows and both certify. Every booking and reschedule therefore
-- also bumps booking_version of the two profile rows it locked, in the
-- same transaction: two competing write sets now update a common row, the
-- one certified second is aborted (ER_LOCK_DEADLOCK, at COMMIT or at its
-- next statement), and the retry sees the winner's row and answers 409.
-- (A separate fence table written by INSERT ... ON DUPLICATE KEY UPDATE
-- was tried first: under load it let a double booking through; updates of
-- a row that always exists conflict every time.)
ALTER TABLE provider_profiles
	ADD COLUMN booking_version BIGINT UNSIGNED NOT NULL DEFAULT 0;
ALTER TABLE patient_profiles
	ADD COLUMN booking_version BIGINT UNSIGNED NOT NULL DEFAULT 0;
