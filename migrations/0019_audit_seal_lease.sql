-- 0019: one sealer at a time across a cluster (docs/AUDIT.md, docs/SCALING.md).
--
-- The sealer used to keep to one instance with GET_LOCK alone, which is
-- local to a server: on a Galera cluster a sealer on each node would both
-- run. The lease is one row that Galera replicates. A sealer first takes
-- the node-local GET_LOCK (released by the server the moment its holder's
-- connection dies), then this row: free, expired, or held by a sealer of
-- its own node (which, since it now holds that node's lock, is gone).
-- Every seal pass renews the row in its own transaction, naming itself as
-- the holder: a sealer whose lease was taken over writes nothing more, and
-- two takeovers of one expired lease on two nodes conflict at
-- certification, so only one commits.
CREATE TABLE audit_seal_lease (
	id		TINYINT UNSIGNED NOT NULL,
	holder		VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	taken_at	DATETIME(6) NULL,
	expires_at	DATETIME(6) NULL,
	PRIMARY KEY (id),
	CONSTRAINT audit_seal_lease_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO audit_seal_lease (id) VALUES (1);

GRANT SELECT, UPDATE ON audit_seal_lease TO concierge_sealer;
