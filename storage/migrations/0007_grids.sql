-- Gradings are history. When a frozen grid gets a new version and its
-- gradings carry over, each grading is re-pointed to the new version and
-- its state under the old version is kept here, so that what an expert
-- gave under which grid is never lost. (gradings allows one row per
-- submission and expert, so the copy cannot live in gradings itself.)
CREATE TABLE grading_history (
	id            INTEGER PRIMARY KEY,
	grading_id    INTEGER NOT NULL REFERENCES gradings (id),
	grid_id       INTEGER NOT NULL REFERENCES grids (id),
	expert        TEXT NOT NULL,
	choices       TEXT NOT NULL,
	comments      TEXT NOT NULL,
	feedback      TEXT NOT NULL,
	status        INTEGER NOT NULL,
	needs_regrade INTEGER NOT NULL,
	updated_at    TEXT NOT NULL,
	submitted_at  TEXT NOT NULL,
	archived_at   TEXT NOT NULL,
	cause         TEXT NOT NULL           -- e.g. "grid.version"
);

CREATE INDEX grading_history_grading ON grading_history (grading_id);
