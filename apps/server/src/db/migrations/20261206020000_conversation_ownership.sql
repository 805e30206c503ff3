-- Who answers a WhatsApp conversation: the booking assistant or a person. The assistant hands a
-- conversation to staff (asked for a person, urgent, not understood...), staff hand it back.

ALTER TABLE whatsapp_conversations
  ADD COLUMN owner text NOT NULL DEFAULT 'assistant' CHECK (owner IN ('assistant', 'staff')),
  -- Why a person is needed; kept while staff handle it, cleared when they hand it back.
  ADD COLUMN handover_reason text CHECK (handover_reason IN ('asked', 'urgent', 'not_understood', 'late_cancellation', 'possible_duplicate', 'needs_staff')),
  -- Since when the patient has been waiting for a person; null when nobody is waited for
  -- (no handover, or staff have answered since).
  ADD COLUMN handover_at timestamptz,
  -- When the current owner took the conversation (null: nobody ever changed it). The assistant
  -- ends a person's lapsed ownership only if nobody took the conversation since the patient's
  -- last message: a person clicking "Take over" while the assistant composes an answer wins.
  ADD COLUMN owner_since timestamptz;

-- Conversations staff had already flagged are theirs: the assistant must not step into them.
UPDATE whatsapp_conversations SET owner = 'staff', handover_reason = 'needs_staff' WHERE needs_human;

-- The navigation counts the conversations waiting for a person on every screen.
CREATE INDEX whatsapp_conversations_waiting_idx ON whatsapp_conversations (practice_id, handover_at)
  WHERE handover_at IS NOT NULL AND status = 'open';

-- The assistant answers this number's patients (the greeting and away message stay silent then).
ALTER TABLE whatsapp_channels ADD COLUMN assistant_active boolean NOT NULL DEFAULT false;

ALTER TABLE whatsapp_messages DROP CONSTRAINT whatsapp_messages_origin_check;
ALTER TABLE whatsapp_messages ADD CONSTRAINT whatsapp_messages_origin_check
  CHECK (origin IN ('patient', 'staff', 'greeting', 'away', 'system', 'assistant'));
