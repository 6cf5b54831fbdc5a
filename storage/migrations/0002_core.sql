-- The core of a workspace: credentials, their grids, candidates,
-- submissions and gradings. Domain objects whose shape is rich and read as
-- a whole (a credential, a grid) are kept as JSON documents beside the
-- columns that queries need.

CREATE TABLE credentials (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	title      TEXT NOT NULL,
	data       TEXT NOT NULL,          -- jury.Credential as JSON
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

CREATE TABLE grids (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	version       INTEGER NOT NULL,
	fingerprint   TEXT NOT NULL,
	data          TEXT NOT NULL,       -- the grid in Certeval's JSON format
	frozen        INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	UNIQUE (credential_id, version)
);

CREATE TABLE candidates (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	ext_id        TEXT NOT NULL,       -- the identifier from the enrolment platform
	family_name   TEXT NOT NULL,
	given_names   TEXT NOT NULL,
	birth_date    TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	university    TEXT NOT NULL DEFAULT '',
	anon_code     TEXT NOT NULL,
	withdrawn     INTEGER NOT NULL DEFAULT 0,
	data          TEXT NOT NULL DEFAULT '{}', -- identity checks, consent, milestones
	purged_at     TEXT,
	UNIQUE (credential_id, ext_id),
	UNIQUE (credential_id, anon_code)
);

CREATE INDEX candidates_name ON candidates (credential_id, family_name, given_names);

-- Accommodations are health data: kept apart so that only the jury's
-- screens read them and a purge removes them whole.
CREATE TABLE accommodations (
	id           INTEGER PRIMARY KEY,
	candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
	data         TEXT NOT NULL          -- jury.Accommodation as JSON
);

CREATE INDEX accommodations_candidate ON accommodations (candidate_id);

-- A submission is a candidate's work for one sitting (1 first, 2 resit).
CREATE TABLE submissions (
	id           INTEGER PRIMARY KEY,
	candidate_id INTEGER NOT NULL REFERENCES candidates (id),
	sitting      INTEGER NOT NULL DEFAULT 1,
	submitted_at TEXT NOT NULL DEFAULT '',
	late         INTEGER NOT NULL DEFAULT 0,
	absence      INTEGER NOT NULL DEFAULT 0, -- jury.AbsenceKind
	UNIQUE (candidate_id, sitting)
);

CREATE TABLE submission_files (
	id            INTEGER PRIMARY KEY,
	submission_id INTEGER NOT NULL REFERENCES submissions (id),
	name          TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	size          INTEGER NOT NULL,
	submitted_at  TEXT NOT NULL,
	content       BLOB
);

-- A grading is one expert's judgement of one submission with one grid
-- version: the level chosen per criterion, comments and status.
CREATE TABLE gradings (
	id            INTEGER PRIMARY KEY,
	submission_id INTEGER NOT NULL REFERENCES submissions (id),
	grid_id       INTEGER NOT NULL REFERENCES grids (id),
	expert        TEXT NOT NULL,
	choices       TEXT NOT NULL,        -- JSON array of level indexes, -1 for none
	comments      TEXT NOT NULL DEFAULT '{}',
	feedback      TEXT NOT NULL DEFAULT '',
	status        INTEGER NOT NULL DEFAULT 0, -- 0 not started, 1 in progress, 2 submitted
	needs_regrade INTEGER NOT NULL DEFAULT 0,
	updated_at    TEXT NOT NULL,
	submitted_at  TEXT NOT NULL DEFAULT '',
	UNIQUE (submission_id, expert)
);

CREATE INDEX gradings_grid ON gradings (grid_id);
