-- Staff notifications by email too (modules/notifications): each member's choice, per practice,
-- and one row per notification and member emailed, the key that sends it at most once.

-- Account → Notifications: "Also email me". No row: in the app only.
CREATE TABLE notification_email_choices (
  practice_id uuid NOT NULL DEFAULT current_practice_id(),
  user_id uuid NOT NULL,
  enabled boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, user_id),
  FOREIGN KEY (practice_id, user_id) REFERENCES memberships (practice_id, user_id) ON DELETE CASCADE
);

-- queued with the notification; `sending` is committed before the mail server is called (a crash
-- then never sends it again); sent; failed with the reason.
CREATE TABLE notification_emails (
  practice_id uuid NOT NULL DEFAULT current_practice_id(),
  notification_id uuid NOT NULL,
  user_id uuid NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
  reason text,
  state_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, notification_id, user_id),
  FOREIGN KEY (practice_id, notification_id, user_id)
    REFERENCES notification_recipients (practice_id, notification_id, user_id) ON DELETE CASCADE
);

ALTER TABLE notification_email_choices ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON notification_email_choices USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON notification_emails USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_email_choices, notification_emails TO dentalpro_app;
