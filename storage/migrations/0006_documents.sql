-- The register of issued documents: every signed document or export that
-- left the workspace, the issuers the workspace trusts, and revocations.
-- The register names no one: a candidate is named by the enrolment
-- identifier only, so entries outlive a purge of personal data.

CREATE TABLE documents (
	id          TEXT PRIMARY KEY,          -- "CE-2026-ABCD-EFGH"
	kind        TEXT NOT NULL,             -- certificate, results, minutes, letter, badge, export
	credential  TEXT NOT NULL,             -- the credential's code
	candidate   TEXT NOT NULL DEFAULT '',  -- the candidate's enrolment identifier, or ''
	sha256      TEXT NOT NULL,             -- of the signed bytes, hex
	issued_at   TEXT NOT NULL,
	key_id      TEXT NOT NULL,             -- seal.KeyID of the signer
	signer_cert TEXT NOT NULL,             -- PEM
	file_name   TEXT NOT NULL
);

CREATE INDEX documents_sha256 ON documents (sha256);

CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN
	SELECT RAISE(ABORT, 'an issued document cannot be changed: revoke it');
END;

CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN
	SELECT RAISE(ABORT, 'an issued document cannot be removed: revoke it');
END;

-- Certificates whose signatures the workspace accepts.
CREATE TABLE trusted_issuers (
	key_id   TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	cert     TEXT NOT NULL,                -- PEM
	added_at TEXT NOT NULL
);

CREATE TABLE revocations (
	document_id TEXT PRIMARY KEY REFERENCES documents (id),
	reason      TEXT NOT NULL,
	revoked_at  TEXT NOT NULL,
	revoked_by  TEXT NOT NULL
);
