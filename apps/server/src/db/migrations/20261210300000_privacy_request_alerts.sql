-- Staff notifications learn the privacy requests' alerts (issue 14): a rights request due within
-- 7 days, and one past its due date, each told once to owners and whoever records requests. The
-- notification points at the request by id and keeps its due date and type (codes and times, no
-- patient's words); 'waitlist_booked' is listed too so that the order of this file and the
-- waitlist offers' does not matter.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled', 'needs_person', 'reminder_failed',
    'waitlist_booked', 'privacy_request_due_soon', 'privacy_request_overdue'));
ALTER TABLE notifications ADD COLUMN privacy_request_id uuid;
ALTER TABLE notifications ADD COLUMN due_at timestamptz;
ALTER TABLE notifications ADD CONSTRAINT notifications_privacy_request_check
  CHECK (kind NOT IN ('privacy_request_due_soon', 'privacy_request_overdue')
    OR (privacy_request_id IS NOT NULL AND due_at IS NOT NULL));
