-- Foundation: practices, staff accounts, sessions, login throttling and the audit trail.

CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Practice-scoped work runs as this role, which owns nothing, so row-level security applies
-- even when the connecting user is a superuser (PGlite's default user is one).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dentalpro_app') THEN
    CREATE ROLE dentalpro_app NOLOGIN;
  END IF;
END
$$;
GRANT dentalpro_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO dentalpro_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dentalpro_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO dentalpro_app;

-- The practice of the current transaction, or NULL when none is set.
CREATE FUNCTION current_practice_id() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.practice_id', true), '')::uuid $$;

CREATE TABLE practices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
  address text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  email text NOT NULL DEFAULT '',
  time_zone text NOT NULL DEFAULT 'Indian/Mauritius',
  default_language text NOT NULL DEFAULT 'en' CHECK (default_language IN ('en', 'fr')),
  currency char(3) NOT NULL DEFAULT 'MUR',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  name text NOT NULL,
  phone text NOT NULL DEFAULT '',
  language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  password_hash text NOT NULL,
  -- TOTP secret, AES-256-GCM under ENCRYPTION_KEY; enabled once the first code is confirmed.
  mfa_secret_encrypted bytea,
  mfa_enabled_at timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
  practice_id uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'dentist', 'hygienist', 'receptionist')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email)),
  role text NOT NULL CHECK (role IN ('owner', 'dentist', 'hygienist', 'receptionist')),
  token_hash bytea NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz
);
-- One open invitation per person and practice; a new one replaces (revokes) the old.
CREATE UNIQUE INDEX invitations_open_key ON invitations (practice_id, email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- HMAC-SHA256 of the cookie token under SESSION_SECRET: a database dump holds no usable session.
  token_hash bytea NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Password accepted, second factor still due: the session can do nothing but finish login.
  mfa_pending boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE mfa_recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE password_reset_tokens (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);

-- Every login attempt, for throttling per account and per address.
CREATE TABLE login_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  ip text NOT NULL,
  succeeded boolean NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, attempted_at DESC);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, attempted_at DESC);

-- The audit trail: append-only and hash-chained per practice. Each event's hash covers its
-- content and the previous event's hash, so an edited, removed or reordered event is found.
CREATE TABLE audit_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  seq bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  actor_user_id uuid,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  request_id text,
  changes jsonb NOT NULL DEFAULT '{}',
  prev_hash bytea,
  hash bytea NOT NULL,
  UNIQUE (practice_id, seq)
);
CREATE INDEX audit_events_practice_time_idx ON audit_events (practice_id, occurred_at DESC);
CREATE INDEX audit_events_target_idx ON audit_events (practice_id, target_type, target_id);

-- The head of each practice's chain; its row lock serialises appends within a practice.
CREATE TABLE audit_chain_heads (
  practice_id uuid PRIMARY KEY REFERENCES practices (id),
  last_seq bigint NOT NULL DEFAULT 0,
  last_hash bytea
);

CREATE FUNCTION audit_events_are_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dentalpro_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dentalpro_app;
REVOKE UPDATE, DELETE ON audit_events FROM dentalpro_app;

-- Row-level security on everything that belongs to one practice.
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON memberships USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON invitations USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON audit_events USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON audit_chain_heads USING (practice_id = current_practice_id());
