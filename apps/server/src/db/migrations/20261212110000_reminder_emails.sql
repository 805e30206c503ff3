-- Reminders by email when the patient cannot get them on WhatsApp (modules/reminders): the owner's
-- switch, and one row per reminder that went (or is going) by email.

-- Settings → Reminders → By email. No row: off.
CREATE TABLE reminder_email_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  enabled boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id)
);

-- A reminder sent by email instead of WhatsApp. appointment_reminders is unique per (appointment,
-- rule, start), so the unique reminder_id is the key that makes at most one email per reminder:
-- queued with the reminder's change; `sending` is committed before the mail server is called, and
-- a row left `sending` by a crash is never sent again (shown as interrupted). Ids and times only.
CREATE TABLE reminder_emails (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  reminder_id uuid NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
  -- For failed: why (no_email, no_consent, cancelled, moved, mail_refused, no_mail_server...).
  reason text,
  language text CHECK (language IN ('en', 'fr')),
  attempts integer NOT NULL DEFAULT 0,
  state_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, reminder_id),
  FOREIGN KEY (practice_id, reminder_id) REFERENCES appointment_reminders (practice_id, id) ON DELETE CASCADE,
  CHECK (state <> 'failed' OR reason IS NOT NULL)
);

-- A reminder carried by email has no WhatsApp message.
ALTER TABLE appointment_reminders ADD COLUMN channel text NOT NULL DEFAULT 'whatsapp' CHECK (channel IN ('whatsapp', 'email'));
DO $$
DECLARE c text;
BEGIN
  SELECT conname INTO c FROM pg_constraint
  WHERE conrelid = 'appointment_reminders'::regclass AND contype = 'c'
    AND pg_get_constraintdef(oid) LIKE '%message_id IS NOT NULL%';
  EXECUTE format('ALTER TABLE appointment_reminders DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE appointment_reminders ADD CONSTRAINT appointment_reminders_sent_carried
  CHECK (state <> 'sent' OR message_id IS NOT NULL OR channel = 'email');

ALTER TABLE reminder_email_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE reminder_emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON reminder_email_settings USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON reminder_emails USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON reminder_email_settings, reminder_emails TO dentalpro_app;
