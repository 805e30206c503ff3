-- The booking assistant's settings (modules/assistant/settings.service.ts): one row per practice,
-- written the first time an owner saves them; a practice without a row has the defaults below.
-- Texts are per language; an empty text means "not written" (the assistant then uses its own line,
-- or, for opening hours, the practice's weekly hours). Which visit types patients may book stays on
-- appointment_types.whatsapp_bookable.
CREATE TABLE assistant_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  enabled boolean NOT NULL DEFAULT false,
  -- Cancelling or moving closer than this to the start is handed to staff.
  late_cancellation_hours integer NOT NULL DEFAULT 24 CHECK (late_cancellation_hours BETWEEN 0 AND 168),
  -- A conversation silent this long mid-flow starts again, politely.
  idle_minutes integer NOT NULL DEFAULT 30 CHECK (idle_minutes BETWEEN 5 AND 720),
  -- A conversation a person took over and left silent this long goes back to the assistant.
  handover_idle_hours integer NOT NULL DEFAULT 12 CHECK (handover_idle_hours BETWEEN 1 AND 168),
  emergency_en text NOT NULL DEFAULT '' CHECK (length(emergency_en) <= 1024),
  emergency_fr text NOT NULL DEFAULT '' CHECK (length(emergency_fr) <= 1024),
  opening_hours_en text NOT NULL DEFAULT '' CHECK (length(opening_hours_en) <= 1024),
  opening_hours_fr text NOT NULL DEFAULT '' CHECK (length(opening_hours_fr) <= 1024),
  -- Price-list items (procedures) whose fee the assistant may quote; checked against the price
  -- list by the service, as an array cannot carry a foreign key.
  published_price_item_ids uuid[] NOT NULL DEFAULT '{}' CHECK (cardinality(published_price_item_ids) <= 100),
  -- When and by whom they last changed; null while they are the defaults nobody changed.
  updated_at timestamptz,
  updated_by uuid REFERENCES users (id)
);

ALTER TABLE assistant_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON assistant_settings USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON assistant_settings TO dentalpro_app;
