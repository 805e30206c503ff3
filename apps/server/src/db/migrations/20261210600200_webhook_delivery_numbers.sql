-- Each stored webhook body says which of our numbers it is about, read once at intake: the
-- retention rule (a practice forgets only bodies naming its own numbers) and messaging's upkeep
-- (bodies of no single practice) compare this array instead of parsing every old body as JSON
-- in every practice's daily run.
ALTER TABLE whatsapp_webhook_deliveries ADD COLUMN phone_number_ids text[] NOT NULL DEFAULT '{}';
-- Only valid WhatsApp JSON is ever stored (intake refuses anything else).
UPDATE whatsapp_webhook_deliveries
  SET phone_number_ids = ARRAY(
    SELECT DISTINCT jsonb_array_elements_text(
      jsonb_path_query_array(body::jsonb, '$.entry[*].changes[*].value.metadata.phone_number_id')));
CREATE INDEX whatsapp_webhook_deliveries_processed_idx ON whatsapp_webhook_deliveries (processed_at)
  WHERE processed_at IS NOT NULL;
