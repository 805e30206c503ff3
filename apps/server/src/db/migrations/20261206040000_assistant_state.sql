-- The booking assistant (modules/assistant): where each WhatsApp conversation stands, the times
-- it offered, and the consent patients gave it.

-- One row per conversation the assistant has spoken in. `state` is the conversation's State
-- (assistant.types.ts) as JSON, so a restart carries on where it was. `busy_until` is a lease:
-- the handler of a message holds it while it works, so two messages of one patient are answered
-- one after the other; a crashed handler's lease runs out and its message is handled again.
CREATE TABLE assistant_conversations (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  conversation_id uuid NOT NULL,
  state jsonb NOT NULL,
  -- The last messages handled (their ids, newest last): a message is answered once.
  handled_message_ids uuid[] NOT NULL DEFAULT '{}',
  busy_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, conversation_id),
  FOREIGN KEY (practice_id, conversation_id) REFERENCES whatsapp_conversations (practice_id, id)
);

-- A time offered in a list: the row carries only the handle, never the time, so a patient cannot
-- edit what they book. Kept a week, so a tap on an old list can be checked again.
CREATE TABLE assistant_offers (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  handle text NOT NULL CHECK (handle ~ '^[a-z0-9]{6,16}$'),
  conversation_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  appointment_type_id uuid NOT NULL,
  provider_id uuid NOT NULL,
  chair_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  -- Reschedule: the appointment the time is offered for.
  appointment_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, handle),
  FOREIGN KEY (practice_id, conversation_id) REFERENCES whatsapp_conversations (practice_id, id)
);
CREATE INDEX assistant_offers_created_idx ON assistant_offers (created_at);

-- Consent to be contacted on WhatsApp, given (or refused) in the chat before a first booking:
-- the words shown and the answer, with its time.
CREATE TABLE assistant_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  conversation_id uuid NOT NULL,
  patient_id uuid,
  granted boolean NOT NULL,
  wording text NOT NULL,
  language text NOT NULL,
  given_at timestamptz NOT NULL,
  FOREIGN KEY (practice_id, conversation_id) REFERENCES whatsapp_conversations (practice_id, id)
);
CREATE INDEX assistant_consents_patient_idx ON assistant_consents (practice_id, patient_id);

ALTER TABLE assistant_conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE assistant_offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE assistant_consents ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON assistant_conversations USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON assistant_offers USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON assistant_consents USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON assistant_conversations, assistant_offers, assistant_consents TO dentalpro_app;
