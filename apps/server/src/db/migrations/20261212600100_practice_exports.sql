-- A whole-practice export (issue 14): an owner takes all the practice's data, for example when
-- leaving DentalPro. A background job builds the ZIP (every patient's copy from every data owner,
-- the practice's settings, CSV tables, a README), seals it with the practice's data key and keeps
-- it in the file store until it expires (7 days); the download opens it. The row holds ids,
-- counts and times, never the data.
CREATE TABLE practice_exports (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  requested_by uuid NOT NULL REFERENCES users (id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'building' CHECK (state IN ('building', 'ready', 'failed', 'expired')),
  -- The sealed ZIP in the file store, once built (removed when it expires).
  storage_key text,
  size_bytes bigint CHECK (size_bytes IS NULL OR size_bytes >= 0),
  patients integer CHECK (patients IS NULL OR patients >= 0),
  ready_at timestamptz,
  expires_at timestamptz NOT NULL,
  failure text CHECK (failure IS NULL OR length(failure) <= 200),
  downloads integer NOT NULL DEFAULT 0 CHECK (downloads >= 0),
  PRIMARY KEY (practice_id, id),
  CHECK ((state = 'ready') = (storage_key IS NOT NULL))
);
CREATE INDEX practice_exports_latest_idx ON practice_exports (practice_id, requested_at DESC);
-- One export built at a time per practice.
CREATE UNIQUE INDEX practice_exports_one_building_idx ON practice_exports (practice_id) WHERE state = 'building';

ALTER TABLE practice_exports ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON practice_exports USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON practice_exports TO dentalpro_app;
