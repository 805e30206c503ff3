-- Meta's daily messaging limit (issue 13): the unique people a business portfolio may reach with
-- messages outside their 24-hour window in a rolling 24 hours (tiers 250, 2,000, 10,000, 100,000,
-- unlimited), shared by every number of the portfolio. The database settles it: each send outside
-- the window locks its portfolio's row, counts the people reached in the last 24 hours and records
-- the new one in the same transaction, so two dispatchers never pass the limit together.

-- Which portfolio a number counts against: its WhatsApp Business Account (what Meta's webhooks
-- name in entry.id), or the number alone while no account id is set.
ALTER TABLE whatsapp_channels
  ADD COLUMN portfolio_key text GENERATED ALWAYS AS (
    CASE WHEN waba_id <> '' THEN 'waba:' || waba_id ELSE 'number:' || phone_number_id END) STORED;
CREATE INDEX whatsapp_channels_portfolio_idx ON whatsapp_channels (portfolio_key);

-- A portfolio's limit: null is unlimited. Unknown ('default', not enforced) until an owner sets it
-- as WhatsApp Manager shows it or Meta tells it (phone_number_quality_update /
-- business_capability_update webhooks): holding back a practice whose portfolio Meta already
-- allows 10,000 at a guessed 250 would delay its reminders for a day. Not a practice's row: a
-- portfolio may serve several practices' numbers, and only the service's own code reads it.
CREATE TABLE whatsapp_messaging_limits (
  portfolio_key text PRIMARY KEY,
  daily_limit integer CHECK (daily_limit IS NULL OR daily_limit > 0),
  source text NOT NULL DEFAULT 'default' CHECK (source IN ('default', 'owner', 'meta')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per person reached outside their window: a keyed hash of their WhatsApp id (never the
-- number), when, and the message that reached them (a message that then failed does not count).
-- Rows older than two days are forgotten by messaging's upkeep.
CREATE TABLE whatsapp_portfolio_reach (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  portfolio_key text NOT NULL,
  recipient bytea NOT NULL,
  reached_at timestamptz NOT NULL DEFAULT now(),
  message_id uuid NOT NULL
);
CREATE INDEX whatsapp_portfolio_reach_window_idx ON whatsapp_portfolio_reach (portfolio_key, reached_at);
CREATE INDEX whatsapp_portfolio_reach_recipient_idx ON whatsapp_portfolio_reach (portfolio_key, recipient, reached_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON whatsapp_messaging_limits, whatsapp_portfolio_reach TO dentalpro_app;

-- A message held back by the limit: until when, and why (shown where its status is shown).
ALTER TABLE whatsapp_messages
  ADD COLUMN held_until timestamptz,
  ADD COLUMN held_reason text CHECK (held_reason IN ('messaging_limit'));

-- Owners hear of WhatsApp template problems with what to do: a template Meta refused on a send
-- (132xxx: paused, disabled, missing, wrong parameters), a template Meta moved to another
-- category, and Meta's per-user marketing cap (131049). Once per template, problem and local day.
-- The daily agenda's kind is listed too, so that the order of its file and this one does not matter.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled', 'needs_person', 'reminder_failed',
    'waitlist_booked', 'privacy_request_due_soon', 'privacy_request_overdue', 'daily_agenda',
    'whatsapp_template_problem', 'whatsapp_template_recategorised', 'whatsapp_marketing_limited'));
ALTER TABLE notifications
  ADD COLUMN template_name text,
  ADD COLUMN template_language text,
  -- Meta's error code (132xxx, 131049).
  ADD COLUMN meta_code integer,
  ADD COLUMN previous_category text,
  ADD COLUMN new_category text;
ALTER TABLE notifications ADD CONSTRAINT notifications_whatsapp_template_check
  CHECK (kind NOT IN ('whatsapp_template_problem', 'whatsapp_template_recategorised', 'whatsapp_marketing_limited')
    OR template_name IS NOT NULL);
