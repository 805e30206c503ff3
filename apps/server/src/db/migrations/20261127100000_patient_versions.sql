-- Optimistic concurrency for patient edits: every write to a patient's record moves its version
-- on, in the same UPDATE that checks the version the edit started from
-- (... SET version = version + 1 WHERE id = $1 AND version = $2), so of two desks saving the
-- same version the database lets exactly one through.
ALTER TABLE patients ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
