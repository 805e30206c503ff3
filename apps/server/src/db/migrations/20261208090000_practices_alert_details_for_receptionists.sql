-- Whether receptionists may read a patient's medical alerts where they book (the calendar, the
-- booking dialog). Off by default: they see that an alert exists and are told to ask the dentist.
ALTER TABLE practices
  ADD COLUMN receptionists_see_alert_details boolean NOT NULL DEFAULT false;
