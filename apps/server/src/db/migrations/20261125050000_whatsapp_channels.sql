-- A practice's WhatsApp Business number (Cloud API). Webhooks name the number by
-- phone_number_id, so it is unique across the deployment: it says which practice a message is for.
CREATE TABLE whatsapp_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  phone_number_id text NOT NULL UNIQUE CHECK (phone_number_id ~ '^[0-9]{5,32}$'),
  display_phone_number text NOT NULL DEFAULT '',
  waba_id text NOT NULL DEFAULT '',
  -- The Graph API token, sealed with the practice's data key; NULL until an owner sets one.
  access_token_encrypted bytea,
  throughput_per_second integer NOT NULL DEFAULT 80 CHECK (throughput_per_second BETWEEN 1 AND 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_channels_practice_idx ON whatsapp_channels (practice_id);
ALTER TABLE whatsapp_channels ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON whatsapp_channels USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON whatsapp_channels TO dentalpro_app;
