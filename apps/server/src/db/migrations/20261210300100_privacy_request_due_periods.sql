-- The months a practice gives itself to answer a rights request, as they were from each change on
-- (issue 14): a request's due date follows the period in force when it was received, so a change
-- applies to requests received after it and a letter recorded late keeps the period of its day.
-- privacy_request_settings keeps the current choice; this table keeps each one from its start.
CREATE TABLE privacy_request_due_periods (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  from_at timestamptz NOT NULL,
  due_months integer NOT NULL CHECK (due_months BETWEEN 1 AND 3),
  set_by uuid REFERENCES users (id),
  PRIMARY KEY (practice_id, from_at)
);
ALTER TABLE privacy_request_due_periods ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON privacy_request_due_periods USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON privacy_request_due_periods TO dentalpro_app;

-- A choice made before this table (there was no screen for it) held for every request.
INSERT INTO privacy_request_due_periods (practice_id, from_at, due_months)
  SELECT practice_id, timestamptz '1970-01-01 00:00:00+00', due_months FROM privacy_request_settings;

ALTER TABLE privacy_request_settings ADD COLUMN updated_by uuid REFERENCES users (id);
