-- WhatsApp words encrypted at rest (issue 14: "data is encrypted").
--
-- A message's words — the text parts of its inbox content (body, caption, titles, file name,
-- location, contact names), Meta's raw message and the Graph API request sent — are sealed
-- together with the practice's data key (platform/data-keys.ts, AES-256-GCM, bound to the
-- message id). `content` keeps only the shape the queries need (type, mime type, download state,
-- choice id, template name and language). Rows written before this stay readable as they are
-- until `npm run cli -- whatsapp seal-words` has sealed them (in batches, resumable).
ALTER TABLE whatsapp_messages ADD COLUMN sealed bytea;
-- The rows the backfill still has to seal (and the erased ones, which have nothing to seal).
CREATE INDEX whatsapp_messages_unsealed_idx ON whatsapp_messages (practice_id, id) WHERE sealed IS NULL;

-- Webhook bodies: sealed at intake with the master key itself (a body belongs to no practice
-- until it is routed, like a user's TOTP secret); `contact_tags` are keyed hashes of the WhatsApp
-- numbers and user ids the body names, so a deletion request still finds them without reading them.
ALTER TABLE whatsapp_webhook_deliveries
  ALTER COLUMN body DROP NOT NULL,
  ADD COLUMN body_sealed bytea,
  ADD COLUMN contact_tags text[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT whatsapp_webhook_deliveries_body_check CHECK (body IS NOT NULL OR body_sealed IS NOT NULL);
