-- Scheduling: patients (minimal, until the patients module grows it), chairs, providers and
-- their hours, opening hours, closures, public holidays, blocks, appointment types, appointments
-- (with the database refusing double bookings), holds, status history, waitlist and recalls.

ALTER TABLE practices
  ADD COLUMN slot_step_minutes integer NOT NULL DEFAULT 15 CHECK (slot_step_minutes IN (5, 10, 15, 20, 30, 60)),
  ADD COLUMN hold_minutes integer NOT NULL DEFAULT 5 CHECK (hold_minutes BETWEEN 1 AND 60);

-- The patients module owns this table; scheduling reads it only through that module's service.
CREATE TABLE patients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  given_name text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
  family_name text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
  phone text NOT NULL DEFAULT '' CHECK (phone = '' OR phone ~ '^\+[1-9][0-9]{6,14}$'),
  date_of_birth date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id)
);
CREATE INDEX patients_name_idx ON patients (practice_id, family_name, given_name);
CREATE INDEX patients_phone_idx ON patients (practice_id, phone);

CREATE TABLE chairs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  colour text NOT NULL DEFAULT '#0f766e' CHECK (colour ~ '^#[0-9a-fA-F]{6}$'),
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  UNIQUE (practice_id, name)
);

-- A member who sees patients. Their appointments and hours hang off this row.
CREATE TABLE providers (
  practice_id uuid NOT NULL,
  user_id uuid NOT NULL,
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
  colour text NOT NULL DEFAULT '#2563eb' CHECK (colour ~ '^#[0-9a-fA-F]{6}$'),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, user_id),
  FOREIGN KEY (practice_id, user_id) REFERENCES memberships (practice_id, user_id) ON DELETE CASCADE
);

-- Weekly hours as minutes after local midnight (0..1440) on ISO weekdays (Monday = 1).
CREATE TABLE opening_hours (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute integer NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  CHECK (end_minute > start_minute),
  CONSTRAINT opening_hours_no_overlap EXCLUDE USING gist (practice_id WITH =, weekday WITH =, int4range(start_minute, end_minute) WITH &&)
);

CREATE TABLE provider_hours (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  provider_id uuid NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute integer NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  chair_id uuid,
  valid_from date,
  valid_to date,
  CHECK (end_minute > start_minute),
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
  FOREIGN KEY (practice_id, provider_id) REFERENCES providers (practice_id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, chair_id) REFERENCES chairs (practice_id, id),
  CONSTRAINT provider_hours_no_overlap EXCLUDE USING gist (
    practice_id WITH =, provider_id WITH =, weekday WITH =,
    int4range(start_minute, end_minute) WITH &&,
    daterange(valid_from, valid_to, '[]') WITH &&)
);

CREATE TABLE closures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  period tstzrange NOT NULL CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
  reason text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX closures_period_idx ON closures USING gist (practice_id, period);

CREATE TABLE public_holidays (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  date date NOT NULL,
  name_en text NOT NULL,
  name_fr text NOT NULL,
  -- Moon- or lunar-calendar dates shipped before the Government Gazette confirms them.
  provisional boolean NOT NULL DEFAULT false,
  UNIQUE (practice_id, date)
);

-- One-off unavailability: a provider's leave, a chair's maintenance, a practice meeting.
CREATE TABLE blocks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  provider_id uuid,
  chair_id uuid,
  period tstzrange NOT NULL CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
  kind text NOT NULL CHECK (kind IN ('lunch', 'meeting', 'leave', 'maintenance', 'other')),
  note text NOT NULL DEFAULT '',
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, provider_id) REFERENCES providers (practice_id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (practice_id, chair_id) REFERENCES chairs (practice_id, id)
);
CREATE INDEX blocks_period_idx ON blocks USING gist (practice_id, period);

CREATE TABLE appointment_types (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
  name_fr text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 80),
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 120),
  allowed_roles text[] NOT NULL DEFAULT '{dentist}' CHECK (allowed_roles <@ ARRAY['owner', 'dentist', 'hygienist']::text[] AND cardinality(allowed_roles) > 0),
  colour text NOT NULL DEFAULT '#0ea5e9' CHECK (colour ~ '^#[0-9a-fA-F]{6}$'),
  whatsapp_bookable boolean NOT NULL DEFAULT false,
  min_notice_minutes integer NOT NULL DEFAULT 120 CHECK (min_notice_minutes >= 0),
  max_days_ahead integer NOT NULL DEFAULT 90 CHECK (max_days_ahead BETWEEN 1 AND 730),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id)
);

CREATE TABLE appointments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid,
  provider_id uuid NOT NULL,
  chair_id uuid NOT NULL,
  appointment_type_id uuid NOT NULL,
  -- The appointment itself, and the time it keeps provider and chair busy (with the buffer after).
  period tstzrange NOT NULL CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
  occupied tstzrange NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'booked', 'confirmed', 'arrived', 'in_chair', 'completed', 'cancelled', 'no_show')),
  -- A hold reserves the slot while a booking is being confirmed; it frees itself at this time.
  hold_expires_at timestamptz,
  source text NOT NULL CHECK (source IN ('staff', 'whatsapp', 'phone', 'walk_in')),
  created_by uuid,
  cancellation_reason text,
  notes text NOT NULL DEFAULT '',
  -- Set only by an owner's deliberate double booking of a provider; chairs can never overlap.
  overbook_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (lower(occupied) = lower(period) AND upper(occupied) >= upper(period)),
  CHECK ((status = 'held') = (hold_expires_at IS NOT NULL)),
  CHECK (status = 'held' OR patient_id IS NOT NULL),
  CHECK (status <> 'cancelled' OR cancellation_reason IS NOT NULL),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  FOREIGN KEY (practice_id, provider_id) REFERENCES providers (practice_id, user_id),
  FOREIGN KEY (practice_id, chair_id) REFERENCES chairs (practice_id, id),
  FOREIGN KEY (practice_id, appointment_type_id) REFERENCES appointment_types (practice_id, id),
  CONSTRAINT appointments_chair_no_overlap EXCLUDE USING gist (practice_id WITH =, chair_id WITH =, occupied WITH &&)
    WHERE (status NOT IN ('cancelled', 'no_show')),
  CONSTRAINT appointments_provider_no_overlap EXCLUDE USING gist (practice_id WITH =, provider_id WITH =, occupied WITH &&)
    WHERE (status NOT IN ('cancelled', 'no_show') AND overbook_reason IS NULL)
);
CREATE INDEX appointments_period_idx ON appointments USING gist (practice_id, occupied) WHERE status NOT IN ('cancelled', 'no_show');
CREATE INDEX appointments_patient_idx ON appointments (practice_id, patient_id, lower(period) DESC);
CREATE INDEX appointments_held_idx ON appointments (hold_expires_at) WHERE status = 'held';

CREATE TABLE appointment_status_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  practice_id uuid NOT NULL REFERENCES practices (id),
  appointment_id uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
  from_status text,
  to_status text NOT NULL,
  changed_by uuid,
  changed_at timestamptz NOT NULL DEFAULT now(),
  reason text
);
CREATE INDEX appointment_status_history_idx ON appointment_status_history (appointment_id, changed_at);

CREATE TABLE waitlist_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  appointment_type_id uuid NOT NULL,
  provider_id uuid,
  preferred_weekdays smallint[] NOT NULL DEFAULT '{}' CHECK (preferred_weekdays <@ ARRAY[1,2,3,4,5,6,7]::smallint[]),
  preferred_start_minute integer CHECK (preferred_start_minute BETWEEN 0 AND 1439),
  preferred_end_minute integer CHECK (preferred_end_minute BETWEEN 1 AND 1440),
  earliest date,
  latest date,
  notes text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'offered', 'booked', 'removed')),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (latest IS NULL OR earliest IS NULL OR latest >= earliest),
  CHECK (preferred_end_minute IS NULL OR preferred_start_minute IS NULL OR preferred_end_minute > preferred_start_minute),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  FOREIGN KEY (practice_id, appointment_type_id) REFERENCES appointment_types (practice_id, id),
  FOREIGN KEY (practice_id, provider_id) REFERENCES providers (practice_id, user_id)
);
CREATE INDEX waitlist_entries_idx ON waitlist_entries (practice_id, status, appointment_type_id);

CREATE TABLE recalls (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'checkup' CHECK (kind IN ('checkup', 'hygiene', 'review', 'other')),
  due_date date NOT NULL,
  interval_months integer CHECK (interval_months BETWEEN 1 AND 60),
  status text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'booked', 'done', 'cancelled')),
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id)
);
-- One open recall of a kind per patient.
CREATE UNIQUE INDEX recalls_open_key ON recalls (practice_id, patient_id, kind) WHERE status = 'due';
CREATE INDEX recalls_due_idx ON recalls (practice_id, due_date) WHERE status = 'due';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patients', 'chairs', 'providers', 'opening_hours', 'provider_hours', 'closures',
    'public_holidays', 'blocks', 'appointment_types', 'appointments', 'appointment_status_history',
    'waitlist_entries', 'recalls']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY practice_isolation ON %I USING (practice_id = current_practice_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO dentalpro_app', t);
  END LOOP;
END
$$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dentalpro_app;
