-- A recall may say which visit it is for and with whom (a six-monthly check-up with Dr Ramdin), so
-- the recall list can book it in one step. Both optional: older recalls, and recalls set without
-- them, book with the dialog's own choices, and the list filters by the last visit's provider.
ALTER TABLE recalls
  ADD COLUMN appointment_type_id uuid,
  ADD COLUMN provider_id uuid,
  ADD FOREIGN KEY (practice_id, appointment_type_id) REFERENCES appointment_types (practice_id, id),
  ADD FOREIGN KEY (practice_id, provider_id) REFERENCES providers (practice_id, user_id);
