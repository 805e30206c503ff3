-- Clinical records: the practice price list, the tooth chart (findings), treatment plans and
-- their items, clinical notes with addenda, and attachments. Clinical text (chart annotations,
-- item notes, note bodies, addenda) is stored sealed under the practice's data key
-- (platform/data-keys.ts); attachment bytes live sealed in the file store, not here.
-- Nothing clinical is ever deleted: findings are resolved, notes are signed and amended.

CREATE TABLE procedures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,19}$'),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 120),
  name_fr text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 120),
  fee_minor bigint NOT NULL CHECK (fee_minor >= 0),
  currency text NOT NULL DEFAULT 'MUR' CHECK (currency = 'MUR'),
  -- What completing this procedure records on the chart (null: nothing, e.g. a check-up).
  result_kind text CHECK (result_kind IN ('caries', 'restoration', 'crown', 'bridge', 'missing', 'extracted', 'implant',
    'root_canal_treated', 'fractured', 'sealant', 'watch')),
  result_material text CHECK (result_material IN ('composite', 'amalgam', 'glass_ionomer', 'ceramic', 'gold', 'temporary')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (result_material IS NULL OR result_kind IS NOT NULL),
  UNIQUE (practice_id, id),
  UNIQUE (practice_id, code)
);

CREATE TABLE treatment_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'presented', 'accepted', 'completed', 'cancelled')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id)
);
CREATE INDEX treatment_plans_patient_idx ON treatment_plans (practice_id, patient_id, created_at DESC);

CREATE TABLE treatment_plan_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  plan_id uuid NOT NULL,
  procedure_id uuid,
  -- Copied from the price list when planned: a later fee change does not alter a plan already shown.
  procedure_code text NOT NULL,
  procedure_name_en text NOT NULL,
  procedure_name_fr text NOT NULL,
  fee_minor bigint NOT NULL CHECK (fee_minor >= 0),
  currency text NOT NULL DEFAULT 'MUR' CHECK (currency = 'MUR'),
  result_kind text,
  result_material text,
  tooth smallint,
  surfaces text[] NOT NULL DEFAULT '{}' CHECK (surfaces <@ ARRAY['M', 'O', 'I', 'D', 'B', 'L']),
  phase smallint NOT NULL DEFAULT 1 CHECK (phase BETWEEN 1 AND 20),
  notes_sealed bytea,
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'accepted', 'completed', 'declined')),
  completed_at timestamptz,
  completed_by uuid REFERENCES users (id),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK (tooth IS NULL OR (tooth / 10 BETWEEN 1 AND 4 AND tooth % 10 BETWEEN 1 AND 8) OR (tooth / 10 BETWEEN 5 AND 8 AND tooth % 10 BETWEEN 1 AND 5)),
  CHECK (result_kind IS NULL OR tooth IS NOT NULL),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, plan_id) REFERENCES treatment_plans (practice_id, id),
  FOREIGN KEY (practice_id, procedure_id) REFERENCES procedures (practice_id, id)
);
CREATE INDEX treatment_plan_items_plan_idx ON treatment_plan_items (practice_id, plan_id);

CREATE TABLE chart_findings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  tooth smallint NOT NULL CHECK ((tooth / 10 BETWEEN 1 AND 4 AND tooth % 10 BETWEEN 1 AND 8) OR (tooth / 10 BETWEEN 5 AND 8 AND tooth % 10 BETWEEN 1 AND 5)),
  surfaces text[] NOT NULL DEFAULT '{}' CHECK (surfaces <@ ARRAY['M', 'O', 'I', 'D', 'B', 'L']),
  kind text NOT NULL CHECK (kind IN ('caries', 'restoration', 'crown', 'bridge', 'missing', 'extracted', 'implant',
    'root_canal_treated', 'fractured', 'sealant', 'watch')),
  material text CHECK (material IN ('composite', 'amalgam', 'glass_ionomer', 'ceramic', 'gold', 'temporary')),
  bridge_role text CHECK (bridge_role IN ('abutment', 'pontic')),
  -- The chart annotation, sealed (aad finding:<id>).
  note_sealed bytea,
  -- When it was seen in the mouth (may be back-dated when charting history); recorded_at is when it was entered.
  observed_at timestamptz NOT NULL DEFAULT now(),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by uuid REFERENCES users (id),
  source_item_id uuid,
  resolved_at timestamptz,
  resolved_by uuid REFERENCES users (id),
  resolution text CHECK (resolution IN ('treated', 'superseded', 'resolved', 'entered_in_error')),
  -- The finding that replaced this one (a restoration over caries, the caries left on other surfaces).
  superseded_by uuid REFERENCES chart_findings (id),
  CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
  CHECK ((kind = 'bridge') = (bridge_role IS NOT NULL)),
  CHECK (observed_at <= recorded_at + interval '1 minute'),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  FOREIGN KEY (practice_id, source_item_id) REFERENCES treatment_plan_items (practice_id, id)
);
CREATE INDEX chart_findings_patient_idx ON chart_findings (practice_id, patient_id, tooth);

CREATE TABLE clinical_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  appointment_id uuid REFERENCES appointments (id),
  visit_date date NOT NULL,
  body_sealed bytea NOT NULL,
  author_id uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  signed_at timestamptz,
  signed_by uuid REFERENCES users (id),
  CHECK ((signed_at IS NULL) = (signed_by IS NULL)),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id)
);
CREATE INDEX clinical_notes_patient_idx ON clinical_notes (practice_id, patient_id, visit_date DESC);

CREATE TABLE clinical_note_addenda (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  note_id uuid NOT NULL,
  body_sealed bytea NOT NULL,
  author_id uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, note_id) REFERENCES clinical_notes (practice_id, id)
);
CREATE INDEX clinical_note_addenda_note_idx ON clinical_note_addenda (practice_id, note_id, created_at);

-- A signed note is part of the legal record: once signed_at is set, its content and signature
-- cannot change, whoever asks (only a patient merge may move it to the surviving patient).
CREATE FUNCTION refuse_signed_note_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.signed_at IS NOT NULL THEN
      RAISE EXCEPTION 'clinical note % is signed and cannot be deleted', OLD.id USING ERRCODE = 'P0001', HINT = 'note_signed';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.signed_at IS NOT NULL AND (
    NEW.body_sealed IS DISTINCT FROM OLD.body_sealed OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
    OR NEW.signed_by IS DISTINCT FROM OLD.signed_by OR NEW.author_id IS DISTINCT FROM OLD.author_id
    OR NEW.visit_date IS DISTINCT FROM OLD.visit_date OR NEW.appointment_id IS DISTINCT FROM OLD.appointment_id
    OR NEW.id IS DISTINCT FROM OLD.id OR NEW.practice_id IS DISTINCT FROM OLD.practice_id
    OR NEW.created_at IS DISTINCT FROM OLD.created_at
  ) THEN
    RAISE EXCEPTION 'clinical note % is signed and cannot be changed; add an addendum', OLD.id USING ERRCODE = 'P0001', HINT = 'note_signed';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER clinical_notes_signed_immutable BEFORE UPDATE OR DELETE ON clinical_notes
  FOR EACH ROW EXECUTE FUNCTION refuse_signed_note_change();

-- Addenda are written once.
CREATE FUNCTION refuse_addendum_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.body_sealed IS DISTINCT FROM OLD.body_sealed OR NEW.author_id IS DISTINCT FROM OLD.author_id
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.note_id IS DISTINCT FROM OLD.note_id THEN
    RAISE EXCEPTION 'an addendum cannot be changed or deleted' USING ERRCODE = 'P0001', HINT = 'note_signed';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER clinical_note_addenda_immutable BEFORE UPDATE OR DELETE ON clinical_note_addenda
  FOR EACH ROW EXECUTE FUNCTION refuse_addendum_change();

CREATE TABLE attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  patient_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('xray', 'photo', 'document')),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  mime_type text NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 bytea NOT NULL CHECK (length(sha256) = 32),
  -- Where the sealed bytes are in the file store (files/<practice>/<id> by default).
  storage_key text NOT NULL,
  uploaded_by uuid REFERENCES users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id)
);
CREATE INDEX attachments_patient_idx ON attachments (practice_id, patient_id, uploaded_at DESC);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['procedures', 'treatment_plans', 'treatment_plan_items', 'chart_findings', 'clinical_notes',
    'clinical_note_addenda', 'attachments']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY practice_isolation ON %I USING (practice_id = current_practice_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO dentalpro_app', t);
    -- The default privileges grant DELETE too; clinical rows are resolved or amended, never deleted.
    EXECUTE format('REVOKE DELETE ON %I FROM dentalpro_app', t);
  END LOOP;
END
$$;
