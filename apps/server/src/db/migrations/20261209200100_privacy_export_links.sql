-- A patient's link to the copy of their data (issue 14): the token's hash only, seven days of life,
-- a one-time code sent to the WhatsApp number on file, and the one browser the code bound it to.

CREATE TABLE privacy_export_links (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL,
  token_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  code_hash text,
  code_expires_at timestamptz,
  code_attempts integer NOT NULL DEFAULT 0,
  -- The hash of the secret in the browser's cookie, once a correct code bound the link to it.
  bound_hash text,
  bound_at timestamptz,
  downloads integer NOT NULL DEFAULT 0,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, request_id) REFERENCES privacy_requests (practice_id, id)
);
ALTER TABLE privacy_export_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON privacy_export_links USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON privacy_export_links TO dentalpro_app;
