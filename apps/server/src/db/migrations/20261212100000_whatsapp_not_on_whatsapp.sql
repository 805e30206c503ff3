-- A number WhatsApp says is not on WhatsApp (Meta's 131026, on a send or in a failed status): the
-- practice's later messages to it are not attempted (reminders fall back to email, others record
-- the reason) until the patient writes from it. Kept on the conversation, which is the number.
ALTER TABLE whatsapp_conversations ADD COLUMN not_on_whatsapp_at timestamptz;
