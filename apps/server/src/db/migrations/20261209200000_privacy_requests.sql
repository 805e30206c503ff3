-- Patients' rights requests (issue 14, deliver 1): access, correction, deletion, restriction or
-- objection, consent withdrawal; from the desk, WhatsApp or email; each step's who and when.

CREATE TABLE privacy_requests (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('access', 'correction', 'deletion', 'restriction', 'consent_withdrawal')),
  source text NOT NULL CHECK (source IN ('staff', 'whatsapp', 'email')),
  state text NOT NULL DEFAULT 'received'
    CHECK (state IN ('received', 'identity_verified', 'in_progress', 'fulfilled', 'refused')),
  received_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  -- A correction: { field, proposedValue } for staff to apply.
  proposed_change jsonb,
  recorded_by uuid REFERENCES users (id),
  verification_method text
    CHECK (verification_method IN ('id_document', 'whatsapp_number', 'email_address', 'known_in_person', 'other')),
  verification_note text CHECK (length(verification_note) <= 1000),
  verified_by uuid REFERENCES users (id),
  verified_at timestamptz,
  approved_by uuid REFERENCES users (id),
  approved_at timestamptz,
  refused_reason text CHECK (length(refused_reason) <= 2000),
  closed_by uuid REFERENCES users (id),
  closed_at timestamptz,
  -- The daily job's marks: staff were told the request is due soon / overdue (once each).
  due_soon_notified_at timestamptz,
  overdue_notified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  CHECK (due_at >= received_at),
  CHECK (type <> 'correction' OR proposed_change IS NOT NULL),
  CHECK ((state = 'refused') = (refused_reason IS NOT NULL))
);
CREATE INDEX privacy_requests_open_idx ON privacy_requests (practice_id, due_at)
  WHERE state IN ('received', 'identity_verified', 'in_progress');
CREATE INDEX privacy_requests_patient_idx ON privacy_requests (practice_id, patient_id);
ALTER TABLE privacy_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON privacy_requests USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON privacy_requests TO dentalpro_app;

-- How long the practice gives itself to answer (the Act: one month), per practice.
CREATE TABLE privacy_request_settings (
  practice_id uuid PRIMARY KEY REFERENCES practices (id) DEFAULT current_practice_id(),
  due_months integer NOT NULL DEFAULT 1 CHECK (due_months BETWEEN 1 AND 3),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE privacy_request_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON privacy_request_settings USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON privacy_request_settings TO dentalpro_app;
