-- A grid may be kept as a draft while it does not validate yet (an ORA2
-- rubric whose criteria name no competency, a grid half-built in the
-- editor). A draft is never frozen, never graded, and the credential's
-- assessment rules do not refer to it. Saving a valid grid clears it.
ALTER TABLE grids ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;
