-- Retention and erasure (modules/privacy, issue 14): each practice's retention periods (where it
-- lengthened a default), legal holds per patient, the record of each retention run, and the
-- receipt of each erasure. Rows hold ids, counts, dates and the staff's reasons; never a patient's
-- details or words.

-- A period a practice chose for a category (no row: the category's default). The floor is the
-- data owner's declaration, checked by the service: the database only knows it is positive.
CREATE TABLE retention_settings (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  category text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]{0,62}$'),
  days integer NOT NULL CHECK (days > 0 AND days <= 36500),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  PRIMARY KEY (practice_id, category)
);

-- A legal hold stops every purge and erasure of the patient's data until it is lifted (or its end
-- date passes). One hold in force per patient; lifted holds stay as history.
CREATE TABLE legal_holds (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  -- The last day it holds (in the practice's calendar), or null: until lifted.
  ends_on date,
  set_at timestamptz NOT NULL DEFAULT now(),
  set_by uuid REFERENCES users (id),
  lifted_at timestamptz,
  lifted_by uuid REFERENCES users (id),
  lift_reason text CHECK (lift_reason IS NULL OR length(lift_reason) BETWEEN 1 AND 2000),
  PRIMARY KEY (practice_id, id),
  -- A record removed for good takes its holds' history with it (a hold in force stops that first).
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id) ON DELETE CASCADE,
  CHECK ((lifted_at IS NULL) = (lift_reason IS NULL))
);
CREATE UNIQUE INDEX legal_holds_one_open_idx ON legal_holds (practice_id, patient_id) WHERE lifted_at IS NULL;

-- One run of the retention job (or a dry run from the CLI) for one practice: what each category
-- purged (or would have), by count.
CREATE TABLE retention_runs (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- The time the run counted from (the clock, or the one a test or the CLI passed).
  as_of timestamptz NOT NULL,
  dry_run boolean NOT NULL,
  -- [{ category, module, days, count, patients? , skipped? }]
  results jsonb NOT NULL,
  purged integer NOT NULL CHECK (purged >= 0),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX retention_runs_latest_idx ON retention_runs (practice_id, started_at DESC);

-- An erasure done for a deletion request: the receipt sent to the patient (kinds, counts, dates).
-- Safe to run twice: the second finds nothing more and records its own receipt.
CREATE TABLE patient_erasures (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL,
  request_id uuid,
  receipt jsonb NOT NULL,
  -- What the rules tied to the patient count from, as it was before the erasure (the calendar's
  -- rows and the date of birth may be anonymised by it): the last visit, and for a patient who was
  -- a minor at it, their 25th birthday.
  last_visit_at timestamptz,
  minor_until date,
  erased_at timestamptz NOT NULL DEFAULT now(),
  erased_by uuid REFERENCES users (id),
  PRIMARY KEY (practice_id, id)
);
CREATE INDEX patient_erasures_patient_idx ON patient_erasures (practice_id, patient_id);

ALTER TABLE retention_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient_erasures ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON retention_settings USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON legal_holds USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON retention_runs USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON patient_erasures USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON retention_settings, legal_holds, retention_runs, patient_erasures TO dentalpro_app;
