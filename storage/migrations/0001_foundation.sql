-- The foundation: workspace metadata and the tamper-evident audit trail.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- audit_events is append-only. Each row carries the SHA-256 of the previous
-- row (prev_hash) and its own hash over its canonical content, so any edit
-- behind the application's back breaks the chain. before/after are stored as
-- the SHA-256 of their JSON text; the text itself lives in audit_payloads so
-- that a purge of personal data can remove it without breaking the chain.
CREATE TABLE audit_events (
	seq        INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL,
	before_sha TEXT NOT NULL,
	after_sha  TEXT NOT NULL,
	reason     TEXT NOT NULL,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE
);

CREATE INDEX audit_events_entity ON audit_events (entity);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TABLE audit_payloads (
	sha     TEXT PRIMARY KEY,
	content TEXT NOT NULL
);

CREATE TRIGGER audit_payloads_no_update BEFORE UPDATE ON audit_payloads
BEGIN
	SELECT RAISE(ABORT, 'audit payloads cannot be changed');
END;

-- Payloads removed by a purge are listed here, so that the check can tell a
-- purge from a deletion behind the application's back.
CREATE TABLE audit_purged (
	sha       TEXT PRIMARY KEY,
	purged_at TEXT NOT NULL
);
