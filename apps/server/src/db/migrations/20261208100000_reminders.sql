-- Appointment reminders (modules/reminders): each practice's rules, and one row per reminder
-- planned for an appointment (by rule and by the start it was planned for), saying what became of
-- it. Rows hold ids and times only; the message itself is messaging's (whatsapp_messages), which
-- also says whether it was delivered, read or failed.

-- Settings → Reminders. No row: the defaults (on; the day before with 24 h lead time, and 2 h
-- before; quiet 20:00–08:00).
CREATE TABLE reminder_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  enabled boolean NOT NULL DEFAULT true,
  -- [{ offsetMinutes, appointmentTypeIds (null: all), minLeadMinutes }], checked by the service.
  rules jsonb NOT NULL,
  quiet_start text CHECK (quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_end text CHECK (quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id),
  CHECK ((quiet_start IS NULL) = (quiet_end IS NULL)),
  CHECK (quiet_start IS NULL OR quiet_start <> quiet_end)
);

-- One reminder of one appointment under one rule, for the start it had when planned: the key that
-- makes a reminder go at most once. A move leaves the old row skipped ('moved') and plans a new one.
CREATE TABLE appointment_reminders (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  appointment_id uuid NOT NULL,
  patient_id uuid,
  offset_minutes integer NOT NULL CHECK (offset_minutes > 0),
  appointment_start timestamptz NOT NULL,
  -- When it is to go; later than start - offset when quiet hours put it off.
  due_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'sent', 'skipped')),
  reason text,
  -- The WhatsApp message that carried it (one message may carry a family's reminders of a day).
  message_id uuid,
  -- The other appointments that message named.
  shared_with uuid[] NOT NULL DEFAULT '{}',
  state_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, appointment_id, offset_minutes, appointment_start),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  CHECK (state <> 'skipped' OR reason IS NOT NULL),
  CHECK (state <> 'sent' OR message_id IS NOT NULL)
);
CREATE INDEX appointment_reminders_patient_idx ON appointment_reminders (practice_id, patient_id) WHERE patient_id IS NOT NULL;
CREATE INDEX appointment_reminders_planned_idx ON appointment_reminders (practice_id, due_at) WHERE state = 'planned';
CREATE INDEX appointment_reminders_start_idx ON appointment_reminders (appointment_start);

ALTER TABLE reminder_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointment_reminders ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON reminder_settings USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON appointment_reminders USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON reminder_settings, appointment_reminders TO dentalpro_app;
