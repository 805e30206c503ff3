-- The consent ledger (modules/consent): every grant and withdrawal of a patient's consent to be
-- contacted, per channel (whatsapp, email) and purpose (appointments: reminders, confirmations and
-- the waitlist offers they asked for; recalls: recalls and the practice's announcements), with
-- when, how (source), by whom, and the exact words shown to the patient. Append-only: the current
-- state is the latest row of (patient, channel, purpose); no row means the documented default
-- (docs/consent.md). Rows are never changed, save the patient they belong to on a merge.
CREATE TABLE consent_events (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
  purpose text NOT NULL CHECK (purpose IN ('appointments', 'recalls')),
  granted boolean NOT NULL,
  source text NOT NULL CHECK (source IN ('staff', 'whatsapp_keyword', 'assistant', 'import', 'patient_request')),
  -- The member who recorded it (staff, import, patient_request); null when the patient did it on WhatsApp.
  actor_user_id uuid REFERENCES users (id),
  -- The words shown or read to the patient (or their own words: a STOP), and their language.
  wording text NOT NULL CHECK (length(wording) BETWEEN 1 AND 4000),
  language text CHECK (language IN ('en', 'fr', 'mfe')),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Orders rows recorded in the same instant (a STOP then START in one batch).
  seq bigserial NOT NULL,
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id)
);
CREATE INDEX consent_events_latest_idx ON consent_events (practice_id, patient_id, channel, purpose, recorded_at DESC, seq DESC);

-- Append-only: a row may only change hands on a merge (its patient), never its content.
CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.practice_id, NEW.id, NEW.channel, NEW.purpose, NEW.granted, NEW.source, NEW.actor_user_id,
      NEW.wording, NEW.language, NEW.recorded_at, NEW.seq)
     IS DISTINCT FROM
     (OLD.practice_id, OLD.id, OLD.channel, OLD.purpose, OLD.granted, OLD.source, OLD.actor_user_id,
      OLD.wording, OLD.language, OLD.recorded_at, OLD.seq) THEN
    RAISE EXCEPTION 'consent_events is append-only' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

ALTER TABLE consent_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON consent_events USING (practice_id = current_practice_id());
-- UPDATE for a merge only (the trigger refuses anything else); DELETE for an erasure only.
GRANT SELECT, INSERT, UPDATE, DELETE ON consent_events TO dentalpro_app;
GRANT USAGE ON SEQUENCE consent_events_seq_seq TO dentalpro_app;

-- What the booking assistant already recorded in the chat moves into the ledger (WhatsApp,
-- appointment messages), with its words and language.
INSERT INTO consent_events (practice_id, patient_id, channel, purpose, granted, source, wording, language, recorded_at)
SELECT c.practice_id, c.patient_id, 'whatsapp', 'appointments', c.granted, 'assistant', c.wording,
       CASE WHEN c.language IN ('en', 'fr', 'mfe') THEN c.language END, c.given_at
FROM assistant_consents c
JOIN patients p ON p.practice_id = c.practice_id AND p.id = c.patient_id
WHERE c.patient_id IS NOT NULL AND length(c.wording) BETWEEN 1 AND 4000
ORDER BY c.given_at;
