-- A practice's own OpenID Connect provider (issue 15): beside or instead of the deployment's, for
-- its members whose work email is in the domains it serves. The client secret is sealed with the
-- practice's data key (platform/data-keys.ts); the row never holds it in the clear.
CREATE TABLE practice_identity_providers (
  practice_id uuid PRIMARY KEY REFERENCES practices (id),
  issuer text NOT NULL CHECK (length(issuer) BETWEEN 8 AND 500),
  client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
  client_secret_encrypted bytea NOT NULL,
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The email domains a practice's provider serves: "Sign in with your practice's account" finds the
-- provider by the domain of the address typed. One practice per domain, so the answer is never ambiguous.
CREATE TABLE practice_sign_in_domains (
  domain text PRIMARY KEY CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
  practice_id uuid NOT NULL REFERENCES practice_identity_providers (practice_id) ON DELETE CASCADE
);
CREATE INDEX practice_sign_in_domains_practice_idx ON practice_sign_in_domains (practice_id);

ALTER TABLE practice_identity_providers ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON practice_identity_providers USING (practice_id = current_practice_id());
ALTER TABLE practice_sign_in_domains ENABLE ROW LEVEL SECURITY;
-- A practice sees its own domains, and may learn that a domain is taken (the unique key says so anyway).
CREATE POLICY practice_isolation ON practice_sign_in_domains USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON practice_identity_providers, practice_sign_in_domains TO dentalpro_app;

-- A sign-in started at a practice's provider comes back to that provider: the request records which.
ALTER TABLE oidc_sign_in_requests
  ADD COLUMN practice_id uuid REFERENCES practices (id) ON DELETE CASCADE;
