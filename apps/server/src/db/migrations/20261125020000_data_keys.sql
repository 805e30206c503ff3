-- Per-practice data keys for application-level encryption of clinical data. Each key is stored
-- wrapped (AES-256-GCM) by the master ENCRYPTION_KEY; `master_key_id` says which master wrapped
-- it, so `keys rotate` can re-wrap after the master changes. A practice may have several
-- versions: new data uses the newest, old data names the version it was sealed with.
CREATE TABLE practice_data_keys (
  practice_id uuid NOT NULL REFERENCES practices (id),
  version integer NOT NULL CHECK (version > 0),
  wrapped_key bytea NOT NULL,
  master_key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, version)
);
ALTER TABLE practice_data_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON practice_data_keys USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON practice_data_keys TO dentalpro_app;
