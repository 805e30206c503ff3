-- A rights request written on WhatsApp is recorded once per patient, kind and message (issue 14 and
-- issue 12): privacy's listener (assistant off) and the booking assistant (assistant on) both
-- record them, keyed by when the patient wrote; should both ever read the same message (the
-- assistant switched on or off between the two), the database keeps one.
CREATE UNIQUE INDEX privacy_requests_whatsapp_once
  ON privacy_requests (practice_id, patient_id, type, received_at)
  WHERE source = 'whatsapp';
