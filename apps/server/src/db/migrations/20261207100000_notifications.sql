-- Staff notifications (modules/notifications): what happened that members of the practice should
-- know about (a booking, move or cancellation a patient made on WhatsApp, a chat handed to a
-- person), and which members it is for, each reading it apart. Rows hold ids and times only, never
-- a patient's name or words: those are read from their owners when the list is shown. Kept 90 days.

-- One row per thing that happened. The ids are not foreign keys: a notification points at an
-- appointment, patient or conversation as it was, and is shown without it when it is gone.
CREATE TABLE notifications (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled', 'needs_person')),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The listener and job that wrote it: a job run again (its worker died after the commit) writes
  -- nothing twice.
  idempotency_key text NOT NULL,
  appointment_id uuid,
  patient_id uuid,
  conversation_id uuid,
  -- A move's start before it moved.
  previous_start timestamptz,
  -- Why a conversation needs a person (messaging's handover reasons).
  reason text,
  PRIMARY KEY (practice_id, id),
  UNIQUE (practice_id, idempotency_key)
);
CREATE INDEX notifications_created_idx ON notifications (created_at);
CREATE INDEX notifications_patient_idx ON notifications (practice_id, patient_id) WHERE patient_id IS NOT NULL;

-- One row per member a notification is for. created_at repeats the notification's so that a
-- member's newest page and unread count are read from this table's indexes alone. A member who
-- leaves the practice takes their rows with them.
CREATE TABLE notification_recipients (
  practice_id uuid NOT NULL DEFAULT current_practice_id(),
  notification_id uuid NOT NULL,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  PRIMARY KEY (practice_id, notification_id, user_id),
  FOREIGN KEY (practice_id, notification_id) REFERENCES notifications (practice_id, id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, user_id) REFERENCES memberships (practice_id, user_id) ON DELETE CASCADE
);
-- This member's newest page (all, or unread only), and their unread count.
CREATE INDEX notification_recipients_newest_idx
  ON notification_recipients (practice_id, user_id, created_at DESC, notification_id DESC);
CREATE INDEX notification_recipients_unread_idx
  ON notification_recipients (practice_id, user_id, created_at DESC, notification_id DESC) WHERE read_at IS NULL;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_recipients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON notifications USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON notification_recipients USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON notifications, notification_recipients TO dentalpro_app;
