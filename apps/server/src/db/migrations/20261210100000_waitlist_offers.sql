-- Waitlist offers on WhatsApp (modules/reminders): when an appointment is cancelled, the waiting
-- patients its time suits are offered it a few at a time; each offer lapses, the next are offered,
-- and the first to accept gets the time (the calendar settles it). One row per offer of one freed
-- time to one waitlist entry. Ids, times and states only: the message itself is messaging's.

-- Settings → Reminders → Waitlist offers. No row: the defaults (on, 3 at a time, 20 minutes each).
CREATE TABLE waitlist_offer_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  enabled boolean NOT NULL DEFAULT true,
  batch_size integer NOT NULL DEFAULT 3 CHECK (batch_size BETWEEN 1 AND 10),
  offer_minutes integer NOT NULL DEFAULT 20 CHECK (offer_minutes BETWEEN 5 AND 240),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id)
);

CREATE TABLE waitlist_offers (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL,
  -- The cancelled appointment whose time is offered: every offer of one freed time names it. Not a
  -- foreign key into the calendar's table, nor into the waitlist's (an erasure there must not wait on us).
  freed_appointment_id uuid NOT NULL,
  waitlist_entry_id uuid NOT NULL,
  patient_id uuid NOT NULL,
  appointment_type_id uuid NOT NULL,
  provider_id uuid NOT NULL,
  chair_id uuid NOT NULL,
  slot_start timestamptz NOT NULL,
  slot_end timestamptz NOT NULL,
  -- offered: waiting for an answer until expires_at; accepted: booked (appointment_id); declined:
  -- "No thanks"; lapsed: no answer in time; gone: the time was taken before this patient took it.
  state text NOT NULL DEFAULT 'offered' CHECK (state IN ('offered', 'accepted', 'declined', 'lapsed', 'gone')),
  expires_at timestamptz NOT NULL,
  message_id uuid NOT NULL,
  -- The appointment the acceptance became (the calendar's hold, then the booking itself).
  appointment_id uuid,
  state_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  -- A freed time is offered to a waitlist entry once.
  UNIQUE (practice_id, freed_appointment_id, waitlist_entry_id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  CHECK (slot_end > slot_start),
  CHECK (state <> 'accepted' OR appointment_id IS NOT NULL)
);
-- One acceptance per freed time, whatever the calendar says.
CREATE UNIQUE INDEX waitlist_offers_one_acceptance ON waitlist_offers (practice_id, freed_appointment_id)
  WHERE state = 'accepted';
CREATE INDEX waitlist_offers_patient_idx ON waitlist_offers (practice_id, patient_id);
CREATE INDEX waitlist_offers_appointment_idx ON waitlist_offers (practice_id, appointment_id)
  WHERE appointment_id IS NOT NULL;

ALTER TABLE waitlist_offer_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE waitlist_offers ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON waitlist_offer_settings USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON waitlist_offers USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON waitlist_offer_settings, waitlist_offers TO dentalpro_app;

-- Staff notifications learn one more kind: a patient booked a freed time from a waitlist offer.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled', 'needs_person', 'reminder_failed',
    'waitlist_booked'));
