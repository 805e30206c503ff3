-- The dentist's daily agenda (modules/notifications, issue 13): each morning at the practice's
-- time, every provider with appointments that day hears of their day in the app, and on WhatsApp
-- when they asked for it. Ids, counts, times and the provider's own number only: the summary's
-- patient names are read from the calendar when it is built, never stored here.

-- Settings → Reminders → Daily agenda. No row: the defaults (on, 07:00 practice time).
CREATE TABLE agenda_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  enabled boolean NOT NULL DEFAULT true,
  -- Minutes after local midnight (practice time) when the agenda goes.
  send_minute integer NOT NULL DEFAULT 420 CHECK (send_minute BETWEEN 0 AND 1439),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id)
);

-- A member's own choice, on their account page: the agenda on WhatsApp too, to this number, in
-- this language. Their consent to these messages is the opt-in and its time.
CREATE TABLE agenda_subscriptions (
  practice_id uuid NOT NULL DEFAULT current_practice_id(),
  user_id uuid NOT NULL,
  whatsapp_e164 text CHECK (whatsapp_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  whatsapp_opted_in boolean NOT NULL DEFAULT false,
  language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  opted_in_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, user_id),
  FOREIGN KEY (practice_id, user_id) REFERENCES memberships (practice_id, user_id) ON DELETE CASCADE,
  CHECK (NOT whatsapp_opted_in OR (whatsapp_e164 IS NOT NULL AND opted_in_at IS NOT NULL))
);

-- One agenda per provider and practice day: the key that makes a second run (another worker, a
-- retry after a crash) write and send nothing twice. Written in the transaction that writes the
-- notification and queues the WhatsApp message.
CREATE TABLE agenda_deliveries (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  provider_id uuid NOT NULL,
  day date NOT NULL,
  appointments integer NOT NULL CHECK (appointments > 0),
  -- The provider was told in the app (false: no longer a member).
  notified boolean NOT NULL,
  -- The WhatsApp message that carried it, or why none did (not opted in, no channel, opted out, ...).
  message_id uuid,
  whatsapp_outcome text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, provider_id, day)
);

-- A practice's agenda run of one day, finished: the round stops queueing it.
CREATE TABLE agenda_runs (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  day date NOT NULL,
  -- Why nothing went: the practice closed that day, or nobody had appointments.
  outcome text NOT NULL CHECK (outcome IN ('sent', 'closed', 'empty')),
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, day)
);

ALTER TABLE agenda_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE agenda_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON agenda_settings USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON agenda_subscriptions USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON agenda_deliveries USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON agenda_runs USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON agenda_settings, agenda_subscriptions, agenda_deliveries, agenda_runs
  TO dentalpro_app;

-- The notification of a provider's day: which day, how many appointments, the first and last start.
-- The kinds are every kind so far (the WhatsApp template alerts of 20261212200000 included).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled', 'needs_person', 'reminder_failed',
    'waitlist_booked', 'privacy_request_due_soon', 'privacy_request_overdue', 'daily_agenda',
    'whatsapp_template_problem', 'whatsapp_template_recategorised', 'whatsapp_marketing_limited'));
ALTER TABLE notifications ADD COLUMN agenda_day date;
ALTER TABLE notifications ADD COLUMN agenda_count integer;
ALTER TABLE notifications ADD COLUMN agenda_first timestamptz;
ALTER TABLE notifications ADD COLUMN agenda_last timestamptz;
ALTER TABLE notifications ADD CONSTRAINT notifications_daily_agenda_check
  CHECK (kind <> 'daily_agenda'
    OR (agenda_day IS NOT NULL AND agenda_count > 0 AND agenda_first IS NOT NULL AND agenda_last IS NOT NULL));
