-- Sign-in through the deployment's OpenID Connect provider, and the practice's sign-in policy.

-- A provider account linked to a staff account: the provider's subject (`sub`) is the stable key,
-- never the email (an address can change hands at the provider). One account per provider subject,
-- one provider subject per account and issuer.
CREATE TABLE user_identities (
  issuer text NOT NULL,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- The verified address the provider gave at linking, to show the user which account it is.
  email text NOT NULL DEFAULT '',
  linked_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  PRIMARY KEY (issuer, subject)
);
CREATE UNIQUE INDEX user_identities_user_issuer_key ON user_identities (user_id, issuer);

-- A sign-in started at the provider and not yet back: state, nonce and PKCE verifier kept here,
-- keyed by a hash of the state, and bound to the browser that started it (a hash of a random value
-- in a short-lived cookie). Deleted when the callback uses it: a replayed callback finds nothing.
CREATE TABLE oidc_sign_in_requests (
  state_hash bytea PRIMARY KEY,
  browser_hash bytea NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('sign_in', 'link', 'invitation')),
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  -- link: the signed-in account that asked (after re-entering its password).
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  -- invitation: the invitation's token, as the invitation link carries it (its hash is the key there).
  invitation_token text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK ((purpose = 'link') = (user_id IS NOT NULL)),
  CHECK ((purpose = 'invitation') = (invitation_token IS NOT NULL))
);
CREATE INDEX oidc_sign_in_requests_expiry_idx ON oidc_sign_in_requests (expires_at);

-- A session that must enrol two-step first (practice policy): it can do nothing else until then.
ALTER TABLE sessions ADD COLUMN mfa_enrolment_required boolean NOT NULL DEFAULT false;

-- The practice's sign-in policy for its members. Off: members sign in through the provider only.
ALTER TABLE practices
  ADD COLUMN password_sign_in_allowed boolean NOT NULL DEFAULT true,
  ADD COLUMN two_step_required_for_passwords boolean NOT NULL DEFAULT false;

GRANT SELECT, INSERT, UPDATE, DELETE ON user_identities, oidc_sign_in_requests TO dentalpro_app;
