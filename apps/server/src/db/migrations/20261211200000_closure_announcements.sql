-- Practice closure announcements (modules/reminders, issue 13): an owner closes the practice (or one
-- dentist's day) for a cyclone warning, a power cut, an illness; the appointments in that time are
-- listed, cancelled, and each patient is told on WhatsApp with buttons to choose a new time or be
-- called. One row per announcement, one per affected appointment. Ids, times and codes only: the
-- message itself is messaging's, the closure and the appointments scheduling's.

CREATE TABLE closure_announcements (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  reason text NOT NULL CHECK (reason IN ('weather', 'power_cut', 'dentist_ill', 'other')),
  -- The owner's short note (shown to staff; for 'other' it is the reason patients read).
  note text NOT NULL DEFAULT '' CHECK (char_length(note) <= 120),
  -- Set when only one dentist's appointments are affected (an illness): scheduling's block for them;
  -- otherwise scheduling's closure of the whole practice. Ids only, no foreign key: removing the
  -- closure in Settings leaves the record of who was told.
  provider_id uuid,
  closure_id uuid,
  block_id uuid,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  CHECK (ends_at > starts_at),
  CHECK ((provider_id IS NULL) = (block_id IS NULL))
);
CREATE INDEX closure_announcements_period_idx ON closure_announcements (practice_id, starts_at);

-- One row per affected appointment: whether its patient was messaged (the message, shared by a
-- family's appointments on one number) or why not, their tap, the visit they booked instead, and
-- the desk's call.
CREATE TABLE closure_announcement_items (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  announcement_id uuid NOT NULL,
  appointment_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  appointment_type_id uuid NOT NULL,
  provider_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  -- pending: not looked at yet by the sending job; messaged: message_id carries it; not_messaged:
  -- reason says why (no consent, no WhatsApp number, opted out, ...): the desk calls.
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'messaged', 'not_messaged')),
  reason text,
  message_id uuid,
  reply text CHECK (reply IN ('new_time', 'call_me')),
  replied_at timestamptz,
  rebooked_appointment_id uuid,
  rebooked_at timestamptz,
  called_at timestamptz,
  called_by uuid REFERENCES users (id),
  state_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, announcement_id, appointment_id),
  FOREIGN KEY (practice_id, announcement_id) REFERENCES closure_announcements (practice_id, id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  CHECK (state <> 'messaged' OR message_id IS NOT NULL),
  CHECK (state <> 'not_messaged' OR reason IS NOT NULL)
);
CREATE INDEX closure_announcement_items_patient_idx ON closure_announcement_items (practice_id, patient_id);
CREATE INDEX closure_announcement_items_message_idx ON closure_announcement_items (message_id)
  WHERE message_id IS NOT NULL;

ALTER TABLE closure_announcements ENABLE ROW LEVEL SECURITY;
ALTER TABLE closure_announcement_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON closure_announcements USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON closure_announcement_items USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON closure_announcements, closure_announcement_items TO dentalpro_app;

-- A conversation handed to a person because the patient tapped a closure message's "Call me", or
-- "Choose a new time" while the practice has the booking assistant off.
ALTER TABLE whatsapp_conversations DROP CONSTRAINT IF EXISTS whatsapp_conversations_handover_reason_check;
ALTER TABLE whatsapp_conversations ADD CONSTRAINT whatsapp_conversations_handover_reason_check
  CHECK (handover_reason IN ('asked', 'urgent', 'not_understood', 'late_cancellation', 'possible_duplicate', 'needs_staff', 'recall_booking', 'closure_call', 'closure_rebooking'));
