-- Staff notifications (modules/notifications) learn one more kind: a reminder that could not be
-- delivered (Meta refused it or reported it failed), so the desk can phone the patient instead.
-- Its `reason` column holds the WhatsApp failure reason (messaging's FailureReason).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled', 'needs_person', 'reminder_failed'));
