-- WhatsApp messaging: webhook intake, conversations, messages, the outbound outbox, templates.

-- Channel: pacing state for the per-number throughput cap, a pause when Meta refuses the token,
-- auto-replies (greeting and away), template sync time.
ALTER TABLE whatsapp_channels
  -- Next free send slot for this number (a leaky bucket kept by the database, shared by every worker).
  ADD COLUMN send_slot_at timestamptz NOT NULL DEFAULT '-infinity',
  ADD COLUMN sending_paused_reason text,
  ADD COLUMN greeting_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN greeting_en text NOT NULL DEFAULT '',
  ADD COLUMN greeting_fr text NOT NULL DEFAULT '',
  ADD COLUMN away_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN away_en text NOT NULL DEFAULT '',
  ADD COLUMN away_fr text NOT NULL DEFAULT '',
  ADD COLUMN templates_synced_at timestamptz;

-- Every webhook POST whose signature checked out, stored before Meta gets its 200. Not per
-- practice: one POST may name several numbers, and it is routed only when processed.
CREATE TABLE whatsapp_webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- The raw bytes as Meta signed them.
  body text NOT NULL,
  processed_at timestamptz,
  -- A claim by a processor; a crashed processor's claim runs out and another takes it over.
  claimed_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- Given up after repeated failures: kept for an operator, never retried automatically.
  dead_at timestamptz
);
CREATE INDEX whatsapp_webhook_deliveries_pending_idx ON whatsapp_webhook_deliveries (id)
  WHERE processed_at IS NULL AND dead_at IS NULL;

-- One conversation per practice and WhatsApp contact. A contact is known by wa_id (digits)
-- or, for username users without a visible phone, by Meta's business-scoped user_id.
CREATE TABLE whatsapp_conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  channel_id uuid NOT NULL REFERENCES whatsapp_channels (id),
  wa_id text CHECK (wa_id ~ '^[0-9]{5,20}$'),
  user_id text,
  profile_name text NOT NULL DEFAULT '',
  patient_id uuid,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  assigned_user_id uuid REFERENCES users (id),
  needs_human boolean NOT NULL DEFAULT false,
  unread_count integer NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
  last_message_at timestamptz NOT NULL DEFAULT now(),
  -- The 24-hour customer service window runs from the patient's last message.
  last_inbound_at timestamptz,
  greeted_at timestamptz,
  away_sent_at timestamptz,
  opted_in_at timestamptz,
  opted_out_at timestamptz,
  -- Per-recipient pacing (Meta's pair rate limit): theoretical time of the next send.
  pair_slot_at timestamptz NOT NULL DEFAULT '-infinity',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL),
  FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
  UNIQUE (practice_id, id)
);
CREATE UNIQUE INDEX whatsapp_conversations_wa_id_key ON whatsapp_conversations (channel_id, wa_id) WHERE wa_id IS NOT NULL;
CREATE UNIQUE INDEX whatsapp_conversations_user_id_key ON whatsapp_conversations (channel_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX whatsapp_conversations_list_idx ON whatsapp_conversations (practice_id, status, last_message_at DESC, id DESC);
CREATE INDEX whatsapp_conversations_patient_idx ON whatsapp_conversations (practice_id, patient_id) WHERE patient_id IS NOT NULL;

CREATE TABLE whatsapp_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL,
  conversation_id uuid NOT NULL,
  channel_id uuid NOT NULL REFERENCES whatsapp_channels (id),
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  origin text NOT NULL CHECK (origin IN ('patient', 'staff', 'greeting', 'away', 'system')),
  -- Meta's message id; for outbound messages known once the Graph API accepted them.
  wamid text,
  -- The inbox form (MessageContent in contracts) and, for inbound, Meta's message as received.
  content jsonb NOT NULL,
  raw jsonb,
  -- Outbound: the Graph API request body, written before any attempt to send it.
  request jsonb,
  status text NOT NULL CHECK (status IN ('received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed')),
  status_at timestamptz NOT NULL DEFAULT now(),
  failure_reason text,
  failure_code integer,
  failure_detail text,
  context_wamid text,
  reply_to_message_id uuid,
  reactions jsonb NOT NULL DEFAULT '[]',
  media_id text,
  media_file_key text,
  media_size integer,
  media_state text CHECK (media_state IN ('pending', 'stored', 'failed')),
  sent_by_user_id uuid REFERENCES users (id),
  -- Unique per practice: a caller (a job, a retrying client) asking twice gets one message.
  idempotency_key text,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (practice_id, conversation_id) REFERENCES whatsapp_conversations (practice_id, id),
  UNIQUE (practice_id, id)
);
-- Meta redelivers webhooks: a message id is processed once.
CREATE UNIQUE INDEX whatsapp_messages_wamid_key ON whatsapp_messages (channel_id, wamid) WHERE wamid IS NOT NULL;
CREATE UNIQUE INDEX whatsapp_messages_idempotency_key ON whatsapp_messages (practice_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX whatsapp_messages_thread_idx ON whatsapp_messages (conversation_id, occurred_at, id);

-- Status webhooks, each (message, status) once. Kept also when the wamid is not (yet) ours:
-- Meta may report 'sent' before the Graph API's answer to our send has been recorded.
CREATE TABLE whatsapp_status_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  practice_id uuid NOT NULL REFERENCES practices (id),
  channel_id uuid NOT NULL REFERENCES whatsapp_channels (id),
  wamid text NOT NULL,
  status text NOT NULL,
  occurred_at timestamptz NOT NULL,
  errors jsonb,
  applied_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, wamid, status)
);
CREATE INDEX whatsapp_status_events_unapplied_idx ON whatsapp_status_events (channel_id, wamid) WHERE applied_at IS NULL;

-- The transactional outbox: a row per pending Graph API call, written in the same transaction
-- as the message, deleted when the call has a final answer. seq keeps each conversation in order.
CREATE TABLE whatsapp_outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  practice_id uuid NOT NULL,
  channel_id uuid NOT NULL REFERENCES whatsapp_channels (id),
  conversation_id uuid NOT NULL,
  message_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('message', 'read_receipt', 'media_download')),
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Set (and committed) just before the HTTP call: a claim that ran out with this set may have
  -- reached Meta, so it is never retried blindly.
  attempt_started_at timestamptz,
  claimed_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id, kind)
);
CREATE INDEX whatsapp_outbox_due_idx ON whatsapp_outbox (next_attempt_at, seq) WHERE state = 'queued';
CREATE INDEX whatsapp_outbox_conversation_idx ON whatsapp_outbox (conversation_id, seq);

CREATE TABLE whatsapp_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  practice_id uuid NOT NULL REFERENCES practices (id),
  channel_id uuid NOT NULL REFERENCES whatsapp_channels (id) ON DELETE CASCADE,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL,
  status text NOT NULL,
  body text NOT NULL,
  parameter_format text NOT NULL CHECK (parameter_format IN ('positional', 'named')),
  parameters jsonb NOT NULL DEFAULT '[]',
  quick_replies jsonb NOT NULL DEFAULT '[]',
  synced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, name, language)
);

ALTER TABLE whatsapp_conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE whatsapp_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE whatsapp_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE whatsapp_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE whatsapp_status_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON whatsapp_status_events USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON whatsapp_conversations USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON whatsapp_messages USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON whatsapp_outbox USING (practice_id = current_practice_id());
CREATE POLICY practice_isolation ON whatsapp_templates USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON whatsapp_conversations, whatsapp_messages, whatsapp_outbox, whatsapp_templates, whatsapp_status_events TO dentalpro_app;
-- Webhook deliveries are stored before a practice is known: only the service itself (no practice role) touches them.
