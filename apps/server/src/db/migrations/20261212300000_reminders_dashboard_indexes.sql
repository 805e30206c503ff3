-- The reminders dashboard (modules/reminders, GET …/reminders/dashboard) counts a practice's
-- reminders, recall messages and waitlist offers by when they went, over a range of weeks or months:
-- each reads its rows by practice and time through one of these instead of the whole table.
-- (Appointments are counted by start through scheduling's appointments_starts_idx.)
CREATE INDEX appointment_reminders_sent_idx ON appointment_reminders (practice_id, state_at) WHERE state = 'sent';
CREATE INDEX recall_messages_sent_idx ON recall_messages (practice_id, sent_on) WHERE state = 'sent';
CREATE INDEX waitlist_offers_created_idx ON waitlist_offers (practice_id, created_at);
