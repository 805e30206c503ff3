-- A message may carry a "send by" time (issue 13): its sender's last moment for it to be of use (a
-- reminder: its appointment's start less a margin; a waitlist offer: when the offer lapses; a
-- closure message: the first cancelled visit's start). The dispatcher never sends it after that
-- time, however long Meta's daily messaging limit, retries or a paused number kept it waiting: it
-- is recorded as not sent (failure_reason 'too_late') and its sender's listeners hear of it.
-- Null: no such time (a staff reply, a recall message).
ALTER TABLE whatsapp_outbox ADD COLUMN send_by timestamptz;

-- The dispatcher's look for waiting messages whose time has passed, every round.
CREATE INDEX whatsapp_outbox_send_by_idx ON whatsapp_outbox (send_by) WHERE send_by IS NOT NULL AND state = 'queued';
