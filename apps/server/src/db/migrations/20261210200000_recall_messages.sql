-- Recall messages on WhatsApp (modules/reminders): each practice's recall run settings, one row per
-- recall and due date saying what became of its message (the key that makes it go at most once),
-- and one row per practice and local day counting what went (the daily cap, settled under its lock).
-- Ids, dates and codes only; the message itself is messaging's.

-- Settings → Reminders → Recalls. No row: the defaults (on, 50 a day, at 09:00, due today).
CREATE TABLE recall_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  enabled boolean NOT NULL DEFAULT true,
  daily_cap integer NOT NULL DEFAULT 50 CHECK (daily_cap BETWEEN 0 AND 1000),
  send_hour integer NOT NULL DEFAULT 9 CHECK (send_hour BETWEEN 0 AND 23),
  lead_days integer NOT NULL DEFAULT 0 CHECK (lead_days BETWEEN 0 AND 60),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id)
);

-- One recall message per recall and the due date it was for: sent (then the message says whether it
-- was delivered), or not sent yet with the reason (waiting for the daily cap, not contactable, ...),
-- checked again at each run until it goes. A new due date is a new row.
CREATE TABLE recall_messages (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  recall_id uuid NOT NULL REFERENCES recalls (id) ON DELETE CASCADE,
  patient_id uuid NOT NULL,
  due_date date NOT NULL,
  state text NOT NULL CHECK (state IN ('sent', 'waiting', 'skipped')),
  reason text,
  message_id uuid,
  -- The practice's day it went on (the daily cap counts these).
  sent_on date,
  -- The patient's answer to its buttons: 'book' or 'not_now', and when.
  reply text CHECK (reply IN ('book', 'not_now')),
  replied_at timestamptz,
  state_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, recall_id, due_date),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  CHECK (state = 'sent' OR reason IS NOT NULL),
  CHECK (state <> 'sent' OR (message_id IS NOT NULL AND sent_on IS NOT NULL))
);
CREATE INDEX recall_messages_patient_idx ON recall_messages (practice_id, patient_id);
CREATE INDEX recall_messages_message_idx ON recall_messages (message_id) WHERE message_id IS NOT NULL;

-- One row per practice and practice-local day with a recall run: how many went (never above the
-- cap: each send locks this row first) and when the run finished its list.
CREATE TABLE recall_runs (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  run_date date NOT NULL,
  sent integer NOT NULL DEFAULT 0 CHECK (sent >= 0),
  waiting integer NOT NULL DEFAULT 0 CHECK (waiting >= 0),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (practice_id, run_date)
);

ALTER TABLE recall_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE recall_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE recall_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON recall_settings USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON recall_messages USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON recall_runs USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON recall_settings, recall_messages, recall_runs TO dentalpro_app;

-- A conversation handed to a person because the patient tapped a recall's "Book now" while the
-- practice has the booking assistant off.
ALTER TABLE whatsapp_conversations DROP CONSTRAINT IF EXISTS whatsapp_conversations_handover_reason_check;
ALTER TABLE whatsapp_conversations ADD CONSTRAINT whatsapp_conversations_handover_reason_check
  CHECK (handover_reason IN ('asked', 'urgent', 'not_understood', 'late_cancellation', 'possible_duplicate', 'needs_staff', 'recall_booking'));
