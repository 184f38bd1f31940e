-- 0020: persisted GraphQL documents (docs/GRAPHQL.md, "Persisted queries").
--
-- A client may send a document's SHA-256 instead of the document
-- (extensions.persistedQuery.sha256Hash, the protocol Apollo clients
-- speak). The first time, it sends both; the worker checks the hash
-- against the text, and stores a document only after it parsed and
-- validated, so the table holds valid documents of at most
-- graphql.max_bytes each, keyed by their own hash. A document carries
-- no data: it is the text of a query, not its variables or results.
CREATE TABLE graphql_documents (
	sha256		CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	document	MEDIUMTEXT NOT NULL,
	created_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

GRANT SELECT, INSERT ON graphql_documents TO concierge_worker;
