-- Enrolment: when each candidate was enrolled, from which the retention
-- of their personal data is counted (with their later activity).

ALTER TABLE candidates ADD COLUMN enrolled_at TEXT NOT NULL DEFAULT '';
