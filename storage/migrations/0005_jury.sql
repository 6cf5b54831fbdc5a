-- The jury: its meetings, the versions of its deliberations, the names
-- revealed after blind grading, and the register of appeals.

-- A meeting is the current session of the jury for one sitting of a
-- credential. Each deliberation version keeps its own copy, so changing
-- the meeting never alters a closed version.
CREATE TABLE meetings (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	sitting       INTEGER NOT NULL,
	date          TEXT NOT NULL,
	place         TEXT NOT NULL DEFAULT '',
	remote        INTEGER NOT NULL DEFAULT 0,
	quorum        INTEGER NOT NULL DEFAULT 1,
	members       TEXT NOT NULL DEFAULT '[]', -- []jury.MeetingMember as JSON
	updated_at    TEXT NOT NULL,
	UNIQUE (credential_id, sitting)
);

-- A deliberation row is one version. A closed version is final: the
-- triggers below refuse to change or remove it, and reopening inserts a
-- new version naming the one it replaces.
CREATE TABLE deliberations (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	sitting       INTEGER NOT NULL,
	version       INTEGER NOT NULL,
	replaces      INTEGER NOT NULL DEFAULT 0,
	state         INTEGER NOT NULL DEFAULT 0, -- jury.State: 0 open, 1 closed
	data          TEXT NOT NULL,              -- jury.Deliberation as JSON
	fingerprint   TEXT NOT NULL DEFAULT '',
	closed_by     TEXT NOT NULL DEFAULT '',
	closed_at     TEXT NOT NULL DEFAULT '',
	signer_cert   TEXT NOT NULL DEFAULT '',   -- PEM of the signing certificate
	signature     BLOB,                       -- seal.Sign over the fingerprint
	reopen_reason TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	UNIQUE (credential_id, sitting, version)
);

CREATE TRIGGER deliberations_closed_no_update BEFORE UPDATE ON deliberations
WHEN OLD.state = 1
BEGIN
	SELECT RAISE(ABORT, 'a closed deliberation cannot be changed: reopen it');
END;

CREATE TRIGGER deliberations_closed_no_delete BEFORE DELETE ON deliberations
WHEN OLD.state = 1
BEGIN
	SELECT RAISE(ABORT, 'a closed deliberation cannot be removed');
END;

-- Names stay hidden behind anonymous codes until the president reveals
-- them, once per sitting.
CREATE TABLE jury_reveals (
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	sitting       INTEGER NOT NULL,
	revealed_by   TEXT NOT NULL,
	revealed_at   TEXT NOT NULL,
	PRIMARY KEY (credential_id, sitting)
);

-- The register of appeals (recours). A late appeal is recorded and
-- flagged, never refused.
CREATE TABLE appeals (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	candidate_id  INTEGER NOT NULL REFERENCES candidates (id),
	sitting       INTEGER NOT NULL,
	version       INTEGER NOT NULL,           -- the contested version
	filed_at      TEXT NOT NULL,
	grounds       TEXT NOT NULL,
	late          INTEGER NOT NULL DEFAULT 0,
	days_late     INTEGER NOT NULL DEFAULT 0,
	status        INTEGER NOT NULL DEFAULT 0, -- jury.AppealStatus
	reviewer      TEXT NOT NULL DEFAULT '',
	revised       TEXT NOT NULL DEFAULT '',   -- outcome code of an upheld appeal
	decided_at    TEXT NOT NULL DEFAULT '',
	reason        TEXT NOT NULL DEFAULT '',
	new_version   INTEGER NOT NULL DEFAULT 0, -- the version an upheld appeal made
	recorded_at   TEXT NOT NULL
);

CREATE INDEX appeals_credential ON appeals (credential_id, sitting);

CREATE TRIGGER appeals_decided_no_update BEFORE UPDATE ON appeals
WHEN OLD.status <> 0
BEGIN
	SELECT RAISE(ABORT, 'a decided appeal cannot be changed');
END;
