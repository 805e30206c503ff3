-- How a patient's record began: at the desk, from an import, or by the patient on WhatsApp (the
-- booking assistant asks only for a name and a date of birth; staff complete the rest).
ALTER TABLE patients
  ADD COLUMN registered_via text NOT NULL DEFAULT 'staff' CHECK (registered_via IN ('staff', 'import', 'whatsapp'));
