-- Offline grading: who grades what, the experts' keys, the packages
-- imported, their conflicts, agreed gradings of double marking, third
-- grading requests, names revealed on the grading desk and the comment
-- bank.

-- revision counts the changes an expert saved on a grading, as packages
-- carry it.
ALTER TABLE gradings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- An allotment gives one submission to one expert (named by the key
-- identifier of their signing key); double marking allots it to two.
CREATE TABLE allotments (
	submission_id INTEGER NOT NULL REFERENCES submissions (id),
	expert        TEXT NOT NULL,
	allotted_at   TEXT NOT NULL,
	PRIMARY KEY (submission_id, expert)
);

CREATE INDEX allotments_expert ON allotments (expert);

-- The keys whose packages the workspace accepts. role is "expert" or
-- "president"; origin is "registered" (added by hand) or "first-use" (the
-- president's key of an assignment, trusted the first time it was seen
-- for that credential). credential is '' for a key valid for every one.
CREATE TABLE package_keys (
	key_id     TEXT NOT NULL,
	credential TEXT NOT NULL DEFAULT '',
	role       TEXT NOT NULL,
	name       TEXT NOT NULL,
	cert       TEXT NOT NULL,          -- PEM
	origin     TEXT NOT NULL,
	added_at   TEXT NOT NULL,
	PRIMARY KEY (key_id, credential, role)
);

-- The last package imported of one kind, from or for one expert, for one
-- credential (parcel.Seen), so that an older one replayed is refused.
CREATE TABLE packages_seen (
	credential  TEXT NOT NULL,
	expert      TEXT NOT NULL,
	kind        TEXT NOT NULL,
	package_id  TEXT NOT NULL,
	sequence    INTEGER NOT NULL,
	digest      TEXT NOT NULL,
	imported_at TEXT NOT NULL,
	PRIMARY KEY (credential, expert, kind)
);

-- The next sequence number of the packages this workspace writes.
CREATE TABLE packages_sent (
	credential TEXT NOT NULL,
	expert     TEXT NOT NULL,
	kind       TEXT NOT NULL,
	sequence   INTEGER NOT NULL,
	PRIMARY KEY (credential, expert, kind)
);

-- An incoming grading that differs from the one held: kept beside it,
-- never written over it, until the jury president keeps one.
CREATE TABLE grading_conflicts (
	id            INTEGER PRIMARY KEY,
	submission_id INTEGER NOT NULL REFERENCES submissions (id),
	expert        TEXT NOT NULL,
	held          TEXT NOT NULL,       -- grading.Grading as JSON
	incoming      TEXT NOT NULL,       -- grading.Grading as JSON
	package_id    TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	resolution    TEXT NOT NULL DEFAULT '', -- '', 'held' or 'incoming'
	resolved_at   TEXT NOT NULL DEFAULT '',
	UNIQUE (submission_id, expert, incoming)
);

-- The grading the experts agreed on after a discrepancy, or because the
-- rule asks for one. It gives the submission's mark.
CREATE TABLE agreements (
	submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
	grid_id       INTEGER NOT NULL REFERENCES grids (id),
	choices       TEXT NOT NULL,       -- JSON array of level indexes
	reason        TEXT NOT NULL,
	agreed_by     TEXT NOT NULL,
	agreed_at     TEXT NOT NULL
);

-- A request for a third expert to grade a submission whose gradings
-- differ beyond the thresholds.
CREATE TABLE third_gradings (
	submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
	expert        TEXT NOT NULL DEFAULT '',
	reason        TEXT NOT NULL,
	requested_by  TEXT NOT NULL,
	requested_at  TEXT NOT NULL
);

-- Names the jury president revealed on the grading desk, one submission
-- at a time, while grading is blind.
CREATE TABLE grading_reveals (
	submission_id INTEGER PRIMARY KEY REFERENCES submissions (id),
	revealed_by   TEXT NOT NULL,
	revealed_at   TEXT NOT NULL
);

-- Reusable comments per criterion of a credential's grid.
CREATE TABLE comment_bank (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credentials (id),
	criterion     TEXT NOT NULL,
	text          TEXT NOT NULL,
	UNIQUE (credential_id, criterion, text)
);
